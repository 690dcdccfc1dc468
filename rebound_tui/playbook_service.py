"""The playbook's part of the service: rules applied to events, cadences, cool-off (drafts:
drafts_service.py).

Mixed into `Service` (service.py), whose core methods call the hooks: `after_log(interaction)`
when an interaction is logged, `after_complete(follow_up, day)` when a follow-up is done,
`before_delete_interaction(interaction)` before one is deleted. Every follow-up a rule creates
carries its origin (see domain/playbook.py), so applying a rule twice never duplicates, and
removing the event removes what it created that is still open. All writes happen inside the
calling action, so undoing a `log` also removes the follow-ups it planned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rebound_tui.domain import cadence as cadence_mod
from rebound_tui.domain import clock, cooloff, dates, record
from rebound_tui.domain.cadence import Touch
from rebound_tui.domain.model import TOUCH_KINDS, Company, Contact, FollowUp, Interaction
from rebound_tui.domain.playbook import (
    DEFAULT_RULES,
    TRIGGER_OF_KIND,
    Event,
    Origin,
    Person,
    PlanContext,
    Rule,
    RuleError,
    check_unique,
    parse_origin,
    plan,
    render_title,
    rule_by_id,
    rule_from_dict,
    rule_to_dict,
    sorted_rules,
)
from rebound_tui.domain.playbook import (
    next_repeat as _next_repeat,
)
from rebound_tui.domain.text import clean, clean_line
from rebound_tui.errors import ServiceError
from rebound_tui.record_index import GroupIndex
from rebound_tui.undo import action

if TYPE_CHECKING:
    from rebound_tui.service import Service

RULES_TABLE = "rules"
TEMPLATES_TABLE = "templates"
COOLOFF_SETTING = "cooloff"
MY_NAME_SETTING = "my_name"
# A topic longer than this reads badly inside a sentence; the draft leaves it out instead.
MAX_TOPIC = 80
# News this recent is still a talking point in a draft that was not created by the news itself.
NEWS_DAYS = 60
HIRE_EVENT = "hire."
COMPANY_KEY = "co:"  # the touch index files each touch under its company too (ids are hex)


def _day(text: str | None) -> dt.date | None:
    try:
        return dates.parse_day_strict(text or "")
    except dates.DateError:
        return None


def _people_of(i: Interaction) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in (i.contact_id, *(i.with_ids or ())) if p))


def _touch_entries(i: Interaction) -> list[tuple[str, Touch]]:
    """One touch, filed under each person in it and under its company ("co:" + id)."""
    day = _day(i.day)
    if day is None:
        return []
    people = _people_of(i)
    touch = Touch(day, i.kind, people, i.company_id, i.id)
    entries = [(cid, touch) for cid in people]
    if i.company_id:
        entries.append((COMPANY_KEY + i.company_id, touch))
    return entries


def _check_in_entries(f: FollowUp) -> list[tuple[str, FollowUp]]:
    cid = cadence_mod.contact_of(f.origin)
    if cid is None and f.kind == "check-in":
        cid = f.contact_id
    return [(cid, f)] if cid else []


class PlaybookMixin:
    """Rules, cadences, the turnover watch, drafts and the cool-off guard (see module doc)."""

    # -- rules ----------------------------------------------------------------------------------
    def rules_and_problems(self: Service) -> tuple[list[Rule], list[str]]:
        """The playbook's rules, and a line for each stored rule that cannot be used.

        An empty `rules` table means the defaults; once the user changes anything every rule is
        stored (one record per rule, id = rule id), so two machines' edits merge rule by rule.
        """
        raw = self.db.raw(RULES_TABLE)
        if not raw:
            return list(DEFAULT_RULES), []
        rules: list[Rule] = []
        problems: list[str] = []
        for rule_id, doc in raw.items():
            if not record.is_live(doc):
                continue
            try:
                rules.append(rule_from_dict(record.user_fields(doc), rule_id))
            except RuleError as exc:
                problems.append(f"{exc} (the rule is ignored; fix it or reset the playbook)")
        return sorted_rules(rules), sorted(problems)

    def rules(self: Service) -> list[Rule]:
        return self.rules_and_problems()[0]

    def rules_are_default(self: Service) -> bool:
        return not self.db.raw(RULES_TABLE)

    @action(lambda rules: "change the playbook")
    def set_rules(self: Service, rules: Iterable[Rule | Mapping[str, Any]]) -> list[Rule]:
        """Replace the playbook (Rule objects or their dict form); nothing changes on bad input."""
        try:
            new = [r if isinstance(r, Rule) else rule_from_dict(r) for r in rules]
            for r in new:
                r.validate()
            check_unique(new)
        except RuleError as exc:
            raise ServiceError(str(exc)) from None
        wanted = {r.id for r in new}
        for rule in new:
            fields = rule_to_dict(rule)
            del fields["id"]
            self._put_record(RULES_TABLE, rule.id, fields)
        for rule_id, doc in list(self.db.raw(RULES_TABLE).items()):
            if rule_id not in wanted and record.is_live(doc):
                self.db.delete(RULES_TABLE, rule_id)
        for rule in DEFAULT_RULES:  # a left-out default is stored deleted, not left to default
            if rule.id not in wanted and rule.id not in self.db.raw(RULES_TABLE):
                fields = rule_to_dict(rule)
                del fields["id"]
                self.db.create(RULES_TABLE, fields, record_id=rule.id)
                self.db.delete(RULES_TABLE, rule.id)
        return sorted_rules(new)

    def reset_rules(self: Service) -> list[Rule]:
        """Back to the defaults (written out, so the reset reaches the other machines too)."""
        return self.set_rules(DEFAULT_RULES)

    def _put_record(self: Service, table: str, record_id: str, fields: dict[str, Any]) -> None:
        """Make a fixed-id record hold `fields`: create, update, or bring a deleted one back."""
        doc = self.db.raw(table).get(record_id)
        if doc is None:
            self.db.create(table, fields, record_id=record_id)
        elif record.is_live(doc):
            self.db.update(table, record_id, fields)
        else:  # restamp every field so the revival outranks the delete
            self.db.revert(table, record_id, dict(fields))

    # -- looking things up for the planner -----------------------------------------------------
    def _touches(self: Service, exclude: str | None = None) -> list[Touch]:
        """Every interaction as a dated touch (order does not matter to the callers).

        Cached per record object: the service rebuilds only records that changed, so with
        20,000 interactions a log does not re-parse 20,000 days.
        """
        cache: dict[str, tuple[Interaction, Touch | None]] = getattr(self, "_touch_cache", {})
        fresh: dict[str, tuple[Interaction, Touch | None]] = {}
        out: list[Touch] = []
        for i in self._records(Interaction).values():
            hit = cache.get(i.id)
            if hit is not None and hit[0] is i:
                touch = hit[1]
            else:
                day = _day(i.day)
                touch = Touch(day, i.kind, _people_of(i), i.company_id, i.id) if day else None
            fresh[i.id] = (i, touch)
            if touch is not None and i.id != exclude:
                out.append(touch)
        self._touch_cache = fresh
        return out

    def _touch_index(self: Service) -> GroupIndex[Interaction, Touch]:
        """Touches by contact (each person of an interaction) and by "co:" + company id."""
        index = self.__dict__.get("_touch_index_")
        if index is None:
            index = self.__dict__["_touch_index_"] = GroupIndex(Interaction, _touch_entries)
        return index

    def _check_in_index(self: Service) -> GroupIndex[FollowUp, FollowUp]:
        """Check-ins by contact: a cadence's (by its origin) and ones added by hand."""
        index = self.__dict__.get("_check_in_index_")
        if index is None:
            index = self.__dict__["_check_in_index_"] = GroupIndex(FollowUp, _check_in_entries)
        return index

    def _origins(self: Service) -> dict[str, FollowUp]:
        """Every follow-up that has an origin, done and dropped ones too, by origin."""
        return {f.origin: f for f in self.follow_ups(include_closed=True) if f.origin}

    def boss_of(self: Service, company_id: str | None) -> Contact | None:
        """Who said no at a company (the latest rejection's contact), else its only 'boss'."""
        if not company_id:
            return None
        for i in reversed(self.interactions()):
            if i.kind == "rejection" and i.company_id == company_id and self.contact(i.contact_id):
                return self.contact(i.contact_id)
        bosses = [
            c
            for c in self._records(Contact).values()
            if c.company_id == company_id and c.role == "boss"
        ]
        return bosses[0] if len(bosses) == 1 else None

    def _event_of(self: Service, i: Interaction) -> Event | None:
        trigger = TRIGGER_OF_KIND.get(i.kind)
        day = _day(i.day)
        if trigger is None or day is None:
            return None
        with_ids = tuple(p for p in (i.with_ids or ()) if self.contact(p) and p != i.contact_id)
        contact_id = i.contact_id if self.contact(i.contact_id) else None
        return Event(i.id, trigger, day, i.company_id, contact_id, with_ids, i.note)

    def _plan_context(
        self: Service,
        event: Event,
        hired_name: str | None = None,
        origins: Mapping[str, FollowUp] | None = None,
    ) -> PlanContext:
        contacts = self._records(Contact)
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
            boss_id: str | None = event.contact_id
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
        companies = {c.id: c.name for c in self._records(Company).values()}
        already = set()
        for origin_text in origins if origins is not None else self._origins():
            origin = parse_origin(origin_text)
            if origin and origin.event_id != event.id:
                already.add((origin.rule_id, origin.target_id))
        company = self.company(event.company_id)
        return PlanContext(
            people=people,
            company_names=companies,
            company_contacts=tuple(c.id for c in at_company),
            referred_ids=tuple(referred),
            boss_id=boss_id,
            hired_name=hired_name or (company.hired_name if company else None),
            already=frozenset(already),
            today=self.today(),
        )

    def _apply(
        self: Service, event: Event, hired_name: str | None = None, ally_id: str | None = None
    ) -> list[FollowUp]:
        """Create what the rules call for after `event`, skipping origins that exist already.
        `ally_id`: who can refer you for an opening (the `ally` of a spotted opening)."""
        existing = self._origins()  # once: the plan context reads the same origins
        context = self._plan_context(event, hired_name, existing)
        if ally_id is not None:
            context = replace(context, ally_id=ally_id)
        planned = plan(event, self.rules(), context)
        created = []
        for p in planned:
            if p.origin in existing:
                continue
            f = self._create(
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
            existing[p.origin] = f
            created.append(f)
        return created

    def created_by(self: Service, event_id: str, include_closed: bool = True) -> list[FollowUp]:
        """The follow-ups an event's rules created (the event: an interaction id or a hire)."""
        return [
            f
            for f in self.follow_ups(include_closed=include_closed)
            if (o := parse_origin(f.origin)) is not None and o.event_id == event_id
        ]

    # -- hooks called by the core service --------------------------------------------------------
    @contextmanager
    def playbook_paused(self: Service) -> Iterator[None]:
        """No rules, cadences or repeats inside: for importers and scripts that bring their own
        history (importing a year of interviews must not create a year of thank-you notes)."""
        before = getattr(self, "_playbook_paused", False)
        self._playbook_paused = True
        try:
            yield
        finally:
            self._playbook_paused = before

    @property
    def _paused(self) -> bool:
        return getattr(self, "_playbook_paused", False)

    def after_log(self: Service, interaction: Interaction) -> list[FollowUp]:
        """Apply the rules for a logged event; a real touch re-times the people's cadences."""
        created: list[FollowUp] = []
        if self._paused:
            return created
        event = self._event_of(interaction)
        if event is not None:
            created += self._apply(event)
        if interaction.kind in TOUCH_KINDS:
            created += self._sync_cadences(_people_of(interaction))
        return created

    def apply_rules(self: Service, interaction: Interaction | str) -> list[FollowUp]:
        """Apply the rules to an event again (idempotent: only what is missing is created)."""
        i = (
            interaction
            if isinstance(interaction, Interaction)
            else self.find_interaction(interaction)
        )
        event = self._event_of(i)
        return self._apply(event) if event else []

    def after_complete(self: Service, follow_up: FollowUp, day: str) -> list[FollowUp]:
        """A recurring rule schedules its next follow-up from the day this one was done."""
        created: list[FollowUp] = []
        if self._paused:
            return created
        origin = parse_origin(follow_up.origin)
        done_on = _day(day) or self.today()
        if origin is not None:
            nxt = _next_repeat(rule_by_id(self.rules(), origin.rule_id), origin, done_on)
            if nxt is not None and nxt[0] not in self._origins():
                created.append(
                    self._create(
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
        created += self._sync_cadences(people)
        return created

    def after_drop(self: Service, follow_up: FollowUp) -> list[FollowUp]:
        """A dropped check-in skips one round: the next is due a cadence after the drop."""
        if self._paused:
            return []
        return self._sync_cadences([follow_up.contact_id] if follow_up.contact_id else [])

    def before_delete_interaction(self: Service, interaction: Interaction) -> None:
        """Remove the still-open follow-ups the event created; re-time cadences without it."""
        for f in self.created_by(interaction.id, include_closed=False):
            self.db.delete(FollowUp.TABLE, f.id)
        if interaction.kind in TOUCH_KINDS and not self._paused:
            self._sync_cadences(_people_of(interaction), exclude=interaction.id)

    def after_contact_saved(self: Service, contact: Contact) -> list[FollowUp]:
        """Call after adding or editing a contact: re-times their cadence, and someone added as
        referred by X gets the outreach of X's latest referral interview (people are often added
        after the meeting they came out of)."""
        created: list[FollowUp] = []
        if self._paused:
            return created
        if contact.referred_by:
            meetings = [
                i
                for i in self.interactions()
                if i.kind == "referral-interview" and contact.referred_by in _people_of(i)
            ]
            if meetings:
                created += self.apply_rules(meetings[-1])
        created += self._sync_cadences([contact.id])
        return created

    def after_contact_deleted(self: Service, contact: Contact) -> None:
        """Call after deleting a contact: their open check-in goes too."""
        if not self._paused:
            self._sync_cadences([contact.id])

    # -- rejection and turnover watch -------------------------------------------------------------
    @action(lambda r: f"record a rejection ({r[0].day})")
    def reject(
        self: Service,
        company: str | Company,
        *,
        on: str | dt.date | None = None,
        boss: str | Contact | None = None,
        note: str | None = None,
    ) -> tuple[Interaction, list[FollowUp]]:
        """The company said no: stage 'rejected', a rejection logged with the boss, and the
        plan's follow-ups (thank-you, referral ask, check-ins, news checks) created."""
        co = company if isinstance(company, Company) else self.find_company(company)
        if isinstance(boss, Contact):
            boss_contact: Contact | None = boss
        elif boss:
            try:
                boss_contact = self.find_contact(boss, co)
            except ServiceError as exc:  # not found or ambiguous: say how to add them
                raise ServiceError(
                    f"{exc} Add the boss first: rebound-tui add contact NAME --company "
                    f"{co.name!r} --role boss"
                ) from None
        else:
            boss_contact = self.boss_of(co.id)
        day = self.day(on, past=True) or ""
        same = self._rejection_of(co.id, day)
        if same is not None:  # the same event again: nothing changes (see rejection_on)
            return same, []
        if co.stage != "rejected":
            self._update(co, {"stage": "rejected"})
        rec = self._create(
            Interaction(
                kind="rejection",
                day=day,
                company_id=co.id,
                contact_id=boss_contact.id if boss_contact else None,
                note=note or None,
            )
        )
        self.after_log(rec)
        return rec, self.created_by(rec.id)

    def _rejection_of(self: Service, company_id: str, day: str) -> Interaction | None:
        hits = [
            i
            for i in self._records(Interaction).values()
            if i.kind == "rejection" and i.company_id == company_id and i.day == day
        ]
        return min(hits, key=lambda i: i.id) if hits else None

    def rejection_on(
        self: Service, company: str | Company, on: str | dt.date | None = None
    ) -> Interaction | None:
        """The rejection already recorded for this company on this day, if any: a second one
        is the same event (`reject` then changes nothing)."""
        co = company if isinstance(company, Company) else self.find_company(company)
        return self._rejection_of(co.id, self.day(on, past=True) or "")

    @action(lambda n: "merge duplicate rejections")
    def merge_duplicate_rejections(self: Service) -> int:
        """Two rejections by one company on one day (recorded on two machines, then merged) are
        one event: keep one plan. Per rule and person, a step done or dropped under either event
        counts, and of the open ones only the furthest along (then the lowest event id) stays.
        Every machine removes the same follow-ups, so the result merges cleanly. Returns how
        many follow-ups were removed."""
        groups: dict[tuple[str, str], list[str]] = {}
        for i in self._records(Interaction).values():
            if i.kind == "rejection" and i.company_id:
                groups.setdefault((i.company_id, i.day), []).append(i.id)
        twins = {eid: sorted(ids) for ids in groups.values() if len(ids) > 1 for eid in ids}
        if not twins:
            return 0
        slots: dict[tuple, list[tuple[Origin, FollowUp]]] = {}
        for f in self.follow_ups(include_closed=True):
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
                    self.db.delete(FollowUp.TABLE, f.id)
                    removed += 1
        return removed

    @action(lambda r: f"turnover watch: {r[0].hired_name} at {r[0].name}")
    def record_hire(
        self: Service, company: str | Company, name: str, started: str | dt.date
    ) -> tuple[Company, list[FollowUp]]:
        """Who got the job instead and when they started: check-ins with the boss around 30, 60
        and 90 days after that start, then yearly (people leave, often in the first weeks).
        Recording another start date replaces the open check-ins of the earlier one."""
        co = company if isinstance(company, Company) else self.find_company(company)
        name = (name or "").strip()
        if not name:
            raise ServiceError("say who was hired: a name (or e.g. 'the other candidate')")
        if started is None or started == "":
            raise ServiceError("say when they started: --started DATE")
        day = self.day(started, past=True) or ""
        co = self._update(co, {"hired_name": name, "hired_started": day})
        event_id = f"{HIRE_EVENT}{co.id}.{day}"
        for f in self.follow_ups():
            o = parse_origin(f.origin)
            if o and o.event_id.startswith(f"{HIRE_EVENT}{co.id}.") and o.event_id != event_id:
                self.db.delete(FollowUp.TABLE, f.id)
        event = Event(event_id, "hired", dates.parse_day_strict(day), co.id)
        created = self._apply(event, hired_name=name)
        return co, created

    # -- cadences -------------------------------------------------------------------------------
    @action(lambda changed: "re-time check-ins")
    def cadence_sync(self: Service, contact: str | Contact | None = None) -> list[FollowUp]:
        """Give every contact with a cadence exactly one open check-in, timed from the last real
        touch; remove check-ins of contacts that no longer have a cadence. Returns the check-ins
        created or re-timed. Call it after a contact's cadence changes or data merges in."""
        if contact is None:
            ids = {c.id for c in self._records(Contact).values() if c.cadence}
            ids |= {
                cid
                for f in self.follow_ups()
                if (cid := cadence_mod.contact_of(f.origin)) is not None
            }
            ids_list = sorted(ids)
        else:
            c = contact if isinstance(contact, Contact) else self.find_contact(contact)
            ids_list = [c.id]
        return self._sync_cadences(ids_list)

    def _sync_cadences(
        self: Service, contact_ids: Iterable[str | None], exclude: str | None = None
    ) -> list[FollowUp]:
        ids = [c for c in dict.fromkeys(contact_ids) if c]
        if not ids:
            return []
        rule = next((r for r in self.rules() if r.trigger == "cadence" and r.enabled), None)
        # Each contact's own touches and check-ins, from indexes kept in step with the data:
        # re-timing one person's check-in must not scan every interaction and follow-up.
        touch_index = self._touch_index().groups(self)
        check_in_index = self._check_in_index().groups(self)
        touches_of: dict[str, list[Touch]] = {}
        open_by: dict[str, list[FollowUp]] = {}
        done_by: dict[str, list[dt.date]] = {}
        by_hand: set[str] = set()
        for cid in ids:
            touches_of[cid] = [t for t in touch_index.get(cid, {}).values() if t.id != exclude]
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
                if (closed := _day(f.closed_on)) is not None:
                    done_by.setdefault(cid, []).append(closed)
        changed: list[FollowUp] = []
        for cid in ids:
            person = self.contact(cid)
            span = None
            if person is not None and person.cadence:
                try:
                    span = dates.parse_span(person.cadence)
                except dates.DateError:
                    span = None
            opens = open_by.get(cid, [])
            if rule is None or span is None or person is None:
                for f in opens:
                    self.db.delete(FollowUp.TABLE, f.id)
                continue
            check = cadence_mod.plan_check_in(
                cid,
                span,
                touches_of.get(cid, []),
                self.today(),
                done_by.get(cid, []),
                since=self.contact_since(person),
            )
            opens.sort(key=lambda f: (f.origin != check.origin, f.due, f.id))
            keep, extras = (opens[0], opens[1:]) if opens else (None, [])
            for f in extras:  # two machines each made one: keep one
                self.db.delete(FollowUp.TABLE, f.id)
            due = dates.format_day(check.due)
            if keep is None and cid in by_hand:
                continue
            if keep is None:
                company = self.company(person.company_id)
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
                    self._create(
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
                changed.append(self._update(keep, {"due": due, "origin": check.origin}))
        return changed

    def contact_since(self: Service, contact: Contact) -> dt.date | None:
        """The day a relationship starts counting: the day met (`met_on`), else the local day
        the contact was added; never after today."""
        day = _day(contact.met_on)
        if day is None:
            doc = self.db.raw(Contact.TABLE).get(contact.id)
            stamp = doc.get("_created") if doc else None
            try:
                day = dates.local_day_of(clock.stamp_instant(stamp)) if stamp else None
            except (clock.ClockError, dates.DateError, TypeError):
                day = None
        return min(day, self.today()) if day is not None else None

    # -- cool-off guard -------------------------------------------------------------------------
    def cooloff_limits(self: Service) -> cooloff.CoolOff:
        return cooloff.CoolOff.from_dict(self.setting(COOLOFF_SETTING))

    def cooloff_warnings(
        self: Service,
        contact: str | Contact | None = None,
        company: str | Company | None = None,
        on: str | dt.date | None = None,
        *,
        kind: str | None = None,
        exclude: str | None = None,
    ) -> list[str]:
        """Warnings to show before reaching out (empty: go ahead). Call it BEFORE logging the
        touch, or pass the new interaction's id as `exclude`; `kind` None means outreach."""
        co = (
            company
            if isinstance(company, Company) or company is None
            else self.find_company(company)
        )
        if isinstance(contact, Contact) or contact is None:
            person = contact
        else:
            person = self.find_contact(contact, co) if co else self.find_contact(contact)
        if co is None and person is not None:
            co = self.company(person.company_id)
        if person is None:
            return []
        # A weekday is the latest one, as `log` reads it (a later day may be asked about too).
        try:
            day = (
                dates.parse_day(on, self.today(), past=True)
                if isinstance(on, str) and on
                else dates.parse_day_strict(self.day(on) or "")
            )
        except dates.DateError as exc:
            raise ServiceError(str(exc)) from None
        # Only this person's and this company's touches near the day can warn.
        limits = self.cooloff_limits()
        window = max(limits.person_days, limits.company_days) + 1
        index = self._touch_index().groups(self)
        mine = {**index.get(person.id, {}), **(index.get(COMPANY_KEY + co.id, {}) if co else {})}
        touches = [
            t for t in mine.values() if t.id != exclude and abs((t.day - day).days) <= window
        ]
        names = {p: c.name for t in touches for p in t.contact_ids if (c := self.contact(p))}
        names[person.id] = person.name
        if co is not None:
            names[co.id] = co.name
        return cooloff.warnings(
            touches,
            day=day,
            contact_id=person.id,
            company_id=co.id if co else None,
            names=names,
            limits=limits,
            kind=kind,
        )
