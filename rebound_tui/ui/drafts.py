"""The message drafted for a follow-up: `m` shows it, `E` edits it in $EDITOR, `c` copies it,
`M` opens it in the mail program.

An edit is kept in memory for that follow-up for the rest of the session (the templates stay as
they are); copying, mailing and done all use the edited text. When the follow-up is marked done,
the prompt offers to keep the text in the interaction log: ticked already once the user copied,
edited or mailed the draft.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from textual.app import SuspendNotSupported

from rebound_tui.display import line as shown

if TYPE_CHECKING:
    from rebound_tui.domain.model import FollowUp
    from rebound_tui.service import Service
    from rebound_tui.ui.screens.draft import DraftText


class DraftsApp(Protocol):
    """What the drafts ask of the app."""

    service: Service

    def notify(
        self, message: str, *, title: str = "", severity: Any = ..., timeout: Any = ...
    ) -> None: ...
    def suspend(self) -> AbstractContextManager[None]: ...
    def copy_to_clipboard(self, text: str) -> None: ...


class Drafts:
    """The app holds one (`app.drafts`): the session's edits of drafts, and what was used. The
    Due today pane's keys and the draft screen (its DraftHost) call it."""

    def __init__(self, app: DraftsApp) -> None:
        self.app = app
        self.edited: dict[str, str] = {}  # follow-up id -> the user's edit of its draft
        self.used: set[str] = set()  # follow-ups whose draft was copied, edited, mailed

    def draft_text(self, follow_up_id: str) -> DraftText:
        """The draft as the user will send it: their edit if they made one, else the template."""
        from rebound_tui.ui.screens.draft import DraftText

        f = self.app.service.follow_up(follow_up_id)
        if f is None:
            return DraftText("(gone)", "This follow-up no longer exists.")
        draft = self.app.service.draft(f)
        edited = self.edited.get(follow_up_id)
        if edited is not None:
            return DraftText.from_text(edited, draft.subject, draft.to_email, draft.to_name)
        return DraftText(draft.subject, draft.body, draft.to_email, draft.to_name)

    def keep_text_offer(self, f: FollowUp) -> tuple[str | None, bool]:
        """What the done prompt offers: (checkbox label or None, ticked)."""
        if f.id in self.used:
            return "keep the message text you sent in the log", True
        if f.contact_id:
            return "keep the drafted message text in the log", False
        return None, False

    # -- what the keys do (the due pane's and the draft screen's) ---------------------------------
    def copy_draft(self, follow_up_id: str) -> None:
        text = self.draft_text(follow_up_id).text
        self.app.copy_to_clipboard(text)
        self.used.add(follow_up_id)
        lines = len(text.splitlines())
        # One line, short-lived: it must not cover the next dialog (OSC 52 caveats: README).
        self.app.notify(f"Draft copied ({lines} lines) · nothing pasted? E opens it", timeout=4)

    def edit_draft(self, follow_up_id: str, after: Callable[[], None] | None = None) -> None:
        """Suspend the app, run the editor on the draft, keep what the user saved."""
        from rebound_tui.ui.editor import EditorError, edit_text, editor_command

        try:
            argv, fallback_note = editor_command()
        except EditorError as exc:
            self.app.notify(str(exc), title="No editor", severity="error", timeout=12)
            return
        before = self.draft_text(follow_up_id).text
        try:
            with self.app.suspend():
                edited = edit_text(before, argv, suffix=".txt")
        except SuspendNotSupported:
            self.app.notify(
                "This terminal cannot hand the screen to an editor: press c to copy the draft",
                severity="error",
            )
            return
        except EditorError as exc:
            self.app.notify(str(exc), title="Draft not changed", severity="error", timeout=8)
            return
        if not edited.strip():
            self.app.notify(
                "The editor left the draft empty: it stays as it was", severity="warning"
            )
        elif edited != before:
            self.edited[follow_up_id] = edited
            self.used.add(follow_up_id)
            message = "Your edit is kept: c copies it, M mails it, d keeps it in the log"
            self.app.notify(
                f"{message}\n({fallback_note})" if fallback_note else message, timeout=6
            )
        else:
            self.app.notify("The draft is unchanged", timeout=3)
        if after is not None:
            after()

    def mail_draft(self, follow_up_id: str) -> None:
        draft = self.draft_text(follow_up_id)
        url = draft.mailto
        if url is None:
            who = draft.to_name or "This follow-up's contact"
            self.app.notify(
                f"{who} has no email on file: add it with e in the Network, or press c to copy",
                title="No email",
                severity="warning",
                timeout=6,
            )
            return
        if not self._open_link(url):
            self.app.notify(
                "No program to open mailto: links was found: press c to copy the draft",
                severity="error",
                timeout=8,
            )
            return
        self.used.add(follow_up_id)
        self.app.notify(
            f"Opened a message to {shown(draft.to_email)} in your mail program", timeout=4
        )

    def _open_link(self, url: str) -> bool:
        """webbrowser.open, with the terminal handed over when the browser runs in it (lynx,
        w3m: a console browser drawing over the dashboard would garble both)."""
        import webbrowser

        try:
            browser = webbrowser.get()
        except webbrowser.Error:
            return False
        in_terminal = isinstance(browser, webbrowser.GenericBrowser) and not isinstance(
            browser, webbrowser.BackgroundBrowser
        )
        if not in_terminal:
            return bool(browser.open(url))
        try:
            with self.app.suspend():
                return bool(browser.open(url))
        except SuspendNotSupported:
            return False
