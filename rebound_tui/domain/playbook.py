"""The game plan: `plan()` turns one event into the follow-ups the rules call for.

The rules themselves (triggers, whom, checks, the dict form, the defaults) are rules.py, and
re-exported here: callers ask the playbook for both. `plan()` is pure and deterministic (same
event, rules and context give the same plan), and every planned follow-up carries an *origin*
key, `rule:<rule id>:<event id>:<target id>:<n>`, so the service can apply a rule twice without
duplicating anything and remove what an event created when the event goes away. `n` counts the
repeats of a recurring rule (0 for the first).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rebound_tui.domain.rules import (  # re-exported: the playbook's rules
    BEFORE_TRIGGERS,
    DEFAULT_RULES,
    MAX_NEWS_IN_TITLE,
    MAX_TITLE,
    RULE_KEYS,
    TITLE_FALLBACKS,
    TITLE_FIELDS,
    TRIGGER_HELP,
    TRIGGER_OF_KIND,
    TRIGGERS,
    WHOM,
    WHOM_FOR_TRIGGER,
    WHOM_HELP,
    Rule,
    RuleError,
    check_title,
    check_unique,
    default_rules,
    describe_span,
    rule_by_id,
    rule_from_dict,
    rule_to_dict,
    rules_from_list,
    sorted_rules,
    span_days,
)
from rebound_tui.domain.text import clean_line

__all__ = [
    "BEFORE_TRIGGERS",
    "DEFAULT_RULES",
    "HIRE_EVENT",
    "MAX_NEWS_IN_TITLE",
    "MAX_TITLE",
    "RULE_KEYS",
    "TITLE_FALLBACKS",
    "TITLE_FIELDS",
    "TRIGGERS",
    "TRIGGER_HELP",
    "TRIGGER_OF_KIND",
    "WHOM",
    "WHOM_FOR_TRIGGER",
    "WHOM_HELP",
    "Event",
    "Origin",
    "Person",
    "PlanContext",
    "PlannedFollowUp",
    "Rule",
    "RuleError",
    "boss_after_rejection",
    "check_title",
    "check_unique",
    "default_rules",
    "describe_span",
    "next_repeat",
    "parse_origin",
    "plan",
    "render_title",
    "rule_by_id",
    "rule_from_dict",
    "rule_to_dict",
    "rules_from_list",
    "sorted_rules",
    "span_days",
]

# -- origins ------------------------------------------------------------------------------------
# The event id of a recorded hire (the turnover watch): "hire." + company id + "." + start day.
HIRE_EVENT = "hire."


@dataclass(frozen=True)
class Origin:
    """What created a follow-up: rule, event, target (person or company) and repeat number."""

    rule_id: str
    event_id: str
    target_id: str
    n: int = 0

    def __str__(self) -> str:
        return f"rule:{self.rule_id}:{self.event_id}:{self.target_id}:{self.n}"

    def next(self) -> Origin:
        return Origin(self.rule_id, self.event_id, self.target_id, self.n + 1)


def parse_origin(text: str | None) -> Origin | None:
    """The parts of a rule origin; None for anything else (hand-made or cadence follow-ups)."""
    if not text or not text.startswith("rule:"):
        return None
    parts = text.split(":")
    if len(parts) != 5 or not all(parts[1:4]) or not parts[4].isdigit():
        return None
    return Origin(parts[1], parts[2], parts[3], int(parts[4]))


# -- planning -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """Something that sets rules off: a logged interaction, or a recorded hire."""

    id: str
    trigger: str
    day: dt.date
    company_id: str | None = None
    contact_id: str | None = None
    with_ids: tuple[str, ...] = ()
    note: str | None = None
    title: str | None = None  # an opening's title, for {title}


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    company_id: str | None = None


@dataclass(frozen=True)
class PlanContext:
    """What the service looked up for the planner, so planning itself stays pure.

    `people` holds every person the plan may name; `company_contacts` lists the company's people,
    main contact first (the boss, then the most recently touched); `referred_ids` are the people
    the event's contact referred you to; `already` holds (rule id, target id) pairs already planned
    by another event (someone you were referred to needs only one introduction); `today` lets
    a late-logged event skip check-ins that a later overdue one makes pointless.
    """

    people: Mapping[str, Person] = field(default_factory=dict)
    company_names: Mapping[str, str] = field(default_factory=dict)
    company_contacts: tuple[str, ...] = ()
    referred_ids: tuple[str, ...] = ()
    boss_id: str | None = None
    hired_name: str | None = None
    already: frozenset[tuple[str, str]] = frozenset()
    today: dt.date | None = None
    ally_id: str | None = None


def boss_after_rejection(
    said_no: str | None, said_no_role: str | None, bosses: Sequence[str]
) -> str | None:
    """The boss of a rejection's plan (the thank-you, the referral ask, the check-ins).

    `said_no` is the contact the rejection is logged with, `bosses` the company's contacts whose
    role is boss. Whoever said no is the boss unless their role says otherwise (no role: taken
    at the user's word). When someone else passed the news on (HR, a recruiter), the plan goes
    to the company's boss if it has exactly one; with no boss on file, to whoever passed it on;
    with several, to none of them (the plan names the company)."""
    if said_no is not None and said_no_role in (None, "boss"):
        return said_no
    if len(bosses) == 1:
        return bosses[0]
    return said_no if not bosses else None


@dataclass(frozen=True)
class PlannedFollowUp:
    """A follow-up a rule calls for; the service creates it unless its origin exists already."""

    origin: str
    rule_id: str
    kind: str
    title: str
    due: dt.date
    company_id: str | None
    contact_id: str | None
    note: str | None = None


def _short(text: str | None, limit: int) -> str | None:
    if not text:
        return None
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_title(template: str, values: Mapping[str, str | None]) -> str:
    """Fill a rule title; a missing value becomes a fallback word, never 'None' or '{x}'.

    "{company}'s" after a name ending in s is written "Logistics'", not "Logistics's"."""
    out: list[str] = []
    for text, name, _spec, _conv in string.Formatter().parse(template):
        if out and out[-1][-1:] in ("s", "S") and re.match(r"['’]s\b", text):
            text = text[0] + text[2:]
        out.append(text)
        if name is None:
            continue
        value = values.get(name)
        if not value:
            value = values.get("who") if name == "contact" else None
        out.append(value or TITLE_FALLBACKS.get(name, ""))
    # A name from a synced file may hold control characters: a new title never does.
    return clean_line(" ".join("".join(out).split()))


def _targets(rule: Rule, event: Event, ctx: PlanContext) -> list[str | None]:
    """The people a rule's follow-ups are for; None stands for the company itself."""
    if rule.whom == "contact":
        return [event.contact_id]
    if rule.whom == "attendees":
        people = list(dict.fromkeys(p for p in (event.contact_id, *event.with_ids) if p))
        return people or [None]  # type: ignore[return-value]
    if rule.whom == "boss":
        return [ctx.boss_id]
    if rule.whom == "referred":
        return [p for p in ctx.referred_ids if p != event.contact_id]
    if rule.whom == "ally":
        return [ctx.ally_id] if ctx.ally_id else []  # nobody to ask: nothing to plan
    return [None]  # company, company-contacts


def _people_note(ctx: PlanContext) -> str | None:
    names = [ctx.people[p].name for p in ctx.company_contacts if p in ctx.people]
    return f"People there: {', '.join(names)}." if names else None


def plan(
    event: Event, rules: Sequence[Rule], context: PlanContext | None = None
) -> list[PlannedFollowUp]:
    """The follow-ups `rules` call for after `event`, in rule order then target order.

    Pure and deterministic. Every follow-up is due after the event day (offsets are at least a
    day). When the event was logged late, of several overdue follow-ups of one kind for one
    target only the latest is kept (three overdue check-ins are one check-in).
    """
    ctx = context or PlanContext()
    company_name = ctx.company_names.get(event.company_id or "")
    out: list[PlannedFollowUp] = []
    for rule in rules:
        if not rule.enabled or rule.trigger != event.trigger or rule.offset is None:
            continue
        for target in _targets(rule, event, ctx):
            if target is None and not event.company_id:
                target = event.contact_id  # no company to fall back on: the person it was with
            contact_id = target
            note = None
            if rule.whom == "company-contacts":
                contact_id = ctx.company_contacts[0] if ctx.company_contacts else target
                note = _people_note(ctx)
            person = ctx.people.get(contact_id) if contact_id else None
            company_id = (person.company_id if person else None) or event.company_id
            target_id = target or event.company_id or event.contact_id
            if not target_id:
                continue
            if rule.whom == "referred" and (rule.id, target_id) in ctx.already:
                continue
            who_company = ctx.company_names.get(company_id or "") or company_name
            referrer = ctx.people.get(event.contact_id or "")
            values = {
                "who": person.name if person else who_company,
                "contact": person.name if person else None,
                "company": who_company,
                "referrer": referrer.name if referrer else None,
                "news": _short(event.note, MAX_NEWS_IN_TITLE) if event.trigger == "news" else None,
                "hired": ctx.hired_name,
                "offset": describe_span(rule.offset),
                "title": event.title,
            }
            if event.trigger == "news" and event.note:
                note = " ".join(x for x in (f"News: {event.note}", note) if x)
            elif rule.whom == "referred" and referrer:
                note = f"Referred by {referrer.name} (referral interview on {event.day})."
            out.append(
                PlannedFollowUp(
                    origin=str(Origin(rule.id, event.id, target_id, 0)),
                    rule_id=rule.id,
                    kind=rule.kind,
                    title=render_title(rule.title, values),
                    due=_due(rule, event.day),
                    company_id=company_id,
                    contact_id=contact_id,
                    note=note,
                )
            )
    return _skip_stale(out, ctx.today)


def _due(rule: Rule, day: dt.date) -> dt.date:
    """The event day plus the rule's offset; minus it for a reminder before the day."""
    assert rule.offset is not None
    if rule.trigger not in BEFORE_TRIGGERS:
        return rule.offset.add_to(day)
    back = day
    while rule.offset.add_to(back) > day:  # the latest day whose offset later is the event day
        back -= dt.timedelta(days=max(1, (rule.offset.add_to(back) - day).days))
    return back


def _skip_stale(planned: list[PlannedFollowUp], today: dt.date | None) -> list[PlannedFollowUp]:
    if today is None:
        return planned
    latest: dict[tuple[str, str | None, str | None], dt.date] = {}
    for p in planned:
        if p.due < today:
            key = (p.kind, p.contact_id, p.company_id)
            latest[key] = max(latest.get(key, p.due), p.due)
    return [
        p
        for p in planned
        if p.due >= today or latest[(p.kind, p.contact_id, p.company_id)] == p.due
    ]


def next_repeat(rule: Rule | None, origin: Origin, done_on: dt.date) -> tuple[str, dt.date] | None:
    """(origin, due) of the next follow-up of a recurring rule, counted from the day it was done."""
    if rule is None or not rule.enabled or rule.repeat is None:
        return None
    return str(origin.next()), rule.repeat.add_to(done_on)
