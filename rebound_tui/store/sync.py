"""The conflict copies sync tools leave beside the data file: read, merged by every save, archived.

A copy holds the losing side's edits and nothing else does, and Syncthing deletes the oldest
copies beyond `maxConflicts`. So copies must never pile up: every save (every CLI command that
writes, every save of the dashboard) merges the waiting copies in the same locked
read-merge-write, and every load merges them into memory, so commands that only read show the
merged view without writing anything.

Order matters for "never lose an edit": a copy is merged into memory, the merged result is saved
(atomically), and only then is the copy moved to this machine's backup folder. Nothing is
deleted. A copy that cannot be read, or fails a check, or belongs to another database, is never
merged: it is left where it is and reported (`skipped`), and never stops a command.

Copies are looked for beside the file that is written: the real file behind a symlink.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rebound_tui.domain.clock import ahead_limit, system_ms
from rebound_tui.domain.merge import MergeError, merge_databases, merged_records
from rebound_tui.domain.schema import safe_name
from rebound_tui.store import checked
from rebound_tui.store.backups import Backups
from rebound_tui.store.conflicts import ConflictCopy, find_conflict_copies
from rebound_tui.store.fileformat import DataFileError, db_id_of, decode
from rebound_tui.store.files import FileSig
from rebound_tui.store.fragments import Version, sparse_copy
from rebound_tui.store.sparse_table import MAX_WRITTEN, SparseTable, whole


class CopyRefused(Exception):
    """A conflict copy that must not be merged; the message says why. `ours`: it is a rebound
    file of our database all the same (an ambiguous name such as `rebound 2.json` is then named
    too, not taken for an unrelated file)."""

    def __init__(self, message: str, *, ours: bool = False) -> None:
        super().__init__(message)
        self.ours = ours


def read_copy(
    path: Path, db_id: str | None, known: dict[str, Any] | None = None, base: Version | None = None
) -> tuple[dict[str, Any], str | None]:
    """A conflict copy's data, checked like a data file (every record by type, no stamp more
    than a day ahead of this machine's clock; `fileformat.decode`), with no key given twice, and
    against our database id; with its highest stamp when known without a walk (else None).
    `known`: data that passed the checks (memory): records the same there are not checked
    again. `base`: the data file as just read, exactly as we write it, whose records are
    `known`'s: then only the copy's records whose bytes differ from it are read
    (`fragments.sparse_copy`; what merging them gives is what merging the whole copy gives).

    Raises `CopyRefused` (the copy is left in place and reported) or OSError."""
    raw = path.read_bytes()
    try:
        sparse = None
        if base is not None:
            now = system_ms()
            sparse = sparse_copy(base, Version(raw), path, stamp_limit=ahead_limit(now), now_ms=now)
        if sparse is not None:
            data, top = sparse
        else:
            data, top = checked.decode_known(raw, path, strict=True, checked=known), None
    except DataFileError as exc:
        raise CopyRefused(
            f"{exc.problem} (not merged; it stays where it is)", ours=_ours(raw, path, db_id)
        ) from None
    if db_id is not None and db_id_of(data) != db_id:
        raise CopyRefused(
            "it is a different rebound database (another database id), so it is never merged"
        )
    return data, top


def _into_bytes(data: dict[str, Any], copy: dict[str, Any]) -> tuple[dict, dict]:
    """(`data`, `copy`) with the copy's records of each table `data` holds as bytes (a command's,
    `sparse_table.py`) merged in already, record by record, and taken out of the copy: a copy
    read where it differs holds a few, and the rest of the table need not be parsed. A copy
    holding many (read whole) has the table parsed instead, and merged as any other."""
    tables = [name for name in copy if type(data.get(name)) is SparseTable]
    if not tables:
        return data, copy
    data, copy = dict(data), dict(copy)
    for name in tables:
        theirs = copy[name]
        if type(theirs) is dict and len(theirs) <= MAX_WRITTEN:
            data[name] = data[name].with_records(merged_records(data[name], theirs))
            del copy[name]
        else:
            data[name] = whole(data[name])
    return data, copy


def _ours(raw: bytes, path: Path, db_id: str | None) -> bool:
    """Whether a refused copy is still a rebound file of our database (its records aside)."""
    try:
        return db_id is not None and db_id_of(decode(raw, path, check_records=False)) == db_id
    except (DataFileError, AttributeError, RecursionError):
        return False


def _why(exc: BaseException) -> str:
    if isinstance(exc, CopyRefused | MergeError | DataFileError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"cannot read it ({exc.strerror or exc})"
    if isinstance(exc, RecursionError):
        return "it is nested too deeply to be a rebound file"
    return f"it could not be merged ({type(exc).__name__}: {exc})"


@dataclass(frozen=True)
class Accepted:
    """A copy read and found fit to merge."""

    copy: ConflictCopy
    data: dict[str, Any]  # (only the records that differ from the file, when read sparse)
    sig: FileSig | None  # the copy as read: a copy changed since is merged again, not moved
    top: str | None = None  # the highest stamp in `data`, when known without a walk


@dataclass
class SyncReport:
    merged: list[Path] = field(default_factory=list)  # copies whose records were merged
    archived: list[Path] = field(default_factory=list)  # where they were moved
    skipped: list[str] = field(default_factory=list)  # copies left alone, with why
    changed: bool = False  # whether the merge brought anything new

    def lines(self) -> list[str]:
        out = [f"merged {p.name}" for p in self.merged]
        out += [f"archived to {p}" for p in self.archived]
        out += self.skipped
        return out


class ConflictCopies:
    """The conflict copies of one data file.

    Refusals are remembered by the copy's file signature, so a copy left alone is not read again
    at every save (the dashboard saves often) until it changes. So are the copies read and
    accepted until they are archived: `sync` merges a copy when it opens the file and again
    at its save (the copy is archived only once the file holds it), and reading and checking
    a copy is most of its time; an unchanged copy (same signature) is read once."""

    def __init__(self, data_path: Path, backups: Backups) -> None:
        self.data_path = Path(data_path)
        self.backups = backups
        self._refused: dict[Path, tuple[FileSig | None, str]] = {}
        self._accepted: dict[Path, Accepted] = {}  # read, checked, not archived yet
        self.report = SyncReport()

    @property
    def written_path(self) -> Path:
        """The file that saves replace (a symlink's target): its copies sit beside it."""
        return Path(os.path.realpath(self.data_path))

    def find(self) -> list[ConflictCopy]:
        return find_conflict_copies(self.written_path)

    def waiting(self) -> bool:
        """Is there a copy that may hold something to merge (not one already refused as is)?"""
        for copy in self.find():
            known = self._refused.get(copy.path)
            if known is None or known[0] != FileSig.of(copy.path):
                return True
        return False

    def read(
        self,
        db_id: str | None,
        memory: dict[str, Any] | None = None,
        base: Version | None = None,
    ) -> list[Accepted]:
        """The waiting copies fit to merge; the others are reported and left alone. `memory`:
        data that passed the checks; `base`: the file it was just read from (see
        `read_copy`)."""
        accepted = []
        live = set()
        for copy in self.find():
            live.add(copy.path)
            sig = FileSig.of(copy.path)
            known = self._refused.get(copy.path)
            if known is not None and known[0] == sig:
                continue
            read = self._accepted.get(copy.path)
            if (
                read is not None
                and sig is not None
                and read.sig == sig
                and (db_id is None or db_id_of(read.data) == db_id)
            ):
                accepted.append(read)
                continue
            self._accepted.pop(copy.path, None)
            try:
                data, top = read_copy(copy.path, db_id, memory, base)
            except Exception as exc:  # noqa: BLE001 - whatever is wrong with a copy, it waits
                why = _why(exc)
                # An ambiguous name ("rebound 2.json") that is not ours is just another file.
                ours = isinstance(exc, CopyRefused) and exc.ours
                name = safe_name(copy.path.name, 80)
                message = "" if copy.ambiguous and not ours else f"left {name} alone: {why}"
                self._refused[copy.path] = (sig, message)
                continue
            self._refused.pop(copy.path, None)
            one = Accepted(copy, data, sig, top)
            if sig is not None and not sig.coarse:  # (a same-second rewrite would not show)
                self._accepted[copy.path] = one
            accepted.append(one)
        for gone in set(self._refused) - live:
            del self._refused[gone]
        for gone in set(self._accepted) - live:
            del self._accepted[gone]
        return accepted

    def refused(self) -> list[str]:
        """Why each copy that is still waiting was left alone."""
        return [msg for path, (_sig, msg) in sorted(self._refused.items()) if msg]

    def merge_into(
        self, data: dict[str, Any], base: Version | None = None
    ) -> tuple[dict[str, Any], list[Accepted], bool]:
        """`data` merged with every waiting copy fit to merge: (result, the copies merged in,
        whether anything changed). A copy whose merge fails is left alone and named. `base`:
        the file `data` was just read from, exactly as we write it (see `read_copy`)."""
        merged_in: list[Accepted] = []
        changed = False
        for one in self.read(db_id_of(data), data, base):
            try:
                merged = merge_databases(*_into_bytes(data, one.data), share=True)
            except Exception as exc:  # noqa: BLE001 - a copy that cannot merge waits, named
                self.merge_failed(one.copy, exc)
                continue
            merged_in.append(one)
            if merged != data:
                data, changed = merged, True
        return data, merged_in, changed

    def merge_failed(self, copy: ConflictCopy, exc: Exception) -> None:
        self._accepted.pop(copy.path, None)
        why = _why(exc)
        self._refused[copy.path] = (FileSig.of(copy.path), f"left {copy.path.name} alone: {why}")

    def merged(self, accepted: list[Accepted], changed: bool) -> None:
        """Merged into what was just saved: move the copies out of the synced folder."""
        for one in accepted:
            self._accepted.pop(one.copy.path, None)  # archived, or changed: read again
            if FileSig.of(one.copy.path) != one.sig:
                continue  # gone (another process archived it), or rewritten: merged next time
            try:
                target = self.backups.archive_conflict(one.copy.path)
            except FileNotFoundError:
                continue  # archived meanwhile by another process (which merged it first)
            self.report.merged.append(one.copy.path)
            self.report.archived.append(target)
        self.report.changed |= changed

    def drain(self) -> SyncReport:
        """What was merged and archived since the last drain, and what is left alone now."""
        report, self.report = self.report, SyncReport()
        report.skipped = self.refused()
        return report
