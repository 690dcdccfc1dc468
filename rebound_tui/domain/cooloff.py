"""The cool-off guard: persistence pays, pestering does not.

Before the user reaches out, warn when it would be a second touch to the same person within a
few days (default 3), or a fourth person at the same company within a week. Only the user's own
outreach counts (a thank-you, an email, a call, a message): the thank-you the day after an
interview is the plan, not pestering. The guard only warns; the user can go ahead anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rebound_tui.domain.cadence import Touch
from rebound_tui.domain.dates import days_between

OUTREACH_KINDS: frozenset[str] = frozenset({"thank-you", "email", "call", "message"})


@dataclass(frozen=True)
class CoolOff:
    """The limits: `person_days` between touches to one person; at most `company_people`
    different people at one company within `company_days`."""

    person_days: int = 3
    company_days: int = 7
    company_people: int = 3

    @classmethod
    def from_dict(cls, data: object) -> CoolOff:
        """From the synced setting; anything unusable falls back to the default."""
        base = cls()
        if not isinstance(data, Mapping):
            return base
        values = {}
        for name in ("person_days", "company_days", "company_people"):
            value = data.get(name)
            ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 365
            values[name] = value if ok else getattr(base, name)
        return cls(**values)


def _near(a: dt.date, b: dt.date, days: int) -> bool:
    return abs(days_between(a, b)) < days


def warnings(
    touches: Iterable[Touch],
    *,
    day: dt.date,
    contact_id: str | None = None,
    company_id: str | None = None,
    names: Mapping[str, str] | None = None,
    limits: CoolOff | None = None,
    kind: str | None = None,
) -> list[str]:
    """Warnings (empty: go ahead) for reaching `contact_id` (at `company_id`) on `day`.

    `kind`: what the user is about to log; a kind that is not outreach (a note, news, an
    interview they were invited to) never warns.
    """
    if kind is not None and kind not in OUTREACH_KINDS:
        return []
    limits = limits or CoolOff()
    names = names or {}
    outreach = [t for t in touches if t.kind in OUTREACH_KINDS]
    out: list[str] = []
    if contact_id:
        recent = sorted(
            (
                t
                for t in outreach
                if contact_id in t.contact_ids and _near(t.day, day, limits.person_days)
            ),
            key=lambda t: t.day,
        )
        if recent:
            last = recent[-1]
            who = names.get(contact_id, "this person")
            wait = last.day + dt.timedelta(days=limits.person_days)
            out.append(
                f"cool-off: you already reached {who} on {last.day.isoformat()} ({last.kind}); "
                f"a second touch within {limits.person_days} days can feel pushy. Wait until "
                f"{wait.isoformat()}, or go ahead anyway."
            )
    if contact_id and company_id:
        people: dict[str, None] = {}
        for t in sorted(outreach, key=lambda t: (t.day, t.id)):
            if t.company_id == company_id and _near(t.day, day, limits.company_days):
                for person in t.contact_ids:
                    people.setdefault(person)
        if contact_id not in people and len(people) >= limits.company_people:
            listing = ", ".join(names.get(p, p[:8]) for p in people)
            company = names.get(company_id, "this company")
            out.append(
                f"cool-off: {names.get(contact_id, 'this person')} would be person number "
                f"{len(people) + 1} you reach at {company} within {limits.company_days} days "
                f"({listing}); spread them out, or go ahead anyway."
            )
    return out
