"""The command palette (ctrl+p): every action of the app and its panes, found by typing; and
the help screen's content (`?`).

Both are made from the same `Binding`s the footer shows, so a key added to a pane shows up here
by itself, with its key as a reminder. They ask the app only for `DashboardKeys`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar, Protocol

from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider

from rebound_tui.ui.widgets import Pane


class DashboardKeys(Protocol):
    """What the palette and the help screen ask of the app."""

    BINDINGS: ClassVar[list[BindingType]]
    PALETTE_COMMANDS: ClassVar[tuple[tuple[str, str, str], ...]]

    @property
    def panes(self) -> list[Pane[Any]]: ...

    def get_key_display(self, binding: Binding) -> str: ...
    def action_focus_pane(self, name: str) -> None: ...
    async def run_action(self, action: str, default_namespace: Any = None) -> bool: ...


async def run_in_pane(app: DashboardKeys, pane: Pane[Any], action: str) -> None:
    """Run a pane's key action as if pressed there."""
    app.action_focus_pane(pane.id or "")
    await app.run_action(action, default_namespace=pane)


@dataclass(frozen=True)
class PaletteCommand:
    name: str
    help: str
    run: Callable[[], Any]


def bindings_of(items: list[Any]) -> list[Binding]:
    """Binding objects of a BINDINGS list (tuples are turned into Bindings)."""
    out: list[Binding] = []
    for item in items:
        out.append(item if isinstance(item, Binding) else Binding(*item))
    return out


def key_text(app: App[Any] | DashboardKeys, binding: Binding) -> str:
    """'d / enter' for a binding on several keys, in the app's key display."""
    if binding.key_display:
        return binding.key_display
    keys = [k.strip() for k in binding.key.split(",")]
    return " / ".join(app.get_key_display(Binding(k, binding.action)) for k in keys)


def palette_commands(app: DashboardKeys) -> Iterator[PaletteCommand]:
    """Every pane's and the app's actions, each run where it belongs."""
    for pane in app.panes:
        for binding in bindings_of(list(type(pane).BINDINGS)):
            if not binding.description or binding.action == "clear_search":
                continue
            name = f"{pane.TITLE}: {binding.tooltip or binding.description}"
            run = partial(run_in_pane, app, pane, binding.action)
            yield PaletteCommand(name, f"key {key_text(app, binding)}", run)
    for binding in bindings_of(list(type(app).BINDINGS)):
        if not binding.description or binding.action == "leave":  # Textual lists Quit already
            continue
        name = binding.tooltip or binding.description
        yield PaletteCommand(
            name, f"key {key_text(app, binding)}", partial(app.run_action, binding.action)
        )
    for name, help_text, action in app.PALETTE_COMMANDS:
        yield PaletteCommand(name, help_text, partial(app.run_action, action))


def help_sections(app: DashboardKeys) -> list[tuple[str, list[tuple[str, str]]]]:
    """The help screen's content, made from the live bindings so it cannot go stale."""

    def rows(bindings: list[Any]) -> list[tuple[str, str]]:
        return [
            (key_text(app, b), b.tooltip or b.description)
            for b in bindings_of(bindings)
            if b.description
        ]

    everywhere = [
        ("j / k / ↓ / ↑", "move down / up"),
        ("g / G", "first / last row"),
        ("pgup / pgdn", "a page up / down"),
        ("tab / shift+tab", "next / previous pane"),
        *rows(list(type(app).BINDINGS)),
        *rows(list(Pane.BINDINGS)),
        ("ctrl+p", "Command palette: every action, by name"),
        ("ctrl+p", "then “import”: LinkedIn connections, vCard or CSV"),
    ]
    columns = [
        ("Since", "time since the company's latest rejection"),
        ("Touch", "exchanges with the company since that rejection"),
        ("Warmth", "hot, warm, cool, cold: recent, frequent exchanges warm"),
        ("↓", "cooling: overdue for a touch (cadence or follow-up)"),
        ("When", "how late a follow-up is; red is overdue"),
    ]
    panes = [(pane.TITLE, rows(list(type(pane).BINDINGS))) for pane in app.panes]
    return [("Everywhere", everywhere), *panes, ("Columns", columns)]


class ReboundCommands(Provider):
    """Lists the dashboard's actions in Textual's command palette."""

    def _commands(self) -> list[PaletteCommand]:
        return list(palette_commands(self.app))  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)
