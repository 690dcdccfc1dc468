"""`rebound-tui import ...` and `rebound-tui export ...` end to end, in-process (see conftest.py):
one-line errors with exit 2 for bad input, the data file untouched, no progress bar off a TTY."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import icalendar
import pytest
from conftest import assert_one_line_error, snapshot

from rebound_tui import cli
from rebound_tui.cli import io as cli_io

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _io_commands(monkeypatch: pytest.MonkeyPatch):
    """The import/export group, whether or not the lead has wired it into GROUPS yet."""
    if cli_io not in cli.GROUPS:
        monkeypatch.setattr(cli, "GROUPS", [*cli.GROUPS, cli_io])


def ok(run_cli, *args) -> str:
    code, out, err = run_cli(*args)
    assert code == 0, (args, out, err)
    assert err == "", err
    return out


def contacts(run_cli) -> list[dict]:
    return json.loads(ok(run_cli, "list", "contacts", "--json"))


@pytest.fixture
def bullpen(run_cli, data_path: Path) -> Path:
    ok(run_cli, "add", "company", "Glenview Freight")
    return data_path


def test_import_linkedin(run_cli, bullpen: Path):
    out = ok(run_cli, "import", "linkedin", FIXTURES / "Connections.csv")
    lines = out.splitlines()
    assert lines[0] == "LinkedIn import: added 5, updated 0, unchanged 0, skipped 1"
    assert "opening: new connection at Glenview Freight: Jennifer Walsh, Controller" in lines
    assert any(line.startswith("skipped line 11: no first or last name") for line in lines)
    assert any("not in your bullpen" in line and "--add-companies" in line for line in lines)
    assert len(contacts(run_cli)) == 5
    again = ok(run_cli, "import", "linkedin", FIXTURES / "Connections.csv")
    assert again.splitlines()[0] == "LinkedIn import: added 0, updated 0, unchanged 5, skipped 1"


def test_import_zip_with_add_companies(run_cli, bullpen: Path, tmp_path: Path):
    archive = tmp_path / "Basic_LinkedInDataExport.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(FIXTURES / "Connections.csv", "Connections.csv")
    out = ok(run_cli, "import", "linkedin", archive, "--add-companies")
    assert "new companies in the bullpen (4)" in out
    companies = json.loads(ok(run_cli, "list", "companies", "--json"))
    assert len(companies) == 5


def test_dry_run_leaves_the_file_alone(run_cli, bullpen: Path):
    before = snapshot(bullpen)
    out = ok(run_cli, "import", "linkedin", FIXTURES / "Connections.csv", "--dry-run")
    assert out.startswith("LinkedIn import (dry run: nothing was written): added 5")
    assert snapshot(bullpen) == before


def test_dry_run_does_not_create_the_file(run_cli, data_path: Path):
    ok(run_cli, "import", "vcard", FIXTURES / "google-contacts.vcf", "--dry-run")
    assert not data_path.exists()


def test_import_vcard_and_csv(run_cli, bullpen: Path):
    out = ok(run_cli, "import", "vcard", FIXTURES / "contacts-v4.vcf")
    assert out.startswith("vCard import: added 2")
    out = ok(
        run_cli,
        "import",
        "csv",
        FIXTURES / "people-semicolon.csv",
        "--map",
        "name=Full Name,company=Org,email=E-mail,title=Job",
    )
    # Sam Reyes (at Acme, not in the bullpen) was in the vCards: the same person, nothing new.
    assert out.startswith("CSV import: added 1, updated 0, unchanged 1, skipped 1")
    names = {c["name"] for c in contacts(run_cli)}
    assert names == {"Zoë Ångström-Nakamura", "Sam Reyes", "Jennifer Walsh"}


def test_verbose_lists_everyone(run_cli, bullpen: Path, tmp_path: Path):
    path = tmp_path / "many.csv"
    path.write_text("name\n" + "".join(f"Person {i}\n" for i in range(30)))
    short = ok(run_cli, "import", "csv", path, "--dry-run")
    assert "... and 10 more (--verbose lists all)" in short
    full = ok(run_cli, "import", "csv", path, "--dry-run", "--verbose")
    assert sum(line.startswith("added: ") for line in full.splitlines()) == 30


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["import", "linkedin", "missing.csv"], ["no such file", "missing.csv"]),
        (["import", "linkedin", FIXTURES / "google-contacts.vcf"], ["not a LinkedIn"]),
        (["import", "vcard", FIXTURES / "Connections.csv"], ["not a readable vCard"]),
        (["import", "csv", FIXTURES / "people-semicolon.csv", "--map", "nme=X"], ["bad --map"]),
        (
            ["import", "csv", FIXTURES / "people-semicolon.csv", "--map", "name=Nom"],
            ["no column 'Nom'", "'Full Name'"],
        ),
        (["import", "linkedin", FIXTURES / "Connections.csv", "--map", "name=X"], ["only"]),
        (["import", "excel", "x.xlsx"], ["invalid choice"]),
        (["export", "ics", "/no/such/folder/feed.ics"], ["does not exist"]),
        (["export", "csv", "-"], ["folder"]),
        (["export", "json", "x.json", "--todos"], ["--todos"]),
    ],
)
def test_bad_input_is_one_line_and_exit_2(run_cli, bullpen: Path, args, needles):
    before = snapshot(bullpen)
    code, out, err = run_cli(*args)
    assert code == 2, (out, err)
    assert_one_line_error(err, *needles)
    assert out == ""
    assert snapshot(bullpen) == before


def test_a_file_broken_half_way_imports_nothing(run_cli, bullpen: Path, tmp_path: Path):
    path = tmp_path / "Connections.csv"
    path.write_bytes((FIXTURES / "Connections.csv").read_bytes() + b"Late,\xff\xfe,,,X,,\r\n")
    before = snapshot(bullpen)
    code, _, err = run_cli("import", "linkedin", path)
    assert code == 2
    assert_one_line_error(err, "not UTF-8", "line 13")
    assert snapshot(bullpen) == before


def test_no_progress_bar_when_stderr_is_not_a_terminal(run_cli, bullpen: Path, tmp_path: Path):
    path = tmp_path / "big.csv"
    path.write_text("name,company\n" + "".join(f"P{i},Glenview Freight\n" for i in range(1500)))
    code, out, err = run_cli("import", "csv", path)
    assert code == 0 and err == ""
    assert out.startswith("CSV import: added 1500")


def test_progress_bar_draws_on_a_terminal(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    fake = Tty()
    monkeypatch.setattr("sys.stderr", fake)
    with cli_io.progress_bar(5000, "importing x") as update:
        assert update is not None
        update(2500, 5000)
        update(5000, 5000)
    with cli_io.progress_bar(10, "small") as update:
        assert update is None  # too small to be worth a bar


# -- export ----------------------------------------------------------------------------------------
@pytest.fixture
def world(run_cli, data_path: Path) -> Path:
    ok(run_cli, "add", "company", "Acme Corp")
    ok(run_cli, "add", "contact", "Jane Roe", "--company", "Acme Corp", "--notes", "=1+1")
    ok(run_cli, "follow-up", "Call Jane", "--on", "2026-12-01", "--contact", "Jane Roe")
    return data_path


def test_export_ics(run_cli, world: Path, tmp_path: Path):
    before = snapshot(world)
    feed = tmp_path / "sync" / "rebound.ics"
    feed.parent.mkdir()
    out = ok(run_cli, "export", "ics", feed)
    assert out == f"wrote 1 open follow-up to {feed}\n"
    cal = icalendar.Calendar.from_ical(feed.read_bytes())
    (event,) = cal.walk("VEVENT")
    assert str(event["summary"]) == "Call Jane" and str(event["uid"]).endswith("@rebound-tui")
    first, stat = feed.read_bytes(), feed.stat()
    again = ok(run_cli, "export", "ics", feed)
    assert again == f"{feed} is up to date (1 open follow-up)\n"
    # Stable and not rewritten: sync tools and calendar apps see no change.
    assert feed.read_bytes() == first
    assert (feed.stat().st_mtime_ns, feed.stat().st_ino) == (stat.st_mtime_ns, stat.st_ino)
    ok(run_cli, "export", "ics", feed, "--todos")
    assert len(icalendar.Calendar.from_ical(feed.read_bytes()).walk("VTODO")) == 1
    assert snapshot(world) == before  # exporting never writes the data file


def test_export_csv(run_cli, world: Path, tmp_path: Path):
    folder = tmp_path / "sheets"
    out = ok(run_cli, "export", "csv", folder)
    assert out.startswith("wrote companies.csv, contacts.csv, interactions.csv, follow-ups.csv")
    raw = (folder / "contacts.csv").read_bytes().decode("utf-8-sig")
    (jane,) = csv.DictReader(io.StringIO(raw, newline=""))
    assert jane["notes"] == "'=1+1"
    assert ok(run_cli, "export", "csv", folder) == f"{folder} is up to date\n"
    ok(run_cli, "add", "company", "Globex")
    assert ok(run_cli, "export", "csv", folder) == f"wrote companies.csv to {folder}\n"
    code, _, err = run_cli("export", "csv", folder / "contacts.csv")
    assert code == 2
    assert_one_line_error(err, "is a file")


def test_export_json_and_markdown(run_cli, world: Path, tmp_path: Path):
    data = json.loads(ok(run_cli, "export", "json", "-"))
    assert [c["name"] for c in data["contacts"]] == ["Jane Roe"]
    out = ok(run_cli, "export", "markdown", tmp_path / "report.md")
    assert out.startswith("wrote the report to")
    text = (tmp_path / "report.md").read_text()
    assert "## Bullpen status" in text and "Call Jane" in text
    code, _, err = run_cli("export", "json", tmp_path)
    assert code == 2
    assert_one_line_error(err, "is a folder")


def test_export_write_failure_is_one_line(run_cli, world: Path, tmp_path: Path, monkeypatch):
    def fail(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cli_io, "atomic_write", fail)
    code, _, err = run_cli("export", "ics", tmp_path / "feed.ics")
    assert code == 1
    assert_one_line_error(err, "cannot write", "permission denied")
