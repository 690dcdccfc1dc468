"""Forms never lose typing: keys sent in a burst land where they were aimed, keys typed before a
form has mounted go to its first field, escape asks before throwing changes away, and "no" to a
question asked before saving returns to the form as it was."""

from __future__ import annotations

import asyncio
import time

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Label, Select, TabbedContent

from rebound_tui.service import Service
from rebound_tui.ui import key_order
from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.screens.activity_forms import FollowUpForm, LogForm
from rebound_tui.ui.screens.form_base import RecordForm
from rebound_tui.ui.screens.forms import CompanyForm, ContactForm
from rebound_tui.ui.screens.playbook_forms import RejectForm
from rebound_tui.ui.screens.prompts import ConfirmScreen
from rebound_tui.ui.screens.settings import SettingsScreen
from tests.ui.conftest import settle
from tests.ui.test_app import SIZE


async def burst(pilot: Pilot, *keys: str) -> None:
    """Send keys as a terminal does when they come together (a paste, a fast typist): all at
    once, with no pause between them (`pilot.press` waits after each key), then wait until the
    app has handled them all."""
    app = pilot.app
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()
    handled = getattr(app, "keys_handled", None)
    if handled is not None:
        await handled()
    await settle(pilot)


def field(app: ReboundApp, name: str) -> str:
    return app.screen.query_one(f"#field-{name}", Input).value


def typed(app: ReboundApp) -> dict[str, str]:
    """The inputs that hold something."""
    return {w.id: w.value for w in app.screen.query(Input) if w.value}


def question(app: ReboundApp) -> str:
    return str(app.screen.query_one("#confirm-question", Label).render())


# -- a burst of keys ---------------------------------------------------------------------------
async def test_tab_right_after_text_moves_on_before_the_next_key(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "a")
        assert isinstance(app.screen, CompanyForm)
        await burst(pilot, "A", "A", "A", "tab", "tab", "4")
        assert field(app, "name") == "AAA"  # not "AAA4"
        assert field(app, "priority") == "4"
        assert app.focused is app.screen.query_one("#field-priority")


async def test_editing_keys_in_a_burst_apply_in_order(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "a")
        await burst(pilot, "A", "B", "C", "backspace", "D", "left", "E", "end", "F")
        assert field(app, "name") == "ABEDF"
        await burst(pilot, "shift+tab", "shift+tab", "X")  # back to the name, round the form
        assert app.focused is not app.screen.query_one("#field-name")
        assert field(app, "name") == "ABEDF"


async def test_keys_typed_as_a_form_opens_reach_the_fields_mounted_after_its_first_frame(
    app: ReboundApp, service: Service
) -> None:
    """A form shows its first fields in its first frame and mounts the others right after
    (issue 14): keys typed meanwhile wait for the whole form, then land in order, also in a
    field that was not there yet (location is the fourth; settings' tabs likewise)."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        assert CompanyForm.FIRST_FIELDS < 4
        await burst(pilot, "a", *"Zed", "tab", "tab", "3", "tab", *"Evanston", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RecordForm)
        zed = service.find_company("Zed")
        assert (zed.priority, zed.location) == (3, "Evanston")


async def test_a_pause_of_the_whole_process_does_not_send_the_keys_on_early(
    app: ReboundApp, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keys' safety net (`key_order.HOP_TIMEOUT`) counts the event loop's ticks, not the
    wall clock: the process stopped for longer than it while the form mounts its last fields
    (a busy host, a long collection) is no stuck form, and the keys still wait for them."""
    monkeypatch.setattr(key_order, "HOP_TIMEOUT", 0.3)
    mount_rest = CompanyForm._mount_rest

    async def stalled(form: CompanyForm) -> None:
        await asyncio.sleep(0.05)  # the keys wait for the form by now
        time.sleep(1.0)  # the whole process away (no tick runs), far past the safety net
        await asyncio.sleep(0.05)  # a tick or two after it, then the last fields
        await mount_rest(form)

    monkeypatch.setattr(CompanyForm, "_mount_rest", stalled)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await burst(pilot, "a", *"Zed", "tab", "tab", "3", "tab", *"Evanston", "ctrl+s")
        assert not isinstance(app.screen, RecordForm)
        zed = service.find_company("Zed")
        assert (zed.priority, zed.location) == (3, "Evanston")


async def test_keys_go_on_after_the_safety_net_when_a_form_never_completes(
    app: ReboundApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A screen that never says it is whole (a bug) does not swallow the keyboard: after
    `HOP_TIMEOUT` of ticks the keys go to what has the focus."""
    monkeypatch.setattr(key_order, "HOP_TIMEOUT", 0.2)

    async def never(form: CompanyForm) -> None:
        return None

    monkeypatch.setattr(CompanyForm, "_mount_rest", never)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await burst(pilot, "a", *"Zed")
        assert isinstance(app.screen, CompanyForm)
        assert not app.screen.complete.is_set()
        assert field(app, "name") == "Zed"


async def test_keys_typed_before_the_form_mounts_go_to_its_first_field(
    app: ReboundApp, service: Service
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        selected = app.bullpen.current.id
        # `a` opens the form; the rest arrives before it is on screen. None of them is taken
        # as a dashboard key (c, e, m, d, s and x all are).
        await burst(pilot, "a", *"Acme descs", "tab", "tab", "5", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RecordForm)
        acme = service.find_company("Acme descs")
        assert acme.priority == 5
        assert app.bullpen.current.id == acme.id != selected
        assert len(service.companies()) == 5


async def test_keys_after_a_form_closes_go_back_to_the_dashboard(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await burst(pilot, "a", "escape", "j")  # unchanged: escape closes at once
        assert not isinstance(app.screen, RecordForm)
        assert app.bullpen.table.cursor == 1


async def test_a_burst_in_a_log_form_fills_the_fields_in_order(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")  # Darlene Boss
        await burst(pilot, "l")
        assert isinstance(app.screen, LogForm)
        order = [w.id for w in app.screen.focus_chain]
        note = order.index("field-note")
        await burst(pilot, *["tab"] * note, *"coffee", "shift+tab", "x")
        before = order[note - 1]
        assert app.screen.query_one("#field-note", Input).value == "coffee"
        widget = app.screen.query_one(f"#{before}")
        if isinstance(widget, Input):
            assert widget.value.endswith("x")


# -- escape on a form --------------------------------------------------------------------------
async def test_escape_on_an_unchanged_form_closes_at_once(
    app: ReboundApp, service: Service
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for keys, form in (
            (("1", "a"), CompanyForm),
            (("1", "e"), CompanyForm),
            (("1", "l"), LogForm),
            (("1", "f"), FollowUpForm),
            (("1", "R"), RejectForm),
            (("2", "a"), ContactForm),
            (("2", "e"), ContactForm),
            (("3", "e"), FollowUpForm),
        ):
            await pilot.press(*keys)
            await settle(pilot)
            assert isinstance(app.screen, form), keys
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is app.screen_stack[0], keys


async def test_escape_on_a_changed_form_asks_and_no_keeps_it(
    app: ReboundApp, service: Service
) -> None:
    before = service.companies()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "a")
        form = app.screen
        await burst(pilot, *"Initech", "tab", "tab", "4", "tab", *"Chicago")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Discard" in question(app)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form
        assert typed(app) == {
            "field-name": "Initech",
            "field-priority": "4",
            "field-location": "Chicago",
        }
        assert app.focused is form.query_one("#field-location")
        await burst(pilot, *" IL")  # the typing goes on where it was
        assert field(app, "location") == "Chicago IL"
        await pilot.press("escape", "escape")  # escape on the question is "no" too
        await settle(pilot)
        assert app.screen is form and field(app, "location") == "Chicago IL"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert app.screen is app.screen_stack[0]
    assert service.companies() == before


async def test_a_change_undone_by_hand_is_no_change(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "e")
        assert isinstance(app.screen, CompanyForm)
        await burst(pilot, "end", "x", "backspace")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.screen_stack[0]


async def test_a_changed_choice_counts_as_a_change(app: ReboundApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "e")
        app.screen.query_one("#field-stage", Select).value = "applied"
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)


# -- "no" to the question before saving ---------------------------------------------------------
async def test_no_to_the_cool_off_question_returns_to_the_form(
    app: ReboundApp, service: Service
) -> None:
    with service.playbook_paused():
        service.log("email", contact="Darlene Boss", on="2026-11-26", note="sent the article")
    service.save()
    darlene = service.find_contact("Darlene Boss")

    def logged() -> int:
        return sum(1 for i in service.interactions() if i.contact_id == darlene.id)

    before = logged()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        assert app.network.current.contact == "Darlene Boss"
        await pilot.press("l")
        form = app.screen
        note = form.query_one("#field-note", Input)
        note.focus()
        await settle(pilot)
        await burst(pilot, *"asked about the team")
        values = form.raw_values()
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Darlene Boss" in question(app)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form  # back to the form, as it was
        assert form.raw_values() == values
        assert note.value == "asked about the team"
        assert "Not saved" in str(form.query_one("#form-error", Label).render())
        assert logged() == before
        await pilot.press("ctrl+s", "y")  # this time: go ahead
        await settle(pilot)
        assert app.screen is app.screen_stack[0]
    assert logged() == before + 1
    assert [i.note for i in service.interactions() if i.contact_id == darlene.id][-1] == (
        "asked about the team"
    )


async def test_no_to_a_near_duplicate_name_returns_to_the_form(
    app: ReboundApp, service: Service
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "a")
        await burst(pilot, *"Glenview Logistic", "ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CompanyForm)
        assert field(app, "name") == "Glenview Logistic"
        await burst(pilot, *" Inc", "ctrl+s", "y")  # the same question: this time yes
        await settle(pilot)
        assert app.screen is app.screen_stack[0]
    assert service.find_company("Glenview Logistic Inc") is not None


async def test_a_tab_key_typed_as_settings_opens_shows_a_tab_mounted_after_the_first_frame(
    app: ReboundApp,
) -> None:
    """Settings shows its first tab in its first frame, the others come right after (issue
    14): `4` typed with `S` waits for them and shows the Mail tab, its first field focused."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "S", "4")
        assert isinstance(app.screen, SettingsScreen)
        assert app.screen.query_one(TabbedContent).active == "mail"
        assert app.focused is app.screen.query_one("#my-emails")
