"""Crash safety: writers saving in a loop are killed with SIGKILL at random moments; after every
kill the data file parses and holds every save that was acknowledged (printed after save()).
Writers that make each edit durable in the journal first (`commit`, as the dashboard does) and
save the file now and then lose no acknowledged commit either: the next load merges the journal.

Two writers run at once on the same file each round, so the kills also land while one of them
holds the lock or merges the other's records. tests/soak/crash_soak.py runs this for longer.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rebound_test_helpers import PYTHON, python_env

from rebound_tui.store.backups import Backups
from rebound_tui.store.conflicts import find_conflict_copies
from rebound_tui.store.database import Database
from rebound_tui.store.fileformat import decode
from rebound_tui.store.journal import journal_path_for

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

# The writer: one new record per save; a save is acknowledged by printing its counter afterwards.
# With "journal", the dashboard's way: each record committed to the journal, then acknowledged;
# the file saved every third record (or when a commit cannot journal: the file not made yet).
CHILD = r"""
import sys
from rebound_tui.store.database import Database

path, run, journal = sys.argv[1], sys.argv[2], sys.argv[3] == "journal"
db = Database(path)
i = 0
while True:
    i += 1
    db.create("companies", {"name": f"{run}-{i}", "priority": 3})
    if not journal or not db.commit() or i % 3 == 0:
        db.save()
    print(i, flush=True)
"""


def start(path: Path, run: str, env: dict[str, str], journal: bool = False) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-c", CHILD, str(path), run, "journal" if journal else "save"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def wait_for_acks(proc: subprocess.Popen, count: int) -> list[int]:
    acked = []
    while len(acked) < count:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"writer died: {proc.stderr.read().decode(errors='replace')}")
        acked.append(int(line))
    return acked


def kill(proc: subprocess.Popen) -> list[int]:
    """SIGKILL the writer; -> the acknowledgements it printed before dying."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    rest = proc.stdout.read().split()
    proc.stdout.close()
    proc.stderr.close()
    return [int(x) for x in rest]


def check_file(path: Path, acked: dict[str, list[int]]) -> int:
    """The file parses and holds every acknowledged save; -> number of records."""
    raw = path.read_bytes()
    data = decode(raw, path)  # raises DataFileError on a torn or partial file
    names = {doc["name"] for doc in data.get("companies", {}).values()}
    missing = [f"{run}-{i}" for run, ids in acked.items() for i in ids if f"{run}-{i}" not in names]
    assert not missing, f"acknowledged saves lost: {missing[:10]}"
    return len(names)


def check_loaded(path: Path, acked: dict[str, list[int]]) -> int:
    """What the next start sees (the file with the journal merged) holds every acknowledged
    commit; -> number of records."""
    names = {doc["name"] for _, doc in Database(path).live("companies")}
    missing = [f"{run}-{i}" for run, ids in acked.items() for i in ids if f"{run}-{i}" not in names]
    assert not missing, f"acknowledged commits lost: {missing[:10]}"
    return len(names)


def crash_rounds(
    path: Path, rounds: int, rng: random.Random, writers: int = 2, journal: bool = False
) -> int:
    """Run `rounds` rounds of `writers` concurrent writers, killing each; -> kills done."""
    env = python_env()
    acked: dict[str, list[int]] = {}
    kills = 0
    for r in range(rounds):
        procs = {f"r{r}w{w}": start(path, f"r{r}w{w}", env, journal) for w in range(writers)}
        try:
            for run, proc in procs.items():
                acked[run] = wait_for_acks(proc, rng.randint(1, 4))
            for run, proc in procs.items():
                # Land the kill somewhere in a later save: before, during or after the write.
                time.sleep(rng.random() * 0.01)
                acked[run] += kill(proc)
                kills += 1
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        if journal:
            check_loaded(path, acked)
        else:
            check_file(path, acked)
    return kills


def check_aftermath(path: Path) -> None:
    """Leftover temp files are never taken for conflict copies; every backup is whole."""
    assert find_conflict_copies(path) == []
    for backup in Backups(path).list():
        decode(backup.path.read_bytes(), backup.path)


def test_sigkill_during_saves_loses_no_acknowledged_save(data_path: Path):
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    try:
        kills = crash_rounds(data_path, rounds=14, rng=rng)
        check_aftermath(data_path)
    except AssertionError as exc:
        raise AssertionError(f"{exc} (random seed {seed})") from None
    assert kills == 28
    assert data_path.stat().st_mode & 0o777 == 0o600


def test_sigkill_between_commit_and_save_loses_no_acknowledged_commit(data_path: Path):
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    try:
        kills = crash_rounds(data_path, rounds=10, rng=rng, journal=True)
        check_aftermath(data_path)
        db = Database(data_path)
        held = {doc["name"] for _, doc in db.live("companies")}
        db.save()  # the file takes the journal in, and the journal goes
        assert not journal_path_for(data_path).exists()
        assert {
            doc["name"] for doc in decode(data_path.read_bytes(), data_path)["companies"].values()
        } == held
    except AssertionError as exc:
        raise AssertionError(f"{exc} (random seed {seed})") from None
    assert kills == 20


def test_kill_before_first_save_leaves_no_file(data_path: Path):
    proc = subprocess.Popen(
        [
            PYTHON,
            "-c",
            "import sys, time; from rebound_tui.store.database import Database; "
            "db = Database(sys.argv[1]); db.create('companies', {'name': 'x'}); "
            "print('ready', flush=True); time.sleep(60)",
            str(data_path),
        ],
        stdout=subprocess.PIPE,
        env=python_env(),
    )
    assert proc.stdout.readline().strip() == b"ready"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert not data_path.exists()
    assert os.listdir(data_path.parent) == []
