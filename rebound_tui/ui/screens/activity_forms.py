"""Forms for what happens with people: log an interaction, add or edit a follow-up.

Both name a company and a contact that must exist, the contact working at the company (WhoForm).
They dismiss with the keyword arguments of ``service.log`` / ``service.add_follow_up`` /
``service.edit_follow_up`` (see forms.py for the contract every form follows).
"""

from __future__ import annotations

from typing import Any

from textual.suggester import SuggestFromList
from textual.validation import Validator
from textual.widgets import Input

from rebound_tui.domain.model import FOLLOW_UP_KINDS, INTERACTION_KINDS, Company, Contact, FollowUp
from rebound_tui.service import Service, ServiceError
from rebound_tui.ui.screens.form_base import (
    Confirm,
    FormField,
    RecordForm,
    Rule,
    Submit,
    WhenGiven,
)
from rebound_tui.ui.screens.form_values import (
    as_text,
    changed_fields,
    company_name_of,
    contact_name_of,
    day_hint,
)
from rebound_tui.ui.validators import DayValidator, KnownNameValidator, PriorityValidator

__all__ = ["FollowUpForm", "LogForm", "WhoForm"]


class WhoForm(RecordForm):
    """Company and contact fields whose names must exist, the contact working at the company."""

    either_required = False

    def who_fields(self, company: str, contact: str) -> list[FormField]:
        companies = [c.name for c in self.service.companies()]
        people = self.service.contacts()
        known_company = KnownNameValidator(companies, "company")
        known_contact = KnownNameValidator([p.name for p in people], "contact")
        company_rules: list[Validator] = [WhenGiven(known_company)]
        if self.either_required:
            company_rules.insert(0, Rule(self._either))
        return [
            FormField(
                "company",
                "Company",
                company,
                placeholder="name (→ completes)",
                validators=company_rules,
                valid_empty=not self.either_required,
                suggestions=companies,
            ),
            FormField(
                "contact",
                "Contact",
                contact,
                placeholder="name (→ completes)",
                validators=[WhenGiven(known_contact), WhenGiven(Rule(self._works_there))],
                suggestions=[p.name for p in people],
            ),
        ]

    def _either(self, value: str) -> str | None:
        if value.strip() or (self.is_mounted and self.value("contact")):
            return None
        return "say who it was with: a company, a contact, or both"

    def _works_there(self, value: str) -> str | None:
        if not self.is_mounted:
            return None
        company_name = self.value("company")
        if not company_name:
            return None
        try:
            company = self.service.find_company(company_name)
            person = self.service.find_contact(value)
        except ServiceError:
            return None  # the name rules say what is wrong
        if person.company_id == company.id:
            return None
        where = company_name_of(self.service, person.company_id)
        elsewhere = f" (they are at {where})" if where else ""
        return f"{person.name} is not at {company.name}{elsewhere}: clear the company or pick again"

    def fieldchanged_fields(self, name: str) -> None:
        if name == "company":
            # Offer the company's own people first once the company is known.
            contact_input = self.widget("contact")
            try:
                company = self.service.find_company(self.value("company"))
                names = [p.name for p in self.service.contacts(company)]
            except ServiceError:
                names = [p.name for p in self.service.contacts()]
            if isinstance(contact_input, Input):
                contact_input.suggester = SuggestFromList(
                    [as_text(n) for n in names], case_sensitive=False
                )
                contact_input.validate(contact_input.value)
        if name == "contact" and self.either_required:
            company_input = self.widget("company")
            if isinstance(company_input, Input):
                company_input.validate(company_input.value)


class LogForm(WhoForm):
    """Log an interaction: dismisses with ``log(**result)`` arguments (kind, company, contact,
    on as YYYY-MM-DD, note)."""

    either_required = True

    def __init__(
        self,
        service: Service,
        company: Company | None = None,
        contact: Contact | None = None,
        *,
        submit: Submit | None = None,
        confirm: Confirm | None = None,
    ) -> None:
        self.preset_company = company
        self.preset_contact = contact
        super().__init__(service, submit=submit, confirm=confirm)
        about = " · ".join(x.name for x in (contact, company) if x is not None)
        self.title_text = f"Log an interaction · {about}" if about else "Log an interaction"

    def build_fields(self) -> list[FormField]:
        day = DayValidator(self.service, past=True)
        today = self.service.today().strftime("%a %-d %b %Y")
        company = self.preset_company.name if self.preset_company else ""
        contact = self.preset_contact.name if self.preset_contact else ""
        return [
            FormField("kind", "Kind", "email", required=True, choices=INTERACTION_KINDS),
            *self.who_fields(company, contact),
            FormField(
                "on",
                "On",
                "",
                placeholder="today, yesterday, 2026-11-20…",
                validators=[day],
                hint=day_hint(day, empty=f"today ({today})"),
            ),
            FormField("note", "Note", "", placeholder="what happened (private, optional)"),
            FormField(
                "topic",
                "Talking point",
                "",
                placeholder="what a later message may mention (optional)",
            ),
        ]

    def result(self, values: dict[str, str]) -> dict[str, Any]:
        return {
            "kind": values["kind"],
            "company": values["company"] or None,
            "contact": values["contact"] or None,
            "on": self.service.day(values["on"], past=True),
            "note": values["note"] or None,
            "topic": values["topic"] or None,
        }


class FollowUpForm(WhoForm):
    """Add a follow-up (follow_up=None) or edit one.

    Dismisses with ``add_follow_up(**result)`` / ``edit_follow_up(follow_up, **result)``
    arguments: due as YYYY-MM-DD, company and contact as names (None clears on an edit).
    """

    def __init__(
        self,
        service: Service,
        company: Company | None = None,
        contact: Contact | None = None,
        follow_up: FollowUp | None = None,
        *,
        submit: Submit | None = None,
    ) -> None:
        self.preset_company = company
        self.preset_contact = contact
        self.follow_up = follow_up
        super().__init__(service, submit=submit)
        self.title_text = f"Edit follow-up · {follow_up.title}" if follow_up else "New follow-up"

    def _original(self) -> dict[str, Any]:
        f = self.follow_up
        if f is not None:
            company = company_name_of(self.service, f.company_id)
            contact = contact_name_of(self.service, f.contact_id)
            return f.to_fields() | {"company": company or None, "contact": contact or None}
        return {
            "title": "",
            "due": "",
            "kind": "todo",
            "priority": None,
            "note": None,
            "company": self.preset_company.name if self.preset_company else None,
            "contact": self.preset_contact.name if self.preset_contact else None,
        }

    def build_fields(self) -> list[FormField]:
        o = self._original()
        day = DayValidator(self.service)
        return [
            FormField("title", "Title", o["title"], required=True, placeholder="what to do"),
            FormField(
                "due",
                "Due",
                o["due"],
                required=True,
                placeholder="friday, 3d, tomorrow, 2026-12-01",
                validators=[day],
                hint=day_hint(day),
            ),
            FormField("kind", "Kind", o["kind"], required=True, choices=FOLLOW_UP_KINDS),
            *self.who_fields(as_text(o["company"]), as_text(o["contact"])),
            FormField(
                "priority",
                "Priority",
                as_text(o["priority"]),
                placeholder="1-5 (default: the company's)",
                validators=[PriorityValidator()],
            ),
            FormField("note", "Note", as_text(o["note"])),
        ]

    def result(self, values: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "title": values["title"],
            "due": self.service.day(values["due"]),
            "kind": values["kind"],
            "company": values["company"] or None,
            "contact": values["contact"] or None,
            "priority": int(values["priority"]) if values["priority"] else None,
            "note": values["note"] or None,
        }
        if self.follow_up is None:
            return out
        original = self._original()
        changed = changed_fields(original, out)
        for name in ("company", "contact"):
            if name in changed and (original[name] or "").lower() == (out[name] or "").lower():
                del changed[name]
        return changed
