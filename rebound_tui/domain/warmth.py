"""How warm a relationship is, derived from the exchanges with a person. Never stored.

The rule, kept simple enough to explain on the help screen:

* Every exchange adds ``KIND_WEIGHT[kind] * 0.5 ** (age_days / HALF_LIFE_DAYS)`` to the score.
  A meeting, an interview or a referral interview weighs 3, a call 2, a thank-you note, an email
  or a message 1; notes, news and rejections weigh nothing (they are not exchanges). An exchange
  counts half after a month and a quarter after two; one dated in the future counts as today.
* A contact is **cooling** when they are overdue for a touch: their keep-in-touch cadence has
  passed since the last exchange (or there never was one), or a follow-up with them is overdue.
  Cooling halves the score: neglect costs warmth even before time does.
* Levels: score >= 4 is ``hot``, >= 1.5 ``warm``, >= 0.4 ``cool``, below that ``cold``.
  So a single meeting today is warm, a meeting plus a thank-you and a call this week is hot, and
  one email two months ago has gone cold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rebound_tui.domain.dates import Span

HALF_LIFE_DAYS = 30.0
KIND_WEIGHT: dict[str, float] = {
    "meeting": 3.0,
    "interview": 3.0,
    "referral-interview": 3.0,
    "call": 2.0,
    "thank-you": 1.0,
    "email": 1.0,
    "message": 1.0,
}
COOLING_FACTOR = 0.5


class Level(StrEnum):
    """Warmth levels, coldest first so they compare in order of warmth."""

    COLD = "cold"
    COOL = "cool"
    WARM = "warm"
    HOT = "hot"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {level: n for n, level in enumerate(Level)}


# (lowest score for the level, level), warmest first.
THRESHOLDS: tuple[tuple[float, Level], ...] = (
    (4.0, Level.HOT),
    (1.5, Level.WARM),
    (0.4, Level.COOL),
)


@dataclass(frozen=True)
class Warmth:
    """A contact's warmth: the level shown, the score behind it, and whether it is cooling."""

    level: Level
    score: float
    cooling: bool = False

    @property
    def label(self) -> str:
        return f"{self.level.value}↓" if self.cooling else self.level.value


COLD = Warmth(Level.COLD, 0.0)


def level_for(score: float) -> Level:
    for lowest, level in THRESHOLDS:
        if score >= lowest:
            return level
    return Level.COLD


def warmth(
    exchanges: Iterable[tuple[dt.date, str]],
    today: dt.date,
    *,
    cadence: Span | None = None,
    overdue: bool = False,
) -> Warmth:
    """The warmth of a person from their (day, interaction kind) pairs, by the module's rule.

    `cadence` is the contact's keep-in-touch interval; `overdue` says a follow-up with them is past
    due. Both only matter for cooling.
    """
    today_ord = today.toordinal()
    score = 0.0
    last: dt.date | None = None
    for day, kind in exchanges:
        weight = KIND_WEIGHT.get(kind, 0.0)
        if not weight:
            continue
        age = max(0, today_ord - day.toordinal())
        score += weight * 0.5 ** (age / HALF_LIFE_DAYS)
        if last is None or day > last:
            last = day
    cooling = overdue
    if cadence is not None and not cooling:
        cooling = last is None or cadence.add_to(last) < today
    if cooling:
        score *= COOLING_FACTOR
    return Warmth(level_for(score), score, cooling)
