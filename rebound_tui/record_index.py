"""Records of one table grouped by key, kept in step with the database's change log.

The playbook asks questions like "this contact's touches" or "this contact's check-ins" after
every log and every done follow-up. Scanning 20,000 interactions for that costs tens of
milliseconds per keystroke on a big file; a `GroupIndex` answers from a dict and, between
loads, updates only the records the database says were written (`Database.changes`), the same
way the records core (records_core.py) keeps its record objects. A load, a merge or a rollback
bumps `Database.epoch`, and the index is rebuilt from the core's (already incremental) records.

The core owns its indexes and hands itself in as the `Source`: this module knows only that
shape, so it imports nothing of the service layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Generic, Protocol, TypeVar

R = TypeVar("R")
V = TypeVar("V")

Entries = Callable[[R], Iterable[tuple[str, V]]]
# Could this stored document be filed under this key? (Never False for one that is: a scan
# for one key looks only at the documents it says yes to.)
RawMatch = Callable[[dict[str, Any], str], bool]
# The stored documents that may be filed under any of these keys, in one pass (never leaving
# out one that is; each is then asked `RawMatch`): a scan's cheap first sieve.
RawSieve = Callable[
    [Iterable[tuple[str, dict[str, Any] | None]], tuple[str, ...]],
    Iterator[tuple[str, dict[str, Any]]],
]
# The strings a stored document filed under one of these keys holds as a field's value: the
# database may then give only the documents holding one (`Database.candidates`).
RawValues = Callable[[Iterable[str]], list[str]]


class Source(Protocol):
    """Where an index reads: the database (its lock, epoch, change log) and the live records of
    a table, kept incrementally (`RecordsCore`)."""

    @property
    def db(self) -> Any: ...

    def records_locked(self, cls: type[Any], table: str) -> dict[str, Any]: ...


class GroupIndex(Generic[R, V]):
    """`key -> {record id: value}` for the live records of `cls`'s table.

    `entries(record)` says under which keys a record is filed, and with what value (a record
    can be under several keys, or none).
    """

    def __init__(
        self,
        cls: type[R],
        entries: Entries[R, V],
        raw_match: RawMatch | None = None,
        raw_sieve: RawSieve | None = None,
        raw_values: RawValues | None = None,
    ) -> None:
        self.cls = cls
        self.table: str = cls.TABLE  # type: ignore[attr-defined]
        self.entries = entries
        self.raw_match = raw_match
        self.raw_sieve = raw_sieve
        self.raw_values = raw_values
        self._epoch: int | None = None
        self._seen = 0
        self._groups: dict[str, dict[str, V]] = {}
        self._keys: dict[str, tuple[str, ...]] = {}  # record id -> the keys it is filed under
        self._key_scan: KeyScan | None = None

    def groups(self, source: Source) -> dict[str, dict[str, V]]:
        """The index, up to date with the source's data. Read it; do not change it."""
        db = source.db
        with db.lock:
            records: dict[str, Any] = source.records_locked(self.cls, self.table)
            written = db.changes.get(self.table, [])
            if self._epoch != db.epoch or self._seen > len(written):
                self._groups, self._keys = {}, {}
                for record_id, rec in records.items():
                    self._add(record_id, rec)
            elif self._seen < len(written):
                for record_id in dict.fromkeys(written[self._seen :]):
                    self._drop(record_id)
                    rec = records.get(record_id)
                    if rec is not None:
                        self._add(record_id, rec)
            self._epoch, self._seen = db.epoch, len(written)
            return self._groups

    def get(self, source: Source, key: str) -> dict[str, V]:
        return self.groups(source).get(key, {})

    def lookup(self, source: Source) -> Mapping[str, dict[str, V]]:
        """The index for reading a few keys: the index itself once built; before that, for a
        one-shot command (`Database.one_shot`: one question, one answer, then the process
        ends), a mapping that scans the table for each key asked (`KeyScan`) instead of
        building the whole index. The same answers either way."""
        db = source.db
        if self.raw_match is None or not getattr(db, "one_shot", False) or self._epoch == db.epoch:
            return self.groups(source)
        if self._key_scan is None or self._key_scan.source is not source:
            self._key_scan = KeyScan(self, source)  # one for the command: what it scanned stays
        return self._key_scan

    def scan(self, source: Source, key: str) -> dict[str, V]:
        """The group of one key, from the stored documents (what `groups()[key]` holds)."""
        return self.scan_many(source, (key,))[key]

    def scan_many(
        self, source: Source, keys: Iterable[str], ids: Iterable[str] | None = None
    ) -> dict[str, dict[str, V]]:
        """The groups of these keys from the stored documents, in one pass over the table (or
        over the documents `ids` only: what those records add to the groups)."""
        from rebound_tui.domain import record

        assert self.raw_match is not None
        match, build, entries = self.raw_match, self.cls.from_fields, self.entries  # type: ignore[attr-defined]
        wanted = tuple(dict.fromkeys(keys))
        groups: dict[str, dict[str, V]] = {key: {} for key in wanted}
        live = record.is_live
        with source.db.lock:
            raw = source.db.raw(self.table)
            if ids is not None:
                docs: Iterable[tuple[str, Any]] = ((i, raw.get(i)) for i in ids)
            elif self.raw_values is not None:
                docs = source.db.candidates(self.table, self.raw_values(wanted))
            else:
                docs = raw.items()
            if self.raw_sieve is not None:
                docs = self.raw_sieve(docs, wanted)
            for record_id, doc in docs:
                if doc is None:
                    continue
                hits = [key for key in wanted if match(doc, key)]
                if not hits or not live(doc):
                    continue
                for k, value in entries(build(record_id, record.user_fields(doc))):
                    if k in groups and k in hits:
                        groups[k][record_id] = value
        return groups

    def _add(self, record_id: str, rec: R) -> None:
        keys = []
        for key, value in self.entries(rec):
            self._groups.setdefault(key, {})[record_id] = value
            keys.append(key)
        if keys:
            self._keys[record_id] = tuple(keys)

    def _drop(self, record_id: str) -> None:
        for key in self._keys.pop(record_id, ()):
            group = self._groups.get(key)
            if group is not None:
                group.pop(record_id, None)
                if not group:
                    del self._groups[key]


class KeyScan(Mapping[str, dict[str, Any]]):
    """An index's groups, each computed when first asked for by scanning the table for its key
    (re-scanned after a write to the table). Anything but `get` and `[]` (iterating, counting)
    builds the whole index and reads it."""

    def __init__(self, index: GroupIndex[Any, Any], source: Source) -> None:
        self.index = index
        self.source = source
        self._state: tuple[int, int] | None = None
        self._groups: dict[str, dict[str, Any]] = {}

    def _current(self) -> None:
        """Bring the groups asked for so far up to date: after writes in this epoch, only the
        records written since are looked at again; after a load or a merge, none is kept."""
        db = self.source.db
        written = db.changes.get(self.index.table, [])
        state = (db.epoch, len(written))
        if state == self._state:
            return
        if self._state is not None and self._state[0] == db.epoch and state[1] > self._state[1]:
            changed = list(dict.fromkeys(written[self._state[1] :]))
            now = self.index.scan_many(self.source, self._groups, changed)
            gone = set(changed)
            # New dicts: a group handed out before stays as it was (as a rescan left it).
            self._groups = {
                key: {i: v for i, v in group.items() if i not in gone} | now[key]
                for key, group in self._groups.items()
            }
        else:
            self._groups = {}
        self._state = state

    def prefetch(self, keys: Iterable[str]) -> None:
        """Compute the groups of these keys in one pass over the table (several keys about to
        be asked for: a person and their company)."""
        self._current()
        missing = [k for k in keys if type(k) is str and k not in self._groups]
        if missing:
            self._groups.update(self.index.scan_many(self.source, missing))

    def _group(self, key: str) -> dict[str, Any]:
        self._current()
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = self.index.scan(self.source, key)
        return group

    def __getitem__(self, key: str) -> dict[str, Any]:
        group = self._group(key) if type(key) is str else None
        if not group:
            raise KeyError(key)
        return group

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        group = self._group(key) if type(key) is str else None
        return group if group else default

    def __contains__(self, key: object) -> bool:
        return type(key) is str and bool(self._group(key))

    def __iter__(self) -> Iterator[str]:
        return iter(self.index.groups(self.source))

    def __len__(self) -> int:
        return len(self.index.groups(self.source))
