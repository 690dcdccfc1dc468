"""Importing mail from the command palette: "Import mail…" and "Import from IMAP…".

The prompt is filled from the settings; the import runs in a worker thread. Reading (files or
the server) happens without the data lock, so the dashboard stays responsive while a big mailbox
streams by (the prompt and progress screens are modal, so nothing is edited meanwhile); the
write is one undoable action taken under the lock, and the app saves through its store worker.
The summary (or the error, with "Nothing was changed") shows afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.content import Content

if TYPE_CHECKING:
    from rebound_tui.mail_service import MailSummary
    from rebound_tui.ui.screens.mail_import import MailProgress, MailRequest

# `self` is the app (ReboundApp), left unannotated: naming it here would tie this module into
# the app <-> action-mixins import cycle that issue 19 removes (tests/test_layers.py).

# (palette name, help, action) of the commands this mixin adds to the command palette.
MAIL_COMMANDS: tuple[tuple[str, str, str], ...] = (
    (
        "Import mail…",
        "log the emails exchanged with contacts: mbox, Maildir, Apple Mail or .eml files",
        "import_mail('mail')",
    ),
    (
        "Import from IMAP…",
        "log the emails exchanged with contacts, from your mail server",
        "import_mail('imap')",
    ),
)


def dashboard_mail_words(line: str) -> str:
    return line.replace(
        "--add-people adds them as contacts", "tick “add the people” to add them"
    ).replace("before --since", "before the “since” day")


@dataclass
class MailOutcome:
    summary: MailSummary | None = None
    error: str | None = None


def wrote_mail(summary: MailSummary) -> bool:
    return not summary.dry_run and bool(summary.logged or summary.done or summary.people_added)


class MailImportActions:
    """Mixed into ReboundApp: the mail import commands."""

    def action_import_mail(self, kind: str) -> None:
        from rebound_tui.mail_service import imap_settings, stored_addresses
        from rebound_tui.ui.screens.mail_import import MailImportPrompt

        def chosen(request: MailRequest | None) -> None:
            if request is not None:
                self.start_mail_import(request)

        prompt = MailImportPrompt(
            kind, me=stored_addresses(self.service), imap=imap_settings(self.service)
        )
        self.push_screen(prompt, chosen)

    def start_mail_import(self, request: MailRequest) -> None:
        from rebound_tui.ui.screens.mail_import import MailProgress

        dry = " (preview)" if request.dry_run else ""
        # Content, not str: a border title given as a string is parsed as markup, and a file or
        # server name is data.
        title = Content(f"Importing mail · {request.label}{dry}")
        progress = MailProgress(title, request.kind)  # type: ignore[arg-type]
        self.importing = True  # the store worker waits; see StoreWorker._store_busy
        self.push_screen(progress)
        self._mail_import_in_thread(request, progress)

    @work(thread=True, group="import", exit_on_error=False)
    def _mail_import_in_thread(self, request: MailRequest, screen: MailProgress) -> None:
        from rebound_tui.io.imap import ImapAccount, ImapError, read_imap, read_password
        from rebound_tui.io.mail import read_messages, sources
        from rebound_tui.mail_service import import_mail, my_addresses
        from rebound_tui.service import ServiceError

        def progress(done: int, total: int) -> None:
            self.call_from_thread(screen.advance, done, total)

        service = self.service
        outcome = MailOutcome()
        try:
            me = my_addresses(service, request.me)
            since = service.day(request.since) if request.since else None
            if since and since > service.day(None):  # a span: back from today, as in the CLI
                ahead = dt.date.fromisoformat(since) - service.today()
                since = (service.today() - ahead).isoformat()
            if request.kind == "mail":
                messages = read_messages(sources(list(request.paths)), progress)
            else:
                password = read_password(request.password_command)
                account = ImapAccount(
                    request.host, request.user, password, request.port, request.folders
                )
                since_day = dt.date.fromisoformat(since) if since else None
                messages = read_imap(account, since=since_day, progress=progress)
            outcome.summary = import_mail(
                service,
                messages,
                me=me,
                source=request.label,
                since=since,
                dry_run=request.dry_run,
                add_people=request.add_people,
            )
        except (ServiceError, ValueError, ImapError, OSError) as exc:
            outcome.error = str(exc)
        except Exception as exc:  # a bug: say so rather than leave the progress bar up
            outcome.error = f"the import failed: {type(exc).__name__}: {exc}"
        self.call_from_thread(self._mail_import_finished, request, screen, outcome)

    def _mail_import_finished(
        self, request: MailRequest, screen: MailProgress, outcome: MailOutcome
    ) -> None:
        from rebound_tui.ui.screens.importing import ImportResult

        self.importing = False
        if screen.is_current:
            screen.dismiss(None)
        summary = outcome.summary
        if summary is None:
            lines = [outcome.error or "the import failed", "", "Nothing was changed."]
            self.push_screen(ImportResult("Mail import failed", lines, error=True))
        else:
            lines = [dashboard_mail_words(line) for line in summary.lines()]
            if wrote_mail(summary):
                self.changed()  # saved by the store worker, as any change
                lines += ["", "u on the dashboard undoes the whole import."]
            title = Content(f"Mail import · {request.label}")
            self.push_screen(ImportResult(title, lines))  # type: ignore[arg-type]
        if self._theme_pending:  # a theme picked meanwhile
            self._theme_pending = False
            self._remember_theme(self.current_theme)
        self.store_finished()  # a save or poll that waited for the import
