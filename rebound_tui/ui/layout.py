"""Where the three panes sit: all of them on a wide terminal, tabs and one pane on a narrow one.

The app holds one `PaneLayout` (`app.layout`) and tells it when the size or the focus changed;
it knows the active pane, mounts the tabs the first time the terminal is narrow and shows only
the active pane then.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.containers import Horizontal
    from textual.widget import Widget
    from textual.widgets import Tab, Tabs

    from rebound_tui.ui.widgets import Pane

__all__ = ["NARROW_BELOW", "PaneLayout"]

NARROW_BELOW = 80  # columns: below this the panes become tabs
LOWER_MIN = 6  # rows the bullpen and the network keep: border, header, three rows
DUE_MIN = 5
STATUS_ROWS = 3  # the status line on a wide terminal: fixed, so the panes never jump
AROUND_ROWS = 1 + STATUS_ROWS + 1  # the header, the status line and the footer


class PaneLayout:
    """The panes in key order (1 Bullpen, 2 Network, 3 Due today), the one in use, the tabs."""

    def __init__(self, app: App[Any], panes: list[Pane[Any]], lower: Horizontal) -> None:
        self.app = app
        self.panes = panes
        self.lower = lower  # the row holding the bullpen and the network, under the due pane
        self.active: Pane[Any] = panes[-1]  # Due today
        self.tabs: Tabs | None = None  # made when the terminal is narrow
        self.width = 0

    @property
    def narrow(self) -> bool:
        return (self.width or self.app.size.width) < NARROW_BELOW

    def pane(self, name: str) -> Pane[Any]:
        return {p.id: p for p in self.panes}[name]

    def focus(self, name: str) -> None:
        """Make the pane called `name` the one in use, its table focused."""
        pane = self.pane(name)
        self.active = pane
        self.apply()
        pane.focus_table()

    def focus_next(self, step: int = 1) -> None:
        panes = self.panes
        index = panes.index(self.active) if self.active in panes else 0
        self.focus(panes[(index + step) % len(panes)].id or "")

    def activate(self, pane: Pane[Any]) -> None:
        """`pane` is the one in use (it got the focus, or a key chose it)."""
        if pane is not self.active:
            self.active = pane
            self.apply()

    def focused(self, widget: Widget) -> None:
        """`widget` got the focus: the pane holding it is the one in use."""
        for pane in self.panes:
            if widget is pane or pane in widget.ancestors:
                self.activate(pane)
                return

    def tab_activated(self, tabs: Tabs, tab: Tab) -> None:
        """Narrow: a tab clicked (or moved to) shows its pane."""
        if tabs is not self.tabs:
            return
        name = (tab.id or "").removeprefix("tab-")
        if self.narrow and name != self.active.id:
            self.focus(name)

    def fit(self) -> None:
        """Wide: the due pane is as tall as its rows need (the morning job is the due list);
        the bullpen and the network shrink first, down to `LOWER_MIN` rows. Narrow: one pane."""
        due = self.panes[-1]
        with contextlib.suppress(Exception):  # not mounted yet (a test may build no status)
            self.app.query_one("#status").styles.height = "auto" if self.narrow else STATUS_ROWS
        if self.narrow:
            due.styles.height = "1fr"
            return
        # Not laid out yet (the first frame): the screen but the rows around (refitted after).
        available = self.app.query_one("#panes").size.height or self.app.size.height - AROUND_ROWS
        if available <= 0:
            return
        wanted = due.wanted_height()
        due.styles.height = max(DUE_MIN, min(wanted, available - LOWER_MIN))

    def apply(self) -> None:
        """Wide: all three panes. Narrow: tabs, and only the active pane."""
        narrow = self.narrow
        bullpen, network, due = self.panes
        if narrow and self.tabs is None:
            from textual.widgets import Tab, Tabs

            self.tabs = Tabs(
                Tab("1 Bullpen", id="tab-bullpen"),
                Tab("2 Network", id="tab-network"),
                Tab("3 Due today", id="tab-due"),
                active="tab-due",
                id="tabs",
            )
            self.app.mount(self.tabs, before=self.app.query_one("#panes"))
            self.app.call_after_refresh(self.apply)  # the active tab, once they are mounted
        tabs = self.tabs
        if tabs is not None:
            tabs.display = narrow
        if not narrow:  # fitted now, so the first frame has the heights: no layout after it
            self.fit()
        self.app.call_after_refresh(self.fit)  # the size of #panes is known after the refresh
        if not narrow:
            for widget in (due, self.lower, bullpen, network):
                widget.display = True
            return
        active = self.active
        due.display = active is due
        self.lower.display = active is not due
        bullpen.display = active is bullpen
        network.display = active is network
        tab_id = f"tab-{active.id}"
        if tabs is not None and tabs.active != tab_id:
            with contextlib.suppress(ValueError):  # the tabs are not mounted yet
                tabs.active = tab_id
