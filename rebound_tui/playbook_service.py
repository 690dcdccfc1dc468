"""The playbook's part of the service: rules applied to the events it is handed.

`Playbook` holds the records core, the stored rules (rulebook.py) and the cadences
(cadences.py). The record actions (record_actions.py) hand it each event as it happens:
`after_log(interaction)` when an interaction is logged, `after_complete(follow_up, day)` when a
follow-up is done, `after_drop`, `before_delete_interaction`, `after_contact_saved`,
`after_contact_deleted`; openings (openings_service.py) hand it their status events through
`apply` and `reject`. Every follow-up a rule creates carries its origin (see
domain/playbook.py), so applying a rule twice never duplicates, and removing the event removes
what it created that is still open. All writes happen inside the calling action, so undoing a
`log` also removes the follow-ups it planned.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from rebound_tui.cadences import Cadences
from rebound_tui.domain import dates
from rebound_tui.domain.cadence import Touch
from rebound_tui.domain.model import TOUCH_KINDS, Company, Contact, FollowUp, Interaction
from rebound_tui.domain.plan_timeline import Step, timeline
from rebound_tui.domain.playbook import (
    TRIGGER_OF_KIND,
    Event,
    Person,
    PlanContext,
    PlannedFollowUp,
    Rule,
    boss_after_rejection,
    parse_origin,
    plan,
    rule_by_id,
)
from rebound_tui.domain.playbook import (
    next_repeat as _next_repeat,
)
from rebound_tui.domain.text import clean, clean_line
from rebound_tui.records_core import RecordsCore
from rebound_tui.rulebook import RuleBook
from rebound_tui.touches import day_of, people_of, touch_of


class Playbook:
    """Rules applied to events, the rejection plan and the turnover watch (see module doc)."""

    def __init__(self, core: RecordsCore, rulebook: RuleBook, cadences: Cadences) -> None:
        self.core = core
        self.rulebook = rulebook
        self.cadences = cadences
        self.paused = False
        self._touch_cache: dict[str, tuple[Interaction, Touch | None]] = {}

    def rules(self) -> list[Rule]:
        return self.rulebook.rules()

    def plan_of(self, company_id: str | None) -> list[Step]:
        """The company's plan as a timeline (domain/plan_timeline.py): the steps its rules
        made, done, late, today or upcoming."""
        if not company_id:
            return []
        # Only the company's follow-ups built (not every one: the first status line after a
        # large file opens would wait for 5,000 of them), in `follow_ups`' order.
        mine = sorted(
            self.core.live_where(FollowUp, "company_id", company_id),
            key=lambda f: (f.due, f.title.lower()),
        )
        offsets = {r.id: str(r.offset) for r in self.rules() if r.offset is not None}
        return timeline(mine, self.core.today(), offsets)

    # -- looking things up for the planner -----------------------------------------------------
    def _touches(self) -> list[Touch]:
        """Every interaction as a dated touch (order does not matter to the callers).

        Cached per record object: the core rebuilds only records that changed, so with 20,000
        interactions a log does not re-parse 20,000 days.
        """
        cache = self._touch_cache
        fresh: dict[str, tuple[Interaction, Touch | None]] = {}
        out: list[Touch] = []
        for i in self.core.records(Interaction).values():
            hit = cache.get(i.id)
            touch = hit[1] if hit is not None and hit[0] is i else touch_of(i)
            fresh[i.id] = (i, touch)
            if touch is not None:
                out.append(touch)
        self._touch_cache = fresh
        return out

    def origins(self) -> set[str]:
        """The origins of the follow-ups there are, done and dropped ones too."""
        return self.core.follow_up_origins()

    def bosses(self, company_id: str | None) -> list[str]:
        """The ids of the company's contacts whose role is boss."""
        people = self.core.records(Contact).values()
        return [
            c.id for c in people if company_id and c.company_id == company_id and c.role == "boss"
        ]

    def boss_of(self, company_id: str | None) -> Contact | None:
        """The boss who said no at a company (the latest rejection's contact, unless they only
        passed the news on: see `boss_after_rejection`), else its only 'boss'."""
        if not company_id:
            return None
        core = self.core
        # The latest such rejection, found without sorting every interaction (the rejection
        # form asks this as it opens: issue 14).
        rejections = [
            i
            for i in core.live_where(Interaction, "kind", "rejection")
            if i.company_id == company_id and core.contact(i.contact_id)
        ]
        latest = max(rejections, key=lambda i: (i.day, i.id), default=None)
        said_no = core.contact(latest.contact_id) if latest else None
        role = said_no.role if said_no else None
        boss = boss_after_rejection(said_no.id if said_no else None, role, self.bosses(company_id))
        return core.contact(boss)

    def event_of(self, i: Interaction) -> Event | None:
        """The playbook event a logged interaction is, if its kind sets rules off."""
        trigger = TRIGGER_OF_KIND.get(i.kind)
        day = day_of(i.day)
        if trigger is None or day is None:
            return None
        contact = self.core.contact
        with_ids = tuple(p for p in (i.with_ids or ()) if contact(p) and p != i.contact_id)
        contact_id = i.contact_id if contact(i.contact_id) else None
        return Event(i.id, trigger, day, i.company_id, contact_id, with_ids, i.note)

    def _plan_context(
        self,
        event: Event,
        hired_name: str | None = None,
        origins: Collection[str] | None = None,
    ) -> PlanContext:
        core = self.core
        contacts = core.records(Contact)
        last: dict[str, int] = {}
        for t in self._touches():
            if t.kind in TOUCH_KINDS:
                for p in t.contact_ids:
                    last[p] = max(last.get(p, 0), t.day.toordinal())
        at_company = [
            c for c in contacts.values() if event.company_id and c.company_id == event.company_id
        ]
        at_company.sort(key=lambda c: (c.role != "boss", -last.get(c.id, 0), c.name.lower()))
        referred: list[str] = []
        if event.contact_id:
            referred = [
                c.id
                for c in sorted(contacts.values(), key=lambda c: c.name.lower())
                if c.referred_by == event.contact_id
            ]
        if event.trigger == "referral-interview":
            referred += [p for p in event.with_ids if p not in referred]
        if event.trigger == "rejection" and event.contact_id:
            role = contacts[event.contact_id].role if event.contact_id in contacts else None
            bosses = self.bosses(event.company_id)
            boss_id: str | None = boss_after_rejection(event.contact_id, role, bosses)
        else:
            boss = self.boss_of(event.company_id)
            boss_id = boss.id if boss else None
        involved = {
            event.contact_id,
            *event.with_ids,
            *(c.id for c in at_company),
            *referred,
            boss_id,
        }
        people = {
            p: Person(p, contacts[p].name, contacts[p].company_id)
            for p in involved
            if p and p in contacts
        }
        companies = {c.id: c.name for c in core.records(Company).values()}
        already = set()
        for origin_text in origins if origins is not None else self.origins():
            origin = parse_origin(origin_text)
            if origin and origin.event_id != event.id:
                already.add((origin.rule_id, origin.target_id))
        company = core.company(event.company_id)
        return PlanContext(
            people=people,
            company_names=companies,
            company_contacts=tuple(c.id for c in at_company),
            referred_ids=tuple(referred),
            boss_id=boss_id,
            hired_name=hired_name or (company.hired_name if company else None),
            already=frozenset(already),
            today=core.today(),
        )

    def apply(
        self, event: Event, hired_name: str | None = None, ally_id: str | None = None
    ) -> list[FollowUp]:
        """Create what the rules call for after `event`, skipping origins that exist already.
        `ally_id`: who can refer you for an opening (the `ally` of a spotted opening)."""
        existing = self.origins()  # once: the plan context reads the same origins
        context = self._plan_context(event, hired_name, existing)
        if ally_id is not None:
            context = replace(context, ally_id=ally_id)
        return self.create_planned(plan(event, self.rules(), context), existing)

    def create_planned(
        self, planned: Iterable[PlannedFollowUp], existing: set[str]
    ) -> list[FollowUp]:
        """Write the planned follow-ups whose origin is not in `existing` (which grows)."""
        created = []
        for p in planned:
            if p.origin in existing:
                continue
            f = self.core.create(
                FollowUp(
                    title=p.title,
                    due=dates.format_day(p.due),
                    kind=p.kind,
                    company_id=p.company_id,
                    contact_id=p.contact_id,
                    note=p.note,
                    origin=p.origin,
                )
            )
            existing.add(p.origin)
            created.append(f)
        return created

    def created_by(self, event_id: str, include_closed: bool = True) -> list[FollowUp]:
        """The follow-ups an event's rules created (the event: an interaction id or a hire)."""
        return [
            f
            for f in self.core.follow_ups(include_closed=include_closed)
            if (o := parse_origin(f.origin)) is not None and o.event_id == event_id
        ]

    # -- the events it is handed -----------------------------------------------------------------
    @contextmanager
    def playbook_paused(self) -> Iterator[None]:
        """No rules, cadences or repeats inside: for importers and scripts that bring their own
        history (importing a year of interviews must not create a year of thank-you notes)."""
        before, self.paused = self.paused, True
        try:
            yield
        finally:
            self.paused = before

    def after_log(self, interaction: Interaction) -> list[FollowUp]:
        """Apply the rules for a logged event; a real touch re-times the people's cadences."""
        created: list[FollowUp] = []
        if self.paused:
            return created
        event = self.event_of(interaction)
        if event is not None:
            created += self.apply(event)
        if interaction.kind in TOUCH_KINDS:
            created += self.cadences.sync(people_of(interaction))
        return created

    def apply_rules(self, interaction: Interaction | str) -> list[FollowUp]:
        """Apply the rules to an event again (idempotent: only what is missing is created)."""
        i = (
            interaction
            if isinstance(interaction, Interaction)
            else self.core.find_interaction(interaction)
        )
        event = self.event_of(i)
        return self.apply(event) if event else []

    def after_complete(self, follow_up: FollowUp, day: str) -> list[FollowUp]:
        """A recurring rule schedules its next follow-up from the day this one was done."""
        created: list[FollowUp] = []
        if self.paused:
            return created
        origin = parse_origin(follow_up.origin)
        done_on = day_of(day) or self.core.today()
        if origin is not None:
            nxt = _next_repeat(rule_by_id(self.rules(), origin.rule_id), origin, done_on)
            if nxt is not None and nxt[0] not in self.origins():
                created.append(
                    self.core.create(
                        FollowUp(
                            title=clean_line(follow_up.title),  # as the file may hold it
                            due=dates.format_day(nxt[1]),
                            kind=follow_up.kind,
                            company_id=follow_up.company_id,
                            contact_id=follow_up.contact_id,
                            priority=follow_up.priority,
                            note=clean(follow_up.note or "", multiline=True)[0] or None,
                            origin=nxt[0],
                        )
                    )
                )
        people = [follow_up.contact_id] if follow_up.contact_id else []
        created += self.cadences.sync(people)
        return created

    def after_drop(self, follow_up: FollowUp) -> list[FollowUp]:
        """A dropped check-in skips one round: the next is due a cadence after the drop."""
        if self.paused:
            return []
        return self.cadences.sync([follow_up.contact_id] if follow_up.contact_id else [])

    def before_delete_interaction(self, interaction: Interaction) -> None:
        """Remove the still-open follow-ups the event created; re-time cadences without it."""
        for f in self.created_by(interaction.id, include_closed=False):
            self.core.delete(f)
        if interaction.kind in TOUCH_KINDS and not self.paused:
            self.cadences.sync(people_of(interaction), exclude=interaction.id)

    def after_contact_saved(self, contact: Contact) -> list[FollowUp]:
        """Call after adding or editing a contact: re-times their cadence, and someone added as
        referred by X gets the outreach of X's latest referral interview (people are often added
        after the meeting they came out of)."""
        created: list[FollowUp] = []
        if self.paused:
            return created
        if contact.referred_by:
            meetings = [
                i
                for i in self.core.interactions()
                if i.kind == "referral-interview" and contact.referred_by in people_of(i)
            ]
            if meetings:
                created += self.apply_rules(meetings[-1])
        created += self.cadences.sync([contact.id])
        return created

    def after_contact_deleted(self, contact: Contact) -> None:
        """Call after deleting a contact: their open check-in goes too."""
        if not self.paused:
            self.cadences.sync([contact.id])
