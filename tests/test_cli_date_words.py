"""Weekday words mean what the user meant (issue 13). The frozen today is Friday 2026-11-27.

For something that happened (log, reject --on, hired --started, done --on) a weekday is the
latest one, today included, and a future day is refused. For a plan (follow-up --on, snooze,
reschedule) it is the next one; a past day is accepted with a warning, except for snooze.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rebound_test_helpers import assert_one_line_error, digest

from rebound_tui.domain import dates


def ok(run_cli, *args: str) -> tuple[str, str]:
    code, out, err = run_cli(*args)
    assert code == 0, (args, out, err)
    return out, err


def interactions(run_cli) -> list[dict]:
    return json.loads(ok(run_cli, "list", "interactions", "--json")[0])


def follow_ups(run_cli) -> list[dict]:
    return json.loads(ok(run_cli, "list", "follow-ups", "--json", "--all")[0])


@pytest.fixture
def acme(run_cli) -> None:
    ok(run_cli, "add", "company", "Acme")
    ok(run_cli, "add", "contact", "Pat Boss", "--company", "Acme", "--role", "boss")


@pytest.mark.parametrize(
    ("word", "day"),
    [
        ("friday", "2026-11-27"),
        ("monday", "2026-11-23"),
        ("sat", "2026-11-21"),
        ("thursday", "2026-11-26"),
    ],
)
def test_log_weekday_is_the_latest_one(run_cli, acme, word, day):
    ok(run_cli, "log", "interview", "--contact", "Pat Boss", "--on", word)
    assert interactions(run_cli)[-1]["day"] == day


@pytest.mark.parametrize(
    "args",
    [
        ["log", "call", "--company", "Acme", "--on", "tomorrow"],
        ["log", "call", "--company", "Acme", "--on", "next monday"],
        ["reject", "Acme", "--on", "2026-12-01"],
        ["hired", "Acme", "Sam", "--started", "3d"],
    ],
)
def test_a_future_day_for_what_happened_is_refused(run_cli, acme, data_path, args):
    before = digest(data_path)
    code, _out, err = run_cli(*args)
    assert code == 2
    assert_one_line_error(err, "in the future")
    assert digest(data_path) == before


def test_reject_and_hired_take_the_latest_weekday(run_cli, acme):
    ok(run_cli, "reject", "Acme", "--on", "monday")
    rejection = [i for i in interactions(run_cli) if i["kind"] == "rejection"][0]
    assert rejection["day"] == "2026-11-23"
    ok(run_cli, "hired", "Acme", "Sam Lee", "--started", "wednesday")
    company = json.loads(ok(run_cli, "list", "companies", "--json")[0])[0]
    assert company["hired_started"] == "2026-11-25"


def test_done_on_a_weekday_and_not_in_the_future(run_cli, acme):
    ok(run_cli, "follow-up", "Call Pat", "--on", "2026-11-20", "--contact", "Pat Boss")
    code, _out, err = run_cli("done", "Call Pat", "--on", "tomorrow")
    assert code == 2 and "in the future" in err
    ok(run_cli, "done", "Call Pat", "--on", "tuesday")
    f = follow_ups(run_cli)[0]
    assert (f["status"], f["closed_on"]) == ("done", "2026-11-24")
    assert interactions(run_cli)[-1]["day"] == "2026-11-24"


def test_plans_take_the_next_weekday(run_cli, acme):
    out, err = ok(run_cli, "follow-up", "Call Pat", "--on", "friday", "--contact", "Pat Boss")
    assert "2026-12-04" in out and err == ""


def test_a_past_plan_is_accepted_with_a_warning(run_cli, acme):
    out, err = ok(run_cli, "follow-up", "Call Pat", "--on", "2026-11-20")
    assert "overdue from the start" in err and "7 days" in err
    assert len(err.strip().splitlines()) == 1
    out, err = ok(run_cli, "reschedule", "Call Pat", "--on", "2020-01-01")
    assert "overdue from the start" in err and "2020-01-01" in err
    out, err = ok(run_cli, "reschedule", "Call Pat", "--on", "monday")
    assert "2026-11-30" in out and err == ""


def test_snooze_to_a_past_day_is_refused(run_cli, acme, data_path):
    ok(run_cli, "follow-up", "Call Pat", "--on", "2026-11-30")
    before = digest(data_path)
    code, _out, err = run_cli("snooze", "Call Pat", "--until", "2020-01-01")
    assert code == 2 and digest(data_path) == before
    assert_one_line_error(err, "after today")


@given(st.dates(dt.date(2000, 1, 3), dt.date(2099, 12, 1)), st.sampled_from(sorted(dates.WEEKDAYS)))
def test_past_weekday_is_within_the_last_week_today_included(today, word):
    day = dates.parse_day(word, today, past=True)
    assert 0 <= (today - day).days <= 6
    assert day.weekday() == dates.WEEKDAYS[word]
    plan = dates.parse_day(word, today)
    assert 1 <= (plan - today).days <= 7


def test_add_contact_met_day_starts_the_cadence(run_cli, acme):
    ok(run_cli, "add", "contact", "Jo Lee", "--company", "Acme", "--cadence", "6w")
    out, _ = ok(run_cli, "due")
    assert "Jo Lee" not in out  # just added: nothing due today
    ok(run_cli, "add", "contact", "Al Ray", "--cadence", "6w", "--met", "2026-10-01")
    out, _ = ok(run_cli, "due")
    assert "2026-11-12" in out and "Al Ray" in out
    code, _out, err = run_cli("add", "contact", "Cy Ray", "--met", "tomorrow")
    assert code == 2 and "in the future" in err
