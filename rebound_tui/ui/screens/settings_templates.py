"""The Templates tab of the settings: pick a message template, edit it, save or reset it."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from rebound_tui.domain.drafts import FIELDS, TEMPLATE_KEYS, TEMPLATE_LABELS
from rebound_tui.service import ServiceError
from rebound_tui.ui import text as ui_text
from rebound_tui.ui.screens.prompts import ConfirmScreen
from rebound_tui.ui.screens.settings_host import SettingsHost

__all__ = ["TemplatesPane", "short_problem"]


def short_problem(message: str) -> str:
    """A template error without the list of placeholders (the screen shows them below)."""
    head, sep, _rest = message.partition(": use {")
    head = head.split("', ", 1)[-1] if head.startswith("template '") else head
    return f"Not saved: {head}" + (" (the placeholders are listed below)" if sep else "")


class TemplatesPane(Horizontal):
    """Pick a template on the left, edit it on the right; ctrl+s saves, ctrl+r resets it."""

    HELP_TITLE = "Templates"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", tooltip="Save the template"),
        Binding("ctrl+r", "reset", "Default", tooltip="Reset the template to the default (asks)"),
    ]

    def __init__(self, host: SettingsHost) -> None:
        super().__init__(id="templates-pane")
        self.host = host
        self.key = TEMPLATE_KEYS[0]
        self.unsaved: dict[str, str] = {}  # edits not saved yet, by key (kept when switching)

    def compose(self) -> ComposeResult:
        yield OptionList(id="template-list")
        with Vertical(id="template-side"):
            yield Label("", id="template-title")
            yield TextArea(
                "", id="template-text", soft_wrap=True, tab_behavior="focus", compact=True
            )
            yield Label("", id="template-message")
            fields = " ".join(f"{{{name}}}" for name in FIELDS)
            yield Static(
                Content.assemble(
                    ("Placeholders: ", "bold"),
                    fields,
                    "\n[ … ] is left out when a placeholder in it has no value.",
                ),
                id="template-help",
            )

    def on_mount(self) -> None:
        self._fill_list()
        self._load(self.key)

    @property
    def text_area(self) -> TextArea:
        return self.query_one("#template-text", TextArea)

    def _fill_list(self) -> None:
        custom = self.host.service.customised_templates()
        options = []
        for key in TEMPLATE_KEYS:
            mark = "✎ " if key in self.unsaved else ("● " if key in custom else "  ")
            options.append(Option(Content.assemble((mark, "$accent"), key), id=key))
        listing = self.query_one("#template-list", OptionList)
        highlighted = listing.highlighted
        listing.set_options(options)
        listing.highlighted = TEMPLATE_KEYS.index(self.key) if highlighted is not None else 0

    def _stored(self, key: str) -> str:
        return self.host.service.templates()[key]

    def _load(self, key: str) -> None:
        self.key = key
        text = self.unsaved.get(key, self._stored(key))
        self.text_area.load_text(text)
        self._show_state()

    def _show_state(self, message: str = "", error: bool = False) -> None:
        custom = self.key in self.host.service.customised_templates()
        state = (
            "unsaved changes" if self.key in self.unsaved else ("yours" if custom else "default")
        )
        self.query_one("#template-title", Label).update(
            Content.assemble((TEMPLATE_LABELS[self.key], "bold"), f" · {state}")
        )
        label = self.query_one("#template-message", Label)
        label.update(ui_text.note(message or "ctrl+s save · ctrl+r default · ● yours · ✎ unsaved"))
        label.set_class(error, "-error")

    @on(OptionList.OptionHighlighted, "#template-list")
    def _picked(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        key = event.option.id
        if key and key != self.key:
            self._load(key)

    @on(TextArea.Changed, "#template-text")
    def _edited(self, event: TextArea.Changed) -> None:
        text = event.text_area.text
        was = self.key in self.unsaved
        if text == self._stored(self.key):
            self.unsaved.pop(self.key, None)
        else:
            self.unsaved[self.key] = text
        if was != (self.key in self.unsaved):
            self._fill_list()
            self._show_state()

    def action_save(self) -> None:
        service = self.host.service
        key, text = self.key, self.text_area.text
        try:
            with service.batch():  # the store worker never sees half a write
                service.set_template(key, text)
        except ServiceError as exc:  # a placeholder we do not know, an unclosed [
            self._show_state(short_problem(str(exc)), error=True)
            return
        self.unsaved.pop(key, None)
        self.host.changed()
        self._fill_list()
        self._load(key)
        self._show_state(f"Saved the template “{TEMPLATE_LABELS[key]}”")

    def action_reset(self) -> None:
        key = self.key
        service = self.host.service

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            self.unsaved.pop(key, None)
            if key in service.customised_templates():
                self.host.perform(lambda: service.reset_templates([key]))
            self._fill_list()
            self._load(key)
            self._show_state(f"“{TEMPLATE_LABELS[key]}” is the default again")

        question = f"Put back the default text of “{TEMPLATE_LABELS[key]}”?"
        self.app.push_screen(ConfirmScreen(question), answered)
