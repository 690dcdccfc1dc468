"""The command line: parse arguments, call the service, print. No business rules live here.

Each command group is a module with `register(subparsers)`; handlers take the parsed args and a
`Context` and return an exit code. Errors become one line on stderr: exit 2 for bad input or
usage, 1 for other failures, never a traceback, and the data file untouched.

With no command (the dashboard), only the top-level options are parsed: the command groups, and
the service they import, are not loaded before the dashboard's first paint.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from rebound_tui import __version__
from rebound_tui.cli.context import Context, Failure, UsageError, check_utf8
from rebound_tui.paths import resolve_data_path

GROUP_NAMES = ("records", "openings", "sync", "playbook", "io", "insights")


def __getattr__(name: str):
    """`GROUPS`, the command group modules, imported on first use."""
    if name == "GROUPS":
        import importlib

        return [importlib.import_module(f"rebound_tui.cli.{n}") for n in GROUP_NAMES]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


DESCRIPTION = """\
Keep the companies that said no in your bullpen, turn the boss into an ally,
and follow up until a door opens. With no command, opens the dashboard."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit 2) instead of a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser(*, commands: bool = True, only: str | None = None) -> Parser:
    """The whole command line; without `commands`, only the options of the dashboard; with
    `only`, the command of that name and no other (the rest cost ~10 ms to build, which a
    command run as a process would pay every time). An `only` that names no command gives
    the whole command line (its error lists the commands)."""
    parser = Parser(
        prog="rebound-tui",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=commands,
    )
    if commands:
        parser.add_argument("--version", action="version", version=f"rebound-tui {__version__}")
    add_db_option(parser)
    parser.add_argument(
        "--demo", action="store_true", help="open a throwaway copy of the demo data"
    )
    if not commands:
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    target = subparsers if only is None else OneCommand(subparsers, only)
    for group in globals().get("GROUPS") or __getattr__("GROUPS"):
        group.register(target)  # type: ignore[arg-type]
    if only is not None and not subparsers.choices:
        return build_parser()
    return parser


class _Sink:
    """Takes any call a command's registration makes and keeps nothing (a command not built)."""

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: self


class OneCommand:
    """The command-line's list of commands that builds only the parser of one of them."""

    def __init__(self, subparsers: argparse._SubParsersAction, name: str) -> None:
        self.subparsers, self.name = subparsers, name

    def add_parser(self, name: str, **kwargs):
        if name == self.name or self.name in kwargs.get("aliases", ()):
            return self.subparsers.add_parser(name, **kwargs)
        return _Sink()


_VALUED = ("--db", "--backups")  # the top-level options that take a value
# Commands that open the data file first thing: their process reads it (and, when it looks new
# here, starts checking it) before it imports the command's module and the service (`read_early`).
READS_DATA = frozenset(
    {
        "add",
        "edit",
        "delete",
        "log",
        "follow-up",
        "due",
        "done",
        "snooze",
        "reschedule",
        "drop",
        "list",
        "reject",
        "hired",
        "opening",
        "export",
        "stats",
    }
)


def command_named(argv: Sequence[str]) -> str | None:
    """The command `argv` runs, read ahead of the parser (None: no command, a top-level
    --help or --version, or anything unusual: the whole parser reads it)."""
    args = iter(argv)
    for arg in args:
        if arg in _VALUED:
            next(args, None)
        elif arg == "--demo" or arg.startswith(tuple(o + "=" for o in _VALUED)):
            continue
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def read_early(argv: Sequence[str]) -> None:
    """Read the data file of the command `argv` runs (its top-level options read ahead of the
    whole parser) and start its check if it looks new here (store/early_read.py). Anything
    unusual leaves it to the open, which reports it."""
    try:
        known, _ = build_parser(commands=False).parse_known_args(argv)
    except (UsageError, SystemExit):
        return
    if known.demo:
        return
    from rebound_tui.datafile import read_early as prepare

    path, _ = resolve_data_path(getattr(known, "db", None))
    if path.is_file():
        prepare(path)


def dashboard_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The parsed options when `argv` opens the dashboard (no command, no --help, no error)."""
    try:
        args, rest = build_parser(commands=False).parse_known_args(argv)
    except UsageError:
        return None  # the full parser says it properly
    if rest:
        return None
    args.command = None
    return args


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the data file (default: $REBOUND_DB, else rebound.json in your user data folder)",
    )
    parser.add_argument(
        "--backups",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="where this machine keeps backups and archived conflict copies, one folder per "
        "data file (default: $REBOUND_BACKUPS, else your user state folder; never the synced "
        "folder)",
    )


def run_dashboard(args: argparse.Namespace) -> int:
    from rebound_tui.ui.launch import launch

    return launch(db=getattr(args, "db", None), demo=args.demo)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (or the dashboard) and return its exit code.

    As the `rebound-tui` process itself (no `argv` given), a command's process ends right after
    its output is flushed and the exit handlers ran (`end_process`)."""
    code, dashboard = _run(sys.argv[1:] if argv is None else list(argv), process=argv is None)
    # (Not under a profiler or a tracer: `python -m cProfile` writes its figures on return.)
    if argv is None and not dashboard and sys.getprofile() is None and sys.gettrace() is None:
        end_process(code)
    return code


def end_process(code: int) -> NoReturn:
    """End the process without the interpreter's teardown, which frees every record of the
    data one object at a time: 30-50 ms after a command on the heavy file, a tenth of the
    whole command. What `sys.exit` guarantees is kept: threads that are not daemons finish,
    output is flushed, and the exit handlers (`atexit`) run."""
    import atexit
    import threading

    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`): no reader
            stream.flush()
    os._exit(code)


def _run(argv: list[str], *, process: bool = False) -> tuple[int, bool]:
    """(exit code, whether it was the dashboard). `process`: the command is this process's
    (its data stays until the process ends: `Service.open`'s `resident`).

    As its own process, a command runs with the cyclic garbage collector paused until its data
    is read (`Context.service` freezes what is there then and turns the collector back on): the
    collections while ~300 modules are imported find nothing to free (about 10 ms of a command
    on any file). The dashboard's too, until its data is open or its first screen read from
    the cache (`ui.launch`): Textual's imports and the heavy file's open collected 35-45 ms."""
    if process:
        gc.disable()
    try:
        check_utf8(argv)
        if process and command_named(argv) in READS_DATA:
            read_early(argv)
        args = dashboard_args(argv)
        if args is None:
            args = build_parser(only=command_named(argv)).parse_args(argv)
        backups = getattr(args, "backups", None)
        if backups is not None:
            if not backups.strip():
                raise UsageError("--backups needs a folder")
            # The same as $REBOUND_BACKUPS, for this process and what it runs.
            os.environ["REBOUND_BACKUPS"] = str(Path(backups).expanduser().absolute())
        if args.demo and getattr(args, "db", None) is not None:
            raise UsageError(
                "--demo opens a throwaway copy of the demo data, --db your own file: give one"
            )
        if args.command is None:
            return run_dashboard(args), True  # (`launch` turns the collector back on)
        from rebound_tui.cli.output import safe_streams

        db = getattr(args, "db", None)
        with safe_streams(), Context(db, demo=args.demo, resident=process) as ctx:
            code = args.func(args, ctx)
            if args.command not in ("sync", "check") or args.demo:  # (they list copies)
                for note in ctx.copy_notes():
                    print(f"rebound-tui: note: {display_line(note)}", file=sys.stderr)
            return code, False
    except UsageError as exc:
        print(f"rebound-tui: {_one_line(exc)}", file=sys.stderr)
        return 2, False
    except Failure as exc:
        print(f"rebound-tui: {_one_line(exc)}", file=sys.stderr)
        return exc.code, False
    except KeyboardInterrupt:
        print("rebound-tui: interrupted", file=sys.stderr)
        return 130, False
    except BrokenPipeError:
        return 0, False
    finally:
        if process:
            gc.enable()  # (a command that never read its data, or failed to)


def display_line(text: object) -> str:
    """A message is one line: a name or file name it echoes is shown by the display rule."""
    from rebound_tui import display

    return display.line(str(text), limit=None)


def _one_line(exc: Exception) -> str:
    return display_line(exc)


def entry() -> None:
    sys.exit(main())
