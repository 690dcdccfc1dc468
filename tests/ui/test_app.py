"""Pilot tests: press the keys a user presses, then check the DATA through the service."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, Tabs

from rebound_tui.service import Service
from rebound_tui.store.storage import SaveError
from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.screens.detail import CompanyDetail, ContactDetail
from rebound_tui.ui.screens.help import HelpScreen
from tests.ui.conftest import TODAY, reopen, settle

SIZE = (100, 30)


def due_titles(app: ReboundApp) -> list[str]:
    return [r.title for r in app.due.table.rows]


def open_titles(service: Service) -> set[str]:
    return {f.title for f in service.follow_ups()}


def record_messages(app: ReboundApp, monkeypatch) -> list[str]:
    """The notifications the app shows, in order."""
    shown: list[str] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        shown.append(str(message))
        return original(message, *args, **kwargs)

    monkeypatch.setattr(app, "notify", notify)
    return shown


async def type_text(pilot, text: str) -> None:
    """Type into the focused widget. In an Input, all but the last character go in at once
    (the same Changed message typing sends, for a fraction of the ~50 ms a pilot key press
    costs) and the last is a real key press."""
    focused = pilot.app.focused
    if isinstance(focused, Input) and len(text) > 1:
        focused.insert_text_at_cursor(text[:-1])
        text = text[-1]
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


# -- layout and moving around ----------------------------------------------------------------
async def test_starts_on_due_today_with_three_panes(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.focused is app.due.table
        assert all(p.display for p in app.panes)
        assert not any(tabs.display for tabs in app.query("#tabs"))  # mounted only when narrow
        assert app.sub_title == "rebound.json · Fri 27 Nov 2026"
        # Overdue first, then today's by importance.
        assert due_titles(app) == [
            "Ask Darlene for a referral interview",
            "Thank Julia",
            "Read Northbrook news",
        ]
        assert "1 overdue · 2 today · 1 this week" in str(app.due.border_title)
        assert len(app.bullpen.table.rows) == 4
        assert len(app.network.table.rows) == 4


async def test_number_keys_tab_and_cursor_keys(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert app.focused is app.bullpen.table
        await pilot.press("2")
        assert app.focused is app.network.table
        await pilot.press("3")
        assert app.focused is app.due.table
        await pilot.press("tab")
        assert app.focused is app.bullpen.table
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is app.network.table
        await pilot.press("3", "j")
        assert app.due.current.title == "Thank Julia"
        await pilot.press("G")
        assert app.due.current.title == "Read Northbrook news"
        await pilot.press("k")
        assert app.due.current.title == "Thank Julia"
        await pilot.press("g")
        assert app.due.current.title == "Ask Darlene for a referral interview"
        await pilot.press("down", "down", "down", "up")
        assert app.due.current.title == "Thank Julia"


async def test_mouse_click_moves_the_cursor(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # Row 0 is the header; row 2 is the second follow-up.
        await pilot.click(app.due.table, offset=(5, 2))
        assert app.due.current.title == "Thank Julia"


async def test_bullpen_selection_filters_the_network(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        assert app.bullpen.current.company == "Glenview Logistics"  # priority 5 first
        await pilot.press("j")
        assert app.bullpen.current.company == "Skokie Systems"
        assert [r.contact for r in app.network.table.rows] == ["Julia Ref"]
        assert "Skokie Systems" in str(app.network.border_title)
        await pilot.press("k")
        assert [r.contact for r in app.network.table.rows] == ["Darlene Boss", "Mark Star"]
        await pilot.press("2", "c")
        assert len(app.network.table.rows) == 4
        assert "Glenview" not in str(app.network.border_title)
        await pilot.press("1", "j", "2", "backspace")
        assert len(app.network.table.rows) == 4
        await pilot.press("o")  # the network sorts by the next column: company
        assert app.network.table.sort_key == "company"
        assert [r.company for r in app.network.table.rows][:2] == ["Glenview Logistics"] * 2


async def test_stage_filter_and_sort(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "s")
        assert app.bullpen.stage == "watching"
        assert [r.company for r in app.bullpen.table.rows] == ["Northbrook Labs"]
        await pilot.press("s", "s", "s")
        assert app.bullpen.stage == "rejected"
        assert [r.company for r in app.bullpen.table.rows] == ["Glenview Logistics"]
        await pilot.press("escape")  # no search: escape clears the stage filter
        assert app.bullpen.stage is None
        assert len(app.bullpen.table.rows) == 4
        await pilot.press(">")  # from priority to the next sortable column
        assert app.bullpen.table.sort_key == "since"
        assert app.bullpen.table.descending  # the longest since the no first
        assert app.bullpen.table.rows[0].company == "Skokie Systems"
        assert app.bullpen.current.company == "Glenview Logistics"  # the cursor kept its record
        await pilot.press(">", ">", ">", ">")
        assert app.bullpen.table.sort_key is None
        await pilot.press(">")
        assert app.bullpen.table.sort_key == "company"
        assert [r.company for r in app.bullpen.table.rows][0] == "Glenview Logistics"


async def test_search_as_you_type_and_escape(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash")
        assert isinstance(app.focused, Input)
        await type_text(pilot, "oper")  # Darlene and Mark work in Operations
        assert [r.contact for r in app.network.table.rows] == ["Darlene Boss", "Mark Star"]
        await pilot.press("enter")
        assert app.focused is app.network.table
        assert "/oper" in str(app.network.border_title)
        await pilot.press("escape")
        assert len(app.network.table.rows) == 4
        await pilot.press("1", "slash")
        await type_text(pilot, "contract")  # company notes are searched too
        assert [r.company for r in app.bullpen.table.rows] == ["Northbrook Labs"]
        await pilot.press("escape")
        assert app.focused is app.bullpen.table
        assert len(app.bullpen.table.rows) == 4


# -- the due list ----------------------------------------------------------------------------
async def test_done_with_a_note_logs_it(app: ReboundApp, service: Service, data_path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await type_text(pilot, "asked by email")
        await pilot.press("enter")
        await settle(pilot)
        f = service.find_follow_up("Ask Darlene for a referral interview")
        assert f.status == "done" and f.closed_on == "2026-11-27"
        logged = [i for i in service.interactions() if i.follow_up_id == f.id]
        assert [(i.kind, i.note) for i in logged] == [("email", "asked by email")]
        assert app.due.current.title == "Thank Julia"  # the cursor moved on
        assert reopen(data_path).find_follow_up(f.id).status == "done"  # saved


async def test_enter_is_done_and_escape_cancels(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = open_titles(service)
        await pilot.press("enter", "escape")
        assert open_titles(service) == before
        await pilot.press("enter", "enter")  # an empty note is fine
        await pilot.pause()
        f = service.find_follow_up("Ask Darlene for a referral interview")
        assert f.status == "done"


async def test_snooze_reschedule_drop_repeat_undo(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "t")  # snooze until tomorrow
        await pilot.pause()
        darlene = service.find_follow_up("Ask Darlene for a referral interview")
        assert darlene.due == "2026-11-28" and darlene.snoozes == 1
        assert app.due.current.title == "Thank Julia"
        await pilot.press("full_stop")  # the same snooze, for the next item
        await pilot.pause()
        assert service.find_follow_up("Thank Julia").due == "2026-11-28"
        await pilot.press("r")
        await type_text(pilot, "2026-12-24")
        await pilot.press("enter")
        await pilot.pause()
        assert service.find_follow_up("Read Northbrook news").due == "2026-12-24"
        assert due_titles(app) == []
        assert "All done" in app.due.table.empty_lines[0][0]
        await pilot.press("u")  # undo the reschedule
        await pilot.pause()
        assert service.find_follow_up("Read Northbrook news").due == "2026-11-27"
        assert app.due.current.title == "Read Northbrook news"
        await pilot.press("x")
        await pilot.pause()
        assert service.find_follow_up("Read Northbrook news").status == "dropped"
        await pilot.press("u", "u", "u")
        await settle(pilot)
        assert service.find_follow_up("Read Northbrook news").status == "open"
        assert service.find_follow_up("Thank Julia").due == "2026-11-27"
        assert service.find_follow_up("Ask Darlene for a referral interview").due == "2026-11-24"


async def test_repeat_drop_on_the_next_item(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("full_stop")  # nothing to repeat yet: nothing happens
        assert len(due_titles(app)) == 3
        await pilot.press("x", "full_stop")
        await pilot.pause()
        statuses = {f.title: f.status for f in service.follow_ups(include_closed=True)}
        assert statuses["Ask Darlene for a referral interview"] == "dropped"
        assert statuses["Thank Julia"] == "dropped"
        assert statuses["Read Northbrook news"] == "open"


async def test_edit_a_follow_up(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "e")
        title = app.screen.query_one("#field-title", Input)
        title.value = "Thank Julia for the intro"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Thank Julia for the intro" in open_titles(service)
        assert app.due.current.title == "Thank Julia for the intro"


# -- bullpen and network ---------------------------------------------------------------------
async def test_add_edit_delete_company(app: ReboundApp, service: Service, data_path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "a")
        await type_text(pilot, "Acme Widgets")
        await pilot.press("ctrl+s")
        await settle(pilot)
        acme = service.find_company("Acme Widgets")
        assert app.bullpen.current.id == acme.id
        assert reopen(data_path).find_company("Acme Widgets").id == acme.id
        await pilot.press("e")
        app.screen.query_one("#field-location", Input).value = "Evanston"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert service.find_company("Acme Widgets").location == "Evanston"
        await pilot.press("D", "n")  # no: nothing happens
        assert service.company(acme.id) is not None
        await pilot.press("D", "y")
        await settle(pilot)
        assert service.company(acme.id) is None
        assert acme.id in reopen(data_path).db.raw("companies")  # a tombstone stays
        await pilot.press("u")
        await pilot.pause()
        assert service.company(acme.id) is not None


async def test_a_form_refusal_keeps_the_form_open(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "a", "ctrl+s")  # no name
        await pilot.pause()
        assert app.screen is not app.screen_stack[0]
        await pilot.press("escape")
        assert len(service.companies()) == 4


async def test_log_and_follow_up_from_the_bullpen(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "j", "l")  # Skokie Systems
        app.screen.query_one("#field-note", Input).value = "coffee with the CFO"
        await pilot.press("ctrl+s")
        await pilot.pause()
        skokie = service.find_company("Skokie Systems")
        notes = [i for i in service.interactions() if i.company_id == skokie.id]
        assert [(i.kind, i.note, i.day) for i in notes][-1] == (
            "email",
            "coffee with the CFO",
            "2026-11-27",
        )
        await pilot.press("f")
        app.screen.query_one("#field-title", Input).value = "Send the CFO an article"
        app.screen.query_one("#field-due", Input).value = "3d"
        await pilot.press("ctrl+s")
        await pilot.pause()
        f = service.find_follow_up("Send the CFO an article")
        assert (f.company_id, f.due) == (skokie.id, "2026-11-30")
        assert app.bullpen.current.id == skokie.id


async def test_network_keys(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "j", "2", "a")  # Skokie is selected: the new person works there
        await type_text(pilot, "Sam Skokie")
        await pilot.press("ctrl+s")
        await pilot.pause()
        sam = service.find_contact("Sam Skokie")
        assert sam.company_id == service.find_company("Skokie Systems").id
        assert app.network.current.id == sam.id
        await pilot.press("e")
        app.screen.query_one("#field-email", Input).value = "sam@skokie.example"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert service.contact(sam.id).email == "sam@skokie.example"
        await pilot.press("l")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [i.contact_id for i in service.interactions()].count(sam.id) == 1
        assert app.network.current.last_contact == "2026-11-27"
        await pilot.press("f")
        app.screen.query_one("#field-title", Input).value = "Follow up with Sam"
        app.screen.query_one("#field-due", Input).value = "tomorrow"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert service.find_follow_up("Follow up with Sam").contact_id == sam.id
        await pilot.press("D", "y")
        await pilot.pause()
        assert service.contact(sam.id) is None
        assert "Sam Skokie" not in [r.contact for r in app.network.table.rows]


async def test_enter_opens_details(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter")
        assert isinstance(app.screen, CompanyDetail)
        await pilot.press("escape")
        assert app.focused is app.bullpen.table
        await pilot.press("2", "enter")
        assert isinstance(app.screen, ContactDetail)
        await pilot.press("escape")


async def test_help_lists_every_pane_key(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        sections = dict(app.help_sections())
        assert set(sections) == {"Everywhere", "Bullpen", "Network", "Due today", "Columns"}
        due_keys = {key for key, _ in sections["Due today"]}
        assert {"d / ⏎", "s", "r", "x", "e", ".", "/"} <= due_keys
        assert {"a", "e", "D", "l", "f", "⏎", "s", "o", "O", ">"} <= {
            k for k, _ in sections["Bullpen"]
        }
        assert {"c / ⌫"} <= {k for k, _ in sections["Network"]}
        assert "u" in {k for k, _ in sections["Everywhere"]}
        assert {"m", "E", "c", "M"} <= due_keys  # the drafts
        assert "R" in {k for k, _ in sections["Bullpen"]}
        everywhere = dict(sections["Everywhere"])
        assert everywhere["S"] == "Settings"
        assert any("LinkedIn connections" in text for _k, text in sections["Everywhere"])
        await pilot.press("escape")


def test_the_palette_lists_every_key_and_the_commands_without_one(app: ReboundApp) -> None:
    from rebound_tui.ui.commands import palette_commands

    names = {c.name: c.help for c in palette_commands(app)}
    assert names["Due today: Show the message drafted for it"] == "key m"
    assert names["Due today: Edit the draft in $EDITOR"] == "key E"
    assert names["Bullpen: Record a rejection: the plan's follow-ups start"] == "key R"
    assert names["Settings"] == "key S"
    assert {"Import LinkedIn connections…", "Import vCard…", "Import CSV…"} <= set(names)


def test_docs_keys_md_is_made_from_the_bindings() -> None:
    """Regenerate with: python -m rebound_tui.ui.keys_doc > docs/KEYS.md"""
    from pathlib import Path

    from rebound_tui.ui.keys_doc import keys_markdown

    page = Path(__file__).resolve().parents[2] / "docs" / "KEYS.md"
    assert page.read_text(encoding="utf-8") == keys_markdown()


async def test_command_palette_runs_pane_actions(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "Bullpen: Show one stage")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.bullpen.stage == "watching"
        assert app.focused is app.bullpen.table


# -- disk ------------------------------------------------------------------------------------
async def test_change_on_disk_shows_up_and_keeps_the_cursor(
    app: ReboundApp, service: Service, data_path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "j")  # Julia Ref (after Hank HR alphabetically... by name)
        chosen = app.network.current.id
        other = reopen(data_path)  # another machine's version, delivered by the sync tool
        other.add_contact("Aaron First", company="Skokie Systems")
        other.save()
        app.poll_disk()
        await settle(pilot)
        names = [r.contact for r in app.network.table.rows]
        assert names[0] == "Aaron First"
        assert app.network.current.id == chosen  # the cursor stayed on its record


async def test_an_older_based_version_synced_over_our_save_gets_it_back_at_once(
    app: ReboundApp, service: Service, data_path
) -> None:
    older = data_path.read_bytes()  # what another machine last synced
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "a")
        await type_text(pilot, "Saved here")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved here" in {c.name for c in reopen(data_path).companies()}
        elsewhere = data_path.with_name("elsewhere.json")
        elsewhere.write_bytes(older)
        other = reopen(elsewhere)
        other.add_company("Added elsewhere")
        other.save()
        elsewhere.replace(data_path)  # the sync tool puts it over our save
        app.poll_disk()  # no edit here: the poll alone must write our company back
        await settle(pilot)
    names = {c.name for c in reopen(data_path).companies()}
    assert {"Saved here", "Added elsewhere"} <= names


async def test_a_change_on_disk_leaves_an_open_form_alone(
    app: ReboundApp, service: Service, data_path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "a")
        form = app.screen
        await type_text(pilot, "Half typed")
        other = reopen(data_path)
        other.add_company("Arrived by sync")
        other.save()
        app.poll_disk()
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#field-name", Input).value == "Half typed"
        assert "Arrived by sync" in [r.company for r in app.bullpen.table.rows]
        await pilot.press("ctrl+s")
        await settle(pilot)
    names = {c.name for c in reopen(data_path).companies()}
    assert {"Half typed", "Arrived by sync"} <= names


async def test_save_error_is_shown_and_the_app_keeps_running(
    app: ReboundApp, service: Service, monkeypatch
) -> None:
    def broken() -> bool:
        raise SaveError("disk full")

    monkeypatch.setattr(service, "save", broken)
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await settle(pilot)
        assert any("disk full" in m for m in shown)
        assert app.is_running
        await pilot.press("q")  # the save on quit fails too: it asks again
        await pilot.pause()
        assert app.is_running
        await pilot.press("q")
    assert app.return_code == 0


async def test_quit_saves(app: ReboundApp, service: Service, data_path) -> None:
    app.save_delay = 60  # the debounced save would not come in time
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await pilot.press("q")
        await pilot.pause()
    assert reopen(data_path).find_follow_up("Ask Darlene for a referral interview").status == (
        "dropped"
    )


async def test_an_edit_is_durable_before_the_file_is_rewritten(
    app: ReboundApp, service: Service, data_path
) -> None:
    """The key's change is in this machine's journal at once (a crash now loses nothing); the
    data file is rewritten when the changes pause (here: not before quitting), which takes the
    journal in."""
    from rebound_tui.store.journal import journal_path_for

    app.save_delay = 60
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # (the start's own check-in re-timing saves first)
        before = data_path.read_bytes()
        await pilot.press("x")
        await settle(pilot)
        assert data_path.read_bytes() == before
        assert journal_path_for(data_path).exists()
        follow_up = reopen(data_path).find_follow_up("Ask Darlene for a referral interview")
        assert follow_up.status == "dropped"  # what the next start would see after a crash
        await pilot.press("q")
        await pilot.pause()
    assert not journal_path_for(data_path).exists()
    assert data_path.read_bytes() != before


async def test_theme_is_remembered(app: ReboundApp, service: Service, data_path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await settle(pilot)
    assert reopen(data_path).setting("theme") == "nord"


async def test_remembered_theme_is_used(service: Service) -> None:
    service.set_setting("theme", "gruvbox")
    from rebound_tui.ui.app import make_app

    app = make_app(service, poll_seconds=0, save_delay=0)
    async with app.run_test(size=SIZE):
        assert app.theme == "gruvbox"


async def test_narrow_terminal_uses_tabs(app: ReboundApp) -> None:
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        tabs = app.query_one("#tabs", Tabs)
        assert tabs.display
        assert [p.display for p in app.panes] == [False, False, True]
        await pilot.press("1")
        assert [p.display for p in app.panes] == [True, False, False]
        assert tabs.active == "tab-bullpen"
        await pilot.press("tab")
        assert app.focused is app.network.table
        assert [p.display for p in app.panes] == [False, True, False]


async def test_day_change_refreshes_the_due_list(service: Service, data_path) -> None:
    import datetime as dt

    from rebound_tui.ui.app import make_app

    day = [TODAY]
    ticking = Service.open(data_path, today=lambda: day[0])  # midnight passes, the app open
    app = make_app(ticking, poll_seconds=0, save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        assert len(due_titles(app)) == 3
        day[0] = TODAY + dt.timedelta(days=5)
        app.poll_disk()
        await settle(pilot)
        assert "Check in with Darlene" in due_titles(app)
        assert "Wed 2 Dec 2026" in app.sub_title


async def test_sync_conflict_copy_is_merged_and_reported(
    app: ReboundApp, service: Service, data_path, monkeypatch
) -> None:
    copy = data_path.with_name("rebound.sync-conflict-20261127-101500-ABCDEF2.json")
    copy.write_bytes(data_path.read_bytes())
    laptop = reopen(copy)  # the other machine's edit, which the sync tool kept aside
    laptop.add_company("Evanston Energy")
    laptop.save()
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        app.poll_disk()
        await settle(pilot)
        assert "Evanston Energy" in [r.company for r in app.bullpen.table.rows]
        assert [m for m in shown if "merged" in m] == [f"merged {copy.name}"]
        app.poll_disk()
        await settle(pilot)
        assert len([m for m in shown if "merged" in m]) == 1
    assert not copy.exists()  # archived, not deleted (the store keeps it in the backups)
    assert reopen(data_path).find_company("Evanston Energy")


# -- launching from the command line ------------------------------------------------------------
class FakeApp:
    """Stands in for the dashboard: launch's own work is what these tests check."""

    def __init__(self, service: Service, data_label: str | None = None) -> None:
        self.service = service
        self.data_label = data_label
        self.ran = False
        self.options: dict = {}
        self.return_code: int | None = None  # as Textual's App: set when it crashed
        self.start = SimpleNamespace(switch_interval=None)  # (launch sets the session's)

    def run(self) -> None:
        self.ran = True
        self.service.add_company("Left unsaved")  # as if the app quit without its save


def fake_make_app(made: list[FakeApp]):
    def make(service: Service, *, data_label: str | None = None, **options) -> FakeApp:
        made.append(FakeApp(service, data_label))
        made[-1].options = options
        return made[-1]

    return make


def test_launch_refuses_a_broken_file_before_starting(tmp_path, monkeypatch, capsys) -> None:
    from rebound_tui.ui import app as app_module
    from rebound_tui.ui.launch import launch

    made: list[FakeApp] = []
    monkeypatch.setattr(app_module, "make_app", fake_make_app(made))
    bad = tmp_path / "rebound.json"
    bad.write_text("{not json")
    assert launch(db=str(bad), demo=False) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("rebound-tui: ") and str(bad) in err and "\n" not in err
    assert made == []
    assert launch(db=str(tmp_path / "nowhere" / "x.json"), demo=False) == 1
    assert "does not exist" in capsys.readouterr().err


def test_launch_runs_and_saves_what_is_left(tmp_path, monkeypatch) -> None:
    from rebound_tui.ui import app as app_module
    from rebound_tui.ui.launch import launch

    made: list[FakeApp] = []
    monkeypatch.setattr(app_module, "make_app", fake_make_app(made))
    path = tmp_path / "rebound.json"
    assert launch(db=str(path), demo=False) == 0
    assert made[0].ran and made[0].data_label == "rebound.json"
    assert reopen(path).find_company("Left unsaved")


def test_launch_gives_the_session_a_short_switch_interval(tmp_path, monkeypatch) -> None:
    """Keys wait less for the background threads' turns once the dashboard has started
    (ui/launch.py, applied by `Start._background`); as it was once the app has quit."""
    import sys

    from rebound_tui.ui import app as app_module
    from rebound_tui.ui.launch import UI_SWITCH_INTERVAL, launch

    made: list[FakeApp] = []
    monkeypatch.setattr(app_module, "make_app", fake_make_app(made))
    ran = FakeApp.run

    def run(self) -> None:
        sys.setswitchinterval(self.start.switch_interval)  # (as the started app does)
        ran(self)

    monkeypatch.setattr(FakeApp, "run", run)
    before = sys.getswitchinterval()
    assert launch(db=str(tmp_path / "rebound.json"), demo=False) == 0
    assert made[0].start.switch_interval == UI_SWITCH_INTERVAL < before
    assert sys.getswitchinterval() == before


@pytest.mark.parametrize("asked", [None, 0.002])
async def test_the_switch_interval_is_set_once_every_pane_has_its_rows(
    app: ReboundApp, asked: float | None
) -> None:
    """Not before the first paint (it slowed a second start's paint), and only if launch asked."""
    import sys

    before = sys.getswitchinterval()
    app.start.switch_interval = asked
    seen: list[float] = []
    started = app.start_background

    def start_background() -> None:
        seen.append(sys.getswitchinterval())
        started()

    app.start_background = start_background  # type: ignore[method-assign]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.loaded and app.bullpen.table.rows
    finally:
        now = sys.getswitchinterval()
        sys.setswitchinterval(before)
    assert len(seen) == 1
    assert abs(seen[0] - (before if asked is None else asked)) < 1e-9
    assert abs(now - (before if asked is None else asked)) < 1e-9


def test_launch_exits_non_zero_after_a_crash_and_still_saves(tmp_path, monkeypatch) -> None:
    from rebound_tui.ui import app as app_module
    from rebound_tui.ui.launch import launch

    made: list[FakeApp] = []
    monkeypatch.setattr(app_module, "make_app", fake_make_app(made))
    ran = FakeApp.run

    def crash(self) -> None:
        ran(self)
        self.return_code = 1  # Textual printed a traceback and exited

    monkeypatch.setattr(FakeApp, "run", crash)
    path = tmp_path / "rebound.json"
    assert launch(db=str(path), demo=False) == 1
    assert reopen(path).find_company("Left unsaved")


def test_launch_demo_opens_a_throwaway_copy(tmp_path, monkeypatch) -> None:
    import tempfile

    from rebound_tui.ui import app as app_module
    from rebound_tui.ui.launch import launch

    def mkdtemp(prefix: str = "") -> str:
        folder = tmp_path / f"{prefix}1"
        folder.mkdir()
        return str(folder)

    made: list[FakeApp] = []
    monkeypatch.setattr(app_module, "make_app", fake_make_app(made))
    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    assert launch(db=None, demo=True) == 0
    service = made[0].service
    assert "demo" in (made[0].data_label or "")
    assert made[0].options == {"cache_first_screen": False}  # a throwaway file: no cache
    assert len(service.companies()) >= 5
    assert service.path.parent == tmp_path / "rebound-demo-1"
    assert not (tmp_path / "rebound-demo-1").exists()  # a clean quit removes the throwaway copy


def test_launch_demo_keeps_its_copy_after_a_crash(tmp_path, monkeypatch) -> None:
    import tempfile

    from rebound_tui.ui import app as app_module
    from rebound_tui.ui.launch import launch

    folder = tmp_path / "rebound-demo-1"
    monkeypatch.setattr(tempfile, "mkdtemp", lambda prefix="": str(folder.mkdir() or folder))
    monkeypatch.setattr(app_module, "make_app", fake_make_app([]))
    ran = FakeApp.run

    def crash(self) -> None:
        ran(self)
        self.return_code = 1

    monkeypatch.setattr(FakeApp, "run", crash)
    assert launch(db=None, demo=True) == 1
    assert any(folder.glob("*.json"))  # kept, to look at


async def test_dashboard_keys_are_off_on_a_detail_screen(app: ReboundApp) -> None:
    """Modal screens hide the app's keys already; a detail screen is a full screen."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")  # something to undo
        await pilot.press("1", "enter")
        detail = app.screen
        await pilot.press("u", "2", "question_mark")
        assert app.screen is detail
        assert app.service.can_undo  # the detail would not show an undo behind it
        await pilot.press("escape")
        assert app.focused is app.bullpen.table


async def test_repeat_after_undo_does_nothing_and_says_so(
    app: ReboundApp, service: Service, monkeypatch
) -> None:
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await pilot.pause()
        assert service.find_follow_up("Ask Darlene for a referral interview").status == "dropped"
        await pilot.press("u")
        await pilot.pause()
        assert service.find_follow_up("Ask Darlene for a referral interview").status == "open"
        before = {f.id: (f.status, f.due) for f in service.follow_ups(include_closed=True)}
        await pilot.press("full_stop")
        await pilot.pause()
        after = {f.id: (f.status, f.due) for f in service.follow_ups(include_closed=True)}
        assert after == before  # nothing dropped
        assert any("Nothing to repeat" in m for m in shown)
