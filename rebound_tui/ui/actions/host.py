"""What the import commands ask of the app (actions/importing.py, actions/mail_import.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.worker import Worker

    from rebound_tui.service import Service

__all__ = ["ImportHost"]


class ImportHost(Protocol):
    """The app, as an import sees it."""

    service: Service
    importing: bool  # set while the import thread holds the data: the store worker waits

    def push_screen(self, screen: Screen[Any], callback: Any = None) -> Any: ...
    def run_worker(self, work: Callable[[], Any], **options: Any) -> Worker[Any]: ...
    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...

    def changed(self) -> None:
        """After a write: save soon and show it."""
        ...

    def import_finished(self) -> None:
        """Run what waited for the import (a theme picked, a save)."""
        ...
