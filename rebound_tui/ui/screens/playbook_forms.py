"""Forms of the playbook: record a rejection (the plan starts), and edit one rule of the plan.

Like the record forms they never write: RejectForm dismisses with ``service.reject(company,
**result)`` arguments, RuleForm with a rule's dict form (domain/playbook.py `rule_to_dict`). The
rule form checks the whole rule with the domain's own validation as the user types, so what it
accepts is exactly what `service.set_rules` accepts.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Select

from rebound_tui.domain.model import FOLLOW_UP_KINDS, Company
from rebound_tui.domain.playbook import (
    TITLE_FIELDS,
    TRIGGER_HELP,
    TRIGGERS,
    WHOM,
    WHOM_FOR_TRIGGER,
    WHOM_HELP,
    Rule,
    RuleError,
    check_title,
    rule_from_dict,
    rule_to_dict,
)
from rebound_tui.service import Service
from rebound_tui.ui.screens.form_base import FormField, RecordForm, Submit, WhenGiven
from rebound_tui.ui.screens.form_base import Rule as Check
from rebound_tui.ui.screens.form_values import day_hint
from rebound_tui.ui.validators import DayValidator, SpanValidator

__all__ = ["RejectForm", "RuleForm"]

YES_NO = ("yes", "no")
# A valid rule but for its id: checking a typed id runs the domain's own id rule.
_ID_PROBE = {"trigger": "interview", "kind": "todo", "whom": "contact", "offset": "1d"}


class RejectForm(RecordForm):
    """The company said no: when, who said it (the plan's follow-ups go to them), a note."""

    def __init__(self, service: Service, company: Company, *, submit: Submit | None = None):
        self.company = company
        super().__init__(service, submit=submit)
        self.title_text = f"Record a rejection · {company.name}"

    def build_fields(self) -> list[FormField]:
        day = DayValidator(self.service, past=True)
        today = self.service.today().strftime("%a %-d %b %Y")
        people = self.service.contacts(self.company)
        boss = self.service.boss_of(self.company.id)
        labels = {p.name: p.name + (f" ({p.role})" if p.role else "") for p in people}
        return [
            FormField(
                "on",
                "When",
                "",
                placeholder="today, yesterday, monday, 2026-11-20…",
                validators=[day],
                hint=day_hint(day, empty=f"today ({today})"),
            ),
            FormField(
                "boss",
                "Who said no",
                boss.name if boss else "",
                choices=tuple(p.name for p in people),
                labels=labels,
                hint=lambda v: "" if v else "nobody: the plan's follow-ups go to the company",
            ),
            FormField("note", "Note", "", placeholder="what they said (optional)"),
        ]

    def result(self, values: dict[str, str]) -> dict[str, Any]:
        return {
            "on": self.service.day(values["on"], past=True),
            "boss": values["boss"] or None,
            "note": values["note"] or None,
        }


def _rule_problem(values: dict[str, Any]) -> str | None:
    try:
        rule_from_dict(values)
    except RuleError as exc:
        return str(exc)
    return None


class RuleForm(RecordForm):
    """Add a rule (rule=None) or edit one: "when TRIGGER happens, a KIND follow-up for WHOM,
    due OFFSET later". Dismisses with the rule's dict form."""

    def __init__(
        self,
        service: Service,
        rule: Rule | None = None,
        *,
        taken: set[str] | None = None,
        submit: Submit | None = None,
    ) -> None:
        self.rule = rule
        self.taken = taken or set()
        super().__init__(service, submit=submit)
        self.title_text = f"Edit rule · {rule.id}" if rule else "New rule"

    def build_fields(self) -> list[FormField]:
        r = rule_to_dict(self.rule) if self.rule else {}
        trigger = r.get("trigger") or "rejection"
        fields = []
        if self.rule is None:
            fields.append(
                FormField(
                    "id",
                    "Rule id",
                    "",
                    required=True,
                    placeholder="e.g. rejection-check-in-120",
                    validators=[Check(self._id_problem)],
                )
            )
        whom = WHOM_FOR_TRIGGER[trigger]
        fields += [
            FormField(
                "trigger",
                "When",
                trigger,
                required=True,
                choices=TRIGGERS,
                labels={t: f"{t}: {TRIGGER_HELP[t]}" for t in TRIGGERS},
            ),
            FormField(
                "kind",
                "Kind",
                r.get("kind") or "check-in",
                required=True,
                choices=FOLLOW_UP_KINDS,
            ),
            FormField(
                "whom",
                "For whom",
                r.get("whom") or whom[0],
                required=True,
                choices=whom,
                labels={w: f"{w}: {WHOM_HELP[w]}" for w in WHOM},
            ),
            FormField(
                "offset",
                "Due after",
                r.get("offset") or "",
                placeholder="1d, 7d, 30d, 1m… (empty for a cadence rule)",
                validators=[WhenGiven(SpanValidator())],
            ),
            FormField(
                "repeat",
                "Then every",
                r.get("repeat") or "",
                placeholder="empty: once; 1m, 1y: again after each is done",
                validators=[WhenGiven(SpanValidator())],
            ),
            FormField(
                "title",
                "Title",
                r.get("title") or "",
                required=True,
                placeholder="e.g. Check in with {who}",
                validators=[Check(self._title_problem)],
                hint=lambda _v: "placeholders: " + " ".join(f"{{{n}}}" for n in TITLE_FIELDS),
            ),
            FormField(
                "enabled",
                "Enabled",
                "yes" if r.get("enabled", True) else "no",
                required=True,
                choices=YES_NO,
            ),
        ]
        return fields

    def _id_problem(self, value: str) -> str | None:
        text = value.strip()
        if text in self.taken:
            return f"a rule {text!r} exists already: choose another id"
        problem = _rule_problem({**_ID_PROBE, "title": "x"} | {"id": text})
        return problem.split(": ", 1)[-1] if problem else None

    @staticmethod
    def _title_problem(value: str) -> str | None:
        try:
            check_title(value.strip(), "title")
        except RuleError as exc:
            return str(exc).removeprefix("title: ")
        return None

    def rule_values(self, values: dict[str, str]) -> dict[str, Any]:
        return {
            "id": values["id"] if self.rule is None else self.rule.id,
            "trigger": values["trigger"],
            "kind": values["kind"],
            "whom": values["whom"],
            "offset": values["offset"] or None,
            "title": values["title"],
            "repeat": values["repeat"] or None,
            "enabled": values["enabled"] != "no",
        }

    def result(self, values: dict[str, str]) -> dict[str, Any]:
        return self.rule_values(values)

    def field_changed(self, name: str) -> None:
        if name == "trigger":
            # Only the people a trigger can have: a cadence rule is for the contact, and so on.
            whom = self.widget("whom")
            trigger = self.value("trigger")
            if isinstance(whom, Select) and trigger in WHOM_FOR_TRIGGER:
                allowed = WHOM_FOR_TRIGGER[trigger]
                current = self.value("whom")
                whom.set_options([(f"{w}: {WHOM_HELP[w]}", w) for w in allowed])
                whom.value = current if current in allowed else allowed[0]

    def refresh_messages(self) -> None:
        """Field messages, then the whole rule checked by the domain (e.g. an offset a cadence
        rule must not have): the message the service would give on save, before saving."""
        super().refresh_messages()
        if not self.is_mounted:
            return
        problem = None
        if not self.errors():  # a field's own message says it better
            values = self.rule_values(self.values())
            if self.rule is not None or values["id"]:
                problem = _rule_problem(values)
        self.show_form_error(problem.split(": ", 1)[-1] if problem else "")
