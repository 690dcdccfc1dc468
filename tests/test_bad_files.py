"""Every kind of bad data file, through the CLI: refused with one message that names the file
(and the newest good backup), exit non-zero, and the file left byte for byte; `check` reports,
`restore` gets the user out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rebound_test_helpers import assert_one_line_error

from rebound_tui.store.backups import Backups


def folder_state(folder: Path) -> dict[str, bytes]:
    """Every file under the data folder, with its bytes: nothing may be added, changed or lost."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _markers(good: bytes) -> bytes:
    lines = good.decode().splitlines(keepends=True)
    i = next(n for n, line in enumerate(lines) if '"priority"' in line)
    theirs = lines[i].replace("4", "5")
    return "".join(
        [*lines[:i], "<<<<<<< HEAD\n", lines[i], "=======\n", theirs, ">>>>>>> other\n"]
        + lines[i + 1 :]
    ).encode()


def _reshape(good: bytes, change) -> bytes:
    data = json.loads(good)
    change(data)
    return json.dumps(data, indent=2, sort_keys=True).encode()


def _first(data: dict, table: str = "companies") -> dict:
    return next(iter(data[table].values()))


BAD = {
    "empty": lambda g: b"",
    "whitespace only": lambda g: b"  \n\n",
    "truncated": lambda g: g[: len(g) // 2],
    "truncated at the end": lambda g: g[:-3],
    "not JSON": lambda g: b"this is not json at all\n",
    "NUL bytes": lambda g: b"\x00" * len(g),
    "NUL bytes in the middle": lambda g: g[:40] + b"\x00" * 100 + g[140:],
    "trailing garbage": lambda g: g + b"garbage",
    "two documents": lambda g: g + g,
    "git conflict markers": _markers,
    "record without _clock": lambda g: _reshape(g, lambda d: _first(d).pop("_clock")),
    "field without a stamp": lambda g: _reshape(g, lambda d: _first(d).update(location="Nowhere")),
    "record not an object": lambda g: _reshape(g, lambda d: d["companies"].update(x=[1, 2])),
    "bad stamp": lambda g: _reshape(g, lambda d: _first(d)["_clock"].update(name="yesterday-ish")),
    "table not an object": lambda g: _reshape(g, lambda d: d.update(companies=[1])),
}

COMMANDS = [
    ["due"],
    ["list", "companies"],
    ["add", "company", "X"],
    ["done", "abc"],
    ["sync"],
]


@pytest.fixture
def good(run_cli, data_path: Path) -> bytes:
    """A good file with two sessions of history: the first session's version is a backup."""
    assert run_cli("add", "company", "Acme", "--priority", "4")[0] == 0
    assert run_cli("follow-up", "Call Acme", "--on", "today", "--company", "Acme")[0] == 0
    assert Backups(data_path).list(), "setup: a backup should exist"
    return data_path.read_bytes()


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("bad", list(BAD))
def test_every_command_refuses_a_bad_file(run_cli, data_path, good, bad, args):
    data_path.write_bytes(BAD[bad](good))
    newest = Backups(data_path).newest()
    before = folder_state(data_path.parent)
    code, out, err = run_cli(*args)
    assert code == 1, (out, err)
    assert_one_line_error(err, str(data_path), "newest good backup", str(newest.path))
    assert folder_state(data_path.parent) == before


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ("empty", "empty"),
        ("truncated", "truncated"),
        ("not JSON", "not valid JSON"),
        ("NUL bytes", "NUL"),
        ("trailing garbage", "not valid JSON"),
        ("git conflict markers", "merge driver"),
        ("record without _clock", "_clock"),
        ("field without a stamp", "location"),
    ],
)
def test_message_says_what_is_wrong(run_cli, data_path, good, bad, words):
    data_path.write_bytes(BAD[bad](good))
    code, _, err = run_cli("due")
    assert code == 1
    assert_one_line_error(err, words)


def test_no_backup_yet_means_no_backup_in_the_message(run_cli, data_path):
    assert run_cli("add", "company", "Acme")[0] == 0
    assert Backups(data_path).list() == []
    data_path.write_bytes(b"{")
    code, _, err = run_cli("list", "companies")
    assert code == 1
    assert_one_line_error(err, str(data_path))
    assert "newest good backup" not in err.lower() and "restore" not in err
    assert data_path.read_bytes() == b"{"


def test_only_good_backups_are_offered(run_cli, data_path, good):
    backups = Backups(data_path)
    newest = backups.newest()
    # A newer backup that is itself broken must be skipped.
    broken = newest.path.with_name("rebound-29991231T235959999Z.json")
    broken.write_bytes(b"broken")
    data_path.write_bytes(b"")
    code, _, err = run_cli("due")
    assert code == 1
    assert str(newest.path) in err and broken.name not in err


# -- check ----------------------------------------------------------------------------------


def test_check_good_file(run_cli, data_path, good):
    code, out, err = run_cli("check")
    assert code == 0, err
    assert "OK" in out and "1 companies" in out
    assert data_path.read_bytes() == good


@pytest.mark.parametrize("bad", list(BAD))
def test_check_reports_problems_with_exit_1(run_cli, data_path, good, bad):
    data_path.write_bytes(BAD[bad](good))
    before = folder_state(data_path.parent)
    code, out, err = run_cli("check")
    assert code == 1, (out, err)
    assert str(data_path) in err
    assert "Traceback" not in err
    assert folder_state(data_path.parent) == before


def test_check_lists_every_record_problem(run_cli, data_path, good):
    def two_problems(d: dict) -> None:
        _first(d).pop("_clock")
        _first(d, "followups")["due"] = "soon"

    data_path.write_bytes(_reshape(good, two_problems))
    code, out, err = run_cli("check")
    assert code == 1
    assert "_clock" in out
    assert "problem(s)" in err


def test_check_reports_a_bad_value_in_a_well_shaped_record(run_cli, data_path, good):
    data = json.loads(good)
    company = _first(data)
    company["priority"] = 42  # stamped, well shaped, but against the rules
    data_path.write_text(json.dumps(data, indent=2, sort_keys=True))
    before = data_path.read_bytes()
    code, out, err = run_cli("check")
    assert code == 1
    assert "priority" in out
    assert data_path.read_bytes() == before


def test_backups_lists_them_newest_first_without_writing(run_cli, data_path, good):
    before = folder_state(data_path.parent)
    code, out, err = run_cli("backups")
    assert code == 0, err
    header, *lines = out.strip().splitlines()
    assert header == f"backups in {Backups(data_path).dir}, newest first:"  # says where
    names = [line.split()[0] for line in lines]
    assert names == [b.path.name for b in Backups(data_path).list()]
    assert folder_state(data_path.parent) == before


def test_a_folder_where_the_file_should_be(run_cli, data_path):
    data_path.mkdir()
    code, _, err = run_cli("add", "company", "X")
    assert code == 1
    assert_one_line_error(err, str(data_path), "folder")
    assert list(data_path.iterdir()) == []


# -- restore -----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["empty", "truncated", "git conflict markers", "NUL bytes"])
def test_restore_over_a_broken_file_keeps_the_broken_one(run_cli, data_path, good, bad):
    broken = BAD[bad](good)
    data_path.write_bytes(broken)
    newest = Backups(data_path).newest()
    backup_bytes = newest.path.read_bytes()
    code, out, err = run_cli("restore", newest.path.name)
    assert code == 0, err
    assert data_path.read_bytes() == backup_bytes
    kept = list(Backups(data_path).broken_dir.iterdir())
    assert not (data_path.parent / "rebound.backups").exists()  # never in the synced folder
    assert [k.read_bytes() for k in kept] == [broken]
    assert kept[0].name in out
    code, out, err = run_cli("list", "companies", "--json")
    assert code == 0, err
    assert [c["name"] for c in json.loads(out)] == ["Acme"]


def test_restore_by_unique_prefix(run_cli, data_path, good):
    data_path.write_bytes(b"")
    newest = Backups(data_path).newest()
    stamp = newest.path.name[len("rebound-") : len("rebound-") + 15]
    code, _, err = run_cli("restore", stamp)
    assert code == 0, err
    assert data_path.read_bytes() == newest.path.read_bytes()


def test_restore_unknown_backup_is_exit_2_and_changes_nothing(run_cli, data_path, good):
    data_path.write_bytes(b"")
    before = folder_state(data_path.parent)
    code, _, err = run_cli("restore", "no-such-backup")
    assert code == 2
    assert_one_line_error(err, "no-such-backup")
    assert folder_state(data_path.parent) == before


def test_restore_on_a_good_file_is_an_edit_that_keeps_the_current_state(run_cli, data_path, good):
    newest = Backups(data_path).newest()
    assert run_cli("add", "company", "Beta")[0] == 0
    current = data_path.read_bytes()
    code, out, err = run_cli("restore", newest.path.name)
    assert code == 0, err
    code, out, _ = run_cli("list", "companies", "--json")
    assert [c["name"] for c in json.loads(out)] == ["Acme"]  # back to the backup's state
    kept = [b.path.read_bytes() for b in Backups(data_path).list()]
    assert current in kept  # the state before the restore is a backup now
    assert b"Beta" in data_path.read_bytes()  # as a tombstone, so the restore syncs
