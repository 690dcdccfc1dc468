"""`import mail PATH...` and `import imap --host ...`: log the emails exchanged with contacts.

Both read everything first (nothing written if a file or the server fails half-way), then write
one undoable action and save once. A progress bar shows on stderr when it is a terminal; the
summary goes to stdout. The IMAP password comes from `--password-command` (what it prints) or
$REBOUND_IMAP_PASSWORD, never from an argument: arguments are visible to every user of the
machine in the process list.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rebound_tui.cli.context import Context, Failure, UsageError, path_arg


def register_mail(kinds: argparse._SubParsersAction) -> None:
    from rebound_tui.cli import add_db_option

    def common(p: argparse.ArgumentParser) -> None:
        add_db_option(p)
        p.add_argument(
            "--me",
            action="append",
            metavar="ADDRESS",
            help="one of your own addresses (repeatable; default: the 'my email addresses' "
            "setting)",
        )
        p.add_argument(
            "--since",
            metavar="DATE",
            help="only messages on or after DATE (YYYY-MM-DD, or a span back: 90d, 6w, 3m)",
        )
        p.add_argument("--dry-run", action="store_true", help="show the summary, write nothing")
        p.add_argument(
            "--add-people",
            action="store_true",
            help="add correspondents at bullpen companies (by website domain) as contacts",
        )

    p = kinds.add_parser(
        "mail",
        help="log the emails you exchanged with contacts, from mail files",
        description="Log an email interaction for each message exchanged with a contact. PATH: "
        "an mbox file (Gmail Takeout, Thunderbird), an Apple Mail .mbox folder, a Maildir, an "
        ".eml file or a folder of them.",
    )
    p.add_argument("paths", nargs="+", type=path_arg, metavar="PATH")
    common(p)
    p.set_defaults(func=cmd_import_mail)

    # No abbreviations: `--password SECRET` must be an error, not `--password-command SECRET`
    # (which would run the password as a command).
    p = kinds.add_parser(
        "imap",
        allow_abbrev=False,
        help="log the emails you exchanged with contacts, from an IMAP server",
        description="Log an email interaction for each message exchanged with a contact, read "
        "from an IMAP server over TLS. The password comes from --password-command or "
        "$REBOUND_IMAP_PASSWORD. Host, user and password command default to the settings.",
    )
    p.add_argument("--host", help="the IMAP server, e.g. imap.gmail.com")
    p.add_argument("--port", type=int, metavar="N", help="993 (TLS, the default) or 143 (STARTTLS)")
    p.add_argument("--user", help="the login, usually your address")
    p.add_argument(
        "--password-command",
        metavar="CMD",
        help="a command that prints the password, e.g. 'pass show mail/work'",
    )
    p.add_argument(
        "--folder",
        action="append",
        metavar="NAME",
        help="a folder to read (repeatable; default: INBOX and the Sent folder)",
    )
    common(p)
    p.set_defaults(func=cmd_import_imap)


@contextmanager
def _bar(label: str, in_bytes: bool) -> Iterator[Callable[[int, int], None] | None]:
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    count = DownloadColumn() if in_bytes else MofNCompleteColumn()
    columns = (TextColumn("{task.description}"), BarColumn(), count, TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _since(ctx: Context, value: str | None) -> str | None:
    """A day, or a span back from today: '90d', '6w', '3m', '1y' (dates elsewhere count forward;
    a start that lies ahead makes no sense, so here a span counts back)."""
    if not value:
        return None
    import datetime as dt
    import re

    day = ctx.service.day(value) or ""
    if re.fullmatch(r"\s*\+?\d+\s*[dwmy]\s*", value.lower()):
        today = ctx.service.today()
        ahead = dt.date.fromisoformat(day) - today
        return (today - ahead).isoformat()
    return day


def _finish(ctx: Context, summary, dry_run: bool) -> int:
    from rebound_tui.cli.records import say

    if not dry_run:
        ctx.save()
    for line in summary.lines():
        say(line)
    return 0


def cmd_import_mail(args: argparse.Namespace, ctx: Context) -> int:
    from rebound_tui.io.mail import read_messages, sources
    from rebound_tui.mail_service import import_mail, my_addresses

    service = ctx.service
    me = my_addresses(service, args.me)  # ServiceError: exit 2 with how to set them
    since = _since(ctx, args.since)
    found = sources(args.paths)  # InputError: exit 2, nothing read
    label = args.paths[0].name + (f" (+{len(args.paths) - 1})" if len(args.paths) > 1 else "")
    with _bar(f"reading {label}", in_bytes=True) as progress:
        summary = import_mail(
            service,
            read_messages(found, progress),
            me=me,
            source=label,
            since=since,
            dry_run=args.dry_run,
            add_people=args.add_people,
        )
    return _finish(ctx, summary, args.dry_run)


def cmd_import_imap(args: argparse.Namespace, ctx: Context) -> int:
    from rebound_tui.io.imap import ImapAccount, ImapError, read_imap, read_password
    from rebound_tui.mail_service import imap_settings, import_mail, my_addresses

    service = ctx.service
    stored = imap_settings(service)
    host = args.host or stored.get("host")
    user = args.user or stored.get("user")
    if not host or not user:
        raise UsageError(
            "give --host HOST and --user USER (or save them in the dashboard's settings: S, "
            "then 4 Mail)"
        )
    port = args.port if args.port is not None else stored.get("port")
    if port is not None and not 0 < port < 65536:
        raise UsageError(f"bad --port {port}: use a port number such as 993 or 143")
    me = my_addresses(service, args.me)
    since = _since(ctx, args.since)
    import datetime as dt

    since_day = dt.date.fromisoformat(since) if since else None
    try:
        password = read_password(args.password_command or stored.get("password_command"))
        account = ImapAccount(host, user, password, port, tuple(args.folder or ()))
        with _bar(f"reading {account.where}", in_bytes=False) as progress:
            summary = import_mail(
                service,
                read_imap(account, since=since_day, progress=progress),
                me=me,
                source=account.where,
                since=since,
                dry_run=args.dry_run,
                add_people=args.add_people,
            )
    except ImapError as exc:
        raise Failure(f"{exc} (nothing was changed)") from None
    # InputError (no password, a refused login, no such folder) is a ServiceError: exit 2.
    return _finish(ctx, summary, args.dry_run)
