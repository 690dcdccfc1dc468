"""A spreadsheet tracker's roles into openings: `import csv FILE --map "opening=Job Title,..."`.

A map that names `opening` makes `import csv` read openings instead of people. Each row is
matched to an existing opening by its URL, else by company and title (case and spacing
ignored), so importing the same sheet again updates instead of duplicating: a new status
becomes a step of the history, a value fills or replaces a field, an empty cell never clears
one. Companies are matched to the bullpen like the people importer does (case, punctuation,
legal suffixes); one not in the bullpen is skipped unless `--add-companies`. The whole import
is one undoable action, with the playbook paused (a sheet of old applications must not plan a
sheet of follow-ups). Names and titles are cleaned to one line without control characters.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rebound_tui.domain.model import OPENING_STATUSES, Opening, ValidationError
from rebound_tui.io import InputError, clean, decode_text, read_input
from rebound_tui.io.cleaning import one_line
from rebound_tui.io.csvmap import sniff, split_map
from rebound_tui.io.importer import company_key, name_key
from rebound_tui.openings_service import normal_source
from rebound_tui.service import Service, ServiceError, action

# What --map may name for openings (`opening` is the title column).
OPENING_MAP_FIELDS = (
    "opening",
    "company",
    "status",
    "url",
    "location",
    "source",
    "referral",
    "spotted",
    "applied",
    "posted",
    "deadline",
    "notes",
)
FIELD_ALIASES = {
    "spotted_on": "spotted",
    "applied_on": "applied",
    "posted_on": "posted",
    "date_applied": "applied",
    "link": "url",
}
# Words trackers use for our statuses (Huntr, Teal and hand-made sheets).
STATUS_WORDS = {
    "wishlist": "spotted",
    "bookmarked": "spotted",
    "saved": "spotted",
    "interested": "spotted",
    "screen": "screening",
    "phone screen": "screening",
    "interview": "interviewing",
    "interviews": "interviewing",
    "offered": "offer",
    "declined": "withdrawn",
}
SOURCE_WORDS = {
    "indeed": "job-board",
    "glassdoor": "job-board",
    "ziprecruiter": "job-board",
    "monster": "job-board",
    "company website": "company-site",
    "website": "company-site",
    "careers page": "company-site",
}


def is_openings_map(spec: str | None) -> bool:
    """Does a --map spec describe openings (it maps `opening=`)?"""
    if not spec:
        return False
    items = next(csv.reader([spec], skipinitialspace=True), [])
    return any(clean(i.partition("=")[0]).lower() == "opening" for i in items)


def _field(text: str) -> str:
    word = clean(text).lower().replace("-", "_").replace(" ", "_")
    return FIELD_ALIASES.get(word, word)


def parse_opening_map(spec: str) -> dict[str, str]:
    mapping = split_map(spec, OPENING_MAP_FIELDS, field_name=_field, what="for openings")
    if "company" not in mapping:
        raise InputError("say which column holds the company: --map ...,company=COLUMN")
    return mapping


@dataclass
class OpeningRow:
    where: str
    values: dict[str, str]


def read_opening_rows(path: Path | str, spec: str) -> tuple[list[OpeningRow], dict[str, str]]:
    """Rows of a CSV file by a --map naming `opening`; InputError if it cannot be read."""
    mapping = parse_opening_map(spec)
    path = Path(path)
    text = decode_text(read_input(path, "CSV file"), path, fallback="cp1252")
    reader = csv.reader(io.StringIO(text, newline=""), sniff(text))
    rows: list[OpeningRow] = []
    try:
        header = next((r for r in reader if any(clean(c) for c in r)), None)
        if header is None:
            raise InputError(f"{path} is empty: expected a header line with column names")
        names = [clean(h) for h in header]
        folded = [n.lower() for n in names]
        index: dict[str, int] = {}
        for name, column in mapping.items():
            if column in names:
                index[name] = names.index(column)
            elif folded.count(column.lower()) == 1:
                index[name] = folded.index(column.lower())
            else:
                have = ", ".join(repr(n) for n in names if n)
                raise InputError(f"{path} has no column {column!r} (for {name}); columns: {have}")
        for cells in reader:
            if any(clean(c) for c in cells):
                values = {k: clean(cells[i]) if i < len(cells) else "" for k, i in index.items()}
                rows.append(OpeningRow(f"line {reader.line_num}", values))
    except csv.Error as exc:
        raise InputError(f"{path}: unreadable CSV at line {reader.line_num}: {exc}") from None
    return rows, mapping


@dataclass
class OpeningsSummary:
    dry_run: bool = False
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    companies_added: list[str] = field(default_factory=list)

    def lines(self, verbose: bool = False) -> list[str]:
        head = "CSV import of openings" + (
            " (dry run: nothing was written)" if self.dry_run else ""
        )
        out = [
            f"{head}: added {len(self.added)}, updated {len(self.updated)}, "
            f"unchanged {self.unchanged}, skipped {len(self.skipped)}"
        ]
        if self.companies_added:
            out.append("new companies in the bullpen: " + ", ".join(self.companies_added))
        if verbose:
            out += [f"added: {a}" for a in self.added]
        out += [f"updated: {u}" for u in self.updated]
        out += [f"skipped {s}" for s in self.skipped]
        return out


def _status(text: str) -> str | None:
    word = " ".join(text.lower().replace("_", " ").split())
    word = STATUS_WORDS.get(word, word)
    return word if word in OPENING_STATUSES else None


def _url_key(url: str | None) -> str:
    return (url or "").strip().split("#", 1)[0].rstrip("/").lower()


class _Importer:
    def __init__(self, service: Service, add_companies: bool, summary: OpeningsSummary) -> None:
        self.s = service
        self.add_companies = add_companies
        self.summary = summary
        self.companies = {company_key(c.name): c for c in service.companies()}
        self.seen: dict[str, str] = {}  # match key -> where, within this file

    def _company(self, name: str):
        key = company_key(name)
        if key in self.companies:
            return self.companies[key]
        if not self.add_companies:
            return None
        company = self.s.add_company(name)
        self.companies[key] = company
        self.summary.companies_added.append(company.name)
        return company

    def _find(self, company_id: str, title: str, url: str | None) -> Opening | None:
        openings = self.s.openings(include_closed=True)
        if url:
            for o in openings:
                if _url_key(o.url) == _url_key(url):
                    return o
        for o in openings:
            if o.company_id == company_id and name_key(o.title) == name_key(title):
                return o
        return None

    def _day(self, text: str, what: str) -> str | None:
        if not text:
            return None
        try:
            return self.s.day(text, default_today=False)
        except ServiceError as exc:
            raise ValueError(f"{what}: {exc}") from None

    def row(self, row: OpeningRow) -> None:
        v = row.values
        title, company_name = one_line(v.get("opening")), one_line(v.get("company"))
        if not title or not company_name:
            self.summary.skipped.append(f"{row.where}: no {'title' if not title else 'company'}")
            return
        try:
            fields = self._fields(v)
        except ValueError as exc:
            self.summary.skipped.append(f"{row.where} ({title}): {exc}")
            return
        status = fields.pop("status", None)
        key = _url_key(fields.get("url")) or f"{company_key(company_name)}|{name_key(title)}"
        if key in self.seen:
            self.summary.skipped.append(f"{row.where} ({title}): same opening as {self.seen[key]}")
            return
        self.seen[key] = row.where
        company = self._company(company_name)
        if company is None:
            self.summary.skipped.append(
                f"{row.where} ({title}): {company_name} is not in the bullpen "
                "(--add-companies adds it)"
            )
            return
        existing = self._find(company.id, title, fields.get("url"))
        try:
            if existing is None:
                self._add(company, title, status, fields)
            else:
                self._update(existing, status, fields)
        except (ServiceError, ValidationError) as exc:
            self.summary.skipped.append(f"{row.where} ({title}): {exc}")

    def _fields(self, v: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if v.get("status"):
            status = _status(v["status"])
            if status is None:
                raise ValueError(
                    f"unknown status {v['status']!r}: use one of {', '.join(OPENING_STATUSES)}"
                )
            out["status"] = status
        for name in ("url", "notes"):
            if v.get(name):
                out[name] = v[name].strip() if name == "notes" else one_line(v[name])
        if v.get("location"):
            out["location"] = one_line(v["location"])
        if v.get("source"):
            word = " ".join(v["source"].lower().split())
            try:
                out["source"] = normal_source(SOURCE_WORDS.get(word, word))
            except ServiceError:
                out["source"] = "other"
        if v.get("referral"):
            try:
                out["referral"] = self.s.find_contact(one_line(v["referral"])).name
            except ServiceError:
                raise ValueError(f"no contact named {v['referral']!r} (add them first)") from None
        for name, key in (("spotted", "on"), ("applied", "applied_on"), ("posted", "posted_on")):
            if day := self._day(v.get(name, ""), name):
                out[key] = day
        if day := self._day(v.get("deadline", ""), "deadline"):
            out["deadline"] = day
        return out

    def _add(self, company, title: str, status: str | None, fields: dict[str, Any]) -> None:
        applied = fields.pop("applied_on", None)
        if not fields.get("on"):
            fields["on"] = applied
        opening = self.s.add_opening(company, title, **fields)
        if applied and status not in (None, "spotted"):
            opening, _ = self.s.set_opening_status(opening, "applied", on=applied)
        if status and status != opening.status:
            self.s.set_opening_status(opening, status)
        self.summary.added.append(f"{title} at {company.name}")

    def _update(self, o: Opening, status: str | None, fields: dict[str, Any]) -> None:
        changes = {k: v for k, v in fields.items() if k not in ("on", "applied_on")}
        current = {"referral": self.s.name_of("contacts", o.referral_id)}
        changes = {k: v for k, v in changes.items() if v != current.get(k, getattr(o, k, None))}
        if fields.get("on") and not o.spotted_on:
            changes["on"] = fields["on"]
        if fields.get("applied_on") and fields["applied_on"] != o.applied_on:
            changes["applied_on"] = fields["applied_on"]
        what = sorted(changes)
        if changes:
            o = self.s.edit_opening(o, **changes)
        if status and status != o.status:
            self.s.set_opening_status(o, status)
            what.append(f"status {status}")
        if what:
            self.summary.updated.append(f"{o.title} ({', '.join(what)})")
        else:
            self.summary.unchanged += 1


@action(lambda summary: f"import openings: {len(summary.added)} added")
def _import(service: Service, rows: list[OpeningRow], add_companies: bool, dry_run: bool):
    summary = OpeningsSummary(dry_run=dry_run)
    importer = _Importer(service, add_companies, summary)
    with service.playbook_paused():
        for row in rows:
            importer.row(row)
    if dry_run:
        raise _DryRun(summary)
    return summary


class _DryRun(Exception):
    def __init__(self, summary: OpeningsSummary) -> None:
        self.summary = summary


def import_openings(
    service: Service,
    rows: list[OpeningRow],
    *,
    add_companies: bool = False,
    dry_run: bool = False,
) -> OpeningsSummary:
    """Add or update openings from rows as one undoable action; the caller saves.

    A dry run does the same work and rolls it back (the action is all or nothing), so its
    summary is exactly what the real import would do.
    """
    try:
        return _import(service, rows, add_companies, dry_run)
    except _DryRun as done:
        return done.summary


def import_openings_file(
    service: Service, path: Path | str, spec: str, *, add_companies: bool, dry_run: bool
) -> OpeningsSummary:
    """`read_opening_rows` then `import_openings`: a CSV of roles, as `import csv --map
    "opening=..."` and the dashboard's import both run it (InputError: nothing written)."""
    rows, _ = read_opening_rows(path, spec)
    return import_openings(service, rows, add_companies=add_companies, dry_run=dry_run)
