"""Modal forms that add and edit records, validated as the user types.

A form never writes: it dismisses with the keyword arguments of the matching service call
(``service.add_company(**result)``, ``service.edit_company(company, **result)``...) or with
None when cancelled. Pass ``submit`` to have the form make the call itself and stay open,
showing the service's message, when the service refuses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select

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
from rebound_tui.ui.validators import (
    DayValidator,
    EmailValidator,
    KnownNameValidator,
    PriorityValidator,
    RequiredValidator,
    SpanValidator,
    UniqueNameValidator,
    UrlValidator,
)

__all__ = ["CompanyForm", "ContactForm", "FollowUpForm", "FormField", "LogForm", "RecordForm"]

Submit = Callable[[dict[str, Any]], object]


class Rule(Validator):
    """A validator from a function returning an error message or None (for cross-field rules)."""

    def __init__(self, check: Callable[[str], str | None]) -> None:
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        problem = self.check(value)
        return self.failure(problem) if problem else self.success()


class WhenGiven(Validator):
    """Runs `inner` only on a non-blank value (for fields that also carry an always-on rule)."""

    def __init__(self, inner: Validator) -> None:
        super().__init__()
        self.inner = inner

    def validate(self, value: str) -> ValidationResult:
        return self.inner.validate(value) if value.strip() else self.success()


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
    suggestions: Iterable[str] | None = None
    # Text shown under a valid field, e.g. the day a date word names.
    hint: Callable[[str], str] | None = None


def _day_hint(validator: DayValidator, empty: str = "") -> Callable[[str], str]:
    def hint(value: str) -> str:
        if not value.strip():
            return empty
        try:
            return "→ " + validator.resolve(value).strftime("%a %-d %b %Y")
        except dates.DateError:
            return ""

    return hint


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _blank_none(value: str) -> str | None:
    return value or None


class RecordForm(ModalScreen[dict[str, Any] | None]):
    """Shared behaviour: layout, live messages under each field, save and cancel."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", priority=True),
    ]
    title_text = "Form"

    def __init__(self, service: Service, *, submit: Submit | None = None) -> None:
        super().__init__()
        self.service = service
        self.submit = submit
        self.fields: list[FormField] = self.build_fields()
        self._by_name = {f.name: f for f in self.fields}
        self._touched: set[str] = set()
        self._tried = False

    # -- to implement ---------------------------------------------------------------------------
    def build_fields(self) -> list[FormField]:
        raise NotImplementedError

    def result(self, values: dict[str, str]) -> dict[str, Any]:
        """The service keyword arguments for the (valid) stripped values."""
        raise NotImplementedError

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="form-box") as box:
            box.border_title = self.title_text
            with VerticalScroll(id="form-fields", can_focus=False):
                for spec in self.fields:
                    with Horizontal(classes="field-row", id=f"row-{spec.name}"):
                        mark = " *" if spec.required else ""
                        yield Label(spec.label + mark, classes="field-label")
                        with Vertical(classes="field-body"):
                            yield self._widget_for(spec)
                            yield Label("", classes="field-message", id=f"message-{spec.name}")
            yield Label("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Label("ctrl+s save · esc cancel", id="form-keys")
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def _widget_for(self, spec: FormField) -> Widget:
        wid = f"field-{spec.name}"
        if spec.choices is not None:
            return Select(
                [(c, c) for c in spec.choices],
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
            SuggestFromList(spec.suggestions, case_sensitive=False)
            if spec.suggestions is not None
            else None
        )
        return Input(
            spec.value,
            placeholder=spec.placeholder,
            validators=validators,
            valid_empty=spec.valid_empty and not spec.required,
            suggester=suggester,
            id=wid,
            compact=True,
        )

    def on_mount(self) -> None:
        self.refresh_messages()
        self.fit_height()
        self.query_one(f"#field-{self.fields[0].name}").focus()

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

    def error(self, name: str) -> str | None:
        """The first problem with a field now, or None."""
        widget = self.widget(name)
        if not isinstance(widget, Input):
            return None
        outcome = widget.validate(widget.value)
        if outcome is None or outcome.is_valid:
            return None
        return (outcome.failure_descriptions or ["invalid value"])[0]

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
            label.update(Content(text))
            label.set_class(bool(shown), "-error")
            label.set_class(bool(text), "-shown")

    def show_form_error(self, text: str) -> None:
        label = self.query_one("#form-error", Label)
        label.update(Content(text))
        label.set_class(bool(text), "-shown")
        self.fit_height()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        spec = self._by_name.get(name)
        if spec is None:
            return
        # A name being completed is judged when the user leaves it, not at every letter.
        if event.value != spec.value and spec.suggestions is None:
            self._touched.add(name)
        self.field_changed(name)
        self.refresh_messages()

    @on(Input.Blurred)
    def _input_blurred(self, event: Input.Blurred) -> None:
        name = (event.input.id or "").removeprefix("field-")
        if name in self._by_name and self.is_mounted:
            self._touched.add(name)
            self.refresh_messages()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        name = (event.select.id or "").removeprefix("field-")
        if name in self._by_name:
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
        self.dismiss(None)

    def action_save(self) -> None:
        """Refuse while a field is invalid (focusing the first), else dismiss with the result."""
        self._tried = True
        self.refresh_messages()
        problems = self.errors()
        if problems:
            first = next(spec.name for spec in self.fields if spec.name in problems)
            self.widget(first).focus()
            self.show_form_error("fix the marked field" + ("s" if len(problems) > 1 else ""))
            return
        result = self.result(self.values())
        if self.submit is not None:
            try:
                self.submit(result)
            except (ServiceError, ValueError) as exc:  # ValueError: a domain rule or a date
                self.show_form_error(str(exc))
                return
        self.dismiss(result)


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
                _text(c.priority),
                placeholder="1 (low) to 5 (high)",
                required=True,
                validators=[PriorityValidator()],
            ),
            FormField("location", "Location", _text(c.location)),
            FormField("why", "Why there", _text(c.why), placeholder="why you want to work there"),
            FormField(
                "website",
                "Website",
                _text(c.website),
                placeholder="https://…",
                validators=[UrlValidator()],
            ),
            FormField("notes", "Notes", _text(c.notes)),
            FormField(
                "hired_name", "Hired instead", _text(c.hired_name), placeholder="who got the job"
            ),
            FormField(
                "hired_started",
                "They started",
                _text(c.hired_started),
                placeholder="YYYY-MM-DD, yesterday…",
                validators=[day],
                hint=_day_hint(day),
            ),
        ]

    def result(self, values: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": values["name"],
            "stage": values["stage"],
            "priority": int(values["priority"]),
        }
        for name in self.OPTIONAL:
            out[name] = _blank_none(values[name])
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
            FormField("title", "Job title", _text(o["title"]), placeholder="e.g. Controller"),
            FormField("role", "Role", _text(o["role"]), choices=ROLES),
            FormField("department", "Department", _text(o["department"]), suggestions=departments),
            FormField("email", "Email", _text(o["email"]), validators=[EmailValidator()]),
            FormField("phone", "Phone", _text(o["phone"])),
            FormField(
                "linkedin",
                "LinkedIn",
                _text(o["linkedin"]),
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
            FormField("met_how", "Met how", _text(o["met_how"])),
            FormField(
                "cadence",
                "Keep in touch",
                _text(o["cadence"]),
                placeholder="every… e.g. 6w, 30d, 3m",
                validators=[SpanValidator()],
            ),
            FormField("notes", "Notes", _text(o["notes"])),
        ]

    def _not_self(self, value: str) -> str | None:
        name = self.value("name") if self.is_mounted else ""
        if name and value.strip().lower() == name.lower():
            return "a contact cannot be referred by themselves"
        return None

    def result(self, values: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {"name": values["name"]}
        for name in self.OPTIONAL:
            out[name] = _blank_none(values[name])
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
    ) -> None:
        self.preset_company = company
        self.preset_contact = contact
        super().__init__(service, submit=submit)
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
                hint=_day_hint(day, empty=f"today ({today})"),
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
                hint=_day_hint(day),
            ),
            FormField("kind", "Kind", o["kind"], required=True, choices=FOLLOW_UP_KINDS),
            *self.who_fields(_text(o["company"]), _text(o["contact"])),
            FormField(
                "priority",
                "Priority",
                _text(o["priority"]),
                placeholder="1-5 (default: the company's)",
                validators=[PriorityValidator()],
            ),
            FormField("note", "Note", _text(o["note"])),
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
