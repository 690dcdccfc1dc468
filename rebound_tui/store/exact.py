"""Is a data file exactly what `fileformat.encode` writes for the data parsed from it?

Only then are its record boundaries known for sure (`layout.py` copies records as spans of it,
`sparse_table.py` reads them one by one), and it gives no key twice. The file is compared with
the encoding a few thousand records at a time: never a second copy of a table in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from rebound_tui.store.sparse_table import SparseTable
from rebound_tui.store.table_chunks import Summary

__all__ = ["OPTIONS", "compare", "is_exact", "table_head"]

OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS  # `encode`'s, but for the final newline
_VERIFY_RECORDS = 2000  # records encoded at once to check a file we read
_SEP = b",\n"  # between two records (as `layout` writes them)


def is_exact(data: dict[str, Any], raw: bytes) -> bool:
    """Is `raw` (parsed to `data`) exactly what `fileformat.encode` writes for `data`? Then it
    also gives no key twice (orjson writes each key of a dict once). A table left as its bytes
    (`sparse_table.py`) counts as exact where it sits: the caller knows it is. (`raw.startswith(
    part, at)` is a memcmp: comparing memoryviews goes byte by byte, 50 ms more on 26 MB.)"""
    return compare(data, len(raw), lambda at, part: raw.startswith(part, at))


def compare(
    data: dict[str, Any],
    size: int,
    same: Callable[[int, bytes | memoryview], bool],
    chunk: Callable[[str, bytes, int, int, int], None] | None = None,
) -> bool:
    """Does the file of `size` bytes (`same(at, part)`: it holds `part` at offset `at`) hold
    exactly `encode(data)`? Compared a few thousand records at a time: `{"t": {some
    records}}` encodes as the frame around exactly the file's bytes for those records (sorted
    ids are contiguous), so no second copy of a whole table, let alone the file, is ever alive
    at once. `chunk(table, encoded, first, end, at)` is told of each part that matched: the
    records' bytes are `encoded[first:end]`, at offset `at` of the file."""
    tables = [name for name in sorted(data) if data[name]]
    if not tables or not same(0, b"{\n  ") or size < 3 or not same(size - 3, b"\n}\n"):
        return False  # not our frame at all: no need to encode to know
    at = 0
    for n, name in enumerate(tables):
        records = data[name]
        head = table_head(name)
        if not same(at, (b"{\n" if n == 0 else b",\n") + head):
            return False
        at += 2 + len(head)
        ids: list[str] = []
        if type(records) is SparseTable or type(records) is Summary:
            # Its value's bytes, as read, and not in memory: the caller judged them.
            span = records.span
            if span is None or span[0] + 2 != at or chunk is not None:
                return False
            if type(records) is SparseTable and records.written:
                return False
            at = span[1] - len(b"\n  }")
        elif type(records) is not dict:
            return False
        else:
            ids = sorted(records)
        for c in range(0, len(ids), _VERIFY_RECORDS):
            if c:
                if not same(at, _SEP):
                    return False
                at += 2
            part = {i: records[i] for i in ids[c : c + _VERIFY_RECORDS]}
            encoded = orjson.dumps({name: part}, option=OPTIONS)
            first, end = 2 + len(head), len(encoded) - len(b"\n  }\n}")
            if not same(at, memoryview(encoded)[first:end]):
                return False
            if chunk is not None:
                chunk(name, encoded, first, end, at)
            at += end - first
        if not same(at, b"\n  }"):
            return False
        at += 4
    return size - at == 3


def table_head(name: str) -> bytes:
    """A table's key line as `encode` writes it, with its value's opening brace."""
    return b"  " + orjson.dumps(name) + b": {\n"
