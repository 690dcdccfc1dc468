"""Modal forms that add and edit records: companies, people, interactions, follow-ups.

A form never writes: it dismisses with the keyword arguments of the matching service call
(``service.add_company(**result)``, ``service.edit_company(company, **result)``...) or with
None when cancelled. Pass ``submit`` to have the form make the call itself and stay open,
showing the service's message, when the service refuses (see form_base.py).
"""

from __future__ import annotations

from typing import Any

from textual.suggester import SuggestFromList
from textual.validation import Validator
from textual.widgets import Input

from rebound_tui.domain import dates
from rebound_tui.domain.model import (
    FOLLOW_UP_KINDS,
    INTERACTION_KINDS,
    ROLES,
    STAGES,
    Company,
    Contact,
    FollowUp,
)
from rebound_tui.service import Service, ServiceError
from rebound_tui.ui.screens.form_base import (
    Confirm,
    FormField,
    RecordForm,
    Rule,
    Submit,
    WhenGiven,
    as_text,
    blank_none,
    day_hint,
)
from rebound_tui.ui.validators import (
    DayValidator,
    EmailValidator,
    KnownNameValidator,
    PriorityValidator,
    SpanValidator,
    UniqueNameValidator,
    UrlValidator,
)

__all__ = ["CompanyForm", "ContactForm", "FollowUpForm", "FormField", "LogForm", "RecordForm"]


# -- helpers shared by the forms ---------------------------------------------------------------


def _changed(original: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Only the fields whose value differs (what an edit should send)."""
    return {k: v for k, v in new.items() if original.get(k) != v}


def _company_name(service: Service, company_id: str | None) -> str:
    company = service.company(company_id)
    return company.name if company else ""


def _contact_name(service: Service, contact_id: str | None) -> str:
    contact = service.contact(contact_id)
    return contact.name if contact else ""


class _WhoForm(RecordForm):
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
        where = _company_name(self.service, person.company_id)
        elsewhere = f" (they are at {where})" if where else ""
        return f"{person.name} is not at {company.name}{elsewhere}: clear the company or pick again"

    def field_changed(self, name: str) -> None:
        if name == "company":
            # Offer the company's own people first once the company is known.
            contact_input = self.widget("contact")
            try:
                company = self.service.find_company(self.value("company"))
                names = [p.name for p in self.service.contacts(company)]
            except ServiceError:
                names = [p.name for p in self.service.contacts()]
            if isinstance(contact_input, Input):
                contact_input.suggester = SuggestFromList(names, case_sensitive=False)
                contact_input.validate(contact_input.value)
        if name == "contact" and self.either_required:
            company_input = self.widget("company")
            if isinstance(company_input, Input):
                company_input.validate(company_input.value)


# -- the forms -----------------------------------------------------------------------------------


class CompanyForm(RecordForm):
    """Add a company to the bullpen (company=None) or edit one.

    Dismisses with ``add_company(**result)`` / ``edit_company(company, **result)`` arguments;
    an edit returns only the changed fields (None clears one).
    """

    OPTIONAL = ("location", "why", "website", "notes", "hired_name")

    def __init__(
        self, service: Service, company: Company | None = None, *, submit: Submit | None = None
    ) -> None:
        self.company = company
        super().__init__(service, submit=submit)
        self.title_text = f"Edit company · {company.name}" if company else "New company"

    def build_fields(self) -> list[FormField]:
        c = self.company or Company()
        others = [x.name for x in self.service.companies()]
        day = DayValidator(self.service)
        return [
            FormField(
                "name",
                "Name",
                c.name,
                required=True,
                validators=[UniqueNameValidator(others, "company", current=c.name or None)],
            ),
            FormField("stage", "Stage", c.stage, required=True, choices=STAGES),
            FormField(
                "priority",
                "Priority",
                as_text(c.priority),
                placeholder="1 (low) to 5 (high)",
                required=True,
                validators=[PriorityValidator()],
            ),
            FormField("location", "Location", as_text(c.location)),
            FormField("why", "Why there", as_text(c.why), placeholder="why you want to work there"),
            FormField(
                "website",
                "Website",
                as_text(c.website),
                placeholder="https://…",
                validators=[UrlValidator()],
            ),
            FormField("notes", "Notes", as_text(c.notes)),
            FormField(
                "hired_name", "Hired instead", as_text(c.hired_name), placeholder="who got the job"
            ),
            FormField(
                "hired_started",
                "They started",
                as_text(c.hired_started),
                placeholder="YYYY-MM-DD, yesterday…",
                validators=[day],
                hint=day_hint(day),
            ),
        ]

    def result(self, values: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": values["name"],
            "stage": values["stage"],
            "priority": int(values["priority"]),
        }
        for name in self.OPTIONAL:
            out[name] = blank_none(values[name])
        out["hired_started"] = self.service.day(values["hired_started"], default_today=False)
        if self.company is None:
            return {k: v for k, v in out.items() if v is not None}
        return _changed(self.company.to_fields() | {"name": self.company.name}, out)


class ContactForm(RecordForm):
    """Add a person to the network (contact=None; `company` preselected) or edit one.

    Dismisses with ``add_contact(**result)`` / ``edit_contact(contact, **result)`` arguments:
    ``company`` and ``referred_by_name`` are names ('' clears them on an edit).
    """

    OPTIONAL = ("title", "role", "department", "email", "phone", "linkedin", "met_how", "notes")

    def __init__(
        self,
        service: Service,
        contact: Contact | None = None,
        company: Company | None = None,
        *,
        submit: Submit | None = None,
    ) -> None:
        self.contact = contact
        self.preset_company = company
        super().__init__(service, submit=submit)
        self.title_text = f"Edit contact · {contact.name}" if contact else "New contact"

    def _original(self) -> dict[str, Any]:
        c = self.contact or Contact()
        company = (
            _company_name(self.service, c.company_id)
            if self.contact
            else (self.preset_company.name if self.preset_company else "")
        )
        return c.to_fields() | {
            "name": c.name,
            "company": company,
            "referred_by_name": _contact_name(self.service, c.referred_by),
        }

    def build_fields(self) -> list[FormField]:
        o = self._original()
        people = self.service.contacts()
        companies = [x.name for x in self.service.companies()]
        departments = sorted({p.department for p in people if p.department})
        me = self.contact.name if self.contact else None
        return [
            FormField(
                "name",
                "Name",
                o["name"],
                required=True,
                validators=[UniqueNameValidator([p.name for p in people], "contact", current=me)],
            ),
            FormField(
                "company",
                "Company",
                o["company"],
                placeholder="name (→ completes)",
                validators=[KnownNameValidator(companies, "company")],
                suggestions=companies,
            ),
            FormField("title", "Job title", as_text(o["title"]), placeholder="e.g. Controller"),
            FormField("role", "Role", as_text(o["role"]), choices=ROLES),
            FormField(
                "department", "Department", as_text(o["department"]), suggestions=departments
            ),
            FormField("email", "Email", as_text(o["email"]), validators=[EmailValidator()]),
            FormField("phone", "Phone", as_text(o["phone"])),
            FormField(
                "linkedin",
                "LinkedIn",
                as_text(o["linkedin"]),
                placeholder="https://linkedin.com/in/…",
                validators=[UrlValidator()],
            ),
            FormField(
                "referred_by_name",
                "Referred by",
                o["referred_by_name"],
                placeholder="contact name (→ completes)",
                validators=[
                    KnownNameValidator([p.name for p in people], "contact"),
                    Rule(self._not_self),
                ],
                suggestions=[p.name for p in people if p.name != me],
            ),
            FormField("met_how", "Met how", as_text(o["met_how"])),
            FormField(
                "cadence",
                "Keep in touch",
                as_text(o["cadence"]),
                placeholder="every… e.g. 6w, 30d, 3m",
                validators=[SpanValidator()],
            ),
            FormField("notes", "Notes", as_text(o["notes"])),
        ]

    def _not_self(self, value: str) -> str | None:
        name = self.value("name") if self.is_mounted else ""
        if name and value.strip().lower() == name.lower():
            return "a contact cannot be referred by themselves"
        return None

    def result(self, values: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {"name": values["name"]}
        for name in self.OPTIONAL:
            out[name] = blank_none(values[name])
        cadence = values["cadence"]
        out["cadence"] = str(dates.parse_span(cadence)) if cadence else None
        if self.contact is None:
            out["company"] = values["company"] or None
            out["referred_by_name"] = values["referred_by_name"] or None
            return {k: v for k, v in out.items() if v is not None}
        # On an edit the service reads '' as "clear" for the two name fields.
        out["company"] = values["company"]
        out["referred_by_name"] = values["referred_by_name"]
        original = self._original()
        changed = _changed(original, out)
        for name in ("company", "referred_by_name"):
            if name in changed and original[name].lower() == out[name].lower():
                del changed[name]
        return changed


class LogForm(_WhoForm):
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
        day = DayValidator(self.service)
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
            FormField("note", "Note", "", placeholder="what happened (optional)"),
        ]

    def result(self, values: dict[str, str]) -> dict[str, Any]:
        return {
            "kind": values["kind"],
            "company": values["company"] or None,
            "contact": values["contact"] or None,
            "on": self.service.day(values["on"]),
            "note": values["note"] or None,
        }


class FollowUpForm(_WhoForm):
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
            company = _company_name(self.service, f.company_id)
            contact = _contact_name(self.service, f.contact_id)
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
        changed = _changed(original, out)
        for name in ("company", "contact"):
            if name in changed and (original[name] or "").lower() == (out[name] or "").lower():
                del changed[name]
        return changed
