"""One CSV file per table, for spreadsheets: companies, contacts, interactions, follow-ups,
openings (with their status history in one cell).

Safe to open in Excel, LibreOffice or Google Sheets: a cell that starts with `=`, `+`, `-`, `@`,
a tab or a carriage return gets a leading apostrophe, so a contact's note like
`=HYPERLINK(...)` is shown as text and never runs as a formula (CSV injection). Files are UTF-8
with a byte-order mark (Excel needs it to read accents) and CRLF line ends.
"""

from __future__ import annotations

import csv
import io
from dataclasses import fields
from pathlib import Path
from typing import Any

from rebound_tui.datafile import atomic_write
from rebound_tui.domain.model import Company, Contact, FollowUp, Interaction, Record
from rebound_tui.io import openings_out
from rebound_tui.service import Service

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FILES = (
    "companies.csv",
    "contacts.csv",
    "interactions.csv",
    "follow-ups.csv",
    "openings.csv",
)
MODE = 0o600  # personal data: readable by the user only


def safe_cell(value: Any) -> str:
    """A value as spreadsheet-safe text: lists joined with '; ', formulas defused."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _columns(cls: type[Record]) -> list[str]:
    return ["id", *(f.name for f in fields(cls) if f.name != "id")]


def _table(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def csv_tables(service: Service) -> dict[str, bytes]:
    """File name -> CSV bytes; ids plus the names they point to, so a sheet reads on its own."""

    def name(table: str, record_id: str | None) -> str | None:
        return service.name_of(table, record_id)

    def plain(rec: Record) -> list[Any]:
        return [rec.id, *rec.to_fields().values()]

    out: dict[str, bytes] = {}
    out["companies.csv"] = _table(_columns(Company), [plain(c) for c in service.companies()])
    out["contacts.csv"] = _table(
        [*_columns(Contact), "company", "referred_by_name"],
        [
            [*plain(c), name("companies", c.company_id), name("contacts", c.referred_by)]
            for c in service.contacts()
        ],
    )
    out["interactions.csv"] = _table(
        [*_columns(Interaction), "company", "contact", "with"],
        [
            [
                *plain(i),
                name("companies", i.company_id),
                name("contacts", i.contact_id),
                [name("contacts", w) or w for w in i.with_ids],
            ]
            for i in service.interactions()
        ],
    )
    out["follow-ups.csv"] = _table(
        [*_columns(FollowUp), "company", "contact"],
        [
            [*plain(f), name("companies", f.company_id), name("contacts", f.contact_id)]
            for f in service.follow_ups(include_closed=True)
        ],
    )
    out["openings.csv"] = _table(*openings_out.csv_rows(service))
    return out


def write_csv(service: Service, folder: Path | str) -> list[Path]:
    """Write the files into `folder` (created if missing, its parent must exist)."""
    folder = Path(folder)
    folder.mkdir(exist_ok=True)
    written = []
    for file_name, raw in csv_tables(service).items():
        path = folder / file_name
        atomic_write(path, raw, MODE)
        written.append(path)
    return written
