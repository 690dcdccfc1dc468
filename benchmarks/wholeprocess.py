"""Issue 18's whole-process figures: commands as a user runs them, each against a baseline run
the same way in the same run.

* **P2-cli**: `rebound-tui done|snooze|log|add` as a whole process (the installed console
  script, byte-compiled), against a minimal stock TinyDB script doing the same one write
  (`update(..., doc_ids=[n])` or `insert`) on the equivalent TinyDB file (the same records with
  TinyDB's integer ids, written by TinyDB's default `JSONStorage`), also as a whole process. Two
  states of our file: **after another command** (this machine wrote or read these exact bytes
  before, the usual case) and **new to this machine** (just delivered by a sync tool: the
  checked-files cache is emptied before each run, so every record is checked).
* **P4**: `rebound-tui sync` with one conflict copy (100 edits made on another "machine", never
  seen here) beside the file, and the git merge driver on three versions; wall time and peak
  memory (GNU time's maximum resident size: measured from a tiny parent, so nothing of ours).

Used by run.py (`--only cli,sync`).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

TIME = shutil.which("time") or "/usr/bin/time"

TINYDB_SCRIPT = """\
import json, sys
from tinydb import TinyDB
path, table, action, arg = sys.argv[1:5]
db = TinyDB(path)
if action == "update":
    n, fields = json.loads(arg)
    db.table(table).update(fields, doc_ids=[n])
else:
    db.table(table).insert(json.loads(arg))
db.close()
"""


def cli_argv() -> list[str]:
    """The installed console script next to this interpreter (else `python -m rebound_tui`)."""
    script = Path(sys.executable).parent / "rebound-tui"
    return [str(script)] if script.exists() else [sys.executable, "-m", "rebound_tui"]


def tinydb_copy(src: Path, dest: Path) -> dict[str, dict[str, int]]:
    """The same data as a stock TinyDB file (integer ids, `JSONStorage`'s `json.dumps`);
    returns, per table, our id -> TinyDB's id."""
    import orjson

    data = orjson.loads(src.read_bytes())
    out: dict[str, dict[str, Any]] = {}
    ids: dict[str, dict[str, int]] = {}
    for table, records in data.items():
        ids[table] = {rid: n for n, rid in enumerate(records, start=1)}
        out[table] = {str(n): doc for n, doc in enumerate(records.values(), start=1)}
    dest.write_text(json.dumps(out))
    return ids


class Usage(NamedTuple):
    """One whole process as GNU time saw it (its CPU and faults include the children it
    waited for: a command's forked check)."""

    wall: float  # seconds, spawn to exit
    peak_kb: int = 0  # maximum resident size
    faults: int = 0  # minor page faults: memory touched for the first time
    user: float = 0.0  # CPU seconds in Python and C
    system: float = 0.0  # CPU seconds in the kernel (mostly those faults, on a VM)


TIME_FORMAT = "%M %R %U %S"


def usage_of(report: str, wall: float) -> Usage:
    """The `Usage` in GNU time's report (`TIME_FORMAT`, on its last line); zeros for what it
    does not say."""
    lines = report.strip().splitlines()
    fields = lines[-1].split() if lines else []
    try:
        peak, faults, user, system = fields[-4:]
        return Usage(wall, int(peak), int(faults), float(user), float(system))
    except ValueError:
        return Usage(wall)


def _run(argv: list[str], env: dict[str, str]) -> Usage:
    """One whole process, through GNU time."""
    report = Path(env["REBOUND_LOCK_DIR"]).parent / "time.txt"
    t0 = time.perf_counter()
    done = subprocess.run(
        [TIME, "-f", TIME_FORMAT, "-o", str(report), *argv],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{argv[:4]} failed ({done.returncode}): {done.stderr[-1500:]}")
    try:
        return usage_of(report.read_text(), took)
    except OSError:
        return Usage(took)


def cpu_line(runs: list[Usage]) -> str:
    """The medians of some runs' CPU and faults, in words."""
    if not runs:
        return "no runs"
    user = statistics.median(u.user for u in runs) * 1000
    system = statistics.median(u.system for u in runs) * 1000
    faults = statistics.median(u.faults for u in runs)
    return f"user {user:.0f} ms, system {system:.0f} ms, {faults:,.0f} page faults"


def page_fault_us(megabytes: int = 32) -> float:
    """What this machine charges for touching fresh memory: microseconds per page fault (an
    anonymous mapping touched once a page). About 0.1-0.3 on bare metal; a process that parses
    a 26 MB file touches some 30,000 new pages."""
    import mmap

    size = megabytes << 20
    page = mmap.PAGESIZE
    area = mmap.mmap(-1, size)
    try:
        t0 = time.perf_counter()
        for at in range(0, size, page):
            area[at] = 1
        took = time.perf_counter() - t0
    finally:
        area.close()
    return took / (size // page) * 1e6


# A fixed piece of pure Python, timed inside each of some fresh processes (`host_spread`).
HOST_LOOP = """\
import time
t = time.perf_counter()
s = 0
for i in range(2_000_000):
    s += i * i
print(time.perf_counter() - t)
"""


def host_spread(runs: int = 9) -> list[float]:
    """The same pure-Python loop timed in `runs` fresh processes, one after the other, in
    seconds: how steady this machine's speed is for one process. On a quiet machine they agree
    within a few percent; where they do not, every whole-process figure here spreads as much
    (each ratio is then a median of many rounds: `run.Plan`)."""
    out = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", HOST_LOOP], capture_output=True, text=True, check=True
        )
        out.append(float(done.stdout))
    return out


def spread_words(times: list[float]) -> str:
    """'min / median / max ms' of some timings."""
    ms = sorted(t * 1000 for t in times)
    return f"{ms[0]:.0f} / {statistics.median(ms):.0f} / {ms[-1]:.0f} ms"


def _open_follow_ups(path: Path, today: str) -> list[tuple[str, str, str | None]]:
    import orjson

    data = orjson.loads(path.read_bytes())
    people = data.get("contacts", {})
    out = []
    for rid, doc in sorted(data["followups"].items()):
        if doc.get("status") == "open" and "_deleted" not in doc and doc.get("due", "9") <= today:
            cid = doc.get("contact_id")
            out.append((rid, doc.get("contact_id") or "", people.get(cid, {}).get("name")))
    return out


def figure_cli(
    rep: Any, size: str, file: Path, root: Path, env_for: Any, reps: int, today: str
) -> None:
    """P2-cli rows: done, snooze, log, add; two states of our file."""
    work = root / f"cli-{size}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = env_for(work)
    ours = work / "rebound.json"
    shutil.copyfile(file, ours)
    tiny = work / "tinydb.json"
    tiny_ids = tinydb_copy(file, tiny)
    script = work / "tinydb_update.py"
    script.write_text(TINYDB_SCRIPT)
    cli = [*cli_argv(), "--db", str(ours)]
    follow_ups = _open_follow_ups(ours, today)
    # The first open of this copy checks every record (and remembers that): not timed.
    _run([*cli, "due"], env)
    checked = Path(env["REBOUND_LOCK_DIR"]) / "checked"
    commands = ("done", "snooze", "log", "add")
    results: dict[str, dict[str, list[float]]] = {}
    usages: dict[str, dict[str, list[Usage]]] = {}
    for command in commands:
        results[command] = {"warm": [], "cold": [], "tinydb": []}
        usages[command] = {"warm": [], "cold": [], "tinydb": []}
        for n in range(reps):
            for state in ("warm", "cold"):
                rid, cid, name = follow_ups.pop()
                tn = tiny_ids["followups"][rid]
                if command == "done":
                    argv = [*cli, "done", rid, "--anyway"]
                    base = ["followups", "update", [tn, {"status": "done", "closed_on": today}]]
                elif command == "snooze":
                    argv = [*cli, "snooze", rid, "--until", "2027-01-15"]
                    base = ["followups", "update", [tn, {"due": "2027-01-15", "snoozes": 1}]]
                elif command == "log":
                    while not cid:  # a follow-up with a person: log a call with them
                        rid, cid, name = follow_ups.pop()
                    argv = [*cli, "log", "call", "--contact", cid, "--anyway"]
                    argv += ["--note", f"bench call {n}"]
                    base = ["interactions", "insert", {"kind": "call", "day": today}]
                else:
                    argv = [*cli, "add", "company", f"Bench Co {state} {n}"]
                    base = ["companies", "insert", {"name": f"Bench Co {n}", "priority": 3}]
                if state == "cold":
                    shutil.rmtree(checked, ignore_errors=True)
                used = _run(argv, env)
                results[command][state].append(used.wall)
                usages[command][state].append(used)
                if state == "warm":
                    table, action, arg = base
                    tiny_argv = [sys.executable, str(script), str(tiny), table, action]
                    used = _run([*tiny_argv, json.dumps(arg)], env)
                    results[command]["tinydb"].append(used.wall)
                    usages[command]["tinydb"].append(used)
        base_s = statistics.median(results[command]["tinydb"])
        for state, label in (("warm", "after another command"), ("cold", "file new here")):
            ours_s = statistics.median(results[command][state])
            rep.value(f"cli {command}, {label}", size, ours_s)
            ratio = ours_s / base_s
            rep.add(
                f"P2-cli {command}, {label} ({size})",
                _ms(ours_s),
                f"{_ms(base_s)} stock TinyDB script",
                f"{ratio:.2f}x",
                "< 1.0x",
                "yes" if ratio < 1.0 else "NO",
            )
        runs = {k: [_ms(v) for v in vs] for k, vs in results[command].items()}
        print(f"  cli {command} {size}: {runs}")
        labels = (("warm", "after a command"), ("cold", "new here"), ("tinydb", "stock"))
        for state, label in labels:
            print(f"    {label}: {cpu_line(usages[command][state])}")
    rep.raw[f"cli_{size}"] = results
    rep.raw[f"cli_usage_{size}"] = {
        command: {state: [u._asdict() for u in runs] for state, runs in states.items()}
        for command, states in usages.items()
    }


SETUP_EDIT = """\
import random, shutil, sys
from pathlib import Path
from rebound_tui.store.database import Database
src, dest, edits, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if src != dest:
    shutil.copyfile(src, dest)
db = Database(dest)
rng = random.Random(seed)
people = sorted(i for i, _ in db.live("contacts"))
for n in range(edits):
    db.update("contacts", rng.choice(people), {"title": f"Edited {seed}-{n}"})
db.save()
"""


def _edit(setup: Path, src: Path, dest: Path, seed: int, env: dict[str, str]) -> None:
    """`dest` = `src` with 100 edits, made by a rebound-tui process in `env`."""
    argv = [sys.executable, str(setup), str(src), str(dest), "100", str(seed)]
    subprocess.run(argv, env=env, check=True)


def figure_sync(rep: Any, size: str, file: Path, root: Path, env_for: Any, reps: int) -> None:
    """P4: `sync` with one conflict copy, whole process; the git merge driver."""
    work = root / f"sync-{size}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = env_for(work)
    setup = work / "setup_edit.py"
    setup.write_text(SETUP_EDIT)
    # The other machine: its own cache folder, so nothing it wrote is known here.
    other = dict(env, REBOUND_LOCK_DIR=str(work / "other" / "locks"))
    main = work / "rebound.json"
    copy = work / "rebound.sync-conflict-20261205-081522-VJDTRJ7.json"
    times, peaks = [], []
    for n in range(reps):
        # Edited here (as after a command), then the other machine's copy arrives: in this
        # order, as a save here merges (and archives) the conflict copies waiting beside it.
        _edit(setup, file, main, 20 + n, env)
        _edit(setup, file, copy, 10 + n, other)
        if not copy.exists():
            raise RuntimeError("the conflict copy was not left for sync to merge")
        took, peak, *_ = _run([*cli_argv(), "--db", str(main), "sync"], env)
        if copy.exists():
            raise RuntimeError("sync left the conflict copy")
        times.append(took)
        peaks.append(peak)
    t = statistics.median(times)
    rep.value("sync with a conflict copy", size, t)
    rep.add(
        f"P4 sync with a conflict copy ({size})",
        _ms(t),
        "whole process",
        "",
        "<= 0.5 s",
        "yes" if t <= 0.5 else "NO",
    )
    print(f"  sync {size}: {[_ms(x) for x in times]}, peak {max(peaks) / 1024:.0f} MB")
    rep.raw[f"sync_{size}"] = {"s": times, "peak_kb": peaks}
    # The git driver: BASE = the file, OURS edited here, THEIRS edited on the other machine
    # (git hands the driver temporary files: known here only by their bytes).
    base, ours, theirs = work / "base.json", work / "ours.json", work / "theirs.json"
    shutil.copyfile(file, base)
    _run([*cli_argv(), "--db", str(base), "due"], env)  # this machine had the ancestor
    _edit(setup, file, ours, 30, env)
    _edit(setup, file, theirs, 40, other)
    size_kb = file.stat().st_size / 1024
    times, peaks = [], []
    for _ in range(reps):
        shutil.copyfile(ours, work / "ours-run.json")
        took, peak, *_ = _run(
            [*cli_argv(), "merge-driver", str(base), str(work / "ours-run.json"), str(theirs)],
            env,
        )
        times.append(took)
        peaks.append(peak)
    t, peak = statistics.median(times), statistics.median(peaks)
    ok = t <= 0.7 and peak <= 3 * size_kb
    rep.add(
        f"P4 git merge driver ({size})",
        f"{_ms(t)}, {peak / 1024:.0f} MB",
        f"file {size_kb / 1024:.0f} MB",
        f"{peak / size_kb:.1f}x file",
        "<= 0.7 s, <= 3x file",
        "yes" if ok else "NO",
    )
    print(f"  git driver {size}: {[_ms(x) for x in times]}, peaks {[p // 1024 for p in peaks]} MB")
    rep.raw[f"git_{size}"] = {"s": times, "peak_kb": peaks}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"
