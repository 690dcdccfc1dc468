"""Whether a conflict copy may be merged: the decision `sync`, the dashboard and `check` share.

A copy comes from another machine: it is merged only if every record in it passes the same checks
as the data file (types, shapes, no key given twice, no stamp more than a day ahead of this
machine's clock; `fileformat.decode`) and it is the same database. A refused copy is left where
it is, byte for byte, and the reason names it (docs/SYNC.md, "Refused copies").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rebound_tui.domain.schema import safe_name
from rebound_tui.store.fileformat import DataFileError, db_id_of, decode


@dataclass
class CopyVerdict:
    """`data` to merge, or `reason` (a line naming the copy) why it is left alone. Both None: an
    ambiguous name (`rebound 2.json`) that is not a copy of ours: nothing to say about it."""

    data: dict[str, Any] | None = None
    reason: str | None = None
    refused: bool = False  # a copy of this database that fails the checks (not merely foreign)


def check_copy(path: Path, db_id: str | None, *, ambiguous: bool = False) -> CopyVerdict:
    """Read and check a conflict copy of the database `db_id` (see the module doc)."""
    name = safe_name(path.name, 80)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        why = f"left {name} alone: cannot read it ({exc.strerror or exc})"
        return CopyVerdict(reason=None if ambiguous else why)
    try:
        data = decode(raw, path, strict=True)
    except DataFileError as exc:
        ours = _same_database(raw, path, db_id)
        if ambiguous and not ours:
            return CopyVerdict()
        why = f"left {name} alone (where it is, not merged): {exc.problem}"
        return CopyVerdict(reason=why, refused=True)
    if db_id_of(data) != db_id:
        why = (
            f"left {name} alone: it is a different rebound database (another database id), "
            "so it is never merged"
        )
        return CopyVerdict(reason=None if ambiguous else why)
    return CopyVerdict(data=data)


def _same_database(raw: bytes, path: Path, db_id: str | None) -> bool:
    """Whether a refused copy is still a rebound file of our database (its records aside)."""
    try:
        return db_id_of(decode(raw, path, check_records=False)) == db_id
    except (DataFileError, AttributeError):
        return False
