"""The command line: parse arguments, call the service, print. No business rules live here.

Each command group is a module with `register(subparsers)`; handlers take the parsed args and a
`Context` and return an exit code. Errors become one line on stderr: exit 2 for bad input or
usage, 1 for other failures, never a traceback, and the data file untouched.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rebound_tui import __version__
from rebound_tui.cli import io, playbook, records, sync
from rebound_tui.cli.context import Context, Failure, UsageError

GROUPS = [records, sync, playbook, io]

DESCRIPTION = """\
Keep the companies that said no in your bullpen, turn the boss into an ally,
and follow up until a door opens. With no command, opens the dashboard."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit 2) instead of a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> Parser:
    parser = Parser(
        prog="rebound-tui",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"rebound-tui {__version__}")
    add_db_option(parser)
    parser.add_argument(
        "--demo", action="store_true", help="open a throwaway copy of the demo data"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for group in GROUPS:
        group.register(subparsers)
    return parser


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the data file (default: $REBOUND_DB, else rebound.json in your user data folder)",
    )


def run_dashboard(args: argparse.Namespace) -> int:
    from rebound_tui.ui.launch import launch

    return launch(db=getattr(args, "db", None), demo=args.demo)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            return run_dashboard(args)
        with Context(getattr(args, "db", None)) as ctx:
            return args.func(args, ctx)
    except UsageError as exc:
        print(f"rebound-tui: {exc}", file=sys.stderr)
        return 2
    except Failure as exc:
        print(f"rebound-tui: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("rebound-tui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def entry() -> None:
    sys.exit(main())
