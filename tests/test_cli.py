"""The command line end to end (issue 2): every subcommand, every error path, no churn on reads.

Commands run in-process through `rebound_tui.cli.main` on a data file in a temp folder, with the
calendar frozen at 2026-11-27 (a Friday) in America/Chicago (see conftest.py).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import orjson
import pytest
from rebound_test_helpers import (
    PYTHON,
    assert_one_line_error,
    digest,
    python_env,
    snapshot,
)

from rebound_tui import __version__
from rebound_tui.store.database import Database
from rebound_tui.store.fileformat import decode

# The exact names users' scripts rely on (issue 2): kept here, not imported, to catch drift.
KINDS = [
    "interview",
    "rejection",
    "thank-you",
    "email",
    "call",
    "meeting",
    "referral-interview",
    "message",
    "news",
    "note",
]
SUBCOMMANDS = [
    "add",
    "edit",
    "delete",
    "log",
    "follow-up",
    "due",
    "done",
    "snooze",
    "reschedule",
    "drop",
    "list",
    "sync",
    "check",
    "backups",
    "restore",
    "merge-driver",
]


def ok(run_cli, *args: str) -> str:
    code, out, err = run_cli(*args)
    assert code == 0, (args, out, err)
    assert err == "", err
    return out


def planned_late(run_cli, *args: str) -> str:
    """A follow-up planned for a past day: done, with the one-line "overdue from the start"."""
    code, out, err = run_cli(*args)
    assert code == 0, (args, out, err)
    assert err.count("\n") == 1 and "overdue from the start" in err, err
    return out


def listing(run_cli, what: str, *extra: str) -> list[dict]:
    return json.loads(ok(run_cli, "list", what, "--json", *extra))


def one(rows: list[dict], **match) -> dict:
    hits = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
    assert len(hits) == 1, (match, rows)
    return hits[0]


@pytest.fixture
def seeded(run_cli, data_path: Path) -> dict[str, str]:
    """Two companies, two contacts, and follow-ups overdue, due today and later; -> ids by name."""
    ok(run_cli, "add", "company", "Acme Corp", "--location", "Glenview", "--priority", "4")
    ok(run_cli, "add", "company", "Beta Labs", "--location", "Skokie", "--priority", "2")
    ok(run_cli, "add", "contact", "Darlene Smith", "--company", "acme corp", "--role", "boss")
    ok(run_cli, "add", "contact", "Ed Jones", "--company", "Beta Labs")
    planned_late(
        run_cli, "follow-up", "Old overdue", "--on", "2026-11-20", "--company", "Beta Labs"
    )
    planned_late(
        run_cli, "follow-up", "Thank Darlene", "--on", "2026-11-25", "--contact", "Darlene Smith"
    )
    ok(run_cli, "follow-up", "Call Ed today", "--on", "today", "--contact", "ed jones")
    ok(run_cli, "follow-up", "Next week", "--on", "2026-12-04", "--company", "Acme Corp")
    ids = {c["name"]: c["id"] for c in listing(run_cli, "companies")}
    ids |= {c["name"]: c["id"] for c in listing(run_cli, "contacts")}
    ids |= {f["title"]: f["id"] for f in listing(run_cli, "follow-ups")}
    return ids


def raw_data(path: Path) -> dict:
    return orjson.loads(path.read_bytes())


# -- front door ---------------------------------------------------------------------------------


def test_version(run_cli):
    code, out, err = run_cli("--version")
    assert code == 0
    assert out.strip() == f"rebound-tui {__version__}"


def test_help_lists_every_subcommand(run_cli):
    code, out, _ = run_cli("--help")
    assert code == 0
    for name in SUBCOMMANDS:
        assert name in out, name
    assert "--db" in out and "--demo" in out


@pytest.mark.parametrize(
    ("args", "options"),
    [
        (["add", "company"], ["--location", "--stage", "--priority", "--why", "--db"]),
        (
            ["add", "contact"],
            [
                "--company",
                "--title",
                "--role",
                "--department",
                "--email",
                "--phone",
                "--linkedin",
                "--referred-by",
                "--cadence",
            ],
        ),
        (["log"], ["--company", "--contact", "--on", "--note", "KIND"]),
        (["edit", "company"], ["--name", "--location", "--priority"]),
        (["edit", "contact"], ["--name", "--email", "--referred-by"]),
        (["follow-up"], ["--on", "--company", "--contact"]),
        (["due"], ["--on", "--json", "--count"]),
        (["done"], ["--note"]),
        (["snooze"], ["--until"]),
        (["reschedule"], ["--on"]),
        (["list"], ["--json", "--all", "companies", "follow-ups"]),
    ],
)
def test_subcommand_help(run_cli, data_path, args, options):
    code, out, err = run_cli(*args, "--help")
    assert code == 0, err
    for option in options:
        assert option in out, option
    assert not data_path.exists()


def test_python_dash_m_version(tmp_path):
    proc = subprocess.run(
        [PYTHON, "-m", "rebound_tui", "--version"],
        capture_output=True,
        text=True,
        env=python_env(REBOUND_DB=str(tmp_path / "x.json")),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"rebound-tui {__version__}"
    assert not (tmp_path / "x.json").exists()


# -- add, edit, delete ----------------------------------------------------------------------------


def test_add_company_with_every_option(run_cli, data_path):
    code, out, err = run_cli(
        *("add", "company", "Glenview Dental Group"),
        *("--location", "Glenview, IL", "--stage", "rejected", "--priority", "5"),
        *("--why", "best team I ever met"),
    )
    assert code == 0 and "Glenview Dental Group" in out
    assert err.startswith("tip: ") and "rebound-tui reject" in err  # the plan needs the no
    (company,) = listing(run_cli, "companies")
    assert company["name"] == "Glenview Dental Group"
    assert company["location"] == "Glenview, IL"
    assert company["stage"] == "rejected"
    assert company["priority"] == 5
    assert company["why"] == "best team I ever met"
    assert len(company["id"]) == 32
    assert out.strip().endswith(f"({company['id'][:8]})")
    assert data_path.stat().st_mode & 0o777 == 0o600


def test_add_company_defaults(run_cli):
    ok(run_cli, "add", "company", "Plain Co")
    (company,) = listing(run_cli, "companies")
    assert company["stage"] == "watching"
    assert company["priority"] == 3


def test_add_contact_with_every_option(run_cli):
    ok(run_cli, "add", "company", "Acme Corp")
    ok(run_cli, "add", "contact", "Pat Referrer")
    ok(
        run_cli,
        *("add", "contact", "Darlene Smith", "--company", "ACME corp"),
        *("--title", "Comptroller", "--role", "boss", "--department", "Finance"),
        *("--email", "darlene@acme.example", "--phone", "+1 847 555 0100"),
        *("--linkedin", "https://www.linkedin.com/in/darlene", "--referred-by", "pat referrer"),
        *("--cadence", "6w"),
    )
    companies = listing(run_cli, "companies")
    contacts = listing(run_cli, "contacts")
    darlene = one(contacts, name="Darlene Smith")
    pat = one(contacts, name="Pat Referrer")
    assert darlene["company_id"] == companies[0]["id"]
    assert darlene["title"] == "Comptroller"
    assert darlene["role"] == "boss"
    assert darlene["department"] == "Finance"
    assert darlene["email"] == "darlene@acme.example"
    assert darlene["phone"] == "+1 847 555 0100"
    assert darlene["linkedin"] == "https://www.linkedin.com/in/darlene"
    assert darlene["referred_by"] == pat["id"]
    assert darlene["cadence"] == "6w"


def test_list_json_is_flat_without_bookkeeping(run_cli, seeded):
    for what in ("companies", "contacts", "interactions", "follow-ups"):
        for row in listing(run_cli, what, "--all"):
            assert "id" in row
            assert not [k for k in row if k.startswith("_")], row
            assert all(not isinstance(v, dict) for v in row.values()), row


@pytest.mark.parametrize("kind", KINDS)
def test_log_each_kind(run_cli, seeded, kind):
    out = ok(
        run_cli,
        *("log", kind, "--company", "acme corp", "--contact", "Darlene Smith"),
        *("--on", "2026-06-05", "--note", f"a {kind}"),
    )
    assert kind in out and "2026-06-05" in out
    (logged,) = listing(run_cli, "interactions")
    assert logged["kind"] == kind
    assert logged["day"] == "2026-06-05"
    assert logged["company_id"] == seeded["Acme Corp"]
    assert logged["contact_id"] == seeded["Darlene Smith"]
    assert logged["note"] == f"a {kind}"


def test_log_defaults_to_today_and_fills_the_contacts_company(run_cli, seeded):
    ok(run_cli, "log", "call", "--contact", "ed jones")
    (logged,) = listing(run_cli, "interactions")
    assert logged["day"] == "2026-11-27"
    assert logged["company_id"] == seeded["Beta Labs"]


@pytest.mark.parametrize(
    ("word", "day"),
    [
        ("2026-12-25", "2026-12-25"),
        ("today", "2026-11-27"),
        ("tomorrow", "2026-11-28"),
        ("3d", "2026-11-30"),
        ("2w", "2026-12-11"),
        ("1m", "2026-12-27"),
        ("friday", "2026-12-04"),  # today is a Friday: the *next* one
        ("Monday", "2026-11-30"),
        ("sat", "2026-11-28"),
    ],
)
def test_follow_up_date_words(run_cli, word, day):
    out = ok(run_cli, "follow-up", "Write to Darlene", "--on", word)
    (f,) = listing(run_cli, "follow-ups")
    assert f["due"] == day
    assert f["title"] == "Write to Darlene"
    assert f["status"] == "open"
    assert day in out


def test_follow_up_with_company_and_contact(run_cli, seeded):
    ok(run_cli, "follow-up", "Ask for referral", "--on", "2w", "--company", "Acme Corp")
    ok(run_cli, "follow-up", "Coffee", "--on", "3d", "--contact", "darlene smith")
    rows = listing(run_cli, "follow-ups")
    ask = one(rows, title="Ask for referral")
    assert ask["company_id"] == seeded["Acme Corp"] and ask["contact_id"] is None
    coffee = one(rows, title="Coffee")
    assert coffee["contact_id"] == seeded["Darlene Smith"]
    assert coffee["company_id"] == seeded["Acme Corp"]  # the contact's company


def test_edit_company_every_option_by_name_and_by_id_prefix(run_cli, seeded):
    ok(
        run_cli,
        *("edit", "company", "ACME CORP", "--location", "Highland Park"),
        *("--stage", "re-engaging", "--priority", "1", "--why", "they came back"),
    )
    acme = one(listing(run_cli, "companies"), id=seeded["Acme Corp"])
    assert (acme["location"], acme["stage"], acme["priority"], acme["why"]) == (
        "Highland Park",
        "re-engaging",
        1,
        "they came back",
    )
    ok(run_cli, "edit", "company", seeded["Acme Corp"][:6], "--name", "Acme Corporation")
    acme = one(listing(run_cli, "companies"), id=seeded["Acme Corp"])
    assert acme["name"] == "Acme Corporation"
    assert acme["location"] == "Highland Park"  # untouched fields stay
    beta = one(listing(run_cli, "companies"), name="Beta Labs")
    assert beta["priority"] == 2 and beta["location"] == "Skokie"


def test_edit_with_empty_value_clears_the_field(run_cli, seeded):
    ok(run_cli, "edit", "company", "Acme Corp", "--location", "")
    acme = one(listing(run_cli, "companies"), name="Acme Corp")
    assert acme["location"] is None


def test_edit_contact(run_cli, seeded):
    ok(
        run_cli,
        *("edit", "contact", "darlene smith", "--company", "Beta Labs"),
        *("--email", "d@beta.example", "--referred-by", "Ed Jones", "--title", "CFO"),
    )
    d = one(listing(run_cli, "contacts"), name="Darlene Smith")
    assert d["company_id"] == seeded["Beta Labs"]
    assert d["email"] == "d@beta.example"
    assert d["referred_by"] == seeded["Ed Jones"]
    assert d["title"] == "CFO"
    assert d["role"] == "boss"


@pytest.mark.parametrize(
    ("option", "field"), [("--company", "company_id"), ("--referred-by", "referred_by")]
)
def test_edit_contact_empty_value_clears_a_link(run_cli, seeded, option, field):
    ok(run_cli, "edit", "contact", "Darlene Smith", "--referred-by", "Ed Jones")
    d = one(listing(run_cli, "contacts"), name="Darlene Smith")
    assert d[field] is not None
    ok(run_cli, "edit", "contact", "Darlene Smith", option, "")
    d = one(listing(run_cli, "contacts"), name="Darlene Smith")
    assert d[field] is None


def test_bad_time_zone_is_a_usage_error(run_cli, seeded, data_path, monkeypatch):
    monkeypatch.setenv("REBOUND_TZ", "Mars/Olympus_Mons")
    before = snapshot(data_path)
    code, _, err = run_cli("due")
    assert code == 2
    assert_one_line_error(err, "REBOUND_TZ", "Mars/Olympus_Mons")
    assert snapshot(data_path) == before


def test_edit_without_options_is_an_error(run_cli, seeded, data_path):
    before = digest(data_path)
    code, _, err = run_cli("edit", "company", "Acme Corp")
    assert code == 2
    assert_one_line_error(err, "nothing to change")
    assert digest(data_path) == before


@pytest.mark.parametrize("noun", ["company", "contact"])
def test_delete_leaves_a_tombstone_that_list_leaves_out(run_cli, seeded, data_path, noun):
    name = "Acme Corp" if noun == "company" else "Darlene Smith"
    table = "companies" if noun == "company" else "contacts"
    ok(run_cli, "delete", noun, name.lower())
    assert name not in {r["name"] for r in listing(run_cli, table)}
    assert name not in ok(run_cli, "list", table)
    doc = raw_data(data_path)[table][seeded[name]]
    assert doc["_deleted"]
    assert doc["name"] == name  # values stay so a later edit restores the record whole
    # deleting again: no such (live) record
    code, _, err = run_cli("delete", noun, name)
    assert code == 2
    assert_one_line_error(err, name)


# -- the due list -------------------------------------------------------------------------------


def test_due_text_overdue_first(run_cli, seeded):
    out = ok(run_cli, "due")
    lines = out.strip().splitlines()
    follow_ups = ["Old overdue", "Thank Darlene", "Call Ed today", "Next week"]
    titles = [next(t for t in follow_ups if t in line) for line in lines]
    # Overdue first (most important first: Acme p4 before Beta p2), then today; later ones not.
    assert titles == ["Thank Darlene", "Old overdue", "Call Ed today"]
    assert seeded["Thank Darlene"][:8] in lines[0] and "2026-11-25" in lines[0]
    assert "overdue" in lines[0] and "overdue" not in lines[2]


def test_due_json(run_cli, seeded):
    items = json.loads(ok(run_cli, "due", "--json"))
    assert [i["title"] for i in items] == ["Thank Darlene", "Old overdue", "Call Ed today"]
    for item in items:
        assert {"id", "due", "title", "kind", "company", "contact", "overdue"} <= set(item)
    first = items[0]
    assert first["id"] == seeded["Thank Darlene"]
    assert first["due"] == "2026-11-25"
    assert first["company"] == "Acme Corp"
    assert first["contact"] == "Darlene Smith"
    assert first["kind"] == "todo"
    assert [i["overdue"] for i in items] == [True, True, False]
    assert items[1]["contact"] is None


def test_due_count_and_on(run_cli, seeded):
    assert ok(run_cli, "due", "--count").strip() == "3"
    assert ok(run_cli, "due", "--count", "--on", "2026-12-04").strip() == "4"
    assert ok(run_cli, "due", "--count", "--on", "2026-11-19").strip() == "0"
    items = json.loads(ok(run_cli, "due", "--json", "--on", "1w"))
    assert len(items) == 4
    assert items[-1]["title"] == "Next week" and items[-1]["overdue"] is False
    assert ok(run_cli, "due", "--on", "2026-11-19") == ""


def test_due_on_empty_database_prints_nothing(run_cli, data_path):
    assert ok(run_cli, "due") == ""
    assert json.loads(ok(run_cli, "due", "--json")) == []
    assert not data_path.exists()


# -- done, snooze, reschedule, drop ----------------------------------------------------------


def test_done_closes_and_logs_an_interaction(run_cli, seeded):
    fid = seeded["Thank Darlene"]
    out = ok(run_cli, "done", fid[:5], "--note", "sent a card")
    assert "Thank Darlene" in out
    assert fid not in {f["id"] for f in listing(run_cli, "follow-ups")}
    closed = one(listing(run_cli, "follow-ups", "--all"), id=fid)
    assert closed["status"] == "done"
    assert closed["closed_on"] == "2026-11-27"
    (logged,) = listing(run_cli, "interactions")
    assert logged["follow_up_id"] == fid
    assert logged["contact_id"] == seeded["Darlene Smith"]
    assert logged["note"] == "sent a card"
    assert logged["day"] == "2026-11-27"
    assert ok(run_cli, "due", "--count").strip() == "2"


def test_done_twice_is_an_error(run_cli, seeded, data_path):
    ok(run_cli, "done", "thank darlene")
    before = digest(data_path)
    code, _, err = run_cli("done", "thank darlene")
    assert code == 2
    assert_one_line_error(err, "already done")
    assert digest(data_path) == before


def test_snooze(run_cli, seeded):
    fid = seeded["Old overdue"]
    out = ok(run_cli, "snooze", fid[:8], "--until", "tuesday")
    assert "2026-12-01" in out
    f = one(listing(run_cli, "follow-ups"), id=fid)
    assert f["due"] == "2026-12-01"
    assert f["snoozes"] == 1
    assert f["status"] == "open"
    assert "Old overdue" not in ok(run_cli, "due")


def test_snooze_to_today_is_refused(run_cli, seeded, data_path):
    before = digest(data_path)
    code, _, err = run_cli("snooze", seeded["Old overdue"], "--until", "today")
    assert code == 2
    assert_one_line_error(err, "reschedule")
    assert digest(data_path) == before


def test_reschedule(run_cli, seeded):
    fid = seeded["Next week"]
    planned_late(run_cli, "reschedule", fid[:8], "--on", "2026-11-26")
    f = one(listing(run_cli, "follow-ups"), id=fid)
    assert f["due"] == "2026-11-26"
    assert f["snoozes"] == 0
    assert "Next week" in ok(run_cli, "due")


def test_drop(run_cli, seeded):
    fid = seeded["Call Ed today"]
    ok(run_cli, "drop", "call ed")
    assert fid not in {f["id"] for f in listing(run_cli, "follow-ups")}
    dropped = one(listing(run_cli, "follow-ups", "--all"), id=fid)
    assert dropped["status"] == "dropped"
    assert listing(run_cli, "interactions") == []  # dropping logs nothing


def test_list_follow_ups_all_has_status(run_cli, seeded):
    ok(run_cli, "done", "Old overdue")
    ok(run_cli, "drop", "Next week")
    rows = listing(run_cli, "follow-ups", "--all")
    assert {r["title"]: r["status"] for r in rows} == {
        "Old overdue": "done",
        "Thank Darlene": "open",
        "Call Ed today": "open",
        "Next week": "dropped",
    }
    open_titles = {r["title"] for r in listing(run_cli, "follow-ups")}
    assert open_titles == {"Thank Darlene", "Call Ed today"}
    text = ok(run_cli, "list", "follow-ups", "--all")
    assert "[done]" in text and "[dropped]" in text


def test_list_text(run_cli, seeded):
    ok(run_cli, "log", "interview", "--company", "Acme Corp", "--on", "2026-11-01")
    assert "Acme Corp" in ok(run_cli, "list", "companies")
    assert "Darlene Smith" in ok(run_cli, "list", "contacts")
    assert "interview" in ok(run_cli, "list", "interactions")
    assert "Thank Darlene" in ok(run_cli, "list", "follow-ups")


# -- where the file is ----------------------------------------------------------------------------


def test_db_option_before_and_after_the_subcommand(run_cli, tmp_path, data_path):
    other = tmp_path / "elsewhere.json"
    ok(run_cli, "--db", str(other), "add", "company", "One")
    ok(run_cli, "add", "company", "Two", "--db", str(other))
    assert not data_path.exists()  # $REBOUND_DB (data_path) was overridden
    names = {c["name"] for c in listing(run_cli, "companies", "--db", str(other))}
    assert names == {"One", "Two"}


def test_rebound_db_environment(run_cli, data_path):
    ok(run_cli, "add", "company", "Env Co")
    assert b"Env Co" in data_path.read_bytes()


def test_missing_folder_is_an_error(run_cli, tmp_path):
    target = tmp_path / "nope" / "rebound.json"
    code, _, err = run_cli("--db", str(target), "add", "company", "X")
    assert code == 2
    assert_one_line_error(err, "does not exist")
    assert not target.parent.exists()


# -- read-only commands never write ---------------------------------------------------------------

READ_ONLY = [
    ["due"],
    ["due", "--json"],
    ["due", "--count", "--on", "2w"],
    ["list", "companies"],
    ["list", "contacts", "--json"],
    ["list", "interactions"],
    ["list", "follow-ups", "--all", "--json"],
    ["check"],
    ["backups"],
]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_read_only_commands_leave_the_file_alone(run_cli, seeded, data_path, args):
    before = snapshot(data_path)
    backups = sorted(p.name for p in data_path.parent.rglob("*"))
    code, _, err = run_cli(*args)
    assert code == 0, err
    assert snapshot(data_path) == before
    assert sorted(p.name for p in data_path.parent.rglob("*")) == backups


@pytest.mark.parametrize("args", [a for a in READ_ONLY if a[0] != "check"], ids=" ".join)
def test_read_only_commands_never_create_the_file(run_cli, data_path, args):
    code, _, err = run_cli(*args)
    assert code == 0, err
    assert list(data_path.parent.iterdir()) == []


def test_check_on_missing_file(run_cli, data_path):
    code, _, err = run_cli("check")
    assert code == 1
    assert_one_line_error(err, str(data_path))
    assert not data_path.exists()


# -- error paths: exit 2, one line, no traceback, file untouched ----------------------------------

ERRORS = [
    # unknown and ambiguous names (candidates listed)
    (["log", "call", "--company", "Nowhere Inc"], ["no company matches", "Nowhere Inc"]),
    (["edit", "company", "Acme Corq", "--priority", "1"], ["did you mean", "acme corp"]),
    (["add", "contact", "Zed", "--company", "Gamma"], ["no company matches"]),
    (["add", "contact", "Zed", "--referred-by", "Nobody"], ["no contact matches"]),
    (["log", "call", "--contact", "e"], ["too short", "Ed Jones", "Darlene Smith"]),
    (["delete", "contact", "zzzz"], ["no contact matches"]),
    (["done", "ffffffff"], ["no follow-up matches"]),
    (["done", "a"], ["too short"]),
    # bad dates
    (["follow-up", "X", "--on", "someday"], ["bad date", "someday"]),
    (["follow-up", "X", "--on", "2026-02-30"], ["bad date"]),
    (["due", "--on", "13/01/2026"], ["bad date"]),
    (["log", "call", "--company", "Acme Corp", "--on", "yesterdayish"], ["bad date"]),
    (["snooze", "Old overdue", "--until", "never"], ["bad date"]),
    (["reschedule", "Old overdue", "--on", "2026-13-01"], ["bad date"]),
    # bad priority
    (["add", "company", "X", "--priority", "9"], ["priority"]),
    (["add", "company", "X", "--priority", "high"], ["priority"]),
    (["edit", "company", "Acme Corp", "--priority", "0"], ["priority"]),
    (["follow-up", "X", "--on", "today", "--priority", "6"], ["priority"]),
    # bad email, URL, cadence
    (["add", "contact", "X", "--email", "not-an-email"], ["email", "not-an-email"]),
    (["edit", "contact", "Ed Jones", "--email", "ed@"], ["email"]),
    (["add", "contact", "X", "--linkedin", "linkedin/in/x"], ["url"]),
    (["add", "contact", "X", "--cadence", "often"], ["often"]),
    # bad choices
    (["add", "company", "X", "--stage", "maybe"], ["stage", "maybe"]),
    (["add", "contact", "X", "--role", "friend"], ["role", "friend"]),
    (["log", "dance", "--company", "Acme Corp"], ["kind", "dance"]),
    (["list", "people"], ["people"]),
    (["delete", "interaction", "x"], ["interaction"]),
    # missing required options or arguments
    (["follow-up", "X"], ["--on"]),
    (["snooze", "Old overdue"], ["--until"]),
    (["reschedule", "Old overdue"], ["--on"]),
    (["log", "call"], ["--company"]),
    (["add", "company"], ["name"]),
    (["add"], ["company|contact"]),
    (["done"], ["id"]),
    (["follow-up", "  ", "--on", "today"], ["title"]),
    (["add", "company", "  "], ["name"]),
    # duplicates, unknown options
    (["add", "company", "acme corp"], ["exists already"]),
    (["add", "company", "X", "--colour", "red"], ["--colour"]),
    (["frobnicate"], ["frobnicate"]),
]


@pytest.mark.parametrize(("args", "needles"), ERRORS, ids=lambda v: " ".join(v) if v else "")
def test_bad_input_exits_2_with_one_line_and_file_untouched(
    run_cli, seeded, data_path, args, needles
):
    before = snapshot(data_path)
    code, out, err = run_cli(*args)
    assert code == 2, (out, err)
    assert_one_line_error(err, *needles)
    assert snapshot(data_path) == before


@pytest.mark.parametrize(
    "args",
    [
        ["add", "contact", "X", "--email", "nope"],
        ["add", "company", "X", "--priority", "7"],
        ["follow-up", "X", "--on", "nope"],
        ["log", "call", "--company", "Nowhere"],
    ],
    ids=" ".join,
)
def test_bad_input_never_creates_the_file(run_cli, data_path, args):
    code, _, err = run_cli(*args)
    assert code == 2
    assert_one_line_error(err)
    assert list(data_path.parent.iterdir()) == []


# -- id prefixes like git, names case-insensitively -------------------------------------------


@pytest.fixture
def twin_ids(run_cli, data_path) -> tuple[str, str]:
    """Two follow-ups whose ids share the prefix 'abcd' (made through the store)."""
    ok(run_cli, "add", "company", "Acme Corp")
    db = Database(data_path)
    a = "abcd1111" + "0" * 24
    b = "abcd2222" + "0" * 24
    db.create("followups", {"title": "First twin", "due": "2026-11-27"}, record_id=a)
    db.create("followups", {"title": "Second twin", "due": "2026-11-27"}, record_id=b)
    db.save()
    return a, b


def test_ambiguous_id_prefix_lists_candidates(run_cli, data_path, twin_ids):
    before = snapshot(data_path)
    code, _, err = run_cli("done", "abcd")
    assert code == 2
    assert_one_line_error(err, "ambiguous", "abcd1111", "abcd2222", "First twin", "Second twin")
    assert snapshot(data_path) == before


def test_unique_id_prefix_is_enough(run_cli, twin_ids):
    ok(run_cli, "done", "abcd2")
    rows = {f["id"]: f["status"] for f in listing(run_cli, "follow-ups", "--all")}
    assert rows == {twin_ids[0]: "open", twin_ids[1]: "done"}
    ok(run_cli, "drop", "ABCD1")  # ids are matched case-insensitively too
    rows = {f["id"]: f["status"] for f in listing(run_cli, "follow-ups", "--all")}
    assert rows == {twin_ids[0]: "dropped", twin_ids[1]: "done"}


def test_full_id_works(run_cli, twin_ids):
    ok(run_cli, "reschedule", twin_ids[0], "--on", "2026-12-01")
    f = one(listing(run_cli, "follow-ups"), id=twin_ids[0])
    assert f["due"] == "2026-12-01"


def test_ambiguous_name_lists_candidates(run_cli, seeded, data_path):
    ok(run_cli, "add", "company", "Acme Labs")
    before = snapshot(data_path)
    code, _, err = run_cli("edit", "company", "acme", "--priority", "1")
    assert code == 2
    assert_one_line_error(err, "ambiguous", "Acme Corp", "Acme Labs")
    assert snapshot(data_path) == before
    ok(run_cli, "edit", "company", "ACME LABS", "--priority", "1")  # exact name wins
    assert one(listing(run_cli, "companies"), name="Acme Labs")["priority"] == 1
    assert one(listing(run_cli, "companies"), name="Acme Corp")["priority"] == 4


# -- files we must refuse -------------------------------------------------------------------------


def _write_meta(path: Path, **meta) -> bytes:
    doc = {"meta": {"db": {"format": "rebound-tui", "schema": 1, "db_id": "d" * 32, **meta}}}
    raw = json.dumps(doc).encode()
    path.write_bytes(raw)
    return raw


@pytest.mark.parametrize(
    "args", [["due"], ["list", "companies"], ["add", "company", "X"], ["sync"]], ids=" ".join
)
def test_newer_schema_is_refused_and_left_alone(run_cli, data_path, args):
    raw = _write_meta(data_path, schema=99)
    code, _, err = run_cli(*args)
    assert code == 1
    assert_one_line_error(err, str(data_path), "newer", "upgrade")
    assert data_path.read_bytes() == raw


@pytest.mark.parametrize(
    "content",
    [
        b'{"_default": {"1": {"name": "tinydb"}}}',
        b'{"meta": {"db": {"format": "something-else", "schema": 1, "db_id": "x"}}}',
        b"[1, 2, 3]",
    ],
)
def test_not_a_rebound_file_is_refused(run_cli, data_path, content):
    data_path.write_bytes(content)
    for args in (["due"], ["add", "company", "X"]):
        code, _, err = run_cli(*args)
        assert code == 1
        assert_one_line_error(err, str(data_path), "not a rebound data file")
    assert data_path.read_bytes() == content


def test_file_written_by_cli_decodes(run_cli, seeded, data_path):
    data = decode(data_path.read_bytes(), data_path)
    assert set(data["companies"]) == {seeded["Acme Corp"], seeded["Beta Labs"]}
    for table in ("companies", "contacts", "followups"):
        for rid, doc in data[table].items():
            assert len(rid) == 32 and int(rid, 16) >= 0  # uuid4 hex, never TinyDB's counter
            assert doc["_created"] and set(doc["_clock"]) >= {
                k for k in doc if not k.startswith("_")
            }
