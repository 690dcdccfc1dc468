# Over 400 lines because: the insights screen's figures, computed in one pass over the same records
# and one shared index; each figure alone is short.
"""Insights: the figures that show persistence adding up. Plain Python over the domain records.

Everything is computed from what the data file already holds, for a given "today" and in local
calendar days. The definitions, also stated in the README:

* **Activity by week** (ISO weeks, Monday first, the current week last): *touches* are real
  exchanges (`TOUCH_KINDS`: interview, thank-you, email, call, meeting, referral interview,
  message) dated that week; *done* counts follow-ups completed that week (`closed_on`); *people
  added* counts contacts created that week (the local day of the record's creation stamp).
* **The rebound funnel**, each step with its share of the step before: companies in the bullpen →
  rejections recorded (one per company and day) → rejections followed by a thank-you to someone
  at that company within 7 days → referral interviews asked (referral-ask follow-ups done) →
  referral interviews held → people met through a referral (contacts with a referrer) →
  openings applied (companies that reached the applied stage or later, until openings are
  recorded) → interviews logged → offers (companies at the offer or hired stage).
* **Persistence** per company with a rejection, counted from its latest rejection: days since the
  no, touches since (on or after that day), the last and next touch, and the check-ins the plan
  made for that rejection with what became of each.
* **Streak**: a day is *cleared* when no follow-up due on or before it was still open at its end
  (due <= day and not closed by that day). The current streak counts cleared days back from
  today (today counts once cleared; until then the streak runs to yesterday), the best one is the
  longest run since the first follow-up fell due. Snoozing or rescheduling moves the due day, so a
  snoozed item is a decision taken, not a miss.
* **Replies**, for interactions that know their direction (mail read by `import mail`): per
  channel (the interaction kind), how many sent ones got an answer from the same person on the
  same channel within 14 days.
* **Going cold**: people whose warmth level fell over the last 30 days, and companies (not dropped
  or hired) whose last touch is older than the shortest cadence of their people, or 45 days.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rebound_tui.domain.dates import Span, parse_span
from rebound_tui.domain.model import TOUCH_KINDS, Company, Contact, FollowUp, Interaction
from rebound_tui.domain.playbook import parse_origin
from rebound_tui.domain.warmth import warmth

DEFAULT_WEEKS = 12
THANKS_WITHIN_DAYS = 7
COLD_COMPANY_DAYS = 45
COLD_LOOKBACK_DAYS = 30
# Stages at or past "applied" (for the funnel until openings are recorded).
APPLIED_STAGES = frozenset({"applied", "interviewing", "rejected", "re-engaging", "offer", "hired"})
OFFER_STAGES = frozenset({"offer", "hired"})
QUIET_STAGES = frozenset({"dropped", "hired"})

FUNNEL_STEPS: tuple[tuple[str, str], ...] = (
    ("companies", "companies in the bullpen"),
    ("rejections", "rejections recorded"),
    ("thanked", f"thanked within {THANKS_WITHIN_DAYS} days"),
    ("referral_asked", "referral interviews asked"),
    ("referral_interviews", "referral interviews held"),
    ("referred_people", "people met through referrals"),
    ("applied", "applied"),
    ("interviews", "interviews"),
    ("offers", "offers"),
)


@dataclass(frozen=True)
class Week:
    week: str  # ISO week, "2026-W49"
    start: dt.date  # its Monday
    touches: int = 0
    done: int = 0
    people_added: int = 0


@dataclass(frozen=True)
class FunnelStep:
    step: str
    label: str
    count: int
    share: float | None  # of the step before; None for the first step or after an empty one


@dataclass(frozen=True)
class CheckIn:
    due: dt.date
    status: str  # open, done or dropped
    late: bool  # still open after its day


@dataclass(frozen=True)
class Persistence:
    company_id: str
    company: str
    rejected_on: dt.date
    days_since: int
    touches_since: int
    last_touch: dt.date | None
    next_touch: dt.date | None
    checkins: tuple[CheckIn, ...] = ()


@dataclass(frozen=True)
class Streak:
    current: int
    best: int
    cleared_today: bool


@dataclass(frozen=True)
class Cold:
    kind: str  # "contact" or "company"
    record_id: str
    name: str
    detail: str


@dataclass(frozen=True)
class Reply:
    channel: str  # the interaction kind: email, message...
    sent: int
    replied: int

    @property
    def share(self) -> float | None:
        return self.replied / self.sent if self.sent else None


REPLY_WITHIN_DAYS = 14


@dataclass(frozen=True)
class Insights:
    on: dt.date
    weeks: tuple[Week, ...]
    funnel: tuple[FunnelStep, ...]
    persistence: tuple[Persistence, ...]
    streak: Streak
    going_cold: tuple[Cold, ...] = field(default_factory=tuple)
    replies: tuple[Reply, ...] = field(default_factory=tuple)


@functools.lru_cache(maxsize=8192)  # (a file's days are a few hundred, each read many times)
def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def activity(
    on: dt.date,
    weeks: int,
    interactions: Iterable[Interaction],
    follow_ups: Iterable[FollowUp],
    contact_added: Mapping[str, dt.date],
) -> tuple[Week, ...]:
    """The last `weeks` ISO weeks, oldest first, the week of `on` last."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    last = monday_of(on)
    first = last - dt.timedelta(weeks=weeks - 1)
    counts: dict[dt.date, list[int]] = {
        first + dt.timedelta(weeks=n): [0, 0, 0] for n in range(weeks)
    }

    def bump(day: dt.date | None, slot: int) -> None:
        if day is not None and first <= day <= on:
            counts[monday_of(day)][slot] += 1

    for i in interactions:
        if i.kind in TOUCH_KINDS:
            bump(_day(i.day), 0)
    for f in follow_ups:
        if f.status == "done":
            bump(_day(f.closed_on), 1)
    for day in contact_added.values():
        bump(day, 2)
    return tuple(Week(week_of(start), start, *values) for start, values in sorted(counts.items()))


def _people_by_company(contacts: Iterable[Contact]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for c in contacts:
        if c.company_id:
            out[c.company_id].add(c.id)
    return out


def _company_of(i: Interaction | FollowUp, company_of_contact: Mapping[str, str]) -> str | None:
    if i.company_id:
        return i.company_id
    return company_of_contact.get(i.contact_id or "")


@dataclass(frozen=True)
class _Index:
    """What several figures look up, built in one pass over the records."""

    company_of_contact: dict[str, str]
    touches_by_company: dict[str, list[tuple[dt.date, str]]]  # (day, kind) of real exchanges
    touches_by_person: dict[str, list[tuple[dt.date, str]]]
    # One rejection per company and day, the first recorded (the same event twice counts once).
    rejected: dict[tuple[str, dt.date], Interaction]

    @classmethod
    def of(cls, contacts: Iterable[Contact], interactions: Iterable[Interaction]) -> _Index:
        company_of_contact = {c.id: c.company_id for c in contacts if c.company_id}
        by_company: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
        by_person: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
        rejected: dict[tuple[str, dt.date], Interaction] = {}
        for i in interactions:
            kind = i.kind
            if kind not in TOUCH_KINDS:
                if kind == "rejection" and i.company_id:
                    day = _day(i.day)
                    if day is not None:
                        rejected.setdefault((i.company_id, day), i)
                continue
            day = _day(i.day)
            if day is None:
                continue
            touch = (day, kind)  # (one tuple for every list it is in)
            company = i.company_id or company_of_contact.get(i.contact_id or "")
            if company:
                by_company[company].append(touch)
            if not i.with_ids:  # (most: one person, or none)
                if i.contact_id:
                    by_person[i.contact_id].append(touch)
                continue
            for person in {i.contact_id, *i.with_ids}:
                if person:
                    by_person[person].append(touch)
        return cls(company_of_contact, by_company, by_person, rejected)


def funnel(
    companies: Sequence[Company],
    contacts: Sequence[Contact],
    interactions: Sequence[Interaction],
    follow_ups: Sequence[FollowUp],
    index: _Index | None = None,
) -> tuple[FunnelStep, ...]:
    index = index or _Index.of(contacts, interactions)
    by_company, rejected = index.touches_by_company, index.rejected
    thanked = 0
    for (company_id, day), _ in rejected.items():
        limit = day + dt.timedelta(days=THANKS_WITHIN_DAYS)
        if any(
            kind == "thank-you" and day <= when <= limit
            for when, kind in by_company.get(company_id, ())
        ):
            thanked += 1
    counts = {
        "companies": len(companies),
        "rejections": len(rejected),
        "thanked": thanked,
        "referral_asked": sum(
            1 for f in follow_ups if f.kind == "referral-ask" and f.status == "done"
        ),
        "referral_interviews": sum(1 for i in interactions if i.kind == "referral-interview"),
        "referred_people": sum(1 for c in contacts if c.referred_by),
        "applied": sum(1 for c in companies if c.stage in APPLIED_STAGES),
        "interviews": sum(1 for i in interactions if i.kind == "interview"),
        "offers": sum(1 for c in companies if c.stage in OFFER_STAGES),
    }
    steps: list[FunnelStep] = []
    before: int | None = None
    for name, label in FUNNEL_STEPS:
        count = counts[name]
        share = None if not before else count / before
        steps.append(FunnelStep(name, label, count, share))
        before = count
    return tuple(steps)


def persistence(
    on: dt.date,
    companies: Sequence[Company],
    contacts: Sequence[Contact],
    interactions: Sequence[Interaction],
    follow_ups: Sequence[FollowUp],
    index: _Index | None = None,
) -> tuple[Persistence, ...]:
    """Every company with a rejection, the ones that need a touch first (no next touch, oldest)."""
    index = index or _Index.of(contacts, interactions)
    names = {c.id: c.name for c in companies}
    company_of_contact = index.company_of_contact
    latest: dict[str, tuple[dt.date, Interaction]] = {}
    for (company_id, day), event in index.rejected.items():
        if company_id in names and (company_id not in latest or day > latest[company_id][0]):
            latest[company_id] = (day, event)
    touches = index.touches_by_company
    next_due: dict[str, dt.date] = {}
    checkins: dict[str, list[CheckIn]] = defaultdict(list)
    event_ids = {event.id: company_id for company_id, (_, event) in latest.items()}
    for f in follow_ups:
        due = _day(f.due)
        company = _company_of(f, company_of_contact)
        if due is None or not company:
            continue
        if f.is_open and (company not in next_due or due < next_due[company]):
            next_due[company] = due
        origin = parse_origin(f.origin)
        if f.kind == "check-in" and origin and event_ids.get(origin.event_id) == company:
            checkins[company].append(CheckIn(due, f.status, f.is_open and due < on))
    out = []
    for company_id, (day, _) in latest.items():
        days = [d for d, _ in touches.get(company_id, ()) if d <= on]
        out.append(
            Persistence(
                company_id=company_id,
                company=names[company_id],
                rejected_on=day,
                days_since=(on - day).days,
                touches_since=sum(1 for d in days if d >= day),
                last_touch=max(days, default=None),
                next_touch=next_due.get(company_id),
                checkins=tuple(sorted(checkins[company_id], key=lambda c: c.due)),
            )
        )
    far = dt.date.max
    out.sort(key=lambda p: (p.next_touch or far, p.last_touch or dt.date.min, p.company.lower()))
    # No next touch planned is the most urgent: put those first.
    out.sort(key=lambda p: p.next_touch is not None)
    return tuple(out)


def streak(on: dt.date, follow_ups: Iterable[FollowUp]) -> Streak:
    """Cleared days in a row, by a difference array over day ordinals (linear in the items)."""
    today = on.toordinal()
    start: int | None = None
    delta: dict[int, int] = defaultdict(int)
    for f in follow_ups:
        due = _day(f.due)
        if due is None:
            continue
        first = due.toordinal()
        start = first if start is None else min(start, first)
        if first > today:
            continue
        closed = _day(f.closed_on) if not f.is_open else None
        # Left open at the end of each day from its due day until the day before it was closed.
        last = today if closed is None else min(today, closed.toordinal() - 1)
        if last >= first:
            delta[first] += 1
            delta[last + 1] -= 1
    if start is None or start > today:
        return Streak(0, 0, True)
    best = run = 0
    open_items = 0
    cleared_today = True
    for day in range(start, today + 1):
        open_items += delta.get(day, 0)
        cleared = open_items == 0
        if day == today:
            cleared_today = cleared
            if not cleared:
                break  # the day is not over: the streak runs to yesterday
        run = run + 1 if cleared else 0
        best = max(best, run)
    return Streak(run, best, cleared_today)


def _span(text: str | None) -> Span | None:
    if not text:
        return None
    try:
        return parse_span(text)
    except ValueError:
        return None


def going_cold(
    on: dt.date,
    companies: Sequence[Company],
    contacts: Sequence[Contact],
    interactions: Sequence[Interaction],
    index: _Index | None = None,
) -> tuple[Cold, ...]:
    index = index or _Index.of(contacts, interactions)
    before = on - dt.timedelta(days=COLD_LOOKBACK_DAYS)
    exchanges = index.touches_by_person
    out: list[Cold] = []
    for c in contacts:
        mine = exchanges.get(c.id)
        if not mine:
            continue
        cadence = _span(c.cadence)
        then = warmth([e for e in mine if e[0] <= before], before, cadence=cadence)
        now = warmth([e for e in mine if e[0] <= on], on, cadence=cadence)
        if now.level.rank < then.level.rank:
            out.append(Cold("contact", c.id, c.name, f"{then.level} → {now.level}"))
    touches = index.touches_by_company
    cadences: dict[str, Span] = {}
    for c in contacts:
        span = _span(c.cadence)
        if span is not None and c.company_id:
            known = cadences.get(c.company_id)
            if known is None or span.add_to(on) < known.add_to(on):
                cadences[c.company_id] = span
    for company in companies:
        if company.stage in QUIET_STAGES:
            continue
        days = [d for d, _ in touches.get(company.id, ()) if d <= on]
        last = max(days, default=None)
        if last is None:
            continue  # never touched: the plan or the first-run guide speaks for it
        span = cadences.get(company.id)
        due = span.add_to(last) if span else last + dt.timedelta(days=COLD_COMPANY_DAYS)
        if due < on:
            limit = str(span) if span else f"{COLD_COMPANY_DAYS}d"
            detail = f"no touch for {(on - last).days} days (more than {limit})"
            out.append(Cold("company", company.id, company.name, detail))
    return tuple(out)


def replies(interactions: Iterable[Interaction]) -> tuple[Reply, ...]:
    """Reply rate by channel: a sent one is answered by a received one from the same person on
    the same channel, on its day or within REPLY_WITHIN_DAYS after."""
    received: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    sent: list[tuple[str, str, dt.date]] = []
    for i in interactions:
        day = _day(i.day)
        if day is None or not i.contact_id or i.direction not in ("in", "out"):
            continue
        if i.direction == "in":
            received[(i.kind, i.contact_id)].append(day)
        else:
            sent.append((i.kind, i.contact_id, day))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    window = dt.timedelta(days=REPLY_WITHIN_DAYS)
    for kind, person, day in sent:
        counts[kind][0] += 1
        if any(day <= d <= day + window for d in received.get((kind, person), ())):
            counts[kind][1] += 1
    return tuple(Reply(kind, n, r) for kind, (n, r) in sorted(counts.items()))


def compute(
    on: dt.date,
    *,
    companies: Sequence[Company],
    contacts: Sequence[Contact],
    interactions: Sequence[Interaction],
    follow_ups: Sequence[FollowUp],
    contact_added: Mapping[str, dt.date],
    weeks: int = DEFAULT_WEEKS,
) -> Insights:
    """All the insights for the day `on`; `follow_ups` includes done and dropped ones."""
    index = _Index.of(contacts, interactions)
    return Insights(
        on=on,
        weeks=activity(on, weeks, interactions, follow_ups, contact_added),
        funnel=funnel(companies, contacts, interactions, follow_ups, index),
        persistence=persistence(on, companies, contacts, interactions, follow_ups, index),
        streak=streak(on, follow_ups),
        going_cold=going_cold(on, companies, contacts, interactions, index),
        replies=replies(interactions),
    )
