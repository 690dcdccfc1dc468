"""The playbook on the dashboard: R records a rejection, m/E/c/M work the drafts, done keeps the
message in the log, and the cool-off guard asks before a touch too soon. Assertions on the data."""

from __future__ import annotations

import contextlib
import stat
from pathlib import Path

import pytest
from textual.widgets import Input, Label, Select, Static

from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.screens.activity_forms import LogForm
from rebound_tui.ui.screens.draft import DraftScreen
from rebound_tui.ui.screens.playbook_forms import RejectForm
from rebound_tui.ui.screens.prompts import ConfirmScreen, DonePrompt
from tests.ui.conftest import reopen, settle
from tests.ui.test_app import SIZE, record_messages, type_text

REJECTION_RULES = 6  # thank-you, referral ask, check-ins at 30/60/90 days, monthly news check


def rendered(app: ReboundApp, selector: str) -> str:
    widget = app.screen.query_one(selector)
    assert isinstance(widget, (Label, Static))
    return str(widget.render())


def done_notes(service: Service, title: str) -> list[str | None]:
    f = service.find_follow_up(title)
    return [i.note for i in service.interactions() if i.follow_up_id == f.id]


# -- R: record a rejection ---------------------------------------------------------------------
async def test_reject_records_the_no_and_starts_the_plan(
    app: ReboundApp, service: Service, data_path, monkeypatch
) -> None:
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "j", "j", "j")  # by priority: Northbrook Labs is last
        assert app.bullpen.current.company == "Northbrook Labs"
        await pilot.press("R")
        assert isinstance(app.screen, RejectForm)
        boss = app.screen.query_one("#field-boss", Select)
        assert boss.value is Select.NULL  # nobody said no there yet, and no contact is the boss
        boss.value = "Hank HR"
        await type_text(pilot, "yesterday")
        app.screen.query_one("#field-note", Input).value = "went with an internal candidate"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.screen_stack[0]
        northbrook = service.find_company("Northbrook Labs")
        assert northbrook.stage == "rejected"
        rejection = [i for i in service.interactions() if i.kind == "rejection"][-1]
        assert (rejection.company_id, rejection.day, rejection.note) == (
            northbrook.id,
            "2026-11-26",
            "went with an internal candidate",
        )
        assert rejection.contact_id == service.find_contact("Hank HR").id
        planned = service.created_by(rejection.id)
        assert len(planned) == REJECTION_RULES
        assert all(f.due >= "2026-11-27" for f in planned)
        assert any(f"the plan made {REJECTION_RULES} follow-ups" in m for m in shown)
        assert reopen(data_path).find_company("Northbrook Labs").stage == "rejected"
        await pilot.press("u")  # one step: the stage, the rejection and the plan go together
        await pilot.pause()
        assert service.find_company("Northbrook Labs").stage == "watching"
        assert service.created_by(rejection.id) == []


async def test_reject_preselects_who_said_no_and_escape_cancels(
    app: ReboundApp, service: Service
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(service.interactions())
        await pilot.press("1", "R")  # Glenview Logistics: Darlene Boss said no last time
        assert app.screen.query_one("#field-boss", Select).value == "Darlene Boss"
        await pilot.press("escape")
        assert len(service.interactions()) == before


# -- m, c, M: the draft ------------------------------------------------------------------------
async def test_m_shows_the_draft_and_c_copies_it(
    app: ReboundApp, service: Service, monkeypatch
) -> None:
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")  # Ask Darlene for a referral interview
        assert isinstance(app.screen, DraftScreen)
        f = service.find_follow_up("Ask Darlene for a referral interview")
        draft = service.draft(f)
        assert "Darlene Boss" in rendered(app, "#draft-to")
        assert "no email" in rendered(app, "#draft-to")
        assert draft.subject in rendered(app, "#draft-subject")
        assert rendered(app, "#draft-body") == draft.body
        footer_keys = {key for key, b in app.screen.active_bindings.items() if b.binding.show}
        assert {"c", "E", "M", "escape"} <= footer_keys
        await pilot.press("c")
        assert app.clipboard == draft.text
        # One line (issue 14): the OSC 52 caveats are in the README, not in an 8-line toast.
        assert any(m.startswith("Draft copied (") and "\n" not in m for m in shown)
        await pilot.press("M")  # no email on file: it says so, opens nothing
        assert any("has no email on file" in m for m in shown)
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]
        await pilot.press("j", "c")  # c works from the due list too
        assert app.clipboard == service.draft(service.find_follow_up("Thank Julia")).text


class FakeBrowser:
    def __init__(self) -> None:
        self.opened: list[str] = []

    def open(self, url: str) -> bool:
        self.opened.append(url)
        return True


async def test_M_opens_a_mailto_link_when_there_is_an_email(
    app: ReboundApp, service: Service, monkeypatch
) -> None:
    import webbrowser

    browser = FakeBrowser()
    monkeypatch.setattr(webbrowser, "get", lambda *_: browser)
    service.edit_contact("Julia Ref", email="julia@skokie.example")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "M")  # Thank Julia
        draft = service.draft(service.find_follow_up("Thank Julia"))
        assert browser.opened == [draft.mailto]
        assert draft.mailto.startswith("mailto:julia@skokie.example?subject=")


# -- E: the editor round trip, and the text kept in the log ------------------------------------
@pytest.fixture
def fake_editor(tmp_path: Path, monkeypatch) -> Path:
    """An $EDITOR that adds a line to the file it is given (as a user typing would)."""
    script = tmp_path / "fake-editor.sh"
    script.write_text('#!/bin/sh\nprintf "P.S. Loved the tour of the warehouse.\\n" >> "$1"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    return script


def no_suspend(app: ReboundApp, monkeypatch) -> None:
    """The headless test driver cannot hand the terminal over; the editor needs no terminal."""
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)


async def test_E_edits_the_draft_and_done_keeps_it_in_the_log(
    app: ReboundApp, service: Service, fake_editor, monkeypatch
) -> None:
    no_suspend(app, monkeypatch)
    title = "Ask Darlene for a referral interview"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m", "E")  # from the draft screen, which shows the edit at once
        assert isinstance(app.screen, DraftScreen)
        assert "P.S. Loved the tour" in rendered(app, "#draft-body")
        assert "edited" in str(app.screen.query_one("#draft-box").border_subtitle)
        await pilot.press("escape")
        edited = app.drafts.draft_text(service.find_follow_up(title).id)
        assert edited.edited
        assert edited.body.endswith("P.S. Loved the tour of the warehouse.")
        await pilot.press("c")
        assert "P.S. Loved the tour" in app.clipboard
        await pilot.press("d")
        assert isinstance(app.screen, DonePrompt)
        assert app.screen.query_one("#keep").value  # used: ticked already
        await type_text(pilot, "sent from my phone")
        await pilot.press("enter")
        await settle(pilot)
    (note,) = done_notes(service, title)
    assert note is not None
    assert note.startswith("sent from my phone\n\nSubject: ")
    assert note.rstrip().endswith("P.S. Loved the tour of the warehouse.")


async def test_done_without_the_text_and_unticked_by_default(
    app: ReboundApp, service: Service
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        keep = app.screen.query_one("#keep")
        assert not keep.value  # the draft was not used: nothing ticked
        await pilot.press("tab", "space")  # tick it
        assert keep.value
        await pilot.press("enter")  # enter on the checkbox accepts
        await settle(pilot)
        await pilot.press("G", "d")  # Read Northbrook news: no person, no message to keep
        assert isinstance(app.screen, DonePrompt)
        assert not app.screen.query("#keep")
        await pilot.press("enter")
        await settle(pilot)
    f = service.find_follow_up("Ask Darlene for a referral interview")
    assert done_notes(service, f.title) == [service.draft(f).text.strip("\n")]
    assert service.find_follow_up("Read Northbrook news").status == "done"


async def test_E_without_an_editor_says_how_to_set_one(
    app: ReboundApp, service: Service, monkeypatch
) -> None:
    import shutil

    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("E")
        assert any("$EDITOR is not set" in m and "export EDITOR=" in m for m in shown)
        f = service.find_follow_up("Ask Darlene for a referral interview")
        assert not app.drafts.draft_text(f.id).edited


async def test_E_keeps_the_draft_when_the_editor_fails(
    app: ReboundApp, service: Service, tmp_path, monkeypatch
) -> None:
    script = tmp_path / "quit-without-saving.sh"
    script.write_text('#!/bin/sh\necho garbage >> "$1"\nexit 1\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    no_suspend(app, monkeypatch)
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("E")
        f = service.find_follow_up("Ask Darlene for a referral interview")
        assert not app.drafts.draft_text(f.id).edited
        assert any("exited with status 1" in m for m in shown)


# -- the cool-off guard ------------------------------------------------------------------------
@pytest.fixture
def touched_yesterday(service: Service) -> Service:
    """Darlene was emailed yesterday: another touch today is too soon."""
    with service.playbook_paused():
        service.log("email", contact="Darlene Boss", on="2026-11-26", note="sent the article")
    service.save()
    return service


async def test_done_asks_first_when_it_is_a_touch_too_soon(
    app: ReboundApp, touched_yesterday: Service
) -> None:
    service = touched_yesterday
    title = "Ask Darlene for a referral interview"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question", Label).render())
        assert "Darlene Boss" in question and "Go ahead anyway?" in question
        await pilot.press("n")  # no: nothing done
        await pilot.pause()
        assert service.find_follow_up(title).status == "open"
        assert app.screen is app.screen_stack[0]
        await pilot.press("d", "y")  # yes: the usual note prompt, then done
        assert isinstance(app.screen, DonePrompt)
        await pilot.press("enter")
        await settle(pilot)
    assert service.find_follow_up(title).status == "done"


async def test_log_asks_first_when_it_is_a_touch_too_soon(
    app: ReboundApp, touched_yesterday: Service
) -> None:
    service = touched_yesterday
    darlene = service.find_contact("Darlene Boss")

    def logged() -> int:
        return sum(1 for i in service.interactions() if i.contact_id == darlene.id)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = logged()
        await pilot.press("2")
        assert app.network.current.contact == "Darlene Boss"
        await pilot.press("l", "ctrl+s")  # an email today
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: back to the form, nothing logged
        await pilot.pause()
        assert logged() == before
        assert isinstance(app.screen, LogForm)
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        await pilot.press("l", "ctrl+s", "y")
        await settle(pilot)
        assert logged() == before + 1
        assert app.screen is app.screen_stack[0]
        await pilot.press("l")  # a note is not outreach: no question
        app.screen.query_one("#field-kind", Select).value = "note"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.screen_stack[0]
        assert logged() == before + 2


# -- the cadence sync --------------------------------------------------------------------------
async def test_cadence_check_ins_are_synced_at_start_and_after_a_merge(
    app: ReboundApp, service: Service, data_path
) -> None:
    title = "Keep in touch: check in with Darlene Boss"
    assert title not in {f.title for f in service.follow_ups()}  # the fixture paused the plan
    # The fixture's own open check-in would serve the cadence: remove it (not done, not dropped).
    service.db.delete("followups", service.find_follow_up("Check in with Darlene").id)
    service.save()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert service.find_follow_up(title).due == "2026-12-15"  # 6 weeks after Nov 3
        assert reopen(data_path).find_follow_up(title).due == "2026-12-15"  # and saved
        other = reopen(data_path)  # another machine, with an older build: no sync of its own
        with other.playbook_paused():
            other.log("call", contact="Darlene Boss", on="2026-11-27")
        other.save()
        app.poll_disk()
        await settle(pilot)
        assert service.find_follow_up(title).due == "2027-01-08"  # 6 weeks after today's call
        assert reopen(data_path).find_follow_up(title).due == "2027-01-08"
