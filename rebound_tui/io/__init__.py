"""Importers and exporters: the network in from LinkedIn, vCard and CSV; the plan out to calendars,
spreadsheets, JSON and Markdown.

Readers (`linkedin`, `vcard`, `csvmap`) only parse: they turn a file into `Row`s and never touch
the data. `importer` matches rows against the data and writes them as one undoable action.
Exporters (`ics`, `csvout`, `jsonout`, `markdown`) only read the service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rebound_tui.service import ServiceError

# The contact fields a reader may fill (Row.fields keys); `company` is a name, resolved on import.
ROW_FIELDS: tuple[str, ...] = (
    "name",
    "company",
    "title",
    "role",
    "department",
    "email",
    "phone",
    "linkedin",
    "met_how",
    "notes",
)

# A generous cap on what we read into memory: a real export of 30,000 connections is ~5 MB.
MAX_INPUT_BYTES = 200 * 1024 * 1024


class InputError(ServiceError):
    """The input file cannot be imported at all (missing, wrong kind, unreadable, bad --map).

    A ServiceError, so the CLI turns it into one line and exit 2, and the dashboard shows it.
    """


@dataclass
class Row:
    """One person read from a file, before matching: what the importer works from."""

    where: str  # "line 12", "card 3": how the summary points back into the file
    fields: dict[str, str] = field(default_factory=dict)  # ROW_FIELDS keys, stripped, non-empty
    problem: str | None = None  # set when the row cannot be imported: the summary's skip reason

    @property
    def name(self) -> str:
        return self.fields.get("name", "")


def clean(value: object) -> str:
    """A cell as text: None and whitespace-only become ''; inner runs of space stay as written."""
    if value is None:
        return ""
    return str(value).strip()


def read_input(path: Path | str, what: str) -> bytes:
    """The bytes of an input file, or an InputError that says in one line what is wrong."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError(f"{path} is a folder; give the {what} file")
        if size > MAX_INPUT_BYTES:
            raise InputError(f"{path} is too large for a {what} ({size:,} bytes)")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except PermissionError:
        raise InputError(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def decode_text(raw: bytes, path: Path | str, fallback: str | None = None) -> str:
    """UTF-8 text without a byte-order mark; `fallback` (e.g. cp1252) for older exports."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if fallback:
            try:
                return raw.decode(fallback)
            except UnicodeDecodeError:
                pass
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path} is not UTF-8 text (bad byte at line {line}); save it as UTF-8 and retry"
        ) from None


__all__ = [
    "InputError",
    "MAX_INPUT_BYTES",
    "ROW_FIELDS",
    "Row",
    "clean",
    "decode_text",
    "read_input",
]
