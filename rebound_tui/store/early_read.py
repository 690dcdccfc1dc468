"""A command's data file read before the service is imported, and checked from then on.

A command's process spends about a tenth of a second importing the service (pendulum, TinyDB,
the playbook...) before it opens the data. As soon as the command line knows the command and the
file, a thread reads the file (`Reading`) while the imports this module needs go on (a read of
the heavy benchmark file's 26 MB takes 10-15 ms, which releases the interpreter). Then
`prepare` starts hashing the bytes on another thread, and, on a file that looks new here
(`checked.changed_since_checked`: what a sync tool's delivery does), first finds its tables and
forks the check's child (`split_check.SplitCheck.ahead`). The storage's first load takes the
bytes, the hash, the tables and the child (`take`) if the file is still that version; else, or
if nothing takes them, the child is ended. Nothing is trusted on the way: the load checks these
bytes as it checks any, and the hash still decides whether they were checked before.

Only for a file of 1 MB or more (`split_check.MIN_BYTES`; a smaller one is read by the load as
before), and the child only where it would be forked at all (Linux, two cores or more, no other
thread: `split_check`); anything unusual (no file, no permission, a file changing while it is
read) leaves it to the load, which reports what is wrong.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from rebound_tui.store import checked
    from rebound_tui.store.files import FileSig
    from rebound_tui.store.split_check import SplitCheck

__all__ = ["Prepared", "Reading", "prepare", "take"]

MIN_BYTES = 1 << 20  # (split_check's: a test may lower both)


class Prepared(NamedTuple):
    """A file version read early, its hash (and, if it looks new here, its check) under way."""

    sig: FileSig
    raw: bytes
    child: SplitCheck | None  # forked ahead (`SplitCheck.ahead`), with `now_ms` as its clock
    now_ms: int
    digest: checked.Digest  # the bytes' SHA-256, computed on another thread
    spans: list[tuple[str, int, int]] | None = None  # the tables' (found for the child)


class Reading:
    """The file at `path` read on a thread, started now: (its status before, its bytes, its
    status after) once `result` is asked, or None if it could not be read."""

    def __init__(self, path: Path) -> None:
        self.path = os.path.realpath(path)
        self._found: tuple[os.stat_result, bytes, os.stat_result] | None = None
        self._thread = threading.Thread(target=self._read, name="rebound-read", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        with contextlib.suppress(OSError, ValueError, MemoryError), open(self.path, "rb") as fh:
            before = os.fstat(fh.fileno())
            if before.st_size >= MIN_BYTES:
                raw = fh.read()
                self._found = (before, raw, os.fstat(fh.fileno()))

    def result(self) -> tuple[os.stat_result, bytes, os.stat_result] | None:
        self._thread.join()  # (done: `prepare` may fork now, with one thread)
        return self._found


_prepared: dict[str, Prepared] = {}  # by real path; one at most
_at_exit = False


def prepare(path: Path, reading: Reading | None = None) -> None:
    """Take the file at `path` as `reading` read it (else read it now), start its hash, and its
    check if it looks new here (see the module)."""
    from rebound_tui.domain.clock import ahead_limit, system_ms
    from rebound_tui.store import checked
    from rebound_tui.store.files import FileSig
    from rebound_tui.store.split_check import SplitCheck

    reading = reading if reading is not None else Reading(path)
    found = reading.result()
    if found is None:
        return
    before, raw, after = FileSig.from_stat(found[0]), found[1], FileSig.from_stat(found[2])
    if after != before:
        return  # (written to meanwhile: the load reads it again)
    now = system_ms()
    child = spans = None
    if checked.changed_since_checked(before.ctime_ns):
        # The tables found here, before the fork: the child starts a little later but need not
        # find them itself (a forked child's first pass over 26 MB took 22-37 ms, here 10), and
        # the load takes them too.
        from rebound_tui.store.layout import table_spans

        spans = table_spans(raw)
        child = SplitCheck.ahead(raw, ahead_limit(now), now, True, spans)
    global _at_exit
    _drop_all()
    if not _at_exit:
        atexit.register(_drop_all)  # (a command that never opened its data)
        _at_exit = True
    # The hash's thread only now: a fork beside another thread is never made.
    _prepared[reading.path] = Prepared(before, raw, child, now, checked.Digest(raw), spans)


def take(path: Path) -> Prepared | None:
    """What `prepare(path)` started, if the file is still that version (the same signature);
    else None (and the child ended). Taken once."""
    prepared = _prepared.pop(os.path.realpath(path), None)
    if prepared is None:
        return None
    from rebound_tui.store.files import FileSig

    if FileSig.of(path) != prepared.sig:
        if prepared.child is not None:
            prepared.child.abandon()
        return None
    return prepared


def _drop_all() -> None:
    for prepared in _prepared.values():
        if prepared.child is not None:
            with contextlib.suppress(OSError):
                prepared.child.abandon()
    _prepared.clear()
