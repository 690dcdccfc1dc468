"""Exports: the iCalendar feed round trip, formula-safe CSV, JSON without tombstones, Markdown."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from pathlib import Path

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_tui.domain.text import first_hazard
from rebound_tui.io.csvout import FILES, csv_tables, safe_cell, write_csv
from rebound_tui.io.ics import export_ics, uid_of
from rebound_tui.io.jsonout import export_data, export_json
from rebound_tui.io.markdown import md, report
from rebound_tui.service import Service


@pytest.fixture
def service(tmp_path: Path, today) -> Service:
    """Two companies, people, an interview, open and closed follow-ups, a deleted contact."""
    s = Service.open(tmp_path / "rebound.json")
    s.add_company("Glenview Freight, Inc.", stage="rejected", priority=5, location="Glenview")
    s.add_company("Acme | Labs")
    s.add_contact(
        "Jennifer Walsh", company="Glenview Freight, Inc.", title="Controller", role="boss"
    )
    s.add_contact("Zoë Ångström", company="Acme | Labs", email="zoe@example.com")
    s.add_contact("Loner", notes='=HYPERLINK("http://evil.example","click")')
    gone = s.add_contact("Gone Person", company="Acme | Labs")
    s.delete_contact(gone)
    s.log("interview", contact="Jennifer Walsh", on="2026-11-20", note="round 3")
    s.add_follow_up("Call Zoë; ask about Q1, openings", due="2026-12-01", contact="Zoë Ångström")
    s.add_follow_up("Check news", due="2026-11-25", company="Acme | Labs", priority=5)
    done = s.add_follow_up("Old task", due="2026-11-01")
    s.complete(done)
    return s


def parse(raw: bytes) -> icalendar.Calendar:
    cal = icalendar.Calendar.from_ical(raw)
    assert cal.errors == [] and all(c.errors == [] for c in cal.walk())
    return cal


# -- iCalendar ------------------------------------------------------------------------------------
def test_ics_round_trip(service: Service):
    cal = parse(export_ics(service))
    assert str(cal["version"]) == "2.0" and "rebound-tui" in str(cal["prodid"])
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    open_items = service.follow_ups()
    assert set(events) == {uid_of(f) for f in open_items}  # done ones are not in the feed
    assert len(open_items) == len(events) >= 3  # incl. the thank-you the interview planned
    for f in open_items:
        event = events[uid_of(f)]
        start = event["dtstart"].dt
        assert type(start) is dt.date  # an all-day event: a DATE, not a DATE-TIME
        assert start == dt.date.fromisoformat(f.due)
        assert event["dtend"].dt == start + dt.timedelta(days=1)
        assert str(event["summary"]) == f.title
        assert event["dtstamp"].dt.tzinfo is not None  # UTC, as RFC 5545 wants
        assert int(event["sequence"]) >= 0
    call = events[uid_of(next(f for f in open_items if f.title.startswith("Call")))]
    description = str(call["description"])
    assert "Contact: Zoë Ångström (zoe@example.com)" in description
    assert "Company: Acme | Labs" in description
    news = events[uid_of(next(f for f in open_items if f.title == "Check news"))]
    assert int(news["priority"]) == 1  # our 5 (high) is iCalendar's 1 (highest)


def test_ics_uids_and_bytes_are_stable(service: Service):
    first = export_ics(service)
    assert export_ics(service) == first  # nothing changed: the same bytes, no sync churn
    f = next(f for f in service.follow_ups() if f.title == "Check news")
    old = next(e for e in parse(first).walk("VEVENT") if str(e["uid"]) == uid_of(f))
    service.reschedule(f, "2026-12-24")
    second = parse(export_ics(service))
    assert {str(e["uid"]) for e in second.walk("VEVENT")} == {
        str(e["uid"]) for e in parse(first).walk("VEVENT")
    }
    new = next(e for e in second.walk("VEVENT") if str(e["uid"]) == uid_of(f))
    assert new["dtstart"].dt == dt.date(2026, 12, 24)
    assert new["dtstamp"].dt >= old["dtstamp"].dt
    assert int(new["sequence"]) >= int(old["sequence"])


def test_ics_todos(service: Service):
    cal = parse(export_ics(service, todos=True))
    assert list(cal.walk("VEVENT")) == []
    todos = cal.walk("VTODO")
    assert len(todos) == len(service.follow_ups())
    for todo in todos:
        assert type(todo["due"].dt) is dt.date
        assert "dtstart" not in todo  # RFC 5545: DUE must come after DTSTART; none is needed
        assert str(todo["status"]) == "NEEDS-ACTION"


def test_ics_includes_the_draft_when_the_service_writes_one(service: Service, monkeypatch):
    @dataclass
    class Draft:
        text: str

    seen = []

    def draft(follow_up):
        seen.append(follow_up.id)
        return Draft(f"Subject: Hello\n\nDear {follow_up.title}")

    monkeypatch.setattr(service, "draft", draft, raising=False)
    cal = parse(export_ics(service))
    descriptions = [str(e["description"]) for e in cal.walk("VEVENT")]
    assert all("Draft:\nSubject: Hello" in d for d in descriptions)
    assert len(seen) == len(descriptions)


def test_ics_without_draft_support(service: Service, monkeypatch):
    if hasattr(service, "draft"):
        monkeypatch.setattr(service, "draft", None)
    cal = parse(export_ics(service))
    assert all("Draft:" not in str(e["description"]) for e in cal.walk("VEVENT"))


def test_ics_empty(tmp_path: Path, today):
    cal = parse(export_ics(Service.open(tmp_path / "empty.json")))
    assert list(cal.walk("VEVENT")) == []


title_text = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
        min_size=1,
        max_size=60,
    )
    .map(str.strip)
    .filter(bool)
    .filter(lambda t: first_hazard(t) is None)  # what the input rule accepts as a title
)


# no deadline: opening a file and exporting it took 473 ms once under load (a Flaky error)
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=title_text, day=st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
def test_ics_any_title_and_day_survive(tmp_path_factory, today, title, day):
    check_ics_title(tmp_path_factory, title, day)


@pytest.mark.parametrize("title", ["\\N", "C:\\New\\notes", "a\\;b\\,c", "x;y,z", "\\n"])
def test_ics_titles_with_backslashes_survive(tmp_path_factory, today, title):
    """icalendar alone turns a literal backslash-N into a line break; our TEXT values do not."""
    check_ics_title(tmp_path_factory, title, dt.date(2026, 12, 1))


def check_ics_title(tmp_path_factory, title, day):
    s = Service.open(tmp_path_factory.mktemp("ics") / "rebound.json")
    f = s.add_follow_up(title, due=day)
    raw = export_ics(s)
    (event,) = parse(raw).walk("VEVENT")
    # the title as RFC 5545 reads it, decoded here: icalendar's own parser before 7 reads `\\N`
    # in an escaped backslash as a line break (its floor, 6.1, does), calendar apps do not
    assert rfc5545_text(raw, "SUMMARY") == f.title
    assert event["dtstart"].dt == day
    assert str(event["uid"]) == f"{f.id}@rebound-tui"


def rfc5545_text(raw: bytes, name: str) -> str:
    """The `name` property's TEXT value in `raw`, unfolded and unescaped (RFC 5545 3.1, 3.3.11)."""
    lines = raw.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").decode().split("\r\n")
    (value,) = [line.split(":", 1)[1] for line in lines if line.startswith(name + ":")]
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            escaped = next(chars)
            out.append("\n" if escaped in "nN" else escaped)
        else:
            out.append(char)
    return "".join(out)


# -- CSV ------------------------------------------------------------------------------------------
@given(st.text(max_size=30))
def test_safe_cell(text: str):
    out = safe_cell(text)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert out == "'" + text
    else:
        assert out == text


@pytest.mark.parametrize(
    "value", ["=1+1", "+1 555 0100", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("x")']
)
def test_formula_cells_are_defused(value: str):
    assert safe_cell(value) == "'" + value


def test_safe_cell_other_values():
    assert safe_cell(None) == ""
    assert safe_cell(3) == "3"
    assert safe_cell(["a", "b"]) == "a; b"
    assert safe_cell(["=x"]) == "'=x"


def read_table(raw: bytes) -> list[dict[str, str]]:
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_tables(service: Service):
    tables = csv_tables(service)
    assert tuple(tables) == FILES
    companies = read_table(tables["companies.csv"])
    assert [c["name"] for c in companies] == ["Acme | Labs", "Glenview Freight, Inc."]
    contacts = read_table(tables["contacts.csv"])
    assert {c["name"] for c in contacts} == {"Jennifer Walsh", "Zoë Ångström", "Loner"}  # no Gone
    loner = next(c for c in contacts if c["name"] == "Loner")
    assert loner["notes"] == "'" + '=HYPERLINK("http://evil.example","click")'
    jen = next(c for c in contacts if c["name"] == "Jennifer Walsh")
    assert jen["company"] == "Glenview Freight, Inc."
    interactions = read_table(tables["interactions.csv"])
    assert [(i["kind"], i["contact"]) for i in interactions] == [("interview", "Jennifer Walsh")]
    follow_ups = read_table(tables["follow-ups.csv"])
    assert {f["status"] for f in follow_ups} == {"open", "done"}  # every live follow-up
    assert b"\r\n" in tables["companies.csv"]


def test_no_cell_in_any_table_can_run_as_a_formula(service: Service):
    service.add_company("-Minus Corp", notes="@admin +1")
    service.add_contact("=cmd|' /C calc'!A0", company="-Minus Corp")
    for raw in csv_tables(service).values():
        for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_write_csv(service: Service, tmp_path: Path):
    folder = tmp_path / "export"
    written = write_csv(service, folder)
    assert sorted(p.name for p in written) == sorted(FILES)
    assert all(
        p.read_bytes() == raw for p, raw in zip(written, csv_tables(service).values(), strict=True)
    )


# -- JSON -----------------------------------------------------------------------------------------
def walk_keys(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from walk_keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk_keys(v)


def test_json_has_live_records_only(service: Service):
    data = json.loads(export_json(service))
    assert data == export_data(service)
    assert set(data) == {
        "format", "version", "companies", "contacts", "interactions", "follow_ups", "openings",
    }  # fmt: skip
    assert "Gone Person" not in [c["name"] for c in data["contacts"]]
    assert not [k for k in walk_keys(data) if k.startswith("_")]  # no stamps, no tombstones
    assert {c["id"] for c in data["contacts"]} == {c.id for c in service.contacts()}
    assert len(data["follow_ups"]) == len(service.follow_ups(include_closed=True))
    zoe = next(c for c in data["contacts"] if c["name"] == "Zoë Ångström")
    assert zoe["email"] == "zoe@example.com" and zoe["phone"] is None
    assert "Zoë" in export_json(service).decode("utf-8")  # readable, not \\u-escaped


# -- Markdown -------------------------------------------------------------------------------------
def test_markdown_report(service: Service):
    text = report(service)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Bullpen status",
        "## Roles",
        "## Network by company",
        "## What is due",
        "## Recent activity (last 30 days)",
        "## Insights",
    ]
    assert text.startswith("# Rebound report, 2026-11-27")
    bullpen = text.split("## Bullpen status")[1].split("##")[0]
    assert "| Glenview Freight, Inc. | rejected | 5 | Glenview | 1 | 2026-11-20 |" in bullpen
    assert "Acme \\| Labs" in bullpen  # a pipe in a name does not break the table
    network = text.split("## Network by company")[1].split("## What")[0]
    assert "### Glenview Freight, Inc. (rejected)" in network
    assert "**Jennifer Walsh** — Controller (boss) · last touch 2026-11-20" in network
    insights = text.split("## Insights")[1]
    assert "### The rebound funnel" in insights and "```" in insights
    assert "No rejection recorded yet." in insights  # the fixture logs an interview only
    assert "### No company" in network and "Loner" in network
    assert "Gone Person" not in text
    due = text.split("## What is due")[1].split("## Recent")[0]
    assert "### Overdue" in due and "Check news" in due
    assert "### Next 14 days" in due and "2026-12-01" in due
    assert "Old task" not in due
    recent = text.split("## Recent activity")[1]
    assert "- 2026-11-20 interview with Jennifer Walsh, Glenview Freight, Inc.: round 3" in recent


def test_markdown_empty(tmp_path: Path, today):
    text = report(Service.open(tmp_path / "empty.json"))
    assert "No companies yet." in text and "No contacts yet." in text and "Nothing logged." in text


@given(st.text(max_size=40))
def test_md_escapes_layout_characters(text: str):
    out = md(text)
    assert "\n" not in out
    unescaped = out.replace("\\\\", "").replace("\\|", "").replace("\\*", "")
    assert "|" not in unescaped.replace("\\", "")
