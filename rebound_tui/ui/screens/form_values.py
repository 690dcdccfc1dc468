"""What the forms share about values: a stored value as a field shows it, what changed, names
of linked records, the hint under a date field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rebound_tui import display
from rebound_tui.domain import dates
from rebound_tui.service import Service
from rebound_tui.ui.validators import DayValidator

__all__ = [
    "as_text",
    "blank_none",
    "changed_fields",
    "company_name_of",
    "contact_name_of",
    "day_hint",
]


def day_hint(validator: DayValidator, empty: str = "") -> Callable[[str], str]:
    def hint(value: str) -> str:
        if not value.strip():
            return empty
        try:
            return "→ " + validator.resolve(value).strftime("%a %-d %b %Y")
        except dates.DateError:
            return ""

    return hint


def as_text(value: object) -> str:
    """A stored value as an input shows it: control characters a file holds are shown as
    escapes (`\\x1b`), never raw; `changed_fields` reads an untouched one as unchanged."""
    return display.line(value, limit=None)


def blank_none(value: str) -> str | None:
    return value or None


# -- helpers shared by the forms ---------------------------------------------------------------
def changed_fields(original: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Only the fields whose value differs (what an edit should send). A value shown with
    escapes (`as_text`) and left as it was is unchanged: the stored text stays as it is."""
    return {
        k: v
        for k, v in new.items()
        if original.get(k) != v and not (isinstance(v, str) and as_text(original.get(k)) == v and v)
    }


def company_name_of(service: Service, company_id: str | None) -> str:
    company = service.company(company_id)
    return company.name if company else ""


def contact_name_of(service: Service, contact_id: str | None) -> str:
    contact = service.contact(contact_id)
    return contact.name if contact else ""
