"""Cadences: every contact with a keep-in-touch cadence has exactly one open check-in, timed
from the last real touch (domain/cadence.py plans it; the `cadence` rule of the playbook names
it). The playbook calls `sync` after the events that move a check-in; `cadence_sync` is the
user's (or a merge's) full re-timing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from rebound_tui.domain import cadence as cadence_mod
from rebound_tui.domain import clock, dates
from rebound_tui.domain.model import Contact, FollowUp
from rebound_tui.domain.playbook import render_title
from rebound_tui.records_core import RecordsCore
from rebound_tui.rulebook import RuleBook
from rebound_tui.touches import day_of
from rebound_tui.undo import action


class Cadences:
    """Check-ins kept in step with the touches (see module doc)."""

    def __init__(self, core: RecordsCore, rulebook: RuleBook) -> None:
        self.core = core
        self.rulebook = rulebook

    @action(lambda changed: "re-time check-ins")
    def cadence_sync(self, contact: str | Contact | None = None) -> list[FollowUp]:
        """Give every contact with a cadence exactly one open check-in, timed from the last real
        touch; remove check-ins of contacts that no longer have a cadence. Returns the check-ins
        created or re-timed. Call it after a contact's cadence changes or data merges in."""
        core = self.core
        if contact is None:
            ids = {c.id for c in core.records(Contact).values() if c.cadence}
            ids |= {
                cid
                for f in core.follow_ups()
                if (cid := cadence_mod.contact_of(f.origin)) is not None
            }
            ids_list = sorted(ids)
        else:
            c = contact if isinstance(contact, Contact) else core.find_contact(contact)
            ids_list = [c.id]
        return self.sync(ids_list)

    def sync(self, contact_ids: Iterable[str | None], exclude: str | None = None) -> list[FollowUp]:
        """Re-time these contacts' check-ins (`exclude`: an interaction about to be deleted);
        returns the check-ins created or re-timed."""
        core = self.core
        ids = [c for c in dict.fromkeys(contact_ids) if c]
        if not ids:
            return []
        rule = next(
            (r for r in self.rulebook.rules() if r.trigger == "cadence" and r.enabled), None
        )
        # Each contact's own touches and check-ins, from indexes kept in step with the data:
        # re-timing one person's check-in must not scan every interaction and follow-up. The
        # touches only of a person with a cadence (in a command, each is a scan of every
        # interaction: 9.5 ms on the heavy file, where 1 person in 20 has a cadence).
        touch_index = core.touch_groups()
        check_in_index = core.check_in_groups()
        open_by: dict[str, list[FollowUp]] = {}
        done_by: dict[str, list[dt.date]] = {}
        by_hand: set[str] = set()
        for cid in ids:
            for f in check_in_index.get(cid, {}).values():
                if cadence_mod.contact_of(f.origin) is not None:
                    if f.is_open:
                        open_by.setdefault(cid, []).append(f)
                        continue
                elif f.is_open:
                    by_hand.add(cid)  # the user's own open check-in serves the cadence
                    continue
                # Any check-in with the person done or dropped (the cadence's or one added by
                # hand) starts the next round from that day.
                if (closed := day_of(f.closed_on)) is not None:
                    done_by.setdefault(cid, []).append(closed)
        changed: list[FollowUp] = []
        for cid in ids:
            person = core.contact(cid)
            span = None
            if person is not None and person.cadence:
                try:
                    span = dates.parse_span(person.cadence)
                except dates.DateError:
                    span = None
            opens = open_by.get(cid, [])
            if rule is None or span is None or person is None:
                for f in opens:
                    core.delete(f)
                continue
            touches = [t for t in touch_index.get(cid, {}).values() if t.id != exclude]
            check = cadence_mod.plan_check_in(
                cid,
                span,
                touches,
                core.today(),
                done_by.get(cid, []),
                since=self.contact_since(person),
            )
            opens.sort(key=lambda f: (f.origin != check.origin, f.due, f.id))
            keep, extras = (opens[0], opens[1:]) if opens else (None, [])
            for f in extras:  # two machines each made one: keep one
                core.delete(f)
            due = dates.format_day(check.due)
            if keep is None and cid in by_hand:
                continue
            if keep is None:
                company = core.company(person.company_id)
                title = render_title(
                    rule.title,
                    {
                        "who": person.name,
                        "contact": person.name,
                        "company": company.name if company else None,
                        "offset": str(span),
                    },
                )
                changed.append(
                    core.create(
                        FollowUp(
                            title=title,
                            due=due,
                            kind=rule.kind,
                            company_id=person.company_id,
                            contact_id=cid,
                            origin=check.origin,
                        )
                    )
                )
            elif keep.origin != check.origin:  # a new touch or a new cadence: re-time it
                changed.append(core.update(keep, {"due": due, "origin": check.origin}))
        return changed

    def contact_since(self, contact: Contact, today: dt.date | None = None) -> dt.date | None:
        """The day a relationship starts counting: the day met (`met_on`), else the local day
        the contact was added; never after today (`today`, if the caller has it)."""
        day = day_of(contact.met_on)
        if day is None:
            doc = self.core.db.raw(Contact.TABLE).get(contact.id)
            stamp = doc.get("_created") if doc else None
            try:
                day = dates.local_day_of(clock.stamp_instant(stamp)) if stamp else None
            except (clock.ClockError, dates.DateError, TypeError):
                day = None
        if day is None:
            return None
        return min(day, today if today is not None else self.core.today())
