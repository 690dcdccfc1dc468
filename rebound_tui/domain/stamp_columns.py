"""Many stamps checked at once, a column at a time: `clock.all_stamps`.

A stamp has a fixed width (`YYYY-MM-DDTHH:MM:SS.mmmZ-CCCC-RRRRRRRR`, 38 ASCII characters), so
the stamps joined with a newline after each are a table of 39 columns: the k-th character of
every stamp is one slice of the joined bytes (`raw[k::39]`). Each test then runs over a whole
column in C: the characters a column allows (one `bytes.translate` that deletes them must leave
nothing), and the numbers two or four columns make (an hour, a month, a day), added up digit by
digit as one big integer a byte per stamp, then checked by the same deletion.

Where a file is new here, every distinct stamp of it is checked: on the heavy benchmark file
about 36,000 stamps, which one pattern over their joined text and a set of their distinct
days took 30-40 ms. This takes a tenth of that. It accepts exactly what `clock.is_stamp`
accepts (a property test holds the two together, `tests/domain/test_stamp_columns.py`):

* **Width.** The joined bytes are exactly 39 bytes a stamp, and the last column is all newlines
  while no other column allows one: so every stamp is 38 characters, none holding a newline.
* **Characters.** Digits, lowercase hex, and the separators where `is_stamp`'s pattern has them.
* **Time of day.** Hours 00-23 (the pattern's `[01]\\d|2[0-3]`); minutes and seconds 00-59.
* **Day.** A real calendar day, as `datetime` takes it: a year from 0001, a month 01-12, a day
  from 01 to that month's last (29 February only in a leap year).
"""

from __future__ import annotations

from collections.abc import Collection

__all__ = ["WIDTH", "all_stamps"]

WIDTH = 38  # characters in a stamp
_ROW = WIDTH + 1  # and its newline
_DIGITS = b"0123456789"
_HEX = b"0123456789abcdef"
# The characters each column allows (the stamp's pattern, character by character).
_ALLOWED = [
    *[_DIGITS] * 4,
    b"-",
    *[_DIGITS] * 2,
    b"-",
    *[_DIGITS] * 2,
    b"T",
    b"012",  # (hours: checked with the next column below)
    _DIGITS,
    b":",
    b"012345",
    _DIGITS,
    b":",
    b"012345",
    _DIGITS,
    b".",
    *[_DIGITS] * 3,
    b"Z",
    b"-",
    *[_HEX] * 4,
    b"-",
    *[_HEX] * 8,
    b"\n",
]
assert len(_ALLOWED) == _ROW
_YEAR, _MONTH, _DAY, _HOUR = (0, 1, 2, 3), (5, 6), (8, 9), (11, 12)
_VALUE = bytes.maketrans(_DIGITS, bytes(range(10)))  # a digit's character to its value
# The last day of each month (index: the month), February's in a leap year; 0: no such month.
_LAST_DAY = bytes([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, *[0] * 243])
# February (index: the month) marked 100: 29 February is then 129, the only day of that value.
_FEBRUARY = bytes([0, 0, 100, *[0] * 253])
_LEAP_DAY = bytes([100 + 29])
# The values an hour, a month and a day may take; and the bytes from 128 (see `spare` below).
_HOURS, _MONTHS, _DAYS, _HIGH = (
    bytes(range(24)),
    bytes(range(1, 13)),
    bytes(range(1, 32)),
    bytes(range(128, 256)),
)


def all_stamps(stamps: Collection[str]) -> bool:
    """True if every one of `stamps` (strings) is a well-formed stamp (`clock.is_stamp` of
    each); False as soon as one is not."""
    count = len(stamps)
    if not count:
        return True
    try:
        text = "\n".join(stamps)
    except TypeError:  # (not all strings)
        return False
    if not text.isascii():  # (the pattern takes ASCII digits only)
        return False
    raw = text.encode("ascii") + b"\n"
    if len(raw) != _ROW * count:
        return False
    columns = [raw[k::_ROW] for k in range(_ROW)]
    if any(
        column.translate(None, allowed) for column, allowed in zip(columns, _ALLOWED, strict=True)
    ):
        return False

    def number(at: tuple[int, ...]) -> int:
        """The number the digits at columns `at` make, as one byte per stamp in an integer."""
        total = 0
        for k in at:  # (at most 2 digits, so at most 99: no byte carries into the next)
            total = total * 10 + int.from_bytes(columns[k].translate(_VALUE), "big")
        return total

    def number_sum(at: tuple[int, ...]) -> int:
        """The sum of the digits at columns `at`, a byte per stamp (at most 36: no carry)."""
        return sum(int.from_bytes(columns[k].translate(_VALUE), "big") for k in at)

    def each(value: int) -> bytes:
        return value.to_bytes(count, "big")

    hours, months, days = each(number(_HOUR)), each(number(_MONTH)), each(number(_DAY))
    # Hours below 24; months 1-12; days 1-31.
    if hours.translate(None, _HOURS) or months.translate(None, _MONTHS):
        return False
    if days.translate(None, _DAYS):
        return False
    # A day no later than its month's last: 128 + last - day stays a byte (last is 29 to 31,
    # day 1 to 31: no borrow from the next byte), and is at least 128 where the day is good.
    spare = each(
        int.from_bytes(months.translate(_LAST_DAY), "big")
        + int.from_bytes(b"\x80" * count, "big")
        - int.from_bytes(days, "big")
    )
    if spare.translate(None, _HIGH):
        return False
    # Years from 0001 (the four digits' sum is not 0: at most 36, no carry).
    if b"\x00" in each(number_sum(_YEAR)):
        return False
    # 29 February only in a leap year.
    leap_day = each(
        int.from_bytes(months.translate(_FEBRUARY), "big") + int.from_bytes(days, "big")
    )
    at = leap_day.find(_LEAP_DAY)
    while at >= 0:
        year = int(raw[at * _ROW : at * _ROW + 4])
        if year % 4 or (year % 100 == 0 and year % 400):
            return False
        at = leap_day.find(_LEAP_DAY, at + 1)
    return True
