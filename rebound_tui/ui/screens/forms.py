"""Modal forms that add and edit the bullpen's companies and the network's people.

A form never writes: it dismisses with the keyword arguments of the matching service call
(``service.add_company(**result)``, ``service.edit_company(company, **result)``...) or with
None when cancelled. Pass ``submit`` to have the form make the call itself and stay open,
showing the service's message, when the service refuses (see form_base.py).
"""

from __future__ import annotations

from typing import Any

from rebound_tui.domain import dates
from rebound_tui.domain.model import ROLES, STAGES, Company, Contact
from rebound_tui.service import Service
from rebound_tui.ui.screens.activity_forms import FollowUpForm, LogForm
from rebound_tui.ui.screens.form_base import (
    Confirm,
    FormField,
    RecordForm,
    Rule,
    Submit,
)
from rebound_tui.ui.screens.form_values import (
    as_text,
    blank_none,
    changed_fields,
    company_name_of,
    contact_name_of,
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

# LogForm and FollowUpForm live in activity_forms.py; they are named here too, as before.
__all__ = [
    "BossForm",
    "CompanyForm",
    "ContactForm",
    "FollowUpForm",
    "FormField",
    "LogForm",
    "RecordForm",
]

# -- the forms -----------------------------------------------------------------------------------


class CompanyForm(RecordForm):
    """Add a company to the bullpen (company=None) or edit one.

    Dismisses with ``add_company(**result)`` / ``edit_company(company, **result)`` arguments;
    an edit returns only the changed fields (None clears one).
    """

    OPTIONAL = ("location", "why", "website", "notes", "hired_name")

    def __init__(
        self,
        service: Service,
        company: Company | None = None,
        *,
        submit: Submit | None = None,
        confirm: Confirm | None = None,
    ) -> None:
        self.company = company
        super().__init__(service, submit=submit, confirm=confirm)
        self.title_text = f"Edit company · {company.name}" if company else "New company"

    def build_fields(self) -> list[FormField]:
        c = self.company or Company()
        others = [x.name for x in self.service.companies()]
        day = DayValidator(self.service, past=True)
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
        out["hired_started"] = self.service.day(
            values["hired_started"], default_today=False, past=True
        )
        if self.company is None:
            return {k: v for k, v in out.items() if v is not None}
        return changed_fields(self.company.to_fields() | {"name": self.company.name}, out)


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
        confirm: Confirm | None = None,
    ) -> None:
        self.contact = contact
        self.preset_company = company
        super().__init__(service, submit=submit, confirm=confirm)
        self.title_text = f"Edit contact · {contact.name}" if contact else "New contact"

    def _original(self) -> dict[str, Any]:
        c = self.contact or Contact()
        company = (
            company_name_of(self.service, c.company_id)
            if self.contact
            else (self.preset_company.name if self.preset_company else "")
        )
        return c.to_fields() | {
            "name": c.name,
            "company": company,
            "referred_by_name": contact_name_of(self.service, c.referred_by),
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
        changed = changed_fields(original, out)
        for name in ("company", "referred_by_name"):
            if name in changed and original[name].lower() == out[name].lower():
                del changed[name]
        return changed


class BossForm(ContactForm):
    """A new person, the role boss filled in: the first-run guide's `b` (widgets/first_run.py)."""

    def _original(self) -> dict[str, Any]:
        return super()._original() | {"role": "boss"}
