"""A pane's search box, whose enter and escape are acted on in the order the keys were typed.

Textual hands each key to the widget focused when the app takes the key from the terminal, and
an Input acts on its own keys later, in its own turn. When the app is busy (a large file being
filtered, a save), the keys typed meanwhile are all handed out together: after "/mar", enter
and then "3", both went to the search box, and the "3" was typed into the search instead of
switching to the due pane (and the "d" after it did not mark anything done). Enter and escape
here are priority keys, run by the app as it takes them: the focus is back on the table before
the next key is handed out, so the keys typed after them act on the pane.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType

from rebound_tui.ui.widgets.safe_input import SafeInput

__all__ = ["SearchInput"]


class SearchInput(SafeInput):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "keep", "Keep the search", show=False, priority=True),
        Binding("escape", "drop", "Clear the search", show=False, priority=True),
    ]

    def __init__(self, keep: Callable[[], None], drop: Callable[[], None]) -> None:
        """`keep`: enter (the search stays, the table takes the keys); `drop`: escape."""
        super().__init__(
            placeholder="search as you type · enter keeps · esc clears",
            classes="search",
            compact=True,
            select_on_focus=False,  # keys typed right after "/" must not be selected and lost
        )
        self._keep = keep
        self._drop = drop

    def action_keep(self) -> None:
        self._keep()

    def action_drop(self) -> None:
        self._drop()
