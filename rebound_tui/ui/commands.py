"""The command palette (ctrl+p): every action of the app and its panes, found by typing.

The list is made from the same `Binding`s the footer and the help screen show, so a key added to
a pane shows up here by itself, with its key as a reminder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from rebound_tui.ui.app import ReboundApp


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


def key_text(app: ReboundApp, binding: Binding) -> str:
    """'d / enter' for a binding on several keys, in the app's key display."""
    if binding.key_display:
        return binding.key_display
    keys = [k.strip() for k in binding.key.split(",")]
    return " / ".join(app.get_key_display(Binding(k, binding.action)) for k in keys)


def palette_commands(app: ReboundApp) -> Iterator[PaletteCommand]:
    """Every pane's and the app's actions, each run where it belongs."""
    for pane in app.panes:
        for binding in bindings_of(list(type(pane).BINDINGS)):
            if not binding.description or binding.action == "clear_search":
                continue
            name = f"{pane.TITLE}: {binding.tooltip or binding.description}"
            run = partial(app.run_in_pane, pane, binding.action)
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
