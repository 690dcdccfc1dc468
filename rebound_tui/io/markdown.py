"""A readable report to share with a career coach or print: bullpen, roles, network, due,
activity.

Plain Markdown (tables and lists) that reads well as text too; names are escaped so a company
called `*NSYNC` or a note with a `|` cannot break the layout, and control characters are shown
as escapes like everywhere else (a report is read in a terminal too).
"""

from __future__ import annotations

import datetime as dt
import re

from rebound_tui import display, insights_report
from rebound_tui.domain import dates
from rebound_tui.domain.model import Contact
from rebound_tui.io import openings_out
from rebound_tui.plural import counted
from rebound_tui.service import DueItem, Service

DUE_AHEAD_DAYS = 14
RECENT_DAYS = 30
_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")


def md(text: object) -> str:
    """Text safe inside a Markdown line or table cell: on one line, control, bidirectional
    and invisible characters shown as escapes (`\\x1b`, the display rule), then Markdown's
    special characters escaped."""
    one_line = display.line(" ".join(str(text).split()), limit=None)
    return _SPECIAL.sub(r"\\\1", one_line)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return out


def _person(c: Contact) -> str:
    bits = [md(x) for x in (c.title,) if x]
    extra = [md(x) for x in (c.role, c.department) if x]
    if extra:
        bits.append(f"({', '.join(extra)})")
    return f"**{md(c.name)}**" + (" — " + " ".join(bits) if bits else "")


def _due_line(item: DueItem, today: dt.date) -> str:
    f = item.follow_up
    when = dates.describe_due(dates.parse_day_strict(f.due), today)
    names = [x.name for x in (item.contact, item.company) if x is not None]
    who = ", ".join(md(x) for x in names)
    return f"- {f.due} ({when}): {md(f.title)}" + (f" · {who}" if who else "")


def report(service: Service) -> str:
    """The whole report as Markdown text."""
    today = service.today()
    today_s = dates.format_day(today)
    companies = service.companies()
    contacts = service.contacts()
    interactions = service.interactions()
    open_items = service.follow_ups()

    last_touch: dict[str, str] = {}
    person_touch: dict[str, str] = {}
    for i in interactions:  # sorted by day: the last one wins
        if i.company_id:
            last_touch[i.company_id] = i.day
        if i.contact_id:
            person_touch[i.contact_id] = i.day
    next_due: dict[str, str] = {}
    for f in open_items:  # sorted by due: the first one wins
        if f.company_id:
            next_due.setdefault(f.company_id, f.due)
    people: dict[str | None, list[Contact]] = {}
    for c in contacts:
        people.setdefault(c.company_id if service.company(c.company_id) else None, []).append(c)

    out = [f"# Rebound report, {today_s}", ""]
    out += [
        f"{counted(len(companies), 'company')} in the bullpen, "
        f"{counted(len(contacts), 'person')} in the network, "
        f"{counted(len(open_items), 'open follow-up')}.",
        "",
    ]

    out += ["## Bullpen status", ""]
    if companies:
        order = sorted(companies, key=lambda c: (-c.priority, c.name.lower()))
        out += _table(
            ["Company", "Stage", "Priority", "Location", "People", "Last touch", "Next follow-up"],
            [
                [
                    md(c.name),
                    c.stage,
                    str(c.priority),
                    md(c.location or ""),
                    str(len(people.get(c.id, []))),
                    last_touch.get(c.id, "never"),
                    next_due.get(c.id, "none"),
                ]
                for c in order
            ],
        )
    else:
        out.append("No companies yet.")
    out.append("")

    out += openings_out.markdown_lines(service, md)

    out += ["## Network by company", ""]
    if not contacts:
        out += ["No contacts yet.", ""]
    groups = [(c.name, c.stage, people[c.id]) for c in companies if c.id in people]
    if None in people:
        groups.append(("No company", None, people[None]))
    for name, stage, group in groups:
        out += [f"### {md(name)}" + (f" ({stage})" if stage else ""), ""]
        for c in group:
            touch = person_touch.get(c.id)
            out.append(f"- {_person(c)}" + (f" · last touch {touch}" if touch else ""))
        out.append("")

    out += ["## What is due", ""]
    items = service.due(today, within_days=DUE_AHEAD_DAYS)
    sections = [
        ("Overdue", [i for i in items if i.days_overdue > 0]),
        ("Today", [i for i in items if i.days_overdue == 0]),
        (f"Next {DUE_AHEAD_DAYS} days", [i for i in items if i.days_overdue < 0]),
    ]
    if not items:
        out += [f"Nothing due in the next {DUE_AHEAD_DAYS} days.", ""]
    for title, group in sections:
        if group:
            if title.startswith("Next"):
                group = sorted(group, key=lambda i: (i.follow_up.due, i.follow_up.title.lower()))
            out += [f"### {title}", ""]
            out += [_due_line(i, today) for i in group]
            out.append("")

    since = dates.format_day(today - dt.timedelta(days=RECENT_DAYS))
    recent = [i for i in interactions if since <= i.day <= today_s][::-1]
    out += [f"## Recent activity (last {RECENT_DAYS} days)", ""]
    if not recent:
        out.append("Nothing logged.")
    for i in recent:
        who = ", ".join(
            md(x)
            for x in (
                service.name_of("contacts", i.contact_id),
                service.name_of("companies", i.company_id),
            )
            if x
        )
        kind = {"out": f"{i.kind} sent", "in": f"{i.kind} received"}.get(i.direction or "", i.kind)
        line = f"- {i.day} {kind}" + (f" with {who}" if who else "")
        about = i.note or i.topic  # an imported email: its subject
        out.append(line + (f": {md(about)}" if about else ""))
    out.append("")

    out += ["## Insights", ""]
    out += insights_report.lines(service.insights(today), text=md, markdown=True)
    out.append("")
    return "\n".join(out)


def export_markdown(service: Service) -> bytes:
    return report(service).encode("utf-8")
