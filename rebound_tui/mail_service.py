"""Mail that logs itself: messages exchanged with contacts become `email` interactions.

`import_mail(service, messages, ...)` takes the messages a reader streams (io/mail.py for files,
io/imap.py for a server) and, in one pass with memory bounded by what matches:

- logs an `email` interaction for each message whose correspondents (From, To, Cc, Bcc; the
  user's own addresses excluded) include a contact's address: the local day of its Date, its
  direction (`out` sent by the user, `in` received), the subject as its topic, its Message-ID.
  The record id comes from the message (domain/mail.py), so a message is never logged twice:
  not on a re-import, and not by two machines that import the same mailbox and then sync;
- re-times the cadences of the people it touched, and marks done each open message follow-up
  (thank-you, referral ask, check-in, outreach) that an outgoing email did;
- reports correspondents who are not contacts but write from a bullpen company's website domain,
  and with `add_people` adds them as contacts there (their id, too, comes from their address).

Everything is ONE undoable action: a failure half-way writes nothing. A dry run writes nothing
and reports the same. The caller saves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rebound_tui.domain import cadence as cadence_mod
from rebound_tui.domain import dates, record
from rebound_tui.domain.clock import ClockError, parse_stamp
from rebound_tui.domain.mail import (
    MESSAGE_KINDS,
    Broken,
    MailMessage,
    OpenFollowUp,
    SentEmail,
    domain_of,
    email_key,
    interaction_id,
    match_follow_ups,
    one_line,
    website_domain,
)
from rebound_tui.domain.model import (
    Company,
    Contact,
    FollowUp,
    Interaction,
    ValidationError,
    check_email,
)
from rebound_tui.domain.playbook import parse_origin
from rebound_tui.errors import ServiceError
from rebound_tui.playbook_service import HIRE_EVENT
from rebound_tui.undo import action

if TYPE_CHECKING:
    from rebound_tui.service import Service

Progress = Callable[[int, int], None]

MY_EMAILS_SETTING = "my_emails"
IMAP_SETTING = "imap"
HOW_TO_SET_ME = (
    "say which email addresses are yours, so sent mail is told from received: --me "
    "you@example.com (repeat it for each address), or save them once under 'My email "
    "addresses' in the dashboard's settings (S, then 4 Mail)"
)
BEFORE_SINCE = "before --since"
CONTACT_NAMESPACE = "rebound-tui mail contact\0"


def my_addresses(service: Service, given: Iterable[str] | None = None) -> list[str]:
    """The user's addresses: `given` (e.g. --me), else the setting; ServiceError when none or
    one is not an address."""
    raw = list(given or []) or stored_addresses(service)
    out = []
    for address in raw:
        key = email_key(address)
        try:
            check_email(key)
        except ValidationError as exc:
            raise ServiceError(f"{exc} (one of your addresses)") from None
        out.append(key)
    if not out:
        raise ServiceError(HOW_TO_SET_ME)
    return list(dict.fromkeys(out))


def set_my_addresses(service: Service, addresses: Iterable[str]) -> list[str]:
    """Save the user's addresses (checked; an empty list clears the setting)."""
    keys = [email_key(a) for a in addresses if email_key(a)]
    for key in keys:
        try:
            check_email(key)
        except ValidationError as exc:
            raise ServiceError(str(exc)) from None
    keys = list(dict.fromkeys(keys))
    service.set_setting(MY_EMAILS_SETTING, keys)
    return keys


def stored_addresses(service: Service) -> list[str]:
    stored = service.setting(MY_EMAILS_SETTING)
    return [a for a in stored if isinstance(a, str)] if isinstance(stored, list) else []


IMAP_FIELDS = ("host", "port", "user", "password_command")


def imap_settings(service: Service) -> dict[str, Any]:
    """The saved IMAP account (host, port, user, password command; never a password), with
    values of the wrong type left out."""
    stored = service.setting(IMAP_SETTING)
    if not isinstance(stored, dict):
        return {}
    out: dict[str, Any] = {}
    for key in ("host", "user", "password_command"):
        if isinstance(stored.get(key), str) and stored[key].strip():
            out[key] = stored[key].strip()
    port = stored.get("port")
    if isinstance(port, int) and not isinstance(port, bool) and 0 < port < 65536:
        out["port"] = port
    return out


def set_imap_settings(service: Service, **values: Any) -> dict[str, Any]:
    """Save the IMAP account; unknown keys (a password!) are refused."""
    unknown = set(values) - set(IMAP_FIELDS)
    if unknown:
        raise ServiceError(f"not an IMAP setting: {', '.join(sorted(unknown))}")
    port = values.get("port")
    if port is not None and (
        not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536
    ):
        raise ServiceError(f"bad port {port!r}: use a port number such as 993 or 143")
    clean = {k: v for k, v in values.items() if v not in (None, "")}
    service.set_setting(IMAP_SETTING, clean)
    return imap_settings(service)


def contact_id_for(address: str) -> str:
    """The record id of a contact added from an address: the same on every machine."""
    return hashlib.sha256((CONTACT_NAMESPACE + email_key(address)).encode()).hexdigest()[:32]


# -- the summary -----------------------------------------------------------------------------------
@dataclass
class MailSummary:
    """What a mail import did (or, in a dry run, would do)."""

    source: str
    dry_run: bool = False
    read: int = 0
    matched: int = 0
    logged: int = 0
    known: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    done: list[str] = field(default_factory=list)  # follow-ups an outgoing email did
    # Not contacts, but at a bullpen company's domain: address -> (name, company, messages).
    strangers: dict[str, list[Any]] = field(default_factory=dict)
    people_added: list[str] = field(default_factory=list)
    retimed: int = 0

    @property
    def counts(self) -> str:
        skipped = sum(self.skipped.values())
        return (
            f"read {self.read}, matched {self.matched}, logged {self.logged}, "
            f"already known {self.known}, skipped {skipped}"
        )

    @property
    def describe(self) -> str:
        return f"import mail from {self.source}: {self.logged} email(s) logged"

    def lines(self, limit: int = 20) -> list[str]:
        head = f"mail import from {self.source}"
        head += " (dry run: nothing was written)" if self.dry_run else ""
        out = [f"{head}: {self.counts}"]
        if self.skipped:
            reasons = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items()))
            out.append(f"skipped: {reasons}")
        for line in self.done[:limit]:
            out.append(f"done: {line}")
        if len(self.done) > limit:
            out.append(f"  ... and {len(self.done) - limit} more follow-ups done")
        if self.retimed:
            out.append(f"check-ins re-timed: {self.retimed}")
        if self.people_added:
            out.append(f"people added ({len(self.people_added)}): " + ", ".join(self.people_added))
        elif self.strangers:
            out.append(
                f"people at bullpen companies you exchanged mail with ({len(self.strangers)}; "
                "--add-people adds them as contacts):"
            )
            ranked = sorted(self.strangers.items(), key=lambda kv: (-kv[1][2], kv[0]))
            for address, (name, company, count) in ranked[:limit]:
                who = f"{name} <{address}>" if name else address
                out.append(f"  {who} at {company}: {count} message(s)")
            if len(ranked) > limit:
                out.append(f"  ... and {len(ranked) - limit} more")
        return out


# -- planning --------------------------------------------------------------------------------------
@dataclass
class MailPlan:
    summary: MailSummary
    interactions: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> fields
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> fields (new)


class _Planner:
    def __init__(
        self, service: Service, me: list[str], source: str, since: str | None, add_people: bool
    ) -> None:
        self.service = service
        self.me = set(me)
        self.since = since
        self.add_people = add_people
        self.plan = MailPlan(MailSummary(source))
        self.by_email: dict[str, Contact] = {}
        for c in service.contacts():
            if c.email:
                self.by_email.setdefault(email_key(c.email), c)
        self.sites: dict[str, Company] = {}
        for co in service.companies():
            if site := website_domain(co.website):
                self.sites.setdefault(site, co)
        self.tz = dates.local_tz()  # once: looking the zone up per message costs more than parsing
        self.known_ids = set(service.db.raw(Interaction.TABLE))  # deleted ones too: respected
        self.known_mids = {i.message_id for i in service.interactions() if i.message_id}
        self.taken_names = {c.name.strip().lower() for c in service.contacts()}
        self.deleted_contacts = {
            i for i, doc in service.db.raw(Contact.TABLE).items() if not record.is_live(doc)
        }

    def _company_of(self, address: str) -> Company | None:
        """The bullpen company whose website domain the address is at (or a subdomain of it)."""
        labels = domain_of(address).split(".")
        for start in range(len(labels) - 1):  # mail.acme.example, then acme.example
            company = self.sites.get(".".join(labels[start:]))
            if company is not None:
                return company
        return None

    def _stranger(self, address: str, names: dict[str, str]) -> str | None:
        """A correspondent who is no contact: reported when at a bullpen domain; with
        `add_people`, planned as a new contact (whose id is returned)."""
        company = self._company_of(address)
        if company is None:
            return None
        summary = self.plan.summary
        entry = summary.strangers.setdefault(address, [names.get(address, ""), company.name, 0])
        entry[2] += 1
        if not entry[0] and names.get(address):
            entry[0] = names[address]
        if not self.add_people:
            return None
        cid = contact_id_for(address)
        if cid in self.deleted_contacts:
            return None  # the user deleted them once: not brought back
        if cid not in self.plan.contacts:
            name = one_line(names.get(address), limit=120) or address
            if name.lower() in self.taken_names:
                name = f"{name} ({address})"
            if name.lower() in self.taken_names:
                return None
            self.taken_names.add(name.lower())
            self.plan.contacts[cid] = {"name": name, "company_id": company.id, "email": address}
            summary.people_added.append(f"{name} at {company.name}")
        return cid

    def message(self, msg: MailMessage | Broken) -> None:
        summary = self.plan.summary
        summary.read += 1
        if isinstance(msg, Broken):
            summary.skipped[msg.reason] += 1
            return
        try:
            day = msg.when.astimezone(self.tz).date().isoformat()
        except (ValueError, OverflowError):
            summary.skipped["broken or missing Date"] += 1
            return
        if self.since and day < self.since:
            summary.skipped[BEFORE_SINCE] += 1
            return
        outgoing = msg.sender in self.me
        others = [a for a in dict.fromkeys((msg.sender, *msg.recipients)) if a not in self.me]
        names = dict(msg.names)
        people: list[str] = []
        companies: list[str | None] = []
        for address in others:
            contact = self.by_email.get(address)
            if contact is not None:
                people.append(contact.id)
                companies.append(contact.company_id)
            elif (cid := self._stranger(address, names)) is not None:
                people.append(cid)
                companies.append(self.plan.contacts[cid]["company_id"])
        if not people:
            return
        summary.matched += 1
        iid = interaction_id(msg.key)
        if (
            iid in self.known_ids
            or iid in self.plan.interactions
            or (msg.message_id and msg.message_id in self.known_mids)
        ):
            summary.known += 1
            return
        people = list(dict.fromkeys(people))
        fields: dict[str, Any] = {
            "kind": "email",
            "day": day,
            "contact_id": people[0],
            "direction": "out" if outgoing else "in",
        }
        company_id = next((c for c in companies if c), None)
        if company_id:
            fields["company_id"] = company_id
        if len(people) > 1:
            fields["with_ids"] = people[1:]
        if msg.subject:
            fields["topic"] = msg.subject
        if msg.message_id:
            fields["message_id"] = msg.message_id
        Interaction(**fields).validate()
        self.plan.interactions[iid] = fields
        summary.logged += 1


def plan_mail(
    service: Service,
    messages: Iterable[MailMessage | Broken],
    *,
    me: list[str],
    source: str,
    since: str | None = None,
    add_people: bool = False,
) -> MailPlan:
    planner = _Planner(service, me, source, since, add_people)
    for msg in messages:
        planner.message(msg)
    summary = planner.plan.summary
    if not add_people:
        summary.people_added = []
    return planner.plan


# -- follow-ups an outgoing email did --------------------------------------------------------------
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


def _done_line(service: Service, f: FollowUp, email: SentEmail, topic: str | None) -> str:
    who = service.name_of("contacts", f.contact_id) or "?"
    about = f": {topic}" if topic else ""
    return f"{f.title} ({who}), by your email of {email.day.isoformat()}{about}"


# -- writing ---------------------------------------------------------------------------------------
@action(lambda summary: summary.describe)
def _apply(service: Service, plan: MailPlan) -> MailSummary:
    summary = plan.summary
    db = service.db
    # What arrived since the plan was made (a sync merged in another machine's import of the
    # same messages, or the same people) is known now, not new.
    raw = db.raw(Interaction.TABLE)
    for iid in [i for i in plan.interactions if i in raw]:
        del plan.interactions[iid]
        summary.logged -= 1
        summary.known += 1
    people = db.raw(Contact.TABLE)
    for cid in [c for c in plan.contacts if c in people]:
        del plan.contacts[cid]
    with service.playbook_paused():
        for cid, fields in plan.contacts.items():
            Contact(id=cid, **fields).validate()
        if plan.contacts:
            db.create_many(Contact.TABLE, list(plan.contacts.values()), list(plan.contacts))
        if plan.interactions:
            rows = list(plan.interactions.values())
            db.create_many(Interaction.TABLE, rows, list(plan.interactions))
    for f, email in follow_ups_done(service, {}):
        day = email.day.isoformat()
        done = service._update(f, {"status": "done", "closed_on": day})
        interaction = service.db.raw(Interaction.TABLE)[email.id]
        if not interaction.get("follow_up_id"):
            db.update(Interaction.TABLE, email.id, {"follow_up_id": f.id})
        summary.done.append(_done_line(service, f, email, interaction.get("topic")))
        service.after_complete(done, day)
    touched = {p for fields in plan.interactions.values() for p in _people(fields)}
    summary.retimed = len(service._sync_cadences(sorted(touched)))
    return summary


def _people(fields: dict[str, Any]) -> list[str]:
    return [p for p in (fields.get("contact_id"), *(fields.get("with_ids") or ())) if p]


def import_mail(
    service: Service,
    messages: Iterable[MailMessage | Broken],
    *,
    me: list[str],
    source: str,
    since: str | None = None,
    dry_run: bool = False,
    add_people: bool = False,
) -> MailSummary:
    """Plan and (unless `dry_run`) write a mail import as one undoable action; the caller saves.

    Hold `service.batch()` around the call when another thread may save meanwhile.
    """
    plan = plan_mail(service, messages, me=me, source=source, since=since, add_people=add_people)
    summary = plan.summary
    if dry_run:
        summary.dry_run = True
        for f, email in follow_ups_done(service, plan.interactions):
            topic = plan.interactions.get(email.id, {}).get("topic")
            summary.done.append(_done_line(service, f, email, topic))
        return summary
    if not plan.interactions and not plan.contacts and not follow_ups_done(service, {}):
        return summary
    return _apply(service, plan)
