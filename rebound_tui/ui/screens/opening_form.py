"""The opening form: a role at a bullpen company (`o` in the Bullpen), or one to edit (`e` in
the openings view and on a role's page).

It follows the forms' contract (form_base.py): it dismisses with the keyword arguments of
``service.add_opening(company, **result)`` (title, status, source, url, location, referral,
on and deadline as YYYY-MM-DD, notes) or, editing, of ``service.edit_opening(opening,
**result)`` (only the changed fields; None clears one; the status moves by its own keys, so it
keeps its history), checked as the user types: the title is required and one line, the
referral a known contact, the days the CLI's date words (the day spotted is one that happened;
a deadline's weekday is the next one).
"""

from __future__ import annotations

from typing import Any

from rebound_tui.domain.model import (
    OPENING_SOURCES,
    OPENING_STATUSES,
    Company,
    Opening,
    ValidationError,
    check_short_line,
)
from rebound_tui.service import Service
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
    contact_name_of,
    day_hint,
)
from rebound_tui.ui.validators import DayValidator, KnownNameValidator, UrlValidator

__all__ = ["OpeningForm"]

SOURCE_LABELS = {
    "referral": "referral",
    "linkedin": "LinkedIn",
    "company-site": "company site",
    "recruiter": "recruiter",
    "job-board": "job board",
    "other": "other",
}


def _one_line(what: str) -> Rule:
    def check(value: str) -> str | None:
        try:
            check_short_line(what, value)
        except ValidationError as exc:
            return str(exc)
        return None

    return Rule(check)


class OpeningForm(RecordForm):
    """Add an opening at `company` (``add_opening(company, **result)`` arguments) or, given
    `opening`, edit it (``edit_opening(opening, **result)``: the changed fields only)."""

    def __init__(
        self,
        service: Service,
        company: Company,
        opening: Opening | None = None,
        *,
        submit: Submit | None = None,
        confirm: Confirm | None = None,
    ) -> None:
        self.company = company
        self.opening = opening
        super().__init__(service, submit=submit, confirm=confirm)
        what = f"Edit opening · {opening.title}" if opening else "New opening"
        self.title_text = f"{what} · {company.name}"

    def original(self) -> dict[str, Any]:
        """The edited opening's values under the result's keys (empty when adding)."""
        o = self.opening
        if o is None:
            return {}
        return {
            "title": o.title,
            "source": o.source,
            "url": o.url,
            "location": o.location,
            "referral": contact_name_of(self.service, o.referral_id) or None,
            "on": o.spotted_on,
            "deadline": o.deadline,
            "notes": o.notes,
        }

    def build_fields(self) -> list[FormField]:
        spotted = DayValidator(self.service, past=True)
        deadline = DayValidator(self.service)
        today = self.service.today().strftime("%a %-d %b %Y")
        # The company's own people first: the referral is usually someone there.
        here = [p.name for p in self.service.contacts(self.company)]
        everyone = here + [p.name for p in self.service.contacts() if p.name not in here]
        was = {k: as_text(v) if v is not None else "" for k, v in self.original().items()}
        fields = [
            FormField(
                "title",
                "Title",
                was.get("title", ""),
                placeholder="the role, as the posting names it",
                required=True,
                validators=[_one_line("title")],
            ),
            FormField("status", "Status", "spotted", required=True, choices=OPENING_STATUSES),
            FormField(
                "source",
                "Source",
                was.get("source", ""),
                choices=OPENING_SOURCES,
                labels=SOURCE_LABELS,
            ),
            FormField(
                "url",
                "Link",
                was.get("url", ""),
                placeholder="https://… the posting",
                validators=[UrlValidator()],
            ),
            FormField(
                "location",
                "Location",
                was.get("location", ""),
                placeholder="city, remote…",
                validators=[WhenGiven(_one_line("location"))],
            ),
            FormField(
                "referral",
                "Referral",
                was.get("referral", ""),
                placeholder="who refers you (→ completes)",
                validators=[WhenGiven(KnownNameValidator(everyone, "contact"))],
                suggestions=everyone,
            ),
            FormField(
                "on",
                "Spotted",
                was.get("on", ""),
                placeholder="today, yesterday, monday, 2026-11-20…",
                validators=[spotted],
                hint=day_hint(spotted, empty=f"today ({today})"),
            ),
            FormField(
                "deadline",
                "Deadline",
                was.get("deadline", ""),
                placeholder="friday, 2w, 2026-12-31… (optional)",
                validators=[deadline],
                hint=day_hint(deadline),
            ),
            FormField("notes", "Notes", was.get("notes", ""), placeholder="private, optional"),
        ]
        if self.opening is not None:  # the status moves by its keys (n r w c): a history step
            fields = [f for f in fields if f.name != "status"]
        return fields

    def result(self, values: dict[str, str]) -> dict[str, Any]:
        out = {
            "title": values["title"],
            "status": values.get("status") or "spotted",
            "source": values["source"] or None,
            "url": values["url"] or None,
            "location": values["location"] or None,
            "referral": values["referral"] or None,
            "on": self.service.day(values["on"], past=True),
            "deadline": self.service.day(values["deadline"], default_today=False),
            "notes": values["notes"] or None,
        }
        if self.opening is None:
            return out
        del out["status"]
        return changed_fields(self.original(), out)
