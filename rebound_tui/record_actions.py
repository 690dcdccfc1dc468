"""The record actions: adding, editing and deleting companies, contacts, interactions and
follow-ups, and clearing the due list (done, snooze, reschedule, drop).

Each is one undoable action written through the records core (records_core.py); the events the
playbook reacts to are handed to it as they happen (`Playbook.after_log`, `after_complete`...),
inside the same action, so undo takes back what the playbook planned too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rebound_tui.domain import dates
from rebound_tui.domain.model import (
    INTERACTION_KINDS,
    Company,
    Contact,
    FollowUp,
    Interaction,
    Record,
    ValidationError,
    check_choice,
)
from rebound_tui.domain.text import clean_line
from rebound_tui.errors import ServiceError
from rebound_tui.playbook_service import Playbook
from rebound_tui.records_core import RecordsCore
from rebound_tui.undo import action

# What completing a follow-up of each kind logs.
DONE_LOGS_AS = {
    "thank-you": "thank-you",
    "referral-ask": "email",
    "check-in": "message",
    "news-check": "note",
    "outreach": "message",
    "todo": "note",
}


@dataclass(frozen=True)
class DueItem:
    """A follow-up on the due list, with what the list shows about it."""

    follow_up: FollowUp
    company: Company | None
    contact: Contact | None
    days_overdue: int

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def importance(self) -> int:
        return self.follow_up.importance(self.company)


def due_order(item: DueItem) -> tuple:
    """Overdue first, then most important, then longest waiting, then by title."""
    # (The dashboard's rows module, five frozen dataclasses, loads when a due list is sorted:
    # not for every command that writes.)
    from rebound_tui.rows import due_sort_key

    return due_sort_key(item.overdue, item.importance, item.follow_up.due, item.follow_up.title)


class RecordActions:
    """Writes of the four record types, with the playbook told of each event."""

    def __init__(self, core: RecordsCore, playbook: Playbook) -> None:
        self.core = core
        self.playbook = playbook

    def check_unique_name(self, cls: type[Record], name: str, exclude: str | None = None) -> None:
        for rec in self.core.records(cls).values():
            if rec.label.lower() == name.strip().lower() and rec.id != exclude:
                noun = "company" if cls is Company else "contact"
                raise ServiceError(
                    f"a {noun} named {rec.label!r} exists already ({rec.id[:8]}); "
                    "edit it instead, or choose another name"
                )

    @action(lambda c: f"add company {c.name}")
    def add_company(self, name: str, **fields: Any) -> Company:
        name = (name or "").strip()
        self.check_unique_name(Company, name)
        fields = {k: v for k, v in fields.items() if v is not None}
        return self.core.create(Company(name=name, **fields))

    @action(lambda c: f"edit company {c.name}")
    def edit_company(self, ref: str | Company, **changes: Any) -> Company:
        company = ref if isinstance(ref, Company) else self.core.find_company(ref)
        if changes.get("name"):
            changes["name"] = changes["name"].strip()
            self.check_unique_name(Company, changes["name"], exclude=company.id)
        return self.core.update(company, changes)

    @action(lambda c: f"delete company {c.name}")
    def delete_company(self, ref: str | Company) -> Company:
        company = ref if isinstance(ref, Company) else self.core.find_company(ref)
        self.core.delete(company)
        return company

    def _contact_fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        # A name links the record; an empty value or None given explicitly clears the link.
        out = {k: v for k, v in fields.items() if k not in ("company", "referred_by_name")}
        if "company" in fields:
            out["company_id"] = (
                self.core.company_id(fields["company"]) if fields["company"] else None
            )
        if "referred_by_name" in fields:
            ref = fields["referred_by_name"]
            out["referred_by"] = self.core.find_contact(ref).id if ref else None
        if out.get("met_on"):
            out["met_on"] = self.core.day(out["met_on"], past=True)
        if out.get("cadence"):
            try:
                out["cadence"] = str(dates.parse_span(out["cadence"]))
            except dates.DateError as exc:
                raise ServiceError(str(exc)) from None
        return out

    @action(lambda c: f"add contact {c.name}")
    def add_contact(self, name: str, **fields: Any) -> Contact:
        name = (name or "").strip()
        self.check_unique_name(Contact, name)
        data = {k: v for k, v in self._contact_fields(fields).items() if v is not None}
        contact = self.core.create(Contact(name=name, **data))
        self.playbook.after_contact_saved(contact)
        return contact

    @action(lambda c: f"edit contact {c.name}")
    def edit_contact(self, ref: str | Contact, **changes: Any) -> Contact:
        contact = ref if isinstance(ref, Contact) else self.core.find_contact(ref)
        if changes.get("name"):
            changes["name"] = changes["name"].strip()
            self.check_unique_name(Contact, changes["name"], exclude=contact.id)
        updated = self.core.update(contact, self._contact_fields(changes))
        self.playbook.after_contact_saved(updated)
        return updated

    @action(lambda c: f"delete contact {c.name}")
    def delete_contact(self, ref: str | Contact) -> Contact:
        contact = ref if isinstance(ref, Contact) else self.core.find_contact(ref)
        self.playbook.after_contact_deleted(contact)
        self.core.delete(contact)
        return contact

    @action(lambda i: f"log {i.kind}")
    def log(
        self,
        kind: str,
        *,
        company: str | None = None,
        contact: str | None = None,
        on: str | dt.date | None = None,
        note: str | None = None,
        topic: str | None = None,
        **extra: Any,
    ) -> Interaction:
        """Record something that happened; a contact's company is filled in when not given."""
        try:
            check_choice("kind", kind, INTERACTION_KINDS)
        except ValidationError as exc:
            raise ServiceError(str(exc)) from None
        company_id, contact_id = self.core.who(company, contact)
        if company_id is None and contact_id is None:
            raise ServiceError("say who it was with: --company NAME and/or --contact NAME")
        rec = Interaction(
            kind=kind,
            day=self.core.day(on, past=True) or "",
            company_id=company_id,
            contact_id=contact_id,
            note=note or None,
            topic=(topic or "").strip() or None,
            **extra,
        )
        logged = self.core.create(rec)
        self.playbook.after_log(logged)
        return logged

    @action(lambda i: f"delete {i.kind} of {i.day}")
    def delete_interaction(self, ref: str | Interaction) -> Interaction:
        rec = ref if isinstance(ref, Interaction) else self.core.find_interaction(ref)
        self.playbook.before_delete_interaction(rec)
        self.core.delete(rec)
        return rec

    @action(lambda f: f"add follow-up {f.title}")
    def add_follow_up(
        self,
        title: str,
        *,
        due: str | dt.date,
        company: str | None = None,
        contact: str | None = None,
        kind: str = "todo",
        priority: int | None = None,
        note: str | None = None,
        origin: str | None = None,
    ) -> FollowUp:
        company_id, contact_id = self.core.who(company, contact)
        rec = FollowUp(
            title=(title or "").strip(),
            due=self.core.day(due) or "",
            kind=kind,
            company_id=company_id,
            contact_id=contact_id,
            priority=priority,
            note=note or None,
            origin=origin,
        )
        return self.core.create(rec)

    # -- the due list -----------------------------------------------------------------------------
    def due_item(self, f: FollowUp, on: dt.date | None = None) -> DueItem:
        on = on or self.core.today()
        overdue = dates.days_between(dates.parse_day_strict(f.due), on)
        return DueItem(f, self.core.company(f.company_id), self.core.contact(f.contact_id), overdue)

    def due(self, on: str | dt.date | None = None, *, within_days: int = 0) -> list[DueItem]:
        """Open follow-ups due by a day (plus `within_days` more), in the order to do them."""
        day = dates.parse_day_strict(self.core.day(on) or "")
        limit = dates.format_day(day + dt.timedelta(days=within_days))
        items = [self.due_item(f, day) for f in self.core.follow_ups() if f.due <= limit]
        return sorted(items, key=due_order)

    def _open_follow_up(self, ref: str | FollowUp) -> FollowUp:
        f = ref if isinstance(ref, FollowUp) else self.core.find_follow_up(ref)
        if not f.is_open:
            raise ServiceError(f"follow-up {f.id[:8]} ({f.title}) is already {f.status}")
        return f

    @action(lambda r: f"done: {r[0].title}")
    def complete(
        self,
        ref: str | FollowUp,
        *,
        note: str | None = None,
        on: str | dt.date | None = None,
        kind: str | None = None,
    ) -> tuple[FollowUp, Interaction | None]:
        """Mark done and log what was done (when it concerned a company or a person)."""
        f = self._open_follow_up(ref)
        day = self.core.day(on, past=True)
        with self.core.db.batch():
            logged = None
            if f.company_id or f.contact_id:
                logged = self.core.create(
                    Interaction(
                        kind=kind or DONE_LOGS_AS.get(f.kind, "note"),
                        day=day or "",
                        company_id=f.company_id,
                        contact_id=f.contact_id,
                        note=note or clean_line(f.title),
                        follow_up_id=f.id,
                    )
                )
            done = self.core.update(f, {"status": "done", "closed_on": day})
            self.playbook.after_complete(done, day or "")
        return done, logged

    @action(lambda f: f"snooze {f.title} to {f.due}")
    def snooze(self, ref: str | FollowUp, until: str | dt.date) -> FollowUp:
        f = self._open_follow_up(ref)
        day = self.core.day(until) or ""
        if day <= dates.format_day(self.core.today()):
            raise ServiceError(f"snooze until a day after today (got {day}); use reschedule")
        return self.core.update(f, {"due": day, "snoozes": f.snoozes + 1})

    @action(lambda f: f"reschedule {f.title} to {f.due}")
    def reschedule(self, ref: str | FollowUp, day: str | dt.date) -> FollowUp:
        f = self._open_follow_up(ref)
        return self.core.update(f, {"due": self.core.day(day) or ""})

    @action(lambda f: f"drop {f.title}")
    def drop(self, ref: str | FollowUp, note: str | None = None) -> FollowUp:
        f = self._open_follow_up(ref)
        changes: dict[str, Any] = {"status": "dropped", "closed_on": self.core.day(None)}
        if note:
            changes["note"] = note
        dropped = self.core.update(f, changes)
        self.playbook.after_drop(dropped)
        return dropped

    @action(lambda f: f"edit follow-up {f.title}")
    def edit_follow_up(self, ref: str | FollowUp, **changes: Any) -> FollowUp:
        f = ref if isinstance(ref, FollowUp) else self.core.find_follow_up(ref)
        if "due" in changes:
            changes["due"] = self.core.day(changes["due"])
        if "company" in changes:
            changes["company_id"] = self.core.company_id(changes.pop("company"))
        if "contact" in changes:
            changes["contact_id"] = self.core.contact_id(changes.pop("contact"))
        return self.core.update(f, changes)
