"""The dashboard's footer: the keys of the pane in use, with `?` Help always in sight.

One widget drawing one line, not a widget per key. Textual's footer mounts a dozen `FooterKey`
widgets whenever the keys in force change (a pane gets the focus, a form opens or closes), and
each key is styled through the whole stylesheet when it is mounted. At a first start that
work shared the interpreter with the data file's open, in a thread, right after the first paint
(every pane was usable 31-38 ms sooner with no footer at all; with this one, 9-24 ms sooner:
benchmarks/RESULTS.md, "Session 15"). Here a change of keys redraws the line, and no key widgets
are left behind for the garbage collector (Textual issue #6666 kept every replaced key alive
through its watcher on the footer).

It looks and acts as Textual's compact footer: each key, then its description, on the footer's
colours; a key that cannot act now is dim and rings the bell when clicked; a click on a key
presses it; the pointer over a key highlights it and shows its tooltip. What does not fit is
cut on the right, except `?` Help, which is kept on the right edge at every size (Textual's
footer dropped it first on a 60x15 terminal).

All of it is text, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

__all__ = ["DashboardFooter", "FooterItem"]

HELP_ACTION = "help"


@dataclass(frozen=True, slots=True)
class FooterItem:
    """One key as the footer shows it."""

    key: str  # what a click presses
    display: str  # the key as shown ("?", "enter", "^s")
    description: str
    action: str
    enabled: bool
    tooltip: str

    @property
    def is_help(self) -> bool:
        return self.action.removeprefix("app.") == HELP_ACTION


class DashboardFooter(Widget, can_focus=False):
    """The keys in force on the screen, on one line."""

    ALLOW_SELECT = False  # (as Textual's footer: a drag over the keys selects no text)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "dashboard-footer--key",
        "dashboard-footer--description",
        "dashboard-footer--item",
        "dashboard-footer--hover",
    }
    DEFAULT_CSS = """
    DashboardFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        .dashboard-footer--item {
            background: $footer-item-background;
        }
        .dashboard-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .dashboard-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .dashboard-footer--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.items: tuple[FooterItem, ...] = ()
        self.hovered: FooterItem | None = None
        # Where each key was drawn, for the pointer: (first cell, past the last cell, item).
        self._spans: list[tuple[int, int, FooterItem]] = []

    # -- the keys in force ------------------------------------------------------------------
    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)  # the keys in the first frame already

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        """The keys in force changed (the focus moved, a screen came back): redraw if the keys
        shown change. (Not while the terminal has lost the focus, as Textual's footer.)"""
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        items = self.keys_in_force(screen)
        if items != self.items:
            self.items = items
            self.hovered = None  # (the pointer's next move finds its key again)
            self.tooltip = None
            self.refresh()

    def keys_in_force(self, screen: Screen) -> tuple[FooterItem, ...]:
        """The keys shown (a binding's `show`), one per action, in the screen's order."""
        app = screen.app
        seen: dict[str, FooterItem] = {}
        for _node, binding, enabled, tooltip in screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen[binding.action] = FooterItem(
                key=binding.key,
                display=app.get_key_display(binding),
                description=binding.description,
                action=binding.action,
                enabled=enabled,
                tooltip=tooltip or binding.tooltip or "",
            )
        return tuple(seen.values())

    # -- drawing ----------------------------------------------------------------------------
    def render(self) -> Text:
        width = self.size.width
        shown = [item for item in self.items if not item.is_help]
        help_item = next((item for item in self.items if item.is_help), None)
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, FooterItem]] = []
        help_text = self._item_text(help_item) if help_item is not None else None
        room = width - (1 + help_text.cell_len if help_text is not None else 0)
        for item in shown:
            text = self._item_text(item)
            if line.cell_len + text.cell_len > room:
                break  # cut on the right, as Textual's footer (the help key stays)
            spans.append((line.cell_len, line.cell_len + text.cell_len, item))
            line.append_text(text)
            line.append(" ")  # the compact footer's margin between keys
        if help_text is not None and help_item is not None and width > help_text.cell_len:
            line.append(" " * max(0, width - line.cell_len - help_text.cell_len))
            line.truncate(width - help_text.cell_len)
            spans.append((line.cell_len, line.cell_len + help_text.cell_len, help_item))
            line.append_text(help_text)
        self._spans = spans
        return line

    def _item_text(self, item: FooterItem) -> Text:
        hover = item == self.hovered and item.enabled
        base = self.get_component_rich_style(
            "dashboard-footer--hover" if hover else "dashboard-footer--item"
        )
        dim = Style(dim=True) if not item.enabled else Style()
        key = base + self.get_component_rich_style("dashboard-footer--key", partial=True) + dim
        words = (
            base + self.get_component_rich_style("dashboard-footer--description", partial=True)
        ) + dim
        if hover:  # the whole key on the hover colours, as Textual's `FooterKey:hover`
            key, words = base + Style(bold=True) + dim, base + dim
        text = Text(end="")
        text.append(item.display, style=key)  # (a span: a Text's own style would cover all)
        if item.description:
            text.append(" " + item.description, style=words)
        return text

    # -- the pointer ------------------------------------------------------------------------
    def item_at(self, x: int) -> FooterItem | None:
        """The key drawn at cell `x`, if any."""
        return next((item for start, stop, item in self._spans if start <= x < stop), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        item = self.item_at(event.x)
        if item != self.hovered:
            self.hovered = item
            self.tooltip = item.tooltip if item is not None and item.tooltip else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self.hovered is not None:
            self.hovered = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        item = self.item_at(event.x)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()
