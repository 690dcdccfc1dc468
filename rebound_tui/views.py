"""What the dashboard's panes show, computed from the service's read methods. No Textual here.

One `Views` object per service rebuilds every projection at most once per data generation (and
per day: "3 days ago" changes at midnight). Indexes are built in one pass over interactions and
follow-ups, so 5,000 contacts and 20,000 interactions stay a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rebound_tui.domain import dates
from rebound_tui.domain.model import (
    OPENING_STATUSES,
    TOUCH_KINDS,
    Company,
    FollowUp,
    Opening,
)
from rebound_tui.domain.warmth import warmth
from rebound_tui.rows import (
    BullpenRow,
    DueEntry,
    DueRow,
    DueSummary,
    NetworkRow,
    due_lists,
    search_text,
    short_ago,
    short_until,
    week_rows,
)
from rebound_tui.rows import due_entries as rows_due_entries
from rebound_tui.service import Service

# Re-exported: the rows are defined in rows.py (plain Python, for the first-screen cache).
__all__ = [
    "BullpenRow",
    "DueEntry",
    "DueRow",
    "DueSummary",
    "NetworkRow",
    "Snapshot",
    "Views",
    "build",
    "due_entries",
    "short_ago",
    "short_until",
]


def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _days(a: str | None, b: dt.date, sign: int = 1) -> int | None:
    """Whole days from day `a` to `b` (sign=1) or from `b` to `a` (sign=-1); None without `a`."""
    day = _day(a)
    if day is None:
        return None
    return sign * (b.toordinal() - day.toordinal())


@dataclass
class Snapshot:
    """Everything the panes show for one generation of the data on one day."""

    bullpen: list[BullpenRow]
    network: list[NetworkRow]
    due: list[DueRow]
    summary: DueSummary
    upcoming: list[DueRow]
    network_by_company: dict[str | None, list[NetworkRow]] = field(default_factory=dict)
    entries: list[DueEntry] = field(default_factory=list)  # the due list of any day

    def week(self, today: dt.date) -> list[DueRow]:
        """Due by today and in the 7 days after it (the due pane's `w`)."""
        return week_rows(self.entries, today)


class Views:
    """Cached projections of one service's data for the panes."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self._key: tuple[int, dt.date] | None = None
        self._snapshot: Snapshot | None = None

    @property
    def snapshot(self) -> Snapshot:
        key = (self.service.generation, self.service.today())
        if self._snapshot is None or key != self._key:
            self._snapshot = build(self.service, key[1])
            # The service may bump the generation while building (it does not today); re-read.
            self._key = (self.service.generation, key[1])
        return self._snapshot

    def adopt(self, snapshot: Snapshot) -> None:
        """Take `snapshot` as the current one: built elsewhere (views_helper.py) from exactly
        the data the service holds now, today."""
        self._snapshot = snapshot
        self._key = (self.service.generation, self.service.today())

    def built(self, key: tuple[int, dt.date]) -> Snapshot | None:
        """The snapshot of the data generation and day `key`, if it is built already."""
        return self._snapshot if self._key == key else None

    @property
    def rows(self) -> int:
        """How many companies and people the last snapshot held (0: none built yet)."""
        snap = self._snapshot
        return len(snap.bullpen) + len(snap.network) if snap is not None else 0

    def bullpen(self) -> list[BullpenRow]:
        return self.snapshot.bullpen

    def network(self, company_id: str | None = None) -> list[NetworkRow]:
        if company_id is None:
            return self.snapshot.network
        return self.snapshot.network_by_company.get(company_id, [])

    def due(self) -> list[DueRow]:
        return self.snapshot.due

    def summary(self) -> DueSummary:
        return self.snapshot.summary

    def upcoming(self) -> list[DueRow]:
        return self.snapshot.upcoming

    def due_first(self) -> tuple[list[DueRow], DueSummary, list[DueRow], list[DueEntry]]:
        """Only what the due pane shows (and its entries), without building the other panes:
        the first paint needs this much (a tenth of the snapshot on a large file)."""
        today = self.service.today()
        if self._snapshot is not None and self._key == (self.service.generation, today):
            snap = self._snapshot
            return snap.due, snap.summary, snap.upcoming, snap.entries
        entries = due_entries(self.service)
        return (*due_lists(entries, today), entries)


# -- building ------------------------------------------------------------------------------------
def due_entries(service: Service, follow_ups: Iterable[FollowUp] | None = None) -> list[DueEntry]:
    """The open follow-ups as the due pane shows them, on no particular day (`rows.due_entries`;
    names from the stored records: building every Contact would cost the first paint)."""
    follow_ups = service.follow_ups() if follow_ups is None else follow_ups
    return rows_due_entries(follow_ups, service.company, service.name_of)


def _next_due(follow_ups: Iterable[FollowUp]) -> tuple[dict[str, str], dict[str, str]]:
    """Earliest open due day per company id and per contact id (one pass)."""
    by_company: dict[str, str] = {}
    by_contact: dict[str, str] = {}
    for f in follow_ups:
        if f.company_id and (f.company_id not in by_company or f.due < by_company[f.company_id]):
            by_company[f.company_id] = f.due
        if f.contact_id and (f.contact_id not in by_contact or f.due < by_contact[f.contact_id]):
            by_contact[f.contact_id] = f.due
    return by_company, by_contact


def _open_roles(service: Service) -> dict[str, list[Opening]]:
    """Open openings per company id, least advanced first (the last is the furthest along)."""
    out: dict[str, list[Opening]] = defaultdict(list)
    for o in service.openings():
        out[o.company_id].append(o)
    for items in out.values():
        items.sort(key=lambda o: OPENING_STATUSES.index(o.status))
    return out


def build(service: Service, today: dt.date, keep: list[Any] | None = None) -> Snapshot:
    """Every pane's rows. `keep`: gets what was made on the way, for a process that ends right
    after and need not free it (views_helper: 10 ms on the heavy file)."""
    companies = service.companies()
    contacts = service.contacts()
    # (day, id, kind, company, contact, others) of each interaction, sorted by day: no records.
    interactions = service.interaction_facts()
    open_follow_ups = service.follow_ups()
    company_of_contact = {p.id: p.company_id for p in contacts}

    # One pass over interactions: per company, its interactions (by day); per contact, exchanges.
    by_company: dict[str, list[tuple[str, str]]] = defaultdict(list)
    last_rejection: dict[str, str] = {}
    exchanges: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    last_contact: dict[str, str] = {}
    days: dict[str, dt.date | None] = {}  # (a few hundred distinct days in 20,000 events)
    for i_day, _id, kind, i_company, i_contact, others in interactions:
        company_id = i_company or company_of_contact.get(i_contact or "")
        if company_id:
            by_company[company_id].append((i_day, kind))
            if kind == "rejection":
                last_rejection[company_id] = i_day  # sorted by day: the last one wins
        if not (i_contact or others):
            continue
        day = days[i_day] if i_day in days else days.setdefault(i_day, _day(i_day))
        touch = kind in TOUCH_KINDS
        exchange = (day, kind)  # (one tuple for everyone in it: most have one person)
        for person in (i_contact, *others) if i_contact else others:
            if day is not None:
                exchanges[person].append(exchange)
            if touch:
                last_contact[person] = i_day

    next_company, next_contact = _next_due(open_follow_ups)
    roles = _open_roles(service)

    bullpen: list[BullpenRow] = []
    for c in companies:
        events = by_company.get(c.id, [])
        last_touch = None
        for day, kind in reversed(events):
            if kind in TOUCH_KINDS:
                last_touch = day
                break
        rejected = last_rejection.get(c.id)
        touches = None
        open_roles = roles.get(c.id, [])
        if rejected is not None:
            # Touches on the rejection day count: the thank-you sent that evening is one.
            touches = sum(1 for day, kind in events if day >= rejected and kind in TOUCH_KINDS)
        bullpen.append(
            BullpenRow(
                id=c.id,
                company=c.name,
                stage=c.stage,
                priority=c.priority,
                last_touch=last_touch,
                next_follow_up=next_company.get(c.id),
                days_since_rejection=_days(rejected, today),
                touches_since_rejection=touches,
                last_touch_days=_days(last_touch, today),
                next_follow_up_days=_days(next_company.get(c.id), today, -1),
                search=search_text(
                    c.name, c.stage, c.location, c.why, c.notes, *(o.title for o in open_roles)
                ),
                roles=len(open_roles),
                role_status=open_roles[-1].status if open_roles else "",
            )
        )

    company_names = {c.id: c.name for c in companies}
    network: list[NetworkRow] = []
    by_company_rows: dict[str | None, list[NetworkRow]] = defaultdict(list)
    for p in contacts:
        company = company_names.get(p.company_id or "") or (
            service.name_of(Company.TABLE, p.company_id) or ""
        )
        next_day = next_contact.get(p.id)
        cadence = None
        if p.cadence:
            try:
                cadence = dates.parse_span(p.cadence)
            except dates.DateError:
                cadence = None
        heat = warmth(
            exchanges.get(p.id, ()),
            today,
            cadence=cadence,
            since=service.contact_since(p, today) if cadence is not None else None,
        )
        last = last_contact.get(p.id)
        row = NetworkRow(  # (by position: a named tuple takes keywords a third slower)
            p.id,
            p.name,
            p.company_id,
            company,
            p.role or "",
            p.department or "",
            last,
            next_day,
            heat,
            p.title or "",
            _days(last, today),
            _days(next_day, today, -1),
            search_text(p.name, company, p.title, p.role, p.department, p.notes, p.email),
        )
        network.append(row)
        by_company_rows[p.company_id].append(row)

    entries = due_entries(service, open_follow_ups)
    due, summary, upcoming = due_lists(entries, today)
    if keep is not None:
        keep.append((contacts, interactions, open_follow_ups, by_company, exchanges, days))
    return Snapshot(
        bullpen=bullpen,
        network=network,
        due=due,
        summary=summary,
        upcoming=upcoming,
        network_by_company=dict(by_company_rows),
        entries=entries,
    )
