"""Where the data file is and how to sync it: step 5 of the first-run guide (`p`).

The path is shown as data (never markup, control characters escaped); `c` copies it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["SyncInfo"]

EXAMPLE = "export REBOUND_DB=~/Sync/job-hunt/rebound.json"


class SyncInfo(ModalScreen[None]):
    """The data file's path, the REBOUND_DB line, and where the sync guide is."""

    DEFAULT_CSS = """
    SyncInfo { align: center middle; }
    SyncInfo #sync-box {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; border-title-color: $primary; border-title-style: bold;
        border-subtitle-color: $text-muted; background: $panel; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,p", "close", "Close"),
        Binding("c", "copy", "Copy the path", tooltip="Copy the data file's path"),
    ]

    def __init__(self, path: str, own_place: bool) -> None:
        super().__init__()
        self.path = path
        self.own_place = own_place

    def compose(self) -> ComposeResult:
        where = (
            "It is where you chose (--db or REBOUND_DB). If that folder is synced, every "
            "machine points at the same path and you are set."
            if self.own_place
            else "It is in this machine's own folder: nothing syncs it yet."
        )
        lines = [
            Content.styled("Your data file", "bold"),
            Content.styled(f"  {self.path}", "bold $primary"),
            Content(where),
            Content(""),
            Content(
                "To use it on several machines, quit, move the file into a folder your sync "
                "tool shares (Syncthing, Dropbox, Nextcloud, OneDrive…) and point every "
                "machine at it, in your shell profile:"
            ),
            Content.styled(f"  {EXAMPLE}", "$text-muted"),
            Content(
                "Each tool's settings, conflict copies, unison and git: docs/SYNC.md in "
                "rebound-tui's source, and the README's “Syncing between machines”."
            ),
        ]
        with VerticalScroll(id="sync-box") as box:
            box.border_title = "Sync your file"
            box.border_subtitle = "c copy the path · esc close"
            yield Static(Content("\n").join(lines))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.path)
        self.notify("Copied the path (if your terminal allows it)", timeout=3, markup=False)
