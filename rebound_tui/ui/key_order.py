"""Keys handled one at a time, in the order they were typed, each by what has the focus then.

Textual hands every key to the widget focused at the moment the app reads it from its queue,
but a key that moves the focus (tab, enter in a form, `a` opening a form) only takes effect
once it has bubbled back up to the app, through one queue per widget, where the bindings run.
Keys that arrive together (a paste, a fast typist, a terminal sending a burst) are all read
before that: `AAA`, tab, tab, `4` in a form gave "Name AAA4", and the letters typed right after
`a` reached the dashboard instead of the new form's first field.

`InOrderKeys`, mixed into the app, queues each key (and paste) and lets the next one go only
once the previous one is finished: handled by a priority binding, stopped by a widget, or
bubbled up to the app, whose bindings ran; after enter, also once the message an input posts
for it (Input.Submitted, which closes a search or a prompt) has bubbled up. A screen pushed or
closed meanwhile first finishes mounting (and focusing its first field). The cost is a few
trips through the message queues per key, far below a frame.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import TYPE_CHECKING, Any

from textual import events
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

__all__ = ["InOrderKeys"]

# Keys an input acts on by posting a message that others handle (enter: Input.Submitted): the
# next key waits for that message to have bubbled up too. Without it, enter and the keys typed
# right after, read together, left those keys in the input: `/mar`, enter, `3`, `d` searched for
# "mar3d" instead of going to the due list and marking done; enter on a prompt's note, then `j`,
# lost the `j`.
SUBMITS = frozenset({"enter"})

# Longest wait for one widget to process its queue: a safety net for a widget closed with the
# key still queued (the next key then goes anyway), not a delay anything normally waits for. It
# is counted in ticks of the event loop, each at most `TICK` however late it comes: a pause of
# the whole process (a busy or swapping host, a suspended VM, a long collection) is not a stuck
# widget, and must not send the keys on before the form they were typed for is whole. (CI once
# saw that: a wall-clock 2 s ran out while a form mounted, and its last fields missed the keys.)
HOP_TIMEOUT = 2.0
TICK = 0.05


async def _wait(event: asyncio.Event) -> None:
    """Return once `event` is set, or after `HOP_TIMEOUT` of the loop's own running time."""
    waited = 0.0
    while not event.is_set() and waited < HOP_TIMEOUT:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), TICK)
        waited += TICK  # one tick, however long the process was away


async def _flush(pump: MessagePump) -> None:
    """Return once `pump` has processed every message posted to it before this call."""
    done = asyncio.Event()
    if not pump.call_later(done.set):
        return  # closed: nothing more will happen there
    await _wait(done)


class InOrderKeys:
    """Mixed into the App, before `App`: keys and pastes are handed out one at a time."""

    _inorder_waiting: deque[events.Event]
    _inorder_task: asyncio.Task[None] | None = None
    _inorder_turn: events.Event | None = None
    _inorder_target: MessagePump | None = None
    _inorder_screen: Screen[Any] | None = None

    async def on_event(self: Any, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            if event is self._inorder_turn:  # its turn: Textual's own handling, once
                self._inorder_target = self.focused or self.screen
                await super().on_event(event)
                return
            if not hasattr(self, "_inorder_waiting"):
                self._inorder_waiting = deque()
            self._inorder_waiting.append(event)
            if self._inorder_task is None or self._inorder_task.done():
                self._inorder_task = asyncio.create_task(self._inorder_hand_out())
            return
        await super().on_event(event)

    async def keys_handled(self) -> None:
        """Return once every key received so far has been handled (for tests and benchmarks)."""
        while self._inorder_task is not None and not self._inorder_task.done():
            await asyncio.shield(self._inorder_task)

    async def _inorder_hand_out(self: Any) -> None:
        while self._inorder_waiting:
            if not self.is_running or self._closing:
                self._inorder_waiting.clear()
                return
            event = self._inorder_waiting.popleft()
            await self._inorder_screen_ready()
            self._inorder_turn = event
            self._inorder_target = None
            if not self.post_message(event):
                return
            await _flush(self)  # a priority binding ran, or the key went to the focused widget
            self._inorder_turn = None
            if event.is_forwarded and self._inorder_target is not None:
                await self._inorder_follow(event, self._inorder_target)

    async def _inorder_follow(self: App[Any], event: events.Event, node: MessagePump) -> None:
        """Wait while the key bubbles from `node` up to the app (one queue per widget); for a
        key that submits (`SUBMITS`), also while what it posted does: Input.Submitted, whose
        handler up the tree closes a prompt or a search and moves the focus."""
        submits = isinstance(event, events.Key) and event.key in SUBMITS
        while node is not None and node is not self:
            await _flush(node)
            # A widget that stopped the key did not pass it on (a screen passes it on anyway
            # when the app sent it, marked stopped).
            if event._stop_propagation and not isinstance(node, Screen) and not submits:
                return
            node = node._parent  # type: ignore[assignment]
        await _flush(self)  # the app's bindings (tab, the panes' keys...) ran

    async def _inorder_screen_ready(self: Any) -> None:
        """A screen pushed by the previous key: wait until it has mounted and taken the focus."""
        try:
            screen = self.screen
        except Exception:  # no screen (closing)
            return
        if screen is self._inorder_screen:
            return
        if not screen.is_mounted:
            await _wait(screen._mounted_event)
        await _flush(screen)  # its resume and auto focus
        # A screen that mounts some of its widgets after its first frame (the forms) says when
        # it is whole: keys wait for that.
        complete = getattr(screen, "complete", None)
        if isinstance(complete, asyncio.Event):
            await _wait(complete)
        await _flush(self)  # `widget.focus()` is carried out by the app's queue
        self._inorder_screen = screen
