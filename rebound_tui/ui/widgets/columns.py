"""What a RecordTable's columns are, and how they fit: widths, truncation, sorting, search.

Plain functions of the column declarations and the rows, so the table widget (record_table.py)
keeps only its state, its cursor and its rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from rich.cells import cell_len, set_cell_size

__all__ = [
    "CELL_STYLES",
    "Column",
    "RowLike",
    "fit_columns",
    "header_label",
    "matches",
    "sort_rows",
    "wrap_cells",
]


class RowLike(Protocol):
    id: str


T = TypeVar("T")

CELL_STYLES = ("muted", "primary", "accent", "success", "warning", "error")
"""Cell style names a column may return; each is a component class `record-table--<name>`."""


@dataclass(frozen=True)
class Column(Generic[T]):
    """How one column shows a row.

    `width` is the column's width (its minimum when `flex`); `drop` orders which columns go first
    when the table is too narrow (higher goes first; 0 never goes); `sort_key` makes it sortable.
    """

    key: str
    label: str
    value: Callable[[T], str]
    width: int = 10
    align: Literal["left", "right"] = "left"
    flex: int = 0
    sort_key: Callable[[T], Any] | None = None
    descending: bool = False  # the first sort on this column is largest first
    style: Callable[[T], str | None] | None = None
    drop: int = 0
    long_label: str = ""  # the header where width allows ("Touches" for "Touch")


def fit_cells(text: str, width: int, align: str) -> str:
    """Text truncated with an ellipsis, or padded, to exactly `width` cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    if align == "right":
        return " " * (width - cell_len(text)) + text
    return set_cell_size(text, width)


def header_label(col: Column[Any], width: int, arrow: str = "") -> tuple[str, str]:
    """(what goes in the cell before the column, the column's header) for `width` cells: the
    long label where it fits; the sort arrow after the label, or, when that would cut the label
    ("Sinc↓"), in the cell of space before the column ("↓Since")."""
    label = col.long_label if col.long_label and cell_len(col.long_label) <= width else col.label
    if not arrow:
        return " ", fit_cells(label, width, col.align)
    if cell_len(label) + cell_len(arrow) <= width:
        return " ", fit_cells(label + arrow, width, col.align)
    return arrow, fit_cells(label, width, col.align)


def wrap_cells(text: str, width: int) -> list[str]:
    """`text` wrapped at spaces into lines of at most `width` cells (measured as Textual does,
    rich.cells.cell_len); a word longer than a line is cut across lines. The text's leading
    spaces indent its first line only."""
    if width <= 0:
        return []
    if cell_len(text) <= width:
        return [text]
    indent = text[: len(text) - len(text.lstrip(" "))]
    lines: list[str] = []
    current = indent
    for word in text.split():
        while cell_len(word) > width:  # longer than a whole line: cut it
            if current.strip():
                lines.append(current)
            room = width - cell_len(current) if not current.strip() else width
            head = set_cell_size(word, room).rstrip()
            if not head:
                break
            lines.append((current if not current.strip() else "") + head)
            word = word[len(head) :]
            current = ""
        if not word:
            continue
        joined = f"{current} {word}" if current.strip() else current + word
        if cell_len(joined) <= width:
            current = joined
        else:
            lines.append(current)
            current = word
    if current.strip():
        lines.append(current)
    return lines


def sort_rows(rows: Sequence[T], key: Callable[[T], Any], descending: bool) -> list[T]:
    """Rows sorted by `key`; rows whose key is None always come last."""
    keyed = [(key(r), r) for r in rows]
    present = [pair for pair in keyed if pair[0] is not None]
    missing = [r for k, r in keyed if k is None]
    present.sort(key=lambda pair: pair[0], reverse=descending)
    return [r for _, r in present] + missing


def matches(search: str, terms: Sequence[str]) -> bool:
    return all(term in search for term in terms)


def fit_columns(
    columns: Sequence[Column[T]], natural: Mapping[str, int], width: int
) -> list[tuple[Column[T], int]]:
    """The columns that fit in `width` cells, with their widths (one space before each):
    the highest `drop` goes first while they do not fit; flexible columns then grow up to
    their `natural` (longest value) width."""
    shown = list(columns)
    room = width - 1  # one cell of margin on the right

    def needed(cols: list[Column[T]]) -> int:
        return sum(c.width + 1 for c in cols)

    while needed(shown) > room and len(shown) > 1:
        droppable = [c for c in shown if c.drop > 0]
        if not droppable:
            break
        victim = max(reversed(droppable), key=lambda c: c.drop)
        shown.remove(victim)
    # A column with a long label grows to show it ("Touches") where there is room; then
    # flexible columns grow up to their longest value; what is left stays blank on the right.
    spare = max(0, room - needed(shown))
    extra = {c.key: 0 for c in shown}
    for col in shown:
        grow = cell_len(col.long_label) - col.width if col.long_label else 0
        if 0 < grow <= spare:
            extra[col.key] += grow
            spare -= grow
    want = {c.key: max(0, natural.get(c.key, 0) - c.width) for c in shown if c.flex}
    while spare > 0:
        hungry = [c for c in shown if c.flex and want[c.key] > 0]
        if not hungry:
            break
        total = sum(c.flex for c in hungry)
        budget = spare
        for col in hungry:
            grant = min(max(1, budget * col.flex // total), want[col.key], spare)
            extra[col.key] += grant
            want[col.key] -= grant
            spare -= grant
    return [(col, col.width + extra[col.key]) for col in shown]
