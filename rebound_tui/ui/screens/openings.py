"""The openings view (`O` in the Bullpen): every open role, by status, one keystroke a step.

A full screen designed for 80x24: one row per open role (status, company, title, days in that
status, deadline), in the order of the statuses. `n` moves the selected role to its next status,
`r`, `w` and `c` to a final one (rejected, withdrawn, closed); each step is one undoable action
and its toast says what the plan set off; `u` undoes here too. `e` edits the role (the opening
form, prefilled), `D` deletes it (asks first; its history and the open follow-ups it planned go
with it, and `u` brings them back). `Enter` shows the role's details, `/` searches by title or
company.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label

from rebound_tui.display import line as shown
from rebound_tui.domain.model import OPENING_STATUSES, Opening
from rebound_tui.rows import short_ago, short_until
from rebound_tui.ui import text as ui_text
from rebound_tui.ui.actions.openings import delete_opening, edit_opening, plan_words, planned
from rebound_tui.ui.dashboard import user_errors
from rebound_tui.ui.widgets import Column, Pane, RecordTable

if TYPE_CHECKING:
    from rebound_tui.service import Service
    from rebound_tui.ui.dashboard import Dashboard

__all__ = [
    "NEXT_STATUS",
    "OpeningRow",
    "OpeningsPane",
    "OpeningsScreen",
    "opening_rows",
]

# Where `n` moves a role: the usual road, one step at a time (a final status has no next).
NEXT_STATUS = {
    "spotted": "applied",
    "applied": "screening",
    "screening": "interviewing",
    "interviewing": "offer",
    "offer": "accepted",
}
STATUS_SHORT = {"interviewing": "interview"}
STATUS_STYLE = {"offer": "success", "interviewing": "accent", "screening": "accent"}


@dataclass(frozen=True, slots=True)
class OpeningRow:
    """One open role as the view shows it."""

    id: str
    status: str
    company: str
    title: str
    days_in_status: int | None
    deadline_days: int | None  # from today (negative: passed)
    search: str = ""


def opening_rows(service: Service) -> list[OpeningRow]:
    """The open roles, by status (then company, title), from the service."""
    today = service.today()
    histories = service.opening_histories()
    rows = []
    for o in service.openings():
        steps = histories.get(o.id, [])
        since = _days_between(steps[-1].day if steps else o.spotted_on, today)
        deadline = _days_between(o.deadline, today)
        company = service.name_of("companies", o.company_id) or ""
        rows.append(
            OpeningRow(
                id=o.id,
                status=o.status,
                company=company,
                title=o.title,
                days_in_status=since,
                deadline_days=None if deadline is None else -deadline,
                search=" ".join(p for p in (o.title, company, o.status, o.location) if p).lower(),
            )
        )
    return rows


def _days_between(day: str | None, today: Any) -> int | None:
    import datetime as dt

    try:
        return (today - dt.date.fromisoformat(day or "")).days
    except ValueError:
        return None


COLUMNS: list[Column[OpeningRow]] = [
    Column(
        "status",
        "Status",
        lambda r: STATUS_SHORT.get(r.status, r.status),
        width=9,
        sort_key=lambda r: OPENING_STATUSES.index(r.status),
        style=lambda r: STATUS_STYLE.get(r.status),
    ),
    Column(
        "company", "Company", lambda r: r.company, width=10, flex=1, sort_key=lambda r: r.company
    ),
    Column("title", "Role", lambda r: r.title, width=12, flex=2, sort_key=lambda r: r.title),
    Column(
        "since",
        "For",
        lambda r: short_ago(r.days_in_status),
        width=5,
        align="right",
        sort_key=lambda r: r.days_in_status,
        descending=True,
        drop=2,
    ),
    Column(
        "deadline",
        "Deadline",
        lambda r: short_until(r.deadline_days),
        width=8,
        align="right",
        sort_key=lambda r: r.deadline_days,
        style=lambda r: "warning" if r.deadline_days is not None and r.deadline_days <= 2 else None,
        drop=1,
    ),
]


class OpeningsPane(Pane[OpeningRow]):
    """The roles table with its keys (the screen around it holds the title and the footer)."""

    TITLE = "Openings"
    NOUN = ("open role", "open roles")
    OPEN_ACTION = "opening_detail"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "advance", "Next status", tooltip="Move the role to its next status"),
        Binding(
            "r",
            "finish('rejected')",
            "Rejected",
            tooltip="Rejected: they said no (the last open role there starts the plan)",
        ),
        Binding("w", "finish('withdrawn')", "Withdrawn", tooltip="Withdrawn: you pulled out"),
        Binding(
            "c", "finish('closed')", "Closed", show=False, tooltip="Closed: the posting is gone"
        ),
        Binding("e", "edit_opening", "Edit", tooltip="Edit the role"),
        Binding(
            "D", "delete_opening", "Delete", show=False, tooltip="Delete the role (asks first)"
        ),
        Binding("enter", "opening_detail", "Details", tooltip="The role's details and history"),
        Pane.SEARCH,
    ]

    def __init__(self, dashboard: Dashboard) -> None:
        table: RecordTable[OpeningRow] = RecordTable(
            COLUMNS,
            empty_text="No open roles: press o on a company in the Bullpen to add one.",
            sort="status",
            id="openings-table",
        )
        super().__init__(table, id="openings")
        self._dashboard = dashboard

    def update_title(self) -> None:
        super().update_title()
        self.border_title = ui_text.line(str(self.border_title).removeprefix("0 "))

    def clear_other_filters(self) -> None:
        """Escape with no search left closes the view."""
        self.screen.dismiss(None)

    def reload(self) -> None:
        self.set_rows(opening_rows(self._dashboard.service))

    def _opening(self) -> Opening | None:
        row = self.current
        opening = self._dashboard.service.opening(row.id) if row is not None else None
        if opening is None:
            self.notify("No role selected", severity="warning", timeout=3)
        return opening

    def _step(self, opening: Opening, status: str) -> None:
        service = self._dashboard.service
        try:
            (updated, _change), created = self._dashboard.write(
                lambda: planned(service, lambda: service.set_opening_status(opening, status))
            )
        except user_errors() as exc:
            self.notify(str(exc), title="Not done", severity="error", markup=False)
            return
        self._dashboard.changed()
        self.reload()
        self.notify(
            f"{shown(updated.title)}: {status}{plan_words(created)} · u undoes",
            timeout=6,
            markup=False,
        )

    def action_advance(self) -> None:
        opening = self._opening()
        if opening is None:
            return
        status = NEXT_STATUS.get(opening.status)
        if status is None:
            self.notify(f"{shown(opening.title)} is {opening.status}: no next status", timeout=3)
            return
        self._step(opening, status)

    def action_finish(self, status: str) -> None:
        opening = self._opening()
        if opening is not None:
            self._step(opening, status)

    def action_edit_opening(self) -> None:
        opening = self._opening()
        if opening is not None:
            edit_opening(self._dashboard, opening, self.reload)

    def action_delete_opening(self) -> None:
        opening = self._opening()
        if opening is not None:
            delete_opening(self._dashboard, opening, self.reload)

    def action_opening_detail(self) -> None:
        from rebound_tui.ui.screens.opening_detail import OpeningDetail

        opening = self._opening()
        if opening is not None:
            self.app.push_screen(OpeningDetail(self._dashboard.service, opening.id))


class OpeningsScreen(Screen[None]):
    """All open roles (see module doc)."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", tooltip="Back to the dashboard"),
        Binding("u", "undo", "Undo", tooltip="Undo the last change"),
    ]
    DEFAULT_CSS = """
    OpeningsScreen #openings { height: 1fr; border: round $primary; }
    OpeningsScreen #openings-hint { color: $text-muted; padding: 0 1; }
    """

    def __init__(self, dashboard: Dashboard) -> None:
        super().__init__()
        self.dashboard = dashboard
        self.pane = OpeningsPane(dashboard)

    def compose(self) -> ComposeResult:
        yield self.pane
        yield Label(
            "n next · r rejected · w withdrawn · c closed · e edit · D delete · ⏎ details",
            id="openings-hint",
        )
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.pane.add_search()
        self.pane.reload()
        self.pane.focus_table()

    def on_screen_resume(self) -> None:
        self.pane.reload()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_undo(self) -> None:
        service = self.dashboard.service
        try:
            what = self.dashboard.write(service.undo)
        except user_errors() as exc:
            self.notify(str(exc), title="Not undone", severity="error", markup=False)
            return
        if what is None:
            self.notify("Nothing to undo", timeout=3)
            return
        self.dashboard.changed()
        self.pane.reload()
        self.notify(f"Undone: {shown(what)}", timeout=4, markup=False)

    def rows(self) -> Sequence[OpeningRow]:
        return self.pane.table.rows
