"""Commands that keep the file safe across machines: sync, check, backups, restore, compact, and
the merge commands git and unison call (merge-driver, unison-merge)."""

from __future__ import annotations

import argparse
import sys

from rebound_tui.cli.context import Context, Failure, UsageError, path_arg
from rebound_tui.datafile import (
    check_file,
    describe_bad_file,
    merge_files,
    merge_to,
    restore_over_broken,
)
from rebound_tui.errors import DataFileError


def register(sub: argparse._SubParsersAction) -> None:
    from rebound_tui.cli import add_db_option

    def command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        add_db_option(p)
        p.set_defaults(func=func)
        return p

    command(
        "sync",
        "merge sync tools' conflict copies into the data file now (every command that writes "
        "does it too) and list what was merged, archived or left alone",
        cmd_sync,
    )
    command("check", "validate the data file and report problems", cmd_check)
    command(
        "backups", "list this machine's backups of the data file, and where they are", cmd_backups
    )
    p = command("restore", "bring back a backup (the current file is backed up first)", cmd_restore)
    p.add_argument("backup", metavar="BACKUP", help="a backup's name, a unique prefix, or path")
    p = command(
        "compact",
        "drop the values of long-deleted records (ids and stamps stay; see docs/SYNC.md)",
        cmd_compact,
    )
    p.add_argument(
        "--older-than",
        metavar="DAYS",
        type=int,
        default=180,
        help="only records deleted more than DAYS ago (default 180: longer than any machine "
        "of yours stays offline)",
    )
    p = command(
        "merge-driver", "git merge driver: merge BASE, OURS and THEIRS into OURS", cmd_merge_driver
    )
    p.add_argument("base", type=path_arg, metavar="BASE")
    p.add_argument("ours", type=path_arg, metavar="OURS")
    p.add_argument("theirs", type=path_arg, metavar="THEIRS")
    p = command(
        "unison-merge",
        "unison merge command: merge CURRENT1 and CURRENT2 (and the last synchronised version, "
        "if unison has one) into NEW; in a unison profile: merge = Name rebound.json -> "
        "rebound-tui unison-merge CURRENT1 CURRENT2 CURRENTARCHOPT NEW",
        cmd_unison_merge,
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="CURRENT1 CURRENT2 [CURRENTARCHOPT] NEW (CURRENTARCHOPT may be empty or left out)",
    )


def cmd_sync(args: argparse.Namespace, ctx: Context) -> int:
    s = ctx.service
    s.refresh()
    lines = s.sync_conflicts()
    for line in lines:
        print(line)
    if not lines:
        print("no conflict copies found")
    ctx.save()
    return 0


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    report = check_file(ctx.path)
    if report.fatal:
        raise Failure(describe_bad_file(report.fatal))
    for line in report.problems:
        print(f"problem: {line}")
    for line in report.warnings:
        print(f"warning: {line}")
    counts = ", ".join(f"{n} {table}" for table, n in report.counts.items())
    if report.ok:
        print(f"{ctx.path}: OK ({counts})")
        return 0
    print(f"{ctx.path}: {len(report.problems)} problem(s)", file=sys.stderr)
    return 1


def cmd_backups(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.service.db.backups
    backups = ctx.service.backups()
    if not backups:
        print(f"no backups yet (they go in {store.dir})")
        return 0
    legacy = [d for d in store.legacy if any(b.path.parent == d for b in backups)]
    print(f"backups in {store.dir}, newest first:")
    for folder in legacy:
        print(f"(and, marked *, in {folder}, left by an older version: read only)")
    for b in backups:
        mark = " *" if b.path.parent != store.dir else ""
        print(f"{b.path.name}  {b.taken:%Y-%m-%d %H:%M:%S} UTC  {b.size:>10,} bytes{mark}")
    return 0


def cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    try:
        backup, changed = ctx.service.restore(args.backup)
    except DataFileError:
        # The current file cannot be opened: put the backup in its place, keeping the broken one.
        try:
            backup, kept = restore_over_broken(ctx.path, args.backup)
        except LookupError as exc:
            raise UsageError(exc.args[0]) from None
        print(f"restored {backup.path.name} over the unreadable file; kept that one as {kept}")
        return 0
    print(
        f"restored {backup.path.name} ({changed} record(s) changed); the previous state is in "
        "the backups too"
    )
    return 0


def cmd_merge_driver(args: argparse.Namespace, ctx: Context) -> int:
    merge_files(args.base, args.ours, args.theirs)
    return 0


def cmd_unison_merge(args: argparse.Namespace, ctx: Context) -> int:
    files = list(args.files)
    if len(files) not in (3, 4):
        raise UsageError(
            f"unison-merge takes CURRENT1 CURRENT2 [CURRENTARCHOPT] NEW, got {len(files)} "
            "file(s): write the unison preference as in docs/SYNC.md"
        )
    if any(not f for i, f in enumerate(files) if not (len(files) == 4 and i == 2)):
        raise UsageError("unison-merge: CURRENT1, CURRENT2 and NEW must not be empty")
    base = path_arg(files[2]) if len(files) == 4 and files[2] else None
    merge_to(path_arg(files[-1]), path_arg(files[0]), path_arg(files[1]), base)
    return 0


def cmd_compact(args: argparse.Namespace, ctx: Context) -> int:
    count = ctx.service.compact(args.older_than)
    ctx.save()
    print(f"compacted {count} deleted record(s) older than {args.older_than} days")
    return 0
