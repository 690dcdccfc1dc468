"""What a pane's actions ask of the dashboard app: the service and the one write path.

The panes own their keys and actions (panes/*.py); they reach the app through this Protocol,
not through ReboundApp itself, so no pane imports the app back (tests/test_layers.py checks
that the ui has no import cycle). ReboundApp (app.py) is the one implementation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen

    from rebound_tui.service import Service
    from rebound_tui.ui.drafts import Drafts
    from rebound_tui.ui.screens.form_base import Confirm, RecordForm

__all__ = ["Dashboard", "dashboard_of", "user_errors"]

R = TypeVar("R")


def user_errors() -> tuple[type[Exception], ...]:
    """What a service write raises when it refuses: shown to the user, never raised."""
    from rebound_tui.domain.dates import DateError
    from rebound_tui.domain.model import ValidationError
    from rebound_tui.service import ServiceError

    return (ServiceError, DateError, ValidationError)


class Dashboard(Protocol):
    """The app as the panes' actions see it."""

    service: Service
    drafts: Drafts

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None: ...

    def push_screen(self, screen: Screen[Any], callback: Any = None) -> Any: ...

    def refresh_panes(self, *, force: bool = False) -> None:
        """Show the current data; cheap when nothing changed."""
        ...

    def changed(self) -> None:
        """After a write: save soon and show it."""
        ...

    def write(self, call: Callable[[], R]) -> R:
        """Run a service write holding the data lock."""
        ...

    def perform(
        self, call: Callable[[], R], done: Callable[[R], str] | str | None = None
    ) -> R | None:
        """Run a service write; a refusal is shown, never raised. None when refused."""
        ...

    def open_form(
        self,
        form_class: type[RecordForm],
        args: tuple[Any, ...],
        call: Callable[[dict[str, Any]], Any],
        after: Callable[[Any], None] | None = None,
        *,
        confirm: Confirm | None = None,
    ) -> None:
        """Push a form that writes through `call`; `after` gets what it made."""
        ...


def dashboard_of(node: DOMNode) -> Dashboard:
    """The dashboard app a pane is mounted in."""
    return cast("Dashboard", node.app)
