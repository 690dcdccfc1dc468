"""What the settings screen and its panes ask of the app: the service, and a way to write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from rebound_tui.service import Service

__all__ = ["SettingsHost"]

R = TypeVar("R")


class SettingsHost(Protocol):
    """What the settings screen asks of the app."""

    service: Service

    def perform(
        self, call: Callable[[], R], done: Callable[[R], str] | str | None = None
    ) -> R | None:
        """Run a service write; show a refusal; save soon. None when refused."""
        ...

    def changed(self) -> None:
        """After a write made elsewhere (a form's submit): save soon and show it."""
        ...
