"""Keys of another pane say where they belong (issue 14): `d` in the Bullpen is not silent but
says "d (done) is a Due today key: press 3 or Tab to go there".

Made from the panes' own bindings (their ids are `pane.action`), so a key added to a pane is
known here without a list to keep in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.binding import Binding

__all__ = ["elsewhere"]


def _keys(binding: Binding) -> list[str]:
    return [k.strip() for k in binding.key.split(",") if k.strip()]


def _shown(binding: Binding, key: str) -> str:
    if binding.key_display and len(_keys(binding)) == 1:
        return binding.key_display
    return {"full_stop": ".", "enter": "Enter", "backspace": "Backspace"}.get(key, key)


def elsewhere(key: str, others: Iterable[Any]) -> str | None:
    """The notice for `key` when it is bound in none of the focused chain but in `others`
    (the other panes): what it does there and how to get there. None: no other pane has it."""
    found: list[tuple[Any, Binding]] = []
    for pane in others:
        for binding in getattr(pane, "BINDINGS", []):
            if isinstance(binding, Binding) and key in _keys(binding) and binding.id:
                found.append((pane, binding))
                break
    if not found:
        return None
    binding = found[0][1]
    what = binding.description.lower() or binding.action
    names = " and ".join(p.TITLE for p, _ in found)
    numbers = " or ".join(str(p.NUMBER) for p, _ in found)
    return f"{_shown(binding, key)} ({what}) is a {names} key: press {numbers} or Tab to go there"
