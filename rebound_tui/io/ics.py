"""Open follow-ups, and the deadlines of open openings, as an iCalendar feed (RFC 5545), written
with the `icalendar` library.

Meant to be written into a synced folder and subscribed to from a calendar app. So the output is
stable: each follow-up keeps the UID `<id>@rebound-tui` (re-exporting updates entries instead of
duplicating them), and DTSTAMP, LAST-MODIFIED and SEQUENCE come from the record's own change
stamps, not from the clock, so exporting unchanged data writes the same bytes (no sync churn).
Follow-ups that are done or dropped leave the feed, and with it the calendar.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar

from rebound_tui.domain import record
from rebound_tui.domain.clock import ClockError, parse_stamp
from rebound_tui.domain.model import FollowUp
from rebound_tui.io import openings_out
from rebound_tui.service import Service, ServiceError

PRODID = "-//rebound-tui//rebound-tui follow-ups//EN"
UID_DOMAIN = "rebound-tui"
CALENDAR_NAME = "rebound-tui follow-ups"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Our priority 5 (high) .. 1 (low) as iCalendar's 1 (highest) .. 9 (lowest).
ICAL_PRIORITY = {5: 1, 4: 3, 3: 5, 2: 7, 1: 9}
REFRESH = dt.timedelta(hours=1)


class Text(icalendar.vText):
    """A TEXT value escaped as RFC 5545 says (3.3.11) and nothing more.

    icalendar's own escaping first turns a literal backslash-N in the text into a line break (a
    leniency for hand-written input), so a title like `C:\\New` would come back changed.
    """

    def to_ical(self) -> bytes:
        text = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n").encode()


def uid_of(follow_up: FollowUp) -> str:
    return f"{follow_up.id}@{UID_DOMAIN}"


def _instant(stamp: str | None) -> dt.datetime | None:
    if not stamp:
        return None
    try:
        ms = parse_stamp(stamp)[0]
    except ClockError:
        return None
    return (EPOCH + dt.timedelta(milliseconds=ms)).replace(microsecond=0)


def _times(service: Service, follow_up: FollowUp) -> tuple[dt.datetime, dt.datetime, int]:
    """(created, last modified, sequence) from the record's stamps.

    SEQUENCE is the seconds between creation and the last change: 0 for a new follow-up and
    growing with every revision, which is all RFC 5545 asks of it.
    """
    doc = service.db.raw(FollowUp.TABLE).get(follow_up.id) or {}
    created = _instant(doc.get(record.CREATED)) or EPOCH
    changed = _instant(record.last_change(doc)) or created
    sequence = max(0, int((changed - created).total_seconds()))
    return created, changed, min(sequence, 2**31 - 1)


def draft_text(service: Service, follow_up: FollowUp) -> str | None:
    """The playbook's message draft for a follow-up, when the service can write one."""
    draft = getattr(service, "draft", None)
    if draft is None:
        return None
    try:
        result: Any = draft(follow_up)
    except (ServiceError, LookupError, ValueError):
        return None
    if result is None or isinstance(result, str):
        return result or None
    text = getattr(result, "text", None)
    return str(text).strip() if text else None


def description(service: Service, follow_up: FollowUp) -> str:
    contact = service.name_of("contacts", follow_up.contact_id)
    company = service.name_of("companies", follow_up.company_id)
    person = service.contact(follow_up.contact_id)
    lines = [f"{follow_up.kind}: {follow_up.title}"]
    if contact:
        details = [x for x in (person.title, person.email, person.phone) if x] if person else []
        lines.append(f"Contact: {contact}" + (f" ({', '.join(details)})" if details else ""))
    if company:
        lines.append(f"Company: {company}")
    if follow_up.note:
        lines.append(f"Note: {follow_up.note}")
    if text := draft_text(service, follow_up):
        lines += ["", "Draft:", text]
    lines += ["", f"rebound-tui done {follow_up.id[:8]}"]
    return "\n".join(lines)


def _component(service: Service, follow_up: FollowUp, todos: bool) -> icalendar.Component:
    day = dt.date.fromisoformat(follow_up.due)
    created, changed, sequence = _times(service, follow_up)
    item: icalendar.Component = icalendar.Todo() if todos else icalendar.Event()
    item.add("uid", uid_of(follow_up))
    item.add("dtstamp", changed)
    item.add("created", created)
    item.add("last-modified", changed)
    item.add("sequence", sequence)
    item.add("summary", Text(follow_up.title))
    item.add("description", Text(description(service, follow_up)))
    if todos:
        item.add("due", day)  # a DATE: due that day (no DTSTART: RFC 5545 wants DUE after it)
        item.add("status", "NEEDS-ACTION")
    else:
        item.add("dtstart", day)  # a DATE: an all-day event
        item.add("dtend", day + dt.timedelta(days=1))  # exclusive: a one-day event
        item.add("transp", "TRANSPARENT")  # a reminder, not a busy day
    item.add("categories", [follow_up.kind])
    if follow_up.priority is not None:
        item.add("priority", ICAL_PRIORITY.get(follow_up.priority, 0))
    return item


def export_ics(service: Service, *, todos: bool = False) -> bytes:
    """The open follow-ups as an iCalendar file: all-day events, or to-dos with `todos`."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", CALENDAR_NAME)
    # How often subscribers should look again (RFC 7986, and the older name most clients read).
    cal.add("refresh-interval", icalendar.vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for follow_up in sorted(service.follow_ups(), key=lambda f: (f.due, f.id)):
        cal.add_component(_component(service, follow_up, todos))
    for item in openings_out.deadlines(service):
        cal.add_component(_deadline(service, *item, todos=todos))
    return cal.to_ical()


def _deadline(service: Service, opening, day, created, changed, *, todos: bool):
    """An open opening's deadline: an all-day event (or a to-do due that day)."""
    company = service.name_of("companies", opening.company_id) or "?"
    created_at = _instant(created) or EPOCH
    changed_at = _instant(changed) or created_at
    item: icalendar.Component = icalendar.Todo() if todos else icalendar.Event()
    item.add("uid", f"deadline-{opening.id}@{UID_DOMAIN}")
    item.add("dtstamp", changed_at)
    item.add("created", created_at)
    item.add("last-modified", changed_at)
    item.add("sequence", min(max(0, int((changed_at - created_at).total_seconds())), 2**31 - 1))
    item.add("summary", Text(f"Deadline: {opening.title} at {company}"))
    lines = [f"Apply by {opening.deadline} ({opening.status})."]
    if opening.url:
        lines.append(opening.url)
    lines += ["", f"rebound-tui opening status {opening.id[:8]} applied"]
    item.add("description", Text("\n".join(lines)))
    if todos:
        item.add("due", day)
        item.add("status", "NEEDS-ACTION")
    else:
        item.add("dtstart", day)
        item.add("dtend", day + dt.timedelta(days=1))
        item.add("transp", "TRANSPARENT")
    item.add("categories", ["deadline"])
    return item
