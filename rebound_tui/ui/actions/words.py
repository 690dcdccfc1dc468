"""Short texts the actions show: days, the cool-off question, what the plan made."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rebound_tui.domain.model import FollowUp

__all__ = ["cooloff_question", "long_day", "planned_text"]


def long_day(day: str | None) -> str:
    """'Mon 30 Nov' for a stored day (as typed if it is not one)."""
    try:
        d = dt.date.fromisoformat(day or "")
    except ValueError:
        return day or ""
    return f"{d:%a} {d.day} {d:%b}"


def cooloff_question(lines: list[str]) -> str | None:
    """The cool-off guard's warnings as a yes/no question (None: nothing to warn about)."""
    if not lines:
        return None
    return "\n".join(lines) + "\n\nGo ahead anyway?"


def planned_text(created: list[FollowUp]) -> str:
    """'the plan made 6 follow-ups, the first Sat 28 Nov: Thank Dana…'."""
    if not created:
        return "no follow-ups planned (the rules for a rejection are off, or exist already)"
    first = min(created, key=lambda f: (f.due, f.title))
    noun = "follow-up" if len(created) == 1 else "follow-ups"
    return f"the plan made {len(created)} {noun}, the first {long_day(first.due)}: {first.title}"
