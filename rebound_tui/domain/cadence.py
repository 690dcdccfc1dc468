"""Keep-in-touch cadences: the next check-in counts from the last real exchange with the person.

Any real touch (a call, a meeting, an email, completing a check-in) pushes the next check-in
out, so a contact the user spoke to yesterday is not nagged about today. A check-in carries the
basis it was timed from in its origin (`cadence:<contact id>:<last touch or never>+<cadence>`;
before any touch the day the contact was met or added is the basis):
while the basis stays the same the service leaves the check-in alone (the user may have snoozed
it); when a new touch or a new cadence changes the basis, it is re-timed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from rebound_tui.domain.dates import Span
from rebound_tui.domain.model import TOUCH_KINDS

PREFIX = "cadence:"


@dataclass(frozen=True)
class Touch:
    """One dated exchange: what happened, with whom, at which company."""

    day: dt.date
    kind: str
    contact_ids: tuple[str, ...] = ()
    company_id: str | None = None
    id: str = ""


def last_touch(touches: Iterable[Touch], contact_id: str) -> dt.date | None:
    """The day of the latest real exchange with a person (notes and news do not count)."""
    days = [t.day for t in touches if t.kind in TOUCH_KINDS and contact_id in t.contact_ids]
    return max(days) if days else None


def next_check_in(cadence: Span, last: dt.date | None, today: dt.date) -> dt.date:
    """`cadence` after the last touch; never touched yet: today (there is nothing to wait for)."""
    return cadence.add_to(last) if last is not None else today


def basis(cadence: Span, last: dt.date | None) -> str:
    return f"{last.isoformat() if last else 'never'}+{cadence}"


def origin(contact_id: str, cadence: Span, last: dt.date | None) -> str:
    return f"{PREFIX}{contact_id}:{basis(cadence, last)}"


def contact_of(origin_text: str | None) -> str | None:
    """The contact a cadence check-in is for; None for any other follow-up."""
    if not origin_text or not origin_text.startswith(PREFIX):
        return None
    rest = origin_text[len(PREFIX) :]
    return rest.split(":", 1)[0] or None


@dataclass(frozen=True)
class CheckIn:
    """The one open check-in a contact with a cadence should have."""

    contact_id: str
    due: dt.date
    origin: str


def plan_check_in(
    contact_id: str,
    cadence: Span,
    touches: Iterable[Touch],
    today: dt.date,
    done_on: Iterable[dt.date] = (),
    since: dt.date | None = None,
) -> CheckIn:
    """When the next check-in is due. `done_on`: days earlier check-ins were done; they count as
    touches even when completing one logged something that is not a touch (e.g. a note).
    `since`: the day the relationship started (met or added): with no touch yet, the cadence
    counts from there, not from an empty history."""
    days = [d for d in (last_touch(touches, contact_id), *done_on) if d is not None]
    if not days and since is not None:
        days = [since]
    last = max(days) if days else None
    due = next_check_in(cadence, last, today)
    return CheckIn(contact_id, due, origin(contact_id, cadence, last))
