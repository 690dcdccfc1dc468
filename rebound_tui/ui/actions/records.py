"""What the Bullpen's and the Network's keys share: log, follow up, delete, the near-duplicate
question (each pane owns its keys: panes/bullpen.py, panes/network.py).

Logging an outreach asks first when the cool-off guard has something to say (a second touch to
the same person within a few days, a fourth person at one company in a week): the user can go
ahead anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from rebound_tui.display import line as shown
from rebound_tui.ui.actions.words import cooloff_question, long_day

if TYPE_CHECKING:
    from rebound_tui.domain.model import Company, Contact
    from rebound_tui.ui.dashboard import Dashboard
    from rebound_tui.ui.widgets import Pane

__all__ = [
    "add_follow_up",
    "confirm_delete",
    "log_cooloff",
    "near_duplicate",
    "open_log_form",
    "select",
]


def select(app: Dashboard, pane: Pane[Any], record_id: str, message: str) -> None:
    pane.table.move_to_id(record_id)
    app.notify(message, timeout=3)


def open_log_form(app: Dashboard, company: Company | None, contact: Contact | None) -> None:
    from rebound_tui.ui.screens.forms import LogForm

    app.open_form(
        LogForm,
        (company, contact),
        lambda d: app.service.log(**d),
        lambda i: app.notify(f"Logged {i.kind} on {long_day(i.day)}", timeout=3),
        confirm=partial(log_cooloff, app),
    )


def log_cooloff(app: Dashboard, values: dict[str, Any]) -> str | None:
    """Asked before logging: the guard's warnings for this person, day and kind."""
    from rebound_tui.service import ServiceError

    if not values.get("contact"):
        return None
    try:
        lines = app.service.cooloff_warnings(
            contact=values["contact"],
            company=values.get("company"),
            on=values.get("on"),
            kind=values.get("kind"),
        )
    except ServiceError:
        return None  # a name the service does not know: logging says so
    return cooloff_question(lines)


def add_follow_up(app: Dashboard, company: Company | None, contact: Contact | None) -> None:
    from rebound_tui.ui.screens.forms import FollowUpForm

    app.open_form(
        FollowUpForm,
        (company, contact),
        lambda d: app.service.add_follow_up(**d),
        lambda f: app.notify(f"Follow-up “{shown(f.title)}” due {long_day(f.due)}", timeout=3),
    )


def confirm_delete(app: Dashboard, name: str, call: Callable[[], Any]) -> None:
    from rebound_tui.ui.screens.prompts import ConfirmScreen

    question = f"Delete {shown(name)}? Their history stays in the file; u undoes it."

    def answered(yes: bool | None) -> None:
        if yes:
            app.perform(call, f"Deleted {shown(name)} · u undoes")

    app.push_screen(ConfirmScreen(question), answered)


def near_duplicate(app: Dashboard, values: dict[str, Any], noun: str) -> str | None:
    """Asked before adding: the names close to this one (a near-duplicate, or another?)."""
    name = values.get("name") or ""
    close = (
        app.service.similar_companies(name)
        if noun == "company"
        else app.service.similar_contacts(name)
    )
    if not close:
        return None
    names = ", ".join(shown(r.label) for r in close)
    return (
        f"A {noun} with a close name exists: {names}.\n\n"
        f"Add {shown(name)} as a different {noun} anyway?"
    )
