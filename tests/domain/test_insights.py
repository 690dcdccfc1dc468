"""Insights (issue 16), computed by hand on small frozen histories."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st

from rebound_tui.charts import bar, share, sparkline
from rebound_tui.domain import insights
from rebound_tui.domain.model import (
    INTERACTION_KINDS,
    TOUCH_KINDS,
    Company,
    Contact,
    FollowUp,
    Interaction,
)

D = dt.date.fromisoformat
ACME = Company(id="acme", name="Acme", stage="rejected")
BETA = Company(id="beta", name="Beta", stage="offer")
PAT = Contact(id="pat", name="Pat", company_id="acme", role="boss")
RAY = Contact(id="ray", name="Ray", company_id="acme", referred_by="pat")


def touch(day: str, kind: str = "email", contact: str | None = "pat", company="acme", **kw):
    return Interaction(
        id=f"{kind}-{day}-{contact}",
        kind=kind,
        day=day,
        company_id=company,
        contact_id=contact,
        **kw,
    )


def fu(fid: str, due: str, status: str = "open", closed: str | None = None, **kw) -> FollowUp:
    return FollowUp(id=fid, title=fid, due=due, status=status, closed_on=closed, **kw)


def test_weeks_are_iso_weeks_across_a_year_boundary():
    # 2027-01-03 is a Sunday in ISO week 2026-W53; 2027-01-04 starts 2027-W01.
    weeks = insights.activity(
        D("2027-01-05"),
        3,
        [
            touch("2026-12-21"),
            touch("2027-01-03", "call"),
            touch("2027-01-04", "meeting"),
            touch("2027-01-04", "note"),
            touch("2027-01-06"),
        ],  # a note is not a touch; the 6th is after "on"
        [
            fu("a", "2027-01-01", "done", "2027-01-03"),
            fu("b", "2027-01-01", "dropped", "2027-01-04"),
        ],
        {"pat": D("2026-12-28"), "ray": D("2026-12-20")},  # the 20th is before the first week
    )
    assert [(w.week, w.start.isoformat(), w.touches, w.done, w.people_added) for w in weeks] == [
        ("2026-W52", "2026-12-21", 1, 0, 0),
        ("2026-W53", "2026-12-28", 1, 1, 1),
        ("2027-W01", "2027-01-04", 1, 0, 0),
    ]


@given(st.dates(min_value=D("2000-01-01"), max_value=D("2100-12-31")), st.integers(1, 60))
def test_weeks_are_exactly_n_consecutive_mondays_ending_with_the_week_of_on(on, n):
    weeks = insights.activity(on, n, [], [], {})
    assert len(weeks) == n
    assert weeks[-1].start <= on < weeks[-1].start + dt.timedelta(days=7)
    assert all(w.start.weekday() == 0 for w in weeks)
    assert all(
        b.start - a.start == dt.timedelta(days=7) for a, b in zip(weeks, weeks[1:], strict=False)
    )


def test_funnel_counts_and_shares():
    interactions = [
        touch("2026-10-01", "interview", company="acme"),
        touch("2026-10-10", "rejection", company="acme"),
        touch("2026-10-10", "rejection", company="acme", contact=None),  # same day: one event
        touch("2026-10-12", "thank-you"),  # within 7 days
        touch("2026-11-01", "rejection", company="beta", contact=None),
        touch("2026-11-09", "thank-you", company="beta", contact=None),  # 8 days: too late
        touch("2026-10-20", "referral-interview"),
    ]
    follow_ups = [
        fu("ask", "2026-10-17", "done", "2026-10-17", kind="referral-ask"),
        fu("ask2", "2026-11-08", "open", kind="referral-ask"),
    ]
    steps = insights.funnel([ACME, BETA], [PAT, RAY], interactions, follow_ups)
    assert [(s.step, s.count) for s in steps] == [
        ("companies", 2),
        ("rejections", 2),
        ("thanked", 1),
        ("referral_asked", 1),
        ("referral_interviews", 1),
        ("referred_people", 1),
        ("applied", 2),  # rejected and offer are both past "applied"
        ("interviews", 1),
        ("offers", 1),
    ]
    assert steps[0].share is None
    assert steps[2].share == 0.5
    empty = insights.funnel([], [], [], [])
    assert all(s.count == 0 and s.share is None for s in empty)


def test_persistence_counts_from_the_latest_no_and_reads_the_plans_check_ins():
    rejection = touch("2026-09-01", "rejection", contact="pat")
    earlier = touch("2026-03-01", "rejection", contact="pat")
    origin = f"rule:rejection-check-in:{rejection.id}:pat:0"
    follow_ups = [
        fu(
            "c30",
            "2026-10-01",
            "done",
            "2026-10-02",
            kind="check-in",
            contact_id="pat",
            company_id="acme",
            origin=origin,
        ),
        fu(
            "c60",
            "2026-10-31",
            "open",
            kind="check-in",
            contact_id="pat",
            company_id="acme",
            origin=origin.replace(":0", ":1"),
        ),
        fu(
            "c90",
            "2026-11-30",
            "open",
            kind="check-in",
            contact_id="pat",
            company_id="acme",
            origin=origin.replace(":0", ":2"),
        ),
        fu(
            "other",
            "2026-11-20",
            "open",
            kind="check-in",
            contact_id="ray",
            origin="rule:x:y:ray:0",
        ),
    ]
    rows = insights.persistence(
        D("2026-11-05"),
        [ACME, BETA],
        [PAT, RAY],
        [
            earlier,
            rejection,
            touch("2026-08-30"),
            touch("2026-09-01", "thank-you"),
            touch("2026-10-02", "call", contact="ray", company=None),
            touch("2026-12-01"),
        ],
        follow_ups,
    )
    assert len(rows) == 1  # Beta has no rejection
    p = rows[0]
    assert (p.company, p.rejected_on, p.days_since) == ("Acme", D("2026-09-01"), 65)
    # thank-you on the day and Ray's call (Ray works at Acme); the Dec 1 email is after "on".
    assert p.touches_since == 2
    assert p.last_touch == D("2026-10-02")
    assert p.next_touch == D("2026-10-31")  # Ray's hand-made check-in is later
    assert [(c.due.isoformat(), c.status, c.late) for c in p.checkins] == [
        ("2026-10-01", "done", False),
        ("2026-10-31", "open", True),
        ("2026-11-30", "open", False),
    ]


def test_persistence_puts_companies_with_nothing_planned_first():
    other = Company(id="c", name="Calloway", stage="rejected")
    rows = insights.persistence(
        D("2026-11-05"),
        [ACME, other],
        [PAT],
        [
            touch("2026-09-01", "rejection"),
            touch("2026-10-01", "rejection", company="c", contact=None),
        ],
        [fu("x", "2026-11-10", contact_id="pat", company_id="acme")],
    )
    assert [p.company for p in rows] == ["Calloway", "Acme"]


def test_streak_counts_cleared_days_and_forgives_today_until_it_is_over():
    on = D("2026-11-10")
    items = [
        fu("a", "2026-11-01", "done", "2026-11-01"),  # cleared on its day
        fu("b", "2026-11-03", "done", "2026-11-05"),  # open at the end of the 3rd and the 4th
        fu("c", "2026-11-10", "open"),  # due today, still open: today does not count yet
        fu("d", "2026-11-20", "open"),  # the future does not matter
    ]
    s = insights.streak(on, items)
    # Cleared: 1, 2 (best run 2), then 5..9 (5 days); today pending.
    assert (s.current, s.best, s.cleared_today) == (5, 5, False)
    done_today = [*items[:2], fu("c", "2026-11-10", "done", "2026-11-10")]
    s = insights.streak(on, done_today)
    assert (s.current, s.best, s.cleared_today) == (6, 6, True)


def test_streak_breaks_on_an_overdue_item_and_dropping_clears():
    on = D("2026-11-10")
    s = insights.streak(on, [fu("late", "2026-11-08", "open")])
    assert (s.current, s.best, s.cleared_today) == (0, 0, False)
    s = insights.streak(on, [fu("late", "2026-11-08", "dropped", "2026-11-09")])
    assert (s.current, s.best) == (2, 2)  # the 9th and the 10th
    assert insights.streak(on, []) == insights.Streak(0, 0, True)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 40), st.sampled_from(["open", "done", "dropped"]), st.integers(0, 10)
        ),
        max_size=25,
    )
)
def test_streak_matches_a_day_by_day_count(rows):
    start = D("2026-10-01")
    on = start + dt.timedelta(days=30)
    items = []
    for n, (due_off, status, late) in enumerate(rows):
        due = start + dt.timedelta(days=due_off)
        closed = None if status == "open" else (due + dt.timedelta(days=late)).isoformat()
        items.append(fu(str(n), due.isoformat(), status, closed))

    def cleared(day: dt.date) -> bool:
        for f in items:
            due = D(f.due)
            closed = D(f.closed_on) if f.closed_on else None
            if due <= day and (closed is None or closed > day):
                return False
        return True

    s = insights.streak(on, items)
    if not items or min(D(f.due) for f in items) > on:
        assert (s.current, s.best) == (0, 0)
        return
    first = min(D(f.due) for f in items)
    days = [first + dt.timedelta(days=n) for n in range((on - first).days + 1)]
    flags = [cleared(d) for d in days]
    assert s.cleared_today == flags[-1]
    if not flags[-1]:
        flags = flags[:-1]
    current = 0
    for f in reversed(flags):
        if not f:
            break
        current += 1
    best = run = 0
    for f in flags:
        run = run + 1 if f else 0
        best = max(best, run)
    assert (s.current, s.best) == (current, best)


def test_going_cold_people_and_companies():
    on = D("2026-11-30")
    interactions = [
        touch("2026-10-20", "meeting"),  # Pat: warm a month ago, cooling since
        touch("2026-10-28", "call", contact="ray"),
        touch("2026-11-25", "meeting", contact="ray"),  # Ray keeps warm
        touch("2026-09-01", "email", company="beta", contact=None),
    ]
    quiet = Company(id="q", name="Quiet", stage="dropped")
    cold = insights.going_cold(
        on,
        [ACME, BETA, quiet],
        [PAT, RAY],
        [*interactions, touch("2026-01-01", company="q", contact=None)],
    )
    assert [(c.kind, c.name) for c in cold] == [("contact", "Pat"), ("company", "Beta")]
    assert cold[1].detail == "no touch for 90 days (more than 45d)"


def test_a_company_goes_cold_after_the_shortest_cadence_of_its_people():
    weekly = Contact(id="w", name="Wes", company_id="acme", cadence="2w")
    cold = insights.going_cold(
        D("2026-11-30"), [ACME], [weekly], [touch("2026-11-10", contact="w")]
    )
    assert [(c.kind, c.detail) for c in cold] == [
        ("company", "no touch for 20 days (more than 2w)")
    ]


def test_bars_and_shares():
    assert bar(0, 10, 8) == "" and bar(5, 0, 8) == ""
    assert bar(10, 10, 4) == "████"
    assert bar(5, 10, 4) == "██"
    assert bar(1, 1000, 4) == "▏"  # a non-zero value always shows
    assert bar(3, 8, 1) == "▍"
    assert sparkline([0, 1, 8]) == "·▁█"
    assert share(None) == "—" and share(0.5) == "50%"


def test_replies_by_channel():
    def mail(day, direction, contact="pat", kind="email"):
        return Interaction(
            id=f"{kind}-{day}-{direction}-{contact}",
            kind=kind,
            day=day,
            contact_id=contact,
            direction=direction,
        )

    rows = insights.replies(
        [
            mail("2026-11-01", "out"),
            mail("2026-11-03", "in"),  # answers the first
            mail("2026-11-10", "out"),
            mail("2026-11-30", "in"),  # 20 days later: too late for the second
            mail("2026-11-02", "out", contact="ray"),
            mail("2026-11-02", "in", contact="ray", kind="message"),  # another channel
            Interaction(id="n", kind="email", day="2026-11-02", contact_id="ray"),  # no direction
        ]
    )
    assert [(r.channel, r.sent, r.replied) for r in rows] == [("email", 3, 1)]
    assert rows[0].share == 1 / 3
    assert insights.replies([]) == ()


@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(INTERACTION_KINDS)),
            st.integers(0, 3),  # (few days: the same company's rejection twice on one day)
            st.sampled_from([None, "acme", "beta"]),
            st.sampled_from([None, "pat", "ray"]),
            st.lists(st.sampled_from(["pat", "ray", "sam"]), max_size=3),
        ),
        max_size=30,
    )
)
def test_the_one_pass_index_agrees_with_each_figure_counted_alone(rows):
    """`_Index.of` finds the rejections and every touch in one pass over the interactions:
    the same as finding the rejections, and counting each company's and each person's touches alone
    (a touch with others counts once for each person, its own contact named again or not)."""
    start = D("2026-10-01")
    items = [
        Interaction(
            id=str(n),
            kind=kind,
            day=(start + dt.timedelta(days=day)).isoformat(),
            company_id=company,
            contact_id=contact,
            with_ids=others,
        )
        for n, (kind, day, company, contact, others) in enumerate(rows)
        if company or contact
    ]
    index = insights._Index.of([PAT, RAY], items)
    rejected: dict = {}  # the first of each company's rejections on a day
    for i in items:
        key = (i.company_id, D(i.day))
        if i.kind == "rejection" and i.company_id and key not in rejected:
            rejected[key] = i
    assert index.rejected == rejected
    by_company, by_person = defaultdict(list), defaultdict(list)
    for i in items:
        if i.kind not in TOUCH_KINDS:
            continue
        touch = (D(i.day), i.kind)
        company = i.company_id or {"pat": "acme", "ray": "acme"}.get(i.contact_id or "")
        if company:
            by_company[company].append(touch)
        for person in ["pat", "ray", "sam"]:
            if person == i.contact_id or person in i.with_ids:
                by_person[person].append(touch)
    assert (index.touches_by_company, index.touches_by_person) == (by_company, by_person)
