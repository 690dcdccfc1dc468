"""A command's check of a file new here, its largest table in a forked child.

A command (`rebound-tui done ...`) on a file this machine has not checked before (just
delivered by a sync tool) checks every record: on the heavy benchmark file about 0.13 s of
Python, holding the interpreter, while the machine's other core idles. So, where the system can
fork, the command forks once it knows the file is new here (`checked.py`): the child parses and
checks the largest table (on the heavy file the interactions, 60% of the bytes) from the bytes
both processes already hold, while the parent checks the other tables and parses the largest
for itself. The parent then takes the child's verdict: the problems it found, in the words the
check uses, and the table's highest stamp.

The child only reads: it writes nothing but its answer on a pipe, and ends with `os._exit`
(no exit handlers, no buffered output of the parent flushed twice). Its answer is read as
plain JSON and checked by type. If it cannot be forked, fails, answers anything else or not
within `WAIT_SECONDS`, the parent checks the table itself: the split only ever saves time,
never changes a verdict. Linux only (a fork without exec is unsafe on macOS once some system
libraries are loaded), and never while another thread runs.

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
) -> tuple[dict[int, Any], dict[int, list[str]] | None, bool]:
    """`fileformat._parse_by_table` with the table `apart` checked by a child: the other
    tables parsed, then `trusted()` asked (the bytes' hash is computed meanwhile on another
    thread); if they must be checked, the child is forked, the other tables are checked here
    (`check_table`), `apart` is parsed here too, and the child's verdict taken (without one,
    `apart` is checked here). `meanwhile(parsed)` is what this process does while the child
    may still be checking (every table is parsed by then). Returns (each table's value, each
    table's problems or None when `trusted()` spared the checks, whether it did), by the tables'
    places in `spans`."""
    parsed = {i: orjson.loads(view[spans[i][1] : spans[i][2]]) for i in order if i != apart}
    name, start, stop = spans[apart]
    if trusted():
        parsed[apart] = orjson.loads(view[start:stop])
        return parsed, None, True
    child = SplitCheck.start(name, view[start:stop], stamp_limit, now_ms, top is not None)
    problems: dict[int, list[str]] = {}
    try:
        for index in order:
            if index != apart:
                problems[index] = check_table(index, parsed[index])
        parsed[apart] = orjson.loads(view[start:stop])
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
        problems[apart], highest = verdict
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
        self._fd = answer_fd
        self._top = top  # the answer says the highest stamp

    @classmethod
    def start(
        cls, name: str, raw: bytes | memoryview, stamp_limit: str | None, now_ms: int, top: bool
    ) -> SplitCheck | None:
        """Fork a child that parses the table `name` from `raw` (its JSON value) and checks it;
        None where it cannot (no fork on this system, or the fork failed). `top`: the child
        also says the table's highest stamp."""
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
                write_all(write_fd, _answer(name, raw, stamp_limit, now_ms, top))
                code = 0
            except BaseException:  # noqa: BLE001, S110 (any failure: the parent checks instead)
                pass
            finally:
                os._exit(code)
        os.close(write_fd)
        return cls(pid, read_fd, top)

    def verdict(self, wait: float | None = None) -> tuple[list[str], str | None] | None:
        """(the problems found, the highest stamp or None) once the child is done; None if it
        failed, answered anything else or took more than `wait` seconds (then it is ended; the
        caller checks the table itself)."""
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
        finally:
            os.close(self._fd)
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return None
        if os.waitstatus_to_exitcode(status) != 0 or not parts:
            return None
        try:
            answer = orjson.loads(b"".join(parts))
        except orjson.JSONDecodeError:
            return None
        if type(answer) is not dict:
            return None
        problems, top = answer.get("problems"), answer.get("top")
        if type(problems) is not list or any(type(p) is not str for p in problems):
            return None
        if type(top) is not (str if self._top else type(None)):
            return None
        return problems, top

    def abandon(self) -> None:
        """The parent stopped before asking (an error, an interrupt): end the child."""
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        self.verdict(wait=0.0)


def _answer(
    name: str, raw: bytes | memoryview, stamp_limit: str | None, now_ms: int, top: bool
) -> bytes:
    from rebound_tui.store.record_problems import table_problems

    value: Any = orjson.loads(raw)
    seen = [""] if top else None
    problems = table_problems(name, value, None, stamp_limit, now_ms, None, seen, share=False)
    return orjson.dumps({"problems": problems, "top": seen[0] if seen is not None else None})
