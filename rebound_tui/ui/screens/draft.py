"""The message drafted for a follow-up: who it goes to, the subject, the body; one key to act.

The screen only shows. Copying, editing in $EDITOR and opening the mail program are the app's
actions (the Due pane has the same keys), called with this screen's follow-up; the screen
re-reads the text afterwards, so an edit shows at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Protocol

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from rebound_tui import display
from rebound_tui.domain.drafts import mailto_url, split_subject
from rebound_tui.ui import text as ui_text

__all__ = ["DraftHost", "DraftScreen", "DraftText"]


@dataclass(frozen=True)
class DraftText:
    """A draft as the user will send it: the filled template, or their edit of it."""

    subject: str
    body: str
    to_email: str | None = None
    to_name: str | None = None
    edited: bool = False

    @classmethod
    def from_text(
        cls, text: str, default_subject: str, to_email: str | None, to_name: str | None
    ) -> DraftText:
        """An edited text ('Subject: ...' first line optional) back into subject and body."""
        subject, body = split_subject(text.replace("\r\n", "\n"), default_subject)
        return cls(subject, body.rstrip("\n"), to_email, to_name, edited=True)

    @property
    def text(self) -> str:
        """What is copied, opened in $EDITOR, and kept in the log."""
        return f"Subject: {self.subject}\n\n{self.body}\n"

    @property
    def mailto(self) -> str | None:
        return mailto_url(self.to_email, self.subject, self.body) if self.to_email else None

    @property
    def to_line(self) -> str:
        if self.to_name and self.to_email:
            return f"{self.to_name} <{self.to_email}>"
        if self.to_email:
            return self.to_email
        if self.to_name:
            return f"{self.to_name} (no email on file: M cannot open your mail program)"
        return "nobody in particular (the follow-up names no contact)"


class DraftHost(Protocol):
    """What the screen asks of the app's drafts (ui/drafts.py, held as app.drafts)."""

    def draft_text(self, follow_up_id: str) -> DraftText: ...
    def copy_draft(self, follow_up_id: str) -> None: ...
    def edit_draft(self, follow_up_id: str, after: Callable[[], None] | None = None) -> None: ...
    def mail_draft(self, follow_up_id: str) -> None: ...


class DraftScreen(ModalScreen[None]):
    """Shows a follow-up's draft; c copies, E edits, M mails, escape closes."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy", tooltip="Copy the draft to the clipboard"),
        Binding("E", "edit", "Edit", tooltip="Edit the draft in $EDITOR"),
        Binding("M", "mail", "Mail", tooltip="Open it in your mail program (mailto:)"),
        Binding("escape,q", "close", "Close"),
        Binding("j,down", "scroll('down')", "Down", show=False),
        Binding("k,up", "scroll('up')", "Up", show=False),
    ]

    def __init__(self, host: DraftHost, follow_up_id: str, title: str) -> None:
        super().__init__()
        self.host = host
        self.follow_up_id = follow_up_id
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="draft-box") as box:
            box.border_title = ui_text.line(f"Draft · {self.title_text}")
            yield Label("", id="draft-to")
            yield Label("", id="draft-subject")
            with VerticalScroll(id="draft-scroll"):
                yield Static("", id="draft-body")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show()
        self.query_one("#draft-scroll").focus()

    def show(self) -> None:
        """(Re)read the draft: after an edit the screen shows the user's text."""
        draft = self.host.draft_text(self.follow_up_id)
        self.query_one("#draft-to", Label).update(
            Content.assemble(("To: ", "bold $text-muted"), ui_text.line(draft.to_line))
        )
        self.query_one("#draft-subject", Label).update(
            Content.assemble(("Subject: ", "bold $text-muted"), ui_text.line(draft.subject, "bold"))
        )
        body, rest = display.clip(draft.body)  # a 200 MB note in a draft shows at once
        shown = ui_text.note(body)
        if rest:
            shown = Content.assemble(shown, "\n", (display.more_text(rest), "$text-muted"))
        self.query_one("#draft-body", Static).update(shown)
        box = self.query_one("#draft-box")
        box.border_subtitle = "edited" if draft.edited else "from the template"

    def action_copy(self) -> None:
        self.host.copy_draft(self.follow_up_id)

    def action_edit(self) -> None:
        self.host.edit_draft(self.follow_up_id, after=self.show)

    def action_mail(self) -> None:
        self.host.mail_draft(self.follow_up_id)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, where: str) -> None:
        box = self.query_one("#draft-scroll", VerticalScroll)
        (box.scroll_down if where == "down" else box.scroll_up)(animate=False)
