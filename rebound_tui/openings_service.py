"""Openings: the roles at bullpen companies, their status history, and the plan each step sets off.

`Openings` holds the records core, the record actions (to add a company an opening names), the
playbook and the rejections. The status history is one `StatusChange` record per change, so a
merge keeps changes made on two machines (docs/FORMAT.md). Every change is one undoable action
with the follow-ups it plans, so undo removes them too.

The plan (rules as data in the playbook, domain/playbook.py):
* spotted -> the `spotted` rules, for the ally there (`ally_for`); nobody known, nothing;
* applied -> the `applied` rules; what they planned and is open goes when the status moves on;
* interviewing -> the `interview` rules (thank-you notes), the company's interviewers attending;
* rejected -> the company's rejection plan (`reject`), unless a rejection is logged at that
  company on that day already; the stage becomes rejected once no role there is open;
* a deadline -> the `deadline` rules (a reminder before it) while the opening is only spotted.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from rebound_tui.domain import dates, record
from rebound_tui.domain.model import (
    OPENING_SOURCES,
    OPENING_STATUSES,
    Company,
    Contact,
    FollowUp,
    Interaction,
    Opening,
    StatusChange,
)
from rebound_tui.domain.playbook import (
    Event,
    Person,
    PlanContext,
    boss_after_rejection,
    parse_origin,
    plan,
)
from rebound_tui.domain.warmth import warmth
from rebound_tui.errors import NotFound, ServiceError
from rebound_tui.playbook_service import Playbook
from rebound_tui.record_actions import RecordActions
from rebound_tui.records_core import RecordsCore
from rebound_tui.rejections import Rejections
from rebound_tui.touches import COMPANY_KEY
from rebound_tui.undo import action

DEADLINE_EVENT = "deadline."  # + opening id + "." + day: one reminder per deadline
# What the add/edit options may change, by service keyword.
OPENING_OPTIONS = ("url", "location", "source", "referral", "on", "deadline", "notes")


def normal_source(value: str | None) -> str | None:
    """'LinkedIn', 'company site', 'Job_Board' -> the stored word; '' or None -> None."""
    if value is None or not value.strip():
        return None
    word = "-".join(value.strip().lower().replace("_", " ").split())
    if word not in OPENING_SOURCES:
        raise ServiceError(f"bad source {value!r}: use one of {', '.join(OPENING_SOURCES)}")
    return word


def normal_status(value: str) -> str:
    word = (value or "").strip().lower()
    if word not in OPENING_STATUSES:
        raise ServiceError(f"bad status {value!r}: use one of {', '.join(OPENING_STATUSES)}")
    return word


class Openings:
    """Openings and their history (see module doc)."""

    def __init__(
        self,
        core: RecordsCore,
        records: RecordActions,
        playbook: Playbook,
        rejections: Rejections,
    ) -> None:
        self.core = core
        self.records = records
        self.playbook = playbook
        self.rejections = rejections

    # -- reading --------------------------------------------------------------------------------
    def openings(
        self, include_closed: bool = False, company: Company | None = None
    ) -> list[Opening]:
        """Openings (only open ones unless `include_closed`), by status, company, title."""
        items: Iterable[Opening] = self.core.records(Opening).values()
        if not include_closed:
            items = [o for o in items if o.is_open]
        if company is not None:
            items = [o for o in items if o.company_id == company.id]
        names = {c.id: c.name.lower() for c in self.core.records(Company).values()}
        return sorted(
            items,
            key=lambda o: (
                OPENING_STATUSES.index(o.status) if o.status in OPENING_STATUSES else 99,
                names.get(o.company_id, ""),
                o.title.lower(),
                o.id,
            ),
        )

    def opening(self, record_id: str | None) -> Opening | None:
        return self.core.records(Opening).get(record_id) if record_id else None

    def find_opening(self, ref: str) -> Opening:
        return self.core.find(Opening, ref, "opening")

    def opening_history(self, opening: Opening | str) -> list[StatusChange]:
        """The opening's status changes, oldest first (by day, then by when they were made)."""
        opening_id = opening.id if isinstance(opening, Opening) else opening
        steps = [s for s in self.core.records(StatusChange).values() if s.opening_id == opening_id]
        return self._in_order(steps)

    def opening_histories(self) -> dict[str, list[StatusChange]]:
        """Every opening's history, by opening id (one pass, for exports and views)."""
        out: dict[str, list[StatusChange]] = {}
        for s in self.core.records(StatusChange).values():
            out.setdefault(s.opening_id, []).append(s)
        return {k: self._in_order(v) for k, v in out.items()}

    def _in_order(self, steps: list[StatusChange]) -> list[StatusChange]:
        raw = self.core.db.raw(StatusChange.TABLE)
        return sorted(
            steps, key=lambda s: (s.day, str(raw.get(s.id, {}).get(record.CREATED, "")), s.id)
        )

    # -- finding what an opening refers to -------------------------------------------------------
    def match_company(self, name: str) -> Company:
        """A bullpen company by its name, ignoring case and spacing; NotFound lists close ones."""
        wanted = " ".join((name or "").split()).casefold()
        if not wanted:
            raise ServiceError("give the company's name")
        companies = self.core.companies()
        for c in companies:
            if " ".join(c.name.split()).casefold() == wanted:
                return c
        names = {c.name.casefold(): c.name for c in companies}
        close = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)
        close += [n for k, n in names.items() if (wanted in k or k in wanted) and n not in close]
        hint = f" Close matches: {', '.join(names.get(c, c) for c in close[:5])}." if close else ""
        raise NotFound(f"the company {name!r} is not in the bullpen.{hint}")

    def _opening_company(self, ref: str | Company, add_company: bool, by_name: bool) -> Company:
        if isinstance(ref, Company):
            return ref
        try:
            return self.match_company(ref) if by_name else self.core.find_company(ref)
        except NotFound as exc:
            if add_company:
                return self.records.add_company(ref)
            raise NotFound(
                f"{exc} Give a company from the bullpen, or add this one with --add-company."
            ) from None

    def _opening_fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Option names -> stored fields: names resolved, date words read, text trimmed."""
        out: dict[str, Any] = {}
        for key, value in fields.items():
            if isinstance(value, str):
                value = value.strip() or None
            if key == "referral":
                out["referral_id"] = self.core.find_contact(value).id if value else None
            elif key == "source":
                out["source"] = normal_source(value)
            elif key in ("on", "spotted_on"):
                out["spotted_on"] = self.core.day(value, default_today=False)
            elif key in ("deadline", "posted_on", "applied_on"):
                out[key] = self.core.day(value, default_today=False)
            elif key in ("url", "location", "notes", "title"):
                out[key] = value
            else:
                raise ServiceError(f"unknown opening field {key!r}")
        return out

    # -- writing --------------------------------------------------------------------------------
    @action(lambda o: f"add opening {o.title}")
    def add_opening(
        self,
        company: str | Company,
        title: str,
        *,
        status: str = "spotted",
        add_company: bool = False,
        company_by_name: bool = False,
        **fields: Any,
    ) -> Opening:
        """A new opening (spotted today unless `on` says when), and the plan it sets off.

        `company` is a name or id as everywhere; with `company_by_name` (a name read from a job
        posting) only a name match counts. `add_company` adds a company not in the bullpen.
        """
        status = normal_status(status)
        data = self._opening_fields({k: v for k, v in fields.items() if v is not None})
        if data.get("referral_id") and not data.get("source"):
            data["source"] = "referral"
        if not data.get("spotted_on"):
            data["spotted_on"] = self.core.day(None)
        day = data["spotted_on"]
        if status == "applied" and not data.get("applied_on"):
            data["applied_on"] = day
        day = data.get("applied_on") if status == "applied" else day
        title = " ".join((title or "").split())
        # Validate before a company is added, so bad input never leaves one behind.
        self.core.validated(Opening(company_id="-", title=title, status=status, **data))
        co = self._opening_company(company, add_company, company_by_name)
        opening = self.core.create(Opening(company_id=co.id, title=title, status=status, **data))
        change = self.core.create(StatusChange(opening_id=opening.id, status=status, day=day or ""))
        self._plan_status(opening, change)
        self._plan_deadline(opening)
        return opening

    @action(lambda o: f"edit opening {o.title}")
    def edit_opening(self, ref: str | Opening, **changes: Any) -> Opening:
        """Change fields (an empty value clears one); a new deadline moves its reminder."""
        opening = ref if isinstance(ref, Opening) else self.find_opening(ref)
        company = changes.pop("company", None)
        add_company = changes.pop("add_company", False)
        if "title" in changes and changes["title"] is not None:
            changes["title"] = " ".join(changes["title"].split())
        data = self._opening_fields(changes)
        if company:
            data["company_id"] = self._opening_company(company, add_company, False).id
        updated = self.core.update(opening, data)
        self._plan_deadline(updated)
        return updated

    @action(lambda o: f"delete opening {o.title}")
    def delete_opening(self, ref: str | Opening) -> Opening:
        """Delete it with its history; the open follow-ups it planned go too."""
        opening = ref if isinstance(ref, Opening) else self.find_opening(ref)
        for change in self.opening_history(opening):
            self._drop_planned(change.id)
            self.core.db.delete(StatusChange.TABLE, change.id)
        self._drop_deadline_reminders(opening, keep=None)
        self.core.db.delete(Opening.TABLE, opening.id)
        return opening

    @action(lambda r: f"{r[0].title}: {r[0].status}")
    def set_opening_status(
        self,
        ref: str | Opening,
        status: str,
        *,
        on: str | dt.date | None = None,
        note: str | None = None,
    ) -> tuple[Opening, StatusChange]:
        """Move an opening to `status` on a day (default today): a history step, and the plan."""
        opening = ref if isinstance(ref, Opening) else self.find_opening(ref)
        status = normal_status(status)
        if status == opening.status:
            raise ServiceError(f"{opening.title} is already {status}")
        day = self.core.day(on) or ""
        note = " ".join(note.split()) if note and note.strip() else None
        change = self.core.create(
            StatusChange(opening_id=opening.id, status=status, day=day, note=note)
        )
        fields: dict[str, Any] = {"status": status}
        if status == "applied" and not opening.applied_on:
            fields["applied_on"] = day
        # The applied follow-up waits for an answer: an answer (any move) makes it pointless.
        for earlier in self.opening_history(opening):
            if earlier.id != change.id and earlier.status == "applied":
                self._drop_planned(earlier.id)
        updated = self.core.update(opening, fields)
        self._plan_status(updated, change)
        self._plan_deadline(updated)
        return updated, change

    # -- the plan -------------------------------------------------------------------------------
    def _open_planned(self) -> list[FollowUp]:
        """Open follow-ups a rule made (unsorted: the due list's order is not needed here)."""
        return [f for f in self.core.records(FollowUp).values() if f.is_open and f.origin]

    def _drop_planned(self, event_id: str) -> None:
        for f in self._open_planned():
            o = parse_origin(f.origin)
            if o is not None and o.event_id == event_id:
                self.core.db.delete(FollowUp.TABLE, f.id)

    def _drop_deadline_reminders(self, opening: Opening, keep: str | None) -> None:
        prefix = f"{DEADLINE_EVENT}{opening.id}."
        for f in self._open_planned():
            origin = f.origin or ""
            mine = origin.startswith("rule:") and f":{prefix}" in origin
            if mine and (keep is None or f":{keep}:" not in origin):
                self.core.db.delete(FollowUp.TABLE, f.id)

    def _plan_deadline(self, opening: Opening) -> None:
        """One reminder before the deadline while the opening is only spotted, else none."""
        if self.playbook.paused:
            return
        event_id = f"{DEADLINE_EVENT}{opening.id}.{opening.deadline}"
        wanted = opening.deadline and opening.status == "spotted"
        self._drop_deadline_reminders(opening, keep=event_id if wanted else None)
        if wanted:
            day = dates.parse_day_strict(opening.deadline or "")
            self._apply_light(
                Event(event_id, "deadline", day, opening.company_id, title=opening.title)
            )

    def ally_for(self, opening: Opening) -> Contact | None:
        """Who to ask for a referral: the opening's referral, else the boss who said no, else the
        warmest contact at the company (then by name); None when you know nobody there."""
        referral = self.core.contact(opening.referral_id)
        if referral is not None:
            return referral
        boss = self._boss_fast(opening.company_id)
        if boss is not None:
            return boss
        company = self.core.company(opening.company_id)
        people = self.core.contacts(company) if company else []
        if not people:
            return None
        touches = self.core.touch_groups()
        today = self.core.today()

        def heat(c: Contact) -> float:
            mine = touches.get(c.id, {}).values()
            return warmth(((t.day, t.kind) for t in mine), today).score

        return min(people, key=lambda c: (-heat(c), c.name.lower()))

    def _boss_fast(self, company_id: str | None) -> Contact | None:
        """`boss_of` from the company's own touches (not a sort of every interaction)."""
        if not company_id:
            return None
        touches = self.core.touch_groups().get(COMPANY_KEY + company_id, {})
        interactions = self.core.records(Interaction)
        said_no = None
        for t in sorted(touches.values(), key=lambda t: (t.day, t.id), reverse=True):
            i = interactions.get(t.id)
            if t.kind == "rejection" and i is not None and self.core.contact(i.contact_id):
                said_no = self.core.contact(i.contact_id)
                break
        role = said_no.role if said_no else None
        bosses = self.playbook.bosses(company_id)
        return self.core.contact(
            boss_after_rejection(said_no.id if said_no else None, role, bosses)
        )

    def _apply_light(self, event: Event, ally: Contact | None = None) -> list[FollowUp]:
        """`Playbook.apply` for the opening triggers, whose rules name only the company, the boss
        and the ally: their context is looked up directly, not from every interaction (a fast
        add on a big file). Origins that exist already are skipped, as `apply` does."""
        boss = self._boss_fast(event.company_id)
        people = {c.id: Person(c.id, c.name, c.company_id) for c in (boss, ally) if c is not None}
        company = self.core.company(event.company_id)
        context = PlanContext(
            people=people,
            company_names={company.id: company.name} if company else {},
            boss_id=boss.id if boss else None,
            ally_id=ally.id if ally else None,
            today=self.core.today(),
        )
        existing = self.core.follow_up_origins()
        return self.playbook.create_planned(plan(event, self.playbook.rules(), context), existing)

    def _plan_status(self, opening: Opening, change: StatusChange) -> list[FollowUp]:
        if self.playbook.paused:
            return []
        day = dates.parse_day_strict(change.day)
        company_id = opening.company_id
        if change.status == "spotted":
            ally = self.ally_for(opening)
            event = Event(change.id, "spotted", day, company_id, title=opening.title)
            return self._apply_light(event, ally) if ally else []
        if change.status == "applied":
            event = Event(change.id, "applied", day, company_id, title=opening.title)
            return self._apply_light(event, self.ally_for(opening))
        if change.status == "interviewing":
            company = self.core.company(company_id)
            people = self.core.contacts(company) if company else []
            interviewers = tuple(c.id for c in people if c.role == "interviewer")
            event = Event(change.id, "interview", day, company_id, None, interviewers)
            return self.playbook.apply(replace(event, title=opening.title))
        if change.status == "rejected":
            already = any(
                i.kind == "rejection" and i.company_id == company_id and i.day == change.day
                for i in self.core.records(Interaction).values()
            )
            if (company := self.core.company(company_id)) is None:
                return []
            # Only the last open role's no makes the company rejected; the plan starts anyway.
            last = not self.openings(company=company)  # open ones only: this one is not
            note = f"Not selected for {opening.title}"
            if not already:
                return self.rejections.reject(company, on=change.day, note=note, set_stage=last)[1]
            if last and company.stage != "rejected":
                self.core.update(company, {"stage": "rejected"})
        return []
