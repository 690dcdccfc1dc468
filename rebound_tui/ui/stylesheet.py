"""The dialogs' and screens' stylesheet, read while the dashboard is idle after its start.

Every screen of `ui/screens/` takes its styles from `screens.tcss`. Textual reads a screen's
stylesheet when the first screen that names it opens, and then parses every source again (each
widget's default CSS too) and restyles every widget: on the heavy file the first `d` of a
session took 260 ms to its dialog against 140-180 ms for the next ones (headless). Reading it
here, once the panes are built, moves that work out of the first key press.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App

__all__ = ["SCREENS_CSS", "preload_screen_css"]

SCREENS_CSS = (Path(__file__).parent / "screens" / "screens.tcss").resolve()
"""The path as Textual resolves a screen's `CSS_PATH = "screens.tcss"` (next to its module)."""


def preload_screen_css(app: App[object]) -> bool:
    """Read the screens' stylesheet into the app's (as Textual would at the first screen that
    names it); False if it was read already."""
    if not app.is_running or app.stylesheet.has_source(str(SCREENS_CSS), ""):
        return False
    app.stylesheet.read(SCREENS_CSS)
    app.stylesheet.reparse()
    app.stylesheet.update(app)
    return True
