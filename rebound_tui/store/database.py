"""The database: TinyDB tables over our SyncStorage, with stamped writes and tombstones.

Every write goes through here so that each changed field gets a hybrid-logical-clock stamp and a
delete leaves a tombstone: that is what lets copies edited on other machines merge. Record ids are
random strings used as TinyDB document ids (never TinyDB's integer counter).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from rebound_tui.domain import record
from rebound_tui.domain.clock import HybridClock
from rebound_tui.domain.merge import max_stamp
from rebound_tui.domain.model import ValidationError
from rebound_tui.domain.record_check import check_doc
from rebound_tui.domain.schema import safe_name
from rebound_tui.store.backups import Backups
from rebound_tui.store.fileformat import META_ID, META_TABLE, meta_of
from rebound_tui.store.sparse_table import SparseTable, with_record
from rebound_tui.store.storage import SyncStorage
from rebound_tui.store.sync import ConflictCopies
from rebound_tui.store.table_chunks import Summary

# Back up the previous version on the first save of a session and then at most this often.
BACKUP_EVERY_SECONDS = 600


class StrIdTable(Table):
    """A TinyDB table whose document ids are our random strings."""

    document_id_class = str

    def _get_next_id(self) -> str:  # TinyDB calls this only for plain dicts; we never pass those
        return record.new_id()


class _TinyDB(TinyDB):
    table_class = StrIdTable


class Database:
    """One data file: read through TinyDB, written with stamps, saved atomically."""

    def __init__(
        self,
        path: Path | str,
        clock: HybridClock | None = None,
        *,
        one_shot: bool = False,
        resident: bool = False,
        summaries: Mapping[str, Callable[[dict[str, Any]], list[Any]]] | None = None,
    ) -> None:
        """`one_shot`: this process runs one command and saves at most once (the CLI).
        `resident`: the data read first stays until the process ends or a newer version
        replaces it (the CLI as its own process, the dashboard): the collector need never walk
        it (`fileformat.decode`). `summaries`: tables the load keeps only a summary of, for a
        reader that needs no more (`summary`); such a database is never saved."""
        self.path = Path(path)
        self.one_shot = one_shot
        self.clock = clock or HybridClock()
        self.backups = Backups(self.path)
        self._last_backup = 0.0
        self.storage = SyncStorage(
            self.path,
            on_load=self._observe,
            backup=self._maybe_backup,
            one_shot=one_shot,
            resident=resident,
            stamp_bound=self.clock.bound,
            summaries=summaries,
        )
        self.copies = ConflictCopies(self.path, self.backups)
        self.storage.copies = self.copies  # merged by every load and every save
        self.tinydb = _TinyDB(storage=lambda: self.storage)
        # Before-images of the records the current action touched: what undo puts back.
        self.journal: list[tuple[str, str, dict[str, Any] | None]] | None = None
        # For incremental caches: `epoch` bumps when anything may have changed (a load, a merge
        # from disk or a conflict copy, a rollback); between bumps, `changes[table]` lists the
        # ids written, in order, so a reader can update only those.
        self.epoch = 0
        self.changes: dict[str, list[str]] = {}
        # (epoch, how many ids `changes` listed per table) at the last commit (`commit`).
        self._commit_mark: tuple[int, dict[str, int]] | None = None
        self.storage.read()

    # -- housekeeping ------------------------------------------------------------------------
    def _observe(self, data: dict[str, Any]) -> None:
        self.epoch += 1
        self.changes = {}
        hint, self.storage.max_stamp_hint = self.storage.max_stamp_hint, None
        # (The highest stamp of the file just parsed is known without a walk when its bytes
        # were checked before.)
        stamp = hint[1] if hint is not None and hint[0] is data else max_stamp(data)
        if stamp:
            self.clock.observe(stamp)

    def _maybe_backup(self, content: bytes | int, force: bool) -> Path | None:
        """Back up the version a save replaces (throttled), or `force` one right now.

        `content`: the bytes, or an open file to copy them from (see `Backups.save`)."""
        now = time.monotonic()
        if not force and self._last_backup and now - self._last_backup < BACKUP_EVERY_SECONDS:
            return None
        if not force and self.one_shot and self.backups.taken_within(BACKUP_EVERY_SECONDS):
            # A command's save: the session is the run of commands, so the same throttle holds
            # across processes (else a burst of commands prunes away the older backups).
            return None
        backup = self.backups.save(content)
        if not force:
            self._last_backup = now
        return backup.path if backup else None

    @property
    def lock(self):
        return self.storage.lock

    @property
    def generation(self) -> int:
        return self.storage.generation

    @property
    def meta(self) -> dict[str, Any]:
        return meta_of(self.storage.read())

    @property
    def db_id(self) -> str:
        return self.meta["db_id"]

    def table(self, name: str) -> Table:
        # No query cache: it would go stale when another machine's version merges in.
        return self.tinydb.table(name, cache_size=0)

    # -- reads ---------------------------------------------------------------------------------
    def raw(self, table: str) -> Mapping[str, dict[str, Any]]:
        """The stored documents of a table by id, tombstones included (read-only use)."""
        return self.storage.read().get(table, {})

    def candidates(self, table: str, values: Iterable[str]) -> Iterable[tuple[str, Any]]:
        """(id, stored document), tombstones included, of the records of `table` that may hold
        one of the strings `values` as a field's value or in a list (a superset to filter):
        every record, but those a table left as bytes holds them in (store/sparse_table.py)."""
        records = self.raw(table)
        return records.candidates(values) if type(records) is SparseTable else records.items()

    def summary(self, table: str) -> list[Any] | None:
        """The summary the load kept of `table` (`summaries`), or None if it kept the table."""
        value = self.storage.read().get(table)
        return value.value if type(value) is Summary else None

    def get(self, table: str, record_id: str) -> dict[str, Any] | None:
        doc = self.table(table).get(doc_id=record_id)
        return dict(doc) if doc is not None else None

    def live(self, table: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(id, user fields) of every live record in a table."""
        for record_id, doc in self.raw(table).items():
            if record.is_live(doc):
                yield record_id, record.user_fields(doc)

    # -- writes ---------------------------------------------------------------------------------
    @staticmethod
    def _check(table: str, record_id: str, doc: dict[str, Any]) -> None:
        """Never write what a load would refuse (domain/schema.py): a ValidationError instead."""
        problems = check_doc(doc if type(doc) is dict else dict(doc), table, record_id)
        if problems:
            raise ValidationError(f"{table}/{safe_name(record_id)}: {problems[0]}")

    def _put(self, table: str, record_id: str, doc: dict[str, Any]) -> None:
        self._check(table, record_id, doc)
        if self.journal is not None:
            before = self.raw(table).get(record_id)
            self.journal.append((table, record_id, dict(before) if before is not None else None))
        # One record into its table, the way TinyDB's own writes end (storage.write of the
        # whole data), without TinyDB's upsert re-keying the whole table twice per write.
        # Copy-on-write: a reader on another thread may be iterating the old table dict.
        data = self.storage.read()
        self.storage.write({**data, table: with_record(data.get(table, {}), record_id, doc)})
        self.changes.setdefault(table, []).append(record_id)

    def create(self, table: str, fields: Mapping[str, Any], record_id: str | None = None) -> str:
        with self.lock:
            record_id = record_id or record.new_id()
            self._put(table, record_id, record.new_doc(fields, self.clock.now()))
            return record_id

    def update(self, table: str, record_id: str, changes: Mapping[str, Any]) -> bool:
        """Apply changes; True if any value really changed (unchanged data is not re-stamped)."""
        with self.lock:
            doc = self.get(table, record_id)
            if doc is None:
                raise KeyError(record_id)
            live = record.is_live(doc)
            if live and all(k in doc and doc[k] == v for k, v in changes.items()):
                return False
            stamp = self.clock.now()
            new = record.with_changes(doc, changes, stamp)
            if not live:  # writing to a deleted record brings it back: outrank the delete
                new[record.CLOCK] = {k: stamp for k in new[record.CLOCK]}
            self._put(table, record_id, new)
            return True

    def _reverted(
        self, now: dict[str, Any], before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """The record with an action's changes undone (new stamps), or None if nothing to do."""
        if before is None or not record.is_live(before):
            return record.tombstoned(now, self.clock.now()) if record.is_live(now) else None
        old = record.user_fields(before)
        done = record.user_fields(after if after is not None else now)
        changes = {k: old.get(k) for k in set(old) | set(done) if old.get(k) != done.get(k)}
        stamp = self.clock.now()
        if record.is_live(now):
            return record.with_changes(now, changes, stamp) if changes else None
        # Restore: every field gets the new stamp, so it outranks the delete.
        new = dict(record.with_changes(now, changes, stamp))
        new[record.CLOCK] = {k: stamp for k in new[record.CLOCK]}
        return new

    def revert(
        self,
        table: str,
        record_id: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Undo what an action did to a record, with new stamps so the undo syncs like any edit.

        Only the fields the action changed (from `before` to `after`) are put back: edits made
        since by another process or machine, to other fields, stay.
        """
        self.revert_many([(table, record_id, before, after)])

    def revert_many(
        self,
        entries: Iterable[tuple[str, str, dict[str, Any] | None, dict[str, Any] | None]],
    ) -> None:
        """`revert` for many records, in two passes per table (undoing a 5,000-row import)."""
        with self.lock:
            by_table: dict[str, dict[str, dict[str, Any]]] = {}
            for table, record_id, before, after in entries:
                now = self.raw(table).get(record_id)
                if now is None:
                    continue
                new = self._reverted(dict(now), before, after)
                if new is not None:
                    by_table.setdefault(table, {})[record_id] = new
            for table, docs in by_table.items():
                if self.journal is not None:
                    raw = self.raw(table)
                    self.journal.extend((table, i, dict(raw[i])) for i in docs)
                tinytable = self.table(table)
                tinytable.remove(doc_ids=list(docs))
                tinytable.insert_multiple(Document(d, doc_id=i) for i, d in docs.items())
                self.changes.setdefault(table, []).extend(docs)

    def rollback(self, journal: list[tuple[str, str, dict[str, Any] | None]]) -> None:
        """Put back exactly the before-images of an unfinished action (never saved: no stamps)."""
        with self.lock:
            saved, self.journal = self.journal, None
            try:
                for table, record_id, before in reversed(journal):
                    tinytable = self.table(table)
                    if tinytable.contains(doc_id=record_id):
                        tinytable.remove(doc_ids=[record_id])
                    if before is not None:
                        tinytable.insert(Document(before, doc_id=record_id))
            finally:
                self.journal = saved
            journal.clear()
            self.epoch += 1
            self.changes = {}

    def restore_from(self, data: dict[str, Any]) -> int:
        """Make the live state equal `data` (a backup) through new stamped edits; returns records
        changed. Edits, not a file copy: otherwise the next sync would merge the newer state back.
        """
        changed = 0
        with self.lock:
            everything = self.storage.read()
            tables = {t for t in set(everything) | set(data) if t != META_TABLE}
            for table in sorted(tables):
                current = everything.get(table, {})
                target = data.get(table, {})
                for record_id in sorted(set(current) | set(target)):
                    now, then = current.get(record_id), target.get(record_id)
                    if now is None:
                        if then is not None and record.is_live(then):
                            self.create(table, record.user_fields(then), record_id)
                            changed += 1
                        continue
                    same = record.is_live(now) == (then is not None and record.is_live(then))
                    if same and (
                        then is None or record.user_fields(now) == record.user_fields(then)
                    ):
                        continue
                    self.revert(table, record_id, then)
                    changed += 1
        return changed

    def delete(self, table: str, record_id: str) -> None:
        with self.lock:
            doc = self.get(table, record_id)
            if doc is None:
                raise KeyError(record_id)
            self._put(table, record_id, record.tombstoned(doc, self.clock.now()))

    def create_many(
        self, table: str, rows: list[Mapping[str, Any]], ids: list[str] | None = None
    ) -> list[str]:
        """Insert many new records in one pass (imports); `ids` gives derived ids (mail import:
        the same message is the same record on every machine), else they are random."""
        with self.lock:
            if ids is None:
                ids = [record.new_id() for _ in rows]
            elif len(ids) != len(rows) or len(set(ids)) != len(ids):
                raise ValueError("create_many: one distinct id per row")
            if self.journal is not None:
                self.journal.extend((table, i, None) for i in ids)
            new = [record.new_doc(fields, self.clock.now()) for fields in rows]
            for record_id, doc in zip(ids, new, strict=True):
                self._check(table, record_id, doc)
            docs = [Document(doc, doc_id=i) for i, doc in zip(ids, new, strict=True)]
            self.table(table).insert_multiple(docs)
            self.changes.setdefault(table, []).extend(ids)
            return ids

    def update_many(self, table: str, changes_by_id: Mapping[str, Mapping[str, Any]]) -> int:
        """Apply many records' changes in two table passes (imports); returns records changed."""
        with self.lock:
            raw = self.raw(table)
            new_docs: dict[str, dict[str, Any]] = {}
            for record_id, changes in changes_by_id.items():
                doc = raw.get(record_id)
                if doc is None:
                    raise KeyError(record_id)
                if all(k in doc and doc[k] == v for k, v in changes.items()):
                    continue
                new_docs[record_id] = record.with_changes(doc, changes, self.clock.now())
                self._check(table, record_id, new_docs[record_id])
            if not new_docs:
                return 0
            if self.journal is not None:
                self.journal.extend((table, i, dict(raw[i])) for i in new_docs)
            tinytable = self.table(table)
            tinytable.remove(doc_ids=list(new_docs))
            tinytable.insert_multiple(Document(d, doc_id=i) for i, d in new_docs.items())
            self.changes.setdefault(table, []).extend(new_docs)
            return len(new_docs)

    def set_meta(self, **values: Any) -> None:
        with self.lock:
            meta = dict(self.meta)
            meta.update(values)
            self.tinydb.table(META_TABLE, cache_size=0).upsert(Document(meta, doc_id=META_ID))

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Hold the lock over several writes so a background save sees all or none of them."""
        with self.lock:
            yield

    # -- disk ------------------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self.storage.dirty

    def save(self) -> bool:
        return self.storage.save()

    def commit(self, *, wait: float = 0.5) -> bool:
        """Make the edits durable in this machine's journal ahead of `save` (see
        store/journal.py); False if only `save` can, or another process held the lock for
        `wait` seconds. Within an epoch, `changes` says which records were written since the
        last commit; across one, the journal compares tables."""
        with self.lock:
            mark = self._commit_mark
            written = None
            if mark is not None and mark[0] == self.epoch:
                written = {t: ids[mark[1].get(t, 0) :] for t, ids in self.changes.items()}
            self._commit_mark = (self.epoch, {t: len(ids) for t, ids in self.changes.items()})
        try:
            done = self.storage.commit(written, wait=wait)
        except BaseException:
            self._commit_mark = None  # the next commit compares the tables
            raise
        if not done:
            self._commit_mark = None
        return done

    def refresh(self) -> bool:
        return self.storage.refresh()
