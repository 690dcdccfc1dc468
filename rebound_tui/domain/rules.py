"""The playbook's rules: "when TRIGGER happens, create a KIND follow-up for WHOM, OFFSET later".

What can set a plan off (triggers), whom a rule can name for each, a rule's checks, its dict
form (the data file stores one record per rule, id = rule id, so rules sync between machines
and the user can change every timing), and the defaults. Planning with them is playbook.py.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rebound_tui.domain.dates import DateError, Span, parse_span
from rebound_tui.domain.model import FOLLOW_UP_KINDS

# What can set the plan off. Interaction kinds map onto the first four (see TRIGGER_OF_KIND).
TRIGGERS: tuple[str, ...] = (
    "interview",
    "rejection",
    "referral-interview",
    "news",
    "cadence",
    "hired",
    "spotted",
    "applied",
    "deadline",
)
TRIGGER_HELP = {
    "interview": "an interview is logged",
    "rejection": "a company turns you down",
    "referral-interview": "a referral interview happens",
    "news": "company news is logged",
    "cadence": "a contact has a keep-in-touch cadence",
    "hired": "you record who was hired instead (turnover watch, from their start date)",
    "spotted": "an opening is spotted at a company where you know someone",
    "applied": "you apply for an opening (removed if its status moves on first)",
    "deadline": "an opening has a deadline (the offset counts back from it; while spotted)",
}
TRIGGER_OF_KIND = {
    "interview": "interview",
    "rejection": "rejection",
    "referral-interview": "referral-interview",
    "news": "news",
}

# Whom a rule's follow-ups are for (one follow-up per target):
WHOM: tuple[str, ...] = (
    "contact",  # the person the event was with (company-level when there is none)
    "attendees",  # the event's contact plus the others present (`with_ids`): the interviewers
    "boss",  # the company's boss: the one who said no, else the contact whose role is boss
    "company",  # the company itself, no person (e.g. reading its news)
    "company-contacts",  # ONE follow-up for the company, addressed to its main contact, listing all
    "referred",  # each person the event's contact referred you to (`referred_by`, or `with_ids`)
    "ally",  # who can refer you for an opening: its referral, the boss, else the warmest contact
)
WHOM_HELP = {
    "contact": "the person the event was with",
    "attendees": "each person present (the interviewers)",
    "boss": "the boss (who said no, else the contact with role boss)",
    "company": "the company, no person",
    "company-contacts": "one for the company, addressed to its main contact, listing everyone",
    "referred": "each person you were referred to",
    "ally": "who can refer you: the opening's referral, the boss, else the warmest contact",
}
# A cadence rule follows each contact's own interval, so it takes no offset and only 'contact'.
WHOM_FOR_TRIGGER: dict[str, tuple[str, ...]] = {
    t: tuple(w for w in WHOM if w != "ally") for t in TRIGGERS
}
WHOM_FOR_TRIGGER["cadence"] = ("contact",)
WHOM_FOR_TRIGGER["hired"] = ("boss", "company", "company-contacts")
WHOM_FOR_TRIGGER["spotted"] = ("ally", "boss")
WHOM_FOR_TRIGGER["applied"] = ("company", "ally", "boss")
WHOM_FOR_TRIGGER["deadline"] = ("company",)
# These rules' offsets count back from the event day (a reminder before a deadline).
BEFORE_TRIGGERS = frozenset({"deadline"})

# Placeholders a rule title may use; missing values fall back to words, never to 'None'.
TITLE_FIELDS: tuple[str, ...] = (
    "who",
    "contact",
    "company",
    "referrer",
    "news",
    "hired",
    "offset",
    "title",
)
TITLE_FALLBACKS = {
    "who": "them",
    "contact": "them",
    "company": "the company",
    "referrer": "your contact",
    "news": "the news",
    "hired": "the new hire",
    "offset": "a while",
    "title": "the role",
}
MAX_TITLE = 120
MAX_NEWS_IN_TITLE = 60
_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
RULE_KEYS = ("id", "trigger", "kind", "whom", "offset", "title", "repeat", "enabled")


class RuleError(ValueError):
    """A rule that cannot work; the message names the rule and the field and says what is valid."""


@dataclass(frozen=True)
class Rule:
    """When `trigger` happens, create a `kind` follow-up for each of `whom`, due `offset` later.

    `repeat`: when such a follow-up is done, the next one is due `repeat` after the day it was
    done (the monthly news check, the yearly turnover check-in). `offset` is None only for the
    cadence rule, whose interval is each contact's own.
    """

    id: str
    trigger: str
    kind: str
    whom: str
    offset: Span | None
    title: str
    repeat: Span | None = None
    enabled: bool = True

    def validate(self) -> None:
        where = f"rule {self.id!r}" if isinstance(self.id, str) and self.id else "rule"
        if not isinstance(self.id, str) or not _RULE_ID.match(self.id):
            raise RuleError(
                f"{where}: bad id: use lower-case letters, digits and '-' (at most 48), "
                "e.g. 'rejection-check-in-30'"
            )
        if self.trigger not in TRIGGERS:
            raise RuleError(
                f"{where}: bad trigger {self.trigger!r}: use one of {', '.join(TRIGGERS)}"
            )
        if self.kind not in FOLLOW_UP_KINDS:
            raise RuleError(
                f"{where}: bad kind {self.kind!r}: use one of {', '.join(FOLLOW_UP_KINDS)}"
            )
        allowed = WHOM_FOR_TRIGGER[self.trigger]
        if self.whom not in allowed:
            raise RuleError(
                f"{where}: whom {self.whom!r} does not fit trigger {self.trigger!r}: "
                f"use one of {', '.join(allowed)}"
            )
        if self.trigger == "cadence":
            if self.offset is not None:
                raise RuleError(
                    f"{where}: a cadence rule uses each contact's own cadence: leave offset empty"
                )
        elif not isinstance(self.offset, Span):
            raise RuleError(f"{where}: offset is required: e.g. 1d, 7d, 30d, 1m")
        else:
            _check_span(self.offset, "offset", where)
        if self.repeat is not None:
            if not isinstance(self.repeat, Span):
                raise RuleError(f"{where}: bad repeat {self.repeat!r}: e.g. 1m, 1y, or empty")
            _check_span(self.repeat, "repeat", where)
        if self.trigger == "cadence" and self.repeat is not None:
            raise RuleError(f"{where}: a cadence rule repeats by itself: leave repeat empty")
        if not isinstance(self.enabled, bool):
            raise RuleError(f"{where}: enabled must be true or false")
        check_title(self.title, where)


def _check_span(span: Span, name: str, where: str) -> None:
    """The same limits as typed text (at most about 100 years), so every rule round-trips."""
    try:
        parse_span(str(span))
    except DateError as exc:
        raise RuleError(f"{where}: {name}: {exc}") from None


def check_title(title: Any, where: str = "rule") -> None:
    """A title must be one short line whose placeholders are all known."""
    if not isinstance(title, str) or not title.strip():
        raise RuleError(f"{where}: the title is required")
    if "\n" in title or len(title) > MAX_TITLE:
        raise RuleError(f"{where}: the title must be one line of at most {MAX_TITLE} characters")
    try:
        parts = list(string.Formatter().parse(title))
    except ValueError as exc:
        raise RuleError(
            f"{where}: bad title {title!r}: {exc} (write {{{{ and }}}} for literal braces)"
        ) from None
    for _text, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in TITLE_FIELDS or spec or conversion:
            raise RuleError(
                f"{where}: unknown placeholder {{{name}}} in the title: use "
                + ", ".join(f"{{{n}}}" for n in TITLE_FIELDS)
            )


# -- (de)serialisation --------------------------------------------------------------------------


def _span_text(span: Span | None) -> str | None:
    return str(span) if span is not None else None


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    """The stored / JSON form: spans as text ('30d'), no offset for the cadence rule."""
    return {
        "id": rule.id,
        "trigger": rule.trigger,
        "kind": rule.kind,
        "whom": rule.whom,
        "offset": _span_text(rule.offset),
        "title": rule.title,
        "repeat": _span_text(rule.repeat),
        "enabled": rule.enabled,
    }


def _span_field(data: Mapping[str, Any], key: str, where: str) -> Span | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RuleError(f"{where}: bad {key} {value!r}: write it as text, e.g. '30d', '6w', '1m'")
    try:
        return parse_span(value)
    except DateError as exc:
        raise RuleError(f"{where}: {key}: {exc}") from None


def rule_from_dict(data: Any, record_id: str | None = None) -> Rule:
    """A validated rule from its stored / JSON form; RuleError says what is wrong."""
    if not isinstance(data, Mapping):
        raise RuleError(f"a rule must be a JSON object, got {type(data).__name__}")
    rule_id = record_id if record_id is not None else data.get("id")
    where = f"rule {rule_id!r}" if isinstance(rule_id, str) and rule_id else "rule"
    unknown = sorted(k for k in data if k not in RULE_KEYS)
    if unknown:
        raise RuleError(
            f"{where}: unknown field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}: "
            f"use {', '.join(RULE_KEYS)}"
        )
    for key in ("trigger", "kind", "whom", "title"):
        if not isinstance(data.get(key), str):
            raise RuleError(f"{where}: {key} is required (text)")
    enabled = data.get("enabled", True)
    rule = Rule(
        id=rule_id,  # type: ignore[arg-type]
        trigger=data["trigger"],
        kind=data["kind"],
        whom=data["whom"],
        offset=_span_field(data, "offset", where),
        title=data["title"],
        repeat=_span_field(data, "repeat", where),
        enabled=True if enabled is None else enabled,
    )
    rule.validate()
    return rule


def rules_from_list(items: Any) -> list[Rule]:
    """Rules from a JSON array (what `playbook --json` prints); ids must be unique."""
    if not isinstance(items, list):
        raise RuleError("the rules must be a JSON array of objects")
    rules = [rule_from_dict(item) for item in items]
    check_unique(rules)
    return sorted_rules(rules)


def check_unique(rules: Iterable[Rule]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleError(f"rule {rule.id!r} appears twice: rule ids must be unique")
        seen.add(rule.id)


def span_days(span: Span | None) -> int:
    """Rough length in days, only for ordering rules."""
    if span is None:
        return 0
    return span.count * {"d": 1, "w": 7, "m": 30, "y": 365}[span.unit]


def sorted_rules(rules: Iterable[Rule]) -> list[Rule]:
    """Stored rules have no order: show them by trigger, then by how late they fall, then id."""
    return sorted(rules, key=lambda r: (TRIGGERS.index(r.trigger), span_days(r.offset), r.id))


def describe_span(span: Span | None) -> str:
    """'1 day', '30 days', '1 month' (for titles and the playbook listing)."""
    if span is None:
        return "the contact's cadence"
    word = {"d": "day", "w": "week", "m": "month", "y": "year"}[span.unit]
    return f"{span.count} {word}{'' if span.count == 1 else 's'}"


def _rule(rule_id: str, trigger: str, kind: str, whom: str, offset: str | None, title: str,
          repeat: str | None = None) -> Rule:  # fmt: skip
    return Rule(
        rule_id,
        trigger,
        kind,
        whom,
        parse_span(offset) if offset else None,
        title,
        parse_span(repeat) if repeat else None,
    )


# The table in PLAYBOOK.md, as data.
DEFAULT_RULES: tuple[Rule, ...] = (
    _rule("interview-thank-you", "interview", "thank-you", "attendees", "1d",
          "Thank-you note to {who} for the interview"),
    _rule("rejection-thank-you", "rejection", "thank-you", "boss", "1d",
          "Thank {who} for the interviews, even after the no"),
    _rule("rejection-referral-ask", "rejection", "referral-ask", "boss", "7d",
          "Ask {who} for a referral interview: 20 minutes of advice, who else to meet"),
    _rule("rejection-check-in-30", "rejection", "check-in", "boss", "30d",
          "Check in with {who} ({offset} after the no): is the new hire working out?"),
    _rule("rejection-check-in-60", "rejection", "check-in", "boss", "60d",
          "Check in with {who} ({offset} after the no)"),
    _rule("rejection-check-in-90", "rejection", "check-in", "boss", "90d",
          "Check in with {who} ({offset} after the no)"),
    _rule("rejection-news-check", "rejection", "news-check", "company", "1m",
          "Look at {company}'s news: contracts, incidents, people leaving", repeat="1m"),
    _rule("referral-thank-you", "referral-interview", "thank-you", "contact", "1d",
          "Thank-you note to {who} for the referral interview"),
    _rule("referral-outreach", "referral-interview", "outreach", "referred", "2d",
          "Reach out to {who}, referred by {referrer}"),
    _rule("news-nudge", "news", "outreach", "company-contacts", "3d",
          "Reach out to {company} about the news: {news}"),
    _rule("cadence-check-in", "cadence", "check-in", "contact", None,
          "Keep in touch: check in with {who}"),
    _rule("turnover-check-in-30", "hired", "check-in", "boss", "30d",
          "Turnover watch: check in with {who} ({hired} started {offset} ago)"),
    _rule("turnover-check-in-60", "hired", "check-in", "boss", "60d",
          "Turnover watch: check in with {who} ({hired} started {offset} ago)"),
    _rule("turnover-check-in-90", "hired", "check-in", "boss", "90d",
          "Turnover watch: check in with {who} ({hired} started {offset} ago)"),
    _rule("turnover-yearly", "hired", "check-in", "boss", "1y",
          "Turnover watch: yearly check-in with {who} at {company}", repeat="1y"),
    _rule("opening-referral-ask", "spotted", "referral-ask", "ally", "1d",
          "Ask {who} to refer you for {title}"),
    _rule("opening-application-follow-up", "applied", "check-in", "company", "7d",
          "Follow up on your application for {title}"),
    _rule("opening-deadline", "deadline", "todo", "company", "2d",
          "Deadline in {offset}: {title} at {company}"),
)  # fmt: skip


def default_rules() -> list[Rule]:
    return list(DEFAULT_RULES)


def rule_by_id(rules: Iterable[Rule], rule_id: str) -> Rule | None:
    return next((r for r in rules if r.id == rule_id), None)
