"""`--demo` with a command runs it on a throwaway copy of the demo data, as the dashboard's
`--demo` opens one: the user's own file is never read or written, and nothing is left behind.
And a reader that stops early (`| head`) ends a command quietly."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from rebound_test_helpers import PYTHON, assert_one_line_error, python_env, snapshot


@pytest.fixture
def own_file(run_cli, data_path: Path) -> Path:
    """The user's own data file (REBOUND_DB in `run_cli`), with one company in it."""
    code, _out, _err = run_cli("add", "company", "My Own Company")
    assert code == 0
    return data_path


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where temporary folders go in this test (the demo copy's among them)."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def test_a_read_shows_the_demo_data_not_the_users_file(run_cli, own_file, temp_root) -> None:
    before = snapshot(own_file)
    code, out, err = run_cli("--demo", "list", "openings")
    assert code == 0 and err == ""
    assert "Comptroller" in out and "Brightwater Provisions" in out  # the demo's roles
    code, out, _err = run_cli("--demo", "list", "companies")
    assert "My Own Company" not in out and "Brightwater Provisions" in out
    assert snapshot(own_file) == before
    assert list(temp_root.iterdir()) == []  # the throwaway copy is gone


def test_a_change_goes_to_the_throwaway_copy_and_says_so(run_cli, own_file, temp_root) -> None:
    before = snapshot(own_file)
    code, out, err = run_cli("--demo", "add", "company", "Zed Works")
    assert code == 0 and "added company Zed Works" in out
    assert "throwaway copy of the demo data" in err and "drop --demo" in err
    assert snapshot(own_file) == before
    assert list(temp_root.iterdir()) == []
    code, out, _err = run_cli("--demo", "list", "companies")
    assert "Zed Works" not in out  # each command gets a fresh copy


def test_a_failing_command_on_the_demo_leaves_nothing(run_cli, own_file, temp_root) -> None:
    code, _out, err = run_cli("--demo", "done", "no-such-follow-up")
    assert code == 2
    assert_one_line_error(err)
    assert list(temp_root.iterdir()) == []


def test_demo_and_db_together_are_refused(run_cli, own_file, tmp_path) -> None:
    before = snapshot(own_file)
    code, _out, err = run_cli("--demo", "--db", str(own_file), "add", "company", "X")
    assert code == 2
    assert_one_line_error(err, "--demo", "--db")
    code, _out, err = run_cli("--demo", "--db", str(own_file))  # the dashboard too
    assert code == 2
    assert_one_line_error(err, "give one")
    assert snapshot(own_file) == before


def test_a_reader_that_stops_early_ends_the_command_quietly(own_file: Path) -> None:
    """`rebound-tui list companies | head -1`: the pipe closes, the command exits 0, no message
    (it said "rebound-tui: Broken pipe" and exited 1)."""
    proc = subprocess.Popen(
        [PYTHON, "-m", "rebound_tui", "--db", str(own_file), "list", "companies"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=python_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert err == ""
