"""A table's records parsed and checked a few hundred KB at a time.

Parsed whole, the 16 MB of interactions of the heavy benchmark file become some 80 MB of fresh
objects at once, and the check that follows walks memory far larger than the processor's
caches. Parsed and checked in pieces of about `CHUNK_BYTES`, each piece is checked while its
objects are still in the caches:

- a process that keeps nothing (`split_check.py`'s forked child) frees each piece before it
  parses the next, so the same few MB are used again: its answer took 200 ms instead of 310 ms,
  with 3,000 page faults instead of 19,500 (`problems`);
- a load that keeps the data (`by_table.parse_by_table`, for a file whose records must be
  checked) joins the pieces into the table: the heavy file's load and check took 297 ms
  instead of 486 ms with equal strings shared (the dashboard), 223 instead of 296 without (a
  command), best of 8 (`parse_checked`);
- a table parsed with no check here (bytes checked before, a share another process checks, a
  first start's partial read) is parsed in pieces too (`parse`): orjson's working memory, about
  the size of the text, is then a piece's, used again, not the whole table's, fresh from the
  system. On the benchmark machine (a VM where a page touched for the first time costs about
  3.5 us) a command on the heavy file new here took 8,700 fewer page faults and 50 ms less CPU.

A piece is cut at the comma before a record (`NEXT_RECORD`, `,\n    "`, as
`encode` lays a table out) and made an object of its own with a brace on each side. The pieces
count only if every one of them is a JSON object and no record id is in two of them: a cut
anywhere but between two records of the table leaves some piece's braces unbalanced (a piece
starts where the one before it ends; the first starts, and the last ends, at the table's own
level), so it fails to parse, and an id given twice means the later value counts, which only
the whole table says. Then, or for a small table, the table is parsed and checked whole, as
before: pieces only ever save time, never change a verdict, a value or the order of a table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import orjson

__all__ = [
    "CHUNK_BYTES",
    "NEXT_RECORD",
    "chunks",
    "no_check",
    "parse",
    "parse_checked",
    "problems",
    "Summary",
    "summarize",
]

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS  # (layout.OPTIONS: `encode`'s)
CHUNK_BYTES = 1 << 18  # about 256 KB a piece (measured: 128 KB-1 MB all do about as well)
NEXT_RECORD = b',\n    "'  # between two records of a table as `encode` (or indent 2) lays them
_NEXT_RECORD = re.compile(re.escape(NEXT_RECORD))  # (a memoryview has no `find`)


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
    exact: list[bool] | None = None,
) -> list[str]:
    """`table_problems` of the table `name` whose JSON text is `raw` (as `chunks` takes it),
    checked piece by piece, each piece dropped before the next is parsed (see the module's
    doc); `seen`: [the highest stamp so far], raised to theirs. `exact`, if given, gets
    whether `raw` (a whole table's value) is exactly what `fileformat.encode` writes for the
    table (`Exact`)."""

    from rebound_tui.store.record_problems import table_problems  # (not for `split_check`'s import)

    laid_out = Exact(name) if exact is not None else None

    def check(value: Any) -> list[str]:
        return table_problems(name, value, None, stamp_limit, now_ms, None, seen, share=False)

    found = _in_pieces(raw, check, seen, keep=False, exact=laid_out)[1]
    if exact is not None and laid_out is not None:
        exact.append(laid_out.ok)
    return found


class Exact:
    """Is a table's value, read piece by piece, exactly what `encode` writes for the table
    `name`? Each piece's records are encoded and compared with the piece's bytes (sorted keys,
    two-space indent, no id twice: orjson's encoding of a dict of the piece), and each
    piece's first id must sort after the last id of the piece before. `ok` stays False for
    anything else (a table that was not split, or is not framed as `encode` frames one)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._skip = len(orjson.dumps({name: {}}, option=_OPTIONS)) - len(b"{}\n}")
        self.reset()

    def reset(self) -> None:
        """Judge again from the first piece (the table read whole after all)."""
        self._last_id: str | None = None
        self._wrong = False
        self.ok = False

    def piece(self, value: dict[str, Any], text: bytes | memoryview, last: bool) -> None:
        """The piece `text` (the `chunks` text of some records, the last one's with the
        table's close), parsed to `value`."""
        if self._wrong:
            return
        text = text if type(text) is bytes else bytes(text)
        tail = b"\n  }" if last else b"}"
        size = len(text) - 2 - len(tail)  # (the records' bytes, after "{\n")
        encoded = orjson.dumps({self._name: value}, option=_OPTIONS)
        at = self._skip + 2  # (the records' bytes in `encoded`: the table's "{\n" and on)
        ids = list(value)
        right = (
            bool(ids)
            and text.startswith(b"{\n")
            and text.endswith(tail)
            and len(encoded) - at - len(b"\n  }\n}") == size
            and encoded.startswith(memoryview(text)[2 : 2 + size], at)  # (a memcmp)
            and (self._last_id is None or ids[0] > self._last_id)
        )
        if not right:
            self._wrong, self.ok = True, False
            return
        self._last_id = ids[-1]
        self.ok = last


def parse(raw: bytes | memoryview | tuple[Any, ...]) -> Any:
    """The JSON text `raw` (as `chunks` takes it) parsed a piece at a time and joined: the same
    value, in the same order, as one `orjson.loads` of it (which also raises its errors).
    Nothing is checked: for a table whose check is spared or done elsewhere.

    Why: orjson first parses into a working document about as large as the text, then builds
    the objects from it. Parsed whole, a table of 12 MB takes that document's memory fresh from
    the system (a process that has just started has none to spare), page by page; in pieces,
    the same few hundred KB serve every piece. A page touched for the first time costs a
    fault (about 3.5 us on the benchmark machine, a virtual one): the heavy file's tables,
    parsed in a fresh process, took 5,600 fewer faults and 10-30 ms less (of 130 ms)."""
    return _in_pieces(raw, no_check, None, keep=True)[0]


def no_check(value: Any) -> list[str]:
    """A check that finds nothing (for a table whose check is spared or done elsewhere)."""
    return []


def parse_checked(
    raw: bytes | memoryview, check: Callable[[Any], list[str]], top: list[str] | None
) -> tuple[Any, list[str]]:
    """The table whose JSON text is `raw`, and `check`'s problems with it: the same as
    `check(orjson.loads(raw))`, but parsed a piece at a time and each piece checked as soon as
    it is parsed, while its objects are still in the caches (a load that keeps the data: about
    a third less time than a parse of the whole table, then its check). `check` raises `top`,
    [the highest stamp so far]; the pieces' records are joined into one table, in its order."""
    table, found, _ = _in_pieces(raw, check, top, keep=True)
    return table, found


class Summary:
    """What a load kept of a table it was asked to summarize (`fileformat.decode`'s
    `summaries`): `extract`'s summary of its records, not the records. Not a table: code that
    reads it as one fails at once (it holds no records to read wrongly)."""

    __slots__ = ("value", "span")

    def __init__(self, value: list[Any], span: tuple[int, int] | None = None) -> None:
        self.value = value
        self.span = span  # (where the table's value is in the file, if known)


def summarize(
    raw: bytes | memoryview,
    check: Callable[[Any], list[str]],
    top: list[str] | None,
    extract: Callable[[dict[str, Any]], list[Any]],
    exact: Exact | None = None,
) -> tuple[list[Any], list[str]]:
    """What `extract` says of the table whose JSON text is `raw`, and `check`'s problems with
    it, without keeping the table: parsed and checked a piece at a time as `problems` does,
    each piece summarized (`extract` of its records, concatenated in the table's order) and
    dropped. The same summary and problems as `extract(t)` and `check(t)` of the whole table
    `t` (a piece with problems is not summarized: the load refuses the file anyway). For a
    process that needs a summary of a large table, not its records (`views_helper`: the
    interactions' facts). `exact`: judges the table's layout on the way."""
    _, found, summary = _in_pieces(raw, check, top, keep=False, extract=extract, exact=exact)
    return summary, found


def _in_pieces(
    raw: bytes | memoryview | tuple[Any, ...],
    check: Callable[[Any], list[str]],
    top: list[str] | None,
    *,
    keep: bool,
    extract: Callable[[dict[str, Any]], list[Any]] | None = None,
    exact: Exact | None = None,
) -> tuple[Any, list[str], list[Any]]:
    pieces = chunks(raw)
    summary: list[Any] = []
    if len(pieces) > 1:
        before = None if top is None else top[0]
        table: dict[str, Any] = {}
        ids: set[str] | dict[str, Any] = table if keep else set()
        found: list[str] = []
        count = 0
        try:
            for n, piece in enumerate(pieces):
                value = orjson.loads(piece)
                if type(value) is not dict:
                    raise ValueError("a piece that is not an object")
                if exact is not None:
                    exact.piece(value, piece, n == len(pieces) - 1)
                wrong = check(value)
                if extract is not None and not wrong:
                    summary += extract(value)
                found += wrong
                count += len(value)
                ids.update(value)
                del value
        except ValueError:  # (orjson's errors among them)
            count = -1
        if count == len(ids):
            return (table if keep else None), found, summary
        # A cut inside a record, or an id given twice: the table whole, and the highest stamp
        # as it says (an earlier value of a record given twice does not count).
        if top is not None and before is not None:
            top[0] = before
    text = b"".join(raw) if isinstance(raw, tuple) else raw
    whole: Any = orjson.loads(text)
    if exact is not None:
        exact.reset()  # (judged again, on the whole table)
        if type(whole) is dict:
            exact.piece(whole, text, True)
    found = check(whole)
    if extract is not None and not found:
        summary = extract(whole)
    return whole, found, summary
