"""The data file parsed one table at a time, each checked before the next is parsed.

`fileformat.decode`'s parse of a file laid out as `encode` writes it (`layout.table_spans`):
the load's memory peak is then one table's parse tree, not the file's, and a command's largest
table may be checked by a forked child (`split_check.py`) or left as its bytes
(`sparse_table.py`). Any other layout gives None: the caller parses the file whole.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from rebound_tui.store import sparse_table, table_chunks
from rebound_tui.store.sparse_table import SparseTable

__all__ = ["parse_by_table"]


def parse_by_table(
    raw: bytes,
    check: bool,
    stamp_limit: str | None = None,
    now_ms: int = 0,
    trusted: Callable[[], bool] | None = None,
    checked: Mapping[str, Any] | None = None,
    layout: list[Any] | None = None,
    top: list[str] | None = None,
    given: Mapping[str, Any] | None = None,
    share: bool = True,
    fork_checks: bool = False,
    found: dict[str, Any] | None = None,
    ahead: Any = None,
    idle: Callable[[], None] | None = None,
    summaries: Mapping[str, Callable[[dict[str, Any]], list[Any]]] | None = None,
    sparse: bool = False,
) -> tuple[dict[str, Any], list[str] | None, bool] | None:
    """The file parsed one table at a time (the tables `given`, parsed already, first; then the
    largest first), each table checked (which makes its equal strings one object, see
    `merge.check_doc`) before the next is parsed; with the problems `shape_problems` would
    list, and whether `trusted()` (asked once the first table is parsed) spared the checks.
    A table parsed once the checks are known to be due is parsed a piece at a time, each piece
    checked as it is parsed (`table_chunks.parse_checked`): so where `trusted()` is still to be
    asked, the second largest table is parsed first (while the hash ends), the largest next.
    `sparse`: the largest table, when its checks are spared, is left as its bytes
    (`sparse_table.py`; the caller keeps it so only if the file is exactly as `encode` writes
    it). None if the file is not laid out that way: the caller then parses it whole (which also
    reports any error).

    Why: `orjson.loads` of the whole file holds its bytes, its parse tree (about 1.5x the file)
    and every Python object at once: the load is the session's memory peak. One table at a
    time, the tree is only the largest table's. (Measured on the heavy file: the load's peak
    +123 -> +84 MB over the imports; `benchmarks/memory_profile.py`.)
    """
    view = memoryview(raw)
    from rebound_tui.store.layout import table_spans

    spans = layout[0] if layout else table_spans(raw)
    if spans is None:
        return None
    if layout is not None and not layout:
        layout.append(spans)
    parsed: dict[int, Any] = {}
    problems: dict[int, list[str]] = {}
    spared = False
    # Tables given first (checking them makes their equal strings one object before the big
    # tables are parsed: the load's memory peak), then the others largest first.
    given = given or {}
    order = sorted(
        range(len(spans)), key=lambda i: (spans[i][0] not in given, spans[i][1] - spans[i][2])
    )

    def check_table(index: int, value: Any) -> list[str]:
        from rebound_tui.store.record_problems import table_problems  # (only if checked)

        name = spans[index][0]
        known = checked.get(name) if checked is not None else None
        return table_problems(name, value, None, stamp_limit, now_ms, known, top, share=share)

    apart = None
    summaries = summaries or {}
    summarized: list[bool] = []  # (whether each summarized table is laid out as we write it)
    if fork_checks and check and trusted is not None and checked is None and not summaries:
        from rebound_tui.store import split_check

        apart = split_check.apart_table(spans, given)
    if apart is not None:  # the largest table is checked by a forked child

        def meanwhile(parsed: dict[int, Any]) -> None:
            """While the child checks: is the file exactly as we write it? (Then the command's
            save copies the tables it left alone: `storage`'s `_read`.)"""
            if found is not None:
                from rebound_tui.store.exact import is_exact

                with contextlib.suppress(TypeError, ValueError):  # (not yet checked: any value)
                    found["exact"] = is_exact(_joined(spans, parsed, None, False)[0], raw)

        laid_out: list[bool] = []  # (the largest table's, if `meanwhile` took it as exact)
        try:
            checks = (stamp_limit, now_ms, trusted, top, check_table, meanwhile, ahead, idle)
            parsed, shown, spared = split_check.parse(
                view, spans, apart, order, *checks, sparse=sparse, laid_out=laid_out
            )
        except orjson.JSONDecodeError:
            return None
        if found is not None and laid_out and not laid_out[0]:
            found["exact"] = False  # (and the table was parsed)
        return _joined(spans, parsed, shown, spared)
    largest = _sparse_candidate(spans) if sparse else None
    if check and trusted is not None and len(order) > 2 and spans[order[0]][0] not in given:
        order[:2] = order[1::-1]  # (the largest second: parsed with its check, as below)
    for index in order:
        name, start, stop = spans[index]
        if name in summaries and name not in given:  # kept only as its summary
            if check and trusted is not None:
                spared, trusted = trusted(), None
                check = not spared
            check_one = (lambda value, i=index: check_table(i, value)) if check else None
            # Checked here: also whether it is laid out as `encode` writes it (for `found`).
            laid_out = table_chunks.Exact(name) if check and found is not None else None
            try:
                summary, problems[index] = table_chunks.summarize(
                    view[start:stop],
                    check_one or table_chunks.no_check,
                    top,
                    summaries[name],
                    laid_out,
                )
            except orjson.JSONDecodeError:
                return None
            parsed[index] = table_chunks.Summary(summary, (start, stop))
            summarized.append(laid_out is not None and laid_out.ok)
            continue
        try:
            if check and trusted is None and name not in given:  # each piece checked as parsed
                from rebound_tui.store.table_chunks import parse_checked

                check_this = lambda value, i=index: check_table(i, value)  # noqa: E731
                parsed[index], problems[index] = parse_checked(view[start:stop], check_this, top)
                continue
            if sparse and not check and name == largest and name not in given:
                # Checked before, and laid out as we write it? (The caller's: else parsed.)
                parsed[index] = SparseTable(raw, start, stop, own=True)
                continue
            value = given[name] if name in given else table_chunks.parse(view[start:stop])
        except orjson.JSONDecodeError:
            return None
        if check and trusted is not None:
            spared, trusted = trusted(), None
            check = not spared
        if check:
            problems[index] = check_table(index, value)
        parsed[index] = value
    joined = _joined(spans, parsed, problems if check else None, spared)
    if summarized and found is not None and all(summarized) and not joined[1]:
        from rebound_tui.store.exact import is_exact  # (a summary counts as laid out so)

        found["exact"] = is_exact(joined[0], raw)  # (what the next load of these bytes keeps)
    return joined


def _sparse_candidate(spans: list[tuple[str, int, int]]) -> str | None:
    """The table a load may leave as bytes (`sparse`): the largest, if large and given once."""
    from rebound_tui.store.layout import largest_table

    index = largest_table(spans, sparse_table.MIN_BYTES)
    return spans[index][0] if index is not None else None


def _joined(
    spans: list[tuple[str, int, int]],
    parsed: dict[int, Any],
    problems: dict[int, list[str]] | None,
    spared: bool,
) -> tuple[dict[str, Any], list[str] | None, bool]:
    # A name given twice keeps its last value, as a whole-file parse does.
    last = {spans[i][0]: i for i in range(len(spans))}
    data = {name: parsed[i] for name, i in last.items()}
    if problems is None:
        return data, None, spared
    return data, [p for i in sorted(last.values()) for p in problems[i]], False
