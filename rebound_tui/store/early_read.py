"""A command's data file read before the service is imported, and checked from then on.

A command's process spends about a tenth of a second importing the service (pendulum, TinyDB,
the playbook...) before it opens the data. On a file that looks new here
(`checked.changed_since_checked`: what a sync tool's delivery does) the check that the open
will need can start before that: as soon as the command line knows the command and the file,
it reads the file, forks the check's child (`split_check.SplitCheck.ahead`) and starts hashing
the bytes on another thread (`prepare`). The storage's first load takes all three (`take`) if
the file is still that version; else, or if nothing takes them, the child is ended. Nothing is
trusted on the way: the load checks these bytes as it checks any, and the hash still decides
whether they were checked before.

Only where the child would be forked at all (Linux, two cores or more, no other thread, a
table of 1 MB or more: `split_check`); anything unusual (no file, no permission, a file
changing while it is read) leaves it to the load, which reports what is wrong.
"""

from __future__ import annotations

import atexit
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from rebound_tui.domain.clock import ahead_limit, system_ms
from rebound_tui.store import checked
from rebound_tui.store.files import FileSig
from rebound_tui.store.split_check import MIN_BYTES, SplitCheck

__all__ = ["Prepared", "prepare", "take"]


@dataclass(frozen=True)
class Prepared:
    """A file version read early, its check under way."""

    sig: FileSig
    raw: bytes
    child: SplitCheck  # forked ahead (`SplitCheck.ahead`), with `now_ms` as its clock
    now_ms: int
    digest: checked.Digest  # the bytes' SHA-256, computed on another thread


_prepared: dict[str, Prepared] = {}  # by real path; one at most
_at_exit = False


def prepare(path: Path) -> None:
    """Read the file at `path` and start its check, if it looks new here (see the module)."""
    real = os.path.realpath(path)
    try:
        with open(real, "rb") as fh:
            before = FileSig.from_stat(os.fstat(fh.fileno()))
            if before.size < MIN_BYTES or not checked.changed_since_checked(before.ctime_ns):
                return
            raw = fh.read()
            if FileSig.from_stat(os.fstat(fh.fileno())) != before:
                return  # (written to meanwhile: the load reads it again)
    except OSError:
        return
    now = system_ms()
    child = SplitCheck.ahead(raw, ahead_limit(now), now, True)
    if child is None:
        return
    global _at_exit
    _drop_all()
    if not _at_exit:
        atexit.register(_drop_all)  # (a command that never opened its data)
        _at_exit = True
    # The hash's thread only now: a fork beside another thread is never made.
    _prepared[real] = Prepared(before, raw, child, now, checked.Digest(raw))


def take(path: Path) -> Prepared | None:
    """What `prepare(path)` started, if the file is still that version (the same signature);
    else None (and the child ended). Taken once."""
    prepared = _prepared.pop(os.path.realpath(path), None)
    if prepared is None:
        return None
    if FileSig.of(path) != prepared.sig:
        prepared.child.abandon()
        return None
    return prepared


def _drop_all() -> None:
    for prepared in _prepared.values():
        with contextlib.suppress(OSError):
            prepared.child.abandon()
    _prepared.clear()
