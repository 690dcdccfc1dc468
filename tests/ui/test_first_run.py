"""The first-run guide (ui/widgets/first_run.py): on an empty file the due pane leads the first
five minutes, one key a step, ticked from the data; it goes away once steps 1-3 are done (or on
x, remembered in the file) and comes back from the help screen (? then f)."""

from __future__ import annotations

import pytest

from rebound_tui.demo import ANCHOR, make_demo_copy
from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp, make_app
from rebound_tui.ui.screens.forms import BossForm, CompanyForm, ContactForm
from rebound_tui.ui.screens.help import HelpScreen
from rebound_tui.ui.screens.importing import ImportPrompt
from rebound_tui.ui.screens.playbook_forms import RejectForm
from rebound_tui.ui.screens.sync_info import SyncInfo
from rebound_tui.ui.widgets.first_run import HIDDEN_SETTING, FirstRunGuide
from tests.ui.conftest import TODAY, fill, reopen, settle

HOSTILE_COMPANY = "[/] North[b]shore"
HOSTILE_BOSS = "[@click=app.quit]x Darlene"


def empty_app(path) -> ReboundApp:
    return make_app(Service.open(path, today=lambda: TODAY), poll_seconds=0, save_delay=0)


def guide_of(app: ReboundApp) -> FirstRunGuide:
    return app.query_one(FirstRunGuide)


def guide_text(app: ReboundApp) -> str:
    return str(guide_of(app).render())


def guide_shows(app: ReboundApp) -> bool:
    guide = guide_of(app)
    return app.due.first_run.shown and guide.display and not app.due.table.display


async def type_and_save(pilot, text: str) -> None:
    await pilot.press(*text)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_the_guide_leads_on_an_empty_file(data_path):
    app = empty_app(data_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert guide_shows(app)
        assert app.focused is guide_of(app)
        text = guide_text(app)
        for key, what in (
            ("a", "Add the company that said no"),
            ("b", "Add the boss who said no"),
            ("R", "Record the rejection: the plan appears"),
            ("l", "Import your LinkedIn connections"),
            ("p", "Put your file in a synced folder"),
        ):
            assert f"{key}  {what}" in text
        assert str(data_path) in text
        assert "✓ a" not in text and "✓ R" not in text
        assert "All done" not in text
        # The due pane's keys for items are off while the guide shows (nothing to act on).
        active = {b.binding.action for b in app.screen.active_bindings.values()}
        assert {"add_company", "add_boss", "reject", "linkedin", "sync_info", "hide"} <= active
        assert not {"done", "snooze", "drop"} & active
    assert not data_path.exists()  # looking at the guide writes nothing


@pytest.mark.parametrize(
    ("key", "screen"),
    [
        ("a", CompanyForm),
        ("b", BossForm),
        ("R", RejectForm),
        ("l", ImportPrompt),
        ("p", SyncInfo),
    ],
)
async def test_each_step_key_starts_its_step(data_path, key, screen):
    service = Service.open(data_path, today=lambda: TODAY)
    service.add_company("Northshore")  # R needs a company to record the no of
    app = make_app(service, poll_seconds=0, save_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert guide_shows(app)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, screen)


async def test_the_boss_form_has_the_company_and_the_role(data_path):
    service = Service.open(data_path, today=lambda: TODAY)
    service.add_company("Northshore")
    app = make_app(service, poll_seconds=0, save_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ContactForm)
        assert form.value("company") == "Northshore"
        assert form.value("role") == "boss"


async def test_r_without_a_company_says_to_add_one(data_path):
    app = empty_app(data_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert not isinstance(app.screen, RejectForm)
        assert any("press a to add one" in str(n.message) for n in app._notifications)


async def test_the_first_five_minutes_tick_each_step_then_the_guide_goes(data_path):
    """a, b, R through the guide (hostile names kept as text): each is ticked as its data
    appears; after the third the guide goes and the plan shows in Due today."""
    app = empty_app(data_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_and_save(pilot, HOSTILE_COMPANY)
        assert guide_shows(app)
        text = guide_text(app)
        assert f"✓ a  Add the company that said no · {HOSTILE_COMPANY}" in text
        assert "✓ b" not in text
        assert app.focused is guide_of(app)

        await pilot.press("b")
        await settle(pilot)
        await type_and_save(pilot, HOSTILE_BOSS)
        assert guide_shows(app)
        assert f"✓ b  Add the boss who said no · {HOSTILE_BOSS}" in guide_text(app)
        assert app.is_running  # the name was not read as a click action

        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, RejectForm)
        assert app.screen.value("boss") == HOSTILE_BOSS
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.due.first_run.shown
        assert not guide_of(app).display and app.due.table.display
        assert app.focused is app.due.table
        steps = app.service.first_run_steps()
        assert steps.started
        assert app.due.table.empty_lines[0][0] == "✓ All done for today."
        assert any("Thank" in text for text, _ in app.due.table.empty_lines)
        assert any("First steps done" in str(n.message) for n in app._notifications)


async def test_x_hides_the_guide_and_the_file_remembers(data_path):
    app = empty_app(data_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert not app.due.first_run.shown
        assert app.focused is app.due.table
        await app.action_quit()
    assert reopen(data_path).setting(HIDDEN_SETTING) == "hidden"
    again = empty_app(data_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not again.due.first_run.shown


async def test_the_help_screen_brings_it_back(data_path):
    app = empty_app(data_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert not app.due.first_run.shown
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
        assert guide_shows(app)
        assert app.focused is guide_of(app)
        await pilot.press("a")  # its keys work again
        await settle(pilot)
        assert isinstance(app.screen, CompanyForm)


@pytest.fixture
def demo_app(tmp_path) -> ReboundApp:
    path = make_demo_copy(tmp_path, ANCHOR)
    return make_app(Service.open(path, today=lambda: ANCHOR), poll_seconds=0)


async def test_not_on_the_demo_until_asked_for(demo_app: ReboundApp):
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not demo_app.due.first_run.shown
        assert not guide_of(demo_app).display
        assert demo_app.focused is demo_app.due.table
        await pilot.press("question_mark", "f")
        await settle(pilot)
        assert guide_shows(demo_app)  # asked for: over the due list, all ticked but LinkedIn
        assert "✓ R" in guide_text(demo_app)
        await pilot.press("x")
        await settle(pilot)
        assert not demo_app.due.first_run.shown
        assert demo_app.focused is demo_app.due.table
        assert demo_app.service.setting(HIDDEN_SETTING) is None  # nothing to remember


async def test_not_on_a_file_with_data_and_nothing_due(tmp_path):
    service = Service.open(tmp_path / "rebound.json", today=lambda: TODAY)
    fill(service)
    for item in service.due():
        service.complete(item.follow_up)
    app = make_app(service, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.due.first_run.shown
        assert app.due.table.display
        await pilot.press("question_mark", "f")
        await settle(pilot)
        assert guide_shows(app)
        await pilot.press("x")
        await settle(pilot)
        assert not app.due.first_run.shown
        said = [str(n.message) for n in app._notifications]
        assert any("Guide hidden" in m for m in said)
        assert not any("First steps done" in m for m in said)  # one toast, not two


def test_guide_snapshot_80x24(tmp_path, monkeypatch, snap_compare):
    """The guide on an empty file with a company added (its name hostile): ~ for home."""
    monkeypatch.setenv("HOME", str(tmp_path))
    service = Service.open(tmp_path / "Sync" / "rebound.json", today=lambda: TODAY)
    service.add_company(HOSTILE_COMPANY)
    app = make_app(service, data_label="rebound.json", poll_seconds=0)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


async def test_hostile_names_from_a_synced_file_are_shown_as_text(tmp_path):
    """Names the file already holds (another machine, a hand edit), with markup and control
    characters: drawn literally, escaped, and nothing is run."""
    from rebound_test_helpers import HOSTILE

    from tests.ui.test_hostile_text import check_screen, shown

    service = Service.open(tmp_path / "rebound.json", today=lambda: TODAY)
    for i, text in enumerate(HOSTILE):
        company = service.db.create(
            "companies", {"name": f"{text} co{i}", "stage": "rejected", "priority": 3}
        )
        service.db.create(
            "contacts", {"name": f"{text} p{i}", "company_id": company, "role": "boss"}
        )
    service.save()
    steps = service.first_run_steps()
    assert steps.company and steps.boss and not steps.rejection
    app = make_app(service, poll_seconds=0, save_delay=0)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        assert guide_shows(app)
        text = check_screen(pilot, "the first-run guide")
        assert shown(steps.company_name) in text
        assert shown(steps.boss_name) in text
        await pilot.press("p")
        await settle(pilot)
        check_screen(pilot, "the sync screen")
