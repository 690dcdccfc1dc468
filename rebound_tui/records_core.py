"""The records core every part of the service holds: the TinyDB tables as domain records.

It reads (live records by id, kept up to date incrementally; the generation views cache on),
finds (a full id or name, an id prefix, a unique part of a name; close names), validates and
writes (stamped through `Database`, so every change merges), reads date words as days, holds
the synced settings and this session's undo history, and owns the record indexes the playbook
asks (touches and check-ins by person). It knows no rule, draft or opening: the parts
(playbook_service.py, cadences.py, drafts_service.py, openings_service.py, record_actions.py)
are handed a core and call it, and `Service` (service.py) composes them.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from operator import itemgetter
from typing import Any, TypeVar

from rebound_tui.domain import dates, record, references
from rebound_tui.domain.cadence import Touch
from rebound_tui.domain.model import (
    Company,
    Contact,
    FollowUp,
    Interaction,
    Record,
    ValidationError,
)
from rebound_tui.errors import Ambiguous, NotFound, ServiceError
from rebound_tui.record_index import GroupIndex
from rebound_tui.store.database import Database
from rebound_tui.touches import (
    check_in_entries,
    check_in_may_file,
    interaction_facts_of,
    touch_entries,
    touch_may_file,
    touch_sieve,
    touch_values,
)
from rebound_tui.undo import UndoHistory

R = TypeVar("R", bound=Record)
_DAY, _ID = itemgetter(0), itemgetter(1)  # (of an interaction fact)


class RecordsCore:
    """One data file's records, for the service's parts (see module doc)."""

    def __init__(self, db: Database, *, today: Callable[[], dt.date] | None = None) -> None:
        self.db = db
        self.today_source = today or dates.today
        self.history = UndoHistory(db)
        self._cache: dict[str, tuple[int, int, dict[str, Record]]] = {}
        # Touches by contact (each person of an interaction) and by "co:" + company id; check-ins
        # by contact: kept in step with the writes (record_index.py).
        self.touch_index: GroupIndex[Interaction, Touch] = GroupIndex(
            Interaction, touch_entries, touch_may_file, touch_sieve, touch_values
        )
        self.check_in_index: GroupIndex[FollowUp, FollowUp] = GroupIndex(
            FollowUp, check_in_entries, check_in_may_file
        )

    # -- dates ---------------------------------------------------------------------------------
    def today(self) -> dt.date:
        return self.today_source()

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

    # -- reading ------------------------------------------------------------------------------
    def records(self, cls: type[R]) -> dict[str, R]:
        """Live records by id, kept up to date incrementally (only written ids are rebuilt)."""
        table = cls.TABLE
        with self.db.lock:  # a save on another thread may merge in a new epoch meanwhile
            return self.records_locked(cls, table)

    def records_locked(self, cls: type[R], table: str) -> dict[str, R]:
        written = self.db.changes.get(table, [])
        cached = self._cache.get(table)
        if cached is None or cached[0] != self.db.epoch:
            live = record.is_live
            built = {i: cls.from_doc(i, d) for i, d in self.db.raw(table).items() if live(d)}
        else:
            built = cached[2]
            if cached[1] < len(written):
                raw = self.db.raw(table)
                for record_id in set(written[cached[1] :]):
                    doc = raw.get(record_id)
                    if doc is not None and record.is_live(doc):
                        built[record_id] = cls.from_doc(record_id, doc)
                    else:
                        built.pop(record_id, None)
        self._cache[table] = (self.db.epoch, len(written), built)
        return built  # type: ignore[return-value]

    def forget(self) -> None:
        """Drop the record objects (the next read rebuilds them from the tables)."""
        self._cache.clear()

    def companies(self) -> list[Company]:
        return sorted(self.records(Company).values(), key=lambda c: c.name.lower())

    def contacts(self, company: Company | None = None) -> list[Contact]:
        people = self.records(Contact).values()
        if company is not None:
            people = [p for p in people if p.company_id == company.id]
        return sorted(people, key=lambda c: c.name.lower())

    def interactions(self) -> list[Interaction]:
        return sorted(self.records(Interaction).values(), key=lambda i: (i.day, i.id))

    def interaction_facts(self) -> list[tuple[str, str, str, str | None, str | None, Any]]:
        """(day, id, kind, company_id, contact_id, with_ids) of every live interaction, by day
        then id: what the panes' rows take of them, read from the stored records as
        `Interaction.from_doc` would (its defaults), without building 20,000 of them; or, from
        a load that kept only them (`interaction_facts_of` as the table's summary), as kept."""
        kept = self.db.summary(Interaction.TABLE)
        if kept is None:
            kept = interaction_facts_of(self.db.raw(Interaction.TABLE))
        facts = list(kept)
        # By day, then id: sorted by id, then (stably) by day. Each sort compares strings only;
        # one sort of the tuples compared ids through the tuples' comparison wherever days tie
        # (most of the time): 15 -> 6 ms on the heavy benchmark file's 20,000.
        facts.sort(key=_ID)
        facts.sort(key=_DAY)
        return facts

    def follow_ups(self, include_closed: bool = False) -> list[FollowUp]:
        """Live follow-ups by due day, then title; only the open ones unless `include_closed`.
        A one-shot reader (`Database.one_shot`) that has not built the table's records builds
        only the open ones (a few in ten on a long-used file)."""
        table = FollowUp.TABLE
        cached = self._cache.get(table)
        if include_closed or not self.db.one_shot or (cached and cached[0] == self.db.epoch):
            items = self.records(FollowUp).values()
            if not include_closed:
                items = [f for f in items if f.is_open]
        else:
            live, build = record.is_live, FollowUp.from_doc
            with self.db.lock:  # (as `records`: a save on another thread may merge meanwhile)
                items = [
                    build(i, d)
                    for i, d in self.db.raw(table).items()
                    if d.get("status", FollowUp.status) == "open" and live(d)
                ]
        return sorted(items, key=lambda f: (f.due, f.title.lower()))

    def follow_up_origins(self) -> set[str]:
        """The origin of every live follow-up that has one, done and dropped ones too: read
        from the stored records (as `FollowUp.from_doc` reads it), without building them. (A
        one-shot `done` of a repeating rule's follow-up built all 20,000 of the extreme file's
        for this: 0.17 s.)"""
        live = record.is_live
        with self.db.lock:
            docs = self.db.raw(FollowUp.TABLE).values()
            return {o for d in docs if (o := d.get("origin")) and live(d)}

    def one(self, cls: type[R], record_id: str | None) -> R | None:
        """The live record with this id, or None. A one-shot command (`Database.one_shot`)
        that has not built the table's records builds only this one."""
        if not record_id:
            return None
        cached = self._cache.get(cls.TABLE)
        if not self.db.one_shot or (cached is not None and cached[0] == self.db.epoch):
            return self.records(cls).get(record_id)
        with self.db.lock:
            doc = self.db.raw(cls.TABLE).get(record_id)
            if doc is None or not record.is_live(doc):
                return None
            return cls.from_fields(record_id, record.user_fields(doc))  # type: ignore[return-value]

    def live_where(self, cls: type[R], field: str, value: Any) -> list[R]:
        """The live records whose stored `field` equals `value` (the records already built
        when there are; else only the matching ones are built)."""
        cached = self._cache.get(cls.TABLE)
        if cached is not None and cached[0] == self.db.epoch:
            return [r for r in self.records(cls).values() if getattr(r, field) == value]
        with self.db.lock:
            docs = self.db.candidates(cls.TABLE, [value])  # (every record if not text)
            return [
                cls.from_fields(i, record.user_fields(doc))  # type: ignore[misc]
                for i, doc in docs
                if doc.get(field) == value and record.is_live(doc)
            ]

    def company(self, record_id: str | None) -> Company | None:
        return self.one(Company, record_id)

    def contact(self, record_id: str | None) -> Contact | None:
        return self.one(Contact, record_id)

    def follow_up(self, record_id: str | None) -> FollowUp | None:
        return self.one(FollowUp, record_id)

    def name_of(self, table: str, record_id: str | None) -> str | None:
        """The name of a record, even a deleted one (a follow-up may outlive its company)."""
        if not record_id:
            return None
        doc = self.db.raw(table).get(record_id)
        return doc.get("name") if doc else None

    def interaction_any(self, record_id: str) -> Interaction | None:
        """An interaction by id, even a deleted one (a done follow-up may outlive its event)."""
        doc = self.db.raw(Interaction.TABLE).get(record_id)
        if doc is None:
            return None
        return Interaction.from_fields(record_id, record.user_fields(doc))  # type: ignore[return-value]

    def touch_groups(self) -> Mapping[str, dict[str, Touch]]:
        """Touches by contact id and by "co:" + company id (read, do not change)."""
        return self.touch_index.lookup(self)

    def check_in_groups(self) -> Mapping[str, dict[str, FollowUp]]:
        """Check-ins by contact id (read, do not change)."""
        return self.check_in_index.lookup(self)

    # -- finding ------------------------------------------------------------------------------
    def find(self, cls: type[R], ref: str, noun: str, pool: Iterable[R] | None = None) -> R:
        """One record by full id or name, an id prefix or a unique part of the name of at least
        4 characters (domain/references.py); anything else lists the candidates."""
        ref = (ref or "").strip()
        if not ref:
            raise ServiceError(f"give a {noun} name or id")
        records = list(pool if pool is not None else self.records(cls).values())
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

    def similar(self, cls: type[R], name: str) -> list[R]:
        """Records whose name is close to `name` but not the same (a near-duplicate)."""
        by_label: dict[str, R] = {}
        for r in sorted(self.records(cls).values(), key=lambda r: r.id):
            by_label.setdefault(r.label, r)
        return [by_label[n] for n in references.close_names(name or "", list(by_label))]

    def find_company(self, ref: str) -> Company:
        return self.find(Company, ref, "company")

    def find_contact(self, ref: str, company: Company | None = None) -> Contact:
        pool = self.contacts(company) if company else None
        return self.find(Contact, ref, "contact", pool)

    def find_follow_up(self, ref: str, include_closed: bool = True) -> FollowUp:
        f = self._by_full_id(FollowUp, ref, "title")
        if f is not None and (include_closed or f.is_open):
            return f
        return self.find(FollowUp, ref, "follow-up", self.follow_ups(include_closed))

    def _by_full_id(self, cls: type[R], ref: str, label_field: str) -> R | None:
        """The record whose whole id `ref` is, looked up by id (no sorting of every record),
        when no record's label reads the same (then `find` says it is ambiguous)."""
        key = (ref or "").strip().lower()
        if len(key) != 32:
            return None
        with self.db.lock:
            raw = self.db.raw(cls.TABLE)
            if key not in raw:
                return None
            for doc in raw.values():
                label = doc.get(label_field)
                if type(label) is str and len(label) == 32 and label.lower() == key:
                    return None
            return self.one(cls, key)

    def find_interaction(self, ref: str) -> Interaction:
        return self.find(Interaction, ref, "interaction")

    def company_id(self, ref: str | None) -> str | None:
        return self.find_company(ref).id if ref else None

    def contact_id(self, ref: str | None, company_id: str | None = None) -> str | None:
        if not ref:
            return None
        if company_id:
            return self.find_contact(ref, self.company(company_id)).id
        return self.find_contact(ref).id

    def who(self, company: str | None, contact: str | None) -> tuple[str | None, str | None]:
        """(company id, contact id) from names; a contact's company fills in a missing one."""
        company_id = self.company_id(company)
        contact_id = self.contact_id(contact, company_id)
        if company_id is None and contact_id is not None:
            company_id = self.contact(contact_id).company_id  # type: ignore[union-attr]
        return company_id, contact_id

    # -- writing ------------------------------------------------------------------------------
    def validated(self, rec: R, text_fields: Iterable[str] | None = None) -> R:
        """The record's rules, and the input rule for its text (all of it, or the fields an
        edit changes: text a synced file already holds is shown safely, not refused)."""
        try:
            rec.validate()
            rec.check_text(text_fields)
        except ValidationError as exc:
            raise ServiceError(str(exc)) from None
        return rec

    def create(self, rec: R) -> R:
        self.validated(rec)
        # Unset fields are left out of a new record (absent means None); edits store None.
        stored = {k: v for k, v in rec.to_fields().items() if v is not None}
        record_id = self.db.create(rec.TABLE, stored)
        return replace(rec, id=record_id)

    def update(self, rec: R, changes: dict[str, Any]) -> R:
        unknown = set(changes) - set(rec.to_fields())
        if unknown:
            noun = "field" if len(unknown) == 1 else "fields"
            raise ServiceError(f"unknown {noun}: {', '.join(sorted(unknown))}")
        new = self.validated(replace(rec, **changes), changes)
        self.db.update(rec.TABLE, rec.id, changes)
        return new

    def delete(self, rec: Record) -> None:
        self.db.delete(rec.TABLE, rec.id)

    def put_record(self, table: str, record_id: str, fields: dict[str, Any]) -> None:
        """Make a fixed-id record hold `fields`: create, update, or bring a deleted one back."""
        doc = self.db.raw(table).get(record_id)
        if doc is None:
            self.db.create(table, fields, record_id=record_id)
        elif record.is_live(doc):
            self.db.update(table, record_id, fields)
        else:  # restamp every field so the revival outranks the delete
            self.db.revert(table, record_id, dict(fields))

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
