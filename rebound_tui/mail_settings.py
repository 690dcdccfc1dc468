"""The mail settings: the user's own addresses (`my_emails`) and the IMAP account (`imap`: host,
port, user and the command that prints the password; never the password itself).

Settings live in the data file, so they follow the user to their other machines. Every value
read is checked by type; a bad one is left out rather than trusted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rebound_tui.domain.mail import email_key
from rebound_tui.domain.model import ValidationError, check_email
from rebound_tui.errors import ServiceError

if TYPE_CHECKING:
    from rebound_tui.service import Service

MY_EMAILS_SETTING = "my_emails"
IMAP_SETTING = "imap"
HOW_TO_SET_ME = (
    "say which email addresses are yours, so sent mail is told from received: --me "
    "you@example.com (repeat it for each address), or save them once under 'My email "
    "addresses' in the dashboard's settings (S, then 4 Mail)"
)


def my_addresses(service: Service, given: Iterable[str] | None = None) -> list[str]:
    """The user's addresses: `given` (e.g. --me), else the setting; ServiceError when none or
    one is not an address."""
    raw = list(given or []) or stored_addresses(service)
    out = []
    for address in raw:
        key = email_key(address)
        try:
            check_email(key)
        except ValidationError as exc:
            raise ServiceError(f"{exc} (one of your addresses)") from None
        out.append(key)
    if not out:
        raise ServiceError(HOW_TO_SET_ME)
    return list(dict.fromkeys(out))


def set_my_addresses(service: Service, addresses: Iterable[str]) -> list[str]:
    """Save the user's addresses (checked; an empty list clears the setting)."""
    keys = [email_key(a) for a in addresses if email_key(a)]
    for key in keys:
        try:
            check_email(key)
        except ValidationError as exc:
            raise ServiceError(str(exc)) from None
    keys = list(dict.fromkeys(keys))
    service.set_setting(MY_EMAILS_SETTING, keys)
    return keys


def stored_addresses(service: Service) -> list[str]:
    stored = service.setting(MY_EMAILS_SETTING)
    return [a for a in stored if isinstance(a, str)] if isinstance(stored, list) else []


IMAP_FIELDS = ("host", "port", "user", "password_command")


def imap_settings(service: Service) -> dict[str, Any]:
    """The saved IMAP account (host, port, user, password command; never a password), with
    values of the wrong type left out."""
    stored = service.setting(IMAP_SETTING)
    if not isinstance(stored, dict):
        return {}
    out: dict[str, Any] = {}
    for key in ("host", "user", "password_command"):
        if isinstance(stored.get(key), str) and stored[key].strip():
            out[key] = stored[key].strip()
    port = stored.get("port")
    if isinstance(port, int) and not isinstance(port, bool) and 0 < port < 65536:
        out["port"] = port
    return out


def set_imap_settings(service: Service, **values: Any) -> dict[str, Any]:
    """Save the IMAP account; unknown keys (a password!) are refused."""
    unknown = set(values) - set(IMAP_FIELDS)
    if unknown:
        raise ServiceError(f"not an IMAP setting: {', '.join(sorted(unknown))}")
    port = values.get("port")
    if port is not None and (
        not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536
    ):
        raise ServiceError(f"bad port {port!r}: use a port number such as 993 or 143")
    clean = {k: v for k, v in values.items() if v not in (None, "")}
    service.set_setting(IMAP_SETTING, clean)
    return imap_settings(service)
