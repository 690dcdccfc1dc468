"""Hybrid logical clock stamps: the ordering every synced edit is judged by.

Machines edit the data file offline and their wall clocks disagree, so "the later edit
wins" needs a clock that (a) follows real time when it can, (b) never goes backwards on
one machine even if its wall clock does, and (c) after loading a file, stamps everything
new after everything it has seen. A hybrid logical clock (HLC) does all three.

A stamp is a fixed-width string ``YYYY-MM-DDTHH:MM:SS.mmmZ-CCCC-RRRRRRRR``: a UTC
wall time in milliseconds, a 4-hex-digit counter and an 8-hex-digit replica id.
Fixed width and lowercase hex make plain string comparison equal clock order, so
other tools can compare stamps without parsing them.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from rebound_tui.domain.stamp_columns import all_stamps

__all__ = [
    "AHEAD_LIMIT_MS",
    "ClockError",
    "HybridClock",
    "MAX_COUNTER",
    "MAX_MS",
    "ahead_limit",
    "all_stamps",
    "STAMP_LENGTH",
    "is_stamp",
    "make_stamp",
    "new_replica_id",
    "parse_stamp",
    "stamp_instant",
    "system_ms",
]

MAX_COUNTER = 0xFFFF
STAMP_LENGTH = len("2026-05-02T14:03:11.000Z-0000-ab12cd34")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
#: The last instant a stamp can hold: 9999-12-31T23:59:59.999Z.
MAX_MS = (datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC) - _EPOCH) // _MS
#: How far ahead of this machine's clock a stamp read from another copy may be (one day).
AHEAD_LIMIT_MS = 86_400_000
_STAMP_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z-([0-9a-f]{4})-([0-9a-f]{8})",
    re.ASCII,
)
_REPLICA_RE = re.compile(r"[0-9a-f]{8}", re.ASCII)


class ClockError(ValueError):
    """A stamp or replica id is malformed, or a time cannot be stamped."""


def new_replica_id() -> str:
    """Return 8 random lowercase hex chars: breaks ties between machines' equal times."""
    return secrets.token_hex(4)


def make_stamp(ms: int, counter: int, replica: str) -> str:
    """Format a stamp from its parts (the inverse of :func:`parse_stamp`)."""
    if not 0 <= counter <= MAX_COUNTER:
        raise ClockError(f"counter out of range: {counter}")
    if not isinstance(replica, str) or not _REPLICA_RE.fullmatch(replica):
        raise ClockError(f"bad replica id {replica!r}: want 8 lowercase hex digits")
    try:
        dt = _EPOCH + timedelta(milliseconds=ms)
    except OverflowError as exc:
        raise ClockError(f"time out of range: {ms} ms") from exc
    return (
        f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:"
        f"{dt.second:02d}.{dt.microsecond // 1000:03d}Z-{counter:04x}-{replica}"
    )


def parse_stamp(stamp: str) -> tuple[int, int, str]:
    """Split a stamp into (ms since the epoch, counter, replica); ClockError if malformed."""
    m = _STAMP_RE.fullmatch(stamp) if isinstance(stamp, str) else None
    if m is None:
        raise ClockError(f"bad stamp {stamp!r}: want YYYY-MM-DDTHH:MM:SS.mmmZ-CCCC-RRRRRRRR")
    year, month, day, hour, minute, second, milli = (int(g) for g in m.groups()[:7])
    try:
        dt = datetime(year, month, day, hour, minute, second, milli * 1000, tzinfo=UTC)
    except ValueError as exc:
        raise ClockError(f"bad stamp {stamp!r}: {exc}") from exc
    return (dt - _EPOCH) // _MS, int(m.group(8), 16), m.group(9)


def stamp_instant(stamp: str) -> str:
    """The ISO UTC wall time of a stamp, e.g. '2026-05-02T14:03:11.000Z'."""
    parse_stamp(stamp)
    return stamp[:24]


# `is_stamp` is a record's check's hot path (each of its stamps): the time of day checked by the
# pattern, the calendar day once per distinct day. The same stamps as `parse_stamp` accepts.
# (A whole table's distinct stamps are checked at once by `all_stamps`: stamp_columns.py.)
_STAMP_SHAPE = re.compile(
    r"\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z-[0-9a-f]{4}-[0-9a-f]{8}",
    re.ASCII,
)
_stamp_days: dict[str, bool] = {}


def _stamp_day(day: str) -> bool:
    known = _stamp_days.get(day)
    if known is None:
        try:
            datetime(int(day[:4]), int(day[5:7]), int(day[8:10]))
            known = True
        except ValueError:
            known = False
        if len(_stamp_days) > 100_000:
            _stamp_days.clear()
        _stamp_days[day] = known
    return known


def is_stamp(s: object) -> bool:
    """True if ``s`` is a well-formed stamp (what `parse_stamp` accepts)."""
    return isinstance(s, str) and _STAMP_SHAPE.fullmatch(s) is not None and _stamp_day(s[:10])


def system_ms() -> int:
    """This machine's wall clock, in ms since the epoch."""
    return time.time_ns() // 1_000_000


def ahead_limit(now_ms: int | None = None) -> str:
    """The highest stamp accepted from another copy: one day ahead of this machine's clock.

    Stamps from a machine whose clock runs far ahead would win every merge and push every
    machine's clock to that time (docs/SYNC.md): copies holding them are not merged."""
    now = system_ms() if now_ms is None else now_ms
    return make_stamp(max(0, min(MAX_MS, now + AHEAD_LIMIT_MS)), MAX_COUNTER, "ffffffff")


class HybridClock:
    """Issues stamps strictly greater than every stamp it issued or observed.

    ``wall_ms`` is injectable so tests can run skewed or backwards-stepping clocks.
    Safe to share between threads (the app stamps from worker threads).
    """

    def __init__(
        self, replica: str | None = None, wall_ms: Callable[[], int] | None = None
    ) -> None:
        if replica is None:
            replica = new_replica_id()
        if not isinstance(replica, str) or not _REPLICA_RE.fullmatch(replica):
            raise ClockError(f"bad replica id {replica!r}: want 8 lowercase hex digits")
        self.replica: str = replica
        self._wall_ms = wall_ms or system_ms
        self._ms: int | None = None  # physical part of the highest stamp issued or seen
        self._counter = 0
        self._lock = threading.Lock()

    def now(self) -> str:
        """The next stamp: later than anything this clock has issued or observed.

        Never fails: at the last instant a stamp can hold (year 9999, reached only by observing
        a stamp from a machine whose clock was absurdly wrong) it keeps issuing that stamp."""
        with self._lock:
            wall = self.wall_ms()
            if self._ms is None or wall > self._ms:
                self._ms, self._counter = wall, 0
            elif self._counter < MAX_COUNTER:
                self._counter += 1
            elif self._ms < MAX_MS:
                # 65,536 stamps in one millisecond (or a far-future observed stamp):
                # borrow the next millisecond rather than wrap around.
                self._ms, self._counter = self._ms + 1, 0
            return make_stamp(self._ms, self._counter, self.replica)

    def wall_ms(self) -> int:
        """The wall clock this clock follows, within what a stamp can hold."""
        try:
            wall = int(self._wall_ms())
        except (TypeError, ValueError, OverflowError):
            wall = system_ms()
        return max(0, min(MAX_MS, wall))

    def wall_stamp(self) -> str:
        """A stamp of the wall clock's time (not pushed by observed stamps): for horizons."""
        return make_stamp(self.wall_ms(), 0, self.replica)

    def bound(self) -> str | None:
        """A stamp at least as late as every stamp this clock issued or observed (None: none
        yet): the highest stamp data it stamped and observed can hold."""
        with self._lock:
            if self._ms is None:
                return None
            return make_stamp(self._ms, self._counter, "ffffffff")

    def observe(self, stamp: str) -> None:
        """Remember a stamp seen in loaded data so that later stamps sort after it.

        This is what lets a machine whose wall clock is behind still win over the edits
        it has seen: its next stamp is pushed past them.
        """
        ms, counter, _replica = parse_stamp(stamp)
        with self._lock:
            if self._ms is None or (ms, counter) > (self._ms, self._counter):
                self._ms, self._counter = ms, counter

    def __repr__(self) -> str:
        return f"HybridClock(replica={self.replica!r})"
