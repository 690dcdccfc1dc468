"""A company said no: the rejection and its plan, the same rejection recorded twice, and the
turnover watch (who got the job, and check-ins around the weeks they may leave).

`Rejections` writes the events through the records core and hands them to the playbook
(playbook_service.py), which plans the follow-ups.
"""

from __future__ import annotations

import datetime as dt

from rebound_tui.domain import dates
from rebound_tui.domain.model import Company, Contact, FollowUp, Interaction
from rebound_tui.domain.playbook import HIRE_EVENT, Event, Origin, parse_origin
from rebound_tui.errors import ServiceError
from rebound_tui.playbook_service import Playbook
from rebound_tui.records_core import RecordsCore
from rebound_tui.undo import action


class Rejections:
    """Rejections and hires at bullpen companies (see module doc)."""

    def __init__(self, core: RecordsCore, playbook: Playbook) -> None:
        self.core = core
        self.playbook = playbook
        # The interactions as they were when `merge_duplicate_rejections` last found no twins
        # (the database's epoch, writes to the table): then asking again needs no scan.
        self._no_twins: tuple[int, int] | None = None

    @action(lambda r: f"record a rejection ({r[0].day})")
    def reject(
        self,
        company: str | Company,
        *,
        on: str | dt.date | None = None,
        boss: str | Contact | None = None,
        note: str | None = None,
        set_stage: bool = True,
    ) -> tuple[Interaction, list[FollowUp]]:
        """The company said no: stage 'rejected', a rejection logged with the boss, and the
        plan's follow-ups (thank-you, referral ask, check-ins, news checks) created.

        `set_stage=False` leaves the stage (one role said no while another there is open)."""
        core = self.core
        co = company if isinstance(company, Company) else core.find_company(company)
        if isinstance(boss, Contact):
            boss_contact: Contact | None = boss
        elif boss:
            try:
                boss_contact = core.find_contact(boss, co)
            except ServiceError as exc:  # not found or ambiguous: say how to add them
                raise ServiceError(
                    f"{exc} Add the boss first: rebound-tui add contact NAME --company "
                    f"{co.name!r} --role boss"
                ) from None
        else:
            boss_contact = self.playbook.boss_of(co.id)
        day = core.day(on, past=True) or ""
        same = self._rejection_of(co.id, day)
        if same is not None:  # the same event again: nothing changes (see rejection_on)
            return same, []
        if set_stage and co.stage != "rejected":
            core.update(co, {"stage": "rejected"})
        rec = core.create(
            Interaction(
                kind="rejection",
                day=day,
                company_id=co.id,
                contact_id=boss_contact.id if boss_contact else None,
                note=note or None,
            )
        )
        self.playbook.after_log(rec)
        return rec, self.playbook.created_by(rec.id)

    def _rejection_of(self, company_id: str, day: str) -> Interaction | None:
        hits = [
            i
            for i in self.core.records(Interaction).values()
            if i.kind == "rejection" and i.company_id == company_id and i.day == day
        ]
        return min(hits, key=lambda i: i.id) if hits else None

    def rejection_on(
        self, company: str | Company, on: str | dt.date | None = None
    ) -> Interaction | None:
        """The rejection already recorded for this company on this day, if any: a second one
        is the same event (`reject` then changes nothing)."""
        co = company if isinstance(company, Company) else self.core.find_company(company)
        return self._rejection_of(co.id, self.core.day(on, past=True) or "")

    @action(lambda n: "merge duplicate rejections")
    def merge_duplicate_rejections(self) -> int:
        """Two rejections by one company on one day (recorded on two machines, then merged) are
        one event: keep one plan. Per rule and person, a step done or dropped under either event
        counts, and of the open ones only the furthest along (then the lowest event id) stays.
        Every machine removes the same follow-ups, so the result merges cleanly. Returns how
        many follow-ups were removed."""
        db = self.core.db
        state = (db.epoch, len(db.changes.get(Interaction.TABLE, ())))
        if state == self._no_twins:
            return 0  # (`sync` asks, then its save asks again)
        groups: dict[tuple[str, str], list[str]] = {}
        # The rejections only (every command that writes asks this: no record object is built
        # for the other interactions).
        for i in self.core.live_where(Interaction, "kind", "rejection"):
            if i.company_id:
                groups.setdefault((i.company_id, i.day), []).append(i.id)
        twins = {eid: sorted(ids) for ids in groups.values() if len(ids) > 1 for eid in ids}
        if not twins:
            self._no_twins = state
            return 0
        slots: dict[tuple, list[tuple[Origin, FollowUp]]] = {}
        for f in self.core.follow_ups(include_closed=True):
            o = parse_origin(f.origin)
            if o is not None and o.event_id in twins:
                key = (tuple(twins[o.event_id]), o.rule_id, o.target_id)
                slots.setdefault(key, []).append((o, f))
        removed = 0
        for (events, _rule, _target), items in slots.items():
            done_n = max((o.n for o, f in items if not f.is_open), default=-1)
            opens = sorted(
                ((o, f) for o, f in items if f.is_open),
                key=lambda of: (-of[0].n, events.index(of[0].event_id), of[1].id),
            )
            keep = opens[0][1].id if opens and opens[0][0].n > done_n else None
            for _o, f in opens:
                if f.id != keep:
                    self.core.delete(f)
                    removed += 1
        return removed

    @action(lambda r: f"turnover watch: {r[0].hired_name} at {r[0].name}")
    def record_hire(
        self, company: str | Company, name: str, started: str | dt.date
    ) -> tuple[Company, list[FollowUp]]:
        """Who got the job instead and when they started: check-ins with the boss around 30, 60
        and 90 days after that start, then yearly (people leave, often in the first weeks).
        Recording another start date replaces the open check-ins of the earlier one."""
        core = self.core
        co = company if isinstance(company, Company) else core.find_company(company)
        name = (name or "").strip()
        if not name:
            raise ServiceError("say who was hired: a name (or e.g. 'the other candidate')")
        if started is None or started == "":
            raise ServiceError("say when they started: --started DATE")
        day = core.day(started, past=True) or ""
        co = core.update(co, {"hired_name": name, "hired_started": day})
        event_id = f"{HIRE_EVENT}{co.id}.{day}"
        for f in core.follow_ups():
            o = parse_origin(f.origin)
            if o and o.event_id.startswith(f"{HIRE_EVENT}{co.id}.") and o.event_id != event_id:
                core.delete(f)
        event = Event(event_id, "hired", dates.parse_day_strict(day), co.id)
        created = self.playbook.apply(event, hired_name=name)
        return co, created
