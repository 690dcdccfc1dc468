"""Our TinyDB Storage: parsed data stays in memory, saves are atomic, changes on disk merge in.

Stock `JSONStorage` keeps the file open, rewrites it in place and re-parses it on every operation;
with sync tools that rename a new version over ours, its writes go to an unlinked file. This storage
never keeps the file open. `write()` only updates memory; `save()` does the durable part:

1. take an inter-process lock (two processes on one machine never lose each other's writes),
2. if the file changed since we last read or wrote it, load it and merge it into memory,
3. encode deterministically; if the bytes equal what is on disk, stop (no churn for sync tools),
4. write a temp file in the same folder, fsync it, `os.replace` it over the data file, and
   fsync the folder.

A failed save (disk full, EIO, permission) leaves the data file and memory as they were, removes the
temp file, and raises `SaveError`; the edit is saved on the next try.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from platformdirs import user_cache_dir
from tinydb.storages import Storage

from rebound_tui.domain.merge import MergeError, merge_databases
from rebound_tui.store.fileformat import DataFileError, db_id_of, decode, encode, new_database

FILE_MODE = 0o600
# mtime granularity is coarse on some filesystems: a same-size rewrite within this window can keep
# the same (inode, size, mtime), so such recent files are compared by content hash.
RECENT_SECONDS = 2.0
LOCK_TIMEOUT = 10.0


class SaveError(OSError):
    """The save failed; the data file is untouched and the edits are still in memory."""


@dataclass(frozen=True)
class FileSig:
    """What changes when a file is replaced or rewritten."""

    ino: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileSig | None:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return cls(st.st_ino, st.st_size, st.st_mtime_ns)


def lock_path_for(path: Path) -> Path:
    """A lock file outside the synced folder (so it never syncs), one per data file."""
    key = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]
    folder = Path(os.environ.get("REBOUND_LOCK_DIR") or user_cache_dir("rebound-tui")) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}.lock"


def fsync_dir(folder: Path) -> None:
    """Make a rename durable; not every platform can open a folder, which is fine there."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, raw: bytes, mode: int = FILE_MODE) -> None:
    """Replace `path` with `raw` so that a crash leaves either the old or the new file, whole.

    A symlinked data file stays a link: the file it points to (in the synced folder) is replaced.
    """
    path = Path(os.path.realpath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    try:
        try:
            os.fchmod(fd, mode)
            view = memoryview(raw)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


class SyncStorage(Storage):
    """TinyDB storage for one data file that other machines and processes also write."""

    def __init__(
        self,
        path: Path | str,
        *,
        on_load: Callable[[dict[str, Any]], None] | None = None,
        backup: Callable[[bytes, bool], object] | None = None,
    ) -> None:
        self.path = Path(path)
        self._on_load = on_load
        self._backup = backup
        self._data: dict[str, Any] | None = None
        self._disk_raw: bytes | None = None  # the bytes we last read from or wrote to the file
        self._sig: FileSig | None = None
        self._checked_at = 0.0
        self.dirty = False
        self._fresh = False
        self.generation = 0  # bumps whenever the data in memory changes
        self.lock = threading.RLock()

    # -- TinyDB's Storage interface -------------------------------------------------------
    def read(self) -> dict[str, Any]:
        with self.lock:
            if self._data is None:
                self.load()
            assert self._data is not None
            return self._data

    def write(self, data: dict[str, Any]) -> None:
        with self.lock:
            self._data = data
            self.dirty = True
            self.generation += 1

    def close(self) -> None:
        """Nothing is held open between operations; unsaved edits stay in memory."""

    # -- Loading ----------------------------------------------------------------------------
    @property
    def exists(self) -> bool:
        return self.path.exists()

    def _read_disk(self) -> tuple[bytes | None, FileSig | None]:
        for _ in range(3):
            sig = FileSig.of(self.path)
            if sig is None:
                return None, None
            try:
                raw = self.path.read_bytes()
            except FileNotFoundError:
                continue  # replaced between stat and open: look again
            except PermissionError as exc:
                raise DataFileError(
                    self.path,
                    "cannot read the file (permission denied)",
                    "check the file's owner and mode",
                ) from exc
            except IsADirectoryError as exc:
                raise DataFileError(self.path, "is a folder, not a data file") from exc
            if FileSig.of(self.path) == sig:
                return raw, sig
        return raw, FileSig.of(self.path)

    def load(self) -> None:
        """Read the file into memory; a missing file is a new, empty database (not yet written)."""
        with self.lock:
            raw, sig = self._read_disk()
            if raw is None:
                self._data = new_database()
            else:
                self._data = decode(raw, self.path)
            # A database born in memory has no identity on disk yet: if another process creates
            # the file first, we join that database instead of refusing it.
            self._fresh = raw is None
            self._disk_raw, self._sig = raw, sig
            self._checked_at = time.time()
            self.dirty = False
            self.generation += 1
            if self._on_load:
                self._on_load(self._data)

    # -- Change detection -------------------------------------------------------------------
    def _disk_changed(self) -> bool:
        sig = FileSig.of(self.path)
        if sig != self._sig:
            return True
        if sig is None:
            return False
        # Same inode, size and mtime: trust it unless the write was recent.
        recent = time.time() - sig.mtime_ns / 1e9 < RECENT_SECONDS
        if not recent:
            return False
        try:
            return self.path.read_bytes() != self._disk_raw
        except OSError:
            return True

    def refresh(self) -> bool:
        """Merge a version delivered on disk into memory; True if what we hold changed."""
        with self.lock:
            if self._data is None:
                self.load()
                return True
            self._checked_at = time.time()
            if not self._disk_changed():
                return False
            raw, sig = self._read_disk()
            if raw is None:
                # The file vanished (moved away, or a sync tool mid-delivery): keep memory, and
                # let the next save write it back.
                self._sig = None
                self._disk_raw = None
                self.dirty = True
                return False
            if raw == self._disk_raw:
                self._sig = sig
                return False
            disk = decode(raw, self.path)
            before = self._data
            self._data = self._merge_into_memory(disk)
            self._disk_raw, self._sig = raw, sig
            self.generation += 1
            if self._on_load:
                self._on_load(self._data)
            return self._data != before

    def _merge_into_memory(self, disk: dict[str, Any]) -> dict[str, Any]:
        assert self._data is not None
        only_meta = all(k == "meta" or not v for k, v in self._data.items())
        if only_meta and not self.dirty:
            return disk  # we held nothing of our own yet: adopt the file
        if self._fresh:
            self._data = {**self._data, "meta": disk.get("meta", {})}
        try:
            return merge_databases(disk, self._data, share=True)
        except MergeError as exc:
            kept = self._rescue(self._data)
            raise DataFileError(
                self.path,
                f"was replaced by a different rebound database ({exc})",
                f"your unsaved edits are kept in {kept}" if kept else "restart rebound-tui",
            ) from exc

    def _rescue(self, data: dict[str, Any]) -> str | None:
        """Write edits that cannot be merged into a backup, so they are never lost."""
        if self._backup is None or not self.dirty:
            return None
        try:
            kept = self._backup(encode(data), True)
        except OSError:
            return None
        return str(kept) if kept else None

    def merge_in(self, other: dict[str, Any]) -> bool:
        """Merge another copy of this database (a conflict copy) into memory; True if it added."""
        with self.lock:
            current = self.read()
            if db_id_of(other) != db_id_of(current):
                raise MergeError("the copy belongs to a different database")
            merged = merge_databases(current, other, share=True)
            if merged == current:
                return False
            self._data = merged
            self.dirty = True
            self.generation += 1
            if self._on_load:
                self._on_load(merged)
            return True

    def replace_data(self, data: dict[str, Any]) -> None:
        """Hold `data` instead (used by restore, which has re-stamped it); saved on next save."""
        with self.lock:
            self._data = data
            self.dirty = True
            self.generation += 1

    def seconds_since_check(self) -> float:
        return time.time() - self._checked_at

    # -- Saving -----------------------------------------------------------------------------
    def save(self) -> bool:
        """Merge what is on disk, then write if the bytes differ. True if the file was written.

        The inter-process lock is taken first and the in-memory lock only while merging and
        encoding, so the dashboard never waits on another process or on the disk to edit.
        """
        if self._data is None:
            return False
        with self.lock:
            if not self.dirty and not self._disk_changed():
                # Nothing of ours to write, nothing new to merge: skip encoding. (A new database
                # nobody changed is not written either: looking around creates no file.)
                return False
        try:
            with FileLock(lock_path_for(self.path), timeout=LOCK_TIMEOUT):
                with self.lock:
                    self.refresh()
                    raw = encode(self._data)
                    if raw == self._disk_raw:
                        self.dirty = False
                        return False
                    encoded_generation = self.generation
                    previous, existed = self._disk_raw, self._sig is not None
                if previous is not None and self._backup is not None:
                    self._backup(previous, False)
                mode = FILE_MODE
                if existed:
                    with contextlib.suppress(OSError):
                        mode = os.stat(self.path).st_mode & 0o777
                atomic_write(self.path, raw, mode)
                with self.lock:
                    self._disk_raw, self._sig = raw, FileSig.of(self.path)
                    # Edits made while we wrote are still unsaved.
                    self.dirty = self.generation != encoded_generation
                    self._fresh = False
                return True
        except Timeout as exc:
            raise SaveError(
                f"{self.path}: another rebound-tui process holds the lock for over "
                f"{LOCK_TIMEOUT:.0f}s; your edit is kept in memory, try again"
            ) from exc
        except DataFileError:
            raise
        except OSError as exc:
            raise SaveError(
                f"{self.path}: could not save ({exc.strerror or exc}); the file is unchanged "
                "and your edit is kept in memory"
            ) from exc

    @property
    def db_id(self) -> str | None:
        return db_id_of(self.read())

    def disk_bytes(self) -> bytes | None:
        return self._disk_raw
