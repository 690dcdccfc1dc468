"""A key given twice in one object of a data file: orjson keeps the last value, another program
may keep the first, so a file that reads two ways is refused (`fileformat.decode`, strict)."""

from __future__ import annotations

from typing import Any

__all__ = ["duplicate_key"]


def duplicate_key(raw: bytes) -> str | None:
    """Where an object of a parsed-and-checked file gives one key twice, or None.

    orjson keeps the last value of a repeated key; another program may keep the first. Only
    run on files already checked (nesting is bounded, so the stdlib parser cannot recurse
    too deep)."""
    import json

    from rebound_tui.domain.schema import safe_name

    found: list[tuple[str, dict[str, Any]]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out and not found:
                found.append((key, out))
            out[key] = value
        return out

    try:
        data = json.loads(raw, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return "the file reads differently with another JSON parser"
    if not found:
        return None
    key, holder = found[0]
    where = ""
    for table, records in data.items() if type(data) is dict else ():
        if holder is records:
            where = f"table {safe_name(table)}: "
        for record_id, doc in records.items() if type(records) is dict else ():
            if holder is doc or (type(doc) is dict and any(v is holder for v in doc.values())):
                where = f"{safe_name(table)}/{safe_name(record_id)}: "
    return f"{where}the key '{safe_name(key)}' is given twice"
