"""Fixtures for the dashboard tests: a service on a temp file with a frozen today, and the app."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.pilot import Pilot

from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp, make_app

TODAY = dt.date(2026, 11, 27)


def fill(svc: Service) -> None:
    """A small bullpen from the article's stories, built through the service like a user would.

    The playbook is paused so the follow-ups are exactly these (the app's own actions still
    run it).
    """
    with svc.playbook_paused():
        _fill(svc)


def _fill(svc: Service) -> None:
    svc.add_company("Glenview Logistics", stage="rejected", priority=5, location="Glenview")
    svc.add_company("Skokie Systems", stage="re-engaging", priority=4, location="Skokie")
    svc.add_company("Highland Park Foods", stage="hired", priority=3)
    svc.add_company("Northbrook Labs", stage="watching", priority=2, notes="big contract won")
    svc.add_contact(
        "Darlene Boss",
        company="Glenview Logistics",
        role="boss",
        department="Operations",
        cadence="6w",
    )
    svc.add_contact("Mark Star", company="Glenview Logistics", role="peer", department="Operations")
    svc.add_contact("Julia Ref", company="Skokie Systems", role="referral", department="Finance")
    svc.add_contact("Hank HR", company="Northbrook Labs", role="hr")
    svc.log("interview", contact="Darlene Boss", on="2026-10-28", note="third round")
    svc.log("rejection", contact="Darlene Boss", on="2026-11-02", note="went with another")
    svc.log("thank-you", contact="Darlene Boss", on="2026-11-03")
    svc.log("referral-interview", contact="Julia Ref", on="2026-11-20")
    svc.log("rejection", company="Skokie Systems", on="2026-08-15")
    svc.add_follow_up(
        "Ask Darlene for a referral interview",
        due="2026-11-24",
        contact="Darlene Boss",
        kind="referral-ask",
    )
    svc.add_follow_up("Thank Julia", due="2026-11-27", contact="Julia Ref", kind="thank-you")
    svc.add_follow_up(
        "Read Northbrook news",
        due="2026-11-27",
        company="Northbrook Labs",
        kind="news-check",
        priority=1,
    )
    svc.add_follow_up(
        "Check in with Darlene", due="2026-12-02", contact="Darlene Boss", kind="check-in"
    )
    svc.add_follow_up("Call Hank", due="2026-12-20", contact="Hank HR", kind="outreach")


@pytest.fixture(autouse=True)
def _no_animations(monkeypatch):
    """Apps start with animations off: a pilot key press waits for every animation to end
    (a tab's sliding underline costs ~0.3 s), and the end state is what the tests check."""
    import textual.constants

    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def snap_compare(snap_compare, monkeypatch):
    """Snapshots with a steady cursor: a focused input's cursor blinks every 0.5 s, so a
    snapshot taken more than that after the focus moved (a slow or busy machine) drew it off and
    differed from the saved one. The cursor is drawn as focusing shows it, and stays."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    return snap_compare


@pytest.fixture
def data_path(tmp_path):
    return tmp_path / "rebound.json"


@pytest.fixture
def service(data_path) -> Service:
    svc = Service.open(data_path, today=lambda: TODAY)
    fill(svc)
    svc.save()
    return svc


@pytest.fixture
def app(service: Service) -> ReboundApp:
    return make_app(service, poll_seconds=0, save_delay=0)


def reopen(path) -> Service:
    """What another process sees on disk."""
    return Service.open(path, today=lambda: TODAY)


async def settle(pilot: Pilot) -> None:
    """Let timers fire and store workers finish (no sleeping)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
