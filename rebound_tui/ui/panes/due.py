"""The Due today pane: overdue, then today's follow-ups, most important first; cleared by key.

Its keys: done (with a note, and the message sent kept in the log), snooze, reschedule, drop,
edit, `.` to repeat the last decision on the next item, and the drafts (`m`, `E`, `c`, `M`,
through the app's `drafts`). Marking a touch done asks first when the cool-off guard has
something to say.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding, BindingType

from rebound_tui.display import line as shown
from rebound_tui.rows import DueRow, DueSummary
from rebound_tui.ui.actions.words import cooloff_question, long_day
from rebound_tui.ui.widgets import Column, Pane, RecordTable
from rebound_tui.ui.widgets.first_run import FirstRunSlot

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from rebound_tui.domain.model import FollowUp
    from rebound_tui.ui.screens.prompts import DoneAnswer

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
    OPEN_ACTION = "done"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "d,enter", "done", "Done", id="due.done", tooltip="Done: log it, with an optional note"
        ),
        Binding(
            "s",
            "snooze",
            "Snooze",
            id="due.snooze",
            tooltip="Snooze: tomorrow, 3 days, a week, a month",
        ),
        Binding("r", "reschedule", "Resched", id="due.reschedule", tooltip="Reschedule to a day"),
        Binding("x", "drop", "Drop", id="due.drop", tooltip="Drop it (u undoes)"),
        Binding(
            "e", "edit_follow_up", "Edit", id="due.edit_follow_up", tooltip="Edit the follow-up"
        ),
        Binding(
            "m",
            "show_draft",
            "Draft",
            id="due.show_draft",
            tooltip="Show the message drafted for it",
        ),
        Binding(
            "E",
            "edit_draft",
            "Edit draft",
            id="due.edit_draft",
            show=False,
            tooltip="Edit the draft in $EDITOR",
        ),
        Binding(
            "c",
            "copy_draft",
            "Copy",
            id="due.copy_draft",
            show=False,
            tooltip="Copy the draft to the clipboard",
        ),
        Binding(
            "M",
            "mail_draft",
            "Mail",
            id="due.mail_draft",
            show=False,
            tooltip="Open the draft in your mail program (needs an email)",
        ),
        Binding(
            "full_stop",
            "repeat",
            "Repeat",
            id="due.repeat",
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
        # The last decision: (verb, argument, its undo step); `.` repeats it while the step
        # still stands (not undone).
        self.last_decision: tuple[str, str | None, object] | None = None
        self.first_run = FirstRunSlot(self)  # the first-run guide, instead of the empty table

    def compose(self) -> ComposeResult:
        yield self.first_run.guide
        yield from super().compose()

    def focus_table(self) -> None:
        if not self.first_run.take_focus():
            super().focus_table()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the guide shows, the keys for due items are off (and out of the footer)."""
        return not (self.first_run.shown and action in self.first_run.ITEM_ACTIONS)

    def show(self, rows: Sequence[DueRow], summary: DueSummary, upcoming: Sequence[DueRow]) -> None:
        self.summary = summary
        self.table.empty_lines = all_done_lines(upcoming)
        self.set_rows(rows)
        self.set_class(not rows, "-all-done")
        self.first_run.update(bool(rows))

    def title_parts(self) -> list[str]:
        return [self.summary.text]

    def update_title(self) -> None:
        super().update_title()
        if not self.table.all_rows:
            self.border_subtitle = ""  # "all done" says it

    # -- the keys ---------------------------------------------------------------------------------
    def _follow_up(self) -> FollowUp | None:
        row = self.current
        f = self.dashboard.service.follow_up(row.id) if row is not None else None
        if f is None or not f.is_open:
            self.notify("Nothing due here: all done", severity="information")
            return None
        return f

    def guard_cooloff(self, f: FollowUp, go: Callable[[], None]) -> None:
        """Run `go` now, or after a yes when completing `f` would be a touch too soon."""
        from rebound_tui.service import DONE_LOGS_AS, ServiceError
        from rebound_tui.ui.screens.prompts import ConfirmScreen

        contact = self.dashboard.service.contact(f.contact_id)
        question = None
        if contact is not None:
            try:
                lines = self.dashboard.service.cooloff_warnings(
                    contact=contact,
                    company=self.dashboard.service.company(f.company_id),
                    kind=DONE_LOGS_AS.get(f.kind, "note"),
                )
            except ServiceError:
                lines = []
            question = cooloff_question(lines)
        if question is None:
            go()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                go()
            else:
                self.notify(f"Not done: {shown(f.title)}", timeout=3)

        self.app.push_screen(ConfirmScreen(question, title="Cool-off: go ahead anyway?"), answered)

    def action_done(self) -> None:
        f = self._follow_up()
        if f is not None:
            self.guard_cooloff(f, lambda: self._ask_done_note(f))

    def _ask_done_note(self, f: FollowUp) -> None:
        from rebound_tui.ui.screens.prompts import DonePrompt

        keep_label, keep = self.dashboard.drafts.keep_text_offer(f)

        def answered(answer: DoneAnswer | None) -> None:
            if answer is None:
                return
            note = answer.note
            if answer.keep_text:
                note = note_with_text(note, self.dashboard.drafts.draft_text(f.id).text)
            self._due_act("done", note, f)

        prompt = DonePrompt(
            f"Done · {shown(f.title)}",
            "what happened? (enter: no note)",
            keep_label=keep_label,
            keep=keep,
        )
        self.app.push_screen(prompt, answered)

    def action_snooze(self) -> None:
        from rebound_tui.ui.screens.prompts import SnoozeChooser

        f = self._follow_up()
        if f is not None:
            self.app.push_screen(
                SnoozeChooser(self.dashboard.service, f"Snooze · {shown(f.title)}"),
                lambda day: day and self._due_act("snooze", day, f),
            )

    def action_reschedule(self) -> None:
        from rebound_tui.ui.screens.prompts import DatePrompt

        f = self._follow_up()
        if f is not None:
            self.app.push_screen(
                DatePrompt(self.dashboard.service, f"Reschedule · {shown(f.title)}"),
                lambda day: day and self._due_act("reschedule", day, f),
            )

    def action_drop(self) -> None:
        f = self._follow_up()
        if f is not None:
            self._due_act("drop", None, f)

    def action_edit_follow_up(self) -> None:
        from rebound_tui.ui.screens.forms import FollowUpForm

        f = self._follow_up()
        if f is not None:
            self.dashboard.open_form(
                FollowUpForm,
                (
                    self.dashboard.service.company(f.company_id),
                    self.dashboard.service.contact(f.contact_id),
                    f,
                ),
                lambda d: self.dashboard.service.edit_follow_up(f, **d),
                lambda g: self.notify(f"Saved “{shown(g.title)}”", timeout=3),
            )

    def action_repeat(self) -> None:
        """Do the last due-list decision again, on the item now under the cursor."""
        if self.last_decision is None:
            self.notify("Nothing to repeat yet: done, snooze, reschedule or drop one first")
            return
        verb, arg, step = self.last_decision
        if not self.dashboard.service.stands(step):  # type: ignore[arg-type]
            self.last_decision = None
            self.notify("Nothing to repeat: the last decision was undone", timeout=3, markup=False)
            return
        f = self._follow_up()
        if f is None:
            return
        if verb == "done":
            self.guard_cooloff(f, lambda: self._due_act(verb, arg, f))
        else:
            self._due_act(verb, arg, f)

    def _due_act(self, verb: str, arg: str | None, f: FollowUp) -> None:
        service = self.dashboard.service
        late = verb == "reschedule" and (arg or "") < service.day(None)
        calls: dict[str, tuple[Callable[[], Any], str]] = {
            "done": (lambda: service.complete(f, note=arg or None), f"Done: {shown(f.title)}"),
            "snooze": (
                lambda: service.snooze(f, arg or ""),
                f"Snoozed until {long_day(arg)}: {shown(f.title)}",
            ),
            "reschedule": (
                lambda: service.reschedule(f, arg or ""),
                f"Moved to {long_day(arg)}: {shown(f.title)}"
                + (" (a day already past: overdue from the start)" if late else ""),
            ),
            "drop": (lambda: service.drop(f), f"Dropped: {shown(f.title)}"),
        }
        call, message = calls[verb]
        if self.dashboard.perform(call, f"{message} · u undoes") is not None:
            # A note belongs to one item: repeating "done" does not copy it.
            self.last_decision = (verb, None if verb == "done" else arg, service.last_step)

    # -- the drafts (Drafts, held by the app, does the work; the draft screen calls it too) -------
    def action_show_draft(self) -> None:
        from rebound_tui.ui.screens.draft import DraftScreen

        f = self._follow_up()
        if f is not None:
            self.app.push_screen(DraftScreen(self.dashboard.drafts, f.id, f.title))

    def action_edit_draft(self) -> None:
        f = self._follow_up()
        if f is not None:
            self.dashboard.drafts.edit_draft(f.id)

    def action_copy_draft(self) -> None:
        f = self._follow_up()
        if f is not None:
            self.dashboard.drafts.copy_draft(f.id)

    def action_mail_draft(self) -> None:
        f = self._follow_up()
        if f is not None:
            self.dashboard.drafts.mail_draft(f.id)


def note_with_text(note: str, text: str) -> str:
    """The note to log: what the user typed, then the message they sent."""
    text = text.strip("\n")
    return f"{note}\n\n{text}" if note else text


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
