"""Settings: the playbook's rules, the message templates, the theme and the name drafts sign with.

Everything is read from and written through the service (rules, templates and settings live in
the data file, so they follow the user to their other machines). Writes go through the host (the
app), which shows a refusal, saves soon after, and lets `u` undo them on the dashboard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Protocol, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import (
    DataTable,
    Footer,
    Input,
    Label,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)
from textual.widgets.option_list import Option

from rebound_tui.domain.drafts import FIELDS, TEMPLATE_KEYS, TEMPLATE_LABELS
from rebound_tui.domain.playbook import TRIGGER_HELP, WHOM_HELP, Rule, describe_span, rule_to_dict
from rebound_tui.service import Service, ServiceError
from rebound_tui.ui.screens.playbook_forms import RuleForm
from rebound_tui.ui.screens.prompts import ConfirmScreen

__all__ = ["SettingsHost", "SettingsScreen"]

R = TypeVar("R")
MY_NAME = "my_name"


class SettingsHost(Protocol):
    """What the settings screen asks of the app."""

    service: Service

    def perform(
        self, call: Callable[[], R], done: Callable[[R], str] | str | None = None
    ) -> R | None:
        """Run a service write; show a refusal; save soon. None when refused."""
        ...

    def changed(self) -> None:
        """After a write made elsewhere (a form's submit): save soon and show it."""
        ...


# -- playbook rules ---------------------------------------------------------------------------
def rule_sentence(rule: Rule) -> str:
    """The rule in words, with its whole title (the table has no room for it)."""
    when = TRIGGER_HELP.get(rule.trigger, rule.trigger)
    due = (
        "when the contact's own cadence comes round"
        if rule.offset is None
        else f"due {describe_span(rule.offset)} later"
    )
    again = f", then every {describe_span(rule.repeat)} after each is done" if rule.repeat else ""
    off = "" if rule.enabled else " (off)"
    return (
        f"When {when}: a {rule.kind} for {WHOM_HELP.get(rule.whom, rule.whom)}, {due}{again}"
        f"{off}.\n“{rule.title}”"
    )


class RulesPane(Vertical):
    """The rules as a table; enter edits one, space turns it on or off."""

    HELP_TITLE = "Playbook rules"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit", tooltip="Edit the rule (enter too)"),
        Binding("space", "toggle", "On/off", tooltip="Turn the rule on or off"),
        Binding("a", "add", "Add", tooltip="Add a rule"),
        Binding("D", "delete", "Delete", show=False, tooltip="Delete the rule (asks first)"),
        Binding("R", "reset", "Defaults", tooltip="Reset the playbook to the defaults (asks)"),
        Binding("j", "move('down')", "Down", show=False),
        Binding("k", "move('up')", "Up", show=False),
        Binding("g", "move('top')", "First", show=False),
        Binding("G", "move('bottom')", "Last", show=False),
    ]
    COLUMNS = ("On", "When", "Kind", "For", "After", "Again", "Title")

    def __init__(self, host: SettingsHost) -> None:
        super().__init__(id="rules-pane")
        self.host = host
        self.rules: list[Rule] = []

    def compose(self) -> ComposeResult:
        yield Label("", id="rules-note")
        table: DataTable[Any] = DataTable(id="rules-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Label("", id="rule-sentence")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*self.COLUMNS)
        self.reload()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#rules-table", DataTable)

    def reload(self, keep: str | None = None) -> None:
        """Show the service's rules; the cursor stays on `keep` (default: the current rule)."""
        service = self.host.service
        current = keep or (self.current.id if self.current else None)
        self.rules, problems = service.rules_and_problems()
        table = self.table
        table.clear()
        for rule in self.rules:
            table.add_row(
                Content.styled("✓", "$success") if rule.enabled else Content.styled("–", "dim"),
                rule.trigger,
                rule.kind,
                rule.whom,
                str(rule.offset) if rule.offset else "own",
                str(rule.repeat) if rule.repeat else "",
                rule.title,
                key=rule.id,
            )
        ids = [r.id for r in self.rules]
        if current in ids:
            table.move_cursor(row=ids.index(current), animate=False)
        state = "the defaults" if service.rules_are_default() else "changed by you"
        note = f"{len(self.rules)} rules, {state}"
        if problems:
            note += " · " + " · ".join(problems)
        label = self.query_one("#rules-note", Label)
        label.update(Content(note))
        label.set_class(bool(problems), "-error")

    @property
    def current(self) -> Rule | None:
        table = self.table
        if not self.rules or table.cursor_row < 0 or table.cursor_row >= len(self.rules):
            return None
        return self.rules[table.cursor_row]

    def _replace(self, new: list[Rule | dict[str, Any]], done: str, keep: str | None) -> None:
        service = self.host.service
        if self.host.perform(lambda: service.set_rules(new), done) is not None:
            self.reload(keep)

    def action_move(self, where: str) -> None:
        table = self.table
        {
            "down": table.action_cursor_down,
            "up": table.action_cursor_up,
            "top": table.action_scroll_top,
            "bottom": table.action_scroll_bottom,
        }[where]()

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        rule = self.current
        self.query_one("#rule-sentence", Label).update(Content(rule_sentence(rule) if rule else ""))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        rule = self.current
        if rule is not None:
            self._open_form(rule)

    def action_add(self) -> None:
        self._open_form(None)

    def _open_form(self, rule: Rule | None) -> None:
        service = self.host.service
        others = [r for r in self.rules if rule is None or r.id != rule.id]
        saved: list[str] = []

        def submit(values: dict[str, Any]) -> None:
            service.set_rules([*others, values])
            saved.append(values["id"])

        def finish(values: dict[str, Any] | None) -> None:
            if values is not None and saved:
                self.host.changed()
                self.reload(saved[-1])
                self.notify(f"Saved the rule {saved[-1]}", timeout=3)

        taken = {r.id for r in self.rules}
        self.app.push_screen(RuleForm(service, rule, taken=taken, submit=submit), finish)

    def action_toggle(self) -> None:
        rule = self.current
        if rule is None:
            return
        flipped = rule_to_dict(rule) | {"enabled": not rule.enabled}
        new = [flipped if r.id == rule.id else r for r in self.rules]
        state = "on" if flipped["enabled"] else "off"
        self._replace(new, f"Rule {rule.id} is {state}", rule.id)

    def action_delete(self) -> None:
        rule = self.current
        if rule is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._replace([r for r in self.rules if r.id != rule.id], "Rule deleted", None)

        question = (
            f"Delete the rule {rule.id}? Follow-ups it made stay; R brings the defaults back."
        )
        self.app.push_screen(ConfirmScreen(question), answered)

    def action_reset(self) -> None:
        service = self.host.service

        def answered(yes: bool | None) -> None:
            if yes and self.host.perform(
                service.reset_rules, "The playbook is back to the defaults"
            ):
                self.reload()

        question = "Reset the playbook to the default rules? Your changes to the rules are lost."
        self.app.push_screen(ConfirmScreen(question), answered)


# -- message templates ------------------------------------------------------------------------
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
        label.update(Content(message or "ctrl+s save · ctrl+r default · ● yours · ✎ unsaved"))
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
            with service.db.batch():  # the store worker never sees half a write
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


# -- general ----------------------------------------------------------------------------------
class GeneralPane(Vertical):
    """Your name (drafts sign with it) and the theme (remembered in the data file)."""

    HELP_TITLE = "General"

    def __init__(self, host: SettingsHost) -> None:
        super().__init__(id="general-pane")
        self.host = host

    def compose(self) -> ComposeResult:
        name = self.host.service.setting(MY_NAME) or ""
        yield Label("Your name (the drafts sign with it; enter saves)", classes="settings-label")
        yield Input(name, placeholder="e.g. Pat Jones", id="my-name", compact=True)
        yield Label("Theme (enter picks; the choice is remembered)", classes="settings-label")
        yield OptionList(id="theme-list")

    def on_mount(self) -> None:
        names = sorted(self.app.available_themes)
        listing = self.query_one("#theme-list", OptionList)
        listing.set_options([Option(name, id=name) for name in names])
        if self.app.theme in names:
            listing.highlighted = names.index(self.app.theme)

    @on(Input.Submitted, "#my-name")
    def _name_given(self, event: Input.Submitted) -> None:
        event.stop()
        service = self.host.service
        value = event.value.strip() or None
        if self.host.perform(
            lambda: service.set_setting(MY_NAME, value) or True,
            f"Drafts sign as {value}" if value else "Drafts are not signed with a name",
        ):
            self.query_one("#theme-list").focus()

    @on(OptionList.OptionSelected, "#theme-list")
    def _theme_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.theme = event.option.id


# -- the screen -------------------------------------------------------------------------------
class SettingsScreen(Screen[None]):
    """Three tabs: 1 Playbook, 2 Templates, 3 General. Escape goes back to the dashboard."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("1", "tab('playbook')", "Playbook", show=False),
        Binding("2", "tab('templates')", "Templates", show=False),
        Binding("3", "tab('general')", "General", show=False),
    ]

    def __init__(self, host: SettingsHost, tab: str = "playbook") -> None:
        super().__init__()
        self.host = host
        self.initial_tab = tab

    def compose(self) -> ComposeResult:
        yield Label(
            "Settings · 1 Playbook · 2 Templates · 3 General · esc back", id="settings-title"
        )
        with TabbedContent(initial=self.initial_tab, id="settings-tabs"):
            with TabPane("1 Playbook", id="playbook"):
                yield RulesPane(self.host)
            with TabPane("2 Templates", id="templates"):
                yield TemplatesPane(self.host)
            with TabPane("3 General", id="general"):
                yield GeneralPane(self.host)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.action_tab(self.initial_tab)

    @property
    def rules(self) -> RulesPane:
        return self.query_one(RulesPane)

    @property
    def templates(self) -> TemplatesPane:
        return self.query_one(TemplatesPane)

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        first = {"playbook": "#rules-table", "templates": "#template-list", "general": "#my-name"}
        self.query_one(first[tab]).focus()

    def action_close(self) -> None:
        unsaved = self.templates.unsaved
        if not unsaved:
            self.dismiss(None)
            return
        names = ", ".join(f"“{TEMPLATE_LABELS[k]}”" for k in unsaved)

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        question = f"Leave without saving your changes to {names}?"
        self.app.push_screen(ConfirmScreen(question, title="Unsaved template"), answered)
