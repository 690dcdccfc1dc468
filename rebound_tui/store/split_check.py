"""A command's check of a file new here, its largest table in a forked child.

A command (`rebound-tui done ...`) on a file this machine has not checked before (just
delivered by a sync tool) checks every record: on the heavy benchmark file about 0.13 s of
Python, holding the interpreter, while the machine's other core idles. So, where the system can
fork, the command forks once it knows the file is new here (`checked.py`): the child parses and
checks the first three quarters (`SHARE`) of the largest table's records (on the heavy file the
interactions, 60% of the bytes) from the bytes both processes already hold, while the parent
checks the other tables, parses the largest for itself and checks the rest of its records. The
parent then takes the child's verdict: the problems it found, in the words the check uses, and
their highest stamp. (A record id given in both shares, whose later value is the one the file
means, has the whole table checked by the parent instead.)

The child only reads: it writes nothing but its answer on a pipe, and ends with `os._exit`
(no exit handlers, no buffered output of the parent flushed twice). Its answer is read as
plain JSON and checked by type. If it cannot be forked, fails, answers anything else or not
within `WAIT_SECONDS`, the parent checks the table itself: the split only ever saves time,
never changes a verdict. Linux only (a fork without exec is unsafe on macOS once some system
libraries are loaded), and never while another thread runs.

**Forked ahead.** Where the file looks new here before its hash is known (`checked.
changed_since_checked`: it changed after this machine last remembered checked bytes, as when a
sync tool has just delivered it), the command forks the child as soon as the bytes are read,
before it hashes or parses anything (`SplitCheck.ahead`): the child finds the tables itself and
checks the largest, which the parent then expects by name and place. That starts the longer
half about 40 ms sooner. If the hash then says the bytes were checked before after all, the
child is ended unasked: a guess only ever moves time, never a verdict.

The child closes its end of the pipe before it ends: the parent reads the answer without
waiting for the child's memory to be torn down, and collects the child later (`_reap`).

Not used by the dashboard (it keeps its data and shares equal strings while checking, which a
child's check cannot do for it) nor by a first start's views_helper (it runs beside the
dashboard's own start: a third process on two cores would slow that start).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from rebound_tui.store.files import write_all

__all__ = ["MIN_BYTES", "SplitCheck", "apart_table", "parse"]

MIN_BYTES = 1 << 20  # a smaller table is checked in less time than a fork and its answer take
# The child's share of the largest table's bytes: it parses and checks those records, while this
# process, which parses the whole table anyway, checks the rest (measured: the two then end
# together on the heavy benchmark file).
SHARE = 0.75
_NEXT_RECORD = (
    b',\n    "'  # between two records of a table, as `encode` (and an indent of 2) lays them
)
WAIT_SECONDS = 30.0  # the longest the command waits for the child's answer (the extreme
# benchmark file's interactions, 100,000 records, take it about a second)


Spans = list[tuple[str, int, int]]  # (table, start, stop) of each table's value in the file


def apart_table(spans: Spans, given: Mapping[str, Any]) -> int | None:
    """The table a child would check: the largest, if it is large, given once in the file, and
    not parsed already (`given`)."""
    index = max(range(len(spans)), key=lambda i: spans[i][2] - spans[i][1], default=None)
    if index is None or _cores() < 2:
        return None
    name, start, stop = spans[index]
    if stop - start < MIN_BYTES or name in given or [n for n, *_ in spans].count(name) > 1:
        return None
    return index


def cut_point(raw: bytes, start: int, stop: int) -> int | None:
    """Where the child's share of the table `raw[start:stop]` (a JSON object) ends: at the
    comma before a record, about SHARE of the way in; None where no such comma follows (then
    the child checks the whole table). A cut anywhere but between two records of the table
    leaves both parts invalid JSON (their braces do not balance): never a wrong verdict, only
    the whole check here."""
    at = raw.find(_NEXT_RECORD, start + int((stop - start) * SHARE), stop)
    return at if at > start else None


def _parts(view: memoryview, start: int, stop: int, cut: int | None) -> list[Any]:
    """The table `view[start:stop]` as the child's part and the rest, each a JSON object."""
    if cut is None:
        return [view[start:stop]]
    return [b"".join((view[start:cut], b"}")), b"".join((b"{", view[cut + 1 : stop]))]


def parse(
    view: memoryview,
    spans: Spans,
    apart: int,
    order: list[int],
    stamp_limit: str | None,
    now_ms: int,
    trusted: Callable[[], bool],
    top: list[str] | None,
    check_table: Callable[[int, Any], list[str]],
    meanwhile: Callable[[dict[int, Any]], None] | None = None,
    ahead: SplitCheck | None = None,
) -> tuple[dict[int, Any], dict[int, list[str]] | None, bool]:
    """`fileformat._parse_by_table` with the table `apart` checked by a child: the other
    tables parsed, then `trusted()` asked (the bytes' hash is computed meanwhile on another
    thread); if they must be checked, the child is forked, the other tables are checked here
    (`check_table`), `apart` is parsed here too, and the child's verdict taken (without one,
    `apart` is checked here). `meanwhile(parsed)` is what this process does while the child
    may still be checking (every table is parsed by then). Returns (each table's value, each
    table's problems or None when `trusted()` spared the checks, whether it did), by the tables'
    places in `spans`. `ahead`: the child forked already (`SplitCheck.ahead`), ended unasked
    if `trusted()` spares the checks."""
    parsed = {i: orjson.loads(view[spans[i][1] : spans[i][2]]) for i in order if i != apart}
    name, start, stop = spans[apart]
    if trusted():
        if ahead is not None:
            ahead.abandon()
        parsed[apart] = orjson.loads(view[start:stop])
        return parsed, None, True
    cut = cut_point(view.obj, start, stop)  # type: ignore[arg-type]
    where = [name, start, stop, cut]  # (what the child's answer must be about)
    if ahead is not None:
        child: SplitCheck | None = ahead.expecting(where)
    else:
        mine = (view[start:stop],) if cut is None else (view[start:cut], b"}")
        child = SplitCheck.start(name, mine, stamp_limit, now_ms, top is not None, where)
    problems: dict[int, list[str]] = {}
    try:
        for index in order:
            if index != apart:
                problems[index] = check_table(index, parsed[index])
        # The whole table, from the child's part and the rest; the rest checked here.
        values = [orjson.loads(part) for part in _parts(view, start, stop, cut)]
        table, count = values[0], len(values[0])
        rest: list[str] = []
        if len(values) == 2:
            table.update(values[1])
            if len(table) != count + len(values[1]):
                if child is not None:  # a record id given in both parts: whose value the file
                    child.abandon()  # means is the later one's; the whole table checked here
                child = None
            else:
                rest = check_table(apart, values[1])
        parsed[apart] = table
        del values
        if meanwhile is not None:
            meanwhile(parsed)
        verdict = child.verdict() if child is not None else None
        child = None
    finally:
        if child is not None:
            child.abandon()
    if verdict is None:
        problems[apart] = check_table(apart, parsed[apart])
    else:
        problems[apart], highest = verdict[0] + rest, verdict[1]
        if top is not None and highest is not None and highest > top[0]:
            top[0] = highest
    return parsed, problems, False


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class SplitCheck:
    """A forked child checking one table of a file (see the module's doc)."""

    def __init__(self, pid: int, answer_fd: int, top: bool) -> None:
        self.pid = pid
        self._fd: int | None = answer_fd
        self._top = top  # the answer says the highest stamp
        self._where: list[Any] | None = None  # what the answer must be about

    @classmethod
    def start(
        cls,
        name: str,
        raw: bytes | memoryview | tuple[Any, ...],
        stamp_limit: str | None,
        now_ms: int,
        top: bool,
        where: list[Any] | None = None,
    ) -> SplitCheck | None:
        """Fork a child that parses records of the table `name` from `raw` (a JSON object, or
        the pieces it is made of) and checks them; None where it cannot (no fork on this
        system, or the fork failed). `top`: the child also says their highest stamp. `where`:
        what the answer says it is about (and its verdict is taken only if it does)."""
        child = cls._fork(lambda: _answer(name, raw, stamp_limit, now_ms, top, where), top)
        return child.expecting(where) if child is not None and where is not None else child

    @classmethod
    def ahead(
        cls, raw: bytes, stamp_limit: str | None, now_ms: int, top: bool
    ) -> SplitCheck | None:
        """Fork a child that finds the tables of the whole file `raw` and checks the one
        `apart_table` picks (saying which, and where), before this process has parsed or hashed
        anything; None where it cannot, or where no table would be checked apart. Its verdict
        is taken only for the table this process then picks too (`expecting`)."""
        if len(raw) < MIN_BYTES or _cores() < 2:
            return None
        return cls._fork(lambda: _answer_whole(raw, stamp_limit, now_ms, top), top)

    def expecting(self, where: list[Any]) -> SplitCheck:
        """The verdict counts only if it is about this part of the file: [the table's name, its
        start, its stop, where the child's part of it ends (None: the whole table)]."""
        self._where = where
        return self

    @classmethod
    def _fork(cls, answer: Callable[[], bytes], top: bool) -> SplitCheck | None:
        fork = getattr(os, "fork", None)
        if fork is None or not sys.platform.startswith("linux") or threading.active_count() > 1:
            # No fork here; or (macOS) one without exec is unsafe once some system libraries
            # are loaded; or another thread may hold a lock the child would need.
            return None
        try:
            read_fd, write_fd = os.pipe()
        except OSError:
            return None
        try:
            pid = fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            return None
        if pid == 0:  # the child: answer, and end without anything else the parent would do
            code = 1
            try:
                os.close(read_fd)
                write_all(write_fd, answer())
                os.close(write_fd)  # (the answer is complete: the parent need not wait more)
                code = 0
            except BaseException:  # noqa: BLE001, S110 (any failure: the parent checks instead)
                pass
            finally:
                os._exit(code)
        os.close(write_fd)
        return cls(pid, read_fd, top)

    def verdict(self, wait: float | None = None) -> tuple[list[str], str | None] | None:
        """(the problems found, the highest stamp or None) once the child has answered; None if
        it failed, answered anything else or took more than `wait` seconds (then it is ended;
        the caller checks the table itself)."""
        if self._fd is None:
            return None  # (asked before, or abandoned)
        parts: list[bytes] = []
        deadline = time.monotonic() + (WAIT_SECONDS if wait is None else wait)
        try:
            while select.select([self._fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                chunk = os.read(self._fd, 1 << 16)
                if not chunk:
                    break
                parts.append(chunk)
            else:  # (no answer in time: a child stuck, never a reason to hang the command)
                parts = []
                with contextlib.suppress(OSError):
                    os.kill(self.pid, signal.SIGKILL)
        except (OSError, ValueError):  # (ValueError: a descriptor `select` cannot watch)
            parts = []
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
        finally:
            os.close(self._fd)
            self._fd = None
            _reap(self.pid)
        try:
            answer = orjson.loads(b"".join(parts)) if parts else None
        except orjson.JSONDecodeError:
            return None
        if type(answer) is not dict:
            return None
        problems, top = answer.get("problems"), answer.get("top")
        if type(problems) is not list or any(type(p) is not str for p in problems):
            return None
        if type(top) is not (str if self._top else type(None)):
            return None
        if self._where is not None and answer.get("table") != self._where:
            return None  # (a child forked ahead checked another part of the file, or none)
        return problems, top

    def abandon(self) -> None:
        """The parent stopped before asking (an error, an interrupt, or the checks were spared):
        end the child. Nothing once its verdict was taken."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        self.verdict(wait=0.0)


# Children that had answered but not yet ended when their verdict was taken: collected later.
_unreaped: list[int] = []
_reap_at_exit = False


def _reap(pid: int | None = None) -> None:
    """Collect `pid` if it has ended (else later), and any child left from before; at the
    process's end (atexit), wait for those still ending."""
    global _unreaped, _reap_at_exit
    if pid is not None:
        if not _reap_at_exit:
            import atexit

            atexit.register(_reap_all)
            _reap_at_exit = True
        _unreaped.append(pid)
    left = []
    for child in _unreaped:
        try:
            if os.waitpid(child, os.WNOHANG) == (0, 0):
                left.append(child)
        except ChildProcessError:
            pass
    _unreaped = left


def _reap_all() -> None:
    for child in _unreaped:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(child, 0)
    _unreaped.clear()


def _answer(
    name: str,
    raw: bytes | memoryview | tuple[Any, ...],
    stamp_limit: str | None,
    now_ms: int,
    top: bool,
    where: list[Any] | None = None,
) -> bytes:
    from rebound_tui.store.record_problems import table_problems

    value: Any = orjson.loads(b"".join(raw) if isinstance(raw, tuple) else raw)
    seen = [""] if top else None
    problems = table_problems(name, value, None, stamp_limit, now_ms, None, seen, share=False)
    answer = {"problems": problems, "top": seen[0] if seen is not None else None}
    return orjson.dumps(answer if where is None else {**answer, "table": where})


def _answer_whole(raw: bytes, stamp_limit: str | None, now_ms: int, top: bool) -> bytes:
    """`_answer` for the child's part of the table of the whole file `raw` that `apart_table`
    picks, saying which: "table" is [name, start, stop, cut] (`cut_point`; null when no table
    is picked: the parent then expects none)."""
    from rebound_tui.store.layout import table_spans

    spans = table_spans(raw)
    apart = apart_table(spans, {}) if spans is not None else None
    if spans is None or apart is None:
        return orjson.dumps({"table": None})
    name, start, stop = spans[apart]
    cut = cut_point(raw, start, stop)
    view = memoryview(raw)
    mine = (view[start:stop],) if cut is None else (view[start:cut], b"}")
    return _answer(name, mine, stamp_limit, now_ms, top, [name, start, stop, cut])
