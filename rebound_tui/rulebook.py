"""The playbook's rules as the data file stores them: read (defaults until the user changes
one), replaced, reset. One record per rule (id = rule id), so two machines' edits merge rule by
rule. What the rules do is domain/playbook.py; applying them is playbook_service.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rebound_tui.domain import record
from rebound_tui.domain.playbook import (
    DEFAULT_RULES,
    Rule,
    RuleError,
    check_unique,
    rule_from_dict,
    rule_to_dict,
    sorted_rules,
)
from rebound_tui.errors import ServiceError
from rebound_tui.records_core import RecordsCore
from rebound_tui.undo import action

RULES_TABLE = "rules"


class RuleBook:
    """The stored rules of one data file."""

    def __init__(self, core: RecordsCore) -> None:
        self.core = core

    def rules_and_problems(self) -> tuple[list[Rule], list[str]]:
        """The playbook's rules, and a line for each stored rule that cannot be used.

        An empty `rules` table means the defaults; once the user changes anything every rule is
        stored (one record per rule, id = rule id), so two machines' edits merge rule by rule.
        """
        raw = self.core.db.raw(RULES_TABLE)
        if not raw:
            return list(DEFAULT_RULES), []
        rules: list[Rule] = []
        problems: list[str] = []
        for rule_id, doc in raw.items():
            if not record.is_live(doc):
                continue
            try:
                rules.append(rule_from_dict(record.user_fields(doc), rule_id))
            except RuleError as exc:
                problems.append(f"{exc} (the rule is ignored; fix it or reset the playbook)")
        return sorted_rules(rules), sorted(problems)

    def rules(self) -> list[Rule]:
        return self.rules_and_problems()[0]

    def rules_are_default(self) -> bool:
        return not self.core.db.raw(RULES_TABLE)

    @action(lambda rules: "change the playbook")
    def set_rules(self, rules: Iterable[Rule | Mapping[str, Any]]) -> list[Rule]:
        """Replace the playbook (Rule objects or their dict form); nothing changes on bad input."""
        try:
            new = [r if isinstance(r, Rule) else rule_from_dict(r) for r in rules]
            for r in new:
                r.validate()
            check_unique(new)
        except RuleError as exc:
            raise ServiceError(str(exc)) from None
        db = self.core.db
        wanted = {r.id for r in new}
        for rule in new:
            fields = rule_to_dict(rule)
            del fields["id"]
            self.core.put_record(RULES_TABLE, rule.id, fields)
        for rule_id, doc in list(db.raw(RULES_TABLE).items()):
            if rule_id not in wanted and record.is_live(doc):
                db.delete(RULES_TABLE, rule_id)
        for rule in DEFAULT_RULES:  # a left-out default is stored deleted, not left to default
            if rule.id not in wanted and rule.id not in db.raw(RULES_TABLE):
                fields = rule_to_dict(rule)
                del fields["id"]
                db.create(RULES_TABLE, fields, record_id=rule.id)
                db.delete(RULES_TABLE, rule.id)
        return sorted_rules(new)

    def reset_rules(self) -> list[Rule]:
        """Back to the defaults (written out, so the reset reaches the other machines too)."""
        return self.set_rules(DEFAULT_RULES)
