"""The Mail tab of the settings: your email addresses, and the IMAP account (host, port, user
and the command that prints the password; never the password itself).

They live in the data file (settings `my_emails` and `imap`), so they follow you to your other
machines; `import mail` / `import imap` and the import prompts use them. Enter saves.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from rebound_tui.mail_service import (
    imap_settings,
    set_imap_settings,
    set_my_addresses,
    stored_addresses,
)
from rebound_tui.ui.screens.mail_import import split_addresses
from rebound_tui.ui.screens.settings_host import SettingsHost

__all__ = ["MailPane"]

IMAP_INPUTS = ("imap-host", "imap-port", "imap-user", "imap-password-command")


class MailPane(Vertical):
    """My email addresses and the IMAP account."""

    HELP_TITLE = "Mail"

    def __init__(self, host: SettingsHost) -> None:
        super().__init__(id="mail-pane")
        self.host = host

    def compose(self) -> ComposeResult:
        service = self.host.service
        imap = imap_settings(service)
        yield Label(
            "My email addresses (how sent mail is told from received; enter saves)",
            classes="settings-label",
        )
        yield Input(
            ", ".join(stored_addresses(service)),
            placeholder="e.g. pat@example.com, pat@work.example",
            id="my-emails",
            compact=True,
        )
        yield Label("IMAP account (enter saves; the password comes from the command)",
                    classes="settings-label")  # fmt: skip
        yield Input(imap.get("host", ""), placeholder="server, e.g. imap.fastmail.com",
                    id="imap-host", compact=True)  # fmt: skip
        yield Input(str(imap.get("port", "")), placeholder="port (empty: 993, TLS)",
                    id="imap-port", compact=True)  # fmt: skip
        yield Input(imap.get("user", ""), placeholder="user, usually your address",
                    id="imap-user", compact=True)  # fmt: skip
        yield Input(
            imap.get("password_command", ""),
            placeholder="password command, e.g. pass show mail/work",
            id="imap-password-command",
            compact=True,
        )
        yield Label("", id="mail-settings-message", classes="settings-label")

    def _say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#mail-settings-message", Label)
        message.update(Content(text))
        message.set_class(error, "-error")

    @on(Input.Submitted, "#my-emails")
    def _addresses_given(self, event: Input.Submitted) -> None:
        event.stop()
        service = self.host.service
        addresses = split_addresses(event.value)
        saved = self.host.perform(
            lambda: set_my_addresses(service, addresses),
            lambda keys: f"Your addresses: {', '.join(keys)}" if keys else "No addresses saved",
        )
        if saved is not None:
            event.input.value = ", ".join(saved)
            self._say(f"saved {len(saved)} address(es)")
            self.query_one("#imap-host", Input).focus()

    @on(Input.Submitted, "#imap-host, #imap-port, #imap-user, #imap-password-command")
    def _imap_given(self, event: Input.Submitted) -> None:
        event.stop()
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name in IMAP_INPUTS}
        port_text = values.pop("imap-port")
        if port_text and not (port_text.isdigit() and 0 < int(port_text) < 65536):
            self._say("the port is a number: 993 (TLS) or 143 (STARTTLS)", error=True)
            self.query_one("#imap-port", Input).focus()
            return
        service = self.host.service
        saved = self.host.perform(
            lambda: set_imap_settings(
                service,
                host=values["imap-host"],
                port=int(port_text) if port_text else None,
                user=values["imap-user"],
                password_command=values["imap-password-command"],
            ),
            "IMAP account saved",
        )
        if saved is not None:
            self._say("IMAP account saved")
            ids = list(IMAP_INPUTS)
            current = ids.index(event.input.id or "imap-host")
            if current + 1 < len(ids):
                self.query_one(f"#{ids[current + 1]}", Input).focus()
