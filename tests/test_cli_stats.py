"""`rebound-tui stats` (issue 16): the JSON contract, the readable summary, bad input."""

from __future__ import annotations

import json

import pytest
from rebound_test_helpers import assert_one_line_error, snapshot

from rebound_tui.domain.clock import HybridClock
from rebound_tui.service import Service
from rebound_tui.store.database import Database

STEPS = [
    "companies",
    "rejections",
    "thanked",
    "referral_asked",
    "referral_interviews",
    "referred_people",
    "applied",
    "interviews",
    "offers",
]


def story(run_cli) -> None:
    assert run_cli("add", "company", "Acme", "--priority", "5")[0] == 0
    assert run_cli("add", "contact", "Pat Boss", "--company", "acme", "--role", "boss")[0] == 0
    assert run_cli("reject", "acme", "--on", "2026-11-20", "--boss", "pat")[0] == 0
    assert (
        run_cli("log", "thank-you", "--company", "acme", "--contact", "pat", "--on", "2026-11-21")[
            0
        ]
        == 0
    )


def test_stats_json_contract(run_cli, data_path):
    story(run_cli)
    before = snapshot(data_path)
    code, out, err = run_cli("stats", "--json", "--weeks", "3", "--on", "2026-11-27")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["on"] == "2026-11-27"
    assert [w["week"] for w in data["weeks"]] == ["2026-W46", "2026-W47", "2026-W48"]
    assert data["weeks"][1] == {
        "week": "2026-W47",
        "start": "2026-11-16",
        "touches": 1,  # the thank-you (a rejection is not a touch)
        "done": 0,
        "people_added": 0,
    }
    assert [s["step"] for s in data["funnel"]] == STEPS
    counts = {s["step"]: s["count"] for s in data["funnel"]}
    assert (counts["companies"], counts["rejections"], counts["thanked"]) == (1, 1, 1)
    (p,) = data["persistence"]
    assert p["company"] == "Acme" and p["rejected_on"] == "2026-11-20"
    assert (p["days_since"], p["touches_since"], p["last_touch"]) == (7, 1, "2026-11-21")
    assert p["next_touch"] is not None  # the referral ask the plan made
    assert [c["due"] for c in p["checkins"]] == ["2026-12-20", "2027-01-19", "2027-02-18"]
    assert set(data["streak"]) == {"current", "best"}
    assert isinstance(data["going_cold"], list)
    assert snapshot(data_path) == before  # a read writes nothing


def test_stats_default_is_twelve_weeks_ending_today(run_cli):
    story(run_cli)
    code, out, _ = run_cli("stats", "--json")
    data = json.loads(out)
    assert data["on"] == "2026-11-27"
    assert len(data["weeks"]) == 12 and data["weeks"][-1]["week"] == "2026-W48"


def test_stats_readable_summary_has_charts(run_cli):
    story(run_cli)
    code, out, err = run_cli("stats", "--on", "2026-11-27")
    assert code == 0 and not err
    assert "The rebound funnel" in out and "█" in out
    assert "Acme: 7 days since the no, 1 touch since" in out


def test_stats_on_an_empty_file(run_cli, data_path):
    code, out, err = run_cli("stats")
    assert code == 0 and "No rejection recorded yet." in out
    assert not data_path.exists()


@pytest.mark.parametrize(
    "args, needle",
    [(("--weeks", "0"), "weeks"), (("--weeks", "x"), "weeks"), (("--on", "2026-02-30"), "date")],
)
def test_stats_bad_input(run_cli, data_path, args, needle):
    story(run_cli)
    before = snapshot(data_path)
    code, out, err = run_cli("stats", *args)
    assert code == 2 and not out
    assert_one_line_error(err, needle)
    assert snapshot(data_path) == before


def test_people_added_counts_the_local_day_of_creation(data_path, monkeypatch):
    """Created at 03:30 UTC on Nov 30: Sunday Nov 29 in Chicago (W48), Monday in Berlin (W49)."""
    at = 1_796_009_400_000  # 2026-11-30T03:30:00Z
    service = Service(Database(data_path, clock=HybridClock(wall_ms=lambda: at)))
    service.add_contact("Late Night")
    for tz, week in (("America/Chicago", "2026-W48"), ("Europe/Berlin", "2026-W49")):
        monkeypatch.setenv("REBOUND_TZ", tz)
        ins = service.insights("2026-12-01", weeks=2)
        added = {w.week: w.people_added for w in ins.weeks}
        assert added[week] == 1 and sum(added.values()) == 1, tz
