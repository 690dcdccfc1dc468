"""The help screen: every key, grouped by where it works.

`sections_from_bindings(app)` reads the bindings the app, the screen and each pane declare,
so the help cannot drift from the keys that really work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.keys import format_key
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from rebound_tui.ui import text as ui_text

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

__all__ = ["HelpScreen", "Section", "key_label", "sections_from_bindings"]

Section = tuple[str, list[tuple[str, str]]]
EVERYWHERE = "Everywhere"
KEY_WIDTH_MAX = 22


class HelpScreen(ModalScreen[str | None]):
    """Keys grouped by section, in a scrollable box; escape, ? or q closes; f closes asking
    for the first-run guide (the dashboard shows it again)."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close"),
        Binding("f", "first_run", "First steps", tooltip="Show the first-run guide again"),
        Binding("j,down", "scroll('down')", "Down", show=False),
        Binding("k,up", "scroll('up')", "Up", show=False),
        Binding("g,home", "scroll('home')", "Top", show=False),
        Binding("G,end", "scroll('end')", "Bottom", show=False),
    ]

    def __init__(self, sections: list[Section], title: str = "Keys") -> None:
        super().__init__()
        self.sections = sections
        self.title_text = title

    def compose(self) -> ComposeResult:
        keys = [key for _, rows in self.sections for key, _ in rows]
        width = min(max((len(k) for k in keys), default=4), KEY_WIDTH_MAX)
        with VerticalScroll(id="help-box") as box:
            box.border_title = ui_text.line(self.title_text)
            box.border_subtitle = "f first steps · esc · ? · q close"
            yield Label(
                Content("New here? f shows the first-run guide again: five steps, one key each."),
                classes="help-first-run",
            )
            for title, rows in self.sections:
                yield Label(Content(title), classes="help-heading")
                lines = [
                    Content.assemble((f"  {key:>{width}}", "bold $primary"), f"  {text}")
                    for key, text in rows
                ]
                yield Static(Content("\n").join(lines), classes="help-keys")

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_first_run(self) -> None:
        self.dismiss("first_run")  # widgets/first_run.py: SHOW_AGAIN

    def action_scroll(self, where: str) -> None:
        box = self.query_one("#help-box", VerticalScroll)
        {
            "down": box.scroll_down,
            "up": box.scroll_up,
            "home": box.scroll_home,
            "end": box.scroll_end,
        }[where](animate=False)


# -- collecting the keys ---------------------------------------------------------------------


def _own_bindings(node: DOMNode) -> list[Binding]:
    """Bindings declared by the node's own classes (not Textual's widgets, which bring
    dozens of editing keys the user does not need listed)."""
    found: list[Binding] = []
    for cls in reversed(type(node).__mro__):
        if cls.__module__.split(".")[0] == "textual":
            continue
        declared = cls.__dict__.get("BINDINGS")
        if declared:
            found.extend(Binding.make_bindings(declared))
    return found


def _humanize(name: str) -> str:
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").split()
    return " ".join(words).capitalize() if words else name


def _section_title(node: DOMNode) -> str:
    """HELP_TITLE if the widget sets one, else its border title, else its class name."""
    title = getattr(node, "HELP_TITLE", None) or getattr(node, "border_title", None)
    return str(title) if title else _humanize(type(node).__name__)


# Words read better than the footer's symbols in a list of keys.
KEY_WORDS = {"enter": "enter", "backspace": "backspace", "tab": "tab", "space": "space"}


def key_label(binding: Binding) -> str:
    """How the help writes a key: '?', 'G', 'enter', 'esc', 'ctrl+s', 'shift+tab', '↓'."""
    if binding.key_display:
        return binding.key_display
    modifiers, key = binding.parse_key()
    name = KEY_WORDS.get(key) or format_key(key)
    return "+".join([*modifiers, name])


def _rows(bindings: Iterable[Binding]) -> list[tuple[str, str]]:
    """One row per action: keys bound to the same action and description share it."""
    merged: dict[tuple[str, str], list[str]] = {}
    for b in bindings:
        text = b.description or _humanize(b.action.split("(")[0].split(".")[-1])
        keys = merged.setdefault((b.action, text), [])
        shown = key_label(b)
        if shown not in keys:
            keys.append(shown)
    return [(" ".join(keys), text) for (_, text), keys in merged.items()]


def sections_from_bindings(app: App) -> list[Section]:
    """The keys of the app and its current screen, then of each widget that declares some
    (the focused one and its containers first)."""
    screen = app.screen
    everywhere = _own_bindings(app) + _own_bindings(screen)
    if getattr(app, "ENABLE_COMMAND_PALETTE", False):
        everywhere.append(Binding(app.COMMAND_PALETTE_BINDING, "command_palette", "Commands"))
    sections: list[Section] = [(EVERYWHERE, _rows(everywhere))] if everywhere else []

    widgets = list(screen.query("*"))
    focused = app.focused
    first: list[DOMNode] = []
    node = focused
    while node is not None and node is not screen:
        first.append(node)
        node = node.parent
    order = [*reversed(first), *(w for w in widgets if w not in first)]

    seen_classes: set[type] = set()
    for widget in order:
        if type(widget) in seen_classes:
            continue
        bindings = _own_bindings(widget)
        if not bindings:
            continue
        seen_classes.add(type(widget))
        sections.append((_section_title(widget), _rows(bindings)))
    return sections
