"""Merging the conflict copies that sync tools leave beside the data file, then archiving them.

Order matters for "never lose an edit": a copy is merged into memory, the merged result is saved
(atomically), and only then is the copy moved into the backup folder. Nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rebound_tui.domain.merge import MergeError
from rebound_tui.store.conflicts import ConflictCopy, find_conflict_copies
from rebound_tui.store.copy_check import check_copy
from rebound_tui.store.database import Database


@dataclass
class SyncReport:
    merged: list[Path] = field(default_factory=list)  # copies whose records were merged
    archived: list[Path] = field(default_factory=list)  # where they were moved
    skipped: list[str] = field(default_factory=list)  # copies left alone, with why
    changed: bool = False  # whether the merge brought anything new

    def lines(self) -> list[str]:
        out = [f"merged {p.name}" for p in self.merged]
        out += [f"archived to {p}" for p in self.archived]
        out += self.skipped
        return out


def merge_conflict_copies(db: Database, copies: list[ConflictCopy] | None = None) -> SyncReport:
    """Find, merge, save, archive. Copies of another database are never merged (and say so)."""
    report = SyncReport()
    copies = find_conflict_copies(db.path) if copies is None else copies
    accepted: list[ConflictCopy] = []
    for copy in copies:
        verdict = check_copy(copy.path, db.db_id, ambiguous=copy.ambiguous)
        if verdict.data is None:
            if verdict.reason:
                report.skipped.append(verdict.reason)
            continue
        data = verdict.data
        try:
            report.changed |= db.storage.merge_in(data)
        except MergeError as exc:
            report.skipped.append(f"left {copy.path.name} alone: {exc}")
            continue
        accepted.append(copy)
        report.merged.append(copy.path)
    if accepted:
        db.save()
        for copy in accepted:
            report.archived.append(db.backups.archive_conflict(copy.path))
    return report
