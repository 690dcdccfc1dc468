"""The demo story as data (rebound_tui/data/story.toml) and its replay (story.py).

Replayed with the playbook paused it builds the demo file (tests/test_demo.py checks that);
replayed with the playbook running, as a real user would live it, it is a playbook test: every
follow-up the story marks with a `rule` must be one the playbook planned itself, on the same day,
of the same kind, for the same person, and the concrete plans below must come out.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rebound_tui import demo, story
from rebound_tui.domain.model import FollowUp
from rebound_tui.domain.playbook import DEFAULT_RULES, parse_origin
from rebound_tui.service import Service

REPO = Path(__file__).resolve().parents[1]
ANCHOR = demo.ANCHOR


def _day(ago: int) -> str:
    return (ANCHOR - dt.timedelta(days=ago)).isoformat()


def _replay(folder: Path, events, *, playbook: bool) -> tuple[Service, dict[str, FollowUp]]:
    clock = story.StoryClock(ANCHOR)
    service = story.story_service(folder / "story.json", clock)
    named = story.replay(events, service, clock, playbook=playbook)
    clock.day = ANCHOR
    return service, named


@pytest.fixture(scope="module")
def lived(tmp_path_factory: pytest.TempPathFactory) -> tuple[Service, dict[str, FollowUp]]:
    """The story as a user would live it: the playbook plans while the story is told."""
    return _replay(tmp_path_factory.mktemp("lived"), story.load_story(), playbook=True)


def _planned(service: Service, rule: str, who: str) -> list[tuple[str, str]]:
    """(due day, status) of what `rule` planned for the person or company named `who`."""
    out = []
    for f in service.follow_ups(include_closed=True):
        origin = parse_origin(f.origin)
        if origin is None or origin.rule_id != rule:
            continue
        names = {
            service.name_of("contacts", f.contact_id),
            service.name_of("companies", f.company_id),
        }
        if who in names:
            out.append((f.due, f.status))
    return sorted(out)


# -- the file ------------------------------------------------------------------------------------
def test_the_story_ships_with_the_package_and_examples_points_at_it() -> None:
    source = story.story_source()
    assert source.is_file() and source.parent.name == "data"
    linked = REPO / "examples" / "story.toml"
    assert linked.resolve() == source.resolve()


def test_the_story_tells_the_demo_in_order() -> None:
    events = story.load_story()
    assert len(events) > 100
    agos = [e.ago for e in events]
    assert agos == sorted(agos, reverse=True) and agos[0] == 182 and agos[-1] >= 0
    rules = {e.args["rule"] for e in events if "rule" in e.args}
    assert rules <= {r.id for r in DEFAULT_RULES}
    assert len(rules) >= 8  # the story exercises most of the playbook


# -- the playbook test ---------------------------------------------------------------------------
def test_every_follow_up_marked_with_a_rule_is_one_the_playbook_planned(lived) -> None:
    service, named = lived
    marked = [e for e in story.load_story() if e.action == "follow_up" and "rule" in e.args]
    assert len(marked) >= 15
    for event in marked:
        f = named[event.value]
        origin = parse_origin(f.origin)
        assert origin is not None and origin.rule_id == event.args["rule"], event
        assert f.due == _day(event.ago - event.args["due_in"]), event


def test_the_calloway_no_sets_off_the_whole_plan_for_gwen(lived) -> None:
    """Rejected 150 days before the anchor, logged with the boss: thank-you the next day, the
    referral ask a week later, check-ins at 30, 60 and 90 days, the news every month."""
    service, _ = lived
    assert _planned(service, "rejection-thank-you", "Gwen Albrecht") == [(_day(149), "done")]
    assert _planned(service, "rejection-referral-ask", "Gwen Albrecht") == [(_day(143), "done")]
    assert _planned(service, "rejection-check-in-30", "Gwen Albrecht") == [(_day(120), "done")]
    assert _planned(service, "rejection-check-in-60", "Gwen Albrecht") == [(_day(90), "done")]
    assert _planned(service, "rejection-check-in-90", "Gwen Albrecht") == [(_day(60), "done")]
    news = _planned(service, "rejection-news-check", "Calloway Medical Supply")
    assert news[0] == ("2026-07-30", "open")  # a month after the no (2026-06-30), not done yet


def test_interviews_get_a_thank_you_for_each_interviewer_the_next_day(lived) -> None:
    service, _ = lived
    # Dana's rounds 1 and 3 (33 and 15 days before), with Tom in round 3; Raj in round 2.
    assert [d for d, _ in _planned(service, "interview-thank-you", "Dana Whitfield")] == [
        _day(32),
        _day(14),
    ]
    assert _planned(service, "interview-thank-you", "Tom Kessler") == [(_day(14), "open")]
    assert _planned(service, "interview-thank-you", "Raj Menon") == [(_day(23), "done")]
    # Yesterday's round 2 at Lindenwood: both thank-you notes are due today.
    assert _planned(service, "interview-thank-you", "Alicia Grant") == [(_day(0), "open")]


def test_referral_interviews_thank_and_reach_the_people_referred(lived) -> None:
    service, _ = lived
    assert _planned(service, "referral-thank-you", "Gwen Albrecht") == [(_day(135), "done")]
    # Owen's referral interview (115 days before) pointed to Nadia and Darlene: two days later.
    assert _planned(service, "referral-outreach", "Darlene Fitch") == [(_day(113), "done")]
    assert _planned(service, "referral-outreach", "Nadia Qureshi") == [(_day(113), "open")]


def test_company_news_nudges_the_main_contact_with_the_news(lived) -> None:
    service, named = lived
    nudge = named["Congratulate Darlene on the Midwest distribution contract"]
    assert nudge.due == _day(6) and nudge.kind == "outreach"
    assert service.name_of("contacts", nudge.contact_id) == "Darlene Fitch"  # the boss
    assert "Won the Midwest distribution contract" in nudge.title


def test_cadences_keep_one_open_check_in_per_person(lived) -> None:
    service, _ = lived
    for person in ("Walt Simmons", "Darlene Fitch", "Ruth Abernathy", "Owen Park"):
        contact = service.find_contact(person)
        cadence = [
            f
            for f in service.follow_ups()
            if f.contact_id == contact.id and (f.origin or "").startswith("cadence:")
        ]
        assert len(cadence) == 1, person
        assert cadence[0].kind == "check-in"


# -- the replay can fail, clearly ------------------------------------------------------------------
def test_a_follow_up_the_playbook_does_not_plan_fails_the_replay(tmp_path: Path) -> None:
    events = story.load_story()
    i = next(n for n, e in enumerate(events) if e.args.get("rule") == "rejection-check-in-30")
    wrong = events[i]
    events[i] = story.Event(wrong.number, wrong.ago, wrong.action, wrong.value,
                            {**wrong.args, "due_in": 29})  # fmt: skip
    with pytest.raises(story.StoryError) as caught:
        _replay(tmp_path, events, playbook=True)
    message = str(caught.value)
    assert f"event {wrong.number}" in message and "did not plan" in message
    assert "Check in with Gwen Albrecht (30 days after the no)" in message  # what it did plan


@pytest.mark.parametrize(
    ("tables", "says"),
    [
        ([{"log": "call"}], "'ago' must be a whole number"),
        ([{"ago": True, "log": "call"}], "'ago' must be a whole number"),
        ([{"ago": 3}], "exactly one of"),
        ([{"ago": 3, "log": "call", "done": "x"}], "exactly one of"),
        ([{"ago": 3, "log": 5}], "must be a name or a title"),
        ([{"ago": 3, "follow_up": "x", "due_in": "tomorrow"}], "due_in must be a whole number"),
        ([{"ago": 3, "log": "call", "note": {"a": 1}}], "note must be text"),
        ([{"ago": 3, "log": "call"}, {"ago": 4, "log": "call"}], "told in order"),
        (["not a table"], "not a table"),
        ([{"ago": 3, "follow_up": "x", "contact": "Ann"}], "follow_up needs due_in"),
        ([{"ago": 3, "snooze": "x"}], "snooze needs until_in"),
        ([{"ago": 3, "log": "meeting", "with": "Ann"}], "with must be a list"),
    ],
)
def test_a_bad_event_is_named_with_what_is_wrong(tables, says) -> None:
    with pytest.raises(story.StoryError, match=says) as caught:
        story.parse_events(tables, where="mine.toml")
    assert "mine.toml: event" in str(caught.value)


def test_a_bad_story_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "story.toml"
    bad.write_text("[[event]\nago = 1\n")
    with pytest.raises(story.StoryError, match="story.toml"):
        story.load_story(bad)
    bad.write_text("title = 'no events'\n")
    with pytest.raises(story.StoryError, match=r"no \[\[event\]\] tables"):
        story.load_story(bad)


def test_an_action_the_service_refuses_names_the_event(tmp_path: Path) -> None:
    events = story.parse_events(
        [
            {"ago": 5, "add_company": "[/]Acme \x1b]0;x\x07", "priority": 9},
        ]
    )
    with pytest.raises(story.StoryError, match=r"event 1 \(add_company") as caught:
        _replay(tmp_path, events, playbook=False)
    assert "priority" in str(caught.value)


def test_done_needs_a_follow_up_written_earlier(tmp_path: Path) -> None:
    events = story.parse_events([{"ago": 5, "done": "Never written"}])
    with pytest.raises(story.StoryError, match="no follow-up with this title earlier"):
        _replay(tmp_path, events, playbook=False)


def test_markup_in_a_story_is_stored_as_text(tmp_path: Path) -> None:
    hostile = "[@click=app.quit]x[/] \x1b]0;x\x07"
    events = story.parse_events(
        [
            {"ago": 2, "add_company": "Acme", "notes": hostile},
            {"ago": 1, "follow_up": hostile, "due_in": 1, "company": "Acme"},
            {"ago": 0, "done": hostile, "note": hostile},
        ]
    )
    service, named = _replay(tmp_path, events, playbook=False)
    assert service.find_company("Acme").notes == hostile
    assert named[hostile].title == hostile and named[hostile].status == "done"
