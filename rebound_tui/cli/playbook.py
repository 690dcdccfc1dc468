"""Commands of the rebound playbook: reject, hired, playbook, draft, template.

Also `guard_cooloff()`, which `log` and `done` call before logging a touch: a touch too soon is
refused (exit 2, nothing saved) unless the user says `--anyway`, then it is a warning on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rebound_tui.cli.context import Context, UsageError, print_json
from rebound_tui.domain.drafts import TEMPLATE_KEYS, TEMPLATE_LABELS
from rebound_tui.domain.playbook import (
    BEFORE_TRIGGERS,
    TRIGGER_HELP,
    TRIGGERS,
    WHOM_HELP,
    Rule,
    rule_to_dict,
)
from rebound_tui.plural import counted

if TYPE_CHECKING:
    from rebound_tui.domain.model import Company, Contact, FollowUp
    from rebound_tui.service import Service


def register(sub: argparse._SubParsersAction) -> None:
    from rebound_tui.cli import add_db_option

    def command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        add_db_option(p)
        p.set_defaults(func=func)
        return p

    p = command(
        "reject",
        "record that a company said no: stage 'rejected', the rejection logged, the game plan "
        "(thank-you, referral ask, check-ins, news checks) scheduled",
        cmd_reject,
    )
    p.add_argument("company", metavar="COMPANY")
    p.add_argument("--on", metavar="DATE", help="when they said no (default: today)")
    p.add_argument(
        "--boss", metavar="NAME", help="who said no (default: the company's only boss, if any)"
    )
    p.add_argument("--note", metavar="TEXT")

    p = command(
        "hired",
        "record who was hired instead and when they started: the turnover watch checks in with "
        "the boss around 30, 60 and 90 days later, then yearly",
        cmd_hired,
    )
    p.add_argument("company", metavar="COMPANY")
    p.add_argument("name", metavar="NAME", help="who got the job")
    p.add_argument("--started", metavar="DATE", required=True, help="their first day")

    p = command("playbook", "show the playbook's rules (or reset or load them)", cmd_playbook)
    p.add_argument("--json", action="store_true", help="print the rules as a JSON array")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--reset", action="store_true", help="go back to the default rules")
    what.add_argument(
        "--load",
        metavar="PATH",
        help="replace the rules with a JSON array like --json prints ('-' reads stdin)",
    )

    p = command("draft", "print the message drafted for a follow-up", cmd_draft)
    p.add_argument("ref", metavar="ID")
    p.add_argument(
        "--mailto", action="store_true", help="print a mailto: link instead (needs an email)"
    )

    p = command("template", "list, show, set or reset the message templates", cmd_template)
    p.add_argument("key", metavar="KEY", nargs="?", help=f"one of: {', '.join(TEMPLATE_KEYS)}")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--set", metavar="PATH", help="read the new text from a file ('-': stdin)")
    what.add_argument("--reset", action="store_true", help="go back to the default text")


# -- helpers -----------------------------------------------------------------------------------


def guard_cooloff(
    service: Service,
    *,
    anyway: bool,
    kind: str | None = None,
    contact: str | Contact | None = None,
    company: str | Company | None = None,
    on: str | None = None,
) -> list[str]:
    """Check the cool-off guard BEFORE a touch is logged: refuse (UsageError, exit 2) when it
    has something to say, unless `anyway`, which prints it as a warning. Returns the warnings.
    Lookup errors are left to the command, which reports them."""
    from rebound_tui.service import ServiceError

    try:
        lines = service.cooloff_warnings(contact=contact, company=company, on=on, kind=kind)
    except ServiceError:
        return []
    if lines and not anyway:
        text = " ".join(line.removesuffix(", or go ahead anyway.") + "." for line in lines)
        raise UsageError(f"{text} Nothing saved; add --anyway to go ahead")
    for line in lines:
        print(f"rebound-tui: warning: {line}", file=sys.stderr)
    return lines


def follow_up_line(f: FollowUp) -> str:
    return f"  {f.id[:8]}  {f.due}  {f.title}"


def read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None


# -- handlers ----------------------------------------------------------------------------------


def cmd_reject(args: argparse.Namespace, ctx: Context) -> int:
    same = ctx.service.rejection_on(args.company, args.on)
    if same is not None:
        company = ctx.service.name_of("companies", same.company_id)
        print(f"already recorded: {company} said no on {same.day} ({same.id[:8]}); nothing changed")
        return 0
    rec, created = ctx.service.reject(args.company, on=args.on, boss=args.boss, note=args.note)
    ctx.save()
    s = ctx.service
    boss = s.name_of("contacts", rec.contact_id)
    company = s.name_of("companies", rec.company_id)
    print(
        f"rejected by {company} on {rec.day}" + (f" ({boss})" if boss else "")
        + f"; logged {rec.id[:8]}"
    )  # fmt: skip
    if created:
        print(f"the plan: {counted(len(created), 'follow-up')}")
        for f in created:
            print(follow_up_line(f))
    else:
        print("no follow-ups planned (the playbook has no rejection rules; see 'playbook')")
    if not boss:
        print(
            "tip: name the boss (--boss NAME) so the thank-you and check-ins go to a person",
            file=sys.stderr,
        )
    return 0


def cmd_hired(args: argparse.Namespace, ctx: Context) -> int:
    company, created = ctx.service.record_hire(args.company, args.name, args.started)
    ctx.save()
    print(f"turnover watch on {company.name}: {company.hired_name} started {company.hired_started}")
    for f in created:
        print(follow_up_line(f))
    if not created:
        print("no new check-ins (already planned, or the playbook has no 'hired' rules)")
    return 0


def rule_lines(rules: list[Rule]) -> list[str]:
    """One line per rule, grouped by trigger, then what the WHOM words mean."""
    lines: list[str] = []
    width = max((len(r.id) for r in rules), default=0) + 2
    for trigger in TRIGGERS:
        group = [r for r in rules if r.trigger == trigger]
        if not group:
            continue
        lines.append(f"when {TRIGGER_HELP[trigger]}:")
        for r in group:
            sign = "-" if r.trigger in BEFORE_TRIGGERS else "+"
            when = "cadence" if r.offset is None else f"{sign}{r.offset}"
            if r.repeat:
                when += f" every {r.repeat}"
            off = " [off]" if not r.enabled else ""
            lines.append(
                f"  {r.id:<{width}}{when:<14}{r.kind:<13}{r.whom:<18}{r.title}{off}".rstrip()
            )
    used = [w for w in WHOM_HELP if any(r.whom == w for r in rules)]
    if used:
        lines.append("")
        lines.extend(f"{w}: {WHOM_HELP[w]}" for w in used)
    return lines


def cmd_playbook(args: argparse.Namespace, ctx: Context) -> int:
    s = ctx.service
    if args.reset:
        s.reset_rules()
        ctx.save()
        print("the playbook is back to its default rules", file=sys.stderr)
    elif args.load:
        try:
            items = json.loads(read_text(args.load))
        except json.JSONDecodeError as exc:
            raise UsageError(f"{args.load}: not valid JSON ({exc})") from None
        if not isinstance(items, list):
            raise UsageError("the rules must be a JSON array (as 'playbook --json' prints)")
        rules = s.set_rules(items)
        ctx.save()
        print(f"loaded {counted(len(rules), 'rule')}", file=sys.stderr)
    rules, problems = s.rules_and_problems()
    for problem in problems:
        print(f"rebound-tui: warning: {problem}", file=sys.stderr)
    if args.json:
        print_json([rule_to_dict(r) for r in rules])
        return 0
    if not rules:
        print("the playbook is empty: no follow-ups are planned ('playbook --reset' restores it)")
        return 0
    for line in rule_lines(rules):
        print(line)
    return 0


def cmd_draft(args: argparse.Namespace, ctx: Context) -> int:
    s = ctx.service
    f = s.find_follow_up(args.ref)
    d = s.draft(f)
    if args.mailto:
        if not d.mailto:
            who = s.name_of("contacts", f.contact_id)
            raise UsageError(
                f"{who or 'this follow-up'} has no email address"
                + (f": add one with 'rebound-tui edit contact {who!r} --email ...'" if who else "")
            )
        print(d.mailto)
        return 0
    if d.to_email:
        to = f"{d.to_name} <{d.to_email}>" if d.to_name else d.to_email
        print(f"To: {to}")
    sys.stdout.write(d.text)
    return 0


def cmd_template(args: argparse.Namespace, ctx: Context) -> int:
    s = ctx.service
    if args.key is None:
        if args.set:
            raise UsageError("say which template to set: template KEY --set PATH")
        if args.reset:
            s.reset_templates()
            ctx.save()
        changed = s.customised_templates()
        for key in TEMPLATE_KEYS:
            mark = "  (yours)" if key in changed else ""
            print(f"{key:<20} {TEMPLATE_LABELS[key]}{mark}")
        return 0
    if args.key not in TEMPLATE_KEYS:
        raise UsageError(f"unknown template {args.key!r}: use one of {', '.join(TEMPLATE_KEYS)}")
    if args.reset:
        s.reset_templates([args.key])
        ctx.save()
    elif args.set:
        s.set_template(args.key, read_text(args.set))
        ctx.save()
    sys.stdout.write(s.templates()[args.key].rstrip("\n") + "\n")
    return 0
