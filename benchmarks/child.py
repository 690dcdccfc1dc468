"""The measured side of the benchmarks: each figure runs here, in a fresh process.

`run.py` starts one of these per measurement, so no figure pays for another's garbage, and
start-up and peak memory are those of a real process. Not meant to be run by hand:

    child.py startup  --file F --marker-fd N [--session|--prime]   # the real CLI, in a pty
    child.py bare     --marker-fd N [--session]            # a bare Textual app, three empty panes
    child.py durable  --file F --work DIR --reps N         # JSON on stdout
    child.py tinydb   --file F --work DIR --reps N         # JSON on stdout
    child.py keys     --file F --cursor N                  # JSON on stdout
    child.py merge    --file F --work DIR --edits N --reps N

Top-level imports are the standard library only: start-up is measured from process start.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
APP_CSS = HERE.parent / "rebound_tui" / "ui" / "app.tcss"


def _anchor():
    import datetime as dt

    return dt.date.fromisoformat(os.environ.get("REBOUND_BENCH_TODAY", "2026-11-27"))


def peak_rss_kb() -> int:
    """This process's peak resident memory (VmHWM). Unlike wait4()'s ru_maxrss, it does not
    start from the parent's size at fork."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _emit(fd: int, **event: Any) -> None:
    os.write(fd, (json.dumps(event) + "\n").encode())


def _fresh_copy(src: Path, work: Path, name: str = "rebound.json") -> Path:
    """A copy of the data file in `work`, dated an hour ago (a file the user opens is not new)."""
    work.mkdir(parents=True, exist_ok=True)
    dest = work / name
    shutil.copyfile(src, dest)
    hour_ago = time.time() - 3600
    os.utime(dest, (hour_ago, hour_ago))
    return dest


# -- 1 and 5: start-up and memory, in a terminal -------------------------------------------------
def _watch_paints(
    app: Any,
    fd: int,
    ready: Any,
    session: bool,
    shows: Any = None,
    painted: Any = None,
    usable: Any = None,
) -> None:
    """Report the first paint for which `ready()` holds; exit then unless a session follows
    (or `usable()` is given: then exit at the first paint for which it holds, reported too).

    In a session, every later paint is reported too, with what `shows()` says is on screen, so
    the parent can time its key presses to the paint that shows their effect.
    """
    original = app._display
    state = {"done": False, "usable": False}

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is None:
            return
        if state["done"]:
            if usable is not None and not state["usable"] and usable():
                state["usable"] = True
                _emit(fd, event="usable", t=time.monotonic())
                if not session:
                    _emit(fd, event="exit", t=time.monotonic(), code=0, peak_rss_kb=peak_rss_kb())
                    os._exit(0)
            if shows is not None:
                _emit(fd, event="frame", t=time.monotonic(), shows=shows())
            return
        if not ready():
            return
        state["done"] = True
        _emit(fd, event="paint", t=time.monotonic(), rows=painted() if painted else [])
        if usable is not None and usable():
            state["usable"] = True
            _emit(fd, event="usable", t=time.monotonic())
        if not session and (usable is None or state["usable"]):
            # Measured: leave now. (A normal exit would first finish the background work the app
            # started, and save: seconds on the extreme file, which figure 5's session covers.)
            _emit(fd, event="exit", t=time.monotonic(), code=0, peak_rss_kb=peak_rss_kb())
            os._exit(0)

    app._display = display


class _AfterImport:
    """Run a patch when a module is first imported, without importing it before the app does.

    The app defers the service, pendulum and TinyDB until after its first paint (when the
    first-screen cache matches): importing them here to patch them would put their cost back
    before the paint.
    """

    def __init__(self, patches: dict[str, Any]) -> None:
        self.patches = patches

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        patch = self.patches.pop(name, None)
        if patch is None:
            return None
        import importlib.util

        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        loader = spec.loader
        original_exec = loader.exec_module

        class Loader:  # the real loader, then the patch
            def create_module(self, spec: Any) -> Any:
                return loader.create_module(spec)

            def exec_module(self, module: Any) -> None:
                original_exec(module)
                patch(module)

        spec.loader = Loader()
        return spec


def child_startup(args: argparse.Namespace) -> None:
    """The real `rebound-tui --db FILE`, with today pinned and a probe on the due pane's paint.

    `--prime`: run it as a user would (quit once the data is open), which leaves the first-screen
    cache for the next start on the same file.
    """
    fd = args.marker_fd
    _emit(fd, event="main", t=time.monotonic())
    anchor = _anchor()

    def pin_today(dates: Any) -> None:
        dates.today = lambda *a, **k: anchor  # the file is "as of" the anchor day

    def time_open(service_module: Any) -> None:
        Service = service_module.Service
        opened = Service.open.__func__

        def timed_open(cls, *a, **k):
            started = time.monotonic()
            service = opened(cls, *a, **k)
            _emit(fd, event="open", t=time.monotonic(), took=time.monotonic() - started)
            return service

        Service.open = classmethod(timed_open)

    from rebound_tui.store import due_cache  # the app imports it before its paint anyway

    due_cache.local_today = lambda: anchor

    def probe_app(ui_app: Any) -> None:
        """The probes, put on the app class when the program itself imports it: importing it
        here first (Textual with it) would start the program's own work later than it does
        (a first start's child process is started before Textual is imported)."""
        original_init = ui_app.ReboundApp.__init__

        def init(self, *a, **k) -> None:
            original_init(self, *a, **k)
            first = self.start.first_screen  # (a first start paints from the file's tables)
            cached = first is not None and getattr(first, "source", "cache") == "cache"
            _emit(fd, event="app", t=time.monotonic(), cached=cached, loaded=self.loaded)
            table = self.due.table
            seen = {"row": False}
            render_line = table.render_line

            def probe(y: int):
                if y >= 1 and table.rows:
                    seen["row"] = True
                return render_line(y)

            table.render_line = probe

            def shows() -> list[Any]:
                net = self.network.table
                screen = type(self.screen).__name__
                due = self.due.table.cursor
                out = [screen, len(self.screen_stack), net.cursor, net.filter, due]
                # Last: whether every pane shows the data (a start paints the due pane first).
                ready = bool(self.loaded and not self.start.building)
                if args.insights:  # the figures on screen yet, and how often they were computed
                    filled = getattr(self.screen, "insights", None) is not None
                    return [*out, filled, self.insights.computed, ready]
                return [*out, ready]

            if args.insights == "cold":  # nothing computed ahead: each `i` computes the figures
                self.insights.idle = 0
                opened = self.insights.open

                def open_cold(service: Any) -> None:
                    self.insights.key = self.insights.figures = None
                    opened(service)

                self.insights.open = open_cold
            elif args.insights == "warm":  # computed ahead soon after the data is quiet
                self.insights.idle = 0.5

            def painted() -> list[str]:
                """The ids of the due rows on screen: run.py checks they are open follow-ups of
                the file (so a cached first paint shows real data rows)."""
                return [r.id for r in table.rows[:10]]

            if args.prime:
                _prime(self, fd)
            else:

                def usable() -> bool:
                    """Every pane shows its rows: the data is open and the views are built."""
                    return bool(
                        self.loaded
                        and not getattr(self, "_building", False)
                        and self.bullpen.table.rows
                        and self.network.table.rows
                    )

                _watch_paints(
                    self,
                    fd,
                    lambda: seen["row"],
                    args.session,
                    shows,
                    painted,
                    usable if args.usable else None,
                )

        ui_app.ReboundApp.__init__ = init  # type: ignore[method-assign]

    patches = {"rebound_tui.domain.dates": pin_today, "rebound_tui.service": time_open}
    sys.meta_path.insert(0, _AfterImport({**patches, "rebound_tui.ui.app": probe_app}))
    from rebound_tui.cli import main

    sys.argv = ["rebound-tui", "--db", str(args.file)]
    code = main()  # as the `rebound-tui` process runs it (no argv: this process is the command's)
    _emit(fd, event="exit", t=time.monotonic(), code=code, peak_rss_kb=peak_rss_kb())


def _prime(app: Any, fd: int) -> None:
    """Quit with `q` once the data is open and the background work is done."""
    original = app._display
    state = {"asked": False}

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None and not state["asked"] and app.loaded:
            state["asked"] = True
            _emit(fd, event="paint", t=time.monotonic(), rows=[])
            app.call_later(app.run_action, "quit")

    app._display = display


def child_bare(args: argparse.Namespace) -> None:
    """The baseline: Header, three empty bordered panes as the dashboard lays them out, Footer."""
    fd = args.marker_fd
    _emit(fd, event="main", t=time.monotonic())
    from textual.app import App, ComposeResult
    from textual.containers import Horizontal, Vertical
    from textual.widgets import Footer, Header, Static

    class BareApp(App[None]):
        CSS_PATH = str(APP_CSS)
        BINDINGS = [("q", "quit", "Quit")]

        def compose(self) -> ComposeResult:
            yield Header()
            with Vertical(id="panes"):
                with Vertical(id="due", classes="pane"):
                    yield Static("")
                with Horizontal(id="lower"):
                    with Vertical(id="bullpen", classes="pane"):
                        yield Static("")
                    with Vertical(id="network", classes="pane"):
                        yield Static("")
            yield Footer()

        def on_mount(self) -> None:
            for pane, title in zip(
                self.query(".pane"), ("3 Due", "1 Bullpen", "2 Network"), strict=True
            ):
                pane.border_title = title

    app = BareApp()
    _emit(fd, event="app", t=time.monotonic())
    _watch_paints(app, fd, lambda: app.is_running, args.session)
    app.run()
    _emit(fd, event="exit", t=time.monotonic(), code=0, peak_rss_kb=peak_rss_kb())


# -- 2: durable edit -----------------------------------------------------------------------------
def child_durable(args: argparse.Namespace) -> dict[str, Any]:
    """Mark due follow-ups done one by one, as the dashboard does: each made durable in the
    journal (`commit`: appended and fsynced) before the next; the data file is then rewritten
    (fsync, atomic replace), timed apart: the dashboard does that once the changes pause."""
    path = _fresh_copy(args.file, args.work)
    os.environ["REBOUND_LOCK_DIR"] = str(args.work / "locks")
    os.environ["REBOUND_BACKUPS"] = str(args.work / "backups")
    from rebound_tui.service import Service

    anchor = _anchor()
    started = time.perf_counter()
    service = Service.open(path, today=lambda: anchor)
    opened = time.perf_counter() - started
    due = [item.follow_up for item in service.due()]
    rows = []
    for f in due[: args.reps]:
        t0 = time.perf_counter()
        service.complete(f)
        t1 = time.perf_counter()
        durable = service.commit()
        t2 = time.perf_counter()
        written = service.save()
        t3 = time.perf_counter()
        assert durable and written, "the commit or the save wrote nothing"
        rows.append({"complete": t1 - t0, "commit": t2 - t1, "total": t2 - t0, "save": t3 - t2})
    from rebound_tui.store.fileformat import decode

    check = decode(path.read_bytes(), path)
    done = sum(1 for f in due[: args.reps] if check["followups"][f.id]["status"] == "done")
    assert done == len(rows), "not every edit reached the disk"
    return {"open": opened, "edits": rows, "file_bytes": path.stat().st_size}


def child_tinydb(args: argparse.Namespace) -> dict[str, Any]:
    """Stock TinyDB + JSONStorage: the same update of one follow-up, on a copy of the same file.

    TinyDB's tables need string document ids for our records (its default is int), so the table
    class says so; the storage is the stock `JSONStorage`, which re-reads and rewrites the file
    (with fsync, without atomic replace) on every write.
    """
    path = _fresh_copy(args.file, args.work, "tinydb.json")
    import orjson
    from tinydb import TinyDB
    from tinydb.storages import JSONStorage
    from tinydb.table import Table

    class StrIdTable(Table):
        document_id_class = str

    class StrIdTinyDB(TinyDB):
        table_class = StrIdTable

    anchor = _anchor().isoformat()
    data = orjson.loads(path.read_bytes())
    ids = sorted(
        i
        for i, d in data["followups"].items()
        if d.get("status") == "open" and d.get("due", "9") <= anchor and "_deleted" not in d
    )[: args.reps]
    del data
    db = StrIdTinyDB(path, storage=JSONStorage)
    rows = []
    for record_id in ids:
        stamp = "2026-11-27T15:00:00.000Z-0000-a1c3e5f7"
        t0 = time.perf_counter()
        table = db.table("followups")
        doc = table.get(doc_id=record_id)
        clock = dict(doc["_clock"], status=stamp, closed_on=stamp)
        table.update({"status": "done", "closed_on": anchor, "_clock": clock}, doc_ids=[record_id])
        rows.append({"total": time.perf_counter() - t0})
    db.close()
    return {"edits": rows, "file_bytes": path.stat().st_size}


# -- 3: keystroke latency ------------------------------------------------------------------------
QUERIES = ("maria", "cedar", "recruiter", "chicago", "kim")


def child_keys(args: argparse.Namespace) -> dict[str, Any]:
    import asyncio

    return asyncio.run(_keys(args))


async def _keys(args: argparse.Namespace) -> dict[str, Any]:
    """Key press to the paint that shows its effect, in the network pane (headless, in-process).

    For each key: t0 just before the key event is posted (`pilot.press`), t1 when `App._display`
    returns from the first screen update whose network table already shows the key's effect (the
    cursor on the next row, or the filter equal to the text typed so far). `_display` is wrapped
    to also build the terminal escape sequences for that update (what a real terminal would be
    sent; headless mode skips only that and the write). So t1 - t0 covers event dispatch, the
    binding, the pane's work, Textual's wait for its next frame (up to 1/60 s), layout,
    rendering the changed lines, and encoding them.
    """
    import asyncio

    from textual._compositor import CompositorUpdate

    path = _fresh_copy(args.file, args.work)
    os.environ["REBOUND_LOCK_DIR"] = str(args.work / "locks")
    os.environ["REBOUND_BACKUPS"] = str(args.work / "backups")
    from rebound_tui.service import Service
    from rebound_tui.ui.app import make_app

    anchor = _anchor()
    service = Service.open(path, today=lambda: anchor)
    app = make_app(service, data_label=path.name)
    paints: list[tuple[float, int, str]] = []
    cursor_ms: list[float] = []
    search_ms: list[float] = []
    async with app.run_test(size=(args.cols, args.rows)) as pilot:
        await pilot.pause()
        # The other panes' rows are built in a thread after the first paint (seconds on the
        # extreme file): the keys are timed once they are there.
        deadline = time.perf_counter() + 300
        while app.start.building and time.perf_counter() < deadline:
            await pilot.pause(0.05)
        await pilot.pause()
        table = app.network.table
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
            paints.append((time.perf_counter(), table.cursor, table.filter))

        app._display = display

        async def press(key: str, done: Any) -> float:
            await pilot._wait_for_screen()
            await asyncio.sleep(0.02)  # let any frame in flight finish
            seen = len(paints)
            t0 = time.perf_counter()
            await pilot.press(key)
            deadline = t0 + 5
            while time.perf_counter() < deadline:
                for t, cursor, text in paints[seen:]:
                    if done(cursor, text):
                        return (t - t0) * 1000
                await asyncio.sleep(0.0005)
            raise TimeoutError(f"no paint showed the effect of {key!r}")

        await pilot.press("2")
        assert app.focused is table
        rows = len(table.rows)
        for _ in range(min(args.cursor, rows - 1)):
            expected = table.cursor + 1
            cursor_ms.append(await press("j", lambda c, _t, e=expected: c == e))
        for _ in range(min(args.cursor // 4, table.cursor)):
            expected = table.cursor - 1
            cursor_ms.append(await press("k", lambda c, _t, e=expected: c == e))
        await pilot.press("slash")
        for query in QUERIES:
            typed = ""
            for ch in query:
                typed += ch
                search_ms.append(await press(ch, lambda _c, t, e=typed: t == e))
            for _ in query:
                typed = typed[:-1]
                search_ms.append(await press("backspace", lambda _c, t, e=typed: t == e))
        app.exit()
    return {"rows": rows, "cursor_ms": cursor_ms, "search_ms": search_ms}


# -- 4: merge -------------------------------------------------------------------------------------
class _Editor:
    """Stamped edits straight into a Database's data, as `Database.update/create/delete` make
    them but without TinyDB's whole-table rewrite per write (which would make preparing 2,000
    edits on the extreme file take half a minute). The merge does not care how they were made."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.data = db.storage.read()

    def raw(self, table: str) -> dict[str, Any]:
        return self.data.get(table, {})

    def update(self, table: str, record_id: str, changes: dict[str, Any]) -> None:
        from rebound_tui.domain import record

        doc = self.data[table][record_id]
        self.data[table][record_id] = record.with_changes(doc, changes, self.db.clock.now())

    def create(self, table: str, fields: dict[str, Any]) -> None:
        from rebound_tui.domain import record

        new = record.new_doc(fields, self.db.clock.now())
        self.data.setdefault(table, {})[record.new_id()] = new

    def delete(self, table: str, record_id: str) -> None:
        from rebound_tui.domain import record

        doc = self.data[table][record_id]
        self.data[table][record_id] = record.tombstoned(doc, self.db.clock.now())

    def done(self) -> None:
        self.db.storage.write(self.data)  # dirty: the next save merges and writes


def _edit_replica(database: Any, seed: int, count: int, shared: list[tuple[str, str]]) -> None:
    """`count` edits, as a user on another machine would make them."""
    import random

    from rebound_tui.domain import record

    db = _Editor(database)
    rng = random.Random(seed)
    anchor = _anchor().isoformat()

    def live(table: str) -> list[str]:
        return sorted(i for i, d in db.raw(table).items() if record.is_live(d))

    contacts, companies = live("contacts"), live("companies")
    followups = sorted(
        i for i, d in db.raw("followups").items() if record.is_live(d) and d["status"] == "open"
    )
    interactions = live("interactions")
    plan = (
        ["contact"] * 35 + ["followup"] * 25 + ["log"] * 20 + ["company"] * 10 + ["delete"] * 5
    ) + ["person"] * 5
    done: set[str] = set()
    with database.batch():
        for n in range(count):
            kind = rng.choice(plan)
            if shared and n % 10 == 0:  # one edit in ten touches a record the other side edits
                table, record_id = shared[(n // 10) % len(shared)]
                field = "notes" if table in ("contacts", "companies") else "note"
                db.update(table, record_id, {field: f"edited on replica {seed} ({n})"})
            elif kind == "contact":
                db.update("contacts", rng.choice(contacts), {"title": f"Title {seed}-{n}"})
            elif kind == "followup" and followups:
                f = followups.pop(rng.randrange(len(followups)))
                db.update("followups", f, {"status": "done", "closed_on": anchor})
            elif kind == "company":
                db.update("companies", rng.choice(companies), {"notes": f"news {seed}-{n}"})
            elif kind == "delete":
                victim = interactions.pop(rng.randrange(len(interactions)))
                if victim not in done:
                    db.delete("interactions", victim)
                    done.add(victim)
            elif kind == "person":
                db.create("contacts", {"name": f"Replica {seed} person {n}", "role": "peer"})
            else:
                db.create(
                    "interactions",
                    {
                        "kind": "email",
                        "day": anchor,
                        "contact_id": rng.choice(contacts),
                        "note": f"from replica {seed}",
                        "with_ids": [],
                    },
                )
        db.done()


def child_merge(args: argparse.Namespace) -> dict[str, Any]:
    """Two replicas of one file, `edits` edits each, merged: in memory, on save, by git."""
    import random

    import orjson

    from rebound_tui.domain.clock import HybridClock
    from rebound_tui.domain.merge import merge_databases
    from rebound_tui.store.database import Database
    from rebound_tui.store.fileformat import decode, encode
    from rebound_tui.store.merge_driver import merge_files

    os.environ["REBOUND_LOCK_DIR"] = str(args.work / "locks")

    os.environ["REBOUND_BACKUPS"] = str(args.work / "backups")
    result: dict[str, list[float]] = {
        "merge": [],
        "merge_shared": [],
        "save_merging": [],
        "git_driver": [],
        "floor": [],
    }
    counts: dict[str, int] = {}
    for rep in range(args.reps):
        work = args.work / f"rep{rep}"
        base = _fresh_copy(args.file, work, "base.json")
        raw = base.read_bytes()
        pick = random.Random(rep)
        data = orjson.loads(raw)  # not timed: no need for decode's checks
        shared = [("contacts", i) for i in pick.sample(sorted(data["contacts"]), 50)]
        shared += [("companies", i) for i in pick.sample(sorted(data["companies"]), 20)]
        del data
        for name in ("a.json", "b.json"):
            shutil.copyfile(base, work / name)
        b = Database(work / "b.json", clock=HybridClock("bbbbbbbb"))
        _edit_replica(b, 2, args.edits, shared)
        b.save()
        a = Database(work / "a.json", clock=HybridClock("aaaaaaaa"))
        _edit_replica(a, 1, args.edits, shared)
        a_data = a.storage.read()
        b_raw = (work / "b.json").read_bytes()

        t0 = time.perf_counter()
        b_data = decode(b_raw, "b.json")
        encode(b_data)
        result["floor"].append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        merged = merge_databases(a_data, b_data)
        result["merge"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        merge_databases(a_data, b_data, share=True)
        result["merge_shared"].append(time.perf_counter() - t0)
        counts = {t: len(merged[t]) for t in ("contacts", "interactions", "followups")}

        # git: ancestor, ours and theirs on disk; the result replaces ours.
        ours = work / "ours.json"
        ours.write_bytes(encode(a_data))
        if args.git:
            t0 = time.perf_counter()
            merge_files(base, ours, work / "b.json")
            result["git_driver"].append(time.perf_counter() - t0)
        else:
            ours.write_bytes(encode(merge_databases(a_data, b_data)))

        # A sync tool delivers B's file over A's; A's next save merges it and writes the result.
        os.replace(work / "b.json", work / "a.json")
        t0 = time.perf_counter()
        a.save()
        result["save_merging"].append(time.perf_counter() - t0)
        on_disk = (work / "a.json").read_bytes()
        assert on_disk == ours.read_bytes(), "save and git disagree"
        on_disk = orjson.loads(on_disk)
        assert {t: len(on_disk[t]) for t in counts} == counts
    return {"times": result, "counts": counts}


# -- plumbing --------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode")
    parser.add_argument("--file", type=Path)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--marker-fd", type=int)
    parser.add_argument("--session", action="store_true")
    parser.add_argument("--prime", action="store_true", help="startup: quit once loaded")
    parser.add_argument("--usable", action="store_true", help="startup: until every pane")
    parser.add_argument(
        "--insights", choices=("cold", "warm"), help="startup: the insights cache for `i`"
    )
    parser.add_argument("--git", type=int, default=1, help="merge: also time the git driver")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--cursor", type=int, default=120)
    parser.add_argument("--cols", type=int, default=120)
    parser.add_argument("--rows", type=int, default=40)
    args = parser.parse_args(argv)
    if args.mode == "startup":
        child_startup(args)
        return 0
    if args.mode == "bare":
        child_bare(args)
        return 0
    run = {
        "durable": child_durable,
        "tinydb": child_tinydb,
        "keys": child_keys,
        "merge": child_merge,
    }[args.mode]
    out = run(args)
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


if __name__ == "__main__":
    raise SystemExit(main())
