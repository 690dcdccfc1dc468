"""Some tables of the data file, read and checked before the whole file: a first start's due pane.

The dashboard's first start with no first-screen cache (the first time on this machine, or after
a command or a sync changed the file) paints the due pane from the follow-ups, companies and
contacts alone, then opens the whole file in a thread as a cached start does (ui/start.py). On
the heavy benchmark file those tables are about a third of its bytes.

Only a file laid out as `fileformat.encode` writes it can be read so (`layout.table_spans`).
Anything else (another layout, a table given twice, a format or schema this version does not
read, a record that fails its check) gives None: the whole open then reads the file and says
what is wrong, as it always did. The records read are checked as a load checks them, unless
these exact bytes passed every check on this machine before (`checked.py`), and only those a
caller reads (`Tables`): a first start checks the follow-ups that may be open (`Tables.where`),
and only the companies and people they name.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from rebound_tui.domain.clock import ahead_limit, system_ms
from rebound_tui.domain.record_check import check_doc
from rebound_tui.store import checked, table_chunks
from rebound_tui.store.fileformat import (
    META_TABLE,
    DataFileError,
    checked_meta,
    has_conflict_markers,
)
from rebound_tui.store.files import FileSig
from rebound_tui.store.layout import table_spans

__all__ = ["Kept", "Tables", "Unreadable", "read_tables", "take"]


class Unreadable(Exception):
    """A record read fails its check: the whole open will say what is wrong."""


class Tables:
    """Tables read before the rest of the file. Each record is checked (as a load checks it)
    when it is first asked for, so only the records a caller reads are checked; none is when
    these exact bytes passed every check on this machine before."""

    def __init__(self, tables: dict[str, Any], trusted: bool, now_ms: int) -> None:
        self.tables = tables
        self.trusted = trusted
        self._now_ms = now_ms
        self._limit = ahead_limit(now_ms)
        self._passed: set[tuple[str, str]] = set()

    def get(self, table: str, record_id: str | None) -> dict[str, Any] | None:
        """The record, checked; None if the table has no such record. Raises Unreadable."""
        doc = self.tables.get(table, {}).get(record_id) if record_id else None
        if doc is not None:
            self._check(table, record_id, doc)  # type: ignore[arg-type]
        return doc

    def where(
        self, table: str, maybe: Callable[[Any], bool]
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """The records of the table that `maybe` picks, each checked. `maybe` sees a record
        before its check (any JSON value: it must be safe on all), and must pick every record
        the caller would use were it valid; the others are not checked here (the whole open
        checks every record, and refuses the file if any fails). Raises Unreadable."""
        for record_id, doc in self.tables.get(table, {}).items():
            if maybe(doc):
                self._check(table, record_id, doc)
                yield record_id, doc

    def _check(self, table: str, record_id: str, doc: Any) -> None:
        if self.trusted or (table, record_id) in self._passed:
            return
        if check_doc(doc, table, record_id, limit=self._limit, now_ms=self._now_ms):
            raise Unreadable(f"{table}/{record_id}")
        self._passed.add((table, record_id))


@dataclass(frozen=True)
class Kept:
    """A file version read first, for its whole open: its signature, bytes and tables parsed."""

    sig: FileSig
    raw: bytes
    tables: dict[str, Any]
    digest: bytes  # the bytes' SHA-256 (`checked.py`)
    spans: list[tuple[str, int, int]]  # `layout.table_spans(raw)` (15 ms on the heavy file)


_kept: dict[str, Kept] = {}  # by real path (`keep`, `take`); one at most
_kept_lock = threading.Lock()


def read_tables(
    path: Path, names: Collection[str], *, now_ms: int | None = None, keep: bool = False
) -> Tables | None:
    """The tables `names` of the file at `path` (those it has) and its metadata; None when they
    cannot be read so (see the module's doc). With `keep`, the bytes and the parsed tables are
    kept for the whole open of this same version of the file (`take`): it need not read the file
    or parse those tables again, and the memory they took is not taken twice."""
    try:
        with open(path, "rb") as fh:
            before = os.fstat(fh.fileno())
            raw = fh.read()
            after = os.fstat(fh.fileno())
    except OSError:
        return None
    if has_conflict_markers(raw):
        return None
    digest = checked.Digest(raw)  # hashed on another thread while the tables are parsed
    spans = table_spans(raw)
    if spans is None:
        return None
    view = memoryview(raw)
    tables: dict[str, Any] = {}
    for name, start, stop in spans:
        if name not in names and name != META_TABLE:
            continue
        if name in tables:
            return None  # a table given twice: the whole read says what it keeps
        try:
            tables[name] = table_chunks.parse(view[start:stop])
        except orjson.JSONDecodeError:
            return None
        if type(tables[name]) is not dict:
            return None
    try:
        checked_meta(tables, path)
    except DataFileError:
        return None
    clock_now = system_ms() if now_ms is None else now_ms
    trusted = checked.trusts(checked.lookup(digest.value), ahead_limit(clock_now))
    sig = FileSig.from_stat(after)
    if keep and sig == FileSig.from_stat(before) and not sig.coarse:
        with _kept_lock:
            _kept.clear()  # (a start opens one file: never more than one file's bytes kept)
            _kept[os.path.realpath(path)] = Kept(sig, raw, tables, digest.value, spans)
    return Tables(tables, trusted, clock_now)


def take(path: Path) -> Kept | None:
    """What `read_tables(path, keep=True)` kept, if the file is still that version (the same
    signature: what every change check here trusts), else None. Taken once: nothing is kept
    after."""
    with _kept_lock:
        kept = _kept.pop(os.path.realpath(path), None)
    if kept is None or FileSig.of(path) != kept.sig:
        return None
    return kept
