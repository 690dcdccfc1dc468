"""Dropping the watchers that Textual keeps for widgets already gone (Textual issue #6666).

A widget that watches a longer-lived object (`self.watch(app, "theme", ...)`, as TextArea does)
leaves `(widget, callback)` in that object's list of watchers, and Textual prunes the list only
when the watched value changes. Until then the list holds the widget and everything it holds.
The app drops those entries once the widgets are gone. (The dashboard's footer makes no key
widgets: ui/widgets/footer.py.)
"""

from __future__ import annotations

from typing import Any

__all__ = ["drop_dead_watchers"]


def drop_dead_watchers(obj: Any) -> int:
    """Forget the watchers on `obj` whose widget is no longer in the DOM; how many went."""
    dropped = 0
    for watchers in getattr(obj, "__watchers", {}).values():
        alive = [(node, call) for node, call in watchers if node is obj or node.is_attached]
        dropped += len(watchers) - len(alive)
        watchers[:] = alive
    return dropped
