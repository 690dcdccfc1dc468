"""The insights screen: the rebound adding up, at a glance.

Weekly activity as Textual's own `Sparkline` (bar heights read without colour) with the numbers
beside it, the funnel and persistence as tables with Unicode bars (`charts.py`, the same as
`rebound-tui stats`), the streak and who is going cold. The figures are computed off the UI thread
(ui/insights_cache.py, ahead of time when the dashboard is idle) and handed in with `show()`;
until then the screen says it is counting.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Sparkline, Static

from rebound_tui import display
from rebound_tui.charts import bar, share
from rebound_tui.domain.insights import Insights
from rebound_tui.insights_report import checkin_marks

if TYPE_CHECKING:
    pass

BAR_WIDTH = 16
COUNTING = "Counting…"
# The screen shows the companies and people that need a touch first; `rebound-tui stats` has all.
PERSISTENCE_ROWS = 25
COLD_ROWS = 12


def _plain(value: object) -> Text:
    """A table cell: the value as literal text (never markup)."""
    return Text(display.line(value), no_wrap=True, overflow="ellipsis")


def _short(day: dt.date | None, none: str) -> str:
    return f"{day.day} {day:%b}" if day is not None else none


class InsightsScreen(ModalScreen[None]):
    """Escape, i or q closes; j/k scroll."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,i,q", "close", "Close"),
        Binding("j,down", "scroll('down')", "Down", show=False),
        Binding("k,up", "scroll('up')", "Up", show=False),
        Binding("g,home", "scroll('home')", "Top", show=False),
        Binding("G,end", "scroll('end')", "Bottom", show=False),
    ]

    def __init__(self, insights: Insights | None = None) -> None:
        super().__init__()
        self.insights = insights

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="insights-box") as box:
            box.border_title = "Insights"
            box.border_subtitle = "esc · i · q close"
            yield Static(Content(COUNTING), id="insights-streak")
            yield Label(Content("Activity by week: touches"), classes="insights-heading")
            yield Sparkline([], id="insights-sparkline")
            yield Static(Content(""), id="insights-weeks")
            yield Label(Content("The rebound funnel"), classes="insights-heading")
            yield DataTable(id="insights-funnel", cursor_type="none", show_cursor=False)
            yield Label(Content("Persistence since the no"), classes="insights-heading")
            yield DataTable(id="insights-persistence", cursor_type="none", show_cursor=False)
            yield Label(Content("Going cold"), classes="insights-heading")
            yield Static(Content(""), id="insights-cold")
            yield Label(Content("Replies (mail with a direction)"), classes="insights-heading")
            yield Static(Content(""), id="insights-replies")

    def on_mount(self) -> None:
        self.query_one("#insights-box").focus()
        if self.insights is not None:
            self.show(self.insights)

    def show(self, ins: Insights) -> None:
        """Fill the screen with the figures (on the UI thread)."""
        self.insights = ins
        s = ins.streak
        days = "day" if s.current == 1 else "days"
        today = "cleared today" if s.cleared_today else "today not cleared yet"
        self.query_one("#insights-streak", Static).update(
            Content(
                f"On {ins.on:%a} {ins.on.day} {ins.on:%b %Y} · streak: {s.current} {days} in a "
                f"row with the due list cleared ({today}) · best {s.best}"
            )
        )
        weeks = ins.weeks
        self.query_one("#insights-sparkline", Sparkline).data = [w.touches for w in weeks]
        first, last = weeks[0], weeks[-1]
        totals = (
            f"{first.week} … {last.week}: {sum(w.touches for w in weeks)} touches, "
            f"{sum(w.done for w in weeks)} follow-ups done, "
            f"{sum(w.people_added for w in weeks)} people added; this week "
            f"{last.touches} · {last.done} · {last.people_added}"
        )
        self.query_one("#insights-weeks", Static).update(Content(totals))

        funnel = self.query_one("#insights-funnel", DataTable)
        funnel.clear(columns=True)
        funnel.add_columns("Step", "", "Count", "Share")
        top = max((step.count for step in ins.funnel), default=0)
        for step in ins.funnel:
            funnel.add_row(
                _plain(step.label),
                _plain(bar(step.count, top, BAR_WIDTH)),
                Text(str(step.count), justify="right"),
                Text(share(step.share), justify="right"),
            )

        table = self.query_one("#insights-persistence", DataTable)
        table.clear(columns=True)
        table.add_columns("Company", "Since", "Touches", "Last", "Next", "30/60/90")
        for p in ins.persistence[:PERSISTENCE_ROWS]:
            table.add_row(
                _plain(p.company),
                _plain(f"{p.days_since}d"),
                Text(str(p.touches_since), justify="right"),
                _plain(_short(p.last_touch, "never")),
                _plain(_short(p.next_touch, "none")),
                _plain(checkin_marks(p, days=False)),
            )
        if not ins.persistence:
            table.add_row(_plain("No rejection recorded yet."), *[_plain("")] * 5)
        more = len(ins.persistence) - PERSISTENCE_ROWS
        if more > 0:
            table.add_row(_plain(f"… {more} more: rebound-tui stats"), *[_plain("")] * 5)

        cold = [
            display.line(f"{c.name} ({c.kind}): {c.detail}") for c in ins.going_cold[:COLD_ROWS]
        ]
        if len(ins.going_cold) > COLD_ROWS:
            cold.append(f"… {len(ins.going_cold) - COLD_ROWS} more: rebound-tui stats")
        self.query_one("#insights-cold", Static).update(
            Content("\n".join(cold) if cold else "Nobody is going cold.")
        )
        replies = [
            f"{r.channel}: {r.replied} of {r.sent} answered ({share(r.share)})" for r in ins.replies
        ]
        self.query_one("#insights-replies", Static).update(
            Content("\n".join(replies) if replies else "No mail logged yet: import mail (ctrl+p).")
        )

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, where: str) -> None:
        box = self.query_one("#insights-box", VerticalScroll)
        {
            "down": box.scroll_down,
            "up": box.scroll_up,
            "home": box.scroll_home,
            "end": box.scroll_end,
        }[where](animate=False)
