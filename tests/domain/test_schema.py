"""The declared schema (domain/schema.py): each field's type, checked without recursion."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rebound_tui.domain.clock import (
    MAX_COUNTER,
    MAX_MS,
    HybridClock,
    ahead_limit,
    make_stamp,
    parse_stamp,
)
from rebound_tui.domain.model import ValidationError, check_day
from rebound_tui.domain.record_check import check_doc
from rebound_tui.domain.schema import MAX_DEPTH, is_day

S = "2026-05-02T14:03:11.000Z-0000-aaaaaaaa"
NOW = parse_stamp(S)[0]


def rec(**fields) -> dict:
    return {**fields, "_created": S, "_clock": dict.fromkeys(fields, S)}


GOOD = {
    "companies": rec(name="Acme", stage="applied", priority=3, hired_started="2026-01-31"),
    "contacts": rec(name="Jo", role="boss", cadence="6w", company_id="a" * 32),
    "interactions": rec(kind="call", day="2026-02-28", with_ids=["a", "b"], round=2),
    "followups": rec(title="Call", due="2028-02-29", kind="todo", status="open", snoozes=0),
    "rules": rec(trigger="rejected", kind="check-in", whom="boss", enabled=False),
    "templates": rec(text="Hi {first_name},\nthanks"),
}


@pytest.mark.parametrize("table", list(GOOD))
def test_good_records_pass(table):
    assert check_doc(dict(GOOD[table]), table, "x") == []


@pytest.mark.parametrize(
    ("table", "field", "value"),
    [
        ("companies", "name", ["x"]),
        ("companies", "name", None),
        ("companies", "priority", True),
        ("companies", "priority", 3.0),
        ("companies", "priority", 0),
        ("companies", "stage", "ghost"),
        ("companies", "hired_started", "2026-02-30"),
        ("contacts", "cadence", "fortnightly"),
        ("contacts", "role", 1),
        ("interactions", "day", "0000-00-00"),
        ("interactions", "day", ""),
        ("interactions", "with_ids", [1]),
        ("interactions", "with_ids", None),
        ("followups", "due", "2026-13-01"),
        ("followups", "due", "10000-01-01"),
        ("followups", "snoozes", -1),
        ("followups", "kind", "note"),  # an interaction kind, not a follow-up kind
        ("rules", "enabled", "yes"),
        ("templates", "text", {"a": 1}),
    ],
)
def test_a_wrong_value_is_named_by_field(table, field, value):
    doc = dict(GOOD[table])
    doc[field] = value
    doc["_clock"] = {**doc["_clock"], field: S}
    problems = check_doc(doc, table, "x")
    assert problems and f"'{field}'" in problems[0]


def test_a_choice_seen_in_another_table_is_still_checked():
    # kind "note" is a good interaction kind: the sharing cache must not let it pass as a
    # follow-up kind.
    assert check_doc(dict(GOOD["interactions"]) | {"kind": "note"}, "interactions", "i") == []
    bad = dict(GOOD["followups"]) | {"kind": "note"}
    assert check_doc(bad, "followups", "f")


def test_required_days_may_be_missing_only_on_a_tombstone():
    doc = {"title": "x", "_created": S, "_clock": {"title": S}}
    assert any("'due'" in p for p in check_doc(doc, "followups", "f"))
    dead = {"_created": S, "_clock": {"title": S}, "_deleted": S.replace("0000-", "0001-")}
    assert check_doc(dead, "followups", "f") == []


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 500, 50_000])
def test_deep_nesting_is_refused_without_recursion(levels):
    value: list = []
    for _ in range(levels):
        value = [value]
    problems = check_doc(rec(name="A", x_new=value), "companies", "c")
    assert problems and "deep" in problems[0]


def test_nesting_within_the_limit_is_kept():
    value: list = []
    for _ in range(MAX_DEPTH - 1):
        value = [value]
    assert check_doc(rec(name="A", x_new=value), "companies", "c") == []


@pytest.mark.parametrize("number", [2.0**64, -(2.0**63), float("inf")])
def test_numbers_that_cannot_be_kept_exactly_are_refused(number):
    assert check_doc(rec(name="A", x_new={"n": [number]}), "companies", "c")


def test_settings_known_and_unknown():
    assert check_doc(rec(value="nord"), "settings", "theme") == []
    assert check_doc(rec(value=["nord"]), "settings", "theme")
    assert check_doc(rec(value={"person_days": 14}), "settings", "cooloff") == []
    assert check_doc(rec(value=[1, {"a": 2}]), "settings", "from_a_newer_version") == []


@given(st.dates())
def test_is_day_agrees_with_the_calendar(day):
    assert is_day(day.isoformat()) == (1900 <= day.year <= 2999)


@pytest.mark.parametrize("text", ["2026-02-30", "0000-00-00", "", "2026-1-1", " 2026-01-01"])
def test_bad_days(text):
    assert not is_day(text)
    with pytest.raises(ValidationError):
        check_day("due date", text)


def test_a_stamp_far_ahead_is_named_with_how_far():
    future = make_stamp(NOW + 3 * 365 * 86_400_000, 0, "bbbbbbbb")
    doc = rec(name="A")
    doc["_clock"]["name"] = future
    problems = check_doc(doc, "companies", "c", limit=ahead_limit(NOW), now_ms=NOW)
    assert problems and "'name'" in problems[0] and "3 years ahead" in problems[0]
    near = make_stamp(NOW + 3_600_000, 0, "bbbbbbbb")  # an hour ahead: a clock a bit off
    doc["_clock"]["name"] = near
    assert check_doc(doc, "companies", "c", limit=ahead_limit(NOW), now_ms=NOW) == []


# -- the clock never fails -------------------------------------------------------------------


def test_the_clock_keeps_stamping_after_the_last_stamp_there_is():
    clock = HybridClock("aaaaaaaa", wall_ms=lambda: NOW)
    clock.observe(make_stamp(MAX_MS, MAX_COUNTER - 2, "ffffffff"))
    stamps = [clock.now() for _ in range(10)]
    assert all(s.startswith("9999-12-31T23:59:59.999Z") for s in stamps)
    assert stamps == sorted(stamps)


def test_the_clock_survives_an_absurd_wall_clock():
    for wall in (10**20, -(10**20)):
        clock = HybridClock("aaaaaaaa", wall_ms=lambda wall=wall: wall)
        parse_stamp(clock.now())
        parse_stamp(clock.wall_stamp())


@given(st.integers(min_value=0, max_value=MAX_MS), st.integers(0, MAX_COUNTER))
def test_after_observing_any_stamp_the_clock_still_stamps(ms, counter):
    clock = HybridClock("aaaaaaaa", wall_ms=lambda: NOW)
    seen = make_stamp(ms, counter, "ffffffff")
    clock.observe(seen)
    for _ in range(3):
        parse_stamp(clock.now())


def test_every_field_of_the_model_has_a_declared_type():
    """A field added to a record class must be declared in schema.py (else it is 'any JSON')."""
    from rebound_tui.domain.model import RECORD_TYPES, _field_names
    from rebound_tui.domain.schema import SCHEMA

    for table, cls in RECORD_TYPES.items():
        missing = set(_field_names(cls)) - set(SCHEMA[table])
        assert not missing, f"{table}: declare {sorted(missing)} in domain/schema.py"
        extra = set(SCHEMA[table]) - set(_field_names(cls))
        assert not extra, f"{table}: {sorted(extra)} declared but not in the model"
