"""`rebound-tui check`: everything wrong with a data file, as readable lines."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from rebound_tui.domain import record
from rebound_tui.domain.model import RECORD_TYPES, ValidationError
from rebound_tui.store.conflicts import find_conflict_copies
from rebound_tui.store.fileformat import DataFileError, db_id_of, decode
from rebound_tui.store.record_problems import shape_problems


@dataclass
class CheckReport:
    path: Path
    fatal: DataFileError | None = None  # the file cannot be used at all
    problems: list[str] = field(default_factory=list)  # records that break a rule
    warnings: list[str] = field(default_factory=list)  # usable, but worth knowing
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.fatal is None and not self.problems


def check_file(path: Path) -> CheckReport:
    report = CheckReport(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        report.fatal = DataFileError(path, "no such file")
        return report
    except OSError as exc:
        report.fatal = DataFileError(path, f"cannot read ({exc.strerror})")
        return report
    try:
        data = decode(raw, path, check_records=False)
    except DataFileError as exc:
        report.fatal = exc
        return report
    report.problems.extend(shape_problems(data))
    _check_copies(report, db_id_of(data))
    _check_journal(report, data)
    if report.problems:
        return report
    live_ids: dict[str, set[str]] = {}
    for table, cls in RECORD_TYPES.items():
        docs = data.get(table, {})
        live = {i: d for i, d in docs.items() if record.is_live(d)}
        live_ids[table] = set(live)
        report.counts[table] = len(live)
        tombstones = len(docs) - len(live)
        if tombstones:
            report.counts[f"{table} deleted"] = tombstones
        for record_id, doc in live.items():
            try:
                cls.from_fields(record_id, record.user_fields(doc)).validate()
            except (ValidationError, TypeError) as exc:
                report.problems.append(f"{table}/{record_id[:8]}: {exc}")
    refs = (
        ("contacts", "company_id", "companies"),
        ("contacts", "referred_by", "contacts"),
        ("interactions", "company_id", "companies"),
        ("interactions", "contact_id", "contacts"),
        ("followups", "company_id", "companies"),
        ("followups", "contact_id", "contacts"),
        ("openings", "company_id", "companies"),
        ("openings", "referral_id", "contacts"),
        ("status_changes", "opening_id", "openings"),
    )
    for table, fieldname, target in refs:
        for record_id, doc in data.get(table, {}).items():
            ref = doc.get(fieldname)
            if ref and record.is_live(doc) and ref not in live_ids.get(target, set()):
                gone = ref in data.get(target, {})
                why = "a deleted record" if gone else "a record that does not exist"
                report.warnings.append(f"{table}/{record_id[:8]}: {fieldname} points to {why}")
    return report


def _check_journal(report: CheckReport, data: dict) -> None:
    """This machine's journal of the file (store/journal.py): edits made durable that the file
    does not have yet are a warning (the next start or command that saves writes them); a
    journal that cannot be merged is a problem."""
    from rebound_tui.store.journal import Journal

    journal = Journal(report.path)
    try:
        merged, _top, present = journal.merged_into(data)
    except DataFileError as exc:
        report.problems.append(str(exc))
        return
    if present and merged is not data:
        report.warnings.append(
            f"this machine's journal ({journal.path}) holds edits the file does not have yet "
            "(a dashboard still open, or one that stopped before it saved): the next start, or "
            "command that saves, writes them into the file"
        )


def _check_copies(report: CheckReport, db_id: str | None) -> None:
    """Conflict copies beside the file that a merge would refuse: a problem each (a copy of our
    database with a bad record or a stamp far ahead), or a warning (another database, unread)."""
    from rebound_tui.domain.schema import safe_name
    from rebound_tui.store.sync import CopyRefused, read_copy

    for copy in find_conflict_copies(Path(os.path.realpath(report.path))):
        name = safe_name(copy.path.name, 80)
        try:
            read_copy(copy.path, db_id)
        except CopyRefused as exc:
            if exc.ours:
                report.problems.append(f"left {name} alone: {exc}")
            elif not copy.ambiguous:
                report.warnings.append(f"left {name} alone: {exc}")
        except OSError as exc:
            if not copy.ambiguous:
                report.warnings.append(f"cannot read {name} ({exc.strerror or exc})")
