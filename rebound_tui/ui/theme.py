"""The theme the user picks: kept in the data file's settings (so it follows the file to other
machines), applied at start. While the data is not at hand (still loading, or an import thread
holds it) a pick waits and is remembered afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.signal import Signal
    from textual.theme import Theme

    from rebound_tui.service import Service
    from rebound_tui.ui.store_worker import StoreWorker

__all__ = ["ThemeMemory"]


class ThemeHost(Protocol):
    """What the theme memory asks of the app."""

    service: Service
    loaded: bool
    importing: bool
    store: StoreWorker
    theme: str
    available_themes: dict[str, Theme]
    theme_changed_signal: Signal[Theme]
    current_theme: Theme


class ThemeMemory:
    """Held by the app (`app.themes`)."""

    def __init__(self, app: ThemeHost) -> None:
        self.app = app
        self.pending = False

    def apply(self, saved: object) -> None:
        """At start: the saved theme (from the data or the first-screen cache), then remember
        every change the user makes (ctrl+p, the settings)."""
        app = self.app
        if isinstance(saved, str) and saved in app.available_themes:
            app.theme = saved
        app.theme_changed_signal.subscribe(app, self.remember)  # type: ignore[arg-type]

    def remember(self, theme: Any) -> None:
        app = self.app
        name = getattr(theme, "name", None)
        if app.importing or not app.loaded:
            self.pending = True  # the import thread holds the data: remembered after
            return
        if not name or app.service.setting("theme") == name:
            return
        with app.service.batch():
            app.service.set_setting("theme", name)
        app.store.schedule_save()

    def remember_pending(self) -> None:
        """The data is at hand again: remember a theme picked meanwhile."""
        if self.pending:
            self.pending = False
            self.remember(self.app.current_theme)
