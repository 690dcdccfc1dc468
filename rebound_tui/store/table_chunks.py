"""A table's records checked a few hundred KB at a time, by a process that keeps none of them.

A forked child (`split_check.py`) parses and checks its part of a file and then drops it. Parsed
whole, its 16 MB of the heavy benchmark file become about 80 MB of fresh objects: the kernel
hands out (and zeroes) some 20,000 pages for them, and the check walks memory far larger than
the processor's caches. Parsed and checked in pieces of about `CHUNK_BYTES`, each piece's
objects are freed before the next is parsed, so the same few MB are used again while still in
the caches: the child's check took 200 ms instead of 310 ms (`benchmarks/README.md`).

A piece is cut at the comma before a record (`split_check.cut_point`'s `,\\n    "`, as
`encode` lays a table out) and made an object of its own with a brace on each side. The pieces
count only if every one of them is a JSON object and no record id is in two of them: a cut
anywhere but between two records of the table leaves some piece's braces unbalanced (a piece
starts where the one before it ends; the first starts, and the last ends, at the table's own
level), so it fails to parse, and an id given twice means the later value counts, which only
the whole table says. Then, or for a small table, the table is parsed whole, as before:
pieces only ever save time, never change a verdict.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from rebound_tui.store.record_problems import table_problems

__all__ = ["CHUNK_BYTES", "chunks", "problems"]

CHUNK_BYTES = 1 << 18  # about 256 KB a piece (measured: 128 KB-1 MB all do about as well)
_NEXT_RECORD = re.compile(rb',\n    "')  # (split_check's `_NEXT_RECORD`)


def chunks(raw: bytes | memoryview | tuple[Any, ...]) -> list[bytes | memoryview]:
    """The JSON object `raw` (or the pieces it is made of, the first holding all but its
    closing brace) as the text of objects of about CHUNK_BYTES each, cut before a record;
    `[raw]` (joined) if it is small or has no such place to cut."""
    parts = raw if isinstance(raw, tuple) else (raw,)
    body, tail = parts[0], b"".join(parts[1:])
    size = len(body)
    if size < 2 * CHUNK_BYTES:
        return [b"".join(parts) if tail else body]
    cuts: list[int] = []
    at = CHUNK_BYTES
    while at < size - CHUNK_BYTES:
        found = _NEXT_RECORD.search(body, at)
        if found is None:
            break
        cuts.append(found.start())
        at = found.start() + CHUNK_BYTES
    if not cuts:
        return [b"".join(parts) if tail else body]
    view = memoryview(body)
    starts = [0, *(cut + 1 for cut in cuts)]
    stops = [*cuts, size]
    out: list[bytes | memoryview] = []
    for n, (start, stop) in enumerate(zip(starts, stops, strict=True)):
        first, last = n == 0, n == len(cuts)
        out.append(b"".join((b"" if first else b"{", view[start:stop], tail if last else b"}")))
    return out


def problems(
    name: str,
    raw: bytes | memoryview | tuple[Any, ...],
    stamp_limit: str | None,
    now_ms: int,
    seen: list[str] | None,
) -> list[str]:
    """`table_problems` of the table `name` whose JSON text is `raw` (as `chunks` takes it),
    checked piece by piece (see the module's doc); `seen`: [the highest stamp so far], raised
    to theirs."""
    pieces = chunks(raw)
    if len(pieces) > 1:
        before = None if seen is None else seen[0]
        found: list[str] = []
        ids: set[str] = set()
        count = 0
        try:
            for piece in pieces:
                value = orjson.loads(piece)
                if type(value) is not dict:
                    raise ValueError("a piece that is not an object")
                count += len(value)
                ids.update(value)
                found += table_problems(
                    name, value, None, stamp_limit, now_ms, None, seen, share=False
                )
                del value
        except ValueError:  # (orjson's errors among them)
            count = -1
        if count == len(ids):
            return found
        # A cut inside a record, or an id given twice: the table whole, and the highest stamp
        # as it says (an earlier value of a record given twice does not count).
        if seen is not None and before is not None:
            seen[0] = before
    whole: Any = orjson.loads(b"".join(raw) if isinstance(raw, tuple) else raw)
    return table_problems(name, whole, None, stamp_limit, now_ms, None, seen, share=False)
