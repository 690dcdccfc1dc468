"""Textual validators that wrap the domain rules, so a form says what the service would refuse.

Each validator reuses the domain check (model.py, dates.py) and shows its message, so the
wording in a form, the CLI and an import error is the same.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual.validation import ValidationResult, Validator

from rebound_tui.domain import dates
from rebound_tui.domain.model import ValidationError, check_email, check_priority, check_url

if TYPE_CHECKING:
    from rebound_tui.service import Service

__all__ = [
    "DayValidator",
    "EmailValidator",
    "KnownNameValidator",
    "PriorityValidator",
    "RequiredValidator",
    "SpanValidator",
    "UniqueNameValidator",
    "UrlValidator",
]


class RequiredValidator(Validator):
    """Refuses an empty or blank value."""

    def __init__(self, what: str = "this field") -> None:
        super().__init__()
        self.what = what

    def validate(self, value: str) -> ValidationResult:
        if value.strip():
            return self.success()
        return self.failure(f"{self.what} is required")


class _DomainCheck(Validator):
    """Runs a domain `check_*` function on the stripped value; its message is the failure."""

    check: Callable[[str], None]

    def validate(self, value: str) -> ValidationResult:
        try:
            type(self).check(value.strip())
        except ValidationError as exc:
            return self.failure(str(exc))
        return self.success()


class EmailValidator(_DomainCheck):
    check = staticmethod(check_email)


class UrlValidator(_DomainCheck):
    check = staticmethod(check_url)


class PriorityValidator(Validator):
    """A whole number from 1 (low) to 5 (high), as the model requires."""

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        try:
            number: object = int(text) if text.isascii() and text.isdigit() else text
            check_priority(number)
        except ValidationError as exc:
            return self.failure(str(exc))
        return self.success()


class DayValidator(Validator):
    """The CLI's date words ('friday', '3d', 'tomorrow', 'YYYY-MM-DD'), relative to service.today().

    With `future=True` only days after today pass (a snooze must move the item forward); with
    `past=True` (something that happened) a weekday is the latest one and later days fail.
    """

    def __init__(self, service: Service, *, future: bool = False, past: bool = False) -> None:
        super().__init__()
        self.service = service
        self.future = future
        self.past = past

    def resolve(self, value: str) -> dt.date:
        """The day `value` names; raises dates.DateError when it names none."""
        return dates.parse_day(value, self.service.today(), past=self.past)

    def validate(self, value: str) -> ValidationResult:
        try:
            day = self.resolve(value)
        except dates.DateError as exc:
            return self.failure(str(exc))
        if self.future and day <= self.service.today():
            return self.failure(f"{dates.format_day(day)} is not after today: pick a later day")
        if self.past and day > self.service.today():
            return self.failure(f"{dates.format_day(day)} is in the future: when did it happen?")
        return self.success()


class SpanValidator(Validator):
    """A repeat interval such as a contact cadence: '30d', '6w', '3m', '2 weeks'."""

    def validate(self, value: str) -> ValidationResult:
        try:
            dates.parse_span(value)
        except dates.DateError as exc:
            return self.failure(str(exc))
        return self.success()


def _fold(name: str) -> str:
    return name.strip().lower()


class UniqueNameValidator(Validator):
    """Refuses a name another record already has (the service refuses it on save too)."""

    def __init__(self, names: Iterable[str], noun: str, *, current: str | None = None) -> None:
        super().__init__()
        self.noun = noun
        self.current = _fold(current) if current else None
        self.names = {_fold(n): n for n in names}

    def validate(self, value: str) -> ValidationResult:
        key = _fold(value)
        if key and key != self.current and key in self.names:
            return self.failure(
                f"a {self.noun} named {self.names[key]!r} exists already: choose another name"
            )
        return self.success()


class KnownNameValidator(Validator):
    """The name of an existing record (case-insensitive), with a 'did you mean' hint."""

    FUZZY_LIMIT = 500

    def __init__(self, names: Iterable[str], noun: str) -> None:
        super().__init__()
        self.noun = noun
        self.counts: dict[str, int] = {}
        self.spelled: dict[str, str] = {}
        for name in names:
            key = _fold(name)
            self.counts[key] = self.counts.get(key, 0) + 1
            self.spelled.setdefault(key, name.strip())

    def validate(self, value: str) -> ValidationResult:
        key = _fold(value)
        count = self.counts.get(key, 0)
        if count == 1:
            return self.success()
        if count > 1:
            return self.failure(f"{count} {self.noun}s are named {value.strip()!r}: rename one")
        if len(self.counts) <= self.FUZZY_LIMIT:
            close = difflib.get_close_matches(key, list(self.counts), n=3)
        else:  # keep each keystroke cheap in a big network
            close = [n for n in self.counts if key and n.startswith(key)][:3]
        hint = f"; did you mean {', '.join(self.spelled[c] for c in close)}?" if close else ""
        return self.failure(f"no {self.noun} named {value.strip()!r}{hint}")
