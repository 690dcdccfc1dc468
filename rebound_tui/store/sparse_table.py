"""A large table a command leaves as bytes, parsing only the records it reads.

A command on the heavy benchmark file (`rebound-tui done ID`) reads a few of the 20,000
interactions: the cool-off guard's touches of one person and their company, and the
rejections the save looks for twins among. Parsing the whole table for that (16 MB of the
file's 26) costs about 55 ms and 13,000 fresh pages. So a command's load keeps its largest
table as the bytes it was read from (`SparseTable`) when those bytes are exactly what
`fileformat.encode` writes (`exact.is_exact`, or a child's check that says so: it is never
assumed). In that layout every record is one fragment that starts with a key line no other
line can look like (`    "<id>": `, indented four spaces; deeper lines are indented six or
more, and a string holds no raw newline), and records are in sorted id order. So:

- `get(id)` finds the record's key line (a binary search: records are in sorted id order) and
  parses that fragment alone;
- `candidates(values)` gives every record whose bytes hold one of these strings as written
  by `encode` (a JSON string token): a superset of the records with such a field, found by
  a machine-level search, each parsed alone (callers filter them as they filter a dict's);
- a write makes a new table (copy-on-write, as for a dict) that holds the written records
  beside the bytes (`with_record`), and a save writes only those into the file's bytes
  (`fragments.file_pieces`; `insert_at` says where a new id goes, by a binary search over
  the bytes);
- anything else (iterating, counting, many lookups, a common value) parses the whole table
  once (`whole`) and reads it from then on: never a wrong answer, only the old cost.

A record read twice is the same object (as in a dict), and the whole table, once parsed,
holds the records read before it: a save's "is this the record read?" stays an identity test.
Not a dict subclass on purpose: code that would read a dict's storage directly (orjson's
`dumps`, `dict.update`) fails loudly on it instead of seeing an empty table.
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from typing import Any

import orjson

__all__ = ["SparseTable", "all_parsed", "whole", "with_record"]

KEY_LINE = b'\n    "'  # the start of a record's key line (after the newline before it)
RECORD_KEY = re.compile(rb'    ("(?:[^"\\\n]|\\.)*"): ')  # a key line: its id as written
_TABLE_CLOSE = b"\n  }"
MIN_BYTES = 1 << 20  # a smaller table is parsed whole: it takes less than a few lookups
MAX_FINDS = 2000  # records looked up one by one (about 20 us each) before the whole table is
# parsed instead (about 60 ms on the heavy file's 16 MB)
MAX_WRITTEN = 256  # records a merge writes beside the bytes (more: it parses the table)
MAX_NEEDLES = 8  # values a sieve searches for one by one (more: the whole table)
# Records a sieve parses one by one, at most: one per HIT_BYTES of the table (more: the whole
# table, parsed at about 3 us a record where one parsed alone takes about 7 us), and MAX_HITS.
HIT_BYTES = 4096
MAX_HITS = 2000


class _Shared:
    """What every version of one table's bytes shares: the file's bytes until the table is
    parsed, the records parsed so far (by id; None: not in the table), the lookups made, and
    the whole table once parsed."""

    __slots__ = ("raw", "docs", "finds", "whole", "lock")

    def __init__(self, raw: bytes) -> None:
        self.raw: bytes | None = raw  # (dropped once the table is parsed: 26 MB on heavy)
        self.docs: dict[str, Any] = {}
        self.finds = 0
        self.whole: dict[str, Any] | None = None
        self.lock = threading.Lock()  # (the dashboard's threads: the table is parsed once)


class SparseTable(Mapping[str, Any]):
    """The table whose value is `raw[start:stop]`, exactly as `encode` writes it (see the
    module: the caller must know that), plus the records written since it was read."""

    __slots__ = ("_start", "_stop", "_last", "_base", "_shared", "_written", "_whole")

    def __init__(self, raw: bytes, start: int, stop: int, *, own: bool = False) -> None:
        """`own`: hold a copy of the table's bytes, not the file's (whose other bytes can then
        be freed: the dashboard, which keeps its data for hours). Places are the file's."""
        self._base = 0
        if own:
            raw, self._base = bytes(memoryview(raw)[start:stop]), start
            start, stop = 0, stop - start
        self._start, self._stop = start, stop
        self._last = stop - len(_TABLE_CLOSE)  # where the last record ends
        self._shared = _Shared(raw)
        self._written: dict[str, Any] = {}
        self._whole: dict[str, Any] | None = None  # this version's, once asked for

    # -- what the save needs ---------------------------------------------------------------------
    @property
    def span(self) -> tuple[int, int]:
        """Where the table's value is in the file's bytes."""
        return self._start + self._base, self._stop + self._base

    @property
    def held(self) -> bool:
        """Does it still hold the file's bytes? (Not once the table is parsed: then `find` and
        `insert_at` cannot say where a record is, and a save encodes the table.)"""
        return self._shared.raw is not None

    @property
    def _raw(self) -> bytes:
        raw = self._shared.raw
        if raw is None:
            raise RuntimeError("the table was parsed: its bytes are not held any more")
        return raw

    @property
    def written(self) -> Mapping[str, Any]:
        """The records written since the table was read (read only)."""
        return self._written

    def same_bytes(self, other: Any) -> bool:
        """Is `other` a version of the table over the same bytes (as read, or written since)?"""
        return type(other) is SparseTable and other._shared is self._shared

    def with_record(self, record_id: str, doc: Any) -> SparseTable:
        """A new version of the table with `doc` at `record_id` (this one is left as it is)."""
        return self.with_records({record_id: doc})

    def with_records(self, records: Mapping[str, Any]) -> SparseTable:
        """A new version of the table with these records written (this one is left as it is)."""
        new = SparseTable.__new__(SparseTable)
        new._start, new._stop, new._last = self._start, self._stop, self._last
        new._base = self._base
        new._shared = self._shared
        new._written = {**self._written, **records}
        new._whole = None
        return new

    def find(self, record_id: str) -> tuple[int, int] | None:
        """Where the record `record_id` read from the bytes is in the file: its fragment's key
        line to its end (the separator left out); None if the bytes hold no such record."""
        head = self._first_from(record_id, after=False)
        if head is None or self._key_at(head)[0] != record_id:
            return None
        return head + self._base, self._end_of(head + 5) + self._base

    def insert_at(self, record_id: str) -> int | None:
        """Where the fragment of a new record `record_id` goes: the start of the first record
        read whose id sorts after it (None: after the last one), in the file."""
        at = self._first_from(record_id, after=True)
        return at + self._base if at is not None else None

    # -- reading -----------------------------------------------------------------------------------
    def get(self, record_id: Any, default: Any = None) -> Any:
        if type(record_id) is not str:
            return default
        if record_id in self._written:
            return self._written[record_id]
        doc = self._read(record_id)
        return default if doc is None else doc

    def __getitem__(self, record_id: str) -> Any:
        doc = self.get(record_id)
        if doc is None:
            raise KeyError(record_id)
        return doc

    def __contains__(self, record_id: object) -> bool:
        return self.get(record_id) is not None

    def candidates(self, values: Iterable[Any]) -> Iterator[tuple[str, Any]]:
        """(id, record) of every record that may have a field equal to one of the strings
        `values` (its bytes hold the string as `encode` writes it): a superset, to be
        filtered by the caller. Other values (not strings) cannot be searched for: then
        every record."""
        wanted = list(dict.fromkeys(values))
        if (
            self._shared.whole is not None
            or len(wanted) > MAX_NEEDLES
            or any(type(v) is not str for v in wanted)
        ):
            yield from self.whole().items()
            return
        found = self._holding([orjson.dumps(v) for v in wanted])
        if found is None:
            yield from self.whole().items()
            return
        # The records found, parsed as one object (their fragments joined: one call, not one
        # per record); a record read before stays the object it was.
        raw, docs = self._raw, self._shared.docs
        parsed = orjson.loads(b"{" + b",".join(raw[a:b] for a, b in found) + b"}")
        for record_id, doc in parsed.items():
            if record_id in self._written:
                continue
            known = docs.get(record_id)
            if known is None:
                docs[record_id] = doc
            yield record_id, doc if known is None else known
        yield from self._written.items()

    def whole(self) -> dict[str, Any]:
        """The table as a dict (parsed once, shared by every version; the records read before
        are the same objects in it)."""
        if self._whole is None:
            shared = self._shared
            with shared.lock:
                if shared.whole is None:
                    shared.whole = self._parsed()
                    shared.raw = None  # (the file's bytes go, unless the caller holds them)
            self._whole = {**shared.whole, **self._written} if self._written else shared.whole
        return self._whole

    def _parsed(self) -> dict[str, Any]:
        """The table parsed, with the records read before in it (no collection meanwhile: the
        parse makes tens of thousands of containers, none of them garbage)."""
        from rebound_tui.store import table_chunks

        collecting = gc.isenabled()
        gc.disable()
        try:
            table = table_chunks.parse(memoryview(self._raw)[self._start : self._stop])
            for record_id, doc in self._shared.docs.items():
                if doc is not None and record_id in table:
                    table[record_id] = doc
        finally:
            if collecting:
                gc.enable()
        return table

    def __iter__(self) -> Iterator[str]:
        return iter(self.whole())

    def __len__(self) -> int:
        return len(self.whole())

    def __eq__(self, other: object) -> bool:
        """Two versions of the same bytes compare by the records written to either (no parse);
        anything else as mappings do."""
        if type(other) is SparseTable and other._shared is self._shared:
            return all(self.get(i) == other.get(i) for i in {**self._written, **other._written})
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  (as a dict's)

    def __bool__(self) -> bool:
        return True  # (only ever a large table: never empty, and not parsed to say so)

    def keys(self) -> KeysView[str]:
        return self.whole().keys()

    def items(self) -> ItemsView[str, Any]:
        return self.whole().items()

    def values(self) -> ValuesView[Any]:
        return self.whole().values()

    def __repr__(self) -> str:
        return f"<SparseTable {self._stop - self._start} bytes, {len(self._written)} written>"

    # -- the bytes ---------------------------------------------------------------------------------
    def _read(self, record_id: str) -> Any:
        shared = self._shared
        if shared.whole is not None:
            return shared.whole.get(record_id)
        if record_id in shared.docs:
            return shared.docs[record_id]
        shared.finds += 1
        if shared.finds > MAX_FINDS:
            self.whole()
            return shared.whole.get(record_id)  # type: ignore[union-attr]
        head = self._first_from(record_id, after=False)
        doc = None
        if head is not None:
            found, value_at = self._key_at(head)
            doc = self._value_at(value_at) if found == record_id else None
        shared.docs[record_id] = doc
        return doc

    def _first_from(self, record_id: str, after: bool) -> int | None:
        """The start of the first record whose id sorts after `record_id` (`after`), or at or
        after it; None if there is none. A binary search over the bytes: the records are in
        sorted id order, and each probe reads one key line."""
        raw, lo, hi, found = self._raw, self._start, self._last, None
        while lo < hi:
            mid = (lo + hi) // 2
            at = raw.find(KEY_LINE, mid, self._last)
            if at < 0:
                hi = mid
                continue
            key = self._key_at(at + 1)[0]
            if key > record_id or (not after and key == record_id):
                found, hi = at + 1, mid  # (no record starts between mid and this one)
            else:
                lo = at + 1
        return found

    def _end_of(self, at: int) -> int:
        """Where the record whose value starts at `at` ends (before `,` or the table's close)."""
        following = self._raw.find(KEY_LINE, at, self._last)
        return following - 1 if following >= 0 else self._last

    def _value_at(self, at: int) -> Any:
        return orjson.loads(memoryview(self._raw)[at : self._end_of(at)])

    def _key_at(self, head: int) -> tuple[str, int]:
        """The id of the record whose key line starts at `head`, and where its value starts."""
        match = RECORD_KEY.match(self._raw, head, self._last)
        if match is None:  # (never, in the layout this table is made for)
            raise ValueError("not a record's key line")
        return orjson.loads(match.group(1)), match.end()

    def _holding(self, needles: list[bytes]) -> list[tuple[int, int]] | None:
        """Where the records whose bytes hold one of `needles` are (their fragments, key line to
        end), in file order; None if more than the sieve's limit do (`HIT_BYTES`,
        `MAX_HITS`)."""
        raw, start, last = self._raw, self._start, self._last
        limit = max(MAX_HITS, (last - start) // HIT_BYTES)
        found: dict[int, int] = {}
        for needle in needles:
            at = raw.find(needle, start, last)
            while at >= 0:
                head = raw.rfind(KEY_LINE, start, at + 1) + 1  # (a needle holds no newline)
                end = found[head] = self._end_of(head + 5)
                if len(found) > limit:
                    return None
                at = raw.find(needle, end, last)
        return sorted(found.items())


def whole(table: Any) -> Any:
    """`table` as a dict if it is a SparseTable, else itself."""
    return table.whole() if type(table) is SparseTable else table


def with_record(table: Mapping[str, Any], record_id: str, doc: Any) -> Mapping[str, Any]:
    """A new version of `table` (a dict or a SparseTable) with `doc` at `record_id` (copy-on-
    write: a reader on another thread may be iterating the one it had)."""
    if type(table) is SparseTable:
        return table.with_record(record_id, doc)
    return {**table, record_id: doc}


def all_parsed(data: dict[str, Any]) -> dict[str, Any]:
    """`data` (a database's tables) with every table a dict: those left as bytes parsed."""
    return {name: whole(table) for name, table in data.items()}
