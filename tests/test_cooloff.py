"""The cool-off guard: a second touch within days, or a fourth person at a company in a week."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rebound_tui.domain.cadence import Touch
from rebound_tui.domain.cooloff import OUTREACH_KINDS, CoolOff, warnings
from rebound_tui.service import Service

TODAY = dt.date(2026, 11, 27)
NAMES = {"ann": "Ann Lee", "bob": "Bob Ray", "cy": "Cy Fox", "dee": "Dee Ng", "acme": "Acme"}


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def check(touches, contact="ann", company="acme", **kw):
    return warnings(touches, day=TODAY, contact_id=contact, company_id=company, names=NAMES, **kw)


@pytest.mark.parametrize(
    ("ago", "warned"), [(0, True), (1, True), (2, True), (3, False), (9, False)]
)
def test_second_touch_to_one_person_within_three_days(ago: int, warned: bool):
    out = check([Touch(days_ago(ago), "email", ("ann",), "acme")])
    assert bool(out) is warned
    if warned:
        assert "Ann Lee" in out[0] and days_ago(ago).isoformat() in out[0]
        assert "go ahead anyway" in out[0]
        assert (days_ago(ago) + dt.timedelta(days=3)).isoformat() in out[0]


def test_events_are_not_outreach_so_the_thank_you_after_an_interview_is_fine():
    for kind in ("interview", "rejection", "referral-interview", "meeting", "note", "news"):
        assert kind not in OUTREACH_KINDS
        assert check([Touch(days_ago(1), kind, ("ann",), "acme")]) == []


def test_only_outreach_warns():
    recent = [Touch(days_ago(1), "call", ("ann",), "acme")]
    assert check(recent, kind="note") == []
    assert check(recent, kind="thank-you") != []


def test_a_fourth_person_at_a_company_within_a_week():
    touches = [
        Touch(days_ago(6), "email", ("bob",), "acme"),
        Touch(days_ago(4), "call", ("cy",), "acme"),
        Touch(days_ago(2), "message", ("dee",), "acme"),
    ]
    (out,) = check(touches)
    assert "person number 4" in out and "Acme" in out and "Bob Ray, Cy Fox, Dee Ng" in out
    assert check(touches, contact="bob") == []  # bob was reached 6 days ago: not a new person
    (again,) = check(touches, contact="dee")  # dee: too soon, but not a new person
    assert "person number" not in again
    assert check(touches[1:]) == []  # three people is fine
    older = [Touch(days_ago(7), "email", ("bob",), "acme"), *touches[1:]]
    assert check(older) == []  # a week ago is outside the window
    elsewhere = [Touch(days_ago(2), "message", ("dee",), "beta"), *touches[:2]]
    assert check(elsewhere) == []


def test_limits_come_from_the_setting_with_safe_defaults():
    assert CoolOff.from_dict(None) == CoolOff(3, 7, 3)
    assert CoolOff.from_dict({"person_days": 5, "company_people": "x", "company_days": 0}) == (
        CoolOff(5, 7, 3)
    )
    recent = [Touch(days_ago(4), "email", ("ann",), "acme")]
    assert check(recent) == []
    assert check(recent, limits=CoolOff(person_days=5)) != []


@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from(sorted(NAMES)[:4])), max_size=10))
def test_no_warning_when_nothing_happened_within_the_windows(rows):
    touches = [Touch(days_ago(n), "email", (who,), "acme") for n, who in rows]
    out = check(touches)
    near_ann = any(n < 3 and who == "ann" for n, who in rows)
    others = {who for n, who in rows if n < 7}
    crowded = "ann" not in others and len(others) >= 3
    assert len(out) == near_ann + crowded


# -- through the service ------------------------------------------------------------------------


@pytest.fixture
def svc(tmp_path: Path) -> Service:
    s = Service.open(tmp_path / "rebound.json", today=lambda: TODAY)
    s.add_company("Acme")
    for name in ("Ann Lee", "Bob Ray", "Cy Fox", "Dee Ng"):
        s.add_contact(name, company="Acme")
    return s


def test_service_warns_before_a_second_touch(svc: Service):
    assert svc.cooloff_warnings(contact="Ann Lee") == []
    svc.log("email", contact="Ann Lee", on="2026-11-26")
    (w,) = svc.cooloff_warnings(contact="Ann Lee")
    assert "Ann Lee" in w and "2026-11-26" in w
    assert svc.cooloff_warnings(contact="Ann Lee", on="2026-11-30") == []
    assert svc.cooloff_warnings(contact="Ann Lee", kind="note") == []


def test_service_ignores_the_touch_being_logged_when_told(svc: Service):
    logged = svc.log("email", contact="Ann Lee")
    assert svc.cooloff_warnings(contact="Ann Lee") != []
    assert svc.cooloff_warnings(contact="Ann Lee", exclude=logged.id) == []


def test_service_warns_about_a_fourth_person(svc: Service):
    for name, day in (
        ("Bob Ray", "2026-11-21"),
        ("Cy Fox", "2026-11-23"),
        ("Dee Ng", "2026-11-25"),
    ):
        svc.log("call", contact=name, on=day)
    (w,) = svc.cooloff_warnings(contact="Ann Lee", company="Acme")
    assert "person number 4" in w and "Acme" in w
    assert svc.cooloff_warnings(contact=svc.find_contact("Ann Lee")) == [w]


def test_service_limits_from_the_synced_setting(svc: Service):
    svc.log("email", contact="Ann Lee", on="2026-11-22")
    assert svc.cooloff_warnings(contact="Ann Lee") == []
    svc.set_setting("cooloff", {"person_days": 7})
    assert svc.cooloff_warnings(contact="Ann Lee") != []


def test_service_nobody_named_no_warning(svc: Service):
    assert svc.cooloff_warnings(company="Acme") == []
