"""Small command-line slips (issue 13): a restore hint that works when copied, --mailto without
an email is bad input, plurals, possessives, and stage "rejected" pointing at `reject`."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from rebound_test_helpers import assert_one_line_error

from rebound_tui.domain.playbook import render_title
from rebound_tui.plural import counted


def ok(run_cli, *args: str) -> tuple[str, str]:
    code, out, err = run_cli(*args)
    assert code == 0, (args, out, err)
    return out, err


def test_the_restore_hint_works_when_copied(run_cli, tmp_path: Path):
    db = tmp_path / "elsewhere" / "my data.json"  # not $REBOUND_DB, and a space in the path
    db.parent.mkdir()
    ok(run_cli, "--db", str(db), "add", "company", "Acme")
    ok(run_cli, "--db", str(db), "add", "company", "Beta Labs")  # the first version: a backup
    db.write_bytes(db.read_bytes()[:40])  # truncated
    code, _out, err = run_cli("--db", str(db), "list", "companies")
    assert code == 1
    assert_one_line_error(err, "--db")
    command = err.split("restore it with: ", 1)[1].rstrip(")\n")
    words = shlex.split(command)
    assert words[0] == "rebound-tui" and "--db" in words
    ok(run_cli, *words[1:])
    names = json.loads(ok(run_cli, "--db", str(db), "list", "companies", "--json")[0])
    assert [c["name"] for c in names] == ["Acme"]


def test_plurals():
    assert counted(1, "follow-up") == "1 follow-up"
    assert counted(6, "follow-up") == "6 follow-ups"
    assert counted(1, "company") == "1 company"
    assert counted(2, "company") == "2 companies"
    assert counted(1, "person") == "1 person"
    assert counted(0, "person") == "0 people"


def test_reject_and_markdown_count_in_words(run_cli, tmp_path: Path):
    ok(run_cli, "add", "company", "Acme")
    out, _ = ok(run_cli, "reject", "Acme", "--on", "2026-11-20")
    assert "the plan: 6 follow-ups" in out
    ok(run_cli, "add", "contact", "Pat Boss", "--company", "Acme")
    report = tmp_path / "report.md"
    ok(run_cli, "export", "markdown", str(report))
    text = report.read_text()
    assert "1 company in the bullpen, 1 person in the network" in text
    assert "(s)" not in out


def test_possessive_of_a_name_ending_in_s(run_cli):
    assert render_title("Look at {company}'s news", {"company": "Northshore Logistics"}) == (
        "Look at Northshore Logistics' news"
    )
    assert render_title("Look at {company}'s news", {"company": "Acme"}) == "Look at Acme's news"
    ok(run_cli, "add", "company", "Northshore Logistics")
    ok(run_cli, "reject", "Northshore Logistics", "--on", "2026-11-20")
    titles = [f["title"] for f in json.loads(ok(run_cli, "list", "follow-ups", "--json")[0])]
    assert any("Northshore Logistics' news" in t for t in titles), titles
    assert not any("Logistics's" in t for t in titles)


def test_stage_rejected_by_hand_points_at_reject(run_cli):
    _out, err = ok(run_cli, "add", "company", "Acme", "--stage", "rejected")
    assert "rebound-tui reject Acme" in err
    ok(run_cli, "add", "company", "Beta Labs")
    _out, err = ok(run_cli, "edit", "company", "Beta Labs", "--stage", "rejected")
    assert "rebound-tui reject 'Beta Labs'" in err
    ok(run_cli, "reject", "Beta Labs", "--on", "2026-11-20")
    _out, err = ok(run_cli, "edit", "company", "Beta Labs", "--stage", "rejected")
    assert err == ""  # the no is recorded: nothing to point at


def test_the_reject_tip_never_prints_escapes(run_cli):
    code, _out, err = run_cli("add", "company", "\x1b]0;x\x07 Corp", "--stage", "rejected")
    if code == 0:
        assert "\x1b" not in err and "\x07" not in err
        assert "rebound-tui reject" in err
