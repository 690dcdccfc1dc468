"""What a pane row is, and the due list for a day: plain Python on the standard library only.

Split from views.py (which computes rows from the service) so that the dashboard's first paint
can show the due pane from the first-screen cache (startup.py, store/due_cache.py) without
loading the service, TinyDB or pendulum. The due list for a day is computed here from day-free
`DueEntry` values, by the same code for the live data (views.build) and for the cache, so both
agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from rebound_tui.domain.model import Company, FollowUp
    from rebound_tui.domain.warmth import Warmth

UPCOMING_LIMIT = 5
WEEK_DAYS = 7


# -- short words for a table cell ------------------------------------------------------------
def short_ago(days: int | None) -> str:
    """'today', '3d', '5w', '4mo', '2y': how long ago, in at most four characters."""
    if days is None:
        return ""
    if days <= 0:
        return "today"
    if days < 14:
        return f"{days}d"
    if days < 60:
        return f"{days // 7}w"
    if days < 730:
        return f"{days // 30}mo"
    return f"{days // 365}y"


def short_until(days: int | None) -> str:
    """'today', 'tmrw', 'in 3d', '2d late': a due day relative to today."""
    if days is None:
        return ""
    if days == 0:
        return "today"
    if days == 1:
        return "tmrw"
    if days > 0:
        return f"in {short_ago(days)}"
    return f"{short_ago(-days)} late"


# -- rows ----------------------------------------------------------------------------------------
# Named tuples: a rows build makes one per company and person (5,000 on the heavy benchmark file,
# on every refresh), and a first start remakes them from its helper's plain values
# (views_helper.py): a tuple is made in a tenth of a frozen dataclass's time.
class BullpenRow(NamedTuple):
    """One company: where it stands and how persistent the user has been since the no."""

    id: str
    company: str
    stage: str
    priority: int
    last_touch: str | None
    next_follow_up: str | None
    days_since_rejection: int | None
    touches_since_rejection: int | None
    last_touch_days: int | None = None  # days ago
    next_follow_up_days: int | None = None  # days from today (negative: overdue)
    search: str = ""
    roles: int = 0  # open openings (not in a final status)
    role_status: str = ""  # the most advanced status among them ("" with none)


class NetworkRow(NamedTuple):
    """One person: who they are, when the user last talked to them, how warm it is."""

    id: str
    contact: str
    company_id: str | None
    company: str
    role: str
    department: str
    last_contact: str | None
    next_follow_up: str | None
    warmth: Warmth
    title: str = ""
    last_contact_days: int | None = None
    next_follow_up_days: int | None = None
    search: str = ""


class DueRow(NamedTuple):
    """One follow-up on the due list (or in "what comes next")."""

    id: str
    kind: str
    title: str
    company: str
    contact: str
    due: str
    days_overdue: int
    importance: int
    company_id: str | None = None
    contact_id: str | None = None
    search: str = ""

    @property
    def when(self) -> str:
        return short_until(-self.days_overdue)


@dataclass(frozen=True)
class DueSummary:
    overdue: int
    today: int
    this_week: int  # due in the seven days after today

    @property
    def text(self) -> str:
        return f"{self.overdue} overdue · {self.today} today · {self.this_week} this week"


# -- the due list for a day ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DueEntry:
    """An open follow-up as the due pane shows it, on no particular day (names resolved)."""

    id: str
    kind: str
    title: str
    company: str
    contact: str
    due: str  # YYYY-MM-DD
    importance: int
    company_id: str | None = None
    contact_id: str | None = None
    search: str = ""

    @classmethod
    def from_values(cls, values: Sequence[Any]) -> DueEntry:
        """An entry from the plain values `values()` gave (read back from a cache file): every
        value is checked by type; raises TypeError (or ValueError for a bad due day)."""
        if len(values) != len(ENTRY_FIELDS):
            raise TypeError("wrong number of values")
        entry = cls(*values)
        for name in ("id", "kind", "title", "company", "contact", "due", "search"):
            if not isinstance(getattr(entry, name), str):
                raise TypeError(name)
        for name in ("company_id", "contact_id"):
            if not isinstance(getattr(entry, name), str | None):
                raise TypeError(name)
        if type(entry.importance) is not int:
            raise TypeError("importance")
        dt.date.fromisoformat(entry.due)
        return entry

    def values(self) -> list[Any]:
        """The fields as plain JSON values, in the order of `ENTRY_FIELDS`. (Not `astuple`,
        which copies each value deeply: 9 us an entry, 7 ms of a first start's rows.)"""
        return list(_ENTRY_VALUES(self))

    def row(self, today: dt.date) -> DueRow:
        """Raises ValueError for a due day that is not YYYY-MM-DD."""
        days = today.toordinal() - dt.date.fromisoformat(self.due).toordinal()
        return DueRow(
            id=self.id,
            kind=self.kind,
            title=self.title,
            company=self.company,
            contact=self.contact,
            due=self.due,
            days_overdue=days,
            importance=self.importance,
            company_id=self.company_id,
            contact_id=self.contact_id,
            search=self.search,
        )


ENTRY_FIELDS = [f.name for f in fields(DueEntry)]
_ENTRY_VALUES = attrgetter(*ENTRY_FIELDS)


def due_sort_key(overdue: bool, importance: int, due: str, title: str) -> tuple:
    """Overdue first, then most important, then longest waiting, then by title."""
    return (not overdue, -importance, due, title.lower())


def search_text(*parts: str | None) -> str:
    """What a row's search matches: its words, lower case."""
    return " ".join(filter(None, parts)).lower()


def due_entries(
    follow_ups: Iterable[FollowUp],
    company_of: Callable[[str | None], Company | None],
    name_of: Callable[[str, str | None], str | None],
) -> list[DueEntry]:
    """The open follow-ups `follow_ups` as the due pane shows them, on no particular day (in
    `entry_order`): what the first-screen cache stores; the due list of any day is computed
    from these. `company_of`: the live company; `name_of(table, id)`: a record's stored name,
    even a deleted one's (a follow-up may outlive its company). The same for the service's data
    (views.py) and for the tables a first start reads before the whole file (startup.py)."""
    entries = []
    for f in follow_ups:
        company = company_of(f.company_id)
        company_name = company.name if company else name_of("companies", f.company_id)
        contact_name = name_of("contacts", f.contact_id)
        entries.append(
            DueEntry(
                id=f.id,
                kind=f.kind,
                title=f.title,
                company=company_name or "",
                contact=contact_name or "",
                due=f.due,
                importance=f.importance(company),
                company_id=f.company_id,
                contact_id=f.contact_id,
                search=search_text(f.title, company_name, contact_name, f.note, f.kind),
            )
        )
    entries.sort(key=entry_order)  # (the follow-ups come in this order already: cheap)
    return entries


def entry_order(entry: DueEntry) -> tuple[str, str]:
    """The order open follow-ups are listed in (by due day, then title): `due_lists` needs it."""
    return (entry.due, entry.title.lower())


def day_text(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def week_rows(entries: Sequence[DueEntry], today: dt.date) -> list[DueRow]:
    """The next 7 days: the due rows (overdue, today's, in the order to do them), then what
    falls due in the week after today, day by day."""
    week_end = day_text(today + dt.timedelta(days=WEEK_DAYS))
    due, _, _ = due_lists(entries, today)
    today_text = day_text(today)
    return due + [e.row(today) for e in entries if today_text < e.due <= week_end]


def due_lists(
    entries: Sequence[DueEntry], today: dt.date
) -> tuple[list[DueRow], DueSummary, list[DueRow]]:
    """The due rows (in the order to do them), the summary and what comes next, on `today`.

    `entries` are the open follow-ups sorted by `entry_order`.
    """
    today_text = day_text(today)
    week_end = day_text(today + dt.timedelta(days=WEEK_DAYS))
    due = [e.row(today) for e in entries if e.due <= today_text]
    due.sort(key=lambda r: due_sort_key(r.days_overdue > 0, r.importance, r.due, r.title))
    overdue = sum(1 for r in due if r.days_overdue > 0)
    later = [e for e in entries if e.due > today_text]
    this_week = sum(1 for e in later if e.due <= week_end)
    upcoming = [e.row(today) for e in later[:UPCOMING_LIMIT]]
    summary = DueSummary(overdue=overdue, today=len(due) - overdue, this_week=this_week)
    return due, summary, upcoming
