"""Due today actions: done (with a note, and the message sent kept in the log), snooze,
reschedule, drop, edit, and `.` to repeat the last decision on the next item.

Marking a touch done asks first when the cool-off guard has something to say.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rebound_tui.display import line as shown
from rebound_tui.ui.actions.words import cooloff_question, long_day

if TYPE_CHECKING:
    from rebound_tui.domain.model import FollowUp
    from rebound_tui.ui.app import ReboundApp
    from rebound_tui.ui.screens.prompts import DoneAnswer


def note_with_text(note: str, text: str) -> str:
    """The note to log: what the user typed, then the message they sent."""
    text = text.strip("\n")
    return f"{note}\n\n{text}" if note else text


class DueActions:
    """Mixed into ReboundApp: the keys of the Due today pane."""

    def _follow_up(self: ReboundApp) -> FollowUp | None:
        row = self.due.current
        f = self.service.follow_up(row.id) if row is not None else None
        if f is None or not f.is_open:
            self.notify("Nothing due here: all done", severity="information")
            return None
        return f

    def guard_cooloff(self: ReboundApp, f: FollowUp, go: Callable[[], None]) -> None:
        """Run `go` now, or after a yes when completing `f` would be a touch too soon."""
        from rebound_tui.service import DONE_LOGS_AS, ServiceError
        from rebound_tui.ui.screens.prompts import ConfirmScreen

        contact = self.service.contact(f.contact_id)
        question = None
        if contact is not None:
            try:
                lines = self.service.cooloff_warnings(
                    contact=contact,
                    company=self.service.company(f.company_id),
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

        self.push_screen(ConfirmScreen(question, title="Cool-off: go ahead anyway?"), answered)

    def action_done(self: ReboundApp) -> None:
        f = self._follow_up()
        if f is not None:
            self.guard_cooloff(f, lambda: self._ask_done_note(f))

    def _ask_done_note(self: ReboundApp, f: FollowUp) -> None:
        from rebound_tui.ui.screens.prompts import DonePrompt

        keep_label, keep = self.keep_text_offer(f)

        def answered(answer: DoneAnswer | None) -> None:
            if answer is None:
                return
            note = answer.note
            if answer.keep_text:
                note = note_with_text(note, self.draft_text(f.id).text)
            self._due_act("done", note, f)

        prompt = DonePrompt(
            f"Done · {shown(f.title)}",
            "what happened? (enter: no note)",
            keep_label=keep_label,
            keep=keep,
        )
        self.push_screen(prompt, answered)

    def action_snooze(self: ReboundApp) -> None:
        from rebound_tui.ui.screens.prompts import SnoozeChooser

        f = self._follow_up()
        if f is not None:
            self.push_screen(
                SnoozeChooser(self.service, f"Snooze · {shown(f.title)}"),
                lambda day: day and self._due_act("snooze", day, f),
            )

    def action_reschedule(self: ReboundApp) -> None:
        from rebound_tui.ui.screens.prompts import DatePrompt

        f = self._follow_up()
        if f is not None:
            self.push_screen(
                DatePrompt(self.service, f"Reschedule · {shown(f.title)}"),
                lambda day: day and self._due_act("reschedule", day, f),
            )

    def action_drop(self: ReboundApp) -> None:
        f = self._follow_up()
        if f is not None:
            self._due_act("drop", None, f)

    def action_edit_follow_up(self: ReboundApp) -> None:
        from rebound_tui.ui.screens.forms import FollowUpForm

        f = self._follow_up()
        if f is not None:
            self.open_form(
                FollowUpForm,
                (self.service.company(f.company_id), self.service.contact(f.contact_id), f),
                lambda d: self.service.edit_follow_up(f, **d),
                lambda g: self.notify(f"Saved “{shown(g.title)}”", timeout=3),
            )

    def action_repeat(self: ReboundApp) -> None:
        """Do the last due-list decision again, on the item now under the cursor."""
        if self._last_due is None:
            self.notify("Nothing to repeat yet: done, snooze, reschedule or drop one first")
            return
        verb, arg, step = self._last_due
        if not self.service.stands(step):  # type: ignore[arg-type]
            self._last_due = None
            self.notify("Nothing to repeat: the last decision was undone", timeout=3, markup=False)
            return
        f = self._follow_up()
        if f is None:
            return
        if verb == "done":
            self.guard_cooloff(f, lambda: self._due_act(verb, arg, f))
        else:
            self._due_act(verb, arg, f)

    def _due_act(self: ReboundApp, verb: str, arg: str | None, f: FollowUp) -> None:
        service = self.service
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
        if self.perform(call, f"{message} · u undoes") is not None:
            # A note belongs to one item: repeating "done" does not copy it.
            self._last_due = (verb, None if verb == "done" else arg, service.last_step)
