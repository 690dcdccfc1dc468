"""LinkedIn's data export, as it really comes: `Connections.csv`, alone or inside the ZIP.

The file starts with a "Notes:" preamble (a quoted paragraph, blank lines) of varying length before
the header line, may carry a UTF-8 byte-order mark and CRLF line endings, has quoted commas in
company names, blank rows, mostly empty emails, and older exports have no `URL` column. So the
header is found by its column names, and columns are read by name, never by position.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from rebound_tui.io import MAX_INPUT_BYTES, InputError, Row, clean, decode_text, read_input

MEMBER = "connections.csv"
# Header cell (case-insensitive) -> what we read it as. Only the two names are required.
COLUMNS = {
    "first name": "first",
    "last name": "last",
    "url": "linkedin",
    "profile url": "linkedin",
    "email address": "email",
    "company": "company",
    "position": "title",
    "connected on": "connected",
}
REQUIRED = ("first name", "last name")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_DAY_MON_YEAR = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*\.?[ -](\d{2}|\d{4})")


def read_linkedin(path: Path | str) -> list[Row]:
    """The connections in a LinkedIn export: `Connections.csv` or the ZIP archive it comes in."""
    path = Path(path)
    raw = read_input(path, "LinkedIn export")
    if raw[:4] == b"PK\x03\x04":
        raw = _from_zip(raw, path)
    return parse_linkedin(decode_text(raw, path), str(path))


def _from_zip(raw: bytes, path: Path) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = [i for i in archive.infolist() if Path(i.filename).name.lower() == MEMBER]
            if not members:
                raise InputError(
                    f"{path} is a ZIP without Connections.csv: is it LinkedIn's data export?"
                )
            member = min(members, key=lambda i: i.filename.count("/"))  # the top-most one
            if member.file_size > MAX_INPUT_BYTES:
                raise InputError(f"{path}: Connections.csv is too large ({member.file_size:,})")
            return archive.read(member)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise InputError(f"{path} is not a readable ZIP archive ({exc})") from None


def parse_connected_on(text: str) -> str | None:
    """'12 Mar 2024' (or '2024-03-12') as YYYY-MM-DD; None if it is not a date we know."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    m = _DAY_MON_YEAR.fullmatch(text)
    if not m or m.group(2).lower() not in _MONTHS:
        return None
    year = int(m.group(3))
    year += 2000 if year < 100 else 0
    try:
        return dt.date(year, _MONTHS[m.group(2).lower()], int(m.group(1))).isoformat()
    except ValueError:
        return None


def _header_index(cells: list[str]) -> dict[str, int] | None:
    names = [clean(c).lower() for c in cells]
    if not all(r in names for r in REQUIRED):
        return None
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        key = COLUMNS.get(name)
        if key and key not in index:
            index[key] = i
    return index


def parse_linkedin(text: str, source: str = "Connections.csv") -> list[Row]:
    """Rows from the text of a Connections.csv; InputError when it is not one."""
    reader = csv.reader(io.StringIO(text, newline=""))
    index: dict[str, int] | None = None
    rows: list[Row] = []
    try:
        for cells in reader:
            if index is None:
                index = _header_index(cells)
                continue
            if not any(clean(c) for c in cells):
                continue  # blank rows (and the blank lines LinkedIn leaves) are not people
            rows.append(_row(cells, index, f"line {reader.line_num}"))
    except csv.Error as exc:
        raise InputError(f"{source}: unreadable CSV at line {reader.line_num}: {exc}") from None
    if index is None:
        raise InputError(
            f"{source} is not a LinkedIn connections export: no header line with "
            "'First Name, Last Name, ...' found"
        )
    return rows


def _row(cells: list[str], index: dict[str, int], where: str) -> Row:
    def get(key: str) -> str:
        i = index.get(key)
        return clean(cells[i]) if i is not None and i < len(cells) else ""

    name = " ".join(x for x in (get("first"), get("last")) if x)
    fields = {"name": name} if name else {}
    for key in ("company", "title", "email", "linkedin"):
        if value := get(key):
            fields[key] = value
    if connected := get("connected"):
        day = parse_connected_on(connected) or connected
        fields["met_how"] = f"LinkedIn (connected {day})"
    else:
        fields["met_how"] = "LinkedIn"
    problem = None if name else "no first or last name (LinkedIn hides some members' names)"
    return Row(where, fields, problem)
