# Over 400 lines because: one line-API widget; its rows, sort, filter, cursor, line caches and
# rendering share state (the pure column parts are in columns.py).
"""A fast, read-only table of records on Textual's line API.

Why not DataTable: it builds per-cell state for every row, which is slow to refill at 5,000 rows
every time the data changes. This widget keeps the row objects as given and renders only the lines
on screen, so refilling, sorting, filtering and moving the cursor cost almost nothing.

Rows are any objects with an `id` (and, for search, a lower-case `search` string). Columns say how
to show a row. When the rows are replaced, the cursor stays on the record with the same id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from rebound_tui.display import LINE_MAX
from rebound_tui.display import line as shown
from rebound_tui.ui.widgets.columns import (
    CELL_STYLES,
    Column,
    RowLike,
    fit_cells,
    fit_columns,
    header_label,
    matches,
    sort_rows,
    wrap_cells,
)

__all__ = ["CELL_STYLES", "Column", "RecordTable", "RowLike", "fit_cells", "matches", "sort_rows"]

T = TypeVar("T")


def shown_width(value: object) -> int:
    """The cells `shown(value)` takes on screen. Printable ASCII (most names) needs no escape
    and is one cell a character: counted, not scanned (measuring every row of a large table
    is done for each new set of rows)."""
    if type(value) is str and value.isascii() and value.isprintable():
        return len(value) if len(value) <= LINE_MAX else LINE_MAX + 1  # (cut: "…")
    return cell_len(shown(value))


class RecordTable(ScrollView, Generic[T], can_focus=True):
    """Rows of records with a cursor; only the visible lines are rendered."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("g,home", "cursor_first", "First", show=False),
        Binding("G,end", "cursor_last", "Last", show=False),
        Binding("pagedown,ctrl+d", "page_down", "Page down", show=False),
        Binding("pageup,ctrl+u", "page_up", "Page up", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "record-table--header",
        "record-table--sorted",
        "record-table--cursor",
        "record-table--cursor-blurred",
        "record-table--empty",
        *(f"record-table--{name}" for name in CELL_STYLES),
    }

    DEFAULT_CSS = """
    RecordTable {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;  /* the columns stay put when a scrollbar comes or goes */
        scrollbar-size-vertical: 1;
        background: $surface;
        & > .record-table--header { color: $text-muted; text-style: bold; }
        & > .record-table--sorted { color: $text; text-style: bold underline; }
        & > .record-table--cursor { background: $block-cursor-background;
                                    color: $block-cursor-foreground; text-style: bold; }
        & > .record-table--cursor-blurred { background: $block-cursor-blurred-background; }
        & > .record-table--empty { color: $text-muted; text-style: italic; }
        & > .record-table--muted { color: $text-muted; }
        & > .record-table--primary { color: $text-primary; }
        & > .record-table--accent { color: $text-accent; }
        & > .record-table--success { color: $text-success; }
        & > .record-table--warning { color: $text-warning; }
        & > .record-table--error { color: $text-error; }
    }
    """

    class Highlighted(Message):
        """The cursor is on another record (or on none)."""

        def __init__(self, table: RecordTable, row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> RecordTable:
            return self.table

    class Selected(Message):
        """A record was double-clicked."""

        def __init__(self, table: RecordTable, row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> RecordTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column[T]],
        *,
        empty_text: str = "Nothing here.",
        sort: str | None = None,
        descending: bool | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns: list[Column[T]] = list(columns)
        self.empty_text = empty_text
        self._empty_lines: list[tuple[str, str | None]] = []
        self._source: list[T] = []
        self._sorted: list[T] = []
        self._source_version = 0
        self._sorted_key: tuple | None = None
        self._view: list[T] = []
        self._terms: list[str] = []
        self._filter = ""
        self._sort_key: str | None = None
        self._descending = False
        self.cursor = 0
        self._highlighted_id: str | None = None
        self._lines: LRUCache[tuple[str, bool], Strip] = LRUCache(256)
        self._column_layout: tuple[int, list[tuple[Column[T], int]]] | None = None
        self._natural: dict[str, int] = {}
        self._hidden: set[str] = set()
        if sort is not None:
            self.sort_by(sort, descending)

    # -- data ---------------------------------------------------------------------------------
    @property
    def rows(self) -> list[T]:
        """The rows shown: filtered and sorted."""
        return self._view

    @rows.setter
    def rows(self, rows: Sequence[T]) -> None:
        self._source = list(rows)
        self._source_version += 1
        self._measure()
        self._rebuild()

    def _measure(self) -> None:
        """The longest value of each flexible column (over all rows, so search does not jump),
        each distinct value measured once (a company is named on thousands of people's rows)."""
        natural: dict[str, int] = {}
        for col in self.columns:
            if col.flex:
                value = col.value
                try:
                    values: Any = {value(r) for r in self._source}
                except TypeError:  # (a value that cannot be hashed: measured row by row)
                    values = [value(r) for r in self._source]
                longest = max(map(shown_width, values), default=0)
                natural[col.key] = max(longest, cell_len(col.label))
        if natural != self._natural:
            self._natural = natural
            self._column_layout = None
            self._lines.clear()

    @property
    def empty_lines(self) -> list[tuple[str, str | None]]:
        """What to show when there are no rows: (text, cell style name or None) lines."""
        return self._empty_lines

    @empty_lines.setter
    def empty_lines(self, lines: Sequence[tuple[str, str | None]]) -> None:
        self._empty_lines = list(lines)
        if not self._view:
            self._update_virtual_size()
            self.refresh()

    @property
    def all_rows(self) -> list[T]:
        return self._source

    @property
    def cursor_row(self) -> T | None:
        return self._view[self.cursor] if 0 <= self.cursor < len(self._view) else None

    @property
    def filter(self) -> str:
        return self._filter

    @filter.setter
    def filter(self, text: str) -> None:
        self._filter = text
        self._terms = text.lower().split()
        self._rebuild()

    @property
    def sort_key(self) -> str | None:
        return self._sort_key

    @property
    def descending(self) -> bool:
        return self._descending

    def hide_columns(self, *keys: str) -> None:
        """Hide these columns (and show the others), e.g. the company when it is always the same."""
        hidden = set(keys)
        if hidden != self._hidden:
            self._hidden = hidden
            self._column_layout = None
            self._lines.clear()
            self.refresh()

    def column(self, key: str) -> Column[T]:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    def sort_by(self, key: str | None, descending: bool | None = None) -> None:
        """Sort by a column (None: the order the rows were given in)."""
        if key is not None:
            col = self.column(key)
            if col.sort_key is None:
                raise ValueError(f"column {key!r} is not sortable")
            self._descending = col.descending if descending is None else descending
        else:
            self._descending = False
        self._sort_key = key
        self._rebuild()

    def cycle_sort(self) -> str | None:
        """Sort by the next sortable column (after the last one, the given order)."""
        keys: list[str | None] = [c.key for c in self.columns if c.sort_key is not None]
        keys.append(None)
        index = keys.index(self._sort_key) if self._sort_key in keys else -1
        self.sort_by(keys[(index + 1) % len(keys)])
        return self._sort_key

    def move_to_id(self, record_id: str | None) -> bool:
        """Put the cursor on a record; False if it is not shown."""
        for index, row in enumerate(self._view):
            if getattr(row, "id", None) == record_id:
                self.move_cursor(index)
                return True
        return False

    def _sorted_source(self) -> list[T]:
        """The rows in display order, sorted once per change of rows or sort (not per key
        typed in a search: filtering the sorted list keeps its order)."""
        key = (self._source_version, self._sort_key, self._descending)
        if self._sorted_key != key:
            rows = self._source
            if self._sort_key is not None:
                sort_key = self.column(self._sort_key).sort_key
                rows = sort_rows(rows, sort_key, self._descending)  # type: ignore[arg-type]
            self._sorted, self._sorted_key = list(rows), key
        return self._sorted

    def _rebuild(self) -> None:
        keep_id = self._highlighted_id
        old_cursor = self.cursor
        rows = self._sorted_source()
        if self._terms:
            terms = self._terms
            rows = [r for r in rows if matches(getattr(r, "search", ""), terms)]
        self._view = list(rows)
        self._lines.clear()
        new_cursor = None
        if keep_id is not None:
            for index, row in enumerate(self._view):
                if getattr(row, "id", None) == keep_id:
                    new_cursor = index
                    break
        if new_cursor is None:
            new_cursor = min(old_cursor, len(self._view) - 1)
        self.cursor = max(0, new_cursor)
        self._update_virtual_size()
        self._scroll_to_cursor()
        self.refresh()
        self._announce()

    # -- cursor ---------------------------------------------------------------------------------
    def move_cursor(self, index: int) -> None:
        index = max(0, min(index, len(self._view) - 1))
        if index != self.cursor:
            self._lines.clear()
            self.cursor = index
            self.refresh()
        self._scroll_to_cursor()
        self._announce()

    def _announce(self) -> None:
        row = self.cursor_row
        row_id = getattr(row, "id", None)
        if row_id != self._highlighted_id:
            self._highlighted_id = row_id
            self.post_message(self.Highlighted(self, row))

    @property
    def page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self) -> None:
        if not self.is_mounted:
            return
        top = round(self.scroll_y)
        visible = self.page_rows
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_cursor_first(self) -> None:
        self.move_cursor(0)

    def action_cursor_last(self) -> None:
        self.move_cursor(len(self._view) - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + self.page_rows)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - self.page_rows)

    # -- mouse --------------------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        event.stop()
        if offset.y == 0:
            col = self._column_at(offset.x)
            if col is not None and col.sort_key is not None:
                same = self._sort_key == col.key
                self.sort_by(col.key, (not self._descending) if same else None)
            return
        index = round(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self._view):
            self.move_cursor(index)
            if event.chain >= 2:
                self.post_message(self.Selected(self, self._view[index]))

    def _column_at(self, x: int) -> Column[T] | None:
        left = 0
        for col, width in self._layout(self.scrollable_content_region.width):
            if left <= x < left + width + 1:
                return col
            left += width + 1
        return None

    # -- layout and rendering -------------------------------------------------------------------
    def _update_virtual_size(self) -> None:
        """Only the height scrolls (the columns fit the width): a width of 0, so that a resize
        that keeps the height lays nothing out again (the first frame's, on a start: a tenth
        of a second on the heavy file, beside the load)."""
        width = self.scrollable_content_region.width
        height = len(self._view) + 1 if self._view else len(self._empty_wrapped(width))
        self.virtual_size = Size(0, height)

    def on_resize(self, event: events.Resize) -> None:
        self._lines.clear()
        self._column_layout = None
        self._update_virtual_size()
        self._scroll_to_cursor()

    def on_focus(self, event: events.Focus) -> None:
        self._lines.clear()
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        self._lines.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    def _layout(self, width: int) -> list[tuple[Column[T], int]]:
        """The columns that fit in `width` cells, with their widths (one space before each)."""
        if self._column_layout is None or self._column_layout[0] != width:
            shown = [c for c in self.columns if c.key not in self._hidden]
            self._column_layout = (width, fit_columns(shown, self._natural, width))
        return self._column_layout[1]

    def empty_height(self) -> int:
        """Lines the empty state takes at the current width."""
        return len(self._empty_wrapped(self.scrollable_content_region.width))

    def _empty_wrapped(self, width: int) -> list[tuple[str, str | None]]:
        """The empty state's lines wrapped to the width (one cell of margin on the left): a
        hint is never cut."""
        if width <= 1:
            return self._empty()
        return [
            (piece, style)
            for text, style in self._empty()
            for piece in (wrap_cells(shown(text), width - 1) or [""])
        ]

    def _empty(self) -> list[tuple[str, str | None]]:
        if self._filter:
            return [(f"Nothing matches “{self._filter}” (escape clears the search).", "empty")]
        if self._empty_lines:
            return self._empty_lines
        return [(self.empty_text, "empty")]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self._view:
            lines = self._empty_wrapped(width)
            if y >= len(lines):
                return Strip.blank(width, base)
            text, style_name = lines[y]
            style = base
            if style_name:
                style = base + self.get_component_rich_style(f"record-table--{style_name}")
            return Strip([Segment(" " + fit_cells(shown(text), width - 1, "left"), style)], width)
        if y == 0:
            return self._render_header(width, base)
        index = round(self.scroll_y) + y - 1
        if index >= len(self._view):
            return Strip.blank(width, base)
        row = self._view[index]
        is_cursor = index == self.cursor
        key = (str(getattr(row, "id", index)), is_cursor)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._render_row(row, is_cursor, width, base)
            self._lines[key] = strip
        return strip

    def _render_header(self, width: int, base: Style) -> Strip:
        header = base + self.get_component_rich_style("record-table--header")
        sorted_style = base + self.get_component_rich_style("record-table--sorted")
        segments = []
        for col, w in self._layout(width):
            arrow = ""
            if col.key == self._sort_key:
                arrow = "↓" if self._descending else "↑"
            before, label = header_label(col, w, arrow)
            segments.append(Segment(before, sorted_style if before.strip() else header))
            segments.append(Segment(label, sorted_style if arrow else header))
        return Strip(segments).adjust_cell_length(width, header)

    def _render_row(self, row: T, is_cursor: bool, width: int, base: Style) -> Strip:
        row_style = base
        if is_cursor:
            name = "record-table--cursor" if self.has_focus else "record-table--cursor-blurred"
            row_style = base + self.get_component_rich_style(name)
        segments = []
        for col, w in self._layout(width):
            style = row_style
            if col.style is not None:
                extra = col.style(row)
                if extra:
                    cell = self.get_component_rich_style(f"record-table--{extra}")
                    style = base + cell
                    if is_cursor:
                        style = (
                            row_style + Style(color=cell.color) if not self.has_focus else row_style
                        )
            segments.append(Segment(" ", row_style))
            segments.append(Segment(fit_cells(shown(col.value(row)), w, col.align), style))
        return Strip(segments).adjust_cell_length(width, row_style)
