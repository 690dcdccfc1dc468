"""The one API the CLI and the dashboard call: every read and write of the data goes through here.

It speaks in domain objects (model.py) and date words (dates.py), resolves names and id prefixes,
validates, and writes through `Database` so every change is stamped for merging. Nothing else
writes to the file.
"""

from __future__ import annotations

# Re-exported: callers catch these from the service module.
__all__ = ["Ambiguous", "DueItem", "NotFound", "Service", "ServiceError"]

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from rebound_tui.domain import dates, record, references
from rebound_tui.domain.insights import DEFAULT_WEEKS, Insights
from rebound_tui.domain.insights import compute as compute_insights
from rebound_tui.domain.merge import DEFAULT_TOMBSTONE_DAYS, compact_tombstones, horizon_before
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
from rebound_tui.drafts_service import DraftsMixin
from rebound_tui.errors import Ambiguous, NotFound, ServiceError
from rebound_tui.openings_service import OpeningsMixin
from rebound_tui.playbook_service import PlaybookMixin
from rebound_tui.rows import due_sort_key
from rebound_tui.store.backups import Backup
from rebound_tui.store.database import Database
from rebound_tui.store.fileformat import db_id_of, decode
from rebound_tui.undo import UNDO_DEPTH, Action, action

R = TypeVar("R", bound=Record)

MIN_ID_PREFIX = references.MIN_REF
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
        if self.follow_up.priority is not None:
            return self.follow_up.priority
        return self.company.priority if self.company else 3


def _copy_doc(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    return dict(doc) if doc is not None else None


def due_order(item: DueItem) -> tuple:
    """Overdue first, then most important, then longest waiting, then by title."""
    return due_sort_key(item.overdue, item.importance, item.follow_up.due, item.follow_up.title)


class Service(PlaybookMixin, DraftsMixin, OpeningsMixin):
    """Everything the user can do with the data, on one data file."""

    def __init__(self, db: Database, *, today: Callable[[], dt.date] | None = None) -> None:
        self.db = db
        self._today = today or dates.today
        self._cache: dict[str, tuple[int, int, dict[str, Record]]] = {}
        self._undo: list[Action] = []
        self._undone: list[Action] = []  # the latest undone steps (see `stands`)
        self._unrecorded = False

    @classmethod
    def open(cls, path: Path | str, *, one_shot: bool = False, **kwargs: Any) -> Service:
        """`one_shot`: for one command that saves at most once (the CLI; see Database)."""
        return cls(Database(path, one_shot=one_shot), **kwargs)

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def generation(self) -> int:
        """Bumps whenever the data in memory changes (views cache on it)."""
        return self.db.generation

    @property
    def unsaved(self) -> bool:
        """Memory holds changes the file does not have yet (false right after a save)."""
        return self.db.storage.dirty

    def disk_state(self) -> tuple[int, int, int, int, int] | None:
        """(device, inode, size, mtime_ns, ctime_ns) of the data file as this service last read
        or wrote it, if memory holds exactly that file (nothing unsaved); else None."""
        with self.db.lock:
            sig = self.db.storage.signature
            if sig is None or self.db.storage.dirty:
                return None
            return (sig.dev, sig.ino, sig.size, sig.mtime_ns, sig.ctime_ns)

    def batch(self):
        """Hold the data lock over several calls: a background save sees all of them or none."""
        return self.db.batch()

    # -- dates ---------------------------------------------------------------------------------
    def today(self) -> dt.date:
        return self._today()

    def day(
        self, value: str | dt.date | None, *, default_today: bool = True, past: bool = False
    ) -> str | None:
        """A day from a date or date words ('tomorrow', '3d', 'friday'), as YYYY-MM-DD.

        With `past` (something that happened) a weekday is the latest one, today included, and
        a day after today is refused; otherwise (a plan) a weekday is the next one."""
        if value is None or value == "":
            return dates.format_day(self.today()) if default_today else None
        try:
            if isinstance(value, dt.date):
                day = dates.as_date(value)
            else:
                day = dates.parse_day(value, self.today(), past=past)
        except dates.DateError as exc:
            raise ServiceError(str(exc)) from None
        if past and day > self.today():
            raise ServiceError(
                f"{dates.format_day(day)} is in the future: give the day it happened, today "
                f"({dates.format_day(self.today())}) or earlier"
            )
        return dates.format_day(day)

    def overdue_warning(self, f: FollowUp) -> str | None:
        """One line when a follow-up was planned for a day already past (None otherwise)."""
        late = dates.days_between(dates.parse_day_strict(f.due), self.today())
        if late <= 0:
            return None
        days = "1 day" if late == 1 else f"{late} days"
        return f"{f.due} is already past: {f.title!r} is overdue from the start ({days})"

    # -- reading ------------------------------------------------------------------------------
    def _records(self, cls: type[R]) -> dict[str, R]:
        """Live records by id, kept up to date incrementally (only written ids are rebuilt)."""
        table = cls.TABLE
        with self.db.lock:  # a save on another thread may merge in a new epoch meanwhile
            return self._records_locked(cls, table)

    def _records_locked(self, cls: type[R], table: str) -> dict[str, R]:
        written = self.db.changes.get(table, [])
        cached = self._cache.get(table)
        if cached is None or cached[0] != self.db.epoch:
            built = {i: cls.from_fields(i, f) for i, f in self.db.live(table)}
        else:
            built = cached[2]
            if cached[1] < len(written):
                raw = self.db.raw(table)
                for record_id in set(written[cached[1] :]):
                    doc = raw.get(record_id)
                    if doc is not None and record.is_live(doc):
                        built[record_id] = cls.from_fields(record_id, record.user_fields(doc))
                    else:
                        built.pop(record_id, None)
        self._cache[table] = (self.db.epoch, len(written), built)
        return built  # type: ignore[return-value]

    def companies(self) -> list[Company]:
        return sorted(self._records(Company).values(), key=lambda c: c.name.lower())

    def contacts(self, company: Company | None = None) -> list[Contact]:
        people = self._records(Contact).values()
        if company is not None:
            people = [p for p in people if p.company_id == company.id]
        return sorted(people, key=lambda c: c.name.lower())

    def interactions(self) -> list[Interaction]:
        return sorted(self._records(Interaction).values(), key=lambda i: (i.day, i.id))

    def follow_ups(self, include_closed: bool = False) -> list[FollowUp]:
        items = self._records(FollowUp).values()
        if not include_closed:
            items = [f for f in items if f.is_open]
        return sorted(items, key=lambda f: (f.due, f.title.lower()))

    def company(self, record_id: str | None) -> Company | None:
        return self._records(Company).get(record_id) if record_id else None

    def contact(self, record_id: str | None) -> Contact | None:
        return self._records(Contact).get(record_id) if record_id else None

    def follow_up(self, record_id: str | None) -> FollowUp | None:
        return self._records(FollowUp).get(record_id) if record_id else None

    def name_of(self, table: str, record_id: str | None) -> str | None:
        """The name of a record, even a deleted one (a follow-up may outlive its company)."""
        if not record_id:
            return None
        doc = self.db.raw(table).get(record_id)
        return doc.get("name") if doc else None

    # -- undo ---------------------------------------------------------------------------------
    @contextmanager
    def _recording(self) -> Iterator[Callable[[str], None]]:
        # The lock first: another thread's action must wait, not join this one's undo step.
        with self.db.batch():
            if self.db.journal is not None:  # inside another action: it records for both
                yield lambda _description: None
                return
            description = ["change"]
            self.db.journal = []
            try:
                try:
                    yield lambda text: description.__setitem__(0, text)
                except BaseException:
                    # All or nothing: a failed action leaves no half-made change behind.
                    self.db.rollback(self.db.journal)
                    raise
            finally:
                journal, self.db.journal = self.db.journal, None
            if journal and not self._unrecorded:
                first: dict[tuple[str, str], dict[str, Any] | None] = {}
                for table, record_id, before in journal:
                    first.setdefault((table, record_id), before)
                raw = {table: self.db.raw(table) for table, _ in first}
                changes = tuple(
                    (table, record_id, before, _copy_doc(raw[table].get(record_id)))
                    for (table, record_id), before in first.items()
                )
                self._undo.append(Action(description[0], changes))
                del self._undo[:-UNDO_DEPTH]

    @contextmanager
    def unrecorded(self) -> Iterator[None]:
        """Actions inside are still all or nothing but are not undo steps (the dashboard's
        automatic re-timing at start must not be what the user's first `u` undoes)."""
        with self.db.batch():
            before, self._unrecorded = self._unrecorded, True
            try:
                yield
            finally:
                self._unrecorded = before

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def last_action(self) -> str | None:
        return self._undo[-1].description if self._undo else None

    @property
    def last_step(self) -> Action | None:
        """The last undoable step of this session (to ask later whether it still `stands`)."""
        return self._undo[-1] if self._undo else None

    def stands(self, step: Action | None) -> bool:
        """False once `step` was undone (`.` repeats only a decision that still stands)."""
        return step is not None and not any(a is step for a in self._undone)

    def undo(self) -> str | None:
        """Undo the last action of this session; returns what was undone (None: nothing to undo).

        The old values are written back with new stamps, so the undo reaches other machines too.
        """
        if not self._undo:
            return None
        last = self._undo.pop()
        self.db.revert_many(last.changes)
        self._undone.append(last)
        del self._undone[:-UNDO_DEPTH]
        return last.description

    # -- finding ------------------------------------------------------------------------------
    def _find(self, cls: type[R], ref: str, noun: str, pool: Iterable[R] | None = None) -> R:
        """One record by full id or name, an id prefix or a unique part of the name of at least
        4 characters (domain/references.py); anything else lists the candidates."""
        ref = (ref or "").strip()
        if not ref:
            raise ServiceError(f"give a {noun} name or id")
        records = list(pool if pool is not None else self._records(cls).values())
        found = references.resolve(ref, records, lambda r: r.id, lambda r: r.label)
        if found.found is not None:
            return found.found
        if found.candidates:
            listing = "; ".join(
                f"{r.label} ({r.id[:8]})" for r in found.candidates[: references.MAX_LISTED]
            )
            more = len(found.candidates) - references.MAX_LISTED
            if more > 0:
                listing += f"; and {more} more"
            why = (
                f"is too short (use at least {references.MIN_REF} characters of the id or the name)"
                if found.too_short
                else "is ambiguous (use more of the id or the whole name)"
            )
            raise Ambiguous(f"{noun} {ref!r} {why}: {listing}")
        close = difflib.get_close_matches(ref.lower(), [r.label.lower() for r in records], n=5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise NotFound(f"no {noun} matches {ref!r}.{hint}")

    def _similar(self, cls: type[R], name: str) -> list[R]:
        by_label: dict[str, R] = {}
        for r in sorted(self._records(cls).values(), key=lambda r: r.id):
            by_label.setdefault(r.label, r)
        return [by_label[n] for n in references.close_names(name or "", list(by_label))]

    def similar_companies(self, name: str) -> list[Company]:
        """Companies whose name is close to `name` but not the same: a near-duplicate to ask
        about before adding (e.g. 'northshore' and 'Northshore Logistics')."""
        return self._similar(Company, name)

    def similar_contacts(self, name: str) -> list[Contact]:
        """Contacts whose name is close to `name` but not the same (see similar_companies)."""
        return self._similar(Contact, name)

    def find_company(self, ref: str) -> Company:
        return self._find(Company, ref, "company")

    def find_contact(self, ref: str, company: Company | None = None) -> Contact:
        pool = self.contacts(company) if company else None
        return self._find(Contact, ref, "contact", pool)

    def find_follow_up(self, ref: str, include_closed: bool = True) -> FollowUp:
        return self._find(FollowUp, ref, "follow-up", self.follow_ups(include_closed))

    def find_interaction(self, ref: str) -> Interaction:
        return self._find(Interaction, ref, "interaction")

    # -- writing ------------------------------------------------------------------------------
    def _validated(self, rec: R, text_fields: Iterable[str] | None = None) -> R:
        """The record's rules, and the input rule for its text (all of it, or the fields an
        edit changes: text a synced file already holds is shown safely, not refused)."""
        try:
            rec.validate()
            rec.check_text(text_fields)
        except ValidationError as exc:
            raise ServiceError(str(exc)) from None
        return rec

    def _create(self, rec: R) -> R:
        self._validated(rec)
        # Unset fields are left out of a new record (absent means None); edits store None.
        stored = {k: v for k, v in rec.to_fields().items() if v is not None}
        record_id = self.db.create(rec.TABLE, stored)
        return replace(rec, id=record_id)

    def _update(self, rec: R, changes: dict[str, Any]) -> R:
        unknown = set(changes) - set(rec.to_fields())
        if unknown:
            noun = "field" if len(unknown) == 1 else "fields"
            raise ServiceError(f"unknown {noun}: {', '.join(sorted(unknown))}")
        new = self._validated(replace(rec, **changes), changes)
        self.db.update(rec.TABLE, rec.id, changes)
        return new

    def _company_id(self, ref: str | None) -> str | None:
        return self.find_company(ref).id if ref else None

    def _contact_id(self, ref: str | None, company_id: str | None = None) -> str | None:
        if not ref:
            return None
        return (
            self.find_contact(ref, self.company(company_id)).id
            if company_id
            else (self.find_contact(ref).id)
        )

    def _who(self, company: str | None, contact: str | None) -> tuple[str | None, str | None]:
        """(company id, contact id) from names; a contact's company fills in a missing one."""
        company_id = self._company_id(company)
        contact_id = self._contact_id(contact, company_id)
        if company_id is None and contact_id is not None:
            company_id = self.contact(contact_id).company_id  # type: ignore[union-attr]
        return company_id, contact_id

    def _check_unique_name(self, cls: type[Record], name: str, exclude: str | None = None) -> None:
        for rec in self._records(cls).values():
            if rec.label.lower() == name.strip().lower() and rec.id != exclude:
                noun = "company" if cls is Company else "contact"
                raise ServiceError(
                    f"a {noun} named {rec.label!r} exists already ({rec.id[:8]}); "
                    "edit it instead, or choose another name"
                )

    @action(lambda c: f"add company {c.name}")
    def add_company(self, name: str, **fields: Any) -> Company:
        name = (name or "").strip()
        self._check_unique_name(Company, name)
        fields = {k: v for k, v in fields.items() if v is not None}
        return self._create(Company(name=name, **fields))

    @action(lambda c: f"edit company {c.name}")
    def edit_company(self, ref: str | Company, **changes: Any) -> Company:
        company = ref if isinstance(ref, Company) else self.find_company(ref)
        if changes.get("name"):
            changes["name"] = changes["name"].strip()
            self._check_unique_name(Company, changes["name"], exclude=company.id)
        return self._update(company, changes)

    @action(lambda c: f"delete company {c.name}")
    def delete_company(self, ref: str | Company) -> Company:
        company = ref if isinstance(ref, Company) else self.find_company(ref)
        self.db.delete(Company.TABLE, company.id)
        return company

    def _contact_fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        # A name links the record; an empty value or None given explicitly clears the link.
        out = {k: v for k, v in fields.items() if k not in ("company", "referred_by_name")}
        if "company" in fields:
            out["company_id"] = self._company_id(fields["company"]) if fields["company"] else None
        if "referred_by_name" in fields:
            ref = fields["referred_by_name"]
            out["referred_by"] = self.find_contact(ref).id if ref else None
        if out.get("met_on"):
            out["met_on"] = self.day(out["met_on"], past=True)
        if out.get("cadence"):
            try:
                out["cadence"] = str(dates.parse_span(out["cadence"]))
            except dates.DateError as exc:
                raise ServiceError(str(exc)) from None
        return out

    @action(lambda c: f"add contact {c.name}")
    def add_contact(self, name: str, **fields: Any) -> Contact:
        name = (name or "").strip()
        self._check_unique_name(Contact, name)
        data = {k: v for k, v in self._contact_fields(fields).items() if v is not None}
        contact = self._create(Contact(name=name, **data))
        self.after_contact_saved(contact)
        return contact

    @action(lambda c: f"edit contact {c.name}")
    def edit_contact(self, ref: str | Contact, **changes: Any) -> Contact:
        contact = ref if isinstance(ref, Contact) else self.find_contact(ref)
        if changes.get("name"):
            changes["name"] = changes["name"].strip()
            self._check_unique_name(Contact, changes["name"], exclude=contact.id)
        updated = self._update(contact, self._contact_fields(changes))
        self.after_contact_saved(updated)
        return updated

    @action(lambda c: f"delete contact {c.name}")
    def delete_contact(self, ref: str | Contact) -> Contact:
        contact = ref if isinstance(ref, Contact) else self.find_contact(ref)
        self.after_contact_deleted(contact)
        self.db.delete(Contact.TABLE, contact.id)
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
        company_id, contact_id = self._who(company, contact)
        if company_id is None and contact_id is None:
            raise ServiceError("say who it was with: --company NAME and/or --contact NAME")
        rec = Interaction(
            kind=kind,
            day=self.day(on, past=True) or "",
            company_id=company_id,
            contact_id=contact_id,
            note=note or None,
            topic=(topic or "").strip() or None,
            **extra,
        )
        logged = self._create(rec)
        self.after_log(logged)
        return logged

    @action(lambda i: f"delete {i.kind} of {i.day}")
    def delete_interaction(self, ref: str | Interaction) -> Interaction:
        rec = ref if isinstance(ref, Interaction) else self.find_interaction(ref)
        self.before_delete_interaction(rec)
        self.db.delete(Interaction.TABLE, rec.id)
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
        company_id, contact_id = self._who(company, contact)
        rec = FollowUp(
            title=(title or "").strip(),
            due=self.day(due) or "",
            kind=kind,
            company_id=company_id,
            contact_id=contact_id,
            priority=priority,
            note=note or None,
            origin=origin,
        )
        return self._create(rec)

    # -- the due list -----------------------------------------------------------------------------
    def due_item(self, f: FollowUp, on: dt.date | None = None) -> DueItem:
        on = on or self.today()
        overdue = dates.days_between(dates.parse_day_strict(f.due), on)
        return DueItem(f, self.company(f.company_id), self.contact(f.contact_id), overdue)

    def due(self, on: str | dt.date | None = None, *, within_days: int = 0) -> list[DueItem]:
        """Open follow-ups due by a day (plus `within_days` more), in the order to do them."""
        day = dates.parse_day_strict(self.day(on) or "")
        limit = dates.format_day(day + dt.timedelta(days=within_days))
        items = [self.due_item(f, day) for f in self.follow_ups() if f.due <= limit]
        return sorted(items, key=due_order)

    def _open_follow_up(self, ref: str | FollowUp) -> FollowUp:
        f = ref if isinstance(ref, FollowUp) else self.find_follow_up(ref)
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
        day = self.day(on, past=True)
        with self.db.batch():
            logged = None
            if f.company_id or f.contact_id:
                logged = self._create(
                    Interaction(
                        kind=kind or DONE_LOGS_AS.get(f.kind, "note"),
                        day=day or "",
                        company_id=f.company_id,
                        contact_id=f.contact_id,
                        note=note or clean_line(f.title),
                        follow_up_id=f.id,
                    )
                )
            done = self._update(f, {"status": "done", "closed_on": day})
            self.after_complete(done, day or "")
        return done, logged

    @action(lambda f: f"snooze {f.title} to {f.due}")
    def snooze(self, ref: str | FollowUp, until: str | dt.date) -> FollowUp:
        f = self._open_follow_up(ref)
        day = self.day(until) or ""
        if day <= dates.format_day(self.today()):
            raise ServiceError(f"snooze until a day after today (got {day}); use reschedule")
        return self._update(f, {"due": day, "snoozes": f.snoozes + 1})

    @action(lambda f: f"reschedule {f.title} to {f.due}")
    def reschedule(self, ref: str | FollowUp, day: str | dt.date) -> FollowUp:
        f = self._open_follow_up(ref)
        return self._update(f, {"due": self.day(day) or ""})

    @action(lambda f: f"drop {f.title}")
    def drop(self, ref: str | FollowUp, note: str | None = None) -> FollowUp:
        f = self._open_follow_up(ref)
        changes: dict[str, Any] = {"status": "dropped", "closed_on": self.day(None)}
        if note:
            changes["note"] = note
        dropped = self._update(f, changes)
        self.after_drop(dropped)
        return dropped

    @action(lambda f: f"edit follow-up {f.title}")
    def edit_follow_up(self, ref: str | FollowUp, **changes: Any) -> FollowUp:
        f = ref if isinstance(ref, FollowUp) else self.find_follow_up(ref)
        if "due" in changes:
            changes["due"] = self.day(changes["due"])
        if "company" in changes:
            changes["company_id"] = self._company_id(changes.pop("company"))
        if "contact" in changes:
            changes["contact_id"] = self._contact_id(changes.pop("contact"))
        return self._update(f, changes)

    # -- insights -----------------------------------------------------------------------------
    def added_days(self, table: str) -> dict[str, dt.date]:
        """The local day each live record of `table` was created (its `_created` stamp)."""
        tz = dates.local_tz()
        out: dict[str, dt.date] = {}
        with self.db.lock:
            for record_id, doc in self.db.raw(table).items():
                stamp = doc.get(record.CREATED)
                if not isinstance(stamp, str) or not record.is_live(doc):
                    continue
                try:  # a stamp starts with its UTC wall time: 2026-05-02T14:03:11.000Z
                    instant = dt.datetime.fromisoformat(stamp[:23]).replace(tzinfo=dt.UTC)
                except ValueError:
                    continue
                out[record_id] = instant.astimezone(tz).date()
        return out

    def insights(self, on: str | dt.date | None = None, weeks: int = DEFAULT_WEEKS) -> Insights:
        """The figures of the insights screen, `stats` and the report, for the day `on`."""
        if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 520:
            raise ServiceError(f"bad number of weeks {weeks!r}: use a whole number from 1 to 520")
        day = dt.date.fromisoformat(self.day(on))  # type: ignore[arg-type]
        with self.db.lock:
            return compute_insights(
                day,
                companies=self.companies(),
                contacts=self.contacts(),
                interactions=self.interactions(),
                follow_ups=self.follow_ups(include_closed=True),
                contact_added=self.added_days(Contact.TABLE),
                weeks=weeks,
            )

    # -- settings (synced with the data: a theme chosen on one machine follows you) ----------
    def setting(self, key: str, default: Any = None) -> Any:
        doc = self.db.raw("settings").get(key)
        if doc is None or not record.is_live(doc):
            return default
        return doc.get("value", default)

    def set_setting(self, key: str, value: Any) -> None:
        """Settings use the key as record id, so two machines' choices merge into one record."""
        if self.db.raw("settings").get(key) is None:
            self.db.create("settings", {"value": value}, record_id=key)
        else:
            self.db.update("settings", key, {"value": value})

    # -- sync, backups ----------------------------------------------------------------------
    def sync_conflicts(self) -> list[str]:
        """Merge sync tools' conflict copies, save, and archive them; lines to show the user.

        (Every save does this; here it is done even with no edit to save.)"""
        if self.db.copies.waiting():
            self.db.save()
        return self.db.copies.drain().lines()

    def conflict_notes(self) -> list[str]:
        """Why each waiting conflict copy was left alone (nothing is saved to find out)."""
        return self.db.copies.refused()

    def backups(self) -> list[Backup]:
        return self.db.backups.list()

    def restore(self, name: str) -> tuple[Backup, int]:
        """Bring back a backup's state (the current file is kept as a backup first)."""
        try:
            backup = self.db.backups.find(name)
        except LookupError as exc:
            raise ServiceError(exc.args[0]) from None
        data = decode(backup.path.read_bytes(), backup.path)
        if db_id_of(data) != self.db.db_id:
            raise ServiceError(f"{backup.path.name} is a backup of a different database")
        self.db.refresh()
        current = self.db.storage.disk_bytes()
        if current is not None:
            self.db.backups.save(current)
        with self.db.batch():
            changed = self.db.restore_from(data)
        self._undo.clear()
        self.save()
        return backup, changed

    def compact(self, older_than_days: int = DEFAULT_TOMBSTONE_DAYS) -> int:
        """Drop the values of records deleted more than `older_than_days` ago (ids and stamps
        stay, so they stay deleted everywhere). Safe only if no machine stays offline longer:
        see docs/SYNC.md. Returns how many tombstones were compacted."""
        if older_than_days < 1:
            raise ServiceError("compact only tombstones older than at least one day")
        with self.db.batch():
            data = self.db.storage.read()
            # From the wall clock, not the newest stamp: a stamp from a clock far ahead must not
            # make a delete of a minute ago look old.
            horizon = horizon_before(self.db.clock.wall_stamp(), older_than_days)
            compacted = compact_tombstones(data, horizon)
            count = sum(
                1
                for table, docs in compacted.items()
                for record_id, doc in docs.items()
                if table != "meta" and doc != data[table][record_id]
            )
            if count:
                self.db.storage.replace_data(compacted)
                self._undo.clear()  # the before-images may hold what was just dropped
        return count

    # -- disk ----------------------------------------------------------------------------------
    def save(self) -> bool:
        return self.db.save()

    def refresh(self) -> bool:
        return self.db.refresh()
