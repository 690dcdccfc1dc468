"""The problems of a data file's records, listed the way a refusal shows them
("table/id: field 'due' is ..."): each table checked whole first (`domain/table_check.py`),
then record by record (`domain/record_check.py`) where the whole check cannot clear it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from rebound_tui.domain.clock import ahead_limit, system_ms
from rebound_tui.domain.record_check import check_doc, meta_problems
from rebound_tui.domain.schema import META_TABLE, safe_name
from rebound_tui.domain.table_check import sift

__all__ = ["shape_problems", "table_problems"]


def table_problems(
    table: str,
    records: Any,
    limit: int | None = None,
    stamp_limit: str | None = None,
    now_ms: int = 0,
    known: Any = None,
    top: list[str] | None = None,
    *,
    share: bool = True,
) -> list[str]:
    """Problems of one table's records; those the same JSON value as their record in `known`
    (records that passed these checks) are not checked again (see `decode`). `share`: see
    `table_check.sift`."""
    if not isinstance(records, dict):
        return [f"table {safe_name(table)} is not an object"]
    if table == META_TABLE:
        return [f"{table}/{p}" for p in meta_problems(records)]
    problems: list[str] = []
    name = safe_name(table)
    known = known if type(known) is dict else None
    # The whole table at once first: it clears the records that pass (nearly always all).
    left = None
    if known is None:
        left = sift(table, records, limit=stamp_limit, top=top, share=share)
    pairs = records.items() if left is None else ((i, records[i]) for i in left)
    for record_id, doc in pairs:
        if known is not None and _same_value(known.get(record_id), doc):
            continue
        found = check_doc(doc, table, record_id, limit=stamp_limit, now_ms=now_ms, top=top)
        for problem in found:
            problems.append(f"{name}/{safe_name(record_id)}: {problem}")
            if limit and len(problems) >= limit:
                return problems
    return problems


def _same_value(seen: Any, doc: Any) -> bool:
    """`doc` is the same JSON value as `seen`: equal, and encoded to the same bytes (Python's
    `==` takes `1`, `1.0` and `True` for one another; the encoding does not)."""
    if seen is None or seen != doc:
        return False
    try:
        return orjson.dumps(seen) == orjson.dumps(doc)
    except orjson.JSONEncodeError:
        return False


def shape_problems(
    data: dict[str, Any],
    limit: int | None = None,
    *,
    stamp_limit: str | None = None,
    now_ms: int | None = None,
    checked: Mapping[str, Any] | None = None,
    top: list[str] | None = None,
) -> list[str]:
    """Every record that breaks the format's rules (types, stamps), as readable lines.

    `stamp_limit`: the highest stamp accepted (default: a day ahead of `now_ms`, default now)."""
    clock_now = system_ms() if now_ms is None else now_ms
    if stamp_limit is None:
        stamp_limit = ahead_limit(clock_now)
    problems: list[str] = []
    for table, records in data.items():
        left = limit and limit - len(problems)
        known = checked.get(table) if checked is not None else None
        problems += table_problems(table, records, left, stamp_limit, clock_now, known, top)
        if limit and len(problems) >= limit:
            return problems[:limit]
    return problems
