"""Openings on the command line: `opening add|status`, `edit opening`, `delete opening`,
`list openings`.

`edit opening`, `delete opening` and `list openings` hang off the record commands
(cli/records.py calls `register_edit`, `cmd_delete_opening` and `cmd_list_openings`).
"""

from __future__ import annotations

import argparse
from typing import Any

from rebound_tui.cli.context import Context, UsageError, print_json
from rebound_tui.domain.model import OPENING_SOURCES, OPENING_STATUSES, Opening

# The keys of `list openings --json`, exactly (scripts rely on them; issue 15).
JSON_KEYS = (
    "id",
    "company",
    "company_id",
    "title",
    "status",
    "url",
    "location",
    "source",
    "referral",
    "spotted_on",
    "applied_on",
    "deadline",
)
ADD_OPTIONS = ("url", "location", "source", "referral", "on", "deadline", "notes")


def _status(value: str) -> str:
    word = value.strip().lower()
    if word not in OPENING_STATUSES:
        raise argparse.ArgumentTypeError(
            f"bad status {value!r}: use one of {', '.join(OPENING_STATUSES)}"
        )
    return word


def opening_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--url", metavar="URL", help="the posting's address")
    p.add_argument("--location", metavar="L")
    p.add_argument("--source", metavar="S", help=f"one of: {', '.join(OPENING_SOURCES)}")
    p.add_argument("--referral", metavar="NAME", help="the contact who refers you")
    p.add_argument("--on", metavar="DATE", help="the day you spotted it (default: today)")
    p.add_argument("--deadline", metavar="DATE", help="the last day to apply")
    p.add_argument("--notes", metavar="TEXT")
    p.add_argument(
        "--add-company", action="store_true", help="add the company if it is not in the bullpen"
    )


def register(sub: argparse._SubParsersAction) -> None:
    from rebound_tui.cli import add_db_option

    group = sub.add_parser(
        "opening",
        help="add a role at a company, or move it to its next status",
        description="Openings: the roles at bullpen companies, from spotted to an offer.",
    )
    add_db_option(group)
    opening_sub = group.add_subparsers(dest="verb", metavar="add|status", required=True)
    p = opening_sub.add_parser(
        "add",
        help="add an opening (or read it from a job posting page with --from)",
        description="Add an opening at a bullpen company. With --from FILE-OR-URL, title, "
        "company, location, url, posted day and deadline come from the page's schema.org "
        "JobPosting; options given here win.",
    )
    add_db_option(p)
    p.add_argument("company", metavar="COMPANY", nargs="?")
    p.add_argument("title", metavar="TITLE", nargs="?")
    p.add_argument(
        "--from", dest="source_page", metavar="FILE-OR-URL", help="a saved page or an address"
    )
    opening_options(p)
    p.add_argument(
        "--new",
        action="store_true",
        help="add it even though the company has this role already (a second role alike)",
    )
    p.set_defaults(func=cmd_add)

    p = opening_sub.add_parser("status", help="move an opening to a status")
    add_db_option(p)
    p.add_argument("ref", metavar="ID")
    p.add_argument(
        "status", metavar="STATUS", type=_status, help=f"one of: {', '.join(OPENING_STATUSES)}"
    )
    p.add_argument("--on", metavar="DATE", help="when (default: today)")
    p.add_argument("--note", metavar="TEXT")
    p.set_defaults(func=cmd_status)


def register_edit(edit_sub: argparse._SubParsersAction) -> None:
    """`edit opening ID [options of add]`, under the `edit` command."""
    from rebound_tui.cli import add_db_option

    p = edit_sub.add_parser("opening", help="change an opening")
    add_db_option(p)
    p.add_argument("ref", metavar="ID")
    p.add_argument("--title", metavar="T")
    p.add_argument("--company", metavar="NAME")
    opening_options(p)
    p.set_defaults(func=cmd_edit)


# -- handlers ---------------------------------------------------------------------------------
def _given(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def _planned_lines(before: set[str], ctx: Context) -> list[str]:
    return [
        f"planned: {f.title} (due {f.due}, {f.id[:8]})"
        for f in ctx.service.follow_ups()
        if f.id not in before
    ]


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    fields = _given(args, ADD_OPTIONS)
    company, title = args.company, args.title
    by_name = False
    if args.source_page:
        from rebound_tui.io.fetch import read_page
        from rebound_tui.io.jobposting import parse_page

        text, url = read_page(args.source_page)  # InputError: exit 2, nothing written
        posting = parse_page(text, args.source_page, url)
        if not company:
            company, by_name = posting.company, True
        title = title or posting.title
        page = {
            "url": posting.url,
            "location": posting.location,
            "deadline": posting.deadline,
            "posted_on": posting.posted_on,
        }
        fields = {**{k: v for k, v in page.items() if v}, **fields}  # the command line wins
        if not company:
            raise UsageError("the posting does not name the company: give COMPANY")
        if not title:
            raise UsageError("the posting has no title: give TITLE")
    elif not company or not title:
        raise UsageError("give COMPANY and TITLE (or --from FILE-OR-URL)")
    if not args.new:
        refuse_same_opening(ctx, company, by_name, title, fields.get("url"))
    before = {f.id for f in ctx.service.follow_ups()}
    opening = ctx.service.add_opening(
        company, title, add_company=args.add_company, company_by_name=by_name, **fields
    )
    ctx.save()
    name = ctx.service.name_of("companies", opening.company_id)
    print(f"added opening {opening.title} at {name} ({opening.id[:8]})")
    for line in _planned_lines(before, ctx):
        print(line)
    return 0


def refuse_same_opening(
    ctx: Context, company: str, by_name: bool, title: str, url: str | None
) -> None:
    """Exit 2 when the company has this role already (`domain/openings.py`). Adding the same
    page twice with --from is the usual way to get here; --new adds a second role alike."""
    from rebound_tui.domain.openings import same_role
    from rebound_tui.errors import ServiceError

    s = ctx.service
    try:
        co = s.match_company(company) if by_name else s.find_company(company)
    except ServiceError:
        return  # no such company (or several): adding says so
    same = same_role(s.openings(include_closed=True, company=co), title, url)
    if same is not None:
        o, why = same
        raise UsageError(
            f"{co.name} has this role already ({why}): {o.title!r}, {o.status} "
            f"({o.id[:8]}). To change it: rebound-tui edit opening {o.id[:8]}; if it is "
            "a second role, add --new. Nothing saved"
        )


def cmd_status(args: argparse.Namespace, ctx: Context) -> int:
    s = ctx.service
    before = {f.id for f in s.follow_ups()}
    old = s.find_opening(args.ref)
    opening, change = s.set_opening_status(old, args.status, on=args.on, note=args.note)
    ctx.save()
    print(f"{opening.title} ({opening.id[:8]}): {old.status} -> {change.status} on {change.day}")
    for line in _planned_lines(before, ctx):
        print(line)
    return 0


def cmd_edit(args: argparse.Namespace, ctx: Context) -> int:
    changes = {}
    for name in (*ADD_OPTIONS, "title", "company"):
        value = getattr(args, name, None)
        if value is not None:
            changes[name] = value if value != "" else None
    if changes.get("title", "") is None or changes.get("company", "") is None:
        raise UsageError("an opening needs a title and a company: they cannot be cleared")
    if not changes:
        raise UsageError("nothing to change: give at least one option (see 'edit opening -h')")
    opening = ctx.service.edit_opening(args.ref, add_company=args.add_company, **changes)
    ctx.save()
    print(f"changed opening {opening.title} ({opening.id[:8]})")
    return 0


def cmd_delete_opening(args: argparse.Namespace, ctx: Context) -> int:
    opening = ctx.service.delete_opening(args.ref)
    ctx.save()
    print(f"deleted opening {opening.title} ({opening.id[:8]})")
    return 0


def opening_json(ctx: Context, o: Opening) -> dict[str, Any]:
    s = ctx.service
    values = {
        "id": o.id,
        "company": s.name_of("companies", o.company_id),
        "company_id": o.company_id,
        "title": o.title,
        "status": o.status,
        "url": o.url,
        "location": o.location,
        "source": o.source,
        "referral": s.name_of("contacts", o.referral_id),
        "spotted_on": o.spotted_on,
        "applied_on": o.applied_on,
        "deadline": o.deadline,
    }
    return {k: values[k] for k in JSON_KEYS}


def opening_line(ctx: Context, o: Opening) -> str:
    company = ctx.service.name_of("companies", o.company_id) or "?"
    extra = f"  deadline {o.deadline}" if o.deadline and o.is_open else ""
    return f"{o.id[:8]}  {o.status:<12} {o.title}  at {company}{extra}"


def cmd_list_openings(args: argparse.Namespace, ctx: Context) -> int:
    rows = ctx.service.openings(include_closed=args.all)
    if args.json:
        print_json([opening_json(ctx, o) for o in rows])
    else:
        for o in rows:
            print(opening_line(ctx, o))
    return 0
