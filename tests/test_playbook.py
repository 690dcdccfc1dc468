"""The playbook's rules as data, and the pure planner that turns an event into follow-ups."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rebound_tui.domain.dates import Span
from rebound_tui.domain.model import FOLLOW_UP_KINDS
from rebound_tui.domain.playbook import (
    BEFORE_TRIGGERS,
    DEFAULT_RULES,
    TITLE_FIELDS,
    TRIGGERS,
    WHOM_FOR_TRIGGER,
    Event,
    Origin,
    Person,
    PlanContext,
    Rule,
    RuleError,
    describe_span,
    next_repeat,
    parse_origin,
    plan,
    render_title,
    rule_by_id,
    rule_from_dict,
    rule_to_dict,
    rules_from_list,
    sorted_rules,
)

DAY = dt.date(2026, 11, 20)
DARLENE = Person("p-darlene", "Darlene Smith", "co-acme")
MARK = Person("p-mark", "Mark Jones", "co-acme")
SUSAN = Person("p-susan", "Susan Lee", "co-acme")
OWEN = Person("p-owen", "Owen Park", "co-beta")
PEOPLE = {p.id: p for p in (DARLENE, MARK, SUSAN, OWEN)}
COMPANIES = {"co-acme": "Acme", "co-beta": "Beta"}


def ctx(**kw) -> PlanContext:
    base = {"people": PEOPLE, "company_names": COMPANIES}
    base.update(kw)
    return PlanContext(**base)


def by_rule(planned) -> dict[str, list]:
    out: dict[str, list] = {}
    for p in planned:
        out.setdefault(p.rule_id, []).append(p)
    return out


# -- the defaults are the PLAYBOOK.md table ----------------------------------------------------


def test_default_rules_are_valid_and_unique():
    for rule in DEFAULT_RULES:
        rule.validate()
    assert len({r.id for r in DEFAULT_RULES}) == len(DEFAULT_RULES)


def test_default_rules_follow_the_playbook_table():
    timing = {
        (r.trigger, r.kind, r.whom, str(r.offset), str(r.repeat) if r.repeat else None)
        for r in DEFAULT_RULES
    }
    assert ("interview", "thank-you", "attendees", "1d", None) in timing
    assert ("rejection", "thank-you", "boss", "1d", None) in timing
    assert ("rejection", "referral-ask", "boss", "7d", None) in timing
    for days in (30, 60, 90):
        assert ("rejection", "check-in", "boss", f"{days}d", None) in timing
        assert ("hired", "check-in", "boss", f"{days}d", None) in timing
    assert ("rejection", "news-check", "company", "1m", "1m") in timing
    assert ("referral-interview", "thank-you", "contact", "1d", None) in timing
    assert ("referral-interview", "outreach", "referred", "2d", None) in timing
    assert ("news", "outreach", "company-contacts", "3d", None) in timing
    assert ("hired", "check-in", "boss", "1y", "1y") in timing
    assert ("cadence", "check-in", "contact", "None", None) in timing
    assert {r.trigger for r in DEFAULT_RULES} == set(TRIGGERS)


# -- (de)serialisation and validation ----------------------------------------------------------


def test_round_trip_through_json():
    text = json.dumps([rule_to_dict(r) for r in DEFAULT_RULES])
    assert rules_from_list(json.loads(text)) == sorted_rules(DEFAULT_RULES)


spans = st.builds(Span, st.integers(1, 100), st.sampled_from("dwmy"))


@st.composite
def rules(draw) -> Rule:
    trigger = draw(st.sampled_from(TRIGGERS))
    cadence = trigger == "cadence"
    return Rule(
        id=draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)),
        trigger=trigger,
        kind=draw(st.sampled_from(FOLLOW_UP_KINDS)),
        whom=draw(st.sampled_from(WHOM_FOR_TRIGGER[trigger])),
        offset=None if cadence else draw(spans),
        title=draw(st.sampled_from(["Do it", "Thank {who}", "{company}: {news} ({offset})"])),
        repeat=None if cadence else draw(st.none() | spans),
        enabled=draw(st.booleans()),
    )


@given(rules())
def test_any_valid_rule_round_trips(rule: Rule):
    rule.validate()
    assert rule_from_dict(json.loads(json.dumps(rule_to_dict(rule)))) == rule


GOOD = rule_to_dict(DEFAULT_RULES[0])


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"id": "Bad Id"}, "bad id"),
        ({"id": "a:b"}, "bad id"),
        ({"trigger": "party"}, "bad trigger 'party': use one of interview"),
        ({"kind": "hug"}, "bad kind 'hug'"),
        ({"whom": "referred", "trigger": "hired"}, "does not fit trigger 'hired'"),
        ({"whom": "everyone"}, "whom 'everyone'"),
        ({"offset": None}, "offset is required"),
        ({"offset": "soon"}, "offset: bad interval 'soon'"),
        ({"offset": 3}, "bad offset 3"),
        ({"repeat": "0d"}, "repeat: bad interval"),
        ({"title": ""}, "title is required"),
        ({"title": "Thank {boss}"}, "unknown placeholder {boss}"),
        ({"title": "Thank {who!r}"}, "unknown placeholder"),
        ({"title": "Thank {who"}, "bad title"),
        ({"title": "two\nlines"}, "one line"),
        ({"enabled": "yes"}, "enabled must be true or false"),
        ({"colour": "red"}, "unknown field colour"),
        ({"trigger": None}, "trigger is required"),
    ],
)
def test_bad_rules_say_what_is_wrong(change, needle):
    with pytest.raises(RuleError) as err:
        rule_from_dict({**GOOD, **change})
    assert needle in str(err.value)


def test_a_rule_built_in_code_has_the_same_limits_as_typed_text():
    rule = rule_by_id(DEFAULT_RULES, "rejection-thank-you")
    with pytest.raises(RuleError, match="at most 100 years"):
        Rule(**{**rule.__dict__, "offset": Span(101, "y")}).validate()
    with pytest.raises(RuleError, match="bad repeat"):
        Rule(**{**rule.__dict__, "repeat": "1m"}).validate()


def test_cadence_rule_takes_no_offset_or_repeat():
    cadence = rule_to_dict(rule_by_id(DEFAULT_RULES, "cadence-check-in"))
    with pytest.raises(RuleError, match="leave offset empty"):
        rule_from_dict({**cadence, "offset": "6w"})
    with pytest.raises(RuleError, match="leave repeat empty"):
        rule_from_dict({**cadence, "repeat": "6w"})


def test_rule_lists_refuse_duplicates_and_non_lists():
    with pytest.raises(RuleError, match="appears twice"):
        rules_from_list([GOOD, GOOD])
    with pytest.raises(RuleError, match="JSON array"):
        rules_from_list({"rules": []})
    with pytest.raises(RuleError, match="JSON object"):
        rules_from_list([3])


def test_sorted_rules_by_trigger_then_offset():
    ordered = sorted_rules(reversed(DEFAULT_RULES))
    assert [r.trigger for r in ordered][0] == "interview"
    rejection = [r.id for r in ordered if r.trigger == "rejection"]
    assert rejection[:2] == ["rejection-thank-you", "rejection-referral-ask"]
    assert rejection.index("rejection-check-in-30") < rejection.index("rejection-check-in-90")


# -- origins ------------------------------------------------------------------------------------


def test_origin_round_trip_and_next():
    o = Origin("rejection-news-check", "ev1", "co-acme", 0)
    assert str(o) == "rule:rejection-news-check:ev1:co-acme:0"
    assert parse_origin(str(o)) == o
    assert parse_origin(str(o.next())) == Origin("rejection-news-check", "ev1", "co-acme", 1)


@pytest.mark.parametrize(
    "text", [None, "", "cadence:p1:never+6w", "rule:a:b:c", "rule:a::c:0", "rule:a:b:c:x", "x"]
)
def test_other_origins_are_not_rule_origins(text):
    assert parse_origin(text) is None


def test_next_repeat_counts_from_the_day_done():
    rule = rule_by_id(DEFAULT_RULES, "rejection-news-check")
    origin = Origin(rule.id, "ev1", "co-acme", 2)
    assert next_repeat(rule, origin, dt.date(2027, 1, 31)) == (
        "rule:rejection-news-check:ev1:co-acme:3",
        dt.date(2027, 2, 28),
    )
    assert next_repeat(rule_by_id(DEFAULT_RULES, "rejection-thank-you"), origin, DAY) is None
    assert next_repeat(None, origin, DAY) is None


# -- planning each trigger ---------------------------------------------------------------------


def test_interview_thanks_each_interviewer_the_next_day():
    event = Event("ev1", "interview", DAY, "co-acme", DARLENE.id, (MARK.id,))
    planned = plan(event, DEFAULT_RULES, ctx())
    assert [(p.contact_id, p.due, p.kind) for p in planned] == [
        (DARLENE.id, dt.date(2026, 11, 21), "thank-you"),
        (MARK.id, dt.date(2026, 11, 21), "thank-you"),
    ]
    assert planned[0].title == "Thank-you note to Darlene Smith for the interview"
    assert planned[1].origin == f"rule:interview-thank-you:ev1:{MARK.id}:0"
    assert all(p.company_id == "co-acme" for p in planned)


def test_interview_with_nobody_named_thanks_the_company():
    planned = plan(Event("ev1", "interview", DAY, "co-acme"), DEFAULT_RULES, ctx())
    assert [(p.contact_id, p.company_id, p.title) for p in planned] == [
        (None, "co-acme", "Thank-you note to Acme for the interview")
    ]
    assert planned[0].origin == "rule:interview-thank-you:ev1:co-acme:0"


def test_rejection_plans_the_whole_game_for_the_boss():
    event = Event("ev2", "rejection", DAY, "co-acme", DARLENE.id)
    planned = by_rule(plan(event, DEFAULT_RULES, ctx(boss_id=DARLENE.id)))
    due = {rule: [(p.due, p.contact_id) for p in ps] for rule, ps in planned.items()}
    assert due == {
        "rejection-thank-you": [(dt.date(2026, 11, 21), DARLENE.id)],
        "rejection-referral-ask": [(dt.date(2026, 11, 27), DARLENE.id)],
        "rejection-check-in-30": [(dt.date(2026, 12, 20), DARLENE.id)],
        "rejection-check-in-60": [(dt.date(2027, 1, 19), DARLENE.id)],
        "rejection-check-in-90": [(dt.date(2027, 2, 18), DARLENE.id)],
        "rejection-news-check": [(dt.date(2026, 12, 20), None)],
    }
    assert planned["rejection-news-check"][0].title.startswith("Look at Acme's news")


def test_referral_interview_thanks_and_reaches_each_person_referred():
    event = Event("ev3", "referral-interview", DAY, "co-beta", OWEN.id)
    planned = by_rule(plan(event, DEFAULT_RULES, ctx(referred_ids=(DARLENE.id, SUSAN.id))))
    assert [p.contact_id for p in planned["referral-thank-you"]] == [OWEN.id]
    outreach = planned["referral-outreach"]
    assert [(p.contact_id, p.kind, p.due) for p in outreach] == [
        (DARLENE.id, "outreach", dt.date(2026, 11, 22)),
        (SUSAN.id, "outreach", dt.date(2026, 11, 22)),
    ]
    # a referred person works elsewhere: the follow-up belongs to their company
    assert {p.company_id for p in outreach} == {"co-acme"}
    assert outreach[0].title == "Reach out to Darlene Smith, referred by Owen Park"
    assert "Referred by Owen Park" in outreach[0].note


def test_someone_referred_twice_is_introduced_once():
    event = Event("ev4", "referral-interview", DAY, "co-beta", OWEN.id)
    context = ctx(
        referred_ids=(DARLENE.id, SUSAN.id), already=frozenset({("referral-outreach", SUSAN.id)})
    )
    outreach = by_rule(plan(event, DEFAULT_RULES, context))["referral-outreach"]
    assert [p.contact_id for p in outreach] == [DARLENE.id]


def test_news_makes_one_nudge_for_the_company_to_its_main_contact():
    event = Event("ev5", "news", DAY, "co-acme", note="Won the Midwest freight contract")
    context = ctx(company_contacts=(DARLENE.id, MARK.id, SUSAN.id))
    planned = plan(event, DEFAULT_RULES, context)
    assert len(planned) == 1
    nudge = planned[0]
    assert (nudge.kind, nudge.contact_id, nudge.due) == (
        "outreach",
        DARLENE.id,
        dt.date(2026, 11, 23),
    )
    assert nudge.title == "Reach out to Acme about the news: Won the Midwest freight contract"
    assert "Darlene Smith, Mark Jones, Susan Lee" in nudge.note
    assert "Won the Midwest freight contract" in nudge.note
    assert nudge.origin == "rule:news-nudge:ev5:co-acme:0"


def test_long_news_is_shortened_in_the_title():
    event = Event("ev5", "news", DAY, "co-acme", note="x " * 100)
    (nudge,) = plan(event, DEFAULT_RULES, ctx())
    assert len(nudge.title) < 120 and nudge.title.endswith("…")


def test_turnover_watch_from_the_start_date():
    event = Event("hire.co-acme.2026-11-02", "hired", dt.date(2026, 11, 2), "co-acme")
    planned = plan(event, DEFAULT_RULES, ctx(boss_id=DARLENE.id, hired_name="Pat"))
    assert [(p.rule_id, p.due) for p in planned] == [
        ("turnover-check-in-30", dt.date(2026, 12, 2)),
        ("turnover-check-in-60", dt.date(2027, 1, 1)),
        ("turnover-check-in-90", dt.date(2027, 1, 31)),
        ("turnover-yearly", dt.date(2027, 11, 2)),
    ]
    assert (
        planned[0].title == "Turnover watch: check in with Darlene Smith (Pat started 30 days ago)"
    )


def test_disabled_rules_and_cadence_rules_plan_nothing_for_events():
    rules = [Rule(**{**r.__dict__, "enabled": False}) for r in DEFAULT_RULES]
    assert plan(Event("e", "rejection", DAY, "co-acme", DARLENE.id), rules, ctx()) == []
    assert plan(Event("e", "cadence", DAY, "co-acme", DARLENE.id), DEFAULT_RULES, ctx()) == []


def test_an_event_logged_late_keeps_only_the_latest_overdue_check_in():
    event = Event("ev2", "rejection", DAY, "co-acme", DARLENE.id)
    late = ctx(boss_id=DARLENE.id, today=DAY + dt.timedelta(days=75))
    planned = by_rule(plan(event, DEFAULT_RULES, late))
    assert "rejection-check-in-30" not in planned
    assert "rejection-check-in-60" in planned  # overdue, but the latest overdue check-in
    assert "rejection-check-in-90" in planned  # not due yet
    assert "rejection-thank-you" in planned and "rejection-referral-ask" in planned


def test_titles_never_show_none_or_braces():
    assert render_title("Thank {who} at {company}: {news}", {}) == (
        "Thank them at the company: the news"
    )
    assert render_title("Hi {contact}", {"who": "Acme"}) == "Hi Acme"
    assert render_title("{hired} left", {"hired": None}) == "the new hire left"


def test_describe_span():
    assert describe_span(Span(1, "d")) == "1 day"
    assert describe_span(Span(30, "d")) == "30 days"
    assert describe_span(Span(2, "m")) == "2 months"
    assert describe_span(None) == "the contact's cadence"


# -- properties ---------------------------------------------------------------------------------

person_ids = st.sampled_from(sorted(PEOPLE))


@st.composite
def events(draw) -> Event:
    return Event(
        id=draw(st.from_regex(r"[0-9a-f]{8}", fullmatch=True)),
        trigger=draw(st.sampled_from(TRIGGERS)),
        day=draw(st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31))),
        company_id=draw(st.none() | st.sampled_from(sorted(COMPANIES))),
        contact_id=draw(st.none() | person_ids),
        with_ids=tuple(draw(st.lists(person_ids, max_size=3))),
        note=draw(st.none() | st.text(alphabet="abc xyz.!", max_size=80)),
    )


@st.composite
def contexts(draw) -> PlanContext:
    return ctx(
        company_contacts=tuple(draw(st.lists(person_ids, max_size=3, unique=True))),
        referred_ids=tuple(draw(st.lists(person_ids, max_size=3, unique=True))),
        boss_id=draw(st.none() | person_ids),
        hired_name=draw(st.none() | st.from_regex(r"[A-Z][a-z]{0,10}", fullmatch=True)),
        today=draw(st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2095, 1, 1))),
    )


@settings(max_examples=300)
@given(
    events(),
    st.lists(rules(), max_size=6, unique_by=lambda r: r.id) | st.just(list(DEFAULT_RULES)),
    contexts(),
)
def test_every_follow_up_is_due_after_its_event_and_planning_is_deterministic(
    event, rule_list, context
):
    planned = plan(event, rule_list, context)
    assert plan(event, rule_list, context) == planned
    for p in planned:
        if event.trigger in BEFORE_TRIGGERS:  # a reminder before a deadline
            assert p.due < event.day
        else:
            assert p.due > event.day
        assert p.kind in FOLLOW_UP_KINDS
        assert p.title.strip() and "None" not in p.title and "{" not in p.title
        origin = parse_origin(p.origin)
        assert origin is not None and origin.event_id == event.id and origin.n == 0
        assert p.company_id or p.contact_id
    assert len({p.origin for p in planned}) == len(planned)


def test_title_fields_are_documented():
    assert set(TITLE_FIELDS) == {
        "who",
        "contact",
        "company",
        "referrer",
        "news",
        "hired",
        "offset",
        "title",
    }


# -- the boss of a rejection's plan ----------------------------------------------------------------
def test_the_boss_of_a_rejection_is_who_said_no_unless_they_passed_it_on() -> None:
    from rebound_tui.domain.playbook import boss_after_rejection as boss

    assert boss("dana", "boss", ["dana"]) == "dana"
    assert boss("nora", None, ["dana"]) == "nora"  # no role: taken at the user's word
    assert boss("colleen", "hr", ["dana"]) == "dana"  # HR passed the news on
    assert boss("colleen", "recruiter", []) == "colleen"  # no boss on file
    assert boss("colleen", "hr", ["dana", "bo"]) is None  # which boss? the company
    assert boss(None, None, ["dana"]) == "dana"
    assert boss(None, None, []) is None


@given(
    said_no=st.one_of(st.none(), st.sampled_from(["a", "b", "c"])),
    role=st.one_of(st.none(), st.sampled_from(["boss", "hr", "recruiter", "peer"])),
    bosses=st.lists(st.sampled_from(["a", "b", "x", "y"]), unique=True, max_size=3),
)
def test_the_boss_of_a_rejection_is_someone_the_company_knows(said_no, role, bosses) -> None:
    from rebound_tui.domain.playbook import boss_after_rejection

    got = boss_after_rejection(said_no, role if said_no else None, bosses)
    assert got is None or got == said_no or got in bosses
    if said_no is not None and role not in (None, "boss") and bosses:
        assert got != said_no or said_no in bosses  # one who passed the news on is not thanked
