"""The Due today pane: overdue, then today's follow-ups, most important first; cleared by key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType

from rebound_tui.rows import DueRow, DueSummary
from rebound_tui.ui.widgets import Column, Pane, RecordTable

COLUMNS: list[Column[DueRow]] = [
    Column(
        "when",
        "When",
        lambda r: r.when,
        width=9,
        align="right",
        style=lambda r: "error" if r.days_overdue > 0 else "warning",
    ),
    Column("importance", "P", lambda r: str(r.importance), width=2, align="right", drop=5),
    Column("kind", "Kind", lambda r: r.kind, width=12, drop=4),
    Column("title", "To do", lambda r: r.title, width=18, flex=2),
    Column("company", "Company", lambda r: r.company, width=10, flex=1, drop=2),
    Column("contact", "Contact", lambda r: r.contact, width=10, flex=1, drop=3),
]


class DuePane(Pane[DueRow]):
    """What to do today; when nothing is left, what comes next."""

    TITLE = "Due today"
    NUMBER = 3
    NOUN = ("due", "due")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d,enter", "app.done", "Done", tooltip="Done: log it, with an optional note"),
        Binding("s", "app.snooze", "Snooze", tooltip="Snooze: tomorrow, 3 days, a week, a month"),
        Binding("r", "app.reschedule", "Resched", tooltip="Reschedule to a day"),
        Binding("x", "app.drop", "Drop", tooltip="Drop it (u undoes)"),
        Binding("e", "app.edit_follow_up", "Edit", tooltip="Edit the follow-up"),
        Binding("m", "app.show_draft", "Draft", tooltip="Show the message drafted for it"),
        Binding(
            "E", "app.edit_draft", "Edit draft", show=False, tooltip="Edit the draft in $EDITOR"
        ),
        Binding(
            "c", "app.copy_draft", "Copy", show=False, tooltip="Copy the draft to the clipboard"
        ),
        Binding(
            "M",
            "app.mail_draft",
            "Mail",
            show=False,
            tooltip="Open the draft in your mail program (needs an email)",
        ),
        Binding(
            "full_stop",
            "app.repeat",
            "Repeat",
            key_display=".",
            show=False,
            tooltip="Repeat the last decision on this item",
        ),
        Pane.SEARCH,
    ]

    def __init__(self, *, id: str | None = "due") -> None:
        table: RecordTable[DueRow] = RecordTable(COLUMNS, id="due-table")
        super().__init__(table, id=id)
        self.summary = DueSummary(0, 0, 0)

    def show(self, rows: Sequence[DueRow], summary: DueSummary, upcoming: Sequence[DueRow]) -> None:
        self.summary = summary
        self.table.empty_lines = all_done_lines(upcoming)
        self.set_rows(rows)
        self.set_class(not rows, "-all-done")

    def title_parts(self) -> list[str]:
        return [self.summary.text]

    def update_title(self) -> None:
        super().update_title()
        if not self.table.all_rows:
            self.border_subtitle = ""  # "all done" says it


def all_done_lines(upcoming: Sequence[DueRow]) -> list[tuple[str, str | None]]:
    """The empty state: a clear "all done", then what comes next (or how to plan some)."""
    lines: list[tuple[str, str | None]] = [("✓ All done for today.", "success"), ("", None)]
    if not upcoming:
        lines.append(("Nothing planned yet: press f in the Bullpen or Network", "muted"))
        lines.append(("to add a follow-up, or l to log what happened.", "muted"))
        return lines
    lines.append(("What comes next:", "muted"))
    for row in upcoming:
        who = " · ".join(x for x in (row.contact, row.company) if x)
        lines.append((f"  {row.when:>9}  {row.title}" + (f"  ({who})" if who else ""), None))
    return lines
