"""Calendar days as the data file writes them: `YYYY-MM-DD`, a day that exists.

A leaf module (standard library only) so that the model's input checks and the file's schema
(`schema.py`) take exactly the same days.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

__all__ = ["FIRST_YEAR", "LAST_YEAR", "is_day"]

#: The years a day may have: no job-search day lies outside, and date arithmetic near the
#: calendar's ends (year 1, year 9999) would overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2999

_DAY_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)

good_days: set[str] = set()  # days that passed is_day (a bounded cache: the check is hot)


def is_day(value: Any) -> bool:
    """A calendar day written YYYY-MM-DD that exists, from year FIRST_YEAR to LAST_YEAR."""
    if type(value) is not str:
        return False
    if value in good_days:
        return True
    m = _DAY_RE.fullmatch(value)
    if m is None:
        return False
    year, month, day = (int(g) for g in m.groups())
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return False
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    if len(good_days) < 1 << 16:
        good_days.add(value)
    return True
