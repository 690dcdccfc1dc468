"""The hybrid logical clock: stamps sort as strings, never go backwards, pass what was seen."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rebound_tui.domain.clock import (
    MAX_COUNTER,
    STAMP_LENGTH,
    ClockError,
    HybridClock,
    is_stamp,
    make_stamp,
    new_replica_id,
    parse_stamp,
    stamp_instant,
)

T0 = 1_777_730_591_000  # 2026-05-02T14:03:11.000Z
HOUR = 3_600_000

ms_st = st.integers(min_value=0, max_value=253_402_300_799_999)  # 1970 .. 9999-12-31
counter_st = st.integers(min_value=0, max_value=MAX_COUNTER)
replica_st = st.text(alphabet="0123456789abcdef", min_size=8, max_size=8)
parts_st = st.tuples(ms_st, counter_st, replica_st)


class FakeWall:
    """A wall clock the test moves by hand."""

    def __init__(self, ms: int = T0) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_format_of_a_known_stamp() -> None:
    s = make_stamp(T0, 0, "ab12cd34")
    assert s == "2026-05-02T14:03:11.000Z-0000-ab12cd34"
    assert len(s) == STAMP_LENGTH
    assert parse_stamp(s) == (T0, 0, "ab12cd34")
    assert stamp_instant(s) == "2026-05-02T14:03:11.000Z"
    assert make_stamp(T0 + 7, 0x1F, "00000000") == "2026-05-02T14:03:11.007Z-001f-00000000"


@given(parts_st)
def test_parse_inverts_make(parts: tuple[int, int, str]) -> None:
    s = make_stamp(*parts)
    assert len(s) == STAMP_LENGTH
    assert is_stamp(s)
    assert parse_stamp(s) == parts


@given(parts_st, parts_st)
def test_string_order_is_clock_order(a: tuple[int, int, str], b: tuple[int, int, str]) -> None:
    sa, sb = make_stamp(*a), make_stamp(*b)
    assert (sa < sb) == (a < b)
    assert (sa == sb) == (a == b)


def test_instant_matches_wall_time() -> None:
    ms, _, _ = parse_stamp("2026-05-02T14:03:11.250Z-0003-77aa11bb")
    assert datetime.fromtimestamp(ms / 1000, UTC) == datetime(
        2026, 5, 2, 14, 3, 11, 250_000, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "2026-05-02T14:03:11.000Z-0000-ab12cd3",  # replica too short
        "2026-05-02T14:03:11.000Z-0000-AB12CD34",  # uppercase breaks string order
        "2026-05-02T14:03:11.000Z-000A-ab12cd34",
        "2026-05-02T14:03:11Z-0000-ab12cd34",  # no milliseconds
        "2026-05-02 14:03:11.000Z-0000-ab12cd34",
        "2026-02-30T14:03:11.000Z-0000-ab12cd34",  # no such day
        "2026-13-02T14:03:11.000Z-0000-ab12cd34",
        "2026-05-02T24:03:11.000Z-0000-ab12cd34",
        "2026-05-02T14:03:11.000Z-00000-ab12cd34",
        " 2026-05-02T14:03:11.000Z-0000-ab12cd34",
        "2026-05-02T14:03:11.000Z-0000-ab12cd34\n",
        "２026-05-02T14:03:11.000Z-0000-ab12cd34",  # non-ASCII digit
    ],
)
def test_bad_stamps_rejected(bad: str) -> None:
    assert not is_stamp(bad)
    with pytest.raises(ClockError):
        parse_stamp(bad)
    with pytest.raises(ClockError):
        stamp_instant(bad)


@pytest.mark.parametrize("bad", [None, 5, b"2026-05-02T14:03:11.000Z-0000-ab12cd34", ["x"]])
def test_non_strings_are_not_stamps(bad: object) -> None:
    assert not is_stamp(bad)


def test_replica_ids() -> None:
    ids = {new_replica_id() for _ in range(50)}
    assert len(ids) > 45
    for r in ids:
        assert HybridClock(r).replica == r
    assert re.fullmatch(r"[0-9a-f]{8}", HybridClock().replica)
    for bad in ["ABCDEF12", "abc", "abcdefgh", "0123456789"]:
        with pytest.raises(ClockError):
            HybridClock(bad)


def test_follows_the_wall_clock_when_it_moves_forward() -> None:
    wall = FakeWall()
    clock = HybridClock("00000001", wall)
    assert clock.now() == make_stamp(T0, 0, "00000001")
    wall.ms += 5
    assert clock.now() == make_stamp(T0 + 5, 0, "00000001")


def test_same_millisecond_bumps_the_counter() -> None:
    clock = HybridClock("00000001", FakeWall())
    stamps = [clock.now() for _ in range(3)]
    assert [parse_stamp(s)[:2] for s in stamps] == [(T0, 0), (T0, 1), (T0, 2)]


def test_monotonic_when_the_wall_clock_steps_back_an_hour() -> None:
    wall = FakeWall()
    clock = HybridClock("00000001", wall)
    before = [clock.now() for _ in range(3)]
    wall.ms -= HOUR
    after = [clock.now() for _ in range(3)]
    stamps = before + after
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
    # It keeps the physical time it already used instead of following the wall back.
    assert parse_stamp(after[-1])[0] == T0
    wall.ms = T0 + 10
    assert parse_stamp(clock.now())[:2] == (T0 + 10, 0)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.integers(-HOUR, HOUR), st.just(0)), min_size=1, max_size=60))
def test_strictly_increasing_under_any_wall_clock(steps: list[int]) -> None:
    wall = FakeWall()
    clock = HybridClock("0000000a", wall)
    last = ""
    for step in steps:
        wall.ms += step
        s = clock.now()
        assert s > last
        last = s


def test_counter_overflow_borrows_the_next_millisecond() -> None:
    clock = HybridClock("00000001", FakeWall())
    stamps = [clock.now() for _ in range(MAX_COUNTER + 2)]
    assert parse_stamp(stamps[MAX_COUNTER])[:2] == (T0, MAX_COUNTER)
    assert parse_stamp(stamps[MAX_COUNTER + 1])[:2] == (T0 + 1, 0)
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)


def test_observe_a_future_stamp_from_another_machine() -> None:
    wall = FakeWall()
    behind = HybridClock("00000002", wall)
    future = make_stamp(T0 + HOUR, 7, "ffffffff")  # other machine's clock is an hour ahead
    behind.observe(future)
    s = behind.now()
    assert s > future
    assert parse_stamp(s) == (T0 + HOUR, 8, "00000002")  # counter beats a larger replica id


def test_observe_a_past_stamp_changes_nothing() -> None:
    wall = FakeWall()
    clock = HybridClock("00000002", wall)
    clock.observe(make_stamp(T0 - HOUR, 3, "ffffffff"))
    assert clock.now() == make_stamp(T0, 0, "00000002")


def test_observe_a_stamp_with_a_full_counter() -> None:
    clock = HybridClock("00000002", FakeWall())
    seen = make_stamp(T0, MAX_COUNTER, "ffffffff")
    clock.observe(seen)
    assert clock.now() == make_stamp(T0 + 1, 0, "00000002")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), parts_st, st.integers(-HOUR, HOUR)), max_size=30),
)
def test_now_exceeds_everything_issued_or_observed(
    events: list[tuple[bool, tuple[int, int, str], int]],
) -> None:
    wall = FakeWall()
    clock = HybridClock("12345678", wall)
    seen: list[str] = []
    for is_observe, parts, step in events:
        wall.ms += step
        if is_observe:
            s = make_stamp(*parts)
            # Keep within the 9999 limit even after bumping.
            if parts[0] < 253_402_300_799_000:
                clock.observe(s)
                seen.append(s)
        else:
            s = clock.now()
            assert all(s > prev for prev in seen)
            seen.append(s)


def test_observe_rejects_bad_stamps() -> None:
    with pytest.raises(ClockError):
        HybridClock("00000001", FakeWall()).observe("yesterday")


def test_default_wall_clock_is_the_system_time() -> None:
    s = HybridClock("00000001").now()
    assert abs(parse_stamp(s)[0] - datetime.now(UTC).timestamp() * 1000) < 60_000


def test_make_stamp_range_checks() -> None:
    with pytest.raises(ClockError):
        make_stamp(T0, MAX_COUNTER + 1, "00000001")
    with pytest.raises(ClockError):
        make_stamp(T0, -1, "00000001")
    with pytest.raises(ClockError):
        make_stamp(10**18, 0, "00000001")
    with pytest.raises(ClockError):
        make_stamp(T0, 0, "xyz")


@settings(max_examples=500)
@given(
    st.tuples(
        st.integers(0, 10000),
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 25),
        st.integers(0, 61),
        st.integers(0, 61),
        st.integers(0, 999),
    ),
    st.sampled_from(["-0000-ab12cd34", "-ffff-00000000", "-000G-ab12cd34", "-0000-AB12CD34"]),
)
def test_is_stamp_accepts_exactly_what_parse_stamp_accepts(parts, tail) -> None:
    """The fast check (pattern + calendar day) agrees with parsing, on real and broken dates."""
    year, month, day, hour, minute, second, milli = parts
    text = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{milli:03d}Z"
    text += tail
    try:
        parse_stamp(text)
        parses = True
    except ClockError:
        parses = False
    assert is_stamp(text) is parses
