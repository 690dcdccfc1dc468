"""Private notes never leak into drafts (issue 13). A draft mentions a topic only when the user
gave one for a message: `log ... --topic`, the log form's "Talking point", a news headline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_tui import demo
from rebound_tui.io.ics import export_ics
from rebound_tui.service import Service

TODAY = dt.date(2026, 11, 27)
NOTE = "Final round: ops walkthrough with Marcus, then panel"


@pytest.fixture
def svc(tmp_path: Path) -> Service:
    s = Service.open(tmp_path / "rebound.json", today=lambda: TODAY)
    s.add_company("Northshore Logistics")
    s.add_contact("Dana Reyes", company="Northshore Logistics", role="boss", cadence="6w")
    return s


def thank_you(s: Service):
    return next(f for f in s.follow_ups() if f.kind == "thank-you")


def test_an_interview_note_stays_out_of_the_thank_you(svc: Service) -> None:
    svc.log("interview", contact="Dana Reyes", on="2026-11-26", note=NOTE)
    text = svc.draft(thank_you(svc)).text
    assert "Final round" not in text and "Marcus" not in text
    assert "I enjoyed our conversation about" not in text  # no topic: the sentence is left out


def test_a_talking_point_is_what_the_draft_mentions(svc: Service) -> None:
    svc.log("interview", contact="Dana Reyes", on="2026-11-26", note=NOTE, topic="route planning")
    text = svc.draft(thank_you(svc)).text
    assert "I enjoyed our conversation about route planning." in text
    assert "Final round" not in text


def test_check_in_mentions_the_topic_of_a_call_never_its_note(svc: Service) -> None:
    svc.log("call", contact="Dana Reyes", on="2026-11-20", note="Told Dana about the layoff")
    check_in = next(f for f in svc.follow_ups() if f.kind == "check-in")
    assert "Last time we spoke" not in svc.draft(check_in).text
    svc.log("call", contact="Dana Reyes", on="2026-11-25", topic="the new depot")
    check_in = next(f for f in svc.follow_ups() if f.kind == "check-in")
    assert "Last time we spoke about the new depot" in svc.draft(check_in).text


def test_news_headline_is_the_talking_point_of_news(svc: Service) -> None:
    svc.log("news", company="Northshore Logistics", note="Won the Midwest freight contract")
    nudge = next(f for f in svc.follow_ups() if f.kind == "outreach")
    assert '("Won the Midwest freight contract")' in svc.draft(nudge).text


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(["interview", "call", "email", "meeting", "referral-interview", "note"]))
def test_no_note_ever_reaches_any_draft(svc: Service, kind: str) -> None:
    marker = "ZQX private " + kind
    svc.log(kind, contact="Dana Reyes", on="2026-11-26", note=marker)
    for f in svc.follow_ups():
        assert "ZQX" not in svc.draft(f).text


def test_cli_log_topic(run_cli) -> None:
    def ok(*args: str) -> str:
        code, out, err = run_cli(*args)
        assert code == 0, (args, out, err)
        return out

    ok("add", "company", "Acme")
    ok("add", "contact", "Pat Boss", "--company", "Acme", "--role", "boss")
    ok("log", "interview", "--contact", "Pat Boss", "--note", NOTE, "--topic", "the ops budget")
    fid = next(line.split()[0] for line in ok("due", "--on", "2w").splitlines() if "Thank" in line)
    text = ok("draft", fid)
    assert "our conversation about the ops budget" in text and "Marcus" not in text


def test_the_demo_calendar_quotes_no_note(tmp_path: Path) -> None:
    built = demo.build_demo(tmp_path / "demo.json")
    s = Service.open(built, today=lambda: demo.ANCHOR)
    feed = export_ics(s).decode()
    unfolded = feed.replace("\r\n ", "")
    assert "Told Walt about the layoff" not in unfolded.split("Last time we spoke about")[-1][:80]
    for i in s.interactions():
        if i.note and i.kind not in ("news",) and len(i.note) > 12:
            assert f"about {i.note}" not in unfolded, i.note
