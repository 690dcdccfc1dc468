"""Any other CSV: the user says which column is which with `--map "name=Full Name,company=Org"`.

The dialect (comma, semicolon, tab; quoting) is sniffed with `csv.Sniffer`. A map is checked
before anything is read: unknown field names and columns the file does not have are errors that
list what is accepted. Without a map, columns named like our fields (or common aliases such as
"Full Name", "Organization", "Job Title") are used.
"""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

from rebound_tui.io import ROW_FIELDS, InputError, Row, clean, decode_text, read_input

# What --map may name: the contact fields, plus first and last name joined into the name.
MAP_FIELDS: tuple[str, ...] = (*ROW_FIELDS, "first_name", "last_name")
ALIASES = {
    "full name": "name",
    "display name": "name",
    "contact": "name",
    "first name": "first_name",
    "given name": "first_name",
    "last name": "last_name",
    "family name": "last_name",
    "surname": "last_name",
    "organization": "company",
    "organisation": "company",
    "org": "company",
    "employer": "company",
    "job title": "title",
    "position": "title",
    "email address": "email",
    "e-mail": "email",
    "e-mail address": "email",
    "phone number": "phone",
    "mobile": "phone",
    "telephone": "phone",
    "linkedin url": "linkedin",
    "profile url": "linkedin",
    "note": "notes",
    "met how": "met_how",
}
SNIFF_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
SNIFF_ROWS = 50


def _field_name(text: str) -> str:
    return clean(text).lower().replace("-", "_").replace(" ", "_")


def split_map(
    spec: str,
    fields: tuple[str, ...] | list[str],
    *,
    field_name=_field_name,
    what: str = "",
) -> dict[str, str]:
    """FIELD=COLUMN items of a --map spec, split like a CSV line, each FIELD one of `fields`.

    `field_name` turns what the user typed into a field name (aliases); `what` names the kind of
    import in the error ("for openings").
    """
    try:
        items = next(csv.reader([spec], skipinitialspace=True), [])
    except csv.Error as exc:
        raise InputError(f"bad --map {spec!r}: {exc}") from None
    mapping: dict[str, str] = {}
    for item in (i for i in items if i.strip()):
        target, sep, column = item.partition("=")
        field, column = field_name(target), column.strip()
        if not sep or not column or not field:
            raise InputError(f"bad --map item {item.strip()!r}: write FIELD=COLUMN")
        if field not in fields:
            where = f" {what}" if what else ""
            raise InputError(
                f"bad --map field {target.strip()!r}{where}: use one of {', '.join(fields)}"
            )
        if field in mapping:
            raise InputError(f"bad --map: {field} is mapped twice")
        mapping[field] = column
    return mapping


def parse_map(spec: str) -> dict[str, str]:
    """'name=Full Name,company=Org' -> {'name': 'Full Name', 'company': 'Org'}.

    Items are split like a CSV line, so a column with a comma is written quoted:
    `name=Name,"company=Company, Inc"`.
    """
    mapping = split_map(spec, MAP_FIELDS)
    if not mapping:
        raise InputError("empty --map: write e.g. --map 'name=Full Name,company=Org'")
    _check_name_mapped(mapping)
    return mapping


def _check_name_mapped(mapping: dict[str, str]) -> None:
    if "name" not in mapping and not ({"first_name", "last_name"} & set(mapping)):
        raise InputError(
            "say which column holds the name: --map name=COLUMN (or first_name=, last_name=)"
        )


def sniff(text: str) -> type[csv.Dialect]:
    """Excel's dialect with the file's delimiter, as `csv.Sniffer` sees it.

    Only the delimiter is taken: the sniffer often reports `doublequote=False`, which would
    garble the `""` inside quoted cells that every spreadsheet writes. The sniffer can be misled
    by delimiters inside quoted cells, so its guesses for the sample and for the header line
    (and the delimiters the header contains) are tried, and the one that splits the rows into
    as many cells as the header wins.
    """
    sample = text[:SNIFF_BYTES]
    lines = [line for line in sample.splitlines() if line.strip()]
    header = lines[0] if lines else ""
    guesses: list[str] = []
    for candidate in (sample, header):
        with contextlib.suppress(csv.Error):
            guesses.append(csv.Sniffer().sniff(candidate, delimiters=DELIMITERS).delimiter)
    guesses += [d for d in DELIMITERS if d in header]
    if not guesses:
        return csv.excel
    body = "\n".join(lines[:SNIFF_ROWS]) if len(sample) < len(text) else sample

    def fit(delimiter: str) -> tuple[float, int]:
        rows = [r for r in csv.reader(io.StringIO(body), csv.excel, delimiter=delimiter) if r]
        width = len(rows[0]) if rows else 0
        same = sum(len(r) == width for r in rows) / len(rows) if rows else 0.0
        return (same if width > 1 else 0.0, width)

    best = max(dict.fromkeys(guesses), key=fit)  # ties keep the sniffer's own first guess
    return type("Sniffed", (csv.excel,), {"delimiter": best})


def auto_map(header: list[str]) -> dict[str, str]:
    """Columns whose names say what they hold: 'Email' -> email, 'Full Name' -> name."""
    mapping: dict[str, str] = {}
    for column in header:
        key = clean(column).lower()
        field = ALIASES.get(key) or _field_name(key)
        if field in MAP_FIELDS and field not in mapping:
            mapping[field] = clean(column)
    return mapping


def _resolve_columns(mapping: dict[str, str], header: list[str], source: str) -> dict[str, int]:
    """Field -> column index; exact column names first, then case-insensitive."""
    exact = {clean(h): i for i, h in reversed(list(enumerate(header)))}
    folded: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        folded.setdefault(clean(h).lower(), []).append(i)
    out: dict[str, int] = {}
    for field, column in mapping.items():
        if column in exact:
            out[field] = exact[column]
        elif len(folded.get(column.lower(), [])) == 1:
            out[field] = folded[column.lower()][0]
        else:
            have = ", ".join(repr(clean(h)) for h in header if clean(h))
            raise InputError(f"{source} has no column {column!r} (for {field}); columns: {have}")
    return out


def read_csv(path: Path | str, mapping: dict[str, str] | str | None = None) -> list[Row]:
    """People from any CSV file, with a --map (a spec string or a parsed dict) or column names."""
    path = Path(path)
    if isinstance(mapping, str):
        mapping = parse_map(mapping)  # a bad map is an error before the file is even read
    text = decode_text(read_input(path, "CSV file"), path, fallback="cp1252")
    return parse_csv(text, mapping, str(path))


def parse_csv(text: str, mapping: dict[str, str] | None = None, source: str = "CSV") -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), sniff(text))
    rows: list[Row] = []
    try:
        header = next((r for r in reader if any(clean(c) for c in r)), None)
        if header is None:
            raise InputError(f"{source} is empty: expected a header line with column names")
        if mapping is None:
            mapping = auto_map(header)
            if "name" not in mapping and not ({"first_name", "last_name"} & set(mapping)):
                raise InputError(
                    f"{source}: cannot tell which column holds the name; "
                    "give --map 'name=COLUMN,company=COLUMN,...'"
                )
        else:
            _check_name_mapped(mapping)
        index = _resolve_columns(mapping, header, source)
        for cells in reader:
            if any(clean(c) for c in cells):
                rows.append(_row(cells, index, f"line {reader.line_num}"))
    except csv.Error as exc:
        raise InputError(f"{source}: unreadable CSV at line {reader.line_num}: {exc}") from None
    return rows


def _row(cells: list[str], index: dict[str, int], where: str) -> Row:
    values = {f: clean(cells[i]) if i < len(cells) else "" for f, i in index.items()}
    first, last = values.pop("first_name", ""), values.pop("last_name", "")
    if not values.get("name"):
        values["name"] = " ".join(x for x in (first, last) if x)
    if values.get("role"):
        values["role"] = values["role"].lower()
    fields = {k: v for k, v in values.items() if v}
    return Row(where, fields, None if fields.get("name") else "no name")
