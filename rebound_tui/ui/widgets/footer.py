"""The dashboard's footer: the keys of the pane in use, with `?` Help always in sight.

Textual's footer lists the keys left to right and cuts what does not fit; on a narrow terminal
(60x15) the last one, `?` Help, went first. Here the help key is docked on the right, like the
command palette's key in Textual's own footer, so it shows at every size.

It also lets go of the keys it replaces. Textual's footer makes its keys anew whenever the keys
in force change (a form opens, a pane gets the focus), and each key binds itself to the footer's
`compact`: the footer keeps a watcher that holds the key, dropped only when `compact` changes
(Textual issue #6666; ui/watchers.py). The dashboard's footer lives as long as the app, so
every form opened left some 17 dead keys (and their styles) behind: a slower garbage collector
and a larger process as the day goes on.

And it makes its keys anew once for a burst of changes, not once per change. Textual's footer
schedules a rebuild (after the next refresh) for every change: the start alone changes the keys
in force five times within a frame (the focus set, moved to the due table, the screen resumed,
twice after), and each rebuild mounts a dozen widgets. On a large file the data is being opened
in a thread meanwhile: the rebuilds and the open share one interpreter, and every pane was
usable only after the five (benchmarks/RESULTS.md, "Session 10"). Nor does it make them anew
when the keys in force are the ones it shows (the focus moved within a pane, or back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from rebound_tui.ui.watchers import drop_dead_watchers

if TYPE_CHECKING:
    from textual.screen import Screen

__all__ = ["DashboardFooter"]

HELP_ACTION = "help"


class DashboardFooter(Footer):
    DEFAULT_CSS = """
    DashboardFooter FooterKey.-help {
        dock: right;
        padding-left: 1;
        background: $footer-background;
    }
    DashboardFooter.-compact FooterKey.-help {
        margin-right: 0;  /* the compact footer's margin would let a cut key show through */
    }
    """

    _rebuild_due = False  # a rebuild is scheduled and has not started yet

    def bindings_changed(self, screen: Screen) -> None:
        """As Textual's footer, but changes before the scheduled rebuild starts join it."""
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_due:
            self._rebuild_due = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_due = False  # (a change from here on schedules another: none is missed)
        if self._composed is not None and self._keys_in_force() == self._composed:
            return  # (the focus moved within one pane, or back: the same keys)
        await self.recompose()

    _composed: tuple[Any, ...] | None = None  # `_keys_in_force()` when the keys were last made

    def _keys_in_force(self) -> tuple[Any, ...]:
        """All that the keys shown are made of (`Footer.compose`): equal, the same keys."""
        app = self.app
        keys = tuple(
            (key, binding, app.get_key_display(binding), enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
        )
        return (keys, self.show_command_palette, app.ENABLE_COMMAND_PALETTE)

    async def recompose(self) -> None:
        await super().recompose()
        drop_dead_watchers(self)  # only the keys now shown keep their watcher on this footer

    def compose(self) -> ComposeResult:
        self._composed = self._keys_in_force() if self._bindings_ready else None
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.action.removeprefix("app.") == HELP_ACTION:
                widget.add_class("-help")
            yield widget
