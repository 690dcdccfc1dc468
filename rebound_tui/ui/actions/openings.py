"""What the openings view and a role's page share: the write that reports what the plan set off,
its toast words, the question before adding a role the company has already, and editing or
deleting a role (screens/openings.py, screens/opening_detail.py, the Bullpen's `o`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from rebound_tui.display import line as shown
from rebound_tui.ui.actions.words import long_day

if TYPE_CHECKING:
    from rebound_tui.domain.model import Company, FollowUp, Opening
    from rebound_tui.service import Service
    from rebound_tui.ui.dashboard import Dashboard

R = TypeVar("R")


def planned(service: Service, call: Callable[[], R]) -> tuple[R, list[FollowUp]]:
    """Run a write and return what it made with the follow-ups it planned (new open ones)."""
    before = {f.id for f in service.follow_ups()}
    result = call()
    return result, [f for f in service.follow_ups() if f.id not in before]


def plan_words(created: list[FollowUp]) -> str:
    """'planned: Ask Dana to refer you… (Sun 6 Dec)', or '' when the step planned nothing."""
    if not created:
        return ""
    first = min(created, key=lambda f: (f.due, f.title))
    more = f" and {len(created) - 1} more" if len(created) > 1 else ""
    return f" · planned: {first.title} ({long_day(first.due)}){more}"


def repeated_role(service: Service, company: Company, values: dict[str, object]) -> str | None:
    """Asked before adding a role (`o`): the company has this role already (the same posting
    address, or the same title while open: `domain/openings.py`, as `opening add` refuses it).
    Yes adds a second role alike (the CLI's --new)."""
    from rebound_tui.domain.openings import same_role

    url = values.get("url")
    title = values.get("title")
    same = same_role(
        service.openings(include_closed=True, company=company),
        title if isinstance(title, str) else "",
        url if isinstance(url, str) else None,
    )
    if same is None:
        return None
    o, why = same
    return (
        f"{shown(company.name)} has this role already ({why}): {shown(o.title)}, {o.status}."
        "\n\nTo change it, press e on it in the openings view (O).\n\n"
        "Add it as a second role anyway?"
    )


def edit_opening(dashboard: Dashboard, opening: Opening, after: Callable[[], None]) -> None:
    """The opening form, prefilled; saving edits it through the service (one undoable step)."""
    from rebound_tui.ui.screens.opening_form import OpeningForm

    service = dashboard.service
    company = service.company(opening.company_id)
    if company is None:
        dashboard.notify("This role's company is gone: nothing to edit", severity="warning")
        return

    def saved(updated: Opening) -> None:
        dashboard.notify(f"Saved {shown(updated.title)} · u undoes", timeout=3, markup=False)
        after()

    dashboard.open_form(
        OpeningForm, (company, opening), lambda d: service.edit_opening(opening, **d), saved
    )


def delete_opening(dashboard: Dashboard, opening: Opening, after: Callable[[], None]) -> None:
    """Asks first, then deletes the role with its history (a tombstone: `u` brings it back)."""
    from rebound_tui.ui.screens.prompts import ConfirmScreen

    service = dashboard.service
    company = service.name_of("companies", opening.company_id) or "?"
    question = (
        f"Delete the role {shown(opening.title)} at {shown(company)}, with its status history "
        "and the open follow-ups it planned? u undoes it."
    )

    def answered(yes: bool | None) -> None:
        if yes and dashboard.perform(lambda: service.delete_opening(opening)) is not None:
            dashboard.notify(f"Deleted {shown(opening.title)} · u undoes", timeout=4, markup=False)
            after()

    dashboard.push_screen(ConfirmScreen(question, title="Delete this role?"), answered)
