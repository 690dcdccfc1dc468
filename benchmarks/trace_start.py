"""Where a first start's time goes: each step of the dashboard and of its helper process, traced.

    python benchmarks/trace_start.py [--size heavy] [--runs 5] [--known]

Runs the same first start as `run.py`'s "every pane usable" figure (a fresh copy of the file in
a real terminal, until every pane shows its rows; `--known`: after a command read the file, else
new here) with trace points added from outside the package: a `sitecustomize` module, put first
on the child's path, wraps the functions named in `POINTS` as their modules are imported. Each
call's start and end are written with the process (the dashboard, or its forked helper: a fork
keeps the wrappers), the clock and the process's and the thread's CPU time. The package's code
is not changed: what is measured is the installed code, plus one small write per trace point.

Prints each run's steps in milliseconds from the process's start, then the median of each step
over the runs. Not run in CI; see benchmarks/RESULTS.md for what the traces showed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/ is not a package)
import run  # noqa: E402

# (module, attribute path, label): the call's start is "<label> <" and its end "<label> >".
POINTS = [
    ("rebound_tui.views_helper", "ViewsHelper.start", "helper forked"),
    ("rebound_tui.startup", "first_screen_from_file", "due tables read"),
    ("rebound_tui.ui.start", "Start.first_paint", "first paint"),
    ("rebound_tui.ui.start", "Start.ready", "first frame"),
    ("rebound_tui.ui.loading", "open_data", "loader"),
    ("rebound_tui.startup", "open_data", "service open"),
    ("rebound_tui.store.storage", "SyncStorage._decode", "decode"),
    ("rebound_tui.views_helper", "answer", "helper answer"),
    ("rebound_tui.service", "Service.open", "Service.open"),
    ("rebound_tui.views", "build", "rows built"),
    ("rebound_tui.views_helper", "to_wire", "to_wire"),
    ("rebound_tui.views_helper", "ViewsHelper.take", "answer taken"),
    ("rebound_tui.views_helper", "from_wire", "from_wire"),
    ("rebound_tui.ui.start", "Start.attach", "attach"),
]

SITECUSTOMIZE = '''\
"""Trace points for benchmarks/trace_start.py (written by it; see there)."""
import functools, importlib.abc, os, sys, threading, time

_POINTS = {points!r}
_FD = os.open({log!r}, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)


def _mark(label):
    os.write(_FD, ("%d %.6f %.6f %.6f %s\\n" % (
        os.getpid(), time.monotonic(), time.process_time(), time.thread_time(), label
    )).encode())


def _wrap(owner, name, label):
    import inspect
    raw = inspect.getattr_static(owner, name)
    kind = type(raw) if isinstance(raw, (classmethod, staticmethod)) else None
    func = raw.__func__ if kind else raw

    @functools.wraps(func)
    def traced(*args, **kwargs):
        _mark(label + " <")
        try:
            return func(*args, **kwargs)
        finally:
            _mark(label + " >")

    setattr(owner, name, kind(traced) if kind else traced)


def _apply(module):
    for mod, path, label in _POINTS:
        if mod == module.__name__:
            *outer, name = path.split(".")
            owner = module
            for part in outer:
                owner = getattr(owner, part)
            _wrap(owner, name, label)


class _After(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname not in {{m for m, _, _ in _POINTS}}:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                run = spec.loader.exec_module

                def exec_module(module, run=run):
                    run(module)
                    _apply(module)

                spec.loader.exec_module = exec_module
                return spec
        return None


sys.meta_path.insert(0, _After())
_mark("process start")
'''


def _steps(log: Path, spawned: float) -> list[tuple[str, str, float, float]]:
    """(who: D for the dashboard or C for its helper, label, ms from spawn, process CPU ms).
    The dashboard is the process that painted; its helper, the one that answered (a command
    run before the start, with `--known`, wrote to the log too: left out)."""
    marks = [line.split(" ", 4) for line in log.read_text().splitlines()]
    roles = {pid: "D" for pid, *_, label in marks if label == "first paint <"}
    roles.update({pid: "C" for pid, *_, label in marks if label == "helper answer <"})
    return [
        (roles[pid], label, (float(clock) - spawned) * 1000, float(cpu) * 1000)
        for pid, clock, cpu, _thread, label in marks
        if pid in roles
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Trace a first start, step by step.")
    parser.add_argument("--size", default="heavy", choices=sorted(generate.SIZES))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--known", action="store_true", help="after a command read the file")
    args = parser.parse_args(argv)
    file = generate.ensure(args.size)
    root = Path(tempfile.mkdtemp(prefix="rebound-trace-"))
    hook, log = root / "hook", root / "trace.log"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE.format(points=POINTS, log=str(log)))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(hook), os.environ.get("PYTHONPATH")) if p
    )
    state = "after a command" if args.known else "file new here"
    print(f"first start, {state}, {args.size}: {file}")
    try:
        seen = _traced_runs(args.runs, file, root, log, known=args.known)
    finally:
        shutil.rmtree(root, ignore_errors=True)  # (the copies of the data file among it)
    print(f"\nmedian of {args.runs} runs (ms from the process's start):")
    for key, values in sorted(seen.items(), key=lambda kv: statistics.median(kv[1])):
        print(f"  {statistics.median(values):7.0f}  {key}  ({len(values)} runs)")
    return 0


def _traced_runs(runs: int, file: Path, root: Path, log: Path, *, known: bool):
    """Each run's steps, printed; every step's times over the runs."""
    seen: dict[str, list[float]] = {}
    for n in range(runs):
        log.unlink(missing_ok=True)
        result = run.startup_runs(file, 1, root / "runs", usable=True, known=known)[0]
        paint, usable = result.at("paint") * 1000, result.at("usable") * 1000
        print(f"run {n + 1}: first paint {paint:.0f} ms, every pane usable {usable:.0f} ms")
        firsts: dict[str, float] = {}
        for who, label, at, cpu in _steps(log, result.spawned):
            key = f"{who} {label}"
            if key not in firsts:  # (a step's first time: `ready` may be called twice)
                firsts[key] = at
                print(f"  {who} {at:7.0f} ms  cpu {cpu:6.0f} ms  {label}")
        for key, at in [*firsts.items(), ("  first paint", paint), ("  every pane usable", usable)]:
            seen.setdefault(key, []).append(at)
    return seen


if __name__ == "__main__":
    raise SystemExit(main())
