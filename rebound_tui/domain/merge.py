# Over 400 lines because: the merge rule of one CRDT: per-field merge, meta merge and tombstone
# compaction read the same stamps and must stay consistent.
"""Merging two copies of the database so that no edit made on any machine is lost.

The data is a state-based CRDT: every user field carries the stamp of its last write
(:mod:`rebound_tui.domain.clock`), and merging keeps, field by field, the write with the
highest stamp. That makes merging commutative, associative and idempotent, so copies
synced in any order, any number of times, by any tool, end up identical.
See docs/SYNC.md for the rules in prose.

Everything here is pure: inputs are never mutated and results share no mutable object
with them, so callers may edit a result freely.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from rebound_tui.domain.clock import MAX_MS, is_stamp, make_stamp, parse_stamp
from rebound_tui.domain.record_check import SHARED_FIELDS, check_doc

__all__ = [
    "CLOCK",
    "CREATED",
    "DEFAULT_TOMBSTONE_DAYS",
    "DELETED",
    "META",
    "MergeError",
    "SHARED_FIELDS",
    "check_doc",
    "compact_tombstones",
    "horizon_before",
    "is_live",
    "max_stamp",
    "merge3",
    "merge_databases",
    "merge_docs",
    "merge_many",
    "merge_tables",
    "was_restored",
]

META = "meta"
CLOCK = "_clock"
CREATED = "_created"
DELETED = "_deleted"
DEFAULT_TOMBSTONE_DAYS = 180

_MISSING: Any = object()
_CONTAINERS = (dict, list)
_SAME_IF_EQUAL = (str, int, bool, type(None))  # equal values of these types serialize alike
_DAY_MS = 86_400_000


class MergeError(ValueError):
    """Two copies cannot be merged (different databases, or malformed data)."""


# -- small helpers -----------------------------------------------------------------------


def _copy(v: Any) -> Any:
    """Deep copy of a JSON value; ~10x faster than copy.deepcopy for our flat docs."""
    if type(v) is dict:
        return {k: (_copy(x) if type(x) in _CONTAINERS else x) for k, x in v.items()}
    if type(v) is list:
        return [(_copy(x) if type(x) in _CONTAINERS else x) for x in v]
    return v


def _canonical(v: Any) -> bytes:
    """Sorted-key JSON bytes: the tie-break order for equal stamps, same on every machine."""
    try:
        return orjson.dumps(v, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):  # ints beyond 64 bits, odd keys
        try:
            return json.dumps(v, sort_keys=True, separators=(",", ":")).encode()
        except (TypeError, ValueError):
            return repr(v).encode()


def _greater_value(va: Any, vb: Any) -> bool:
    """True if ``va`` wins a tie against ``vb`` (the larger canonical JSON wins)."""
    if va is vb:
        return True
    ta = type(va)
    if ta is type(vb) and ta in _SAME_IF_EQUAL and va == vb:
        return True
    return _canonical(va) >= _canonical(vb)


def _stamp_or_none(clock: dict, key: str, where: str) -> str | None:
    s = clock.get(key)
    if s is None or type(s) is str:
        return s
    raise MergeError(f"{where}: stamp for {key!r} is not a string: {s!r}")


def _clock_of(doc: dict, where: str) -> dict:
    clock = doc.get(CLOCK)
    if clock is None:
        return {}
    if type(clock) is not dict:
        raise MergeError(f"{where}: {CLOCK} is not an object")
    return clock


def _opt_stamp(doc: dict, key: str, where: str) -> str | None:
    s = doc.get(key)
    if s is None or type(s) is str:
        return s
    raise MergeError(f"{where}: {key} is not a stamp: {s!r}")


def _union(a: dict, b: dict) -> list:
    """Keys of ``a`` then the keys only ``b`` has: stable, readable output order."""
    return [*a, *(k for k in b if k not in a)]


# -- liveness ---------------------------------------------------------------------------


def is_live(doc: dict) -> bool:
    """A record is live unless deleted after the last write to any of its fields."""
    deleted = doc.get(DELETED)
    if type(deleted) is not str:  # never deleted (or a malformed mark check_doc reports)
        return True
    clock = doc.get(CLOCK)
    if type(clock) is not dict:
        return False
    return any(type(s) is str and s > deleted for s in clock.values())


def was_restored(doc: dict) -> bool:
    """Live although deleted: some machine edited it after the delete."""
    return type(doc.get(DELETED)) is str and is_live(doc)


# -- merging ----------------------------------------------------------------------------


def merge_docs(a: dict, b: dict) -> dict:
    """Merge two versions of one record: per field, the later stamp wins.

    Equal stamps with different values (only possible if two machines share a replica
    id) are settled by the larger canonical JSON, so every machine picks the same one.
    At equal stamps a value beats a missing value, so merging a compacted tombstone
    with a full one keeps the values (compaction is redone later; see SYNC.md).
    """
    if a is b or a == b:
        # Python-equal docs: the result is equal whichever we copy.
        return _copy(a)
    if type(a) is not dict or type(b) is not dict:
        raise MergeError("record is not a JSON object")
    ca, cb = _clock_of(a, "left record"), _clock_of(b, "right record")
    out: dict = {}
    clock: dict = {}

    for key in _union(a, b):
        if type(key) is str and key.startswith("_"):
            continue
        _merge_field(key, a, b, ca, cb, out, clock)
    for key in _union(ca, cb):
        if key in clock or key in out:
            continue
        if type(key) is str and key.startswith("_"):
            # Not a user field: keep the latest stamp and nothing else.
            sa, sb = _stamp_or_none(ca, key, "left"), _stamp_or_none(cb, key, "right")
            clock[key] = sa if sb is None or (sa is not None and sa >= sb) else sb
        else:  # a stamped field whose value is gone (compacted tombstone)
            _merge_field(key, a, b, ca, cb, out, clock)

    created = [s for s in (_opt_stamp(a, CREATED, "left"), _opt_stamp(b, CREATED, "right")) if s]
    if created:
        out[CREATED] = min(created)
    out[CLOCK] = clock
    deleted = [s for s in (_opt_stamp(a, DELETED, "left"), _opt_stamp(b, DELETED, "right")) if s]
    if deleted:
        out[DELETED] = max(deleted)

    # Unknown reserved keys (a newer version's metadata): keep, settle conflicts by value.
    for key in _union(a, b):
        if type(key) is not str or not key.startswith("_") or key in (CLOCK, CREATED, DELETED):
            continue
        va, vb = a.get(key, _MISSING), b.get(key, _MISSING)
        if vb is _MISSING or (va is not _MISSING and _greater_value(va, vb)):
            out[key] = _copy(va)
        else:
            out[key] = _copy(vb)
    return out


def _merge_field(key: str, a: dict, b: dict, ca: dict, cb: dict, out: dict, clock: dict) -> None:
    """Pick the winning (stamp, value) of one user field into ``out``/``clock``."""
    sa, sb = _stamp_or_none(ca, key, "left"), _stamp_or_none(cb, key, "right")
    va, vb = a.get(key, _MISSING), b.get(key, _MISSING)
    if sa != sb:
        a_wins = sb is None or (sa is not None and sa > sb)
    elif va is _MISSING:
        a_wins = False
    elif vb is _MISSING:
        a_wins = True
    else:
        a_wins = _greater_value(va, vb)
    stamp, value = (sa, va) if a_wins else (sb, vb)
    if value is not _MISSING:
        out[key] = _copy(value)
    if stamp is not None:
        clock[key] = stamp


def _same(v: Any) -> Any:
    return v


def merge_tables(a: dict, b: dict, *, share: bool = False) -> dict:
    """Union of record ids; records on both sides are merged with :func:`merge_docs`.

    ``share=True`` puts unchanged records into the result as they are instead of copying
    them (about 5x faster on big files); use it only when the inputs are thrown away.
    """
    if type(a) is not dict or type(b) is not dict:
        raise MergeError("table is not a JSON object")
    cp = _same if share else _copy
    if share and len(b) * 4 < len(a):
        # A few records into many (a conflict copy read sparse): the rest as they are.
        return {**a, **merged_records(a, b)}
    out = {}
    for rid, da in a.items():
        db = b.get(rid, _MISSING)
        if db is _MISSING or da is db or da == db:
            out[rid] = cp(da)
        else:
            try:
                out[rid] = merge_docs(da, db)
            except MergeError as exc:
                raise MergeError(f"record {rid!r}: {exc}") from None
    for rid, db in b.items():
        if rid not in a:
            out[rid] = cp(db)
    return out


def merged_records(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """What merging the records of `b` (a few) into the table `a` changes, by id: each record
    of `b` that `a` lacks, and each one that differs merged with `a`'s (`merge_docs`); the
    inputs are shared, not copied. Only `b` is walked: `a` may be any mapping."""
    out: dict[str, Any] = {}
    for rid, db in b.items():
        da = a.get(rid, _MISSING)
        if da is _MISSING:
            out[rid] = db
        elif da is not db and da != db:
            try:
                out[rid] = merge_docs(da, db)
            except MergeError as exc:
                raise MergeError(f"record {rid!r}: {exc}") from None
    return out


def _is_number(v: Any) -> bool:
    return type(v) in (int, float)


def _merge_meta_doc(a: dict, b: dict, rid: str) -> dict:
    if a == b:
        return _copy(a)
    if type(a) is not dict or type(b) is not dict:
        raise MergeError(f"meta record {rid!r} is not a JSON object")
    out: dict = {}
    for key in _union(a, b):
        va, vb = a.get(key, _MISSING), b.get(key, _MISSING)
        if vb is _MISSING or va == vb and type(va) is type(vb):
            out[key] = _copy(va)
        elif va is _MISSING:
            out[key] = _copy(vb)
        elif key in ("db_id", "format"):
            raise MergeError(
                f"the files are different databases ({key} {va!r} vs {vb!r}); "
                "refusing to merge them"
            )
        elif key == "schema" and _is_number(va) and _is_number(vb) and va != vb:
            # Numbers sort as one block in canonical JSON, so this stays a total order.
            out[key] = _copy(max(va, vb))
        else:
            out[key] = _copy(va if _greater_value(va, vb) else vb)
    return out


def _merge_meta(a: Any, b: Any) -> dict:
    """meta has no clocks: ids must agree, schema takes the max, the rest is a union."""
    if a is _MISSING:
        a = {}
    if b is _MISSING:
        b = {}
    if type(a) is not dict or type(b) is not dict:
        raise MergeError("meta table is not a JSON object")
    out: dict = {}
    for rid in _union(a, b):
        da, db = a.get(rid, _MISSING), b.get(rid, _MISSING)
        if db is _MISSING:
            out[rid] = _copy(da)
        elif da is _MISSING:
            out[rid] = _copy(db)
        else:
            out[rid] = _merge_meta_doc(da, db, rid)
    return out


def merge_databases(a: dict, b: dict, *, share: bool = False) -> dict:
    """Merge two whole databases ``{table: {id: doc}}`` into a new one.

    Raises MergeError if they are different databases (meta ``db_id``/``format`` differ).
    The result shares nothing mutable with the inputs unless ``share=True`` (see
    :func:`merge_tables`).
    """
    if type(a) is not dict or type(b) is not dict:
        raise MergeError("database is not a JSON object")
    cp = _same if share else _copy
    out: dict = {}
    if META in a or META in b:  # first, so different databases fail before any work
        out[META] = _merge_meta(a.get(META, _MISSING), b.get(META, _MISSING))
    for name in _union(a, b):
        if name == META:
            continue
        ta, tb = a.get(name, _MISSING), b.get(name, _MISSING)
        if (tb is _MISSING or ta is tb) and share and type(ta) is dict:
            out[name] = ta  # (thrown away by the caller: the table itself can be shared)
        elif tb is _MISSING or ta is tb:
            out[name] = cp(ta) if type(ta) is not dict else {k: cp(d) for k, d in ta.items()}
        elif ta is _MISSING:
            out[name] = cp(tb) if type(tb) is not dict else {k: cp(d) for k, d in tb.items()}
        else:
            try:
                out[name] = merge_tables(ta, tb, share=share)
            except MergeError as exc:
                raise MergeError(f"table {name!r}: {exc}") from None
    return out


def merge_many(dbs: Iterable[dict], *, share: bool = False) -> dict:
    """Merge any number of copies (e.g. the file and all its sync-conflict copies)."""
    out: dict = {}
    for db in dbs:
        out = merge_databases(out, db, share=share)
    return out


def merge3(base: dict | None, ours: dict, theirs: dict, *, share: bool = False) -> dict:
    """Three-way merge for a git merge driver.

    A CRDT needs no base, but including it means nothing the base knew (say a delete
    that one side's history lost) can vanish.
    """
    merged = ours if base is None else merge_databases(base, ours, share=share)
    return merge_databases(merged, theirs, share=share)


# -- stamps in a database ---------------------------------------------------------------


def _doc_stamps(doc: dict) -> Iterable[Any]:
    clock = doc.get(CLOCK)
    if type(clock) is dict:
        yield from clock.values()
    yield doc.get(CREATED)
    yield doc.get(DELETED)


def _record_docs(db: dict) -> Iterable[dict]:
    for name, table in db.items():
        if name == META or type(table) is not dict:
            continue
        for doc in table.values():
            if type(doc) is dict:
                yield doc


def max_stamp(db: dict) -> str | None:
    """The highest valid stamp anywhere in ``db``: feed it to HybridClock.observe()."""
    best = ""
    try:
        for doc in _record_docs(db):
            clock = doc.get(CLOCK)
            if type(clock) is dict and clock:
                m = max(clock.values())
                if m > best:
                    best = m
            for key in (CREATED, DELETED):
                s = doc.get(key)
                if s is not None and s > best:
                    best = s
    except TypeError:  # a non-string stamp somewhere: take the slow, careful path
        best = ""
    if best and is_stamp(best):
        return best
    valid = (s for doc in _record_docs(db) for s in _doc_stamps(doc) if is_stamp(s))
    return max(valid, default=None)


def horizon_before(stamp: str, days: int = DEFAULT_TOMBSTONE_DAYS) -> str:
    """A stamp ``days`` before ``stamp``: the horizon to pass to compact_tombstones()."""
    ms, _counter, _replica = parse_stamp(stamp)
    return make_stamp(max(0, min(MAX_MS, ms - days * _DAY_MS)), 0, "00000000")


def compact_tombstones(db: dict, horizon_stamp: str) -> dict:
    """Drop the field values of records deleted before ``horizon_stamp`` and still dead.

    Ids, ``_created``, ``_deleted`` and ``_clock`` stay, so the record stays deleted
    everywhere and a later edit still restores it (with the edited fields). Only safe
    with a horizon older than the longest time any machine stays offline: see SYNC.md.
    """
    parse_stamp(horizon_stamp)
    out: dict = {}
    for name, table in db.items():
        if name == META or type(table) is not dict:
            out[name] = _copy(table)
            continue
        new: dict = {}
        for rid, doc in table.items():
            deleted = doc.get(DELETED) if type(doc) is dict else None
            if type(deleted) is str and deleted < horizon_stamp and not is_live(doc):
                new[rid] = {k: _copy(v) for k, v in doc.items() if k.startswith("_")}
            else:
                new[rid] = _copy(doc)
        out[name] = new
    return out
