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

from collections.abc import Callable, Iterable
from typing import Any, Generic, Protocol, TypeVar

R = TypeVar("R")
V = TypeVar("V")

Entries = Callable[[R], Iterable[tuple[str, V]]]


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

    def __init__(self, cls: type[R], entries: Entries[R, V]) -> None:
        self.cls = cls
        self.table: str = cls.TABLE  # type: ignore[attr-defined]
        self.entries = entries
        self._epoch: int | None = None
        self._seen = 0
        self._groups: dict[str, dict[str, V]] = {}
        self._keys: dict[str, tuple[str, ...]] = {}  # record id -> the keys it is filed under

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
