"""Importing mail from the dashboard: which mailbox (files, or an IMAP account), whose addresses
are yours, since when, preview or not, and whether to add people at bullpen companies.

The prompt is filled from the settings (my email addresses; the IMAP host, port, user and
password command, never a password) and only asks; the app runs the import in a worker thread
(actions/mail_import.py) and feeds `MailProgress` from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar

from rebound_tui.domain.mail import email_key, one_line
from rebound_tui.domain.model import ValidationError, check_email
from rebound_tui.ui.screens.importing import ImportProgress, expand

__all__ = ["MailImportPrompt", "MailProgress", "MailRequest", "split_addresses"]


def split_addresses(text: str) -> list[str]:
    """'a@x.com, b@y.org c@z.net' -> the addresses (commas, semicolons or spaces between)."""
    return [email_key(a) for a in text.replace(";", ",").replace(",", " ").split() if a.strip()]


@dataclass(frozen=True)
class MailRequest:
    """What to import: mail files (`paths`) or an IMAP account, and the options of both."""

    kind: str  # "mail" or "imap"
    me: tuple[str, ...]
    since: str | None = None
    dry_run: bool = False
    add_people: bool = False
    paths: tuple[Path, ...] = ()
    host: str = ""
    port: int | None = None
    user: str = ""
    password_command: str | None = None
    folders: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """What the titles and the summary call the mailbox (one line of plain text)."""
        if self.kind == "mail":
            return one_line(self.paths[0].name if self.paths else "mail", limit=80)
        return one_line(f"{self.user}@{self.host}", limit=80)


class MailboxValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.failure("give a mailbox: an mbox file, a Maildir or a folder of .eml")
        path = expand(value)
        if not path.exists():
            return self.failure(f"no such file or folder: {path}")
        return self.success()


class AddressesValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        addresses = split_addresses(value)
        if not addresses:
            return self.failure("give your email address(es), so sent mail is told from received")
        for address in addresses:
            try:
                check_email(address)
            except ValidationError as exc:
                return self.failure(str(exc))
        return self.success()


class RequiredValidator(Validator):
    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def validate(self, value: str) -> ValidationResult:
        return self.success() if value.strip() else self.failure(f"give the {self.what}")


class PortValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text:
            return self.success()
        if text.isdigit() and 0 < int(text) < 65536:
            return self.success()
        return self.failure("a port number: 993 (TLS) or 143 (STARTTLS)")


class MailImportPrompt(ModalScreen[MailRequest | None]):
    """Import mail… / Import from IMAP…: ctrl+s or enter starts (with 'preview' ticked, a dry
    run that writes nothing)."""

    CSS_PATH = "screens.tcss"
    DEFAULT_CSS = """
    MailImportPrompt { align: center middle; }
    MailImportPrompt .prompt-box { max-height: 100%; }
    MailImportPrompt .mail-row { height: 1; margin-top: 1; }
    MailImportPrompt .mail-row Label { width: 18; color: $text-muted; }
    MailImportPrompt .mail-row Input { width: 1fr; margin-top: 0; }
    MailImportPrompt .prompt-message { display: none; padding-left: 18; }
    MailImportPrompt .prompt-message.-error { display: block; }
    MailImportPrompt Checkbox { margin-top: 1; background: $panel; }
    MailImportPrompt .prompt-buttons { height: 2; padding-top: 1; align-horizontal: right; }
    MailImportPrompt .prompt-buttons .prompt-keys { margin-top: 0; }
    MailImportPrompt .prompt-buttons Button { margin-left: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "start", "Import", priority=True),
    ]

    def __init__(
        self,
        kind: str,
        *,
        me: list[str] | None = None,
        imap: dict | None = None,
        path: str = "",
        dry_run: bool = True,
    ) -> None:
        super().__init__()
        self.kind = kind
        self.initial_path = path
        self.initial_dry_run = dry_run
        self.me = me or []
        self.imap = imap or {}

    def _field(
        self, field_id: str, value: str, label: str, placeholder: str, validator: Validator | None
    ) -> ComposeResult:
        with Horizontal(classes="mail-row"):
            yield Label(label)
            yield Input(
                value,
                placeholder=placeholder,
                validators=[validator] if validator else [],
                id=field_id,
                compact=True,
            )
        yield Label("", classes="prompt-message", id=f"{field_id}-message")

    def compose(self) -> ComposeResult:
        title = "Import mail" if self.kind == "mail" else "Import from IMAP"
        imap = self.imap
        port = str(imap["port"]) if imap.get("port") else ""
        # (id, value, label, placeholder, validator) of each field, in order.
        if self.kind == "mail":
            fields = [
                (
                    "mail-path",
                    self.initial_path,
                    "mailbox",
                    "mbox, Apple Mail .mbox folder, Maildir, .eml file or folder",
                    MailboxValidator(),
                ),
            ]
        else:
            fields = [
                (
                    "imap-host",
                    imap.get("host", ""),
                    "server",
                    "e.g. imap.fastmail.com",
                    RequiredValidator("IMAP server"),
                ),
                ("imap-port", port, "port", "empty: 993 (TLS); 143: STARTTLS", PortValidator()),
                (
                    "imap-user",
                    imap.get("user", ""),
                    "user",
                    "usually your address",
                    RequiredValidator("user name"),
                ),
                (
                    "imap-password-command",
                    imap.get("password_command", ""),
                    "password command",
                    "e.g. pass show mail/work (empty: $REBOUND_IMAP_PASSWORD)",
                    None,
                ),
                (
                    "imap-folders",
                    "",
                    "folders",
                    "empty: INBOX and Sent; or e.g. INBOX, Archive",
                    None,
                ),
            ]
        fields += [
            ("mail-me", ", ".join(self.me), "my addresses",
             "e.g. pat@example.com, pat@work.example", AddressesValidator()),
            ("mail-since", "", "since", "optional: 2026-09-01, or 90d, 6w, 3m back", None),
        ]  # fmt: skip
        with Vertical(classes="prompt-box", id="import-box") as box:
            box.border_title = title
            for field in fields:
                yield from self._field(*field)
            yield Checkbox("preview: show what would change, write nothing", self.initial_dry_run,
                           id="import-dry-run", compact=True)  # fmt: skip
            yield Checkbox("add the people at bullpen companies as contacts",
                           id="import-add-people", compact=True)  # fmt: skip
            with Horizontal(classes="prompt-buttons"):
                yield Label("ctrl+s import · esc cancel", classes="prompt-keys")
                yield Button("Import", id="import-start", variant="primary", compact=True)
                yield Button("Cancel", id="import-cancel", compact=True)

    @property
    def required(self) -> list[str]:
        first = (
            ["#mail-path"] if self.kind == "mail" else ["#imap-host", "#imap-port", "#imap-user"]
        )
        return [*first, "#mail-me"]

    def on_mount(self) -> None:
        self.query_one(self.required[0], Input).focus()

    def _check(self, selector: str, *, show: bool = True) -> bool:
        field = self.query_one(selector, Input)
        outcome = field.validate(field.value)
        ok = outcome is None or outcome.is_valid
        message = self.query_one(f"{selector}-message", Label)
        if not ok and show and outcome is not None:
            message.update(Content(outcome.failure_descriptions[0]))
        else:
            message.update("")
        message.set_class(not ok and show, "-error")
        return ok

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start()

    @on(Button.Pressed, "#import-start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#import-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_start(self) -> None:
        bad = [s for s in self.required if not self._check(s)]
        if bad:
            self.query_one(bad[0], Input).focus()
            return
        common = {
            "me": tuple(split_addresses(self._value("#mail-me"))),
            "since": self._value("#mail-since") or None,
            "dry_run": self.query_one("#import-dry-run", Checkbox).value,
            "add_people": self.query_one("#import-add-people", Checkbox).value,
        }
        if self.kind == "mail":
            request = MailRequest("mail", paths=(expand(self._value("#mail-path")),), **common)
        else:
            port = self._value("#imap-port")
            folders = [f.strip() for f in self._value("#imap-folders").split(",") if f.strip()]
            request = MailRequest(
                "imap",
                host=self._value("#imap-host"),
                port=int(port) if port else None,
                user=self._value("#imap-user"),
                password_command=self._value("#imap-password-command") or None,
                folders=tuple(folders),
                **common,
            )
        self.dismiss(request)


class MailProgress(ImportProgress):
    """The bar while mail is read: bytes of the files, or messages fetched from the server."""

    def __init__(self, title: str, kind: str) -> None:
        super().__init__(title)
        self.kind = kind

    def advance(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        if self.kind == "mail":
            text = f"reading the mail: {done / max(total, 1):.0%} ({done / 1e6:,.1f} MB)"
        else:
            text = f"reading the mail: {done:,} of {total:,} messages"
        self.query_one("#import-progress-label", Label).update(text)
