"""The real unison (Debian's 2.52) between two local roots, as users run it.

* Without `-copyonconflict` and without a `merge` preference, unison skips a file changed on both
  sides ("contents changed on both sides") and the two sides stay diverged: the `merge` preference
  with `rebound-tui unison-merge` fixes that, with and without a last synchronised version
  (`backupcurrent`).
* With `-copyonconflict -prefer newer`, unison keeps the losing side as
  `rebound (conflict_on_YYYY-MM-DD).json`; the next rebound-tui command that writes merges and
  archives it, and the next unison run carries the result across.

Either way both roots end byte for byte identical with every edit. unison's archives and profiles
go to a throwaway `UNISON` folder; nothing leaves 127.0.0.1 (both roots are local folders).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rebound_test_helpers import python_env, require_tool

from rebound_tui.service import Service
from rebound_tui.store.conflicts import find_conflict_copies

MERGE = f"{sys.executable} -m rebound_tui unison-merge CURRENT1 CURRENT2 CURRENTARCHOPT NEW"


class Pair:
    """Two unison roots `a` and `b`, each holding rebound.json, and a throwaway UNISON folder."""

    def __init__(self, tmp_path: Path, run_cli) -> None:
        self.unison = require_tool("unison")
        self.home = tmp_path / "unison-home"
        self.home.mkdir()
        self.a = tmp_path / "a"
        self.b = tmp_path / "b"
        self.a.mkdir()
        self.b.mkdir()
        self.run_cli = run_cli

    def file(self, side: str) -> Path:
        return (self.a if side == "a" else self.b) / "rebound.json"

    def cli(self, side: str, *args: str) -> str:
        code, out, err = self.run_cli(*args, "--db", self.file(side))
        assert code == 0, err
        return out

    def sync(self, *options: str, merge: bool = False, backupcurrent: bool = False) -> str:
        profile = [f"root = {self.a}", f"root = {self.b}"]
        if merge:
            profile.append(f"merge = Name rebound.json -> {MERGE}")
        if backupcurrent:
            profile.append("backupcurrent = Name rebound.json")
        (self.home / "pair.prf").write_text("\n".join(profile) + "\n")
        env = python_env(UNISON=str(self.home), HOME=str(self.home))
        proc = subprocess.run(
            [self.unison, "pair", "-batch", "-auto", "-ui", "text", *options],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode in (0, 1), proc.stdout + proc.stderr  # 1: some were skipped
        return proc.stdout + proc.stderr

    def companies(self, side: str) -> dict[str, dict]:
        s = Service.open(self.file(side))
        return {c.name: c for c in s.companies()}


@pytest.fixture
def pair(tmp_path: Path, run_cli) -> Pair:
    p = Pair(tmp_path, run_cli)
    p.cli("a", "add", "company", "Acme", "--location", "Glenview")
    p.cli("a", "add", "company", "Beta")
    p.cli("a", "follow-up", "Call Acme", "--on", "2026-11-20", "--company", "Acme")
    p.sync()
    assert p.file("a").read_bytes() == p.file("b").read_bytes()
    return p


def _offline_edits(pair: Pair, n: int = 0) -> None:
    """Both sides edit while unison does not run: different fields, the same field (b later),
    a delete on one side and an edit of the same record on the other, a record added on each."""
    pair.cli("a", "edit", "company", "Acme", "--priority", "5")
    pair.cli("b", "edit", "company", "Acme", "--why", f"great team {n}")
    pair.cli("a", "edit", "company", "Beta", "--location", f"from a {n}")
    pair.cli("b", "edit", "company", "Beta", "--location", f"from b {n}")  # later: wins
    pair.cli("a", "add", "company", f"A only {n}")
    pair.cli("b", "add", "company", f"B only {n}")


def _assert_all_edits(pair: Pair, rounds: int) -> None:
    for side in ("a", "b"):
        names = pair.companies(side)
        for n in range(rounds):
            assert f"A only {n}" in names and f"B only {n}" in names
        assert names["Acme"].priority == 5
        assert names["Acme"].why == f"great team {rounds - 1}"
        assert names["Beta"].location == f"from b {rounds - 1}"
    assert pair.file("a").read_bytes() == pair.file("b").read_bytes()


def test_without_a_merge_preference_unison_leaves_both_sides_diverged(pair: Pair):
    _offline_edits(pair)
    out = pair.sync()
    assert "changed on both sides" in out
    assert pair.file("a").read_bytes() != pair.file("b").read_bytes()
    # The one line of docs/SYNC.md settles it.
    pair.sync(merge=True)
    _assert_all_edits(pair, 1)


@pytest.mark.parametrize("backupcurrent", [False, True], ids=["no-archive", "backupcurrent"])
def test_the_merge_preference_converges_every_round(pair: Pair, backupcurrent: bool):
    for n in range(3):
        _offline_edits(pair, n)
        out = pair.sync(merge=True, backupcurrent=backupcurrent)
        assert "Merge result (exited (0))" in out, out
        _assert_all_edits(pair, n + 1)
    # Settled: another run has nothing to do.
    before = pair.file("a").read_bytes()
    pair.sync(merge=True, backupcurrent=backupcurrent)
    assert pair.file("a").read_bytes() == pair.file("b").read_bytes() == before


def test_copyonconflict_copies_are_merged_by_the_next_command(pair: Pair):
    for n in range(3):
        _offline_edits(pair, n)
        pair.sync("-copyonconflict", "-prefer", "newer")
        copies = find_conflict_copies(pair.file("a")) + find_conflict_copies(pair.file("b"))
        assert copies, "unison made no copy"
        assert all(c.tool == "unison" for c in copies), copies
        # No `sync`: the next writing command on each side merges and archives what waits there.
        pair.cli("a", "follow-up", f"Round {n} a", "--on", "tomorrow")
        pair.cli("b", "follow-up", f"Round {n} b", "--on", "tomorrow")
        for _ in range(4):  # until unison has nothing left to carry
            out = pair.sync("-copyonconflict", "-prefer", "newer")
            for side in ("a", "b"):  # a copy unison just made is merged by the next command
                if find_conflict_copies(pair.file(side)):
                    pair.cli(side, "sync")
            if pair.file("a").read_bytes() == pair.file("b").read_bytes() and not (
                find_conflict_copies(pair.file("a")) or find_conflict_copies(pair.file("b"))
            ):
                break
        else:
            pytest.fail(f"unison and rebound-tui did not settle: {out}")
        _assert_all_edits(pair, n + 1)
    titles = {f.title for f in Service.open(pair.file("b")).follow_ups()}
    assert {f"Round {n} {s}" for n in range(3) for s in "ab"} <= titles


def test_unison_merge_command_usage_errors(run_cli, tmp_path: Path):
    code, _, err = run_cli("unison-merge", "a.json", "b.json")
    assert code == 2 and "CURRENT1 CURRENT2 [CURRENTARCHOPT] NEW" in err
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"{not json")
    good = tmp_path / "good.json"
    s = Service.open(good)
    s.add_company("Acme")
    s.save()
    new = tmp_path / "new.json"
    code, _, err = run_cli("unison-merge", str(good), str(bad), "", str(new))
    assert code == 1 and "Traceback" not in err and not new.exists()
    code, _, err = run_cli("unison-merge", str(good), str(good), str(new))
    assert code == 0, err
    assert new.read_bytes() == good.read_bytes()
    assert os.stat(new).st_mode & 0o077 == 0
