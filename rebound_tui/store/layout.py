"""Where each record sits in the data file we last wrote, so a save re-encodes only what changed.

The file is `fileformat.encode(data)`: orjson with sorted keys and a two-space indent. That text is
a fixed frame around one fragment per record, in sorted order:

    {
      "<table>": {
        "<id>": {<record, indented 4 more>},    <- one fragment per record, joined by ",\\n"
        ...
      },                                        <- tables joined by ",\\n", in sorted order
      ...
    }

A `Layout` remembers, per table, the sorted ids, each fragment's length, where the first one
starts, and the table dict it was encoded from. Records are never changed in place (writes are
copy-on-write, merges build new records), so a record object that is still the one we encoded has
the same bytes: a save then writes the new file as spans copied from the old one (`Span`) and
fresh fragments for the records that changed (`bytes`), and the result is byte for byte what
`encode(data)` would give (tests/test_layout.py checks exactly that). A one-field edit of a 26 MB
file encodes one record instead of thirty thousand and keeps no copy of the file in memory.

Anything the plan cannot follow (a new or emptied table, a removed record) re-encodes that table.
A file we read gets a layout only if it is byte for byte what `encode` writes (`Layout.of_read`,
or `Layout.of_file` at the dashboard's first save); any other file is encoded whole at its first
save, whose layout `Layout.of` then reads.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from rebound_tui.store.exact import OPTIONS, compare, is_exact, table_head

# The records of tables this small are all encoded at every save (and copied where their bytes did
# not change): cheap, and safe even if a record there was updated in place (TinyDB's own `upsert`,
# which we use for the metadata record, does that).
SMALL_TABLE = 64
_SEP = b",\n"
_RECORD_LINE = re.compile(rb'\n    "')


@dataclass(frozen=True, slots=True)
class Span:
    """Bytes `start:end` of the file the layout describes."""

    start: int
    end: int


Piece = Span | bytes


@dataclass(slots=True)
class TableLayout:
    records: dict[str, Any]  # the table dict as encoded (never changed in place)
    ids: list[str]  # sorted, as in the file
    lengths: list[int]  # each record's fragment, without the separator
    start: int  # the first fragment's offset in the file

    def starts(self) -> list[int]:
        """Each fragment's offset: the lengths so far, plus a separator per record before."""
        before = itertools.accumulate(self.lengths, initial=0)
        return [self.start + n + 2 * i for i, n in enumerate(itertools.islice(before, len(self)))]

    def offsets(self, many: bool) -> Callable[[int], int]:
        """`offset(j)`: where record j starts (j = len: two past the end of the last one)."""
        if many:
            starts = self.starts()
            starts.append(starts[-1] + self.lengths[-1] + 2)
            return starts.__getitem__
        lengths, start = self.lengths, self.start
        return lambda j: start + sum(lengths[:j]) + 2 * j  # a few lookups: no list of them all

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(slots=True)
class Layout:
    tables: dict[str, TableLayout]  # in file order
    size: int

    @classmethod
    def of(cls, data: dict[str, Any], raw: bytes) -> Layout | None:
        """The layout of `raw`, which must be `encode(data)` (check that first for a file we did
        not write: `Layout.of_read`); None if it does not look like it."""
        tables = [name for name in sorted(data) if data[name]]
        if not tables:
            return None  # "{}": no frame to speak of
        # Record key lines are the only lines indented 4 and starting with a quote (deeper
        # lines are indented 6 or more): one literal search finds them all, in order. Each
        # table's key line must come just before its first record.
        records_at = [m.start() + 1 for m in _RECORD_LINE.finditer(raw)]
        if len(records_at) != sum(len(data[t]) for t in tables):
            return None
        out: dict[str, TableLayout] = {}
        first = 0
        for n, name in enumerate(tables):
            records = data[name]
            heads = records_at[first : first + len(records)]
            first += len(records)
            head = (b"{\n" if n == 0 else b"\n  },\n") + table_head(name)
            if raw[heads[0] - len(head) : heads[0]] != head:
                return None
            table_end = raw.find(b"\n  }", heads[-1])
            ends = [h - 2 for h in heads[1:]]
            ends.append(table_end)
            lengths = list(map(operator.sub, ends, heads))
            out[name] = TableLayout(records, sorted(records), lengths, heads[0])
        return cls(out, len(raw))

    @classmethod
    def of_read(cls, data: dict[str, Any], raw: bytes) -> Layout | None:
        """The layout of a file we read (`raw`, parsed to `data`) if it is exactly what `encode`
        writes for `data`; else None. Only then are its record boundaries known for sure: a
        file edited by hand (a stray space, another indent, keys out of order) could otherwise
        have a save copy spans that cut through records."""
        return cls.of(data, raw) if is_exact(data, raw) else None

    @classmethod
    def of_file(
        cls, data: dict[str, Any], size: int, read: Callable[[int, int], bytes]
    ) -> Layout | None:
        """`of_read` for a file of `size` bytes read a piece at a time (`read(start, end)`),
        never whole (the dashboard's first save, with all its data and rows in memory), each
        record's place read off the encoding `exact.compare` checks the file against."""
        out: dict[str, TableLayout] = {}

        def chunk(name: str, encoded: bytes, first: int, end: int, at: int) -> None:
            table = out.get(name)
            if table is None:
                records = data[name]
                table = out[name] = TableLayout(records, sorted(records), [], at)
            heads = [first] + [m.start() + 1 for m in _RECORD_LINE.finditer(encoded, first, end)]
            table.lengths += map(operator.sub, [h - 2 for h in heads[1:]] + [end], heads)

        def same(at: int, part: bytes | memoryview) -> bool:  # (a memcmp, as in is_exact)
            return len(got := read(at, at + len(part))) == len(part) and got.startswith(part)

        found = compare(data, size, same, chunk)
        found = found and all(len(t.lengths) == len(t) for t in out.values())
        return cls(out, size) if found else None


def fragment(record_id: str, doc: Any) -> bytes:
    """One record as it appears in the file: its key line and body, indented for depth two."""
    body = orjson.dumps(doc, option=OPTIONS).replace(b"\n", b"\n    ")
    return b"    " + orjson.dumps(record_id) + b": " + body


# A table's key line in a file laid out as `encode` writes it: indented two spaces (deeper lines
# are indented more, and a raw newline only ever appears between tokens).
_JSON_SPACE = b" \t\r\n"  # JSON's whitespace (bytes.strip() would also take \x0b and \x0c)
_TABLE_KEY = re.compile(rb'\n  ("(?:[^"\\\n]|\\.)*")[ \t]*:[ \t]*')


def largest_table(spans: list[tuple[str, int, int]], min_bytes: int) -> int | None:
    """Which of `spans` (`table_spans`) is the largest table, if it has `min_bytes` or more and
    is given once in the file (a forked check's share, or a table left as its bytes)."""
    index = max(range(len(spans)), key=lambda i: spans[i][2] - spans[i][1], default=None)
    if index is None:
        return None
    name, start, stop = spans[index]
    if stop - start < min_bytes or [n for n, *_ in spans].count(name) > 1:
        return None
    return index


def table_spans(raw: bytes) -> list[tuple[str, int, int]] | None:
    """Each top-level key of a file laid out as `encode` writes it (one per line, indented two
    spaces), with where its value starts and stops, in file order; None if the file is not
    laid out that way (the value spans are then not known: parse the file whole)."""
    keys = list(_TABLE_KEY.finditer(raw))
    if not keys or raw[: keys[0].start()].strip(_JSON_SPACE) != b"{":
        return None
    spans: list[tuple[str, int, int]] = []
    for i, match in enumerate(keys):
        end = keys[i + 1].start() if i + 1 < len(keys) else raw.rfind(b"}")
        if end < match.end() or (i + 1 == len(keys) and raw[end + 1 :].strip(_JSON_SPACE)):
            return None
        stop = end
        while stop > match.end() and raw[stop - 1] in _JSON_SPACE:
            stop -= 1
        if i + 1 < len(keys):
            if raw[stop - 1] != ord(","):
                return None
            stop -= 1
        try:
            name = orjson.loads(match.group(1))
        except orjson.JSONDecodeError:
            return None
        spans.append((name, match.end(), stop))
    return spans


class _Writer:
    """Pieces of the new file, adjacent spans merged, with the offset reached so far."""

    def __init__(self) -> None:
        self.pieces: list[Piece] = []
        self.pos = 0

    def copy(self, start: int, end: int) -> None:
        if end <= start:
            return
        last = self.pieces[-1] if self.pieces else None
        if isinstance(last, Span) and last.end == start:
            self.pieces[-1] = Span(last.start, end)
        else:
            self.pieces.append(Span(start, end))
        self.pos += end - start

    def bytes(self, raw: bytes) -> None:
        self.pieces.append(raw)
        self.pos += len(raw)


Reader = Callable[[int, int], bytes]


@dataclass(slots=True)
class Plan:
    """How to write `data` from the old file: the pieces, and the new file's layout."""

    pieces: list[Piece]
    layout: Layout
    changed: int  # records whose bytes are new

    @property
    def unchanged(self) -> bool:
        """The new file would be the old one, byte for byte."""
        return self.changed == 0


def plan(old: Layout, data: dict[str, Any], read: Reader) -> Plan | None:
    """The new file as pieces of the old one and new fragments; None if the tables changed.

    `read(start, end)` gives the old file's bytes: a record that was rewritten with the same
    bytes (merged in again, say) is copied, not counted as changed.
    """
    tables = [name for name in sorted(data) if data[name]]
    if not tables or tables != list(old.tables):
        return None
    out = _Writer()
    new_tables: dict[str, TableLayout] = {}
    changed = 0
    for n, name in enumerate(tables):
        out.bytes(b"{\n" if n == 0 else _SEP)
        out.bytes(table_head(name))
        table, count = _plan_table(old.tables[name], data[name], out, read)
        new_tables[name] = table
        changed += count
        out.bytes(b"\n  }")
    out.bytes(b"\n}\n")
    return Plan(out.pieces, Layout(new_tables, out.pos), changed)


def _plan_table(
    old: TableLayout, records: dict[str, Any], out: _Writer, read: Reader
) -> tuple[TableLayout, int]:
    if records is old.records and len(records) >= SMALL_TABLE:
        new_start = out.pos
        out.copy(old.start, old.offsets(False)(len(old)) - 2)
        return TableLayout(records, old.ids, old.lengths, new_start), 0
    dirty = list(records) if len(records) < SMALL_TABLE else changed_ids(old.records, records)
    added = [i for i in dirty if not _listed(old.ids, i)]
    if len(old) + len(added) != len(records):  # a record was removed (compact, restore)
        return _encode_table(records, out), len(records)
    ids = old.ids
    if added:
        ids = list(ids)
        for record_id in added:
            bisect.insort(ids, record_id)
    lengths = list(old.lengths)
    offset = old.offsets(many=len(dirty) > 16)
    new_start = out.pos
    emitted = 0  # records written so far (a separator goes before each but the first)
    at = 0  # the next old record not yet written
    shift = 0  # records inserted so far
    changed = 0
    for record_id in sorted(dirty):
        j = bisect.bisect_left(old.ids, record_id)
        exists = j < len(old) and old.ids[j] == record_id
        piece = fragment(record_id, records[record_id])
        if exists and len(piece) == old.lengths[j]:
            where = offset(j)
            if read(where, where + len(piece)) == piece:
                continue  # the same bytes: copied with the unchanged records around it
        if j > at:  # the unchanged old records in between, separators included
            if emitted:
                out.bytes(_SEP)
            out.copy(offset(at), offset(j) - 2)
            emitted += j - at
        if emitted:
            out.bytes(_SEP)
        out.bytes(piece)
        emitted += 1
        changed += 1
        if exists:
            lengths[j + shift] = len(piece)
            at = j + 1
        else:
            lengths.insert(j + shift, len(piece))
            shift += 1
            at = j
    if at < len(old):
        if emitted:
            out.bytes(_SEP)
        out.copy(offset(at), offset(len(old)) - 2)
    return TableLayout(records, ids, lengths, new_start), changed


def _listed(ids: list[str], record_id: str) -> bool:
    """Is `record_id` in the sorted `ids` (the file's, not the table dict's: a small table's dict
    may have been changed in place)?"""
    j = bisect.bisect_left(ids, record_id)
    return j < len(ids) and ids[j] == record_id


def changed_ids(before: dict[str, Any], records: dict[str, Any]) -> list[str]:
    """Ids whose record is not the object encoded before (new ids included).

    A write copies the table dict and sets one key, so the keys keep their order with new ones
    at the end: then the records compare pairwise, in C. Otherwise, one lookup per id.
    """
    n = len(before)
    if len(records) >= n and all(map(operator.is_, records.keys(), before.keys())):
        moved = map(operator.is_not, records.values(), before.values())
        changed = list(itertools.compress(records.keys(), moved))
        return changed + list(itertools.islice(records.keys(), n, None))
    return [i for i, doc in records.items() if before.get(i) is not doc]


def _encode_table(records: dict[str, Any], out: _Writer) -> TableLayout:
    ids = sorted(records)
    start = out.pos
    lengths = []
    for n, record_id in enumerate(ids):
        if n:
            out.bytes(_SEP)
        piece = fragment(record_id, records[record_id])
        out.bytes(piece)
        lengths.append(len(piece))
    return TableLayout(records, ids, lengths, start)


def render(pieces: list[Piece], old: bytes) -> bytes:
    """The new file's bytes from the old file's (for tests and small files)."""
    return b"".join(old[p.start : p.end] if isinstance(p, Span) else p for p in pieces)
