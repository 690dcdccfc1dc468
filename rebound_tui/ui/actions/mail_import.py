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
from functools import partial
from typing import TYPE_CHECKING

from textual.content import Content

from rebound_tui.ui.actions.host import ImportHost

if TYPE_CHECKING:
    from rebound_tui.mail_service import MailSummary
    from rebound_tui.ui.screens.mail_import import MailProgress, MailRequest

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


class MailImports:
    """Held by the app: the mail import commands. Each runs in an "import" worker thread."""

    def __init__(self, app: ImportHost) -> None:
        self.app = app

    def ask(self, kind: str) -> None:
        from rebound_tui.mail_service import imap_settings, stored_addresses
        from rebound_tui.ui.screens.mail_import import MailImportPrompt

        def chosen(request: MailRequest | None) -> None:
            if request is not None:
                self.start(request)

        prompt = MailImportPrompt(
            kind, me=stored_addresses(self.app.service), imap=imap_settings(self.app.service)
        )
        self.app.push_screen(prompt, chosen)

    def start(self, request: MailRequest) -> None:
        from rebound_tui.ui.screens.mail_import import MailProgress

        dry = " (preview)" if request.dry_run else ""
        # Content, not str: a border title given as a string is parsed as markup, and a file or
        # server name is data.
        title = Content(f"Importing mail · {request.label}{dry}")
        progress = MailProgress(title, request.kind)  # type: ignore[arg-type]
        self.app.importing = True  # the store worker waits; see StoreWorker._store_busy
        self.app.push_screen(progress)
        self.app.run_worker(
            partial(self._mail_import_in_thread_work, request, progress),
            name="_mail_import_in_thread",
            thread=True,
            group="import",
            exit_on_error=False,
        )

    def _mail_import_in_thread_work(self, request: MailRequest, screen: MailProgress) -> None:
        from rebound_tui.io.imap import ImapAccount, ImapError, read_imap, read_password
        from rebound_tui.io.mail import read_messages, sources
        from rebound_tui.mail_service import import_mail, my_addresses
        from rebound_tui.service import ServiceError

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(screen.advance, done, total)

        service = self.app.service
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
        self.app.call_from_thread(self._mail_import_finished, request, screen, outcome)

    def _mail_import_finished(
        self, request: MailRequest, screen: MailProgress, outcome: MailOutcome
    ) -> None:
        from rebound_tui.ui.screens.importing import ImportResult

        self.app.importing = False
        if screen.is_current:
            screen.dismiss(None)
        summary = outcome.summary
        if summary is None:
            lines = [outcome.error or "the import failed", "", "Nothing was changed."]
            self.app.push_screen(ImportResult("Mail import failed", lines, error=True))
        else:
            lines = [dashboard_mail_words(line) for line in summary.lines()]
            if wrote_mail(summary):
                self.app.changed()  # saved by the store worker, as any change
                lines += ["", "u on the dashboard undoes the whole import."]
            title = Content(f"Mail import · {request.label}")
            self.app.push_screen(ImportResult(title, lines))  # type: ignore[arg-type]
        self.app.import_finished()  # a theme picked, a save or poll that waited for the import
