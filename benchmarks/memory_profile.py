"""Where the memory of figure 5 goes: resident memory at each stage of opening a file and
running the app on it, in one process. A benchmark to run by hand, never a test.

    python benchmarks/memory_profile.py                     # heavy file, the real code
    python benchmarks/memory_profile.py --size extreme
    python benchmarks/memory_profile.py --lever no-backup-bytes  # with a change patched in
    python benchmarks/memory_profile.py --tracemalloc --top 10  # Python-level bytes, top lines
    python benchmarks/memory_profile.py --time 5                # decode / Service.open medians
    python benchmarks/memory_profile.py --figure5 --lever log-peaks  # run.py's figure 5

Measured on heavy (26 MB; peak of the pty session, `run.py --sizes heavy --only memory`,
bare app 36-37 MB): 214 MB at commit 66152be. The levers measured here then (decode without
copies of the bytes, parsing table by table, backups never holding the file) are now in the
code: 124 MB (goal: under 37 + 124 = 161). See benchmarks/RESULTS.md.

For each stage: VmRSS after it, its growth over the previous stage, and the peak (VmHWM) reached
during it (the peak is reset before each stage through /proc/self/clear_refs). The stages follow
the real path: `Service.open` (read the bytes, `orjson.loads`, the shape checks, the storage's
load hook), the service's record objects, `views.build`, the app mounted headless with its tables
filled, then one follow-up marked done and saved (what figure 5's session does).

Levers (`--lever NAME`, repeatable) patch proposed changes to files this script does not own, so
their saving can be measured before anyone edits those files; see LEVERS below.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

MB = 1024 * 1024


def _status() -> dict[str, int]:
    """VmRSS and VmHWM in bytes."""
    out: dict[str, int] = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0]) * 1024
    return out


def _reset_peak() -> None:
    """Start a new VmHWM measurement (Linux: writing 5 to clear_refs resets the peak)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


class Stages:
    """Collects one row per stage: RSS after, growth, peak during, Python bytes (tracemalloc)."""

    def __init__(self, trace: bool, top: int = 0) -> None:
        self.trace = trace or top > 0
        self.top = top
        self._snap: Any = None
        self.rows: list[tuple[str, int, int, int, int | None, int | None]] = []
        self.first_rss = _status()["VmRSS"]
        self.last_rss = self.first_rss
        _reset_peak()

    def mark(self, name: str) -> None:
        st = _status()
        traced = peak = None
        if self.trace:
            import tracemalloc

            traced, peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
        grow = st["VmRSS"] - self.last_rss
        self.rows.append((name, st["VmRSS"], grow, st["VmHWM"], traced, peak))
        if self.top:
            import tracemalloc

            snap = tracemalloc.take_snapshot()
            if self._snap is not None:
                print(f"== {name}: top growth of Python memory, by line")
                for diff in snap.compare_to(self._snap, "lineno")[: self.top]:
                    print(f"   {diff}")
            self._snap = snap
        self.last_rss = st["VmRSS"]
        _reset_peak()

    def print(self, base_rss: int) -> None:
        head = f"{'stage':<44} {'RSS':>7} {'growth':>7} {'peak in':>8} {'over base':>9}"
        if self.trace:
            head += f" {'py now':>7} {'py peak':>7}"
        print(head)
        print("-" * len(head))
        for name, rss, grow, hwm, traced, peak in self.rows:
            line = (
                f"{name:<44} {rss / MB:7.1f} {grow / MB:+7.1f} {hwm / MB:8.1f} "
                f"{(hwm - base_rss) / MB:+9.1f}"
            )
            if self.trace and traced is not None and peak is not None:
                line += f" {traced / MB:7.1f} {peak / MB:7.1f}"
            print(line)


# -- levers: proposed changes to files this script does not own ---------------------------------
LEVERS: dict[str, Callable[[], None]] = {}


def lever(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def register(fn: Callable[[], None]) -> Callable[[], None]:
        LEVERS[name] = fn
        return fn

    return register


@lever("log-peaks")
def _log_peaks() -> None:
    """Not a change: log RSS and the peak since the previous line at each load and save (to the
    file in $REBOUND_MEMPROF_LOG, or stderr), to see which step of a session sets the peak."""
    import atexit
    import threading

    from rebound_tui.store import storage

    out = os.environ.get("REBOUND_MEMPROF_LOG")

    def log(what: str) -> None:
        st = _status()
        line = f"{what:<28} RSS {st['VmRSS'] / MB:6.1f}  peak since last {st['VmHWM'] / MB:6.1f}"
        line += f"  [{threading.current_thread().name}]\n"
        if out:
            with open(out, "a") as f:
                f.write(line)
        else:
            sys.stderr.write(line)
        _reset_peak()

    def wrap(cls: Any, name: str) -> None:
        real = getattr(cls, name)

        def wrapped(*a: Any, **k: Any) -> Any:
            log(f"before {cls.__name__}.{name}")
            try:
                return real(*a, **k)
            finally:
                log(f"after {cls.__name__}.{name}")

        setattr(cls, name, wrapped)

    wrap(storage.SyncStorage, "load")
    wrap(storage.SyncStorage, "save")
    atexit.register(log, "exit")


@lever("no-backup-bytes")
def _no_backup_bytes() -> None:
    """Not a change: saves make no backup, to bound what a backup that never holds the file in
    memory (a kernel copy from the open file, as `write_pieces` copies spans) would save."""
    from rebound_tui.store import database

    database.Database._maybe_backup = lambda self, content, force: None  # type: ignore[method-assign]


# -- the stages ---------------------------------------------------------------------------------
def data_file(size: str) -> Path:
    path = HERE / "data" / f"{size}-s7-v1.json"
    if not path.exists():
        sys.exit(f"{path} is missing: run python benchmarks/generate.py")
    return path


def instrument(stages: Stages) -> None:
    """Mark stages inside Service.open: after the bytes are read, parsed, and checked."""
    from rebound_tui.store import fileformat, record_problems, storage

    read_disk = storage.SyncStorage._read_disk

    def timed_read(self: Any) -> Any:
        out = read_disk(self)
        stages.mark("read the bytes")
        return out

    storage.SyncStorage._read_disk = timed_read  # type: ignore[method-assign]

    real_orjson = fileformat.orjson

    class OrjsonProbe:
        def __getattr__(self, name: str) -> Any:
            return getattr(real_orjson, name)

        @staticmethod
        def loads(raw: Any) -> Any:
            out = real_orjson.loads(raw)
            stages.mark("orjson.loads")
            return out

    fileformat.orjson = OrjsonProbe()  # type: ignore[assignment]
    shape = record_problems.shape_problems

    def timed_shape(*a: Any, **k: Any) -> Any:
        out = shape(*a, **k)
        stages.mark("shape checks (merge.check_doc)")
        return out

    record_problems.shape_problems = timed_shape  # type: ignore[assignment]


def run_stages(path: Path, trace: bool, top: int = 0) -> None:
    import datetime as dt
    import shutil
    import tempfile

    if trace or top:
        import tracemalloc

        tracemalloc.start()
    stages = Stages(trace, top)
    import rebound_tui.ui.app as ui_app
    from rebound_tui import views as views_mod
    from rebound_tui.domain.model import Company, Contact, FollowUp, Interaction
    from rebound_tui.service import Service

    stages.mark("imports (service, views, ui.app)")
    base_rss = stages.rows[-1][1]
    instrument(stages)

    work = Path(tempfile.mkdtemp(prefix="rebound-mem-"))
    os.environ["REBOUND_LOCK_DIR"] = str(work / "locks")
    os.environ["REBOUND_BACKUPS"] = str(work / "backups")
    copy = work / "rebound.json"
    shutil.copyfile(path, copy)
    hour_ago = time.time() - 3600
    os.utime(copy, (hour_ago, hour_ago))
    anchor = dt.date(2026, 11, 27)
    from rebound_tui.domain import dates

    dates.today = lambda *a, **k: anchor  # type: ignore[assignment]

    service = Service.open(copy, today=lambda: anchor)
    stages.mark("Service.open done (load hook: max_stamp)")
    for cls in (Company, Contact, Interaction, FollowUp):
        service._records(cls)
    stages.mark("record objects (Service._records)")
    snap = views_mod.build(service, anchor)
    stages.mark("views.build")
    del snap
    gc.collect()
    stages.mark("(snapshot dropped, gc.collect)")
    gc.freeze()  # as launch() does before the app runs

    async def app_stages() -> None:
        app = ui_app.make_app(service, data_label="mem")
        app.poll_seconds = 0  # no disk polling; the stages below do the store work by hand
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            stages.mark("app mounted, tables filled")
            app.action_focus_pane("network")
            for _ in range(30):
                await pilot.press("j")
            await pilot.press("slash", "m", "a", "r")
            await pilot.pause()
            stages.mark("network pane, 30 down, search")
            while app.workers._workers:  # the start-up cadence sync (and its save)
                await pilot.pause(0.05)
            stages.mark("start-up cadence sync (store worker)")
            first = service.due(anchor)[0].follow_up
            service.complete(first)
            stages.mark("complete one follow-up")
            app.refresh_panes()
            await pilot.pause()
            stages.mark("panes refreshed after the edit")
            saved = service.save()
            stages.mark(f"save (wrote: {saved})")

    asyncio.run(app_stages())
    stages.print(base_rss)
    st = _status()
    print(f"\nfile {path.stat().st_size / MB:.1f} MB; base (after imports) {base_rss / MB:.1f} MB")
    print(f"final RSS {st['VmRSS'] / MB:.1f} MB")
    shutil.rmtree(work, ignore_errors=True)


def run_times(path: Path, reps: int) -> None:
    """Medians of `fileformat.decode` and `Service.open` on the file, in this process."""
    import datetime as dt
    import shutil
    import tempfile

    from rebound_tui.service import Service
    from rebound_tui.store.fileformat import decode

    raw = path.read_bytes()
    work = Path(tempfile.mkdtemp(prefix="rebound-mem-"))
    os.environ["REBOUND_LOCK_DIR"] = str(work / "locks")
    os.environ["REBOUND_BACKUPS"] = str(work / "backups")
    anchor = dt.date(2026, 11, 27)
    dec, opn = [], []
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter()
        data = decode(raw, path)
        dec.append(time.perf_counter() - t0)
        del data
        gc.collect()
        t0 = time.perf_counter()
        service = Service.open(path, today=lambda: anchor)
        opn.append(time.perf_counter() - t0)
        del service
    shutil.rmtree(work, ignore_errors=True)
    print(
        f"decode median {statistics.median(dec) * 1000:.0f} ms "
        f"({', '.join(f'{x * 1000:.0f}' for x in dec)}); "
        f"Service.open median {statistics.median(opn) * 1000:.0f} ms "
        f"({', '.join(f'{x * 1000:.0f}' for x in opn)})"
    )


SITECUSTOMIZE = """\
import os
import sys

if sys.argv[1:2] == ["startup"] and os.environ.get("REBOUND_MEMPROF_LEVERS"):
    sys.path.insert(0, {here!r})
    import memory_profile

    for name in os.environ["REBOUND_MEMPROF_LEVERS"].split(","):
        memory_profile.LEVERS[name]()
"""


def run_figure5(levers: list[str]) -> None:
    """Figure 5 itself (`run.py --sizes heavy --only memory`), with the levers patched into
    the app's process (a sitecustomize on PYTHONPATH; the bare app's run is left alone)."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="rebound-levers-") as folder:
        Path(folder, "sitecustomize.py").write_text(SITECUSTOMIZE.format(here=str(HERE)))
        env = dict(os.environ, REBOUND_MEMPROF_LEVERS=",".join(levers))
        env["PYTHONPATH"] = os.pathsep.join(p for p in (folder, env.get("PYTHONPATH")) if p)
        argv = [sys.executable, str(HERE / "run.py"), "--sizes", "heavy", "--only", "memory"]
        log = Path(folder, "peaks.log")
        env["REBOUND_MEMPROF_LOG"] = str(log)
        print(f"levers: {', '.join(levers) or 'none'}", flush=True)
        subprocess.run(argv, env=env, check=True)
        if log.exists():
            print(log.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="heavy")
    parser.add_argument("--lever", action="append", default=[], choices=sorted(LEVERS))
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--top", type=int, default=0, metavar="N", help="top N lines per stage")
    parser.add_argument("--figure5", action="store_true", help="run figure 5 with the levers")
    parser.add_argument("--time", type=int, default=0, metavar="N", help="time N loads instead")
    args = parser.parse_args()
    for name in args.lever:
        LEVERS[name]()
    path = data_file(args.size)
    if args.figure5:
        run_figure5(args.lever)
    elif args.time:
        run_times(path, args.time)
    else:
        run_stages(path, args.tracemalloc, args.top)


if __name__ == "__main__":
    main()
