# Over 400 lines because: one command group (the records' commands): their parsers share the option
# helpers and their handlers the output helpers; splitting by verb would scatter both.
"""Commands on the records: add, edit, delete, log, follow-up, due, done, snooze, drop, list."""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from rebound_tui import display
from rebound_tui.cli import openings
from rebound_tui.cli.context import Context, UsageError, print_json
from rebound_tui.domain import dates
from rebound_tui.domain.model import FOLLOW_UP_KINDS, INTERACTION_KINDS, ROLES, STAGES, Record
from rebound_tui.service import DueItem

LIST_TABLES = {
    "companies": "companies",
    "contacts": "contacts",
    "interactions": "interactions",
    "follow-ups": "followups",
    "openings": "openings",
}


def priority(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 5:
        raise argparse.ArgumentTypeError(f"bad priority {value!r}: use 1 (low) to 5 (high)")
    return number


def company_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--location", metavar="L")
    p.add_argument("--stage", metavar="S", choices=STAGES, help=f"one of: {', '.join(STAGES)}")
    p.add_argument("--priority", metavar="1-5", type=priority)
    p.add_argument("--why", metavar="TEXT", help="why you want to work there")
    p.add_argument("--website", metavar="URL")
    p.add_argument("--notes", metavar="TEXT")


def contact_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--company", metavar="NAME")
    p.add_argument("--title", metavar="T", help="job title, e.g. 'Controller'")
    p.add_argument("--role", metavar="R", choices=ROLES, help=f"one of: {', '.join(ROLES)}")
    p.add_argument("--department", metavar="D")
    p.add_argument("--email", metavar="E")
    p.add_argument("--phone", metavar="P")
    p.add_argument("--linkedin", metavar="URL")
    p.add_argument("--referred-by", metavar="NAME", dest="referred_by_name")
    p.add_argument("--met-how", metavar="TEXT")
    p.add_argument(
        "--met",
        metavar="DATE",
        dest="met_on",
        help="the day you met (a cadence counts from it; default: the day you add them)",
    )
    p.add_argument("--cadence", metavar="6w", help="keep in touch every N days/weeks/months")
    p.add_argument("--notes", metavar="TEXT")


def new_option(p: argparse.ArgumentParser, noun: str) -> None:
    p.add_argument(
        "--new",
        action="store_true",
        help=f"add it even though a {noun} with a close name exists (a different {noun})",
    )


def refuse_near_duplicates(name: str, close: list[Record], noun: str) -> None:
    """Exit 2 when `name` is close to existing records, unless --new was given."""
    if not close:
        return
    listing = "; ".join(f"{r.label!r} ({r.id[:8]})" for r in close)
    raise UsageError(
        f"{name!r} is close to the {noun} {listing}: to mean that one, use its name; "
        f"if it is a different {noun}, add --new. Nothing saved"
    )


COMPANY_FIELDS = ("location", "stage", "priority", "why", "website", "notes")
CONTACT_FIELDS = (
    "company",
    "title",
    "role",
    "department",
    "email",
    "phone",
    "linkedin",
    "referred_by_name",
    "met_how",
    "met_on",
    "cadence",
    "notes",
)


def picked(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    """The options the user gave (an empty string clears a field when editing)."""
    out = {}
    for name in names:
        value = getattr(args, name, None)
        if value is not None:
            out[name] = value if value != "" else None
    return out


def register(sub: argparse._SubParsersAction) -> None:
    from rebound_tui.cli import add_db_option

    def command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        add_db_option(p)
        p.set_defaults(func=func)
        return p

    add = command("add", "add a company or a contact", None)
    add_sub = add.add_subparsers(dest="noun", metavar="company|contact", required=True)
    p = add_sub.add_parser("company", help="add a company to the bullpen")
    add_db_option(p)
    p.add_argument("name", metavar="NAME")
    company_options(p)
    new_option(p, "company")
    p.set_defaults(func=cmd_add_company)
    p = add_sub.add_parser("contact", help="add a person to the network")
    add_db_option(p)
    p.add_argument("name", metavar="NAME")
    contact_options(p)
    new_option(p, "person")
    p.set_defaults(func=cmd_add_contact)

    edit = command("edit", "change a company, a contact or an opening", None)
    edit_sub = edit.add_subparsers(dest="noun", metavar="company|contact|opening", required=True)
    p = edit_sub.add_parser("company", help="change a company")
    add_db_option(p)
    p.add_argument("ref", metavar="NAME-OR-ID")
    p.add_argument("--name", metavar="NEW")
    company_options(p)
    p.set_defaults(func=cmd_edit_company)
    p = edit_sub.add_parser("contact", help="change a contact")
    add_db_option(p)
    p.add_argument("ref", metavar="NAME-OR-ID")
    p.add_argument("--name", metavar="NEW")
    contact_options(p)
    p.set_defaults(func=cmd_edit_contact)
    openings.register_edit(edit_sub)

    p = command(
        "delete", "delete a company, a contact or an opening (leaves a tombstone)", cmd_delete
    )
    p.add_argument(
        "noun", choices=("company", "contact", "opening"), metavar="company|contact|opening"
    )
    p.add_argument("ref", metavar="NAME-OR-ID")

    p = command("log", "record something that happened", cmd_log)
    p.add_argument(
        "kind",
        metavar="KIND",
        choices=INTERACTION_KINDS,
        help=f"one of: {', '.join(INTERACTION_KINDS)}",
    )
    p.add_argument("--company", metavar="NAME")
    p.add_argument("--contact", metavar="NAME")
    p.add_argument("--on", metavar="DATE", help="when (default: today; 'friday': the last one)")
    p.add_argument("--note", metavar="TEXT", help="private: never put in a message")
    p.add_argument(
        "--topic",
        metavar="TEXT",
        help="a talking point a later message may mention ('Last time we spoke about TEXT')",
    )
    p.add_argument(
        "--anyway", action="store_true", help="go ahead even if the cool-off guard says wait"
    )

    p = command("follow-up", "add something to do on a day", cmd_follow_up)
    p.add_argument("title", metavar="TITLE")
    p.add_argument("--on", metavar="DATE", required=True, help="due date (e.g. friday, 2w)")
    p.add_argument("--company", metavar="NAME")
    p.add_argument("--contact", metavar="NAME")
    p.add_argument("--priority", metavar="1-5", type=priority)
    p.add_argument(
        "--kind",
        metavar="K",
        choices=FOLLOW_UP_KINDS,
        default="todo",
        help=f"what it is, so 'done' logs the right thing: one of {', '.join(FOLLOW_UP_KINDS)}",
    )

    p = command("due", "what is due today (or on DATE), overdue first", cmd_due)
    p.add_argument("--on", metavar="DATE")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--count", action="store_true", help="print only the number of items")

    p = command("done", "mark a follow-up done and log it", cmd_done)
    p.add_argument("ref", metavar="ID")
    p.add_argument("--note", metavar="TEXT")
    p.add_argument("--on", metavar="DATE", help="when you did it (default: today; not later)")
    p.add_argument(
        "--anyway", action="store_true", help="go ahead even if the cool-off guard says wait"
    )

    p = command("snooze", "push a follow-up to a later day", cmd_snooze)
    p.add_argument("ref", metavar="ID")
    p.add_argument("--until", metavar="DATE", required=True)

    p = command("reschedule", "move a follow-up to another day", cmd_reschedule)
    p.add_argument("ref", metavar="ID")
    p.add_argument("--on", metavar="DATE", required=True)

    p = command("drop", "drop a follow-up without doing it", cmd_drop)
    p.add_argument("ref", metavar="ID")
    p.add_argument("--note", metavar="TEXT")

    p = command("list", "list records", cmd_list)
    p.add_argument("what", choices=tuple(LIST_TABLES), metavar="|".join(LIST_TABLES))
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument(
        "--all",
        action="store_true",
        help="follow-ups: include done and dropped; openings: include finished ones",
    )


# -- handlers ---------------------------------------------------------------------------------


def say(text: str) -> None:
    """One item per line: a line break or a control character in a name is shown escaped."""
    print(display.line(text, limit=None))


def cmd_add_company(args: argparse.Namespace, ctx: Context) -> int:
    if not args.new:
        refuse_near_duplicates(args.name, ctx.service.similar_companies(args.name), "company")
    company = ctx.service.add_company(args.name, **picked(args, COMPANY_FIELDS))
    ctx.save()
    say(f"added company {company.name} ({company.id[:8]})")
    hint_reject(ctx, company)
    return 0


def cmd_add_contact(args: argparse.Namespace, ctx: Context) -> int:
    if not args.new:
        refuse_near_duplicates(args.name, ctx.service.similar_contacts(args.name), "contact")
    contact = ctx.service.add_contact(args.name, **picked(args, CONTACT_FIELDS))
    ctx.save()
    say(f"added contact {contact.name} ({contact.id[:8]})")
    return 0


def _edit(args: argparse.Namespace, ctx: Context, names: tuple[str, ...], edit) -> int:
    changes = picked(args, names)
    if args.name is not None:
        changes["name"] = args.name
    if not changes:
        raise UsageError(f"nothing to change: give at least one option (see 'edit {args.noun} -h')")
    record = edit(args.ref, **changes)
    ctx.save()
    say(f"changed {args.noun} {record.label} ({record.id[:8]})")
    return 0


def cmd_edit_company(args: argparse.Namespace, ctx: Context) -> int:
    code = _edit(args, ctx, COMPANY_FIELDS, ctx.service.edit_company)
    if args.stage == "rejected":
        hint_reject(ctx, ctx.service.find_company(args.name or args.ref))
    return code


def hint_reject(ctx: Context, company: Any) -> None:
    """Stage 'rejected' set by hand starts no plan: say which command does."""
    if company.stage != "rejected" or any(
        i.kind == "rejection" and i.company_id == company.id for i in ctx.service.interactions()
    ):
        return
    ref = company.name if company.name.isprintable() else company.id[:8]
    print(
        f"tip: to start the plan (thank-you, referral ask, check-ins), record the no: "
        f"rebound-tui reject {shlex.quote(ref)} --on DATE --boss NAME",
        file=sys.stderr,
    )


def cmd_edit_contact(args: argparse.Namespace, ctx: Context) -> int:
    return _edit(args, ctx, CONTACT_FIELDS, ctx.service.edit_contact)


def cmd_delete(args: argparse.Namespace, ctx: Context) -> int:
    if args.noun == "opening":
        return openings.cmd_delete_opening(args, ctx)
    s = ctx.service
    record = s.delete_company(args.ref) if args.noun == "company" else s.delete_contact(args.ref)
    ctx.save()
    say(f"deleted {args.noun} {record.label} ({record.id[:8]})")
    return 0


def cmd_log(args: argparse.Namespace, ctx: Context) -> int:
    from rebound_tui.cli.playbook import guard_cooloff

    guard_cooloff(
        ctx.service,
        anyway=args.anyway,
        kind=args.kind,
        contact=args.contact,
        company=args.company,
        on=args.on,
    )
    rec = ctx.service.log(
        args.kind,
        company=args.company,
        contact=args.contact,
        on=args.on,
        note=args.note,
        topic=args.topic,
    )
    ctx.save()
    say(f"logged {rec.kind} on {rec.day} ({rec.id[:8]})")
    return 0


def cmd_follow_up(args: argparse.Namespace, ctx: Context) -> int:
    f = ctx.service.add_follow_up(
        args.title,
        due=args.on,
        company=args.company,
        contact=args.contact,
        priority=args.priority,
        kind=args.kind,
    )
    ctx.save()
    warn(ctx.service.overdue_warning(f))
    say(f"follow-up {f.id[:8]} due {f.due}: {f.title}")
    return 0


def due_line(item: DueItem, today) -> str:
    f = item.follow_up
    who = " · ".join(
        x
        for x in (
            item.contact.name if item.contact else None,
            item.company.name if item.company else None,
        )
        if x
    )
    when = dates.describe_due(dates.parse_day_strict(f.due), today)
    return f"{f.id[:8]}  {f.due}  {when:<12} {f.title}" + (f"  [{who}]" if who else "")


def due_json(item: DueItem) -> dict[str, Any]:
    f = item.follow_up
    return {
        "id": f.id,
        "due": f.due,
        "title": f.title,
        "kind": f.kind,
        "company": item.company.name if item.company else None,
        "company_id": f.company_id,
        "contact": item.contact.name if item.contact else None,
        "contact_id": f.contact_id,
        "overdue": item.overdue,
        "days_overdue": max(item.days_overdue, 0),
        "priority": item.importance,
    }


def cmd_due(args: argparse.Namespace, ctx: Context) -> int:
    s = ctx.service
    items = s.due(args.on)
    if args.count:
        say(str(len(items)))
    elif args.json:
        print_json([due_json(i) for i in items])
    else:
        on = dates.parse_day_strict(s.day(args.on) or "")
        for item in items:
            say(due_line(item, on))
    return 0


def warn(text: str | None) -> None:
    if text:
        print(f"rebound-tui: warning: {text}", file=sys.stderr)


def cmd_done(args: argparse.Namespace, ctx: Context) -> int:
    from rebound_tui.cli.playbook import guard_cooloff
    from rebound_tui.service import DONE_LOGS_AS

    s = ctx.service
    f = s.find_follow_up(args.ref)
    contact = s.contact(f.contact_id)
    if f.is_open and contact is not None:
        guard_cooloff(
            s,
            anyway=args.anyway,
            kind=DONE_LOGS_AS.get(f.kind, "note"),
            contact=contact,
            company=s.company(f.company_id),
            on=args.on,
        )
    f, logged = s.complete(f, note=args.note, on=args.on)
    ctx.save()
    extra = f" and logged {logged.kind}" if logged else ""
    say(f"done: {f.title} ({f.id[:8]}){extra}")
    return 0


def cmd_snooze(args: argparse.Namespace, ctx: Context) -> int:
    f = ctx.service.snooze(args.ref, args.until)
    ctx.save()
    say(f"snoozed until {f.due}: {f.title} ({f.id[:8]})")
    return 0


def cmd_reschedule(args: argparse.Namespace, ctx: Context) -> int:
    f = ctx.service.reschedule(args.ref, args.on)
    ctx.save()
    warn(ctx.service.overdue_warning(f))
    say(f"rescheduled to {f.due}: {f.title} ({f.id[:8]})")
    return 0


def cmd_drop(args: argparse.Namespace, ctx: Context) -> int:
    f = ctx.service.drop(args.ref, note=args.note)
    ctx.save()
    say(f"dropped: {f.title} ({f.id[:8]})")
    return 0


def flat(record: Record, **extra: Any) -> dict[str, Any]:
    out = {"id": record.id, **record.to_fields(), **extra}
    return out


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    if args.what == "openings":
        return openings.cmd_list_openings(args, ctx)
    s = ctx.service
    if args.what == "companies":
        rows = s.companies()
        lines = [
            f"{c.id[:8]}  {c.name}  [{c.stage}, p{c.priority}]"
            + (f"  {c.location}" if c.location else "")
            for c in rows
        ]
    elif args.what == "contacts":
        rows = s.contacts()
        lines = []
        for c in rows:
            company = s.name_of("companies", c.company_id)
            bits = [x for x in (c.title, company) if x]
            lines.append(f"{c.id[:8]}  {c.name}" + (f"  ({', '.join(bits)})" if bits else ""))
    elif args.what == "interactions":
        rows = s.interactions()
        lines = []
        for i in rows:
            who = ", ".join(
                x
                for x in (s.name_of("contacts", i.contact_id), s.name_of("companies", i.company_id))
                if x
            )
            kind = f"{i.kind} {i.direction}" if i.direction else i.kind
            about = i.note or i.topic  # an imported email has its subject as its topic
            lines.append(f"{i.id[:8]}  {i.day}  {kind:<18} {who}" + (f"  {about}" if about else ""))
    else:
        rows = s.follow_ups(include_closed=args.all)
        lines = []
        for f in rows:
            who = ", ".join(
                x
                for x in (s.name_of("contacts", f.contact_id), s.name_of("companies", f.company_id))
                if x
            )
            status = f" [{f.status}]" if args.all else ""
            lines.append(f"{f.id[:8]}  {f.due}  {f.title}{status}" + (f"  ({who})" if who else ""))
    if args.json:
        print_json([flat(r) for r in rows])
    else:
        for line in lines:
            say(line)
    return 0
