"""The Playbook tab of the settings: the rules as a table, edited one at a time in a form."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label

from rebound_tui.domain.playbook import TRIGGER_HELP, WHOM_HELP, Rule, describe_span, rule_to_dict
from rebound_tui.plural import counted
from rebound_tui.ui import text as ui_text
from rebound_tui.ui.screens.playbook_forms import RuleForm
from rebound_tui.ui.screens.prompts import ConfirmScreen
from rebound_tui.ui.screens.settings_host import SettingsHost
from rebound_tui.ui.widgets.columns import Column
from rebound_tui.ui.widgets.record_table import RecordTable

__all__ = ["RulesPane", "rule_sentence"]


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


# The rules in the playbook's order (never sorted: the order is the user's). The table draws only
# the lines on screen (a DataTable's first render alone took ~35 ms, issue 14), every value as
# literal text.
COLUMNS: tuple[Column[Rule], ...] = (
    Column(
        "on",
        "On",
        lambda r: "✓" if r.enabled else "–",
        width=2,
        style=lambda r: "success" if r.enabled else "muted",
    ),
    Column("trigger", "When", lambda r: r.trigger, width=10, flex=1, drop=0),
    Column("kind", "Kind", lambda r: r.kind, width=12, drop=2),
    Column("whom", "For", lambda r: r.whom, width=7, flex=1, drop=3),
    Column("offset", "After", lambda r: str(r.offset) if r.offset else "own", width=5),
    Column("repeat", "Again", lambda r: str(r.repeat) if r.repeat else "", width=5, drop=1),
    Column("title", "Title", lambda r: r.title, width=16, flex=4),
)


class RulesPane(Vertical):
    """The rules as a table; enter edits one, space turns it on or off."""

    HELP_TITLE = "Playbook rules"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e,enter", "edit", "Edit", tooltip="Edit the rule"),
        Binding("space", "toggle", "On/off", tooltip="Turn the rule on or off"),
        Binding("a", "add", "Add", tooltip="Add a rule"),
        Binding("D", "delete", "Delete", show=False, tooltip="Delete the rule (asks first)"),
        Binding("R", "reset", "Defaults", tooltip="Reset the playbook to the defaults (asks)"),
        Binding("j", "move('down')", "Down", show=False),
        Binding("k", "move('up')", "Up", show=False),
        Binding("g", "move('top')", "First", show=False),
        Binding("G", "move('bottom')", "Last", show=False),
    ]

    def __init__(self, host: SettingsHost) -> None:
        super().__init__(id="rules-pane")
        self.host = host
        self.rules: list[Rule] = []

    def compose(self) -> ComposeResult:
        yield Label("", id="rules-note")
        yield RecordTable(COLUMNS, empty_text="No rules: press a to add one.", id="rules-table")
        yield Label("", id="rule-sentence")

    def on_mount(self) -> None:
        self.reload()

    @property
    def table(self) -> RecordTable[Rule]:
        return self.query_one("#rules-table", RecordTable)

    def reload(self, keep: str | None = None) -> None:
        """Show the service's rules; the cursor stays on `keep` (default: the current rule)."""
        service = self.host.service
        current = keep or (self.current.id if self.current else None)
        self.rules, problems = service.rules_and_problems()
        table = self.table
        table.rows = self.rules
        table.move_to_id(current)
        state = "the defaults" if service.rules_are_default() else "changed by you"
        note = f"{counted(len(self.rules), 'rule')}, {state}"
        if problems:
            note += " · " + " · ".join(problems)
        label = self.query_one("#rules-note", Label)
        label.update(ui_text.note(note))
        label.set_class(bool(problems), "-error")

    @property
    def current(self) -> Rule | None:
        return self.table.cursor_row

    def _replace(self, new: list[Rule | dict[str, Any]], done: str, keep: str | None) -> None:
        service = self.host.service
        if self.host.perform(lambda: service.set_rules(new), done) is not None:
            self.reload(keep)

    def action_move(self, where: str) -> None:
        table = self.table
        {
            "down": table.action_cursor_down,
            "up": table.action_cursor_up,
            "top": table.action_cursor_first,
            "bottom": table.action_cursor_last,
        }[where]()

    @on(RecordTable.Highlighted)
    def _row_highlighted(self, event: RecordTable.Highlighted) -> None:
        event.stop()
        rule = self.current
        self.query_one("#rule-sentence", Label).update(
            ui_text.note(rule_sentence(rule) if rule else "")
        )

    @on(RecordTable.Selected)
    def _row_selected(self, event: RecordTable.Selected) -> None:
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
            with service.batch():  # a background write waits, as for the app's own writes
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
