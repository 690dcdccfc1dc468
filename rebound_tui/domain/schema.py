"""The declared schema of the data file: every table's every field has a type and a shape.

The file arrives from other machines, other versions and other tools, so every record is checked
here on load and before any merge (docs/FORMAT.md, "Types"): a value of the wrong type is a
refused file, never a traceback three screens later. The checks are flat loops (nothing here
recurses, so a list nested 500 deep is refused, not a RecursionError) and cheap: the load of a
26 MB file visits every field once.

The per-record check that applies these declarations on every load and merge is
`record_check.py`.
"""

from __future__ import annotations

import math
import re
from typing import Any

from rebound_tui.domain.days import FIRST_YEAR, LAST_YEAR, is_day
from rebound_tui.domain.model import (
    FOLLOW_UP_KINDS,
    INTERACTION_KINDS,
    OPENING_SOURCES,
    OPENING_STATUSES,
    ROLES,
    STAGES,
    STATUSES,
)

__all__ = [
    "MAX_DEPTH",
    "REQUIRED",
    "SCHEMA",
    "SETTINGS",
    "is_day",
    "META_TABLE",
    "plain_problem",
    "quoted",
    "safe_name",
    "type_name",
    "value_problem",
]

# The table that holds the file's own settings (format, version, clock), not records.
META_TABLE = "meta"
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
        "met_on": _f(DAY),
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
        "topic": _f(LINE),
        "direction": _f(CHOICE, frozenset({"in", "out"})),
        "message_id": _f(LINE),
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
    "openings": {
        "company_id": _f(REF, null=False),
        "title": _f(LINE, null=False),
        "status": _f(CHOICE, frozenset(OPENING_STATUSES), null=False),
        "url": _f(LINE),
        "location": _f(LINE),
        "source": _f(CHOICE, frozenset(OPENING_SOURCES)),
        "referral_id": _f(REF),
        "spotted_on": _f(DAY),
        "applied_on": _f(DAY),
        "posted_on": _f(DAY),
        "deadline": _f(DAY),
        "notes": _f(TEXT),
    },
    # One step of an opening's history (a record each, so two machines' steps both survive).
    "status_changes": {
        "opening_id": _f(REF, null=False),
        "status": _f(CHOICE, frozenset(OPENING_STATUSES), null=False),
        "day": _f(DAY, null=False),
        "note": _f(TEXT),
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
    "openings": ("company_id", "title"),
    "status_changes": ("opening_id", "day"),
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


def type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def safe_name(text: Any, limit: int = 40) -> str:
    """A key or record id for a one-line message: as it is if plain, else escaped and cut."""
    if type(text) is str and len(text) <= limit and text.isprintable() and text.strip() == text:
        return text
    if type(text) is str and len(text) > limit:
        return repr(text[:limit])[:-1] + "...'"
    return repr(text)


def quoted(key: Any) -> str:
    """A field name quoted for a message: 'name'."""
    name = safe_name(key)
    return f"'{name}'" if name is key else name


def plain_problem(value: Any) -> str | None:
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
        return plain_problem(value)
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
            return f"holds {type_name(bad)} where a record id (text) belongs"
        ok = False
    elif kind is OBJECT:
        if t is dict:
            return plain_problem(value)
        ok = False
    else:  # pragma: no cover - a declaration error
        raise AssertionError(kind)
    if ok:
        return None
    return f"is {type_name(value)}, not {_WANTED[kind]}"
