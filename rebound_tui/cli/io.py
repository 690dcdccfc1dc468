"""Moving data in and out: `import linkedin|vcard|csv`, `export ics|csv|json|markdown`.

An import is one action and one save: bad input (a missing file, not a LinkedIn export, a bad
--map) is one line on stderr and exit 2 with the data file untouched. Large imports show a Rich
progress bar on stderr when it is a terminal; the summary goes to stdout.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rebound_tui.cli.context import Context, Failure, UsageError, path_arg
from rebound_tui.datafile import atomic_write
from rebound_tui.plural import counted

# The importer's SOURCES (io/importer.py; a test keeps them equal), spelled here so a command
# that imports nothing does not load the importer to build its parser.
IMPORT_KINDS = ("linkedin", "vcard", "csv")
IMPORT_HELP = {
    "linkedin": "LinkedIn: Connections.csv or the ZIP LinkedIn sends",
    "vcard": "a vCard (.vcf) file",
    "csv": "any CSV file (--map says which column is which)",
}
MAIL_KINDS = ("mail", "imap")
EXPORT_KINDS = ("ics", "csv", "json", "markdown")
# Below this many rows an import is over before a bar could be read.
PROGRESS_MIN_ROWS = 1000
EXPORT_MODE = 0o600  # personal data: readable by the user only


def register(sub: argparse._SubParsersAction) -> None:
    from rebound_tui.cli import add_db_option

    p = sub.add_parser(
        "import",
        help="bring contacts in from LinkedIn, vCard or CSV, and emails from mail files or IMAP",
        description="Bring contacts in (re-importing updates people instead of duplicating "
        "them), or log the emails you exchanged with them.",
    )
    add_db_option(p)
    kinds = p.add_subparsers(
        dest="kind", metavar="|".join((*IMPORT_KINDS, *MAIL_KINDS)), required=True
    )
    for kind, what in IMPORT_HELP.items():
        k = kinds.add_parser(kind, help=f"contacts from {what}", description=f"Import {what}.")
        add_db_option(k)
        k.add_argument("path", type=path_arg, metavar="PATH", help=what)
        k.add_argument(
            "--map",
            metavar="SPEC",
            help="csv: which column is which, e.g. 'name=Full Name,company=Org,email=E-mail'; "
            "for roles: 'opening=Job Title,company=Company,status=Status,url=Link'",
        )
        k.add_argument("--dry-run", action="store_true", help="show the summary, write nothing")
        k.add_argument(
            "--add-companies",
            action="store_true",
            help="add companies not yet in the bullpen (default: link to existing ones only)",
        )
        k.add_argument(
            "-v", "--verbose", action="store_true", help="list every added/updated person"
        )
        k.set_defaults(func=cmd_import)
    from rebound_tui.cli.mail import register_mail

    register_mail(kinds)

    p = sub.add_parser(
        "export",
        help="write follow-ups as a calendar, or everything as CSV, JSON or Markdown",
        description="Write data out: ics (open follow-ups), csv (a folder of files), json, "
        "markdown (a report). PATH '-' writes to stdout (not for csv).",
    )
    add_db_option(p)
    p.add_argument("kind", choices=EXPORT_KINDS, metavar="|".join(EXPORT_KINDS))
    p.add_argument("path", metavar="PATH", help="the file to write (csv: a folder)")
    p.add_argument("--todos", action="store_true", help="ics: to-dos instead of all-day events")
    p.set_defaults(func=cmd_export)


# -- import ----------------------------------------------------------------------------------------
@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich bar on stderr for large inputs; nothing when stderr is not a terminal."""
    if total < PROGRESS_MIN_ROWS or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    if args.map is not None and args.kind != "csv":
        raise UsageError("--map is for 'import csv' only")
    from rebound_tui.io.importer import SOURCES, import_rows, read_rows
    from rebound_tui.io.openings_import import is_openings_map

    if args.kind == "csv" and is_openings_map(args.map):
        return cmd_import_openings(args, ctx)
    rows = read_rows(args.kind, args.path, args.map)  # InputError: exit 2, nothing read or written
    service = ctx.service
    with progress_bar(len(rows), f"importing {args.path.name}") as progress:
        summary = import_rows(
            service,
            rows,
            source=SOURCES[args.kind],
            dry_run=args.dry_run,
            add_companies=args.add_companies,
            progress=progress,
        )
    if not args.dry_run:
        ctx.save()
    for line in summary.lines(verbose=args.verbose):
        print(line)
    return 0


def cmd_import_openings(args: argparse.Namespace, ctx: Context) -> int:
    """`import csv FILE --map "opening=...,company=...,status=..."`: roles, not people."""
    from rebound_tui.io.openings_import import import_openings_file

    summary = import_openings_file(  # InputError: exit 2, nothing written
        ctx.service, args.path, args.map, add_companies=args.add_companies, dry_run=args.dry_run
    )
    if not args.dry_run:
        ctx.save()
    for line in summary.lines(verbose=args.verbose):
        print(line)
    return 0


# -- export ----------------------------------------------------------------------------------------
def _render(kind: str, args: argparse.Namespace, ctx: Context) -> tuple[bytes, str]:
    service = ctx.service
    if kind == "ics":
        from rebound_tui.io.ics import export_ics

        count = len(service.follow_ups())
        return export_ics(service, todos=args.todos), counted(count, "open follow-up")
    if kind == "json":
        from rebound_tui.io.jsonout import export_json

        return export_json(service), "the live records"
    from rebound_tui.io.markdown import export_markdown

    return export_markdown(service), "the report"


def _target(text: str, folder: bool) -> Path:
    path = Path(text).expanduser()
    if not path.parent.is_dir():
        raise UsageError(f"the folder {path.parent} does not exist")
    if folder and path.exists() and not path.is_dir():
        raise UsageError(f"{path} is a file; 'export csv' writes a folder of files")
    if not folder and path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name")
    return path


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    if args.todos and args.kind != "ics":
        raise UsageError("--todos is for 'export ics' only")
    if args.kind == "csv":
        if args.path == "-":
            raise UsageError("'export csv' writes a folder of files; give a folder, not '-'")
        from rebound_tui.io.csvout import csv_tables

        folder = _target(args.path, folder=True)
        tables = csv_tables(ctx.service)
        with _writing(folder):
            folder.mkdir(exist_ok=True)
            changed = [name for name, raw in tables.items() if _write(folder / name, raw)]
        if changed:
            print(f"wrote {', '.join(changed)} to {folder}")
        else:
            print(f"{folder} is up to date")
        return 0
    if args.path == "-":
        raw, _ = _render(args.kind, args, ctx)
        sys.stdout.flush()
        sys.stdout.buffer.write(raw)
        sys.stdout.buffer.flush()
        return 0
    path = _target(args.path, folder=False)
    raw, what = _render(args.kind, args, ctx)
    with _writing(path):
        changed = _write(path, raw)
    print(f"wrote {what} to {path}" if changed else f"{path} is up to date ({what})")
    return 0


def _write(path: Path, raw: bytes) -> bool:
    """Write atomically, and only when the bytes differ: a feed re-exported from cron every few
    minutes must not make sync tools and calendar apps fetch an unchanged file."""
    try:
        if path.read_bytes() == raw:
            return False
    except OSError:
        pass
    atomic_write(path, raw, EXPORT_MODE)
    return True


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """A failed write is one line and exit 1 (the data file is never involved)."""
    try:
        yield
    except PermissionError:
        raise Failure(f"cannot write {path}: permission denied") from None
    except OSError as exc:
        raise Failure(f"cannot write {path}: {exc.strerror or exc}") from None
