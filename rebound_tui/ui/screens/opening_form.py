"""The opening form: a role at a bullpen company (`o` in the Bullpen).

It follows the forms' contract (form_base.py): it dismisses with the keyword arguments of
``service.add_opening(company, **result)`` (title, status, source, url, location, referral,
on and deadline as YYYY-MM-DD, notes), checked as the user types: the title is required and one
line, the referral a known contact, the days the CLI's date words (the day spotted is one that
happened; a deadline's weekday is the next one).
"""

from __future__ import annotations

from typing import Any

from rebound_tui.domain.model import (
    OPENING_SOURCES,
    OPENING_STATUSES,
    Company,
    ValidationError,
    check_short_line,
)
from rebound_tui.service import Service
from rebound_tui.ui.screens.form_base import (
    FormField,
    RecordForm,
    Rule,
    Submit,
    WhenGiven,
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
    """Add an opening at `company`: dismisses with ``add_opening(company, **result)``
    arguments."""

    def __init__(self, service: Service, company: Company, *, submit: Submit | None = None) -> None:
        self.company = company
        super().__init__(service, submit=submit)
        self.title_text = f"New opening · {company.name}"

    def build_fields(self) -> list[FormField]:
        spotted = DayValidator(self.service, past=True)
        deadline = DayValidator(self.service)
        today = self.service.today().strftime("%a %-d %b %Y")
        # The company's own people first: the referral is usually someone there.
        here = [p.name for p in self.service.contacts(self.company)]
        everyone = here + [p.name for p in self.service.contacts() if p.name not in here]
        return [
            FormField(
                "title",
                "Title",
                "",
                placeholder="the role, as the posting names it",
                required=True,
                validators=[_one_line("title")],
            ),
            FormField("status", "Status", "spotted", required=True, choices=OPENING_STATUSES),
            FormField("source", "Source", "", choices=OPENING_SOURCES, labels=SOURCE_LABELS),
            FormField(
                "url", "Link", "", placeholder="https://… the posting", validators=[UrlValidator()]
            ),
            FormField(
                "location",
                "Location",
                "",
                placeholder="city, remote…",
                validators=[WhenGiven(_one_line("location"))],
            ),
            FormField(
                "referral",
                "Referral",
                "",
                placeholder="who refers you (→ completes)",
                validators=[WhenGiven(KnownNameValidator(everyone, "contact"))],
                suggestions=everyone,
            ),
            FormField(
                "on",
                "Spotted",
                "",
                placeholder="today, yesterday, monday, 2026-11-20…",
                validators=[spotted],
                hint=day_hint(spotted, empty=f"today ({today})"),
            ),
            FormField(
                "deadline",
                "Deadline",
                "",
                placeholder="friday, 2w, 2026-12-31… (optional)",
                validators=[deadline],
                hint=day_hint(deadline),
            ),
            FormField("notes", "Notes", "", placeholder="private, optional"),
        ]

    def result(self, values: dict[str, str]) -> dict[str, Any]:
        return {
            "title": values["title"],
            "status": values["status"] or "spotted",
            "source": values["source"] or None,
            "url": values["url"] or None,
            "location": values["location"] or None,
            "referral": values["referral"] or None,
            "on": self.service.day(values["on"], past=True),
            "deadline": self.service.day(values["deadline"], default_today=False),
            "notes": values["notes"] or None,
        }
