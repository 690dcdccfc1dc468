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

Which follow-ups sent mail did is mail_follow_ups.py; the user's addresses and the IMAP account
are settings (mail_settings.py). Everything is ONE undoable action: a failure half-way writes
nothing. A dry run writes nothing and reports the same. The caller saves.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rebound_tui.domain import dates, record
from rebound_tui.domain.mail import (
    Broken,
    MailMessage,
    domain_of,
    email_key,
    interaction_id,
    one_line,
    website_domain,
)
from rebound_tui.domain.model import Company, Contact, Interaction
from rebound_tui.mail_follow_ups import done_line, follow_ups_done
from rebound_tui.mail_settings import (
    IMAP_SETTING,
    MY_EMAILS_SETTING,
    imap_settings,
    my_addresses,
    set_imap_settings,
    set_my_addresses,
    stored_addresses,
)
from rebound_tui.undo import action

if TYPE_CHECKING:
    from rebound_tui.service import Service

__all__ = [  # the settings are re-exported: callers import the mail API from here
    "IMAP_SETTING",
    "MY_EMAILS_SETTING",
    "MailSummary",
    "imap_settings",
    "import_mail",
    "my_addresses",
    "plan_mail",
    "set_imap_settings",
    "set_my_addresses",
    "stored_addresses",
]

Progress = Callable[[int, int], None]

BEFORE_SINCE = "before --since"
CONTACT_NAMESPACE = "rebound-tui mail contact\0"


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
        self.plan = MailPlan(MailSummary(one_line(source, limit=120)))  # a file name is data
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
        done = service.core.update(f, {"status": "done", "closed_on": day})
        interaction = service.db.raw(Interaction.TABLE)[email.id]
        if not interaction.get("follow_up_id"):
            db.update(Interaction.TABLE, email.id, {"follow_up_id": f.id})
        summary.done.append(done_line(service, f, email, interaction.get("topic")))
        service.after_complete(done, day)
    touched = {p for fields in plan.interactions.values() for p in _people(fields)}
    summary.retimed = len(service.cadences.sync(sorted(touched)))
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
            summary.done.append(done_line(service, f, email, topic))
        return summary
    if not plan.interactions and not plan.contacts and not follow_ups_done(service, {}):
        return summary
    return _apply(service, plan)
