"""Date handling for rebound-tui: calendar days vs. instants.

Two kinds of time live in the data, and mixing them up is the classic bug:

* **Calendar days** (due dates, interview days) are stored as ``'YYYY-MM-DD'`` and mean
  the user's LOCAL day. "Due today" compares against :func:`today`, which is computed in
  the local time zone, so it means the same thing in Chicago and in Auckland.
* **Instants** (when something was logged) are stored as UTC ISO 8601 with milliseconds
  and ``'Z'``: ``'2026-11-27T10:15:00.123Z'``. :func:`local_day_of` maps one to a local day.

Day arithmetic is done on dates only (never "now + 24 h"), so DST changes cannot shift a
due date. Everything here is pure: no file I/O, no UI; the clock is read only by
:func:`now_utc` and every function that depends on "now" or "today" takes it as a parameter.
"""

from __future__ import annotations

import datetime as _dt
import functools
import importlib.util
import os
import re
import sys
from dataclasses import dataclass


def _defer_dateutil_parser() -> None:
    """pendulum imports dateutil's parser (with its time zones and ctypes: about a tenth of a
    command's imports) only to parse text it does not understand itself, which we never ask of
    it (`parse_day` reads our own words). Loaded when first used, as the import system's own
    `LazyLoader` does; nothing changes for a caller."""
    if "dateutil.parser" in sys.modules:
        return
    try:
        spec = importlib.util.find_spec("dateutil.parser")
    except (ImportError, ValueError):
        return
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["dateutil.parser"] = module
    spec.loader.exec_module(module)
    # (On the package too, as an import would: `from dateutil import parser` then takes it as
    # it is, without asking the module anything, which would load it.)
    sys.modules["dateutil"].parser = module  # type: ignore[attr-defined]


_defer_dateutil_parser()

import pendulum  # noqa: E402 (after the deferral above)

__all__ = [
    "DateError",
    "Span",
    "as_date",
    "days_between",
    "describe_due",
    "format_day",
    "format_instant",
    "local_day_of",
    "local_tz",
    "last_weekday",
    "next_weekday",
    "now_utc",
    "parse_day",
    "parse_day_strict",
    "parse_instant",
    "parse_span",
    "today",
]

#: Environment variable that overrides the system time zone (an IANA name like 'Europe/Paris').
TZ_ENV = "REBOUND_TZ"

DAY_HELP = "use YYYY-MM-DD, today, tomorrow, 3d, 2w, 1m or a weekday name"
SPAN_HELP = "use e.g. 30d, 6w, 3m"

#: Weekday names and abbreviations -> ISO-style index (Monday = 0, like date.weekday()).
WEEKDAYS: dict[str, int] = {}
for _i, _name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
):
    WEEKDAYS[_name] = _i
    WEEKDAYS[_name[:3]] = _i

# Unit words -> one-letter unit. ASCII digits only ([0-9], not \d, which matches e.g. Arabic
# digits that int() would happily accept).
_UNITS = {
    "d": "d",
    "day": "d",
    "days": "d",
    "w": "w",
    "week": "w",
    "weeks": "w",
    "m": "m",
    "month": "m",
    "months": "m",
    "y": "y",
    "year": "y",
    "years": "y",
}
_UNIT_RE = "|".join(sorted(_UNITS, key=len, reverse=True))
_ISO_DAY_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# At most 9 digits: int() stays cheap and a too-big count gets a clean "too far" message.
_OFFSET_RE = re.compile(rf"(?:in )?\+?([0-9]{{1,9}}) ?({_UNIT_RE})")
_SPAN_RE = re.compile(rf"\+?([0-9]{{1,9}}) ?({_UNIT_RE})")
#: Largest count parse_span accepts per unit (about 100 years); longer is surely a typo.
_SPAN_MAX = {"d": 36525, "w": 5218, "m": 1200, "y": 100}
_WEEKDAY_RE = re.compile(r"(?:next )?([a-z]+)")


class DateError(ValueError):
    """Bad date text; ``str(e)`` is one clear line that says what is accepted."""


def _quote(text: object) -> str:
    """Echo user text back safely: repr (so newlines stay on one line), truncated."""
    s = text if isinstance(text, str) else str(text)
    if len(s) > 40:
        s = s[:37] + "..."
    return repr(s)


def _normalize(text: str) -> str:
    """Lower-case, trim, and collapse runs of whitespace to one space."""
    return " ".join(text.lower().split())


# --------------------------------------------------------------------------- time zones, now


def local_tz(name: str | None = None) -> pendulum.Timezone | pendulum.FixedTimezone:
    """The user's time zone: `name`, else ``$REBOUND_TZ``, else the system's zone.

    Raises DateError for an unknown zone name, naming where it came from.
    """
    source = "time zone"
    if not name:
        name = os.environ.get(TZ_ENV, "").strip() or None
        source = TZ_ENV
    if not name:
        return pendulum.local_timezone()
    try:
        return pendulum.timezone(name.strip())
    except (ValueError, LookupError) as e:  # InvalidTimezone is a ValueError
        raise DateError(
            f"bad {source} {_quote(name)}: use an IANA name like America/Chicago"
        ) from e


def now_utc() -> pendulum.DateTime:
    """The current instant in UTC (the only function here that reads the clock)."""
    return pendulum.now("UTC")


def _aware(dt: _dt.datetime) -> pendulum.DateTime:
    """Convert an aware datetime to a pendulum DateTime; refuse naive ones.

    A naive datetime has no defined instant, so guessing a zone would silently move it.
    """
    if not isinstance(dt, _dt.datetime):
        raise TypeError(f"expected a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime {dt.isoformat()} refused: give it a time zone")
    # Go through Python's own UTC conversion: for wall times in a DST gap or overlap it
    # honours `fold`, whereas pendulum.instance() would pick the other side of the gap.
    return pendulum.instance(dt.astimezone(_dt.UTC))


def today(tz: str | None = None, now: _dt.datetime | None = None) -> pendulum.Date:
    """The local calendar day of `now` (default: the current instant) in zone `tz`."""
    instant = now_utc() if now is None else _aware(now)
    return instant.in_timezone(local_tz(tz)).date()


# --------------------------------------------------------------------------- calendar days


def as_date(d: _dt.date) -> pendulum.Date:
    """A pendulum Date for any date (a datetime contributes its own date part, as-is)."""
    if not isinstance(d, _dt.date):
        raise TypeError(f"expected a date, got {type(d).__name__}")
    return pendulum.Date(d.year, d.month, d.day)


def _add(d: _dt.date, count: int, unit: str) -> pendulum.Date:
    """`d` plus `count` units; months and years clamp at month end (Jan 31 + 1m = Feb 28)."""
    base = as_date(d)
    if unit == "d":
        return base.add(days=count)
    if unit == "w":
        return base.add(weeks=count)
    if unit == "m":
        return base.add(months=count)
    if unit == "y":
        return base.add(years=count)
    raise ValueError(f"unknown unit {unit!r}: use d, w, m or y")


def next_weekday(d: _dt.date, weekday: int) -> pendulum.Date:
    """The next day with `weekday` (Monday = 0) strictly after `d`: 1 to 7 days later."""
    base = as_date(d)
    ahead = (weekday - base.weekday()) % 7 or 7
    return base.add(days=ahead)


def last_weekday(d: _dt.date, weekday: int) -> pendulum.Date:
    """The latest day with `weekday` (Monday = 0) on or before `d`: 0 to 6 days earlier."""
    base = as_date(d)
    return base.subtract(days=(base.weekday() - weekday) % 7)


def parse_day_strict(text: str) -> pendulum.Date:
    """Parse exactly ``'YYYY-MM-DD'`` (the stored form); nothing else, not even spaces."""
    if type(text) is not str:  # (a str subclass could hash or compare otherwise)
        if not isinstance(text, str):
            raise DateError(f"bad date {_quote(text)}: expected YYYY-MM-DD")
        return _parse_day_strict(text)
    return _stored_day(text)


@functools.lru_cache(maxsize=8192)
def _stored_day(text: str) -> pendulum.Date:
    """`parse_day_strict` of one string, remembered: a file's 20,000 interactions fall on a
    thousand days or so, and a pendulum Date takes microseconds to make (a Date is immutable:
    one object serves every caller). A bad day raises, and is not remembered."""
    return _parse_day_strict(text)


def _parse_day_strict(text: str) -> pendulum.Date:
    m = _ISO_DAY_RE.fullmatch(text)
    if m is None:
        raise DateError(f"bad date {_quote(text)}: expected YYYY-MM-DD")
    try:
        return pendulum.Date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as e:
        raise DateError(f"bad date {_quote(text)}: no such day (expected YYYY-MM-DD)") from e


def parse_day(text: str, today: _dt.date, *, past: bool = False) -> pendulum.Date:
    """Parse what a user types for a day, relative to the local day `today`.

    Accepts (case-insensitive, surrounding spaces ignored): 'YYYY-MM-DD'; 'today',
    'tomorrow', 'yesterday'; 'Nd', 'Nw', 'Nm', 'Ny' (N >= 0, optional '+', or spelled
    '3 days', '2 weeks', '1 month', optionally after 'in '); a weekday name or its
    3-letter abbreviation, optionally after 'next ' -- the next such day strictly after
    today. With `past` (for something that happened) a bare weekday is the latest such day,
    today included ('friday' on a Friday is today); 'next friday' stays the next one.
    Everything else raises DateError.
    """
    if not isinstance(text, str):
        raise DateError(f"bad date {_quote(text)}: {DAY_HELP}")
    base = as_date(today)
    s = _normalize(text)

    if _ISO_DAY_RE.fullmatch(s):
        try:
            return parse_day_strict(s)
        except DateError:
            raise DateError(f"bad date {_quote(text)}: no such day; {DAY_HELP}") from None
    if s == "today":
        return base
    if s == "tomorrow":
        return base.add(days=1)
    if s == "yesterday":
        return base.subtract(days=1)
    m = _OFFSET_RE.fullmatch(s)
    if m is not None:
        try:
            return _add(base, int(m[1]), _UNITS[m[2]])
        except (ValueError, OverflowError):
            raise DateError(f"bad date {_quote(text)}: too far away; {DAY_HELP}") from None
    m = _WEEKDAY_RE.fullmatch(s)
    if m is not None and m[1] in WEEKDAYS:
        if past and not s.startswith("next "):
            return last_weekday(base, WEEKDAYS[m[1]])
        return next_weekday(base, WEEKDAYS[m[1]])
    raise DateError(f"bad date {_quote(text)}: {DAY_HELP}")


def format_day(d: _dt.date) -> str:
    """'YYYY-MM-DD' (zero-padded even before year 1000, unlike strftime on some platforms)."""
    if not isinstance(d, _dt.date):
        raise TypeError(f"expected a date, got {type(d).__name__}")
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def days_between(a: _dt.date, b: _dt.date) -> int:
    """``b - a`` in whole days (positive when b is later)."""
    return as_date(b).toordinal() - as_date(a).toordinal()


def describe_due(due: _dt.date, today: _dt.date) -> str:
    """Short words for a due day: 'today', 'tomorrow', 'in 3d', '1d overdue'."""
    n = days_between(today, due)
    if n == 0:
        return "today"
    if n == 1:
        return "tomorrow"
    if n > 1:
        return f"in {n}d"
    return f"{-n}d overdue"


# --------------------------------------------------------------------------- spans


@dataclass(frozen=True)
class Span:
    """A repeat interval such as a contact cadence: `count` days/weeks/months/years."""

    count: int
    unit: str  # 'd', 'w', 'm' or 'y'

    def __post_init__(self) -> None:
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise ValueError(f"span count must be an int >= 1, got {self.count!r}")
        if self.unit not in ("d", "w", "m", "y"):
            raise ValueError(f"span unit must be one of d, w, m, y, got {self.unit!r}")

    def add_to(self, d: _dt.date) -> pendulum.Date:
        """`d` plus this span; months/years clamp at month end (Jan 31 + 1m = Feb 28/29)."""
        return _add(d, self.count, self.unit)

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"


def parse_span(text: str) -> Span:
    """Parse an interval: '6w', '30d', '3m', '1y', '2 weeks' (count >= 1, up to ~100 years)."""
    if not isinstance(text, str):
        raise DateError(f"bad interval {_quote(text)}: {SPAN_HELP}")
    m = _SPAN_RE.fullmatch(_normalize(text))
    if m is None or int(m[1]) < 1:
        raise DateError(f"bad interval {_quote(text)}: {SPAN_HELP}")
    count, unit = int(m[1]), _UNITS[m[2]]
    if count > _SPAN_MAX[unit]:
        raise DateError(f"bad interval {_quote(text)}: at most 100 years; {SPAN_HELP}")
    return Span(count, unit)


# --------------------------------------------------------------------------- instants


def format_instant(dt: _dt.datetime) -> str:
    """UTC ISO 8601 with milliseconds and 'Z'; sub-millisecond digits are truncated.

    Truncation (not rounding) keeps the result stable and never carries into the next
    second. Naive datetimes raise ValueError: their instant is unknown.
    """
    u = _aware(dt).in_timezone("UTC")
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d}T"
        f"{u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond // 1000:03d}Z"
    )


def _instant(text: str) -> _dt.datetime:
    """An ISO 8601 date-time WITH offset, as an aware datetime in its own offset."""
    if not isinstance(text, str):
        raise DateError(f"bad instant {_quote(text)}: use ISO 8601 with offset")
    try:
        dt = _dt.datetime.fromisoformat(text.strip())
    except ValueError:
        dt = None
    if dt is None or dt.tzinfo is None or dt.utcoffset() is None:
        raise DateError(
            f"bad instant {_quote(text)}: use ISO 8601 with offset, like 2026-11-27T10:15:00.123Z"
        )
    return dt


def parse_instant(text: str) -> pendulum.DateTime:
    """Parse an ISO 8601 date-time WITH offset ('Z' or '+hh:mm'); returned in UTC.

    Text without an offset is refused: it names no single instant.
    """
    dt = _instant(text)
    try:
        return pendulum.instance(dt).in_timezone("UTC")
    except (ValueError, OverflowError):
        raise DateError(f"bad instant {_quote(text)}: out of range") from None


def local_day_of(instant: str | _dt.datetime, tz: str | None = None) -> pendulum.Date:
    """The local calendar day (in zone `tz`) on which `instant` falls."""
    if not isinstance(instant, str):
        return _aware(instant).in_timezone(local_tz(tz)).date()
    # Text (a record's stamp, a mail's date): Python's own conversion, not through a pendulum
    # DateTime (a sixth of the time: the network pane times every check-in from a stamp).
    dt = _instant(instant)
    try:
        return as_date(dt.astimezone(local_tz(tz)))
    except (ValueError, OverflowError):
        raise DateError(f"bad instant {_quote(instant)}: out of range") from None
