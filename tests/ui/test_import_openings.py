"""The dashboard's CSV import with a map of openings (`opening=...`): roles, not people, as
`rebound import csv --map "opening=..."` does. Preview, import, re-import without duplicates,
a dry run that writes nothing, and errors that say so in one line and change nothing."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input

from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp
from tests.conftest import digest
from tests.ui.conftest import reopen, settle
from tests.ui.test_app import SIZE
from tests.ui.test_dialog_words import start_label
from tests.ui.test_import import finish, result_text, start_import

MAP = "opening=Job Title,company=Company,status=Status,url=Link"
HEADER = "Job Title,Company,Status,Link\n"
ROWS = [
    "Data Analyst,Skokie Systems,Applied,https://jobs.example.com/1",
    "[/],Skokie Systems,Wishlist,https://jobs.example.com/2",
    "[@click=app.quit]x,Glenview Logistics,Interview,https://jobs.example.com/3",
]


def write_roles(folder: Path, rows: list[str]) -> Path:
    path = folder / "roles.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows))
    return path


def titles(service: Service) -> list[str]:
    return sorted(o.title for o in service.openings(include_closed=True))


async def give_map(pilot, prompt, spec: str) -> Input:
    await pilot.press("enter")  # from the path on to the map
    mapping = prompt.query_one("#import-map", Input)
    assert mapping.has_focus
    mapping.value = spec
    await settle(pilot)  # the map checked, the rows counted
    return mapping


async def test_preview_then_import_then_reimport_updates(
    app: ReboundApp, service: Service, data_path, tmp_path
) -> None:
    path = write_roles(tmp_path, ROWS)
    before_titles = titles(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the cadence sync at start saves first
        before = digest(data_path)
        prompt = await start_import(pilot, "Import CSV", path)
        await give_map(pilot, prompt, MAP)
        assert "fields of roles: opening, company, status" in str(
            prompt.query_one("#import-map-message").render()
        )
        assert start_label(prompt) == "Import 3 roles"
        prompt.query_one("#import-dry-run", Checkbox).value = True
        await settle(pilot)
        assert start_label(prompt) == "Preview (dry run)"
        result = await finish(pilot)
        text = result_text(result)
        assert "CSV import of openings (dry run: nothing was written): added 3" in text
        assert titles(service) == before_titles
        assert digest(data_path) == before
        await pilot.press("escape")

        prompt = await start_import(pilot, "Import CSV", path)
        await give_map(pilot, prompt, MAP)
        result = await finish(pilot)
        text = result_text(result)
        assert "CSV import of openings: added 3, updated 0, unchanged 0, skipped 0" in text
        assert "u on the dashboard undoes the whole import" in text
        assert app.is_running  # `[@click=app.quit]x` is a title, not a link
        await pilot.press("escape")
        assert titles(service) == sorted(
            [*before_titles, "Data Analyst", "[/]", "[@click=app.quit]x"]
        )
        on_disk = {o.title: o.status for o in reopen(data_path).openings(include_closed=True)}
        assert on_disk["[/]"] == "spotted"
        assert on_disk["[@click=app.quit]x"] == "interviewing"

        changed = [ROWS[0], ROWS[1].replace("Wishlist", "Applied"), ROWS[2]]
        write_roles(tmp_path, changed)
        prompt = await start_import(pilot, "Import CSV", path)
        await give_map(pilot, prompt, MAP)
        result = await finish(pilot)
        text = result_text(result)
        assert "added 0, updated 1, unchanged 2" in text
        assert "updated: [/] (status applied)" in text  # the title shown as it is
        await pilot.press("escape")
    assert len(titles(service)) == len(before_titles) + 3  # no duplicates
    on_disk = {o.title: o.status for o in reopen(data_path).openings(include_closed=True)}
    assert on_disk["[/]"] == "applied"


async def test_a_bad_map_says_so_and_a_missing_column_changes_nothing(
    app: ReboundApp, service: Service, data_path, tmp_path
) -> None:
    path = write_roles(tmp_path, ROWS)
    before_titles = titles(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = digest(data_path)
        prompt = await start_import(pilot, "Import CSV", path)
        mapping = await give_map(pilot, prompt, "opening=Job Title,company=Company,pay=Salary")
        message = str(prompt.query_one("#import-map-message").render())
        assert "bad map field 'pay' for openings: use one of opening, company" in message
        assert "\n" not in message
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is prompt  # refused
        mapping.value = "opening=Job Title,status=Status"
        await settle(pilot)
        assert "say which column holds the company" in str(
            prompt.query_one("#import-map-message").render()
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is prompt

        mapping.value = "opening=Title,company=Company"  # no column "Title"
        await settle(pilot)
        assert start_label(prompt) == "Import"  # the file cannot be read with this map
        result = await finish(pilot)
        assert result.query_one("#import-result-box").has_class("-error")
        text = result_text(result)
        assert "has no column 'Title' (for opening)" in text
        assert "Nothing was changed." in text
        await pilot.press("escape")
    assert titles(service) == before_titles
    assert digest(data_path) == before


async def test_a_company_not_in_the_bullpen_needs_the_tick(
    app: ReboundApp, service: Service, data_path, tmp_path
) -> None:
    path = write_roles(tmp_path, ["Welder,Acme Forge,Applied,https://jobs.example.com/9"])
    before_titles = titles(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = digest(data_path)
        prompt = await start_import(pilot, "Import CSV", path)
        await give_map(pilot, prompt, MAP)
        assert start_label(prompt) == "Import 1 role"
        text = result_text(await finish(pilot))
        assert "skipped 1" in text
        assert (
            "skipped line 2 (Welder): Acme Forge is not in the bullpen "
            "(tick “add the companies” to add it)"
        ) in text
        assert "--add-companies" not in text
        assert titles(service) == before_titles
        assert digest(data_path) == before
        await pilot.press("escape")

        prompt = await start_import(pilot, "Import CSV", path)
        await give_map(pilot, prompt, MAP)
        prompt.query_one("#import-add-companies", Checkbox).value = True
        text = result_text(await finish(pilot))
        assert "added 1" in text
        assert "new companies in the bullpen: Acme Forge" in text
    welder = next(o for o in reopen(data_path).openings() if o.title == "Welder")
    assert reopen(data_path).company(welder.company_id).name == "Acme Forge"
