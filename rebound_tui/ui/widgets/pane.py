"""A dashboard pane: a titled box around a RecordTable, with search as you type.

The pane owns what is common to the three panes (the title with its filters, the row count,
`/` to search and escape to clear); each pane module adds its columns, filters and keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.widget import AwaitMount
from textual.widgets import Input

from rebound_tui.ui import text as ui_text
from rebound_tui.ui.widgets.record_table import RecordTable
from rebound_tui.ui.widgets.safe_input import SafeInput
from rebound_tui.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from rebound_tui.ui.dashboard import Dashboard

T = TypeVar("T")


class Pane(Vertical, Generic[T]):
    """One of the three panes; `table` shows its rows."""

    SEARCH = Binding("slash", "search", "Search", tooltip="Search as you type")
    """Each pane lists it where it wants it in the footer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "clear_search",
            "Clear search",
            show=False,
            tooltip="Clear the search, then the pane's filter",
        ),
        # Tab moves between panes (not between every widget), also when a pane is a tab.
        Binding("tab", "app.next_pane(1)", "", show=False),
        Binding("shift+tab", "app.next_pane(-1)", "", show=False),
    ]

    # Actions of the pane that run while the data is loading (the others say "Loading…").
    NO_DATA_ACTIONS: ClassVar[frozenset[str]] = frozenset({"search", "clear_search", "cycle_sort"})

    OPEN_ACTION: ClassVar[str] = ""  # what a double click on a row does (as enter does)

    TITLE: ClassVar[str] = ""
    NUMBER: ClassVar[int] = 0
    NOUN: ClassVar[tuple[str, str]] = ("row", "rows")  # one, many: "1 person", "2 people"

    def __init__(self, table: RecordTable[T], *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane")
        self.table = table
        # Made after the first paint (`add_search`): three hidden inputs would delay it.
        self.search_input: Input | None = None
        self._search_mounted: AwaitMount | None = None
        self._given: Sequence[T] = []
        self._loading: str | None = None
        self._empty_text = table.empty_text

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        self.update_title()

    @property
    def dashboard(self) -> Dashboard:
        """The app, as the pane's actions use it (the service, the write path)."""
        from rebound_tui.ui.dashboard import dashboard_of

        return dashboard_of(self)

    # -- rows -----------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[T]) -> None:
        """Show these rows (the pane's own filters apply; the cursor stays on its record)."""
        self._given = rows
        self.reapply()

    def reapply(self) -> None:
        """Filter the last rows given again, after a pane filter changed."""
        self.table.rows = self.visible(self._given)
        self.update_title()
        self.show_status()

    def visible(self, rows: Sequence[T]) -> Sequence[T]:
        """Hook: the pane's own filters (stage, company) applied before search."""
        return rows

    @property
    def current(self) -> Any:
        return self.table.cursor_row

    @property
    def loading_text(self) -> str | None:
        """Said in the empty table while the data is loading (None: loaded)."""
        return self._loading

    @loading_text.setter
    def loading_text(self, text: str | None) -> None:
        if self._loading is None:
            self._empty_text = self.table.empty_text
        self._loading = text
        self.table.empty_text = text or self._empty_text
        self.table.refresh()
        self.update_title()

    def wanted_height(self) -> int:
        """Rows the pane needs to show every row: border, header, rows (or the empty lines),
        the search bar when open."""
        table = self.table
        lines = len(table.rows) + 1 if table.rows else table.empty_height()
        search = self.search_input is not None and self.search_input.display
        return lines + 2 + int(search)

    # -- the status line -------------------------------------------------------------------------
    def status_of(self, row: T | None) -> Content:
        """Hook: the selected row whole (None: no row), for the status line."""
        return Content("")

    def on_key(self, event: events.Key) -> None:
        """A key of another pane, pressed here, says where it belongs (widgets/pane_keys.py)
        instead of doing nothing silently."""
        busy = len(self.app.screen_stack) > 1 or isinstance(self.app.focused, Input)
        if busy or event.key in self.screen.active_bindings:
            return
        from rebound_tui.ui.widgets.pane_keys import elsewhere

        others = [p for p in self.screen.query(Pane) if p is not self]
        notice = elsewhere(event.key, others)
        if notice is not None:
            event.stop()
            self.notify(notice, timeout=3)

    def show_status(self) -> None:
        """The status line shows this pane's selected row, when this pane is the one in use."""
        if not self.has_focus_within:
            return
        try:
            status = self.screen.query_one(StatusLine)
        except NoMatches:
            return
        status.show(self.status_of(self.current))

    def on_record_table_highlighted(self, event: RecordTable.Highlighted) -> None:
        self.show_status()  # the app sees the message too (not stopped)

    def on_descendant_focus(self) -> None:
        self.show_status()

    # -- title ----------------------------------------------------------------------------------
    def title_parts(self) -> list[str]:
        """Hook: filters and counters shown after the pane's name."""
        return []

    def heading(self) -> str:
        """The pane's name in its title (the due pane says which view is on)."""
        return self.TITLE

    def update_title(self) -> None:
        parts = [f"{self.NUMBER} {self.heading()}", *self.title_parts()]
        if self.table.filter:
            parts.append(f"/{self.table.filter}")
        self.border_title = ui_text.line(" · ".join(parts))
        if self._loading:
            self.border_subtitle = ""  # not "0 companies": nobody knows yet
            return
        shown, total = len(self.table.rows), len(self.table.all_rows)
        noun = self.NOUN[total != 1]
        self.border_subtitle = f"{shown} of {total}" if shown != total else f"{total} {noun}"

    # -- search ---------------------------------------------------------------------------------
    def add_search(self) -> Input:
        """The search input, made and mounted once (the app does it right after its first
        paint, so that keys typed after "/" go to it)."""
        if self.search_input is None:
            self.search_input = SafeInput(
                placeholder="search as you type · enter keeps · esc clears",
                classes="search",
                compact=True,
                select_on_focus=False,  # keys typed right after "/" must not be selected and lost
            )
            self.search_input.display = False
            self._search_mounted = self.mount(self.search_input)
        return self.search_input

    async def action_search(self) -> None:
        search = self.search_input
        if search is None or not search.is_mounted:
            search = self.add_search()
            if self._search_mounted is not None:
                await self._search_mounted  # "/" in the very first frame: wait for it
        search.display = True
        search.value = self.table.filter
        self.screen.set_focus(search)  # now: the next keys typed are the search

    def action_clear_search(self) -> None:
        search = self.search_input
        had_search = bool(self.table.filter) or (search is not None and search.display)
        if search is not None:
            search.value = ""
            search.display = False
        self.table.filter = ""
        self.update_title()
        self.focus_table()
        if not had_search:
            self.clear_other_filters()

    def clear_other_filters(self) -> None:
        """Hook: what escape clears once the search is gone."""

    @on(Input.Changed, ".search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.table.filter = event.value
        self.update_title()

    @on(Input.Submitted, ".search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip() and self.search_input is not None:
            self.search_input.display = False
        self.focus_table()

    def focus_table(self) -> None:
        """Focus now, not after the queued keys: "1 j" typed fast moves in the new pane."""
        self.screen.set_focus(self.table)
