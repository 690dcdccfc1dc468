"""The check of a whole table at once, field by field across its records (a column at a time)
instead of record by record: the same verdict as `record_check.check_doc` on every record, in a
fraction of the time, for the common case of a table where every record passes.

`check_doc` visits each of a record's values in Python (about 7 us a record: 215 ms for the
30,000 records of the 26 MB benchmark file, paid by every command on a file new here). Here
each test runs over a whole column in C: the types of a field's values are one `set(map(type,
...))`, a choice field's values one set difference, the file's distinct stamps one pattern
match over their joined text. Python only loops over what is distinct (record shapes, new
stamps, odd values).

`sift` never reports a problem itself. It clears the records it can prove pass; anything it
cannot prove (a wrong type, an unknown choice, a bad or far-ahead stamp, a live record without
a required field) sends records back to `check_doc`, which says exactly what is wrong. So the
messages are `check_doc`'s, and a property test (`tests/domain/test_table_check.py`) holds the
two to the same verdict, the same highest stamp and the same shared strings.
"""

from __future__ import annotations

from itertools import chain, repeat
from typing import Any

from rebound_tui.domain import record_check
from rebound_tui.domain.clock import all_stamps
from rebound_tui.domain.record_check import (
    _CACHE_LIMIT,
    _FAST,
    _REFS,
    _SHARED_MAX_LEN,
    CLOCK,
    CREATED,
    DELETED,
    SHARED_FIELDS,
    _field_problem,
)
from rebound_tui.domain.schema import REQUIRED, SCHEMA

__all__ = ["sift"]


class _Absent:
    """A field a record does not have (None is a value)."""

    __slots__ = ()


_ABSENT = _Absent()
_NONE = type(None)
_OWN = (CLOCK, CREATED, DELETED)


def sift(
    table: str,
    records: Any,
    *,
    limit: str | None = None,
    top: list[str] | None = None,
    share: bool = True,
) -> list[str] | None:
    """The ids of the records of `table` that still need `check_doc`, in the table's order;
    every other record passes it. None: check every record with `check_doc`.

    For the records cleared, does what `check_doc` does besides judging (see its doc): makes
    equal stamps and equal values of SHARED_FIELDS one object, and raises `top[0]` to the
    highest stamp. `limit`: the highest stamp accepted (as `check_doc`'s). Without `share`,
    equal strings stay apart: sharing costs about as much as the check, and saves memory only
    in a process that keeps the data (a command's one load is gone in a moment)."""
    if type(records) is not dict or table == "settings" or table not in SCHEMA:
        return None  # (settings: each record has its own type; unknown tables are rare)
    docs = list(records.values())
    if not docs:
        return []
    if set(map(type, docs)) != {dict}:
        return None
    clocks = list(map(dict.get, docs, repeat(CLOCK)))
    if set(map(type, clocks)) != {dict}:
        return None
    fields, odd = _shapes(table, docs, clocks)
    if fields is None:
        return None
    columns: dict[str, list[Any]] = {}
    for key in fields:
        column = list(map(dict.get, docs, repeat(key), repeat(_ABSENT)))
        if not _column_passes(table, key, column):
            return None
        columns[key] = column
    stamps = _stamp_set(clocks, columns)
    if stamps is None:
        return None
    highest = max(stamps) if stamps else ""
    if limit is not None and highest > limit:
        return None
    if top is not None and highest > top[0]:
        top[0] = highest
    _know(stamps)
    if share:
        _share(docs, clocks, columns, stamps)
    if not odd:
        return []
    return [i for i, d, c in zip(records, docs, clocks, strict=True) if (tuple(d), tuple(c)) in odd]


def _shapes(table: str, docs: list[dict], clocks: list[dict]) -> tuple[set[str] | None, set[tuple]]:
    """The fields the records hold (None: a record `check_doc` must judge whole), and the
    shapes (keys, clock keys) of records that need `check_doc` anyway: a live record without a
    required field, or a bookkeeping field this version does not know.

    Each shape's verdict is kept (`_SHAPES`): a table is checked a piece at a time, and its
    shapes come back piece after piece (the heavy benchmark file's 5,000 contacts: 2,306 shapes
    in 18 pieces, each judged in about 5 us)."""
    fields: set[str] = set()
    odd: set[tuple] = set()
    known = _SHAPES
    for shape in set(zip(map(tuple, docs), map(tuple, clocks), strict=True)):
        key = (table, shape)
        verdict = known.get(key, _UNSEEN)
        if verdict is _UNSEEN:
            verdict = _shape_verdict(table, *shape)
            if len(known) >= _SHAPES_KEPT:
                known.clear()
            known[key] = verdict
        if verdict is None:
            return None, odd
        names, needs_check = verdict
        fields.update(names)
        if needs_check:
            odd.add(shape)
    return fields, odd


_SHAPES: dict[tuple[str, tuple], tuple[tuple[str, ...], bool] | None] = {}
_SHAPES_KEPT = 4096  # verdicts kept at most (then forgotten all at once)
_UNSEEN = object()


def _shape_verdict(table: str, keys: tuple, stamped: tuple) -> tuple[tuple[str, ...], bool] | None:
    """For records with the keys `keys` and the clock keys `stamped`: the fields they hold, and
    whether `check_doc` must judge them anyway; None if it must judge the whole table."""
    if any(type(key) is not str for key in keys):
        return None
    own = [key for key in keys if key.startswith("_")]
    plain = [key for key in keys if not key.startswith("_")]
    if not set(plain) <= set(stamped):
        return None  # a field with no stamp
    names = (*plain, *(key for key in own if key in (CREATED, DELETED)))
    required = REQUIRED.get(table, ())
    # (A record without a required field may be a tombstone.)
    needs_check = any(key not in _OWN for key in own) or any(key not in keys for key in required)
    return names, needs_check


def _column_passes(table: str, key: str, column: list[Any]) -> bool:
    """Every value of one field passes `check_doc` (absent values aside)."""
    types = set(map(type, column))
    types.discard(_Absent)
    if key in (CREATED, DELETED):
        return types <= {str}  # stamps: checked with the clocks' (`_stamp_set`)
    specs = SCHEMA[table]
    spec = specs.get(key)
    ok = _FAST[table].get(key)
    if spec is not None and spec[2]:
        types.discard(_NONE)  # null is allowed
    if ok is str:
        return types <= {str}
    if ok is _REFS:
        if types - {list}:
            return False
        lists = [v for v in column if type(v) is list]
        return set(map(type, chain.from_iterable(lists))) <= {str}
    if type(ok) is range:
        if types - {int}:
            return False
        numbers = {v for v in column if type(v) is int}
        return not numbers or (min(numbers) in ok and max(numbers) in ok)
    if ok is not None and not types - {str}:  # a choice or a day: a set of good values
        left = set(column).difference(ok)
        left.discard(_ABSENT)
        left.discard(None)
        return all(_field_problem(specs, key, value) is None for value in left)
    # Anything else (a field this version does not know, a span, a flag, a settings object,
    # a value of a wrong type): each distinct value (by type: 1 == 1.0 == True) the full way.
    try:
        distinct: Any = set(zip(map(type, column), column, strict=True))
    except TypeError:  # lists and objects
        distinct = zip(map(type, column), column, strict=True)
    return all(
        value is _ABSENT or _field_problem(specs, key, value) is None for _, value in distinct
    )


def _stamp_set(clocks: list[dict], columns: dict[str, list[Any]]) -> set[str] | None:
    """Every stamp of the table, if all are good (None if not)."""
    try:
        stamps = set(chain.from_iterable(map(dict.values, clocks)))
    except TypeError:  # an object or a list where a stamp belongs
        return None
    for key in (CREATED, DELETED):
        if key in columns:
            stamps.update(columns[key])
            stamps.discard(_ABSENT)
    new = stamps.difference(record_check._stamps)  # (known ones are strings: checked before)
    if new and (set(map(type, new)) - {str} or not all_stamps(new)):
        return None
    return stamps


def _know(stamps: set[str]) -> None:
    """Remember good stamps (each to the first equal object), as `check_doc` does."""
    known = record_check._stamps
    if len(known) + len(stamps) > _CACHE_LIMIT:
        known.clear()
    new = stamps.difference(known)
    known.update(zip(new, new, strict=True))


def _share(
    docs: list[dict], clocks: list[dict], columns: dict[str, list[Any]], stamps: set[str]
) -> None:
    """Equal stamps and equal short values of SHARED_FIELDS made one object (`check_doc`)."""
    same = record_check._stamps.__getitem__
    for clock in clocks:
        clock.update(zip(clock, map(same, clock.values()), strict=True))
    for key in (CREATED, DELETED):
        if key in columns:
            for doc, value in zip(docs, columns[key], strict=True):
                if value is not _ABSENT:
                    doc[key] = same(value)
    values = record_check._values
    if len(values) > _CACHE_LIMIT:
        values.clear()
    for key in SHARED_FIELDS.intersection(columns):
        column = columns[key]
        for value in set(column):
            if type(value) is str and len(value) <= _SHARED_MAX_LEN:
                values.setdefault(value, value)
        first = values.get
        for doc, value in zip(docs, column, strict=True):
            if type(value) is str:
                shared = first(value)
                if shared is not None and shared is not value:
                    doc[key] = shared
