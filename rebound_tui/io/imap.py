"""Reading mail headers from an IMAP server (with imapclient), read-only and streamed in batches.

The connection is encrypted: port 993 speaks TLS from the start, port 143 upgrades with STARTTLS,
any other port tries TLS first and then STARTTLS. A server that offers neither is refused, except
on a loopback address (a local bridge such as Proton Mail Bridge, or a test server), where a plain
connection cannot be overheard. Certificates are checked against the system's authorities
(`SSL_CERT_FILE` adds one, e.g. a self-signed server's). Folders are opened read-only and
messages fetched with BODY.PEEK[HEADER.FIELDS (...)]: nothing is marked read, and only the
headers read here are downloaded.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import ssl
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from rebound_tui.domain.mail import Broken, MailMessage
from rebound_tui.io import InputError
from rebound_tui.io.mail import parse_headers

Progress = Callable[[int, int], None]

IMPLICIT_TLS_PORT = 993
STARTTLS_PORT = 143
BATCH = 500
TIMEOUT = 60.0
# Only the headers read (Received, DKIM and ARC headers are most of a header block's size).
HEADER_FIELDS = "FROM TO CC BCC SUBJECT DATE MESSAGE-ID"
FETCH_ITEM = f"BODY.PEEK[HEADER.FIELDS ({HEADER_FIELDS})]"


PASSWORD_ENV = "REBOUND_IMAP_PASSWORD"
PASSWORD_TIMEOUT = 120  # a password manager may ask to unlock


class ImapError(Exception):
    """The server could not be reached or read (exit 1: nothing was written)."""


@dataclass(frozen=True)
class ImapAccount:
    host: str
    user: str
    password: str = field(repr=False)
    port: int | None = None
    folders: tuple[str, ...] = ()  # empty: the inbox and the Sent folder

    @property
    def where(self) -> str:
        return f"{self.user}@{self.host}"


def read_password(command: str | None) -> str:
    """The password a command prints (its first line), else $REBOUND_IMAP_PASSWORD.

    Never an argument: arguments are visible to every user of the machine in the process list.
    ImapError when the command fails; InputError when there is no password at all.
    """
    if command:
        try:
            done = subprocess.run(
                command,
                shell=True,  # the user's own command line, as they would type it
                capture_output=True,
                timeout=PASSWORD_TIMEOUT,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ImapError(f"the password command did not finish in {PASSWORD_TIMEOUT}s") from None
        except OSError as exc:
            raise ImapError(f"cannot run the password command: {exc.strerror or exc}") from None
        if done.returncode != 0:
            raise ImapError(f"the password command failed (exit status {done.returncode})")
        lines = done.stdout.decode("utf-8", "replace").splitlines()
        if not lines or not lines[0]:
            raise InputError("the password command printed nothing")
        return lines[0]
    password = os.environ.get(PASSWORD_ENV, "")
    if not password:
        raise InputError(
            "no password: give a password command (--password-command CMD, e.g. 'pass show "
            f"mail/work') or set ${PASSWORD_ENV}; "
            "a password is never taken as an argument"
        )
    return password


def is_loopback(host: str) -> bool:
    """True when every address the host name resolves to is a loopback address."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def _connect(account: ImapAccount, context: ssl.SSLContext):
    from imapclient import IMAPClient

    port = account.port or IMPLICIT_TLS_PORT
    attempts = [True] if port == IMPLICIT_TLS_PORT else [False]
    if port not in (IMPLICIT_TLS_PORT, STARTTLS_PORT):
        attempts = [True, False]
    last: Exception | None = None
    for implicit in attempts:
        try:
            client = IMAPClient(
                account.host, port=port, ssl=implicit, ssl_context=context, timeout=TIMEOUT
            )
        except ssl.SSLCertVerificationError as exc:
            raise ImapError(
                f"the certificate of {account.host} cannot be trusted ({exc.verify_message}); "
                "for a server with its own certificate, point SSL_CERT_FILE at it"
            ) from None
        except (ssl.SSLError, ConnectionResetError) as exc:
            last = exc  # not TLS on this port: try STARTTLS
            continue
        except (TimeoutError, OSError) as exc:
            raise ImapError(f"cannot connect to {account.host}:{port}: {_why(exc)}") from None
        if implicit:
            return client
        try:
            if b"STARTTLS" in client.capabilities():
                client.starttls(context)
                return client
        except ssl.SSLCertVerificationError as exc:
            raise ImapError(
                f"the certificate of {account.host} cannot be trusted ({exc.verify_message}); "
                "for a server with its own certificate, point SSL_CERT_FILE at it"
            ) from None
        if is_loopback(account.host):
            return client  # plain, but only to this machine
        _quietly_logout(client)
        raise ImapError(
            f"{account.host}:{port} offers no encryption (TLS or STARTTLS); a plain connection "
            "is allowed only to this machine (127.0.0.1)"
        )
    raise ImapError(f"cannot speak TLS with {account.host}:{port}: {_why(last)}")


def _why(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text.splitlines()[0] if text else type(exc).__name__


def _quietly_logout(client) -> None:
    with contextlib.suppress(Exception):  # the connection is going away anyway
        client.logout()


def _folders(client, wanted: tuple[str, ...]) -> list[str]:
    from imapclient.imapclient import SENT

    if wanted:
        return list(wanted)
    folders = ["INBOX"]
    try:
        sent = client.find_special_folder(SENT)
    except Exception:  # a server without folder listing extensions
        sent = None
    if sent and sent not in folders:
        folders.append(sent)
    return folders


def read_imap(
    account: ImapAccount,
    *,
    since=None,  # a date: only messages on or after it (the server's SEARCH SINCE)
    progress: Progress | None = None,
) -> Iterator[MailMessage | Broken]:
    """The headers of the account's messages as they arrive; ImapError / InputError on failure."""
    from imapclient.exceptions import IMAPClientError, LoginError

    context = ssl.create_default_context()
    client = _connect(account, context)
    try:
        try:
            client.login(account.user, account.password)
        except LoginError:
            raise InputError(
                f"the server refused the login of {account.user}: check the user name and "
                "the password your password command prints"
            ) from None
        plan: list[tuple[str, list[int]]] = []
        for folder in _folders(client, account.folders):
            try:
                client.select_folder(folder, readonly=True)
            except IMAPClientError:
                raise InputError(f"no folder {folder!r} on {account.host}") from None
            criteria = ["SINCE", since] if since is not None else ["ALL"]
            plan.append((folder, sorted(client.search(criteria))))
        total = sum(len(uids) for _, uids in plan) or 1
        done = 0
        for folder, uids in plan:
            client.select_folder(folder, readonly=True)
            for start in range(0, len(uids), BATCH):
                batch = uids[start : start + BATCH]
                fetched = client.fetch(batch, [FETCH_ITEM])
                for uid in batch:
                    data = fetched.get(uid) or {}
                    # The answer is named BODY[HEADER.FIELDS (...)], as the server spells it.
                    raw = next(
                        (v for k, v in data.items() if k.upper().startswith(b"BODY[HEADER")), None
                    )
                    where = f"{folder} message {uid}"
                    yield parse_headers(raw, where) if raw else Broken("unreadable", where)
                done += len(batch)
                if progress is not None:
                    progress(done, total)
    except (IMAPClientError, OSError) as exc:
        raise ImapError(f"reading {account.where} failed: {_why(exc)}") from None
    finally:
        _quietly_logout(client)
