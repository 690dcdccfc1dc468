"""Small modal questions asked in the middle of a keystroke: a note, a day, a snooze, yes or no.

Each answers with one value (or None when cancelled) so a pane can chain it into a service call.
Days come back as 'YYYY-MM-DD', resolved against the service's today.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList
from textual.widgets.option_list import Option

from rebound_tui.domain import dates
from rebound_tui.service import Service
from rebound_tui.ui import text as ui_text
from rebound_tui.ui.validators import DayValidator
from rebound_tui.ui.widgets.safe_input import SafeInput
from rebound_tui.ui.widgets.tick_box import TickBox

__all__ = ["ConfirmScreen", "DatePrompt", "DoneAnswer", "DonePrompt", "NotePrompt", "SnoozeChooser"]


def _long_day(day) -> str:
    return day.strftime("%a %-d %b %Y")


class NotePrompt(ModalScreen[str | None]):
    """One line of text: Enter accepts (an empty line means "no note"), escape cancels."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.initial = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box") as box:
            box.border_title = ui_text.line(self.title_text)
            yield SafeInput(self.initial, placeholder=self.placeholder, id="note")
            yield Label("enter accept (empty: no note) · esc cancel", classes="prompt-keys")

    @on(Input.Submitted)
    def _accept(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class DoneAnswer:
    """The note typed when marking a follow-up done, and whether to log the message sent."""

    note: str
    keep_text: bool = False


class KeepBox(TickBox):
    """A checkbox on which enter accepts the prompt (space still toggles it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.accept", "Accept", show=False),
    ]


class DonePrompt(ModalScreen[DoneAnswer | None]):
    """A one-line note, and (when there is a message) "keep the message text in the log".

    Enter accepts, on the note or on the checkbox (where space toggles); escape cancels. Enter
    is not a priority key: keys typed just before it reach the note first.
    """

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        placeholder: str = "",
        *,
        keep_label: str | None = None,
        keep: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.keep_label = keep_label
        self.keep_default = keep

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box") as box:
            box.border_title = ui_text.line(self.title_text)
            yield SafeInput(placeholder=self.placeholder, id="note")
            keys = "enter accept (empty: no note) · esc cancel"
            if self.keep_label:
                yield KeepBox(self.keep_label, self.keep_default, id="keep", compact=True)
                keys = "enter accept · tab, space: keep the text or not · esc cancel"
            yield Label(keys, classes="prompt-keys")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_accept()

    def action_accept(self) -> None:
        note = self.query_one("#note", Input).value.strip()
        keep = bool(self.keep_label) and self.query_one("#keep", Checkbox).value
        self.dismiss(DoneAnswer(note, keep))

    def action_cancel(self) -> None:
        self.dismiss(None)


class DatePrompt(ModalScreen[str | None]):
    """A day in the CLI's words; shows the day it names, refuses until it names one."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, service: Service, title: str, value: str = "", *, future: bool = False
    ) -> None:
        super().__init__()
        self.service = service
        self.title_text = title
        self.initial = value
        self.validator = DayValidator(service, future=future)

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box") as box:
            box.border_title = ui_text.line(self.title_text)
            yield SafeInput(
                self.initial,
                placeholder="friday, 3d, 2w, tomorrow, 2026-12-01",
                validators=[self.validator],
                id="day",
            )
            yield Label("", classes="prompt-message", id="day-message")
            yield Label("enter accept · esc cancel", classes="prompt-keys")

    def on_mount(self) -> None:
        self._show(self.initial, typed=False)

    def _show(self, value: str, *, typed: bool = True) -> bool:
        """Say which day the text names, or what is wrong with it; True when it names one."""
        label = self.query_one("#day-message", Label)
        if not value.strip():
            label.update(Content(f"today is {_long_day(self.service.today())}"))
            label.remove_class("-error")
            return False
        outcome = self.validator.validate(value)
        if outcome.is_valid:
            label.update(Content("→ " + _long_day(self.validator.resolve(value))))
        elif typed:
            label.update(ui_text.note(outcome.failure_descriptions[0]))
        label.set_class(not outcome.is_valid and typed, "-error")
        return outcome.is_valid

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted)
    def _accept(self, event: Input.Submitted) -> None:
        event.stop()
        if self._show(event.value):
            self.dismiss(dates.format_day(self.validator.resolve(event.value)))
        elif not event.value.strip():
            label = self.query_one("#day-message", Label)
            label.update(Content("type a day, or escape to cancel"))
            label.add_class("-error")

    def action_cancel(self) -> None:
        self.dismiss(None)


class SnoozeChooser(ModalScreen[str | None]):
    """Snooze with one key: t tomorrow, 3 three days, w a week, m a month, d a typed day."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("t", "pick('tomorrow')", "Tomorrow"),
        Binding("3", "pick('3d')", "In 3 days"),
        Binding("w", "pick('1w')", "Next week"),
        Binding("m", "pick('1m')", "Next month"),
        Binding("d", "type_day", "Type a day"),
    ]
    CHOICES: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("t", "tomorrow", "tomorrow"),
        ("3", "3d", "in 3 days"),
        ("w", "1w", "next week"),
        ("m", "1m", "next month"),
    )

    def __init__(self, service: Service, title: str = "Snooze until") -> None:
        super().__init__()
        self.service = service
        self.title_text = title
        self.validator = DayValidator(service, future=True)

    def compose(self) -> ComposeResult:
        today = self.service.today()
        options = [
            Option(
                Content.assemble(
                    (f" {key} ", "bold $primary"),
                    f" {words:<12}",
                    (_long_day(dates.parse_day(value, today)), "$text-muted"),
                ),
                id=value,
            )
            for key, value, words in self.CHOICES
        ]
        options.append(Option(Content.assemble((" d ", "bold $primary"), " a day…"), id="d"))
        with Vertical(classes="prompt-box") as box:
            box.border_title = ui_text.line(self.title_text)
            yield OptionList(*options, id="snooze-options")
            yield SafeInput(
                placeholder="friday, 10d, 2026-12-24",
                validators=[self.validator],
                id="snooze-day",
            )
            yield Label("", classes="prompt-message", id="snooze-message")
            yield Label("press a key · enter pick · esc cancel", classes="prompt-keys")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While a day is typed, letters go to the input rather than picking an option.
        return not (action in ("pick", "type_day") and self.has_class("-typing"))

    def action_pick(self, words: str) -> None:
        self.dismiss(self.service.day(words))

    def action_type_day(self) -> None:
        self.add_class("-typing")
        self.query_one("#snooze-day", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == "d":
            self.action_type_day()
        elif event.option.id:
            self.action_pick(event.option.id)

    @on(Input.Changed, "#snooze-day")
    def _typed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, value: str) -> bool:
        label = self.query_one("#snooze-message", Label)
        if not value.strip():
            label.update("")
            return False
        outcome = self.validator.validate(value)
        text = (
            "→ " + _long_day(self.validator.resolve(value))
            if outcome.is_valid
            else outcome.failure_descriptions[0]
        )
        label.update(ui_text.note(text))
        label.set_class(not outcome.is_valid, "-error")
        return outcome.is_valid

    @on(Input.Submitted, "#snooze-day")
    def _accept(self, event: Input.Submitted) -> None:
        event.stop()
        if self._show(event.value):
            self.dismiss(dates.format_day(self.validator.resolve(event.value)))


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: y yes, n or escape no; Enter gives `default` (no, for deletions).

    Enter presses the focused button, and the default one has the focus to begin with.
    """

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No"),
        Binding(
            "enter", "default", "Default", show=False, tooltip="The default answer (no, mostly)"
        ),
    ]

    def __init__(self, question: str, *, default: bool = False, title: str = "Are you sure?"):
        super().__init__()
        self.question = question
        self.default = default
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box") as box:
            box.border_title = ui_text.line(self.title_text)
            yield Label(ui_text.note(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                hint = "y yes · n no · enter " + ("yes" if self.default else "no")
                yield Label(hint, classes="prompt-keys")
                yield Button("Yes", id="yes", compact=True, variant="error")
                yield Button("No", id="no", compact=True, variant="primary")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default else "#no", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def action_default(self) -> None:
        self.dismiss(self.default)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
