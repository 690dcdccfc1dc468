"""A command's check of a file new here, most of it in a forked child.

A command (`rebound-tui done ...`) on a file this machine has not checked before (just
delivered by a sync tool) checks every record: on the heavy benchmark file about 0.15 s of
Python, holding the interpreter, while the other core idles. So, where the system can fork, the
command forks once it knows the file is new here (`checked.py`): the child parses and checks
the largest table's records (on the heavy file the interactions, 60% of the bytes) from the
bytes both processes hold, a few hundred KB at a time (`table_chunks.py`), and says whether
they are exactly what `encode` writes (`table_chunks.Exact`), while the parent parses and
checks the other tables. With `sparse` (a command's load) the parent leaves the largest table
as its bytes (`sparse_table.py`) if the child says they are laid out so, and parses it
otherwise; without, it parses it and checks all but the child's share (`SHARE`, a record id
given in both shares: all of it). Then it takes the child's verdict: the problems it found, in
the check's words, and their highest stamp.

**Forked ahead.** Where the file looks new here before its hash is known (`checked.
changed_since_checked`, as after a sync tool's delivery), the command forks the child as soon
as it has read the bytes and found the tables (`SplitCheck.ahead`; `early_read.py`: before it
imports the service); its verdict counts only if it is about the table the parent expects. If
the hash says the bytes were checked before after all, the child is ended unasked: a guess
only ever moves time. A parent done first does what it would do later anyway (`parse`'s
`idle`: a command's save imports) before it waits.

The child only reads: it writes nothing but its answer on a pipe (closed before it ends, so the
parent need not wait for its teardown; collected later, `_reap`), and ends with `os._exit`.
Its answer is plain JSON, checked by type. If it cannot be forked, fails, answers anything else
or not within `WAIT_SECONDS`, the parent checks that table itself: the split only ever saves
time, never changes a verdict. Linux only (a fork without exec is unsafe on macOS once some
system libraries are loaded), and never while another thread runs. Not used by the dashboard
(it keeps its data and shares equal strings while checking, which a child cannot do for it) nor
by a first start's views_helper (beside the dashboard's own start, a third busy process).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import time
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from rebound_tui.store import table_chunks
from rebound_tui.store.files import fork_with_pipe, write_all
from rebound_tui.store.layout import largest_table
from rebound_tui.store.sparse_table import SparseTable
from rebound_tui.store.table_chunks import NEXT_RECORD

__all__ = ["MIN_BYTES", "SplitCheck", "apart_table", "parse"]

MIN_BYTES = 1 << 20  # a smaller table is checked in less time than a fork and its answer take
SHARE = 0.75  # of the largest table, the child's, when this process parses it all the same
WAIT_SECONDS = 30.0  # the longest wait for an answer (the extreme file's takes about 1 s)

Spans = list[tuple[str, int, int]]  # (table, start, stop) of each table's value in the file
# A verdict: its records' problems, their highest stamp, and (if asked) whether the table is
# exactly what `encode` writes for it (`table_chunks.Exact`), else None.
Verdict = tuple[list[str], str | None, bool | None]


def apart_table(spans: Spans, given: Mapping[str, Any]) -> int | None:
    """The table a child would check: the largest, if it is large, given once in the file, and
    not parsed already (`given`)."""
    index = largest_table(spans, MIN_BYTES)
    if index is None or _cores() < 2 or spans[index][0] in given:
        return None
    return index


def cut_point(raw: bytes, start: int, stop: int) -> int | None:
    """Where the child's share of the table `raw[start:stop]` (a JSON object) ends: at the
    comma before a record, about `SHARE` of the way in; None where no such comma follows (then
    the child checks the whole table). A cut anywhere but between two records of the table
    leaves both parts invalid JSON (their braces do not balance): never a wrong verdict, only
    the whole check here."""
    at = raw.find(NEXT_RECORD, start + int((stop - start) * SHARE), stop)
    return at if at > start else None


def _parts(view: memoryview, start: int, stop: int, cut: int | None) -> list[Any]:
    """The table `view[start:stop]` as the child's part and the rest, each a JSON object (the
    child's as `table_chunks.chunks` takes it: not copied whole)."""
    if cut is None:
        return [view[start:stop]]
    return [(view[start:cut], b"}"), b"".join((b"{", view[cut + 1 : stop]))]


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
    idle: Callable[[], None] | None = None,
    sparse: bool = False,
    laid_out: list[bool] | None = None,
) -> tuple[dict[int, Any], dict[int, list[str]] | None, bool]:
    """`by_table.parse_by_table` with the table `apart` checked by a child (see the
    module): the other tables parsed, then `trusted()` asked; if the checks are due, the child
    is forked (or `ahead` taken; ended unasked if `trusted()` spares the checks), the other
    tables checked here (`check_table`), and the child's verdict taken (without one, `apart`
    is checked here). `sparse`: `apart` may stay bytes (`laid_out` gets whether the child said
    they are exactly `encode`'s). `meanwhile(parsed)`: done while the child may still check.
    `idle()`: done if the child has not answered by then (work the caller would do later).
    Returns (each table's value, each table's problems or None when `trusted()` spared the
    checks, whether it did), by the tables' places in `spans`."""
    parsed = {i: table_chunks.parse(view[spans[i][1] : spans[i][2]]) for i in order if i != apart}
    name, start, stop = spans[apart]
    raw: bytes = view.obj  # type: ignore[assignment]
    if trusted():
        if ahead is not None:
            ahead.abandon()
        kept = SparseTable(raw, start, stop) if sparse else None  # (if exact: the caller's)
        parsed[apart] = kept if kept is not None else table_chunks.parse(view[start:stop])
        return parsed, None, True
    # A child forked ahead, or one whose table may stay bytes here, checks all of it.
    cut = None if sparse or ahead is not None else cut_point(raw, start, stop)
    where: list[Any] = [name, start, stop, cut]  # (what the child's answer must be about)
    if ahead is not None:
        where.append([list(span) for span in spans])
        child: SplitCheck | None = ahead.expecting(where)
    else:
        mine = (view[start:stop],) if cut is None else (view[start:cut], b"}")
        child = SplitCheck.start(name, mine, stamp_limit, now_ms, top is not None, where, sparse)
    problems: dict[int, list[str]] = {}
    rest: list[str] = []  # (the problems of the rest of `apart`, if cut)
    try:
        for index in order:
            if index != apart:
                problems[index] = check_table(index, parsed[index])
        if sparse and child is not None:
            # Left as bytes, read only if the child says they are exactly as we write them.
            parsed[apart] = SparseTable(raw, start, stop)
        else:  # the whole table, from the child's part and the rest; the rest checked here
            values = [table_chunks.parse(part) for part in _parts(view, start, stop, cut)]
            table, count = values[0], len(values[0])
            if len(values) == 2:
                table.update(values[1])
                if len(table) != count + len(values[1]):
                    if child is not None:  # a record id given in both parts: whose value the
                        child.abandon()  # file means is the later one's; all checked here
                    child = None
                else:
                    rest = check_table(apart, values[1])
            parsed[apart] = table
            del values
        if meanwhile is not None:
            meanwhile(parsed)
        if idle is not None and child is not None and not child.answered():
            idle()  # (this process would only wait)
        verdict = child.verdict() if child is not None else None
        child = None
    finally:
        if child is not None:
            child.abandon()
    if type(parsed[apart]) is SparseTable:
        exact = verdict is not None and verdict[2] is True
        if laid_out is not None:
            laid_out.append(exact)  # (what `meanwhile` took for granted)
        if not exact:  # (checked by the child, or to be checked here: then parsed)
            parsed[apart] = table_chunks.parse(view[start:stop])
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

    def __init__(self, pid: int, answer_fd: int, top: bool, exact: bool = False) -> None:
        self.pid = pid
        self._fd: int | None = answer_fd
        self._top = top  # the answer says the highest stamp
        self._exact = exact  # the answer says whether the table is laid out as we write it
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
        exact: bool = False,
    ) -> SplitCheck | None:
        """Fork a child that parses records of the table `name` from `raw` (a JSON object, or
        the pieces it is made of) and checks them; None where it cannot (no fork on this
        system, or the fork failed). `top`: the child also says their highest stamp. `where`:
        what the answer says it is about (and its verdict is taken only if it does). `exact`:
        `raw` is a whole table's value, and the child also says whether it is exactly what
        `encode` writes for the table."""
        answer = lambda: _answer(name, raw, stamp_limit, now_ms, top, where, exact)  # noqa: E731
        child = cls._fork(answer, top, exact)
        return child.expecting(where) if child is not None and where is not None else child

    @classmethod
    def ahead(
        cls, raw: bytes, stamp_limit: str | None, now_ms: int, top: bool, spans: Spans | None = None
    ) -> SplitCheck | None:
        """Fork a child that checks the largest table (`apart_table`, of the tables at `spans`,
        else found there) of the whole file `raw`, and whether it is laid out as `encode`
        writes it (`_answer_whole`), before this process has parsed or hashed anything; None
        where it cannot. Its verdict counts only for the part this process expects
        (`expecting`)."""
        if len(raw) < MIN_BYTES or _cores() < 2:
            return None
        return cls._fork(lambda: _answer_whole(raw, stamp_limit, now_ms, top, spans), top, True)

    def expecting(self, where: list[Any]) -> SplitCheck:
        """The verdict counts only if it is about this part of the file: [the table, its start,
        its stop, where the child's part ends (None: all of it), (ahead) every table's span]."""
        self._where = where
        return self

    @classmethod
    def _fork(
        cls, answer: Callable[[], bytes], top: bool, exact: bool = False
    ) -> SplitCheck | None:
        forked = fork_with_pipe()
        if forked is None:
            return None
        pid, fd = forked
        if pid == 0:  # the child: answer, and end without anything else the parent would do
            code = 1
            try:
                write_all(fd, answer())
                os.close(fd)  # (the answer is complete: the parent need not wait more)
                code = 0
            except BaseException:  # noqa: BLE001, S110 (any failure: the parent checks instead)
                pass
            finally:
                os._exit(code)
        global _reap_at_exit
        if not _reap_at_exit:  # (registered now: not while the exit handlers run)
            import atexit

            atexit.register(_reap_all)
            _reap_at_exit = True
        return cls(pid, fd, top, exact)

    def answered(self) -> bool:
        """Has the child's answer begun to arrive (or its pipe closed)? Without waiting."""
        with contextlib.suppress(OSError, ValueError):
            return self._fd is None or bool(select.select([self._fd], [], [], 0)[0])
        return True

    def verdict(self, wait: float | None = None) -> Verdict | None:
        """(the problems found, the highest stamp or None, whether the table is exactly what
        `encode` writes, or None if not asked) once the child has answered; None if it failed,
        answered anything else or took more than `wait` seconds (then it is ended; the caller
        checks the tables itself)."""
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
        problems, top, exact = answer.get("problems"), answer.get("top"), answer.get("exact")
        if (
            type(problems) is not list
            or not all(type(p) is str for p in problems)
            or type(top) is not (str if self._top else type(None))
            or type(exact) is not (bool if self._exact else type(None))
            or (self._where is not None and answer.get("table") != self._where)
        ):
            return None  # (or a child forked ahead checked another part of the file, or none)
        return problems, top, exact

    def abandon(self) -> None:
        """End the child unasked (an error, an interrupt, checks spared); not once it answered."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        self.verdict(wait=0.0)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)  # (killed: gone in a moment; never left a zombie)


_unreaped: list[int] = []  # children that answered but had not ended yet: collected later
_reap_at_exit = False


def _reap(pid: int) -> None:
    """Collect `pid` if it has ended (else at the process's end, `_reap_all`), and any child
    left from before."""
    global _unreaped
    _unreaped.append(pid)
    _unreaped = [child for child in _unreaped if not _ended(child)]


def _ended(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        return os.waitpid(pid, os.WNOHANG) != (0, 0)
    return True


def _reap_all() -> None:
    for child in _unreaped:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(child, 0)
    _unreaped.clear()


def _problems(
    name: str,
    raw: Any,
    stamp_limit: str | None,
    now_ms: int,
    seen: Any,
    exact: list[bool] | None = None,
) -> list[str]:
    """The problems of the records of table `name` in `raw` (a JSON object, or its pieces),
    checked a few hundred KB at a time (`table_chunks.py`); `seen`: [the highest stamp so
    far], raised to theirs; `exact`: gets whether `raw` is laid out as `encode` writes it."""
    return table_chunks.problems(name, raw, stamp_limit, now_ms, seen, exact)


def _answer(
    name: str,
    raw: bytes | memoryview | tuple[Any, ...],
    stamp_limit: str | None,
    now_ms: int,
    top: bool,
    where: list[Any] | None = None,
    exact: bool = False,
) -> bytes:
    seen = [""] if top else None
    laid_out: list[bool] | None = [] if exact else None
    answer: dict[str, Any] = {"problems": _problems(name, raw, stamp_limit, now_ms, seen, laid_out)}
    answer["top"] = seen[0] if seen is not None else None
    if laid_out is not None:
        answer["exact"] = bool(laid_out and laid_out[0])
    return orjson.dumps(answer if where is None else {**answer, "table": where})


def _answer_whole(
    raw: bytes, stamp_limit: str | None, now_ms: int, top: bool, spans: Spans | None = None
) -> bytes:
    """The answer of a child forked ahead: `_answer` for the whole table of the file `raw`
    that `apart_table` picks, with whether it is laid out as `encode` writes it, saying which
    ("table": [name, start, stop, None, every table's [name, start, stop]], or null when no
    table is picked: the parent then expects none). `spans`: the tables of `raw`
    (`layout.table_spans`), found here if not given."""
    from rebound_tui.store.layout import table_spans

    spans = table_spans(raw) if spans is None else spans
    apart = apart_table(spans, {}) if spans is not None else None
    if spans is None or apart is None:
        return orjson.dumps({"table": None})
    name, start, stop = spans[apart]
    where = [name, start, stop, None, [list(span) for span in spans]]
    return _answer(name, (memoryview(raw)[start:stop],), stamp_limit, now_ms, top, where, True)
