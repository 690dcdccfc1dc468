"""Importing from the command palette: the file prompt, the progress bar fed from the worker,
the summary, dry run, errors that change nothing, and the save through the store worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Checkbox, Input

from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.screens.importing import ImportProgress, ImportPrompt, ImportResult
from tests.conftest import digest
from tests.ui.conftest import reopen, settle
from tests.ui.test_app import SIZE, type_text

PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing. You will only see email addresses for connections who have allowed it."\r\n'
    "\r\n"
)
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"


def write_linkedin(folder: Path, rows: list[str]) -> Path:
    """Connections.csv as LinkedIn sends it: BOM, preamble, CRLF."""
    path = folder / "Connections.csv"
    path.write_bytes(("\ufeff" + PREAMBLE + HEADER + "".join(r + "\r\n" for r in rows)).encode())
    return path


@pytest.fixture
def connections(tmp_path: Path) -> Path:
    return write_linkedin(
        tmp_path,
        [
            "Ada,Lovelace,https://www.linkedin.com/in/ada-l,,Skokie Systems,Analyst,12 Mar 2024",
            'Grace,Hopper,,grace@example.com,"Navy, Inc.",Admiral,01 Jan 2023',
            ",,,,,,",
            "Julia,Ref,https://www.linkedin.com/in/julia-ref,,Skokie Systems,CFO,05 May 2022",
        ],
    )


COMMANDS = {
    "Import LinkedIn connections": "linkedin",
    "Import vCard": "vcard",
    "Import CSV": "csv",
}


async def start_import(
    pilot, command: str, path: Path | str, *, palette: bool = False
) -> ImportPrompt:
    """The command (through ctrl+p, or its action: typing in the palette is slow), then the
    path; the prompt stays open for the caller."""
    await settle(pilot)
    if palette:
        await pilot.press("ctrl+p")
        assert isinstance(pilot.app.screen, CommandPalette)
        await type_text(pilot, command)
        await settle(pilot)
        await pilot.press("enter")
    else:
        assert command in {name.rstrip("…") for name, _, _ in pilot.app.PALETTE_COMMANDS}
        await pilot.app.run_action(f"import('{COMMANDS[command]}')")
    await settle(pilot)
    prompt = pilot.app.screen
    assert isinstance(prompt, ImportPrompt)
    field = prompt.query_one("#import-path", Input)
    field.value = str(path)[:-1]
    await pilot.press(str(path)[-1])
    return prompt


async def finish(pilot) -> ImportResult:
    await pilot.press("ctrl+s")
    await settle(pilot)
    await settle(pilot)  # the save the import scheduled
    result = pilot.app.screen
    assert isinstance(result, ImportResult)
    return result


def result_text(screen: ImportResult) -> str:
    return str(screen.query_one("#import-result-lines").render())


async def test_import_linkedin_from_the_palette(
    app: ReboundApp, service: Service, data_path, connections, monkeypatch
) -> None:
    progress: list[tuple[int, int]] = []
    original = ImportProgress.advance

    def spy(self, done: int, total: int) -> None:
        progress.append((done, total))
        original(self, done, total)

    monkeypatch.setattr(ImportProgress, "advance", spy)
    async with app.run_test(size=SIZE) as pilot:
        await start_import(pilot, "Import LinkedIn connections", connections, palette=True)
        result = await finish(pilot)
        text = result_text(result)
        assert "LinkedIn import: added 2, updated 1" in text
        assert "u on the dashboard undoes the whole import" in text
        ada = service.find_contact("Ada Lovelace")
        assert ada.company_id == service.find_company("Skokie Systems").id
        assert service.find_contact("Julia Ref").title == "CFO"
        assert service.find_contact("Grace Hopper").company_id is None  # not in the bullpen
        assert progress and progress[-1] == (3, 3)  # fed from the worker, to the end
        assert reopen(data_path).find_contact("Ada Lovelace").id == ada.id  # saved
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]
        assert "Ada Lovelace" in [r.contact for r in app.network.table.rows]
        await pilot.press("u")  # the whole import is one step
        await settle(pilot)
        assert not [c for c in service.contacts() if c.name == "Ada Lovelace"]
        assert service.find_contact("Julia Ref").title is None


async def test_dry_run_changes_nothing_then_add_companies(
    app: ReboundApp, service: Service, data_path, connections
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the cadence sync at start saves first
        before = digest(data_path)
        prompt = await start_import(pilot, "Import LinkedIn connections", connections)
        prompt.query_one("#import-dry-run", Checkbox).value = True
        result = await finish(pilot)
        assert "dry run: nothing was written" in result_text(result)
        assert "added 2" in result_text(result)
        assert not [c for c in service.contacts() if c.name == "Ada Lovelace"]
        assert "Ada Lovelace" not in {c.name for c in reopen(data_path).contacts()}
        assert digest(data_path) == before
        await pilot.press("escape")
        prompt = await start_import(pilot, "Import LinkedIn connections", connections)
        prompt.query_one("#import-add-companies", Checkbox).value = True  # for real, this time
        await finish(pilot)
    grace = service.find_contact("Grace Hopper")
    assert service.company(grace.company_id).name == "Navy, Inc."


async def test_a_file_that_is_not_an_export_changes_nothing(
    app: ReboundApp, service: Service, data_path, tmp_path
) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("just,some\nrandom,text\n")
    people = len(service.contacts())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = digest(data_path)
        await start_import(pilot, "Import LinkedIn connections", bad)
        result = await finish(pilot)
        assert digest(data_path) == before
        assert result.query_one("#import-result-box").has_class("-error")
        text = result_text(result)
        assert "Nothing was changed." in text
        assert "notes.csv" in text
        assert len(service.contacts()) == people
        await pilot.press("enter")
        assert app.screen is app.screen_stack[0]
        assert not app.importing
        await pilot.press("x")  # the app works on: a change after it saves as usual
        await settle(pilot)
    assert digest(data_path) != before
    assert len(reopen(data_path).contacts()) == people


async def test_the_prompt_refuses_a_missing_file(app: ReboundApp, tmp_path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        prompt = await start_import(pilot, "Import vCard", tmp_path / "nope.vcf")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is prompt
        assert "no such file" in str(prompt.query_one("#import-path-message").render())
        prompt.query_one("#import-path", Input).value = str(tmp_path)
        await pilot.press("enter")
        await pilot.pause()
        assert "is a folder" in str(prompt.query_one("#import-path-message").render())
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]


async def test_csv_with_a_map(app: ReboundApp, service: Service, tmp_path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("Full Name;Org;E-mail\nRita Moreno;Skokie Systems;rita@example.com\n")
    async with app.run_test(size=SIZE) as pilot:
        prompt = await start_import(pilot, "Import CSV", people)
        await pilot.press("enter")  # on to the map
        mapping = prompt.query_one("#import-map", Input)
        assert mapping.has_focus
        mapping.value = "nam=Full Name"
        await pilot.pause()
        assert "bad map field" in str(prompt.query_one("#import-map-message").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is prompt
        mapping.value = "name=Full Name,company=Org,email=E-mail"
        result = await finish(pilot)
        assert "added 1" in result_text(result)
    rita = service.find_contact("Rita Moreno")
    assert (rita.email, service.company(rita.company_id).name) == (
        "rita@example.com",
        "Skokie Systems",
    )


async def test_a_big_file_moves_the_bar_many_times(
    app: ReboundApp, service: Service, tmp_path, monkeypatch
) -> None:
    rows = [f"Person,Number{n},,,,Clerk,01 Jan 2024" for n in range(1500)]
    path = write_linkedin(tmp_path, rows)
    seen: list[int] = []
    original = ImportProgress.advance

    def spy(self, done: int, total: int) -> None:
        seen.append(done)
        original(self, done, total)
        assert self.query_one("#import-progress").progress == done

    monkeypatch.setattr(ImportProgress, "advance", spy)
    async with app.run_test(size=SIZE) as pilot:
        await start_import(pilot, "Import LinkedIn connections", path)
        await finish(pilot)
    assert len(seen) > 10 and seen == sorted(seen) and seen[-1] == 1500
    assert len(service.contacts()) >= 1500
