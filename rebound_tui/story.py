"""A story as data: a dated list of events (data/story.toml) replayed through the service.

Each event is one thing the job seeker did, on its day: add a company or a contact, change a
company, log an interaction, write a follow-up, and do, drop or snooze one, spot an opening and
move it on. Days are relative to
an anchor (the day the story is "as of"), so the same story can be told as of any day:

    [[event]]
    ago = 150                                 # the event's day: 150 days before the anchor
    follow_up = "Check in with Gwen (30 days after the no)"
    due_in = 30                               # due 30 days after the event's day
    contact = "Gwen Albrecht"
    kind = "check-in"
    rule = "rejection-check-in-30"            # optional: the playbook rule it stands for

The replay walks forward day by day: before each event "today" (and the clock that stamps every
write) moves to the event's day. Records are named as the CLI names them; a follow-up is named by
its title (the latest one the story wrote with that title), and so is an opening.

The demo (demo.py) replays the story with the playbook paused: its follow-ups are hand-timed to
tell it. With `playbook=True`, the playbook runs as it would for a real user, and each follow-up
that names a `rule` is not written by hand but looked up among those the playbook planned (same
rule, day, kind and person); the replay fails if the playbook did not plan it. So the story is
also a test of the playbook (tests/test_story.py).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from rebound_tui.domain.clock import HybridClock
from rebound_tui.domain.dates import DateError
from rebound_tui.domain.model import FollowUp, ValidationError
from rebound_tui.domain.playbook import parse_origin
from rebound_tui.errors import ServiceError
from rebound_tui.service import Service
from rebound_tui.store.database import Database

STORY_NAME = "story.toml"
REPLICA = "00000000"  # the stamps' replica id: the same on every build

# What an event can do; the value of its action key names the record (or the kind, for `log`).
ACTIONS = (
    "add_company",
    "add_contact",
    "edit_company",
    "log",
    "follow_up",
    "done",
    "drop",
    "snooze",
    "add_opening",
    "opening_status",
)
# Fields holding a day, written as a number of days after the event's day.
DAY_OFFSETS = {
    "due_in": "due",
    "until_in": "until",
    "hired_started_in": "hired_started",
    "deadline_in": "deadline",
}
REQUIRED = {
    "follow_up": ("due_in",),
    "snooze": ("until_in",),
    "add_opening": ("company",),
    "opening_status": ("status",),
}


class StoryError(ValueError):
    """A story that cannot be told: the message names the event and what is wrong."""


@dataclass(frozen=True)
class Event:
    number: int  # its place in the story, from 1
    ago: int  # days before the anchor
    action: str
    value: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"event {self.number} ({self.action} {self.value!r}, {self.ago} days before)"


def story_source() -> Path:
    """The story shipped inside the package (examples/story.toml links to it)."""
    return Path(str(files("rebound_tui") / "data" / STORY_NAME))


def load_story(path: Path | None = None) -> list[Event]:
    """The events of the story file at `path` (the packaged one by default), checked."""
    path = Path(path) if path is not None else story_source()
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise StoryError(f"{path}: {exc}") from None
    raw = doc.get("event")
    if not isinstance(raw, list) or not raw:
        raise StoryError(f"{path}: no [[event]] tables")
    return parse_events(raw, where=str(path))


def parse_events(raw: Iterable[Any], where: str = "story") -> list[Event]:
    """Events from decoded tables: each has an `ago` and exactly one action; time runs forward."""
    events: list[Event] = []
    for number, table in enumerate(raw, start=1):
        here = f"{where}: event {number}"
        if not isinstance(table, dict):
            raise StoryError(f"{here}: not a table")
        ago = table.get("ago")
        if type(ago) is not int:
            raise StoryError(f"{here}: 'ago' must be a whole number of days before the anchor")
        if events and ago > events[-1].ago:
            raise StoryError(
                f"{here}: {ago} days before the anchor comes before the event above it "
                f"({events[-1].ago}); the story is told in order"
            )
        actions = [a for a in ACTIONS if a in table]
        if len(actions) != 1:
            raise StoryError(f"{here}: give exactly one of {', '.join(ACTIONS)}")
        action = actions[0]
        value = table[action]
        if not isinstance(value, str) or not value.strip():
            raise StoryError(f"{here}: {action} must be a name or a title")
        args = {k: v for k, v in table.items() if k not in ("ago", action)}
        for key in REQUIRED.get(action, ()):
            if key not in args:
                raise StoryError(f"{here}: {action} needs {key} (days after the event's day)")
        if "with" in args and not isinstance(args["with"], list):
            raise StoryError(f"{here}: with must be a list of names")
        for key, arg in args.items():
            if key in DAY_OFFSETS and type(arg) is not int:
                raise StoryError(f"{here}: {key} must be a whole number of days")
            if not _plain(arg):
                raise StoryError(f"{here}: {key} must be text, a number or a list of names")
        events.append(Event(number, ago, action, value, args))
    return events


def _plain(value: Any) -> bool:
    if isinstance(value, list):
        return all(isinstance(v, str) for v in value)
    return isinstance(value, str | int) and not isinstance(value, bool)


class StoryClock:
    """The story's "today" and deterministic stamps: the afternoon (UTC) of the current story
    day, one second per write, so the same story as of the same anchor stamps the same."""

    def __init__(self, anchor: dt.date) -> None:
        self.anchor = anchor
        self.day = anchor
        self._ticks = 0

    def at(self, ago: int) -> dt.date:
        self.day = self.anchor - dt.timedelta(days=ago)
        return self.day

    def today(self) -> dt.date:
        return self.day

    def wall_ms(self) -> int:
        self._ticks += 1
        noon = dt.datetime.combine(self.day, dt.time(15, 0), tzinfo=dt.UTC)
        return int(noon.timestamp() * 1000) + self._ticks * 1000


def story_service(path: Path, clock: StoryClock) -> Service:
    """A service on a new data file at `path` whose day and stamps follow `clock`."""
    database = Database(path, clock=HybridClock(replica=REPLICA, wall_ms=clock.wall_ms))
    return Service(database, today=clock.today)


def replay(
    events: Iterable[Event], service: Service, clock: StoryClock, *, playbook: bool = False
) -> dict[str, FollowUp]:
    """Tell the story through `service`, moving `clock` to each event's day.

    Without `playbook` the playbook is paused and every follow-up is written as the story says.
    Returns the follow-ups the story named, by title, as they are at the end.
    """
    teller = _Teller(service, clock, playbook)
    if playbook:
        teller.tell(events)
    else:
        with service.playbook_paused():
            teller.tell(events)
    return {title: service.follow_up(fid) for title, fid in teller.follow_ups.items()}


class _Teller:
    def __init__(self, service: Service, clock: StoryClock, playbook: bool) -> None:
        self.s = service
        self.clock = clock
        self.playbook = playbook
        self.follow_ups: dict[str, str] = {}  # title -> id of the latest follow-up so titled
        self.openings: dict[str, str] = {}  # title -> id of the latest opening so titled

    def tell(self, events: Iterable[Event]) -> None:
        for event in events:
            day = self.clock.at(event.ago)
            args = dict(event.args)
            for offset, name in DAY_OFFSETS.items():
                if offset in args:
                    args[name] = day + dt.timedelta(days=args.pop(offset))
            act: Callable[[Event, dt.date, dict[str, Any]], None] = getattr(self, event.action)
            try:
                act(event, day, args)
            except (ServiceError, ValidationError, DateError, TypeError) as exc:
                raise StoryError(f"{event}: {exc}") from None

    # -- one method per action ----------------------------------------------------------------
    def add_company(self, event: Event, day: dt.date, args: dict[str, Any]) -> None:
        self.s.add_company(event.value, **args)

    def add_contact(self, event: Event, day: dt.date, args: dict[str, Any]) -> None:
        if "referred_by" in args:
            args["referred_by_name"] = args.pop("referred_by")
        self.s.add_contact(event.value, **args)

    def edit_company(self, event: Event, day: dt.date, args: dict[str, Any]) -> None:
        if "hired_started" in args:
            args["hired_started"] = args["hired_started"].isoformat()
        self.s.edit_company(event.value, **args)

    def log(self, event: Event, day: dt.date, args: dict[str, Any]) -> None:
        if "with" in args:
            args["with_ids"] = [self.s.find_contact(name).id for name in args.pop("with")]
        self.s.log(event.value, on=day, **args)

    def follow_up(self, event: Event, day: dt.date, args: dict[str, Any]) -> None:
        rule = args.pop("rule", None)
        if self.playbook and rule is not None:
            f = self._planned(event, rule, args)
        else:
            f = self.s.add_follow_up(event.value, **args)
        self.follow_ups[event.value] = f.id

    def done(self, event: Event, day: dt.date, args: dict[str, Any]) -> None:
        self.s.complete(self._named(event), on=day, **args)

    def drop(self, event: Event, day: dt.date, args: dict[str, Any]) -> None:
        self.s.drop(self._named(event), **args)

    def snooze(self, event: Event, day: dt.date, args: dict[str, Any]) -> None:
        self.s.snooze(self._named(event), args.pop("until"), **args)

    def add_opening(self, event: Event, day: dt.date, args: dict[str, Any]) -> None:
        company = args.pop("company")
        opening = self.s.add_opening(company, event.value, on=day, **args)
        self.openings[event.value] = opening.id

    def opening_status(self, event: Event, day: dt.date, args: dict[str, Any]) -> None:
        opening = self.s.opening(self.openings.get(event.value))
        if opening is None:
            raise StoryError(f"{event}: no opening with this title earlier in the story")
        self.s.set_opening_status(opening, args.pop("status"), on=day, **args)

    # -- follow-ups by title --------------------------------------------------------------------
    def _named(self, event: Event) -> FollowUp:
        fid = self.follow_ups.get(event.value)
        f = self.s.follow_up(fid)
        if f is None:
            raise StoryError(f"{event}: no follow-up with this title earlier in the story")
        return f

    def _planned(self, event: Event, rule: str, args: dict[str, Any]) -> FollowUp:
        """The open follow-up the playbook planned for this one: same rule, day, kind, person."""
        contact = args.get("contact")
        contact_id = self.s.find_contact(contact).id if contact else None
        company = args.get("company")
        company_id = self.s.find_company(company).id if company else None
        due = args["due"].isoformat()
        kind = args.get("kind", "todo")
        planned = []
        for f in self.s.follow_ups():
            origin = parse_origin(f.origin)
            if origin is None or origin.rule_id != rule:
                continue
            planned.append(f)
            same_who = f.contact_id == contact_id if contact_id else f.company_id == company_id
            if f.due == due and f.kind == kind and same_who:
                return f
        found = "; ".join(f"{f.title!r} due {f.due}" for f in planned) or "nothing"
        raise StoryError(
            f"{event}: the playbook did not plan this ({kind} due {due} by rule {rule!r}); "
            f"for that rule it planned: {found}"
        )
