"""The deferred open of a fast start: the data file opened and its rows built in a thread, and
which keys must wait for it.

Until the data is attached, keys that read or write it say "Loading…" instead of acting on the
cached rows; moving, searching, sorting, help and quit work at once.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.actions import ActionParseResult
from textual.actions import parse as parse_action

from rebound_tui.ui.widgets import Pane

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from rebound_tui.service import Service
    from rebound_tui.startup import FileState
    from rebound_tui.views import Views
    from rebound_tui.views_helper import ViewsHelper

__all__ = ["LOADING", "Loaded", "needs_data", "open_data"]

LOADING = "Loading…"


@dataclass
class Loaded:
    """What the loader thread hands to the UI thread: the service and its views, built."""

    service: Service
    views: Views
    state: FileState | None = None  # the file as read, when memory holds exactly it
    collecting: bool = True  # the cyclic collector was on before the open (see `open_data`)

    def settle(self, *, freeze: bool = True) -> None:
        """Once the rows are on screen: what the open left collected, the rest frozen (the
        parsed data lives as long as the app: no full collection walks it again; those
        pauses were the slowest keystrokes on a large file), and the collector on again.
        Without `freeze` (the app quits first), only the collector on again."""
        if freeze:
            gc.collect()
            gc.freeze()
        if self.collecting:
            gc.enable()


def open_data(
    opener: Callable[[], tuple[Service, FileState | None]],
    helper: ViewsHelper | None = None,
) -> Loaded:
    """In a thread: open the data file, build every pane's rows (or take those the `helper`
    process built meanwhile, when they are of this data). (The first screen is remembered
    once they are on screen: `Start.attach`.)

    The cyclic collector stays off from here until the rows are on screen (`Loaded.settle`,
    called by `Start.attach`): the open makes few containers that could be garbage, and a
    collection before the data is frozen walks every object the first paint made (7-16 ms on
    the heavy benchmark file's first start, 2,800 of them garbage), a pause the panes waited
    for."""
    from rebound_tui.views import Views

    collecting = gc.isenabled()
    gc.disable()
    try:
        service, state = opener()
        views = Views(service)
        prebuilt = helper.take(service) if helper is not None else None
        if prebuilt is not None:
            views.adopt(prebuilt)
        views.snapshot  # noqa: B018 (built here, unless taken: not on the UI thread)
    except BaseException:
        if collecting:
            gc.enable()
        raise
    return Loaded(service, views, state if not service.unsaved else None, collecting)


def needs_data(app: Any, action: str | ActionParseResult, namespace: DOMNode | None) -> bool:
    """Whether an action would read or write the data: an action of ours on the app or on a
    pane, unless its owner lists it in NO_DATA_ACTIONS."""
    target, name, _ = parse_action(action) if isinstance(action, str) else action
    if target == "app" or (not target and (namespace is None or namespace is app)):
        owner = app
    elif not target and isinstance(namespace, Pane):
        owner = namespace
    else:
        return False  # a screen's own keys (help, a form) never touch the data unasked
    if name in owner.NO_DATA_ACTIONS:
        return False
    method = getattr(type(owner), f"action_{name}", None)
    return method is not None and getattr(method, "__module__", "").startswith("rebound_tui.")
