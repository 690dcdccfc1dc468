"""`rebound-tui stats`: the insights as a readable summary with bar charts, or as JSON."""

from __future__ import annotations

import argparse

from rebound_tui.cli.context import Context, print_json


def weeks(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 520:
        raise argparse.ArgumentTypeError(f"bad number of weeks {value!r}: use 1 to 520")
    return number


def register(sub: argparse._SubParsersAction) -> None:
    from rebound_tui.cli import add_db_option

    help_text = "insights: weekly activity, the rebound funnel, persistence, streaks"
    p = sub.add_parser("stats", help=help_text, description=help_text)
    add_db_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON object (see the README)")
    p.add_argument(
        "--weeks", type=weeks, default=12, metavar="N", help="weeks of activity (default 12)"
    )
    p.add_argument("--on", metavar="DATE", help="the day the report counts as today")
    p.set_defaults(func=cmd_stats)


def cmd_stats(args: argparse.Namespace, ctx: Context) -> int:
    from rebound_tui import insights_report

    insights = ctx.service.insights(args.on, weeks=args.weeks)
    if args.json:
        print_json(insights_report.to_json(insights))
    else:
        print("\n".join(insights_report.lines(insights)))
    return 0
