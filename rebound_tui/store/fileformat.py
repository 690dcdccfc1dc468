"""The data file's bytes: deterministic encoding, strict decoding, checks that refuse bad files.

The format is a public contract (docs/FORMAT.md). Encoding is deterministic (sorted keys, two-space
indent, trailing newline) so unchanged data gives identical bytes and a one-field edit is a small
diff. Decoding never turns an unreadable file into an empty database.
"""

from __future__ import annotations

import gc
import re
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import orjson

from rebound_tui.domain.clock import ahead_limit, system_ms
from rebound_tui.domain.schema import META_TABLE as META_TABLE

# Defined in the leaf errors module so the faces can catch it without importing the store.
from rebound_tui.errors import DataFileError as DataFileError
from rebound_tui.store.by_table import parse_by_table
from rebound_tui.store.sparse_table import whole

FORMAT_NAME = "rebound-tui"
SCHEMA_VERSION = 1
META_ID = "db"
_BLANK = re.compile(rb"[\x00 \t\r\n]*\Z")
TABLES = (
    "companies",
    "contacts",
    "interactions",
    "followups",
    "openings",
    "status_changes",
    "rules",
    "templates",
    "settings",
)


def new_database(db_id: str | None = None) -> dict[str, Any]:
    """An empty database with its metadata record."""
    meta = {"format": FORMAT_NAME, "schema": SCHEMA_VERSION, "db_id": db_id or uuid.uuid4().hex}
    return {META_TABLE: {META_ID: meta}}


def encode(data: dict[str, Any]) -> bytes:
    """Deterministic bytes: the same data always gives the same file (empty tables left out; a
    table left as its bytes, `sparse_table.py`, parsed)."""
    data = {table: whole(records) for table, records in data.items() if records}
    options = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
    return orjson.dumps(data, option=options)


def meta_of(data: dict[str, Any]) -> dict[str, Any]:
    return data.get(META_TABLE, {}).get(META_ID, {})


def db_id_of(data: dict[str, Any]) -> str | None:
    return meta_of(data).get("db_id")


def decode(
    raw: bytes,
    path: Path | str,
    *,
    check_records: bool = True,
    now_ms: int | None = None,
    strict: bool = False,
    trusted: Callable[[str, bool], bool] | None = None,
    checked: Mapping[str, Any] | None = None,
    resident: bool = False,
    layout: list[Any] | None = None,
    found: dict[str, Any] | None = None,
    parsed: Mapping[str, Any] | None = None,
    share: bool = True,
    fork_checks: bool = False,
    ahead: Any = None,
    idle: Callable[[], None] | None = None,
    summaries: Mapping[str, Callable[[dict[str, Any]], list[Any]]] | None = None,
    sparse: bool = False,
) -> dict[str, Any]:
    """Parse and check a data file's bytes; raise DataFileError on anything we can't trust.

    Every record is checked by type (`domain/schema.py`), and no stamp may be more than a day
    ahead of this machine's clock (`now_ms`, default now). `strict` also refuses a key given
    twice in one object (a copy from elsewhere: another program may read the other value).

    `trusted(stamp_limit, strict)`, if given, says whether these exact bytes already passed
    every check on this machine (`store/checked.py`): then the records are not checked again.
    It is asked once the largest table is parsed (its answer may be computed meanwhile).

    `checked`, if given, is data whose records all passed these checks on this machine (what
    memory holds): a record that is the same JSON value as its record there (types included:
    `1`, `1.0` and `true` differ) would pass again, so it is not checked again. A conflict copy
    or a delivered version differs from memory in a few records; those few are checked.

    `resident`: the data stays until the process ends or a newer version replaces it (a
    command's one load, the dashboard's first; parsed JSON holds no reference cycles, so what is
    replaced is still freed when its last reference goes). Then what parsing made is moved out
    of the cyclic garbage collector's reach (`gc.freeze`, after a collection, so that no garbage
    is kept with it): no collection walks the file's hundreds of thousands of containers to find
    nothing (on the heavy file the collections of a command's load and `due` took 38-55 ms, now
    7-12 ms).

    `layout`, if given, gets the tables' spans (`layout.table_spans`) when the file was parsed
    by table, so that a caller comparing it with another version need not find them again; if
    it holds them already (found in these same bytes: a first start's partial read), they are
    taken instead of found again (15 ms on the heavy file).

    `parsed`, if given, holds tables already parsed from these same bytes (a first start's
    `store/partial_read.py`): they are taken instead of parsed again, and checked all the same.

    `share`: make equal strings one object while checking (`record_problems.table_problems`):
    less memory held, at some time; a command's one load, gone in a moment, need not.

    `fork_checks`: a command's process on two cores or more may check the largest table in a
    forked child while it checks the others (`split_check.py`), when the bytes are new here;
    while it waits for the child, it finds whether they are exactly what `encode` writes
    ("exact" in `found`). `ahead`: that child, forked already (`split_check.SplitCheck.ahead`,
    with `now_ms`); the caller ends it if it is not asked. `idle`: work the caller will do
    anyway (a command's save imports), done while this process would wait for that child.

    `summaries`: tables (by name) of which only a summary is kept, each table's function
    giving the summary of some of its records: such a table is parsed and checked a piece at a
    time, and the data holds a `table_chunks.Summary` in its place (a one-shot reader that
    needs no more: `views_helper`).

    `sparse`: with `fork_checks`, the largest table may stay its bytes (`sparse_table.py`): the
    caller keeps it so only if "exact" (below) or a trusted entry says so, else parses it.

    `found`, if given, gets what the checks learn on the way: "top", the file's highest stamp
    ("" for none) when every record was checked here (none spared by `trusted` or `checked`),
    without another walk; "exact", with `strict`, whether the bytes are exactly what `encode`
    writes.
    """
    seen = [""] if found is not None and checked is None else None
    clock_now = system_ms() if now_ms is None else now_ms
    stamp_limit = ahead_limit(clock_now)
    # No copies of the bytes here (strip, concatenation): each would be another 26 MB at the
    # moment memory peaks (bytes + parser + objects) on a big file.
    if _BLANK.match(raw):
        what = "only NUL bytes" if b"\x00" in raw else "empty"
        raise DataFileError(path, f"the file is {what}, not a rebound data file")
    if has_conflict_markers(raw):
        raise DataFileError(
            path,
            "the file holds git conflict markers",
            "install the rebound merge driver (README, 'Git'), then redo the merge: "
            "'git merge --abort' and merge again",
        )
    # Parsing builds hundreds of thousands of containers: the cyclic GC can only waste time.
    gc_was_on = gc.isenabled()
    if resident and gc_was_on:
        gc.collect()  # nothing collectable is frozen below with the data
    gc.disable()
    try:
        ask = None
        if check_records and trusted is not None:
            ask = lambda: trusted(stamp_limit, strict)  # noqa: E731
        split = parse_by_table(
            raw,
            check_records,
            stamp_limit,
            clock_now,
            ask,
            checked,
            layout,
            seen,
            parsed or {},
            share,
            fork_checks,
            found if not strict else None,  # (strict: `is_exact` below, for every file)
            ahead,
            idle,
            summaries or {},
            sparse,
        )
        problems = split[1] if split is not None else None
        data = split[0] if split is not None else orjson.loads(raw)
        if split is not None and split[2]:
            return checked_meta(data, path)  # the records passed every check before
        if split is None and ask is not None and ask():
            return checked_meta(data, path)
    except orjson.JSONDecodeError as exc:
        raise DataFileError(path, f"not valid JSON ({exc}); the file may be truncated") from None
    finally:
        if gc_was_on:
            if resident:
                gc.freeze()
            gc.enable()
    checked_meta(data, path)
    if check_records:
        if problems is None:
            from rebound_tui.store.record_problems import shape_problems

            problems = shape_problems(
                data, stamp_limit=stamp_limit, now_ms=clock_now, checked=checked, top=seen
            )
        if problems:
            raise shape_error(path, problems)
        if strict:
            from rebound_tui.store.duplicate_keys import duplicate_key
            from rebound_tui.store.exact import is_exact

            # Our own encoding gives no key twice: only another layout needs the slow parse.
            exact = is_exact(data, raw)
            if found is not None:
                found["exact"] = exact
            twice = None if exact else duplicate_key(raw)
            if twice:
                raise DataFileError(path, twice, "another program may read the other value")
        if seen is not None and found is not None:
            found["top"] = seen[0]
    return data


_MARKER = b"<<<<<<<"
_MARKER_TRIES = 1000  # '<' seen before a plain search is cheaper than looking at each


def has_conflict_markers(raw: bytes) -> bool:
    """Does `raw` hold a git conflict marker (a line starting `<<<<<<<`, at the very start or
    followed by a space)? Looks only where a '<' is (a machine-level search, ~1 ms on 26 MB, where
    a search for the whole marker steps through the file a few bytes at a time: ~16 ms); a file
    with many '<' in its text is searched for the marker instead."""
    if raw.startswith(_MARKER):
        return True
    at = raw.find(b"<")
    for _ in range(_MARKER_TRIES):
        if at == -1:
            return False
        if raw[at - 1 : at] == b"\n" and raw.startswith(_MARKER + b" ", at):
            return True
        at = raw.find(b"<", at + 1)
    return b"\n" + _MARKER + b" " in raw


def shape_error(path: Path | str, problems: list[str]) -> DataFileError:
    """The one-line refusal of a file (or a copy) whose records break the format's rules."""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return DataFileError(
        path,
        f"records of the wrong shape or type: {problems[0]}{more}",
        "run 'rebound-tui check' for the full list",
    )


def checked_meta(data: Any, path: Path | str) -> dict[str, Any]:
    """`data` if it is a rebound database this version reads (its metadata record), else
    DataFileError."""
    if not isinstance(data, dict):
        raise DataFileError(path, "not a rebound data file (the top level is not an object)")
    meta = meta_of(data) if isinstance(data.get(META_TABLE), dict) else {}
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise DataFileError(path, "not a rebound data file (no rebound-tui metadata record)")
    schema = meta.get("schema")
    if type(schema) is not int or schema < 1:  # (`true` is no schema number)
        raise DataFileError(path, f"bad schema version {schema!r} in the metadata record")
    if schema > SCHEMA_VERSION:
        raise DataFileError(
            path,
            f"written by a newer rebound-tui (schema {schema}; this version reads up to "
            f"{SCHEMA_VERSION})",
            "upgrade rebound-tui; the file was left as it is",
        )
    if not isinstance(meta.get("db_id"), str) or not meta["db_id"]:
        raise DataFileError(path, "the metadata record has no database id")
    return data
