"""The one API the CLI and the dashboard call: every read and write of the data goes through here.

`Service` is a facade: it composes the parts and keeps one method name per thing the user can
do, so the faces (cli/, ui/, io/, views, the demo) call one object. The parts are collaborators
with narrow interfaces, each holding the records core and only the parts it needs:

    records_core.RecordsCore      the tables as records: read, find, validate, write, day words,
                                  settings, the undo history (undo.py), the record indexes
    rulebook.RuleBook             the playbook's stored rules
    cadences.Cadences             one open check-in per contact with a cadence
    playbook_service.Playbook     rules applied to the events it is handed
    rejections.Rejections         a rejection and its plan; the turnover watch
    record_actions.RecordActions  add/edit/delete records, the due list; tells the playbook
    cooloff_guard.CoolOffGuard    warnings before reaching out too soon
    drafts_service.Drafts         message templates and drafts
    openings_service.Openings     openings, their history and the plan each step sets off

Nothing here is clever: each public method below forwards to the part that owns it (same name,
same signature), and the few that are the file's own business (insights, sync, backups,
compaction, saving) are written here. Nothing else writes to the file.
"""

from __future__ import annotations

# Re-exported: callers catch these from the service module, or decorate with `action`.
__all__ = [
    "DONE_LOGS_AS",
    "Ambiguous",
    "DueItem",
    "NotFound",
    "Service",
    "ServiceError",
    "action",
]

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rebound_tui.cadences import Cadences
from rebound_tui.cooloff_guard import CoolOffGuard
from rebound_tui.domain import dates, record, references
from rebound_tui.domain.first_run import FirstRunSteps, first_run_steps
from rebound_tui.domain.merge import DEFAULT_TOMBSTONE_DAYS, compact_tombstones, horizon_before
from rebound_tui.domain.model import Company, Contact, FollowUp, Interaction, Record
from rebound_tui.drafts_service import Drafts
from rebound_tui.errors import Ambiguous, NotFound, ServiceError
from rebound_tui.openings_service import Openings
from rebound_tui.paths import default_data_path
from rebound_tui.playbook_service import Playbook
from rebound_tui.record_actions import DONE_LOGS_AS, DueItem, RecordActions
from rebound_tui.records_core import RecordsCore
from rebound_tui.rejections import Rejections
from rebound_tui.rulebook import RuleBook
from rebound_tui.store.backups import Backup
from rebound_tui.store.database import Database
from rebound_tui.store.fileformat import db_id_of, decode
from rebound_tui.undo import Action, action

if TYPE_CHECKING:
    from rebound_tui.domain.insights import Insights

F = TypeVar("F", bound=Callable[..., Any])
MIN_ID_PREFIX = references.MIN_REF


class _Forward:
    """A facade method that is the part's own: `service.complete` is the bound method
    `service.record_actions.complete` (its signature and doc; no wrapper call in between), and
    `Service.complete` is `RecordActions.complete` for help(). An instance attribute of the
    same name still wins (a non-data descriptor)."""

    def __init__(self, part: str, method: Callable[..., Any]) -> None:
        self.part, self.method, self.name = part, method, method.__name__
        functools.update_wrapper(self, method)  # type: ignore[arg-type]

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self.method
        return getattr(getattr(obj, self.part), self.name)


def _to(part: str, method: F) -> F:
    """A facade method forwarding to the method of that name on the part held in `part`."""
    return _Forward(part, method)  # type: ignore[return-value]


class Service:
    """Everything the user can do with the data, on one data file."""

    def __init__(self, db: Database, *, today: Callable[[], dt.date] | None = None) -> None:
        self.db = db
        self.core = core = RecordsCore(db, today=today)
        self.rulebook = RuleBook(core)
        self.cadences = Cadences(core, self.rulebook)
        self.playbook = Playbook(core, self.rulebook, self.cadences)
        self.rejections = Rejections(core, self.playbook)
        self.record_actions = RecordActions(core, self.playbook)
        self.cooloff_guard = CoolOffGuard(core)
        self.drafts = Drafts(core)
        self.openings_part = Openings(core, self.record_actions, self.playbook, self.rejections)

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        one_shot: bool = False,
        resident: bool = False,
        summaries: Mapping[str, Callable[[dict[str, Any]], list[Any]]] | None = None,
        **kwargs: Any,
    ) -> Service:
        """`one_shot`: for one command that saves at most once (the CLI; see Database);
        `resident`: what it reads first stays until the process ends or a newer version
        replaces it (the CLI as its own process, the dashboard; see `fileformat.decode`);
        `summaries`: tables kept only as a summary (a reader that needs no more, never saved:
        views_helper.py; see Database)."""
        db = Database(path, one_shot=one_shot, resident=resident, summaries=summaries)
        return cls(db, **kwargs)

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

    # -- dates, reading, finding, settings: the records core --------------------------------------
    today = _to("core", RecordsCore.today)
    day = _to("core", RecordsCore.day)
    companies = _to("core", RecordsCore.companies)
    contacts = _to("core", RecordsCore.contacts)
    interactions = _to("core", RecordsCore.interactions)
    interaction_facts = _to("core", RecordsCore.interaction_facts)
    follow_ups = _to("core", RecordsCore.follow_ups)
    company = _to("core", RecordsCore.company)
    contact = _to("core", RecordsCore.contact)
    follow_up = _to("core", RecordsCore.follow_up)
    name_of = _to("core", RecordsCore.name_of)
    find_company = _to("core", RecordsCore.find_company)
    find_contact = _to("core", RecordsCore.find_contact)
    find_follow_up = _to("core", RecordsCore.find_follow_up)
    find_interaction = _to("core", RecordsCore.find_interaction)
    setting = _to("core", RecordsCore.setting)
    set_setting = _to("core", RecordsCore.set_setting)

    def _records(self, cls: type[Record]) -> dict[str, Record]:
        """Live records by id (benchmarks/memory_profile.py measures them through this)."""
        return self.core.records(cls)

    def first_run_steps(self) -> FirstRunSteps:
        """Which of the first run's five steps the data shows done (domain/first_run.py); the
        fifth: the data file is not in the default folder (it was put where the user chose)."""
        default = default_data_path()
        own_place = self.path.resolve() != default.parent.resolve() / default.name
        return first_run_steps(
            self.core.records(Company).values(),
            self.core.records(Contact).values(),
            self.core.records(Interaction).values(),
            own_place=own_place,
        )

    def similar_companies(self, name: str) -> list[Company]:
        """Companies whose name is close to `name` but not the same: a near-duplicate to ask
        about before adding (e.g. 'northshore' and 'Northshore Logistics')."""
        return self.core.similar(Company, name)

    def similar_contacts(self, name: str) -> list[Contact]:
        """Contacts whose name is close to `name` but not the same (see similar_companies)."""
        return self.core.similar(Contact, name)

    def overdue_warning(self, f: FollowUp) -> str | None:
        """One line when a follow-up was planned for a day already past (None otherwise)."""
        late = dates.days_between(dates.parse_day_strict(f.due), self.today())
        if late <= 0:
            return None
        days = "1 day" if late == 1 else f"{late} days"
        return f"{f.due} is already past: {f.title!r} is overdue from the start ({days})"

    # -- undo: the core's history -----------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return self.core.history.can_undo

    @property
    def last_action(self) -> str | None:
        return self.core.history.last_action

    @property
    def last_step(self) -> Action | None:
        """The last undoable step of this session (to ask later whether it still `stands`)."""
        return self.core.history.last_step

    def stands(self, step: Action | None) -> bool:
        """False once `step` was undone (`.` repeats only a decision that still stands)."""
        return self.core.history.stands(step)

    def undo(self) -> str | None:
        """Undo the last action of this session; returns what was undone (None: nothing to undo)."""
        return self.core.history.undo()

    def unrecorded(self):
        """Actions inside are all or nothing but are not undo steps (see UndoHistory)."""
        return self.core.history.unrecorded()

    # -- records and the due list ---------------------------------------------------------------
    add_company = _to("record_actions", RecordActions.add_company)
    edit_company = _to("record_actions", RecordActions.edit_company)
    delete_company = _to("record_actions", RecordActions.delete_company)
    add_contact = _to("record_actions", RecordActions.add_contact)
    edit_contact = _to("record_actions", RecordActions.edit_contact)
    delete_contact = _to("record_actions", RecordActions.delete_contact)
    log = _to("record_actions", RecordActions.log)
    delete_interaction = _to("record_actions", RecordActions.delete_interaction)
    add_follow_up = _to("record_actions", RecordActions.add_follow_up)
    due_item = _to("record_actions", RecordActions.due_item)
    due = _to("record_actions", RecordActions.due)
    complete = _to("record_actions", RecordActions.complete)
    snooze = _to("record_actions", RecordActions.snooze)
    reschedule = _to("record_actions", RecordActions.reschedule)
    drop = _to("record_actions", RecordActions.drop)
    edit_follow_up = _to("record_actions", RecordActions.edit_follow_up)

    # -- the playbook: rules, events, rejections, cadences, cool-off ----------------------------
    rules_and_problems = _to("rulebook", RuleBook.rules_and_problems)
    rules = _to("rulebook", RuleBook.rules)
    rules_are_default = _to("rulebook", RuleBook.rules_are_default)
    set_rules = _to("rulebook", RuleBook.set_rules)
    reset_rules = _to("rulebook", RuleBook.reset_rules)
    playbook_paused = _to("playbook", Playbook.playbook_paused)
    boss_of = _to("playbook", Playbook.boss_of)
    plan_of = _to("playbook", Playbook.plan_of)
    created_by = _to("playbook", Playbook.created_by)
    apply_rules = _to("playbook", Playbook.apply_rules)
    after_log = _to("playbook", Playbook.after_log)
    after_complete = _to("playbook", Playbook.after_complete)
    after_drop = _to("playbook", Playbook.after_drop)
    before_delete_interaction = _to("playbook", Playbook.before_delete_interaction)
    after_contact_saved = _to("playbook", Playbook.after_contact_saved)
    after_contact_deleted = _to("playbook", Playbook.after_contact_deleted)
    reject = _to("rejections", Rejections.reject)
    rejection_on = _to("rejections", Rejections.rejection_on)
    merge_duplicate_rejections = _to("rejections", Rejections.merge_duplicate_rejections)
    record_hire = _to("rejections", Rejections.record_hire)
    cadence_sync = _to("cadences", Cadences.cadence_sync)
    contact_since = _to("cadences", Cadences.contact_since)
    cooloff_limits = _to("cooloff_guard", CoolOffGuard.cooloff_limits)
    cooloff_warnings = _to("cooloff_guard", CoolOffGuard.cooloff_warnings)

    # -- message drafts ---------------------------------------------------------------------------
    templates = _to("drafts", Drafts.templates)
    customised_templates = _to("drafts", Drafts.customised_templates)
    set_template = _to("drafts", Drafts.set_template)
    reset_templates = _to("drafts", Drafts.reset_templates)
    draft = _to("drafts", Drafts.draft)
    draft_values = _to("drafts", Drafts.draft_values)

    # -- openings ------------------------------------------------------------------------------
    openings = _to("openings_part", Openings.openings)
    opening = _to("openings_part", Openings.opening)
    find_opening = _to("openings_part", Openings.find_opening)
    opening_history = _to("openings_part", Openings.opening_history)
    opening_histories = _to("openings_part", Openings.opening_histories)
    match_company = _to("openings_part", Openings.match_company)
    add_opening = _to("openings_part", Openings.add_opening)
    edit_opening = _to("openings_part", Openings.edit_opening)
    delete_opening = _to("openings_part", Openings.delete_opening)
    set_opening_status = _to("openings_part", Openings.set_opening_status)
    ally_for = _to("openings_part", Openings.ally_for)

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

    def insights(self, on: str | dt.date | None = None, weeks: int | None = None) -> Insights:
        """The figures of the insights screen, `stats` and the report, for the day `on` (the
        last `weeks` weeks, 12 by default). Their module loads here: commands do not pay it."""
        from rebound_tui.domain.insights import DEFAULT_WEEKS
        from rebound_tui.domain.insights import compute as compute_insights

        if weeks is None:
            weeks = DEFAULT_WEEKS
        if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 520:
            raise ServiceError(f"bad number of weeks {weeks!r}: use a whole number from 1 to 520")
        day = dt.date.fromisoformat(self.core.day(on))  # type: ignore[arg-type]
        with self.db.lock:  # the records as of one moment; counting them needs no lock
            records = {
                "companies": self.core.companies(),
                "contacts": self.core.contacts(),
                "interactions": self.core.interactions(),
                "follow_ups": self.core.follow_ups(include_closed=True),
                "contact_added": self.added_days(Contact.TABLE),
            }
        return compute_insights(day, weeks=weeks, **records)

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
        self.core.history.clear()
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
                self.core.history.clear()  # the before-images may hold what was just dropped
        return count

    # -- disk ----------------------------------------------------------------------------------
    def save(self) -> bool:
        return self.db.save()

    def commit(self, *, wait: float = 0.5) -> bool:
        """Make the edits durable now (this machine's journal, a millisecond or so), ahead of
        the `save` that rewrites the data file; False if only that save can, or another
        process held the file's lock for `wait` seconds."""
        return self.db.commit(wait=wait)

    def refresh(self) -> bool:
        return self.db.refresh()
