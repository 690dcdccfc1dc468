"""The form machinery: labelled fields validated as the user types, save and cancel.

A form never writes: it dismisses with the keyword arguments of the matching service call
(``service.add_company(**result)``, ``service.edit_company(company, **result)``...) or with
None when cancelled. Pass ``submit`` to have the form make the call itself and stay open,
showing the service's message, when the service refuses.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.validation import Validator
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select

from rebound_tui.service import Service, ServiceError
from rebound_tui.ui import text as ui_text
from rebound_tui.ui.screens.form_rules import Rule, WhenGiven
from rebound_tui.ui.screens.form_values import as_text
from rebound_tui.ui.screens.prompts import ConfirmScreen
from rebound_tui.ui.validators import RequiredValidator
from rebound_tui.ui.widgets.safe_input import SafeInput

__all__ = [
    "Confirm",
    "FormField",
    "RecordForm",
    "Rule",
    "Submit",
    "WhenGiven",
]

Submit = Callable[[dict[str, Any]], object]
# Asked before submitting: a question for a ConfirmScreen (None: go ahead without asking).
Confirm = Callable[[dict[str, Any]], str | None]


@dataclass
class FormField:
    """One labelled field: an Input (with validators) or, given `choices`, a Select."""

    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    validators: list[Validator] = field(default_factory=list)
    required: bool = False
    # False when a validator must see the empty value too (e.g. "a company or a contact").
    valid_empty: bool = True
    choices: tuple[str, ...] | None = None
    # What a Select shows for each choice (default: the choice itself).
    labels: Mapping[str, str] | None = None
    suggestions: Iterable[str] | None = None
    # Text shown under a valid field, e.g. the day a date word names.
    hint: Callable[[str], str] | None = None


class RecordForm(ModalScreen[dict[str, Any] | None]):
    """Shared behaviour: layout, live messages under each field, save and cancel."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", "Cancel", tooltip="Cancel; asks first when something was changed"
        ),
        Binding("ctrl+s", "save", "Save", priority=True),
    ]
    title_text = "Form"
    # Fields in the first frame, the others mounted right after it (issue 14: a form shows
    # within 100 ms). Keys typed meanwhile wait for `complete` (key_order.py), then go in order.
    FIRST_FIELDS = 3

    def __init__(
        self, service: Service, *, submit: Submit | None = None, confirm: Confirm | None = None
    ) -> None:
        super().__init__()
        self.service = service
        self.submit = submit
        self.confirm = confirm
        self.fields: list[FormField] = self.build_fields()
        self._by_name = {f.name: f for f in self.fields}
        self._touched: set[str] = set()
        self._tried = False
        # What the fields held when the form opened: escape asks before throwing changes away.
        self._opened_with: dict[str, str] | None = None
        self.complete = asyncio.Event()  # set once every field is mounted: ready for keys
        self._early_changes: list[str] = []  # fields changed before that, hooks run then

    # -- to implement ---------------------------------------------------------------------------
    def build_fields(self) -> list[FormField]:
        raise NotImplementedError

    def result(self, values: dict[str, str]) -> dict[str, Any]:
        """The service keyword arguments for the (valid) stripped values."""
        raise NotImplementedError

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="form-box") as box:
            box.border_title = ui_text.line(self.title_text)
            with VerticalScroll(id="form-fields", can_focus=False) as scroll:
                # As high as all the fields from the first frame on: the box does not jump.
                scroll.styles.min_height = min(len(self.fields), max(3, self.app.size.height - 4))
                for spec in self.fields[: self.FIRST_FIELDS]:
                    yield from self._row_for(spec)
            yield Label("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Label("ctrl+s save · esc cancel", id="form-keys")
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def _row_for(self, spec: FormField) -> list[Widget]:
        """A row holds the label and the field; its message follows, indented under the field
        by the stylesheet (no container around them: one widget fewer per field)."""
        mark = " *" if spec.required else ""
        row = Horizontal(
            Label(spec.label + mark, classes="field-label"),
            self._widget_for(spec),
            classes="field-row",
            id=f"row-{spec.name}",
        )
        return [row, Label("", classes="field-message", id=f"message-{spec.name}")]

    def _widget_for(self, spec: FormField) -> Widget:
        wid = f"field-{spec.name}"
        if spec.choices is not None:
            labels = spec.labels or {}
            return Select(
                [(labels.get(c, c), c) for c in spec.choices],
                value=spec.value if spec.value in spec.choices else Select.NULL,
                allow_blank=not spec.required,
                prompt="(none)",
                id=wid,
                compact=True,
            )
        validators = list(spec.validators)
        if spec.required:
            validators.insert(0, RequiredValidator(spec.label.lower()))
        suggester = (
            SuggestFromList([as_text(x) for x in spec.suggestions], case_sensitive=False)
            if spec.suggestions is not None
            else None
        )
        return SafeInput(
            as_text(spec.value),  # a control character in the file is shown as an escape
            placeholder=spec.placeholder,
            validators=validators,
            valid_empty=spec.valid_empty and not spec.required,
            suggester=suggester,
            id=wid,
            compact=True,
            classes="-valid",  # as refresh_messages leaves an untouched field: no restyle
            validate_on=(),  # the form judges (refresh_messages), once per change
        )

    def on_mount(self) -> None:
        self.fit_height()
        self.query_one(f"#field-{self.fields[0].name}").focus()
        self.call_after_refresh(self._mount_rest)

    async def _mount_rest(self) -> None:
        """After the first frame: the other fields, then what the form opened with."""
        if not self.is_attached:
            return
        rest = [w for spec in self.fields[self.FIRST_FIELDS :] for w in self._row_for(spec)]
        fields = self.query_one("#form-fields", VerticalScroll)
        if rest:
            await fields.mount_all(rest)
        fields.styles.min_height = None
        for name in self._early_changes:
            self.field_changed(name)
        self._early_changes.clear()
        self._opened_with = self.raw_values()
        self.complete.set()
        self.refresh_messages()
        self.fit_height()

    def on_resize(self) -> None:
        self.fit_height()

    def fit_height(self) -> None:
        """Let the fields scroll so the message and the buttons stay in view on a short terminal."""
        error = self.query_one("#form-error", Label)
        error_lines = 0
        if error.has_class("-shown"):
            width = max(20, self.query_one("#form-box").content_size.width or 70)
            error_lines = 1 + math.ceil(len(str(error.render())) / width)
        borders, buttons = 2, 2
        fields = self.query_one("#form-fields")
        fields.styles.max_height = max(3, self.size.height - borders - buttons - error_lines)

    # -- values and messages ------------------------------------------------------------------
    def widget(self, name: str) -> Input | Select:
        return self.query_one(f"#field-{name}")  # type: ignore[return-value]

    def value(self, name: str) -> str:
        try:
            widget = self.widget(name)
        except NoMatches:  # asked by a rule before the field is mounted
            return ""
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        return widget.value.strip()

    def values(self) -> dict[str, str]:
        return {spec.name: self.value(spec.name) for spec in self.fields}

    def raw_values(self) -> dict[str, str]:
        """Every field as it stands, spaces included (what "changed" compares)."""
        out = {}
        for spec in self.fields:
            widget = self.widget(spec.name)
            out[spec.name] = widget.value if isinstance(widget, Input) else self.value(spec.name)
        return out

    @property
    def changed(self) -> bool:
        """True once a field differs from what the form opened with."""
        return self._opened_with is not None and self.raw_values() != self._opened_with

    def error(self, name: str) -> str | None:
        """The first problem with a field now, or None."""
        widget = self.widget(name)
        if not isinstance(widget, Input):
            return None
        # The validators themselves, not `widget.validate`: that also flips the input's -valid
        # and -invalid classes (a restyle each), which refresh_messages then sets again.
        value = widget.value
        if widget.valid_empty and not value:
            return None
        for validator in widget.validators:
            outcome = validator.validate(value)
            if not outcome.is_valid:
                return (outcome.failure_descriptions or ["invalid value"])[0]
        return None

    def errors(self) -> dict[str, str]:
        found = {spec.name: self.error(spec.name) for spec in self.fields}
        return {name: problem for name, problem in found.items() if problem}

    def refresh_messages(self) -> None:
        """Show each field's error (once touched or after a save attempt) or else its hint."""
        for spec in self.fields:
            label = self.query_one(f"#message-{spec.name}", Label)
            problem = self.error(spec.name)
            shown = problem if problem and (self._tried or spec.name in self._touched) else None
            widget = self.widget(spec.name)
            if isinstance(widget, Input):
                widget.set_class(shown is not None, "-invalid")
                widget.set_class(shown is None, "-valid")
            text = shown or ("" if problem or not spec.hint else spec.hint(self.value(spec.name)))
            label.update(ui_text.note(text))
            label.set_class(bool(shown), "-error")
            label.set_class(bool(text), "-shown")

    def show_form_error(self, text: str) -> None:
        label = self.query_one("#form-error", Label)
        label.update(ui_text.note(text))
        label.set_class(bool(text), "-shown")
        self.fit_height()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        spec = self._by_name.get(name)
        if spec is None:
            return
        # A name being completed is judged when the user leaves it, not at every letter.
        if not self.complete.is_set():
            self._early_changes.append(name)
            return
        if event.value != spec.value and spec.suggestions is None:
            self._touched.add(name)
        self.field_changed(name)
        self.refresh_messages()

    @on(Input.Blurred)
    def _input_blurred(self, event: Input.Blurred) -> None:
        name = (event.input.id or "").removeprefix("field-")
        if name in self._by_name and self.complete.is_set():
            self._touched.add(name)
            self.refresh_messages()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        name = (event.select.id or "").removeprefix("field-")
        if name not in self._by_name:
            return
        if not self.complete.is_set():
            self._early_changes.append(name)
            return
        self.field_changed(name)
        self.refresh_messages()

    def field_changed(self, name: str) -> None:
        """Hook for fields that depend on another (the contact list follows the company)."""

    @on(Input.Submitted)
    async def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = (event.input.id or "").removeprefix("field-")
        spec = self._by_name.get(name)
        if spec is None:
            return
        if spec.suggestions is not None and self.error(name):
            # Enter takes the completion the field shows, as the right arrow does.
            suggester = event.input.suggester
            typed = event.input.value
            guess = await suggester.get_suggestion(typed.casefold()) if suggester else None
            if guess and typed.strip():
                event.input.value = guess
                event.input.cursor_position = len(guess)
                return
        inputs = [s.name for s in self.fields if s.choices is None]
        if inputs and name == inputs[-1]:
            self.action_save()
        else:
            self.focus_next()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    # -- actions ----------------------------------------------------------------------------------
    def action_cancel(self) -> None:
        """Close; a changed form asks first, and "no" leaves it exactly as it was."""
        if not self.changed:
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        question = "Discard what you typed in this form? (no: back to the form)"
        self.app.push_screen(ConfirmScreen(question, title="Discard the changes?"), answered)

    def action_save(self) -> None:
        """Refuse while a field is invalid (focusing the first), else dismiss with the result."""
        if not self.complete.is_set():  # a click in the first frame: the form is not whole yet
            return
        self._tried = True
        self.refresh_messages()
        problems = self.errors()
        if problems:
            first = next(spec.name for spec in self.fields if spec.name in problems)
            self.widget(first).focus()
            self.show_form_error("fix the marked field" + ("s" if len(problems) > 1 else ""))
            return
        result = self.result(self.values())
        question = self.confirm(result) if self.confirm is not None else None
        if question:

            def answered(yes: bool | None) -> None:
                if yes:
                    self._submit(result)
                else:  # back to the form as it was: change something, or escape to leave
                    self.show_form_error("Not saved: change what you need and save, or esc")

            self.app.push_screen(ConfirmScreen(question, title="Go ahead anyway?"), answered)
            return
        self._submit(result)

    def _submit(self, result: dict[str, Any]) -> None:
        if self.submit is not None:
            try:
                self.submit(result)
            except (ServiceError, ValueError) as exc:  # ValueError: a domain rule or a date
                self.show_form_error(str(exc))
                return
        self.dismiss(result)
