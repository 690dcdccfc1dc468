"""The versioned record: a flat JSON object whose every field carries the stamp of its last change.

This shape is what makes offline edits on several machines mergeable (see docs/FORMAT.md and
docs/SYNC.md). Functions here never mutate their inputs; they return new documents.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

CLOCK = "_clock"
CREATED = "_created"
DELETED = "_deleted"


def new_id() -> str:
    """A random, globally unique record id (uuid4 hex): two machines never hand out the same one."""
    return uuid.uuid4().hex


def user_fields(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The record's own fields, without merge bookkeeping."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def new_doc(fields: Mapping[str, Any], stamp: str) -> dict[str, Any]:
    """A fresh record whose fields were all set at `stamp`."""
    doc: dict[str, Any] = dict(fields)
    doc[CREATED] = stamp
    doc[CLOCK] = {name: stamp for name in fields}
    return doc


def with_changes(doc: Mapping[str, Any], changes: Mapping[str, Any], stamp: str) -> dict[str, Any]:
    """A copy of `doc` with `changes` applied; only fields whose value really changes get `stamp`.

    Returns the same content (equal dict) when nothing changes, so callers can skip the save.
    """
    out = dict(doc)
    clock = dict(doc.get(CLOCK, {}))
    for name, value in changes.items():
        if name.startswith("_"):
            raise ValueError(f"field names may not start with '_': {name!r}")
        if name in out and out[name] == value and name in clock:
            continue
        out[name] = value
        clock[name] = stamp
    out[CLOCK] = clock
    return out


def tombstoned(doc: Mapping[str, Any], stamp: str) -> dict[str, Any]:
    """A copy of `doc` deleted at `stamp`; values stay so that a later edit restores it whole."""
    out = dict(doc)
    out[DELETED] = stamp
    return out


def last_change(doc: Mapping[str, Any]) -> str | None:
    """The newest stamp of any field or of the delete."""
    stamps = list(doc.get(CLOCK, {}).values())
    if DELETED in doc:
        stamps.append(doc[DELETED])
    return max(stamps) if stamps else None


def is_live(doc: Mapping[str, Any]) -> bool:
    """Live unless deleted after its last field change (an edit after a delete restores it)."""
    deleted = doc.get(DELETED)
    if not deleted:
        return True
    stamps = doc.get(CLOCK, {}).values()
    return bool(stamps) and max(stamps) > deleted
