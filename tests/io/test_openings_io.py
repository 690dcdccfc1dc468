"""Openings in and out (issue 15): the CSV import of a spreadsheet tracker (re-import updates),
openings.csv, the JSON export, the Markdown report's roles, and deadlines in the ICS feed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import icalendar
import pytest
from rebound_test_helpers import assert_one_line_error, digest

from rebound_tui.io.csvout import csv_tables
from rebound_tui.io.ics import export_ics
from rebound_tui.io.jsonout import export_data
from rebound_tui.io.markdown import report
from rebound_tui.service import Service

MAP = (
    "opening=Job Title,company=Company,status=Status,url=Link,applied=Date Applied,"
    "deadline=Deadline,source=Source,referral=Referral,location=Where"
)
SHEET = """\
Job Title,Company,Status,Link,Date Applied,Deadline,Source,Referral,Where
Senior Controller,ACME,Applied,https://acme.example/jobs/1,2026-11-20,,Indeed,Dana Boss,Glenview
Analyst,Beta LLC,Wishlist,,,2026-12-24,LinkedIn,,
Bad one,Acme,Hired,,,,,,
Treasurer,acme inc,Interview,https://acme.example/jobs/2,2026-11-02,,,,
Senior Controller,Acme,Applied,https://acme.example/jobs/1,2026-11-20,,,,
Evil\x1b]0;x\x07 [/]title,Acme,,,,,,,"Line one
line two"
"""


def ok(run_cli, *args: str) -> str:
    code, out, err = run_cli(*args)
    assert code == 0, err
    return out


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "tracker.csv"
    path.write_text(SHEET, encoding="utf-8")
    return path


@pytest.fixture
def seeded(run_cli) -> None:
    ok(run_cli, "add", "company", "Acme, Inc.")
    ok(run_cli, "add", "contact", "Dana Boss", "--company", "Acme, Inc.", "--role", "boss")


def openings(run_cli) -> dict[str, dict]:
    return {r["title"]: r for r in json.loads(ok(run_cli, "list", "openings", "--json", "--all"))}


def test_import_maps_roles_and_reports_what_it_skipped(run_cli, seeded, sheet):
    out = ok(run_cli, "import", "csv", str(sheet), "--map", MAP)
    assert out.splitlines()[0] == (
        "CSV import of openings: added 3, updated 0, unchanged 0, skipped 3"
    )
    assert "Beta LLC is not in the bullpen (--add-companies adds it)" in out
    assert "unknown status 'Hired'" in out
    assert "same opening as line 2" in out
    rows = openings(run_cli)
    controller = rows["Senior Controller"]
    assert controller["company"] == "Acme, Inc."  # ACME, acme inc: the same company
    assert (controller["status"], controller["applied_on"], controller["source"]) == (
        "applied", "2026-11-20", "job-board",
    )  # fmt: skip
    assert (controller["referral"], controller["location"]) == ("Dana Boss", "Glenview")
    assert rows["Treasurer"]["status"] == "interviewing"
    evil = next(t for t in rows if t.startswith("Evil"))
    assert evil == "Evil]0;x [/]title"  # one line, no control characters, markup kept as text
    assert rows[evil]["location"] == "Line one line two"
    # The playbook is paused: importing old applications plans no follow-ups.
    assert ok(run_cli, "list", "follow-ups") == ""


def test_reimport_updates_instead_of_duplicating(run_cli, seeded, sheet, data_path):
    ok(run_cli, "import", "csv", str(sheet), "--map", MAP)
    first = openings(run_cli)
    out = ok(run_cli, "import", "csv", str(sheet), "--map", MAP)
    assert "added 0, updated 0, unchanged 3" in out
    assert openings(run_cli) == first
    sheet.write_text(SHEET.replace("acme inc,Interview", "acme inc,Offer"), encoding="utf-8")
    out = ok(run_cli, "import", "csv", str(sheet), "--map", MAP, "--add-companies")
    assert "added 1, updated 1" in out and "updated: Treasurer (status offer)" in out
    rows = openings(run_cli)
    assert rows["Treasurer"]["status"] == "offer"
    assert rows["Treasurer"]["id"] == first["Treasurer"]["id"]
    assert rows["Analyst"]["company"] == "Beta LLC"
    from rebound_tui.service import Service

    s = Service.open(data_path)
    steps = [(c.status, c.day) for c in s.opening_history(rows["Treasurer"]["id"])]
    assert steps == [
        ("spotted", "2026-11-02"),
        ("applied", "2026-11-02"),
        ("interviewing", "2026-11-27"),
        ("offer", "2026-11-27"),
    ]


def test_dry_run_writes_nothing_and_says_what_it_would_do(run_cli, seeded, sheet, data_path):
    before = digest(data_path)
    out = ok(run_cli, "import", "csv", str(sheet), "--map", MAP, "--dry-run")
    assert out.startswith("CSV import of openings (dry run: nothing was written): added 3")
    assert digest(data_path) == before


@pytest.mark.parametrize(
    ("spec", "needles"),
    [
        ("opening=Job Title,status=Status", ("company=COLUMN",)),
        ("opening=Job Title,company=Company,salary=Pay", ("salary", "opening, company")),
        ("opening=Nope,company=Company", ("no column 'Nope'",)),
        ("opening=Job Title,opening=Link,company=Company", ("mapped twice",)),
    ],
)
def test_bad_maps_exit_2_with_the_file_untouched(run_cli, seeded, sheet, data_path, spec, needles):
    before = digest(data_path)
    code, _, err = run_cli("import", "csv", str(sheet), "--map", spec)
    assert code == 2
    assert_one_line_error(err, *needles)
    assert digest(data_path) == before


# -- exports ----------------------------------------------------------------------------------
@pytest.fixture
def service(tmp_path: Path, today) -> Service:
    s = Service.open(tmp_path / "rebound.json")
    s.add_company("Acme")
    a = s.add_opening("Acme", "Controller", on="2026-11-20", deadline="2026-12-10",
                      url="https://acme.example/j/1")  # fmt: skip
    b = s.add_opening("Acme", "=HYPERLINK(1) | *Analyst*", on="2026-11-21", deadline="2026-12-01")
    s.set_opening_status(b, "applied", on="2026-11-22", note="sent the CV")
    c = s.add_opening("Acme", "Old role", on="2026-10-01", deadline="2026-12-05")
    s.set_opening_status(c, "rejected", on="2026-10-20")
    assert a.id
    return s


def test_csv_export_has_openings_with_their_history(service: Service):
    raw = csv_tables(service)["openings.csv"]
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_title = {r["title"]: r for r in rows}
    assert set(by_title) == {"Controller", "'=HYPERLINK(1) | *Analyst*", "Old role"}
    analyst = by_title["'=HYPERLINK(1) | *Analyst*"]  # a formula is defused
    assert analyst["history"] == "2026-11-21 spotted; 2026-11-22 applied (sent the CV)"
    assert (analyst["company"], analyst["status"]) == ("Acme", "applied")


def test_json_export_has_openings_with_their_history(service: Service):
    data = export_data(service)
    by_title = {o["title"]: o for o in data["openings"]}
    assert by_title["Old role"]["history"] == [
        {"day": "2026-10-01", "status": "spotted", "note": None},
        {"day": "2026-10-20", "status": "rejected", "note": None},
    ]
    assert by_title["Controller"]["company"] == "Acme"
    assert by_title["Controller"]["deadline"] == "2026-12-10"


def test_markdown_lists_roles_by_status_with_their_history(service: Service):
    text = report(service)
    roles = text.split("## Roles", 1)[1].split("## Network", 1)[0]
    assert roles.index("### Applied (1)") < roles.index("### Spotted (1)")
    assert roles.index("### Spotted (1)") < roles.index("### Rejected (1)")
    assert "- **=HYPERLINK(1) \\| \\*Analyst\\*** at Acme" in roles  # escaped markup
    assert "  - 2026-11-22 applied: sent the CV" in roles
    assert "deadline 2026-12-10" in roles


def test_ics_has_the_deadlines_of_open_openings(service: Service):
    cal = icalendar.Calendar.from_ical(export_ics(service))
    deadlines = {str(e["summary"]): e for e in cal.walk("VEVENT") if "deadline" in str(e["uid"])}
    assert set(deadlines) == {
        "Deadline: Controller at Acme",
        "Deadline: =HYPERLINK(1) | *Analyst* at Acme",
    }  # the rejected role's deadline is gone
    event = deadlines["Deadline: Controller at Acme"]
    assert event.decoded("dtstart").isoformat() == "2026-12-10"
    assert export_ics(service) == export_ics(service)  # stable bytes: no sync churn
    todos = icalendar.Calendar.from_ical(export_ics(service, todos=True))
    assert any("Controller" in str(t["summary"]) for t in todos.walk("VTODO"))
