"""Issue 13 on the dashboard: a near-duplicate name is asked about before it is added, and a
company set to "rejected" by hand points at R (the key that starts the plan)."""

from __future__ import annotations

from textual.widgets import Input

from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.screens.prompts import ConfirmScreen
from tests.ui.conftest import settle
from tests.ui.test_app import SIZE, record_messages, type_text


def company_names(service: Service) -> list[str]:
    return sorted(c.name for c in service.companies())


async def test_adding_a_close_company_name_asks_first(app: ReboundApp, service: Service) -> None:
    before = company_names(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "a")
        await type_text(pilot, "glenview logistic")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Glenview Logistics" in app.screen.question
        await pilot.press("n")  # no: nothing is added, back to the form as it was
        await settle(pilot)
        assert company_names(service) == before
        assert app.screen.query_one("#field-name", Input).value == "glenview logistic"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")  # yes: a different company
        await settle(pilot)
        assert company_names(service) == sorted([*before, "glenview logistic"])


async def test_adding_a_close_contact_name_asks_first(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "a")
        await type_text(pilot, "Mark Starr")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Mark Star" in app.screen.question


async def test_a_company_set_to_rejected_by_hand_hints_at_r(
    app: ReboundApp, service: Service, monkeypatch
) -> None:
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "a")
        await type_text(pilot, "Evanston Freight")
        app.screen.query_one("#field-stage").value = "rejected"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert service.find_company("Evanston Freight").stage == "rejected"
        assert any("press R" in m for m in shown)


async def test_toasts_say_days_in_one_style(app: ReboundApp, service: Service, monkeypatch) -> None:
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await type_text(pilot, "2026-11-20")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("1", "f")
        await type_text(pilot, "Send the deck")
        app.screen.query_one("#field-due").value = "2026-12-11"
        await pilot.press("ctrl+s")
        await settle(pilot)
    moved = next(m for m in shown if m.startswith("Moved to"))
    assert moved.startswith("Moved to Fri 20 Nov") and "overdue from the start" in moved
    assert any("due Fri 11 Dec" in m for m in shown)
    assert not any("2026-" in m for m in shown)


async def test_pane_counts_say_1_company_and_1_person(data_path) -> None:
    from rebound_tui.ui.app import make_app
    from tests.ui.conftest import TODAY

    svc = Service.open(data_path, today=lambda: TODAY)
    svc.add_company("Acme")
    svc.add_contact("Pat Boss", company="Acme")
    app = make_app(svc, poll_seconds=0, save_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.bullpen.border_subtitle == "1 company"
        assert app.network.border_subtitle == "1 person"


async def test_markup_and_escapes_in_names_are_shown_as_text(
    app: ReboundApp, service: Service, monkeypatch
) -> None:
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "a")
        await type_text(pilot, "[@click=app.quit]x [/]")
        app.screen.query_one("#field-stage").value = "rejected"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running
        assert any("[@click=app.quit]x [/] is marked rejected" in m for m in shown)
