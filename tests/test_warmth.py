"""Warmth: the documented rule, and the properties a user relies on (more contact never cools)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rebound_tui.domain.dates import Span
from rebound_tui.domain.model import INTERACTION_KINDS
from rebound_tui.domain.warmth import KIND_WEIGHT, Level, level_for, warmth

TODAY = dt.date(2026, 11, 27)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def test_no_exchange_is_cold() -> None:
    w = warmth([], TODAY)
    assert w.level is Level.COLD
    assert w.score == 0
    assert not w.cooling


def test_documented_examples() -> None:
    assert warmth([(TODAY, "meeting")], TODAY).level is Level.WARM
    this_week = [(ago(1), "meeting"), (ago(0), "thank-you"), (ago(3), "call")]
    assert warmth(this_week, TODAY).level is Level.HOT
    assert warmth([(ago(60), "email")], TODAY).level is Level.COLD
    assert warmth([(ago(30), "email")], TODAY).level is Level.COOL


def test_half_life_is_a_month() -> None:
    assert warmth([(ago(30), "call")], TODAY).score == 1.0
    assert warmth([(ago(60), "call")], TODAY).score == 0.5


def test_notes_news_and_rejections_are_not_exchanges() -> None:
    assert warmth([(TODAY, "note"), (TODAY, "news"), (TODAY, "rejection")], TODAY).score == 0


def test_future_day_counts_as_today() -> None:
    assert warmth([(TODAY + dt.timedelta(days=5), "call")], TODAY).score == 2.0


def test_cadence_passed_is_cooling() -> None:
    six_weeks = Span(6, "w")
    fresh = warmth([(ago(10), "meeting")], TODAY, cadence=six_weeks)
    stale = warmth([(ago(50), "meeting")], TODAY, cadence=six_weeks)
    assert not fresh.cooling
    assert stale.cooling
    assert stale.label.endswith("↓")
    assert warmth([], TODAY, cadence=six_weeks).cooling  # never touched, nor met: overdue
    # A new cadence counts from the day the contact was met or added, not from no history.
    assert not warmth([], TODAY, cadence=six_weeks, since=TODAY).cooling
    assert warmth([], TODAY, cadence=six_weeks, since=ago(43)).cooling
    assert warmth([(ago(50), "call")], TODAY, cadence=six_weeks, since=ago(10)).cooling


def test_cooling_halves_the_score() -> None:
    six_weeks = Span(6, "w")
    warm = warmth([(ago(43), "meeting")], TODAY)
    cooling = warmth([(ago(43), "meeting")], TODAY, cadence=six_weeks)
    assert cooling.cooling
    assert cooling.score == warm.score / 2


def test_every_kind_has_a_defined_weight() -> None:
    assert set(KIND_WEIGHT) <= set(INTERACTION_KINDS)


exchanges = st.lists(
    st.tuples(st.integers(min_value=-10, max_value=1000), st.sampled_from(INTERACTION_KINDS)),
    max_size=20,
)


@given(exchanges, st.integers(min_value=0, max_value=1000), st.sampled_from(INTERACTION_KINDS))
def test_one_more_exchange_never_cools(pairs, age, kind) -> None:
    base = [(ago(a), k) for a, k in pairs]
    before = warmth(base, TODAY)
    after = warmth([*base, (ago(age), kind)], TODAY)
    assert after.score >= before.score
    assert after.level.rank >= before.level.rank


@given(st.sampled_from(sorted(KIND_WEIGHT)), st.integers(0, 500), st.integers(1, 500))
def test_older_counts_less(kind, age, extra) -> None:
    assert warmth([(ago(age + extra), kind)], TODAY).score < warmth([(ago(age), kind)], TODAY).score


@given(exchanges, st.integers(1, 90))
def test_level_matches_score_and_cooling_never_warms(pairs, days) -> None:
    base = [(ago(a), k) for a, k in pairs]
    plain = warmth(base, TODAY)
    cooled = warmth(base, TODAY, cadence=Span(days, "d"))
    assert plain.level is level_for(plain.score)
    assert cooled.level is level_for(cooled.score)
    assert cooled.score <= plain.score
    assert cooled.score >= 0
