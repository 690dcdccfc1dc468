"""Tests for rebound_tui.domain.dates: parsing, local-day rules, spans, instants."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rebound_tui.domain.dates import (
    DateError,
    Span,
    days_between,
    describe_due,
    format_day,
    format_instant,
    local_day_of,
    local_tz,
    next_weekday,
    now_utc,
    parse_day,
    parse_day_strict,
    parse_instant,
    parse_span,
    today,
)

D = pendulum.date
MON = D(2026, 11, 23)  # a Monday
FRI = D(2026, 11, 27)  # a Friday

days_st = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
spans_st = st.builds(
    Span, count=st.integers(min_value=1, max_value=400), unit=st.sampled_from("dwmy")
)
# Fixed set of real zones with DST, odd offsets and the date line, so runs stay fast and stable.
ZONES = [
    "UTC",
    "America/Chicago",
    "Pacific/Auckland",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Europe/London",
    "Australia/Lord_Howe",
]
aware_st = st.datetimes(
    min_value=dt.datetime(1950, 1, 1),
    max_value=dt.datetime(2150, 12, 31),
    timezones=st.sampled_from(ZONES).map(zoneinfo.ZoneInfo),
    # Wall times a zone skipped (Kiritimati had no 1994-12-31) are not instants at all:
    # zoneinfo keeps them as written, pendulum moves them forward.
    allow_imaginary=False,
)


# --------------------------------------------------------------------------- parse_day: accepted


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", D(2026, 12, 1)),
        ("  2026-12-01  ", D(2026, 12, 1)),
        ("2024-02-29", D(2024, 2, 29)),
        ("today", FRI),
        ("TODAY", FRI),
        (" Today ", FRI),
        ("tomorrow", D(2026, 11, 28)),
        ("yesterday", D(2026, 11, 26)),
        ("0d", FRI),
        ("3d", D(2026, 11, 30)),
        ("+3d", D(2026, 11, 30)),
        ("3D", D(2026, 11, 30)),
        ("2w", D(2026, 12, 11)),
        ("1m", D(2026, 12, 27)),
        ("2m", D(2027, 1, 27)),
        ("1y", D(2027, 11, 27)),
        ("3 days", D(2026, 11, 30)),
        ("1 day", D(2026, 11, 28)),
        ("2 weeks", D(2026, 12, 11)),
        ("1 week", D(2026, 12, 4)),
        ("1 month", D(2026, 12, 27)),
        ("2 months", D(2027, 1, 27)),
        ("1 year", D(2027, 11, 27)),
        ("2 years", D(2028, 11, 27)),
        ("in 3 days", D(2026, 11, 30)),
        ("in 2 weeks", D(2026, 12, 11)),
        ("In  2   Weeks", D(2026, 12, 11)),
        ("in 3d", D(2026, 11, 30)),
        ("monday", D(2026, 11, 30)),
        ("mon", D(2026, 11, 30)),
        ("next monday", D(2026, 11, 30)),
        ("next mon", D(2026, 11, 30)),
        ("Saturday", D(2026, 11, 28)),
        ("sat", D(2026, 11, 28)),
        ("sunday", D(2026, 11, 29)),
        ("tue", D(2026, 12, 1)),
        ("wed", D(2026, 12, 2)),
        ("thu", D(2026, 12, 3)),
        ("thursday", D(2026, 12, 3)),
        ("friday", D(2026, 12, 4)),  # today is Friday: strictly after -> next week
        ("fri", D(2026, 12, 4)),
        ("NEXT FRIDAY", D(2026, 12, 4)),
    ],
)
def test_parse_day_accepts(text: str, expected: pendulum.Date) -> None:
    got = parse_day(text, FRI)
    assert got == expected
    assert isinstance(got, pendulum.Date)


def test_parse_day_accepts_plain_date_as_today() -> None:
    assert parse_day("tomorrow", dt.date(2026, 12, 31)) == D(2027, 1, 1)
    assert isinstance(parse_day("today", dt.date(2026, 12, 31)), pendulum.Date)


def test_weekday_strictly_after_today_when_today_is_that_day() -> None:
    assert MON.weekday() == 0
    assert parse_day("monday", MON) == D(2026, 11, 30)
    assert parse_day("mon", MON) == D(2026, 11, 30)
    assert parse_day("next monday", MON) == D(2026, 11, 30)
    assert parse_day("tuesday", MON) == D(2026, 11, 24)
    assert parse_day("sunday", MON) == D(2026, 11, 29)


@given(day=days_st, name=st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]))
def test_weekday_is_within_next_seven_days(day: dt.date, name: str) -> None:
    got = parse_day(name, day)
    assert 1 <= days_between(day, got) <= 7
    assert got.strftime("%a").lower() == name
    long_name = got.strftime("%A").lower()
    assert parse_day(long_name, day) == got == parse_day(f"next {long_name}", day)


@given(day=days_st, n=st.integers(min_value=0, max_value=3000))
def test_nd_is_n_days(day: dt.date, n: int) -> None:
    expected = day + dt.timedelta(days=n)
    assert parse_day(f"{n}d", day) == expected
    assert parse_day(f"+{n}d", day) == expected
    assert parse_day(f"in {n} days", day) == expected
    assert parse_day(f"{n}w", day) == day + dt.timedelta(weeks=n)


# --------------------------------------------------------------------------- parse_day: rejected

DAY_MSG = "use YYYY-MM-DD, today, tomorrow, 3d, 2w, 1m or a weekday name"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "foo",
        "3x",
        "-3d",
        "3",
        "d",
        "+d",
        "3 dayz",
        "1.5d",
        "2026-02-30",
        "2026-13-01",
        "2026-00-10",
        "0000-01-01",
        "2026-2-3",
        "26-12-01",
        "2026/12/01",
        "2026-12-01T10:00",
        "next",
        "next week",
        "last monday",
        "mo",
        "monda",
        "next next monday",
        "in",
        "in -3 days",
        "３d",  # full-width digit: int() would take it, we must not
        "٣d",  # Arabic-Indic digit
        "99999999y",
        "999999999d",
        "1234567890d",
        "tomorrow\nrm -rf",
    ],
)
def test_parse_day_rejects(text: str) -> None:
    with pytest.raises(DateError) as exc:
        parse_day(text, FRI)
    msg = str(exc.value)
    assert msg.startswith(f"bad date {text!r}:")
    assert DAY_MSG in msg
    assert "\n" not in msg


def test_parse_day_reject_message_exact() -> None:
    with pytest.raises(DateError) as exc:
        parse_day("foo", FRI)
    assert str(exc.value) == f"bad date 'foo': {DAY_MSG}"
    with pytest.raises(DateError, match=r"^bad date '2026-02-30': no such day"):
        parse_day("2026-02-30", FRI)


def test_date_error_is_value_error_and_long_text_is_truncated() -> None:
    assert issubclass(DateError, ValueError)
    with pytest.raises(DateError) as exc:
        parse_day("x" * 500, FRI)
    assert len(str(exc.value)) < 200


def test_parse_day_rejects_non_string() -> None:
    with pytest.raises(DateError):
        parse_day(None, FRI)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- strict / format_day


def test_parse_day_strict() -> None:
    assert parse_day_strict("2026-11-27") == FRI
    assert isinstance(parse_day_strict("2026-11-27"), pendulum.Date)
    assert parse_day_strict("0001-01-01") == D(1, 1, 1)
    for bad in ["today", " 2026-11-27", "2026-11-27 ", "2026-02-30", "20261127", "", "3d"]:
        with pytest.raises(DateError, match="YYYY-MM-DD"):
            parse_day_strict(bad)


def test_parse_day_strict_remembers_only_good_days() -> None:
    """Stored days are parsed once per string (the same Date after); a bad one raises every
    time, and a str subclass or a non-string is judged, never looked up."""

    class Odd(str):
        pass

    assert parse_day_strict("2026-11-27") is parse_day_strict("2026-11-27")
    for _ in range(2):
        with pytest.raises(DateError, match="no such day"):
            parse_day_strict("2026-02-30")
    assert parse_day_strict(Odd("2026-11-27")) == FRI
    with pytest.raises(DateError, match="YYYY-MM-DD"):
        parse_day_strict(Odd("today"))
    for bad in (None, 20261127, b"2026-11-27"):
        with pytest.raises(DateError, match="YYYY-MM-DD"):
            parse_day_strict(bad)  # type: ignore[arg-type]


def test_format_day() -> None:
    assert format_day(D(2026, 1, 5)) == "2026-01-05"
    assert format_day(dt.date(987, 6, 5)) == "0987-06-05"
    assert format_day(dt.datetime(2026, 1, 5, 23, 59)) == "2026-01-05"


@given(day=st.dates())
def test_format_day_round_trip(day: dt.date) -> None:
    text = format_day(day)
    assert len(text) == 10
    assert parse_day_strict(text) == day
    assert parse_day(text, FRI) == day


# --------------------------------------------------------------------------- spans


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("6w", Span(6, "w")),
        ("30d", Span(30, "d")),
        ("3m", Span(3, "m")),
        ("1y", Span(1, "y")),
        ("2 weeks", Span(2, "w")),
        ("1 week", Span(1, "w")),
        ("3 Months", Span(3, "m")),
        (" 6W ", Span(6, "w")),
        ("+6w", Span(6, "w")),
        ("100y", Span(100, "y")),
    ],
)
def test_parse_span_accepts(text: str, span: Span) -> None:
    assert parse_span(text) == span


@pytest.mark.parametrize(
    "text", ["", "0d", "0w", "-1w", "x", "6", "w", "6x", "in 6w", "1.5m", "101y", "９w"]
)
def test_parse_span_rejects(text: str) -> None:
    with pytest.raises(DateError) as exc:
        parse_span(text)
    msg = str(exc.value)
    assert msg.startswith(f"bad interval {text!r}:")
    assert msg.endswith("use e.g. 30d, 6w, 3m")


def test_span_str_and_round_trip() -> None:
    assert str(Span(6, "w")) == "6w"
    assert str(parse_span("2 weeks")) == "2w"
    for text in ["30d", "6w", "3m", "1y"]:
        assert str(parse_span(text)) == text


@pytest.mark.parametrize(("count", "unit"), [(0, "d"), (-1, "w"), (1, "x"), (True, "d")])
def test_span_validates(count: int, unit: str) -> None:
    with pytest.raises(ValueError):
        Span(count, unit)


@pytest.mark.parametrize(
    ("start", "span", "expected"),
    [
        (D(2026, 1, 31), Span(1, "m"), D(2026, 2, 28)),
        (D(2028, 1, 31), Span(1, "m"), D(2028, 2, 29)),
        (D(2026, 3, 31), Span(1, "m"), D(2026, 4, 30)),
        (D(2026, 8, 31), Span(3, "m"), D(2026, 11, 30)),
        (D(2026, 12, 31), Span(2, "m"), D(2027, 2, 28)),
        (D(2028, 2, 29), Span(1, "y"), D(2029, 2, 28)),
        (D(2028, 2, 29), Span(4, "y"), D(2032, 2, 29)),
        (D(2026, 1, 15), Span(1, "m"), D(2026, 2, 15)),
        (D(2026, 12, 25), Span(2, "w"), D(2027, 1, 8)),
    ],
)
def test_span_month_end_clamping(start: pendulum.Date, span: Span, expected: pendulum.Date) -> None:
    assert span.add_to(start) == expected
    assert span.add_to(dt.date(start.year, start.month, start.day)) == expected


def test_parse_day_month_clamping() -> None:
    assert parse_day("1m", D(2026, 1, 31)) == D(2026, 2, 28)
    assert parse_day("1 month", D(2028, 1, 31)) == D(2028, 2, 29)
    assert parse_day("1y", D(2028, 2, 29)) == D(2029, 2, 28)


@given(day=days_st, span=spans_st)
def test_span_add_to_never_goes_back(day: dt.date, span: Span) -> None:
    got = span.add_to(day)
    assert isinstance(got, pendulum.Date)
    assert got > day


@given(day=days_st, n=st.integers(min_value=1, max_value=5000))
def test_span_days_and_weeks_are_exact(day: dt.date, n: int) -> None:
    assert Span(n, "d").add_to(day) == day + dt.timedelta(days=n)
    assert Span(n, "w").add_to(day) == day + dt.timedelta(days=7 * n)


@given(day=days_st, n=st.integers(min_value=1, max_value=600))
def test_span_months_land_on_same_day_or_month_end(day: dt.date, n: int) -> None:
    got = Span(n, "m").add_to(day)
    months = (got.year - day.year) * 12 + got.month - day.month
    assert months == n
    assert got.day == day.day or (got.day < day.day and (got + dt.timedelta(days=1)).day == 1)


# --------------------------------------------------------------------------- time zones


def test_same_instant_different_local_days() -> None:
    instant = "2026-11-27T05:30:00.000Z"
    assert local_day_of(instant, "America/Chicago") == D(2026, 11, 26)
    assert local_day_of(instant, "Pacific/Auckland") == D(2026, 11, 27)
    now = parse_instant(instant)
    assert today("America/Chicago", now=now) == D(2026, 11, 26)
    assert today("Pacific/Auckland", now=now) == D(2026, 11, 27)
    # "due today" in each place
    assert describe_due(D(2026, 11, 27), today("America/Chicago", now=now)) == "tomorrow"
    assert describe_due(D(2026, 11, 27), today("Pacific/Auckland", now=now)) == "today"


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # spring forward: 2026-03-08 02:00 CST -> 03:00 CDT (08:00Z)
        ("2026-03-08T05:59:59.999Z", D(2026, 3, 7)),  # 23:59:59 CST
        ("2026-03-08T06:00:00.000Z", D(2026, 3, 8)),  # 00:00 CST
        ("2026-03-08T07:59:59.999Z", D(2026, 3, 8)),  # 01:59 CST
        ("2026-03-08T08:00:00.000Z", D(2026, 3, 8)),  # 03:00 CDT
        ("2026-03-09T04:59:59.999Z", D(2026, 3, 8)),  # 23:59 CDT
        ("2026-03-09T05:30:00.000Z", D(2026, 3, 9)),  # 00:30 CDT (a fixed -6 would say Mar 8)
        # fall back: 2026-11-01 02:00 CDT -> 01:00 CST (07:00Z)
        ("2026-11-01T04:59:59.999Z", D(2026, 10, 31)),  # 23:59 CDT
        ("2026-11-01T05:00:00.000Z", D(2026, 11, 1)),  # 00:00 CDT
        ("2026-11-01T06:30:00.000Z", D(2026, 11, 1)),  # 01:30 CDT (first)
        ("2026-11-01T07:30:00.000Z", D(2026, 11, 1)),  # 01:30 CST (second)
        ("2026-11-02T05:30:00.000Z", D(2026, 11, 1)),  # 23:30 CST (a fixed -5 would say Nov 2)
        ("2026-11-02T06:00:00.000Z", D(2026, 11, 2)),  # 00:00 CST
    ],
)
def test_local_day_of_across_chicago_dst(instant: str, expected: pendulum.Date) -> None:
    assert local_day_of(instant, "America/Chicago") == expected
    assert local_day_of(parse_instant(instant), "America/Chicago") == expected
    assert today("America/Chicago", now=parse_instant(instant)) == expected


def test_parse_day_across_dst() -> None:
    assert parse_day("tomorrow", D(2026, 3, 7)) == D(2026, 3, 8)
    assert parse_day("1d", D(2026, 3, 8)) == D(2026, 3, 9)
    assert parse_day("1w", D(2026, 3, 5)) == D(2026, 3, 12)
    assert parse_day("sunday", D(2026, 3, 7)) == D(2026, 3, 8)
    assert parse_day("tomorrow", D(2026, 10, 31)) == D(2026, 11, 1)
    assert parse_day("2d", D(2026, 10, 31)) == D(2026, 11, 2)
    assert parse_day("sun", D(2026, 10, 26)) == D(2026, 11, 1)
    # Late evening local time on the DST day: today is still that local day.
    late = parse_instant("2026-03-09T04:30:00.000Z")  # 23:30 CDT on Mar 8
    t = today("America/Chicago", now=late)
    assert t == D(2026, 3, 8)
    assert parse_day("tomorrow", t) == D(2026, 3, 9)
    late = parse_instant("2026-11-02T05:30:00.000Z")  # 23:30 CST on Nov 1
    t = today("America/Chicago", now=late)
    assert t == D(2026, 11, 1)
    assert parse_day("tomorrow", t) == D(2026, 11, 2)


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(
        min_value=dt.datetime(1900, 1, 2),
        max_value=dt.datetime(2200, 1, 1),
        timezones=st.just(dt.UTC),
    ),
    st.sampled_from(
        ["UTC", "America/Chicago", "Pacific/Auckland", "Asia/Kathmandu", "Europe/Dublin"]
    ),
    st.sampled_from(["Z", "+00:00", "-05:30", "+13:45"]),
)
def test_local_day_of_text_is_the_day_of_the_instant_in_the_zone(
    moment: dt.datetime, zone: str, offset: str
) -> None:
    # The text path converts with Python's own datetime: the same day as pendulum's instant.
    text = moment.astimezone(
        dt.UTC
        if offset in ("Z", "+00:00")
        else dt.datetime.fromisoformat(f"2026-01-01T00:00{offset}").tzinfo
    ).isoformat()
    if offset == "Z":
        text = text.replace("+00:00", "Z")
    expected = pendulum.instance(moment).in_timezone(zone).date()
    got = local_day_of(text, zone)
    assert got == expected and type(got) is pendulum.Date
    assert local_day_of(moment, zone) == expected


def test_local_day_of_text_out_of_range_or_without_offset_is_refused() -> None:
    with pytest.raises(DateError, match="out of range"):
        local_day_of("0001-01-01T00:30:00+01:00", "America/Chicago")  # (the year 0)
    with pytest.raises(DateError, match="with offset"):
        local_day_of("2026-11-27T05:30:00", "UTC")


def test_local_day_of_accepts_aware_datetimes_and_refuses_naive() -> None:
    aware = dt.datetime(2026, 11, 27, 5, 30, tzinfo=dt.UTC)
    assert local_day_of(aware, "America/Chicago") == D(2026, 11, 26)
    with pytest.raises(ValueError, match="naive"):
        local_day_of(dt.datetime(2026, 11, 27, 5, 30), "UTC")
    with pytest.raises(ValueError, match="naive"):
        today("UTC", now=dt.datetime(2026, 11, 27, 5, 30))


def test_local_tz_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REBOUND_TZ", "Pacific/Auckland")
    assert local_tz().name == "Pacific/Auckland"
    assert local_tz("America/Chicago").name == "America/Chicago"
    now = parse_instant("2026-11-27T05:30:00Z")
    assert today(now=now) == D(2026, 11, 27)
    assert today("America/Chicago", now=now) == D(2026, 11, 26)
    assert local_day_of("2026-11-27T05:30:00Z") == D(2026, 11, 27)
    monkeypatch.setenv("REBOUND_TZ", "")
    assert local_tz() == pendulum.local_timezone()
    monkeypatch.delenv("REBOUND_TZ")
    assert local_tz() == pendulum.local_timezone()


def test_local_tz_rejects_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(DateError, match="America/Chicago"):
        local_tz("Mars/Olympus")
    monkeypatch.setenv("REBOUND_TZ", "Mars/Olympus")
    with pytest.raises(DateError, match="REBOUND_TZ"):
        local_tz()


def test_now_utc_and_default_today() -> None:
    before = pendulum.now("UTC")
    n = now_utc()
    assert n.utcoffset() == dt.timedelta(0)
    assert before <= n <= pendulum.now("UTC")
    assert today("UTC", now=n) == n.date()


@given(instant=aware_st, zone=st.sampled_from(ZONES))
def test_local_day_of_matches_zoneinfo(instant: dt.datetime, zone: str) -> None:
    expected = instant.astimezone(zoneinfo.ZoneInfo(zone)).date()
    assert local_day_of(instant, zone) == expected
    assert local_day_of(format_instant(instant), zone) == expected


# --------------------------------------------------------------------------- instants


def test_format_instant() -> None:
    x = dt.datetime(2026, 11, 27, 10, 15, 0, 123456, tzinfo=dt.UTC)
    assert format_instant(x) == "2026-11-27T10:15:00.123Z"
    chicago = pendulum.datetime(2026, 11, 27, 4, 15, tz="America/Chicago")
    assert format_instant(chicago) == "2026-11-27T10:15:00.000Z"
    # truncation, not rounding: no carry into the next second
    y = dt.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)
    assert format_instant(y) == "2026-12-31T23:59:59.999Z"
    with pytest.raises(ValueError, match="naive"):
        format_instant(dt.datetime(2026, 11, 27, 10, 15))


@pytest.mark.parametrize("fold", [0, 1])
@pytest.mark.parametrize(
    "wall",
    [
        dt.datetime(2026, 3, 8, 2, 30),  # does not exist in Chicago (spring gap)
        dt.datetime(2026, 11, 1, 1, 30),  # exists twice in Chicago (fall overlap)
    ],
)
def test_format_instant_follows_python_fold_semantics(wall: dt.datetime, fold: int) -> None:
    x = wall.replace(tzinfo=zoneinfo.ZoneInfo("America/Chicago"), fold=fold)
    utc = x.astimezone(dt.UTC)
    assert format_instant(x) == utc.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert local_day_of(x, "UTC") == utc.date()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-27T10:15:00.123Z", "2026-11-27T10:15:00.123Z"),
        ("2026-11-27T10:15:00Z", "2026-11-27T10:15:00.000Z"),
        ("2026-11-27T10:15Z", "2026-11-27T10:15:00.000Z"),
        ("2026-11-27T10:15:00+00:00", "2026-11-27T10:15:00.000Z"),
        ("2026-11-27T04:15:00-06:00", "2026-11-27T10:15:00.000Z"),
        ("2026-11-27T23:15:00.5+13:00", "2026-11-27T10:15:00.500Z"),
        ("2026-11-27T15:45:00+05:30", "2026-11-27T10:15:00.000Z"),
        ("2026-11-27 10:15:00Z", "2026-11-27T10:15:00.000Z"),
        ("20261127T101500Z", "2026-11-27T10:15:00.000Z"),
        (" 2026-11-27T10:15:00.123Z ", "2026-11-27T10:15:00.123Z"),
    ],
)
def test_parse_instant_accepts_offsets(text: str, expected: str) -> None:
    got = parse_instant(text)
    assert isinstance(got, pendulum.DateTime)
    assert got.utcoffset() == dt.timedelta(0)
    assert format_instant(got) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "now",
        "2026-11-27",  # a day, not an instant
        "2026-11-27T10:15:00",  # no offset: which instant?
        "2026-11-27T10:15:00.123",
        "2026-02-30T10:15:00Z",
        "2026-11-27T25:00:00Z",
        "2026-11-27T10:15:00+25:00",
        "tomorrow",
    ],
)
def test_parse_instant_rejects(text: str) -> None:
    with pytest.raises(DateError) as exc:
        parse_instant(text)
    assert str(exc.value).startswith(f"bad instant {text!r}:")
    assert "ISO 8601" in str(exc.value)


@settings(max_examples=200)
@given(x=aware_st)
def test_instant_round_trip(x: dt.datetime) -> None:
    text = format_instant(x)
    assert len(text) == 24 and text.endswith("Z")
    back = parse_instant(text)
    assert format_instant(back) == text
    assert format_instant(parse_instant(format_instant(back))) == text
    # millisecond precision: the same instant (by Python's own fold rules), truncated to ms
    utc = x.astimezone(dt.UTC)
    truncated = utc.replace(microsecond=utc.microsecond // 1000 * 1000)
    assert back.utcoffset() == dt.timedelta(0)
    assert back.replace(tzinfo=None) == truncated.replace(tzinfo=None)
    assert dt.timedelta(0) <= utc - truncated < dt.timedelta(milliseconds=1)


# --------------------------------------------------------------------------- day arithmetic


def test_days_between_and_describe_due() -> None:
    assert days_between(D(2026, 11, 27), D(2026, 11, 30)) == 3
    assert days_between(D(2026, 11, 30), D(2026, 11, 27)) == -3
    assert days_between(dt.date(2026, 12, 31), D(2027, 1, 1)) == 1
    assert days_between(D(2026, 3, 7), D(2026, 3, 9)) == 2  # across DST: still whole days
    assert describe_due(FRI, FRI) == "today"
    assert describe_due(D(2026, 11, 28), FRI) == "tomorrow"
    assert describe_due(D(2026, 11, 30), FRI) == "in 3d"
    assert describe_due(D(2026, 11, 26), FRI) == "1d overdue"
    assert describe_due(D(2026, 11, 15), FRI) == "12d overdue"


@given(a=days_st, b=days_st)
def test_days_between_is_antisymmetric_and_exact(a: dt.date, b: dt.date) -> None:
    n = days_between(a, b)
    assert n == -days_between(b, a)
    assert a + dt.timedelta(days=n) == b


def test_next_weekday() -> None:
    assert next_weekday(MON, 0) == D(2026, 11, 30)
    assert next_weekday(MON, 1) == D(2026, 11, 24)
    assert next_weekday(FRI, 0) == D(2026, 11, 30)
