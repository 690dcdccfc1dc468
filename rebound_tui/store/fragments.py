"""Two versions of the data file compared record by record, as bytes: what a conflict copy adds.

A conflict copy is the data file as another machine last wrote it: the same thirty thousand
records as ours but for the few edited there. Both are laid out as `fileformat.encode` writes
(`layout.py` draws the frame): one fragment of bytes per record, so a record whose fragment is
byte for byte the same in both files is the same JSON value in both. Reading a copy then needs
only the records whose bytes differ: those are parsed and checked like any record read, and the
rest is known already (our file's, which passed every check).

`sparse_copy` gives the copy's records that differ from our file (and its metadata record):
merged into what was read from our file, they give exactly what merging the whole copy gives,
since merging a record with an equal one changes nothing (`domain/merge.py`). Anything it
cannot follow (our file not in our exact layout, a table of the copy laid out otherwise, a
record id given twice, a fragment that is not exactly how we write that record) gives None:
the caller reads the whole copy instead. Measured on the heavy file with a copy of 100 edits:
see benchmarks/RESULTS.md.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson

from rebound_tui.domain.merge import max_stamp
from rebound_tui.domain.schema import safe_name
from rebound_tui.store.fileformat import META_TABLE, shape_error
from rebound_tui.store.files import read_at
from rebound_tui.store.layout import (
    OPTIONS,
    SMALL_TABLE,
    Piece,
    Span,
    changed_ids,
    fragment,
    table_spans,
)
from rebound_tui.store.sparse_table import RECORD_KEY, SparseTable, whole

# A record's key line in a table laid out as `encode` writes it: deeper lines are indented six
# spaces or more, and a raw newline only ever appears between tokens.
_RECORD_LINE = re.compile(rb'\n    "')
_TABLE_OPEN, _TABLE_CLOSE, _SEP = b"{\n", b"\n  }", b",\n"
_CHUNK = 1 << 20
_PATCH_MAX = 256  # changed records of one table a save writes into the file's bytes (not more)
_FIND_MAX = 8  # changed records looked for one by one (more: the table's records are listed)


class Version:
    """One version of the file, as bytes: its tables' values and, on demand, their records.

    Held whole (`raw`), or only as its tables' hashes with the file left open (`kept_open`: a
    merge driver's own side, so that the version it compares with is the only one in memory)."""

    def __init__(self, raw: bytes, spans: list[tuple[str, int, int]] | None = None) -> None:
        """`spans`: its `layout.table_spans`, if known."""
        self.raw: bytes | None = raw
        self._spans = spans
        self._records: dict[str, dict[bytes, bytes] | None] = {}
        self._fd: int | None = None
        self._digests: dict[str, bytes] = {}

    @classmethod
    def kept_open(cls, raw: bytes, fd: int) -> Version:
        """`raw`, the bytes of the open file `fd`, kept as its tables' hashes: a table's bytes
        are read again from `fd` when asked for (`fd` is the caller's to close)."""
        version = cls(raw)
        if version.tables is not None:
            view = memoryview(raw)
            for name, (start, stop) in version.tables.items():
                version._digests[name] = hashlib.sha256(view[start:stop]).digest()
        version.raw, version._fd = None, fd
        return version

    @cached_property
    def tables(self) -> dict[str, tuple[int, int]] | None:
        """Each table's value, as (start, stop) in the file; None: not our layout, or a table
        given twice."""
        if self._spans is not None:
            spans: list[tuple[str, int, int]] | None = self._spans
        else:
            assert self.raw is not None
            spans = table_spans(self.raw)
        if spans is None or len({name for name, _, _ in spans}) != len(spans):
            return None
        return {name: (start, stop) for name, start, stop in spans}

    def value(self, table: str) -> bytes:
        assert self.tables is not None
        start, stop = self.tables[table]
        if self.raw is None:
            assert self._fd is not None
            raw = read_at(self._fd, stop - start, start)
            if len(raw) != stop - start:
                raise OSError(f"the file changed while it was read ({table})")
            return raw
        return self.raw[start:stop]

    def same_table(self, other: Version, table: str) -> bool:
        """Is the table's value the same bytes in `other`? (Compared a chunk at a time, or by
        hash against a version kept open: no copy of a 15 MB table is made to compare it.)"""
        assert self.tables is not None and other.tables is not None
        start, stop = self.tables[table]
        at, end = other.tables[table]
        if stop - start != end - at:
            return False
        if self.raw is None or other.raw is None:
            mine, theirs = self._digest(table), other._digest(table)
            return mine is not None and mine == theirs
        for offset in range(0, stop - start, _CHUNK):
            size = min(_CHUNK, stop - start - offset)
            if (
                self.raw[start + offset : start + offset + size]
                != other.raw[at + offset : at + offset + size]
            ):
                return False
        return True

    def _digest(self, table: str) -> bytes | None:
        if table not in self._digests and self.raw is not None and self.tables is not None:
            start, stop = self.tables[table]
            self._digests[table] = hashlib.sha256(memoryview(self.raw)[start:stop]).digest()
        return self._digests.get(table)

    def records(self, table: str) -> dict[bytes, bytes] | None:
        """The table's records, each its fragment of bytes (`layout.fragment`) by its id as
        written (the JSON string, quotes included: the same id is the same bytes in files we
        write); None if the table is not laid out as `encode` writes or gives an id twice."""
        cached = self._records.get(table)
        if cached is not None or table in self._records:
            return cached
        self._records[table] = found = self._split(table)
        return found

    def _split(self, table: str) -> dict[bytes, bytes] | None:
        assert self.tables is not None
        start, stop = self.tables[table]
        raw = self.raw
        if raw is None:  # kept open: this table's bytes only
            raw, start, stop = self.value(table), 0, stop - start
        if raw[start : start + 2] != _TABLE_OPEN or raw[stop - 4 : stop] != _TABLE_CLOSE:
            return None
        spans = _record_spans(raw, start, stop)
        if spans is None:
            return None
        out: dict[bytes, bytes] = {}
        for head, end in spans:
            key = _key_at(raw, head, end)
            if key is None or key in out:
                return None
            out[key] = raw[head:end]
        return out


def _record_spans(raw: bytes, start: int, stop: int) -> list[tuple[int, int]] | None:
    """Where each record's fragment is in the table value `raw[start:stop]` laid out as `encode`
    writes it (its key line to its end, the separator left out); None if it is not so."""
    last = stop - len(_TABLE_CLOSE)
    heads = [m.start() + 1 for m in _RECORD_LINE.finditer(raw, start, last)]
    if not heads or heads[0] != start + 2:
        return None
    ends = [h - 2 for h in heads[1:]]
    ends.append(last)
    for head, end in zip(heads, ends, strict=True):
        if end < head or (end != last and raw[end : end + 2] != _SEP):
            return None
    return list(zip(heads, ends, strict=True))


def _key_at(raw: bytes, head: int, end: int) -> bytes | None:
    """The record id of the fragment `raw[head:end]`, as written (the JSON string)."""
    colon = raw.find(b'": ', head + 5, end)
    key = raw[head + 4 : colon + 1]
    if colon == -1 or b"\\" in key:  # (an escape: the key read properly)
        match = RECORD_KEY.match(raw, head, end)
        return match.group(1) if match is not None else None
    return key


def sparse_copy(
    ours: Version, copy: Version, path: Path | str, *, stamp_limit: str, now_ms: int
) -> tuple[dict[str, Any], str | None] | None:
    """(the copy's metadata and its records whose bytes differ from `ours`, their highest
    stamp), or None when the copy cannot be read this way (see the module's doc).

    `ours` must be exactly what `encode` writes for data that passed every check. The records
    taken are checked as a load checks them (`record_check.check_doc`, no stamp beyond
    `stamp_limit`); one that fails raises DataFileError, as reading the whole copy would."""
    from rebound_tui.domain.record_check import check_doc  # (looked up when called)

    if ours.tables is None or copy.tables is None:
        return None
    if copy.tables.get(META_TABLE) is None or copy.value(META_TABLE) != _meta_of(ours):
        return None  # (metadata edited: rare; the whole copy is read)
    out: dict[str, Any] = {META_TABLE: orjson.loads(copy.value(META_TABLE))}
    problems: list[str] = []
    for table in copy.tables:
        if table == META_TABLE or (table in ours.tables and copy.same_table(ours, table)):
            continue
        theirs = copy.records(table)
        known = ours.records(table) if table in ours.tables else {}
        if theirs is None or known is None:
            return None
        taken: dict[str, Any] = {}
        for key, raw in theirs.items():
            if known.get(key) == raw:
                continue
            try:
                record_id = orjson.loads(key)
                doc = orjson.loads(b"{" + raw + b"}")[record_id]
            except (orjson.JSONDecodeError, KeyError, TypeError):
                return None
            wrong = check_doc(doc, table, record_id, limit=stamp_limit, now_ms=now_ms)
            if wrong:  # (named as reading the whole copy names them: the copy is refused)
                problems += [f"{safe_name(table)}/{safe_name(record_id)}: {p}" for p in wrong]
                continue
            try:
                if fragment(record_id, doc) != raw:
                    return None  # not exactly how we write it (a key given twice, say)
            except orjson.JSONEncodeError:
                return None
            taken[record_id] = doc
        if taken:
            out[table] = taken
    if problems:
        raise shape_error(path, problems)
    return out, max_stamp(out) or ""  # ("": no stamp at all)


def file_pieces(
    version: Version, data: dict[str, Any], read: dict[str, Any]
) -> tuple[list[Piece], list[bytes | memoryview], bool] | None:
    """`encode(data)` as pieces of `version` (exactly what `encode` wrote for the data `read`
    from it): a table that is still the very object read (tables are replaced, never changed
    in place, when a record is written) is copied from the file as a span; in a large table
    that a few records changed, the records still the objects read are copied too, and only
    the changed ones encoded (`_patched`); other tables are encoded. (The pieces, the same
    bytes as buffers to hash them, whether it is the file as it is); None if the tables cannot
    be placed so (no table, or a name `encode` may order otherwise)."""
    if version.tables is None or version.raw is None:
        return None
    names = sorted(name for name, records in data.items() if records)
    if not names or any(type(name) is not str or not name.isascii() for name in names):
        return None
    values: list[tuple[str, Any]] = []
    bufs: list[tuple[str, Any]] = []
    same = names == list(version.tables)
    view = memoryview(version.raw)
    for name in names:
        span = version.tables.get(name)
        if span is not None and data[name] is read.get(name):
            values.append((name, Span(*span)))
            bufs.append((name, view[span[0] : span[1]]))
            continue
        same = False
        before, after = read.get(name), data[name]
        if type(after) is SparseTable:
            patched = _patched_sparse(span, before, after) if span else None
        else:
            patched = _patched(version, span, before, after) if span else None
        if patched is not None:
            values.append((name, patched))
            bufs.append((name, [view[p.start : p.end] if type(p) is Span else p for p in patched]))
        else:
            value = table_value(name, whole(after))
            values.append((name, value))
            bufs.append((name, value))
    return framed(values), framed(bufs), same


def _patched(
    version: Version, span: tuple[int, int], before: Any, after: dict[str, Any]
) -> list[Piece] | None:
    """The table `after` as spans of its value in `version` (the table `before` as written)
    and the fragments of the records that changed; None if that is not worth it or cannot be
    followed (a small table, many changes, a record removed, an id not found where encode
    puts it)."""
    if type(before) is not dict or len(before) < SMALL_TABLE:
        return None
    ids = changed_ids(before, after)
    new = sorted(i for i in ids if i not in before)
    if len(ids) > _PATCH_MAX or len(after) - len(before) != len(new):
        return None
    raw = version.raw
    assert raw is not None
    start, stop = span
    last = stop - len(_TABLE_CLOSE)  # where the last record ends
    if raw[start : start + 2] != _TABLE_OPEN or raw[last:stop] != _TABLE_CLOSE:
        return None

    def find(record_id: str) -> tuple[int, int] | None:
        """Where the record's fragment is in the file (its `    "id": ` line to its end)."""
        at = raw.find(b"\n    " + orjson.dumps(record_id) + b": ", start, last)
        if at < 0:
            return None
        following = _RECORD_LINE.search(raw, at + 1, last)
        return at + 1, following.start() - 1 if following is not None else last

    place = find
    if len(ids) > _FIND_MAX:  # many: one pass over the table instead of a search for each
        places = _places(raw, start, stop)
        place = lambda record_id: places.get(orjson.dumps(record_id))  # noqa: E731

    edits: list[tuple[int, int, int, bytes]] = []  # (from, kind, to, bytes): raw[from:to] ->
    order = sorted(before) if new else []
    for record_id in new:  # inserted before the record that follows it in sorted order
        j = bisect.bisect_right(order, record_id)
        if j == len(order):
            edits.append((last, 0, last, _SEP + fragment(record_id, after[record_id])))
            continue
        where = place(order[j])
        if where is None:
            return None
        edits.append((where[0], 0, where[0], fragment(record_id, after[record_id]) + _SEP))
    for record_id in ids:
        if record_id in before:
            where = place(record_id)
            if where is None:
                return None
            edits.append((where[0], 1, where[1], fragment(record_id, after[record_id])))
    return _applied(edits, start, stop)


def _patched_sparse(span: tuple[int, int], before: Any, after: SparseTable) -> list[Piece] | None:
    """`_patched` for a table left as the bytes at `span` (`sparse_table.py`): its records
    written since it was read (`after.written`) encoded, the rest copied; None if it is not
    a version of the table read (`before`) over those bytes, or if too much was written."""
    if not after.same_bytes(before) or after.span != span or len(after.written) > _PATCH_MAX:
        return None
    if not after.held:  # (parsed since: its bytes are gone, and the table is encoded)
        return None
    start, stop = span
    edits: list[tuple[int, int, int, bytes]] = []  # as in `_patched`
    for record_id in sorted(after.written):
        piece = fragment(record_id, after.written[record_id])
        where = after.find(record_id)
        if where is not None:
            edits.append((where[0], 1, where[1], piece))
            continue
        at = after.insert_at(record_id)
        last = stop - len(_TABLE_CLOSE)
        edits.append((last, 0, last, _SEP + piece) if at is None else (at, 0, at, piece + _SEP))
    return _applied(edits, start, stop)


def _applied(edits: list[tuple[int, int, int, bytes]], start: int, stop: int) -> list[Piece]:
    """The table value at `start:stop` as spans of it and the `edits` (from, kind, to, bytes:
    the bytes `from:to` replaced; kind 0, an insert, comes before a replace at the same
    place, and inserts at one place keep their order)."""
    edits.sort(key=lambda edit: (edit[0], edit[1]))
    pieces: list[Piece] = []
    at = start
    for begin, _kind, end, value in edits:
        if begin > at:
            pieces.append(Span(at, begin))
        pieces.append(value)
        at = end
    pieces.append(Span(at, stop))
    return pieces


def _places(raw: bytes, start: int, stop: int) -> dict[bytes, tuple[int, int]]:
    """Where each record of the table value `raw[start:stop]` is, by its id as written (the
    JSON string); empty if the table is not laid out as `encode` writes it (then no record is
    found, and the table is encoded whole)."""
    out: dict[bytes, tuple[int, int]] = {}
    for head, end in _record_spans(raw, start, stop) or ():
        key = _key_at(raw, head, end)
        if key is not None:
            out[key] = (head, end)
    return out


def framed(values: list[tuple[str, Any]]) -> list[Any]:
    """The file as pieces: the tables' values (sorted by name, none empty; each one piece or a
    list of pieces) in `encode`'s frame."""
    out: list[Any] = [b"{\n"]
    for n, (name, value) in enumerate(values):
        out.append((b",\n" if n else b"") + b"  " + orjson.dumps(name) + b": ")
        out += value if type(value) is list else [value]
    out.append(b"\n}\n")
    return out


def table_value(name: str, records: dict[str, Any]) -> bytes:
    """A table's value as `encode` writes it inside the file (from its `{` to its `}`)."""
    head = len(b"{\n  ") + len(orjson.dumps(name)) + len(b": ")
    return orjson.dumps({name: records}, option=OPTIONS)[head:-2]


def _meta_of(version: Version) -> bytes | None:
    assert version.tables is not None
    return version.value(META_TABLE) if META_TABLE in version.tables else None
