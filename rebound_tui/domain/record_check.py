"""The per-record check: every record read (the data file, a delivered version, a conflict copy,
a git merge's side) against the declared schema (`schema.py`) and the bookkeeping's shape.

It is the load's hot loop (30,000 records of the 26 MB benchmark file): flat, no recursion, the
common case (a value of the declared type) decided by one dict lookup and one type test.

`check_doc` also makes equal stamps one string object, and equal values of SHARED_FIELDS too
(see its doc): loading visits every stamp here anyway.
"""

from __future__ import annotations

from typing import Any

from rebound_tui.domain.clock import is_stamp, parse_stamp
from rebound_tui.domain.days import good_days
from rebound_tui.domain.schema import (
    CHOICE,
    DAY,
    INT,
    LINE,
    REF,
    REFS,
    REQUIRED,
    SCHEMA,
    SETTINGS,
    TEXT,
    plain_problem,
    quoted,
    safe_name,
    type_name,
    value_problem,
)

__all__ = ["SHARED_FIELDS", "check_doc", "meta_problems"]

CLOCK = "_clock"
CREATED = "_created"
DELETED = "_deleted"
_MISSING: Any = object()

# Equal strings of a loaded file made one object (see check_doc). Bounded: cleared when full,
# which only costs some sharing (and re-checking some stamps), never correctness.
_CACHE_LIMIT = 1 << 17
_stamps: dict[str, str] = {}  # valid stamps seen, each to the first equal object
_values: dict[str, str] = {}  # values of SHARED_FIELDS seen, each to the first equal object

# User fields whose values repeat across records by nature: references to other records,
# calendar days and choices from a short list. Longer values are free text, rarely equal.
SHARED_FIELDS = frozenset(
    {
        "company_id",
        "contact_id",
        "referred_by",
        "follow_up_id",
        "day",
        "due",
        "closed_on",
        "hired_started",
        "kind",
        "status",
        "stage",
        "role",
        "department",
        "met_how",
        "cadence",
        "location",
    }
)
_SHARED_MAX_LEN = 64
_STRINGS = (TEXT, LINE, REF)


_REFS: frozenset[str] = frozenset()  # the mark of a list-of-ids field (holds no string)


def _fast(specs: dict[str, tuple[str, Any, bool]]) -> dict[str, Any]:
    """Per field, what passes without a closer look: `str` for text fields; a set of good values
    for days and choices (days are added to it as they pass); a range for whole numbers; `_REFS`
    for lists of ids. A value that does not pass this gets the full check."""
    out: dict[str, Any] = {}
    for key, (kind, arg, _null) in specs.items():
        if kind in _STRINGS:
            out[key] = str
        elif kind is CHOICE:
            out[key] = arg
        elif kind is DAY:
            out[key] = good_days
        elif kind is INT:
            out[key] = range(arg[0], arg[1] + 1)
        elif kind is REFS:
            out[key] = _REFS
    return out


_FAST = {table: _fast(specs) for table, specs in SCHEMA.items()}
_SETTINGS_FAST = {key: _fast({"value": spec}) for key, spec in SETTINGS.items()}
_NO_FAST: dict[str, Any] = {}


def _checked_stamp(stamp: object) -> str | None:
    """The first equal valid stamp seen (each distinct stamp is checked once), or None."""
    if type(stamp) is not str:
        return None
    known = _stamps.get(stamp)
    if known is None and is_stamp(stamp):
        known = _stamps.setdefault(stamp, stamp)
    return known


def _ahead(stamp: str, now_ms: int) -> str:
    """How far ahead of `now_ms` a stamp is, in words."""
    ms = parse_stamp(stamp)[0] - now_ms
    days = ms / 86_400_000
    if days >= 730:
        return f"{days / 365.25:.0f} years"
    if days >= 2:
        return f"{days:.0f} days"
    return f"{ms / 3_600_000:.0f} hours"


def _field_problem(specs: dict | None, key: str, value: Any) -> str | None:
    """The full check of one field (the hot loop's slow path)."""
    spec = specs.get(key) if specs is not None else None
    if spec is None:  # a field this version does not know: any JSON value within the limits
        return plain_problem(value) if type(value) in (dict, list, float) else None
    return value_problem(spec, value)


def check_doc(
    doc: object,
    table: str | None = None,
    record_id: object = None,
    *,
    limit: str | None = None,
    now_ms: int = 0,
    top: list[str] | None = None,
) -> list[str]:
    """Problems in one record (not for meta records, which carry no clocks).

    Without `table`, only the bookkeeping's shape; with it, every field's type too (SCHEMA;
    tables and fields this version does not know hold any JSON value within the limits).
    `limit`: the highest stamp accepted (a day ahead of this machine's clock, at `now_ms`).
    `top`: a one-item list that ends up holding the highest stamp it has seen (so a load that
    checks every record knows the file's highest stamp without another walk).

    While it looks, it makes equal stamps one string object, and equal values of the fields
    in SHARED_FIELDS too, by putting the first equal object seen in place. Values never
    change, only which object holds them. Every field of a new record shares one stamp, so
    a loaded file holds about one string per distinct stamp instead of one per field
    (17 MB less on the 26 MB benchmark file).
    """
    if type(doc) is not dict:
        return [f"record is not a JSON object: {type_name(doc)}"]
    if len(_stamps) > _CACHE_LIMIT:
        _stamps.clear()
    if len(_values) > _CACHE_LIMIT:
        _values.clear()
    problems: list[str] = []
    clock = doc.get(CLOCK, _MISSING)
    if clock is _MISSING:
        problems.append(f"{CLOCK} is missing")
        clock = None
    elif type(clock) is not dict:
        problems.append(f"{CLOCK} is not an object")
        clock = None
    specs = SCHEMA.get(table) if table is not None else None  # type: ignore[arg-type]
    fast = _FAST.get(table, _NO_FAST) if table is not None else _NO_FAST  # type: ignore[arg-type]
    if table == "settings" and type(record_id) is str and record_id in SETTINGS:
        specs = {"value": SETTINGS[record_id]}
        fast = _SETTINGS_FAST[record_id]
    values = _values
    for key, value in doc.items():
        t = type(value)
        ok = fast.get(key)
        if ok is not None and (
            (t is str and (ok is str or value in ok))
            or (t is int and type(ok) is range and value in ok)  # (`t is int`: no bools)
            or (t is list and ok is _REFS and all(type(x) is str for x in value))
        ):
            pass  # the common case: a value of the declared type
        elif ok is not None:
            why = _field_problem(specs, key, value)
            if why is not None:
                problems.append(f"field {quoted(key)} {why}")
                continue
        elif type(key) is not str:
            problems.append(f"key {quoted(key)} is not a string")
            continue
        elif key.startswith("_"):
            if key not in (CLOCK, CREATED, DELETED) and t in (dict, list, float):
                why = plain_problem(value)
                if why is not None:
                    problems.append(f"{quoted(key)} {why}")
            continue
        elif value is not None or specs is None or key not in specs or not specs[key][2]:
            why = _field_problem(specs, key, value)
            if why is not None:
                problems.append(f"field {quoted(key)} {why}")
        if clock is not None and key not in clock:
            problems.append(f"field {quoted(key)} has no stamp in {CLOCK}")
        if t is str and key in SHARED_FIELDS and len(value) <= _SHARED_MAX_LEN:
            shared = values.setdefault(value, value)
            if shared is not value:
                doc[key] = shared  # an existing key: the dict's size is unchanged
    if table in REQUIRED and clock is not None:
        for key in REQUIRED[table]:  # type: ignore[index]
            if key not in doc and _live(doc, clock):
                problems.append(f"field {quoted(key)} is missing")
    newest: tuple[str, str] | None = None
    if clock is not None:
        stamps = _stamps
        good = True
        for key, stamp in clock.items():
            known = stamps.get(stamp) if type(stamp) is str else None
            if known is stamp:
                continue
            if known is None:
                known = _checked_stamp(stamp)
                if known is None:
                    problems.append(f"bad stamp for field {quoted(key)}: {safe_name(stamp)}")
                    good = False
                    continue
            clock[key] = known
        if (limit is not None or top is not None) and clock and good:
            latest = max(clock.values())
            if top is not None and latest > top[0]:
                top[0] = latest
            if limit is not None and latest > limit:
                key, stamp = max(clock.items(), key=lambda item: item[1])
                newest = (f"field {quoted(key)}", stamp)
    for key in (CREATED, DELETED):
        if key in doc:
            stamp = doc[key]
            known = _checked_stamp(stamp)
            if known is None:
                problems.append(f"bad {key}: {safe_name(stamp)}")
                continue
            if known is not stamp:
                doc[key] = known
            if top is not None and known > top[0]:
                top[0] = known
            if limit is not None and known > limit and (newest is None or known > newest[1]):
                newest = (key, known)
    if newest is not None:
        where, stamp = newest
        problems.append(
            f"{where} is stamped {stamp[:10]}, {_ahead(stamp, now_ms)} ahead of this "
            "machine's clock (the machine that wrote it has its clock wrong)"
        )
    return problems


def _live(doc: dict, clock: dict) -> bool:
    deleted = doc.get(DELETED)
    if type(deleted) is not str:
        return True
    return any(type(s) is str and s > deleted for s in clock.values())


def meta_problems(records: dict) -> list[str]:
    """Problems in the meta table: no clocks there, but values must still be plain JSON that
    can be kept exactly (`format`, `schema` and `db_id` are checked when the file is read)."""
    problems: list[str] = []
    for record_id, doc in records.items():
        if type(doc) is not dict:
            problems.append(f"{safe_name(record_id)}: record is not a JSON object")
            continue
        why = plain_problem(doc)
        if why is not None:
            problems.append(f"{safe_name(record_id)}: {why}")
    return problems
