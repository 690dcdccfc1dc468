"""`all_stamps` (stamp_columns.py) says what `is_stamp` of each stamp says: one stamp or many,
good, near-good (one character changed, dropped or added) or far off."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from rebound_tui.domain.clock import all_stamps, is_stamp, make_stamp

GOOD = "2026-05-02T14:03:11.000Z-00a1-abcdef01"
# Characters a stamp has, a few it must not have (uppercase hex, a newline, NUL, a non-ASCII
# digit that `\d` would take without re.ASCII, a letter with an accent).
CHARS = "0123456789abcdefgABCDEFTZ:-. \n\x00\u0663\u00e9"


@st.composite
def near_stamps(draw: st.DrawFn) -> str:
    """A stamp from parts each a little out of range at times, then perhaps edited."""
    year = draw(st.integers(0, 10_000))
    month, day = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    hour, minute, second = (
        draw(st.integers(0, 29)),
        draw(st.integers(0, 69)),
        draw(st.integers(0, 69)),
    )
    milli, counter = draw(st.integers(0, 999)), draw(st.integers(0, 0xFFFF))
    replica = draw(st.text("0123456789abcdef", min_size=8, max_size=8))
    text = (
        f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}."
        f"{milli:03d}Z-{counter:04x}-{replica}"
    )
    edit = draw(st.sampled_from(["none", "none", "change", "drop", "add"]))
    if edit == "none" or not text:
        return text
    at = draw(st.integers(0, len(text) - 1))
    char = draw(st.sampled_from(CHARS))
    if edit == "change":
        return text[:at] + char + text[at + 1 :]
    if edit == "drop":
        return text[:at] + text[at + 1 :]
    return text[:at] + char + text[at:]


@settings(max_examples=600, deadline=None)
@given(stamp=near_stamps())
@example(stamp=GOOD)
@example(stamp="2024-02-29T00:00:00.000Z-0000-abcdef01")  # a leap year
@example(stamp="2000-02-29T00:00:00.000Z-0000-abcdef01")  # divisible by 400: leap
@example(stamp="1900-02-29T00:00:00.000Z-0000-abcdef01")  # by 100, not by 400: not
@example(stamp="2026-02-29T00:00:00.000Z-0000-abcdef01")
@example(stamp="2026-04-31T00:00:00.000Z-0000-abcdef01")
@example(stamp="2026-12-31T23:59:59.999Z-ffff-ffffffff")
@example(stamp="0000-01-01T00:00:00.000Z-0000-abcdef01")  # no year 0
@example(stamp="0001-01-01T00:00:00.000Z-0000-abcdef01")
@example(stamp="2026-05-02T24:00:00.000Z-0000-abcdef01")
@example(stamp="2026-05-02T14:03:11.000Z-00A1-abcdef01")  # uppercase hex
@example(stamp="2026-05-02T1\u0663:03:11.000Z-00a1-abcdef01")  # a digit, not ASCII
def test_one_stamp(stamp: str) -> None:
    assert all_stamps({stamp}) == is_stamp(stamp)
    assert all_stamps([stamp, GOOD]) == is_stamp(stamp)


@settings(max_examples=300, deadline=None)
@given(stamps=st.lists(near_stamps(), min_size=1, max_size=12), good=st.integers(0, 40))
def test_many_stamps(stamps: list[str], good: int) -> None:
    """Mixed with good stamps (the bad one anywhere among them)."""
    many = {*stamps, *(make_stamp(1_700_000_000_000 + n, n, "abcdef01") for n in range(good))}
    assert all_stamps(many) == all(is_stamp(s) for s in many)


def test_stamps_of_other_lengths_cannot_make_up_for_each_other() -> None:
    """One stamp a character short and another one long: the same length in all, and still
    not stamps (each must be as long as a stamp)."""
    short, long = GOOD[:-1], GOOD + "0"
    assert not all_stamps([short, long])
    assert not all_stamps([GOOD[:19] + "\n" + GOOD[20:]])  # a newline is not a separator
    two = GOOD + "\n" + GOOD.replace("14:", "15:")  # two stamps in one string
    assert not all_stamps([two])
    assert not all_stamps([two, GOOD.replace("14:", "16:")])


def test_not_strings_and_none_at_all() -> None:
    assert all_stamps(set())
    assert not all_stamps([GOOD, 5])  # type: ignore[list-item]
    assert not all_stamps([GOOD, b"x"])  # type: ignore[list-item]


def test_many_good_stamps_and_one_bad_anywhere() -> None:
    good = [make_stamp(1_700_000_000_000 + 997 * n, n % 0xFFFF, "0123abcd") for n in range(5000)]
    assert all_stamps(good)
    for at in (0, 2500, 4999):
        for bad in (
            "2026-13-01T00:00:00.000Z-0000-abcdef01",
            "2025-02-29T00:00:00.000Z-0000-abcdef01",
        ):
            assert not all_stamps([*good[:at], bad, *good[at:]])
