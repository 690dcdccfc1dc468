"""The declared schema of the data file: every table's every field has a type and a shape.

The file arrives from other machines, other versions and other tools, so every record is checked
here on load and before any merge (docs/FORMAT.md, "Types"): a value of the wrong type is a
refused file, never a traceback three screens later. The checks are flat loops (nothing here
recurses, so a list nested 500 deep is refused, not a RecursionError) and cheap: the load of a
26 MB file visits every field once.

`check_doc` also makes equal stamps one string object, and equal values of SHARED_FIELDS too
(see its doc): loading visits every stamp here anyway.
"""

from __future__ import annotations

import math
import re
from typing import Any

from rebound_tui.domain.clock import is_stamp, parse_stamp
from rebound_tui.domain.days import FIRST_YEAR, LAST_YEAR, good_days, is_day
from rebound_tui.domain.model import (
    FOLLOW_UP_KINDS,
    INTERACTION_KINDS,
    ROLES,
    STAGES,
    STATUSES,
)

__all__ = [
    "MAX_DEPTH",
    "SCHEMA",
    "SHARED_FIELDS",
    "check_doc",
    "is_day",
    "safe_name",
    "value_problem",
]

CLOCK = "_clock"
CREATED = "_created"
DELETED = "_deleted"
_MISSING: Any = object()

# -- kinds of value ------------------------------------------------------------------------------
TEXT = "text"  # a string; notes may hold several lines
LINE = "line"  # a string meant as one line (names, titles); what it holds is the UI's to show
DAY = "day"  # a calendar day YYYY-MM-DD that exists (years FIRST_YEAR..LAST_YEAR)
INT = "int"  # a whole number in a range (never true/false)
BOOL = "bool"  # true or false
CHOICE = "choice"  # one of a fixed list of strings
SPAN = "span"  # a span of time: 30d, 6w, 3m, 1y
REF = "ref"  # the id of another record
REFS = "refs"  # a list of record ids
OBJECT = "object"  # a JSON object of plain values (a setting)
ANY = "any"  # any JSON value within the limits below (fields of newer versions)

# Nesting a field's value may have: our own fields are at most one level deep (a list of ids).
# orjson refuses to write more than 254 levels; a value this deep is no data of ours.
MAX_DEPTH = 32
# Floats this large cannot be told from integers wider than 64 bits, which the JSON parser turns
# into floats: refused, so no value is ever rewritten as something else.
_BIG = 2.0**63

_SPAN_RE = re.compile(r"[1-9]\d{0,3}[dwmy]", re.ASCII)


def _f(kind: str, arg: Any = None, *, null: bool = True) -> tuple[str, Any, bool]:
    """A field's declaration: (kind, argument, whether null (or "" if optional) is allowed)."""
    return (kind, arg, null)


SCHEMA: dict[str, dict[str, tuple[str, Any, bool]]] = {
    "companies": {
        "name": _f(LINE, null=False),
        "stage": _f(CHOICE, frozenset(STAGES), null=False),
        "priority": _f(INT, (1, 5), null=False),
        "location": _f(LINE),
        "why": _f(TEXT),
        "website": _f(LINE),
        "notes": _f(TEXT),
        "hired_name": _f(LINE),
        "hired_started": _f(DAY),
    },
    "contacts": {
        "name": _f(LINE, null=False),
        "company_id": _f(REF),
        "title": _f(LINE),
        "role": _f(CHOICE, frozenset(ROLES)),
        "department": _f(LINE),
        "email": _f(LINE),
        "phone": _f(LINE),
        "linkedin": _f(LINE),
        "referred_by": _f(REF),
        "met_how": _f(LINE),
        "cadence": _f(SPAN),
        "notes": _f(TEXT),
    },
    "interactions": {
        "kind": _f(CHOICE, frozenset(INTERACTION_KINDS), null=False),
        "day": _f(DAY, null=False),
        "company_id": _f(REF),
        "contact_id": _f(REF),
        "note": _f(TEXT),
        "follow_up_id": _f(REF),
        "round": _f(INT, (0, 1000)),
        "with_ids": _f(REFS, null=False),
    },
    "followups": {
        "title": _f(LINE, null=False),
        "due": _f(DAY, null=False),
        "kind": _f(CHOICE, frozenset(FOLLOW_UP_KINDS), null=False),
        "company_id": _f(REF),
        "contact_id": _f(REF),
        "status": _f(CHOICE, frozenset(STATUSES), null=False),
        "priority": _f(INT, (1, 5)),
        "note": _f(TEXT),
        "closed_on": _f(DAY),
        "snoozes": _f(INT, (0, 1_000_000), null=False),
        "origin": _f(LINE),
    },
    # The playbook's own checks say what is wrong with a rule's values; here only the types.
    "rules": {
        "id": _f(LINE),
        "trigger": _f(LINE),
        "kind": _f(LINE),
        "whom": _f(LINE),
        "offset": _f(LINE),
        "title": _f(LINE),
        "repeat": _f(LINE),
        "enabled": _f(BOOL),
    },
    "templates": {"text": _f(TEXT)},
    "settings": {"value": _f(ANY)},
}

# A live record without these has nothing to show: absent is refused too (a compacted tombstone
# has no values at all, which is fine: it is not live).
REQUIRED: dict[str, tuple[str, ...]] = {
    "interactions": ("day",),
    "followups": ("due",),
}

# Settings whose value has a known type (others, from newer versions, are any JSON value).
SETTINGS: dict[str, tuple[str, Any, bool]] = {
    "theme": _f(LINE),
    "my_name": _f(LINE),
    "cooloff": _f(OBJECT),
}

_TYPE_NAMES = {
    str: "text",
    int: "a number",
    float: "a number",
    bool: "true/false",
    list: "a list",
    dict: "an object",
    type(None): "null",
}
_WANTED = {
    TEXT: "text",
    LINE: "text",
    DAY: "a day YYYY-MM-DD",
    INT: "a whole number",
    BOOL: "true or false",
    CHOICE: "one of",
    SPAN: "a span such as 30d, 6w, 3m, 1y",
    REF: "a record id (text)",
    REFS: "a list of record ids",
    OBJECT: "an object",
    ANY: "a JSON value",
}


def _type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def safe_name(text: Any, limit: int = 40) -> str:
    """A key or record id for a one-line message: as it is if plain, else escaped and cut."""
    if type(text) is str and len(text) <= limit and text.isprintable() and text.strip() == text:
        return text
    if type(text) is str and len(text) > limit:
        return repr(text[:limit])[:-1] + "...'"
    return repr(text)


def _q(key: Any) -> str:
    """A field name quoted for a message: 'name'."""
    name = safe_name(key)
    return f"'{name}'" if name is key else name


def _plain_problem(value: Any) -> str | None:
    """Why a value of any JSON type cannot be kept exactly, or None. Iterative: no recursion."""
    stack = [(value, 0)]
    while stack:
        v, depth = stack.pop()
        t = type(v)
        if t is float:
            if not math.isfinite(v):
                return "holds NaN or Infinity, which JSON cannot"
            if abs(v) >= _BIG:
                return "holds a number too large to keep exactly (over 64 bits)"
        elif t is dict or t is list:
            if depth >= MAX_DEPTH:
                return f"is nested more than {MAX_DEPTH} levels deep"
            items = v.values() if t is dict else v
            stack.extend((x, depth + 1) for x in items if type(x) in (dict, list, float))
            if t is dict and any(type(k) is not str for k in v):
                return "has an object key that is not text"
        elif t not in (str, int, bool, type(None)):
            return f"holds a {t.__name__}, which JSON cannot"
    return None


def value_problem(spec: tuple[str, Any, bool], value: Any) -> str | None:
    """Why `value` does not fit its declaration, or None (the slow, complete path)."""
    kind, arg, null = spec
    t = type(value)
    if value is None or (value == "" and t is str and kind not in (TEXT, LINE)):
        if null:
            return None
        return "is empty" if value == "" else "is null"
    if kind is ANY:
        return _plain_problem(value)
    if kind is TEXT or kind is LINE or kind is REF:
        ok = t is str
    elif kind is INT:
        if t is int and arg[0] <= value <= arg[1]:
            return None
        if t is int:
            return f"is {value}, out of range: use {arg[0]} to {arg[1]}"
        ok = False
    elif kind is BOOL:
        ok = t is bool
    elif kind is CHOICE:
        if t is str and value not in arg:
            return f"is {safe_name(value)!s}: use one of {', '.join(sorted(arg))}"
        ok = t is str
    elif kind is DAY:
        if t is str and not is_day(value):
            return (
                f"is {safe_name(value)}, not a day that exists (YYYY-MM-DD, years "
                f"{FIRST_YEAR} to {LAST_YEAR})"
            )
        ok = t is str
    elif kind is SPAN:
        if t is str and not _SPAN_RE.fullmatch(value):
            return f"is {safe_name(value)}: use a span such as 30d, 6w, 3m, 1y"
        ok = t is str
    elif kind is REFS:
        if t is list:
            bad = next((x for x in value if type(x) is not str), _MISSING)
            if bad is _MISSING:
                return None
            return f"holds {_type_name(bad)} where a record id (text) belongs"
        ok = False
    elif kind is OBJECT:
        if t is dict:
            return _plain_problem(value)
        ok = False
    else:  # pragma: no cover - a declaration error
        raise AssertionError(kind)
    if ok:
        return None
    return f"is {_type_name(value)}, not {_WANTED[kind]}"


# -- the per-record check (the load's hot loop) ----------------------------------------------------

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
        return _plain_problem(value) if type(value) in (dict, list, float) else None
    return value_problem(spec, value)


def check_doc(
    doc: object,
    table: str | None = None,
    record_id: object = None,
    *,
    limit: str | None = None,
    now_ms: int = 0,
) -> list[str]:
    """Problems in one record (not for meta records, which carry no clocks).

    Without `table`, only the bookkeeping's shape; with it, every field's type too (SCHEMA;
    tables and fields this version does not know hold any JSON value within the limits).
    `limit`: the highest stamp accepted (a day ahead of this machine's clock, at `now_ms`).

    While it looks, it makes equal stamps one string object, and equal values of the fields
    in SHARED_FIELDS too, by putting the first equal object seen in place. Values never
    change, only which object holds them. Every field of a new record shares one stamp, so
    a loaded file holds about one string per distinct stamp instead of one per field
    (17 MB less on the 26 MB benchmark file).
    """
    if type(doc) is not dict:
        return [f"record is not a JSON object: {_type_name(doc)}"]
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
                problems.append(f"field {_q(key)} {why}")
                continue
        elif type(key) is not str:
            problems.append(f"key {_q(key)} is not a string")
            continue
        elif key.startswith("_"):
            if key not in (CLOCK, CREATED, DELETED) and t in (dict, list, float):
                why = _plain_problem(value)
                if why is not None:
                    problems.append(f"{_q(key)} {why}")
            continue
        elif value is not None or specs is None or key not in specs or not specs[key][2]:
            why = _field_problem(specs, key, value)
            if why is not None:
                problems.append(f"field {_q(key)} {why}")
        if clock is not None and key not in clock:
            problems.append(f"field {_q(key)} has no stamp in {CLOCK}")
        if t is str and key in SHARED_FIELDS and len(value) <= _SHARED_MAX_LEN:
            shared = values.setdefault(value, value)
            if shared is not value:
                doc[key] = shared  # an existing key: the dict's size is unchanged
    if table in REQUIRED and clock is not None:
        for key in REQUIRED[table]:  # type: ignore[index]
            if key not in doc and _live(doc, clock):
                problems.append(f"field {_q(key)} is missing")
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
                    problems.append(f"bad stamp for field {_q(key)}: {safe_name(stamp)}")
                    good = False
                    continue
            clock[key] = known
        if limit is not None and clock and good and max(clock.values()) > limit:
            key, stamp = max(clock.items(), key=lambda item: item[1])
            newest = (f"field {_q(key)}", stamp)
    for key in (CREATED, DELETED):
        if key in doc:
            stamp = doc[key]
            known = _checked_stamp(stamp)
            if known is None:
                problems.append(f"bad {key}: {safe_name(stamp)}")
                continue
            if known is not stamp:
                doc[key] = known
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
        why = _plain_problem(doc)
        if why is not None:
            problems.append(f"{safe_name(record_id)}: {why}")
    return problems
