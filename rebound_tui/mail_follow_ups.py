"""Which open follow-ups the mail the user sent did (for mail_service.py).

An open follow-up of a message kind (thank-you, referral ask, check-in, outreach) for a person is
done by an outgoing email to them sent on or after the day of the event that planned it (the day
it was added, for one added by hand): sent emails logged before count as well as the import's
own, so a rejection recorded after the thank-you went out is matched on the next import. The
pairing itself is domain/mail.py's `match_follow_ups`; a cadence's own check-in is left to the
cadence, which re-times it from the new touch.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rebound_tui.domain import cadence as cadence_mod
from rebound_tui.domain import dates, record
from rebound_tui.domain.clock import ClockError, parse_stamp
from rebound_tui.domain.mail import MESSAGE_KINDS, OpenFollowUp, SentEmail, match_follow_ups
from rebound_tui.domain.model import FollowUp, Interaction
from rebound_tui.domain.playbook import HIRE_EVENT, parse_origin

if TYPE_CHECKING:
    from rebound_tui.service import Service


def _created_day(service: Service, table: str, record_id: str) -> dt.date | None:
    doc = service.db.raw(table).get(record_id) or {}
    try:
        ms = parse_stamp(doc.get(record.CREATED) or "")[0]
    except ClockError:
        return None
    instant = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=ms)
    return dates.local_day_of(instant)


def _start_day(service: Service, f: FollowUp, planned: dict[str, dict[str, Any]]) -> dt.date | None:
    """The day from which an email does `f`: its planning event's day, else the day it was added."""
    origin = parse_origin(f.origin)
    if origin is not None:
        event = origin.event_id
        if event.startswith(HIRE_EVENT):
            try:
                return dates.parse_day_strict(event.rsplit(".", 1)[-1])
            except dates.DateError:
                return None
        doc = service.db.raw(Interaction.TABLE).get(event) or planned.get(event)
        if doc and isinstance(doc.get("day"), str):
            try:
                return dates.parse_day_strict(doc["day"])
            except dates.DateError:
                return None
    return _created_day(service, FollowUp.TABLE, f.id)


def _sent(service: Service, planned: dict[str, dict[str, Any]]) -> list[SentEmail]:
    out = []
    docs: list[tuple[str, dict[str, Any]]] = [
        (i.id, {"kind": i.kind, "day": i.day, "contact_id": i.contact_id, "with_ids": i.with_ids})
        for i in service.interactions()
        if i.direction == "out"
    ]
    for iid, doc in [*docs, *planned.items()]:
        if doc.get("kind") != "email" or (iid in planned and doc.get("direction") != "out"):
            continue
        try:
            day = dates.parse_day_strict(doc.get("day") or "")
        except dates.DateError:
            continue
        people = tuple(p for p in (doc.get("contact_id"), *(doc.get("with_ids") or ())) if p)
        out.append(SentEmail(iid, day, people))
    return out


def follow_ups_done(
    service: Service, planned: dict[str, dict[str, Any]]
) -> list[tuple[FollowUp, SentEmail]]:
    """Open message follow-ups (not a cadence's: the cadence re-times instead) that an outgoing
    email, logged before or planned now, did."""
    candidates = {}
    for f in service.follow_ups():
        if f.kind not in MESSAGE_KINDS or not f.contact_id:
            continue
        if cadence_mod.contact_of(f.origin) is not None:
            continue
        start = _start_day(service, f, planned)
        if start is None:
            continue
        due = dates.parse_day_strict(f.due)
        candidates[f.id] = (f, OpenFollowUp(f.id, f.contact_id, start, due))
    if not candidates:
        return []
    contact_of = {f.id: f.contact_id for f in service.follow_ups(include_closed=True)}
    used = [
        (i.id, contact_of[i.follow_up_id])
        for i in service.interactions()
        if i.follow_up_id and contact_of.get(i.follow_up_id)
    ]
    pairs = match_follow_ups([c[1] for c in candidates.values()], _sent(service, planned), used)
    return [(candidates[o.id][0], email) for o, email in pairs]


def done_line(service: Service, f: FollowUp, email: SentEmail, topic: str | None) -> str:
    who = service.name_of("contacts", f.contact_id) or "?"
    about = f": {topic}" if topic else ""
    return f"{f.title} ({who}), by your email of {email.day.isoformat()}{about}"
