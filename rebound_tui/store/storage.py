# Over 400 lines because: one TinyDB Storage: load, merge on save, change detection and the lock are
# one protocol.
"""Our TinyDB Storage: parsed data stays in memory, saves are atomic, changes on disk merge in.

Stock `JSONStorage` keeps the file open, rewrites it in place and re-parses it on every operation;
with sync tools that rename a new version over ours, its writes go to an unlinked file. This storage
never keeps the file open. `write()` only updates memory; `save()` does the durable part:

1. take an inter-process lock (two processes on one machine never lose each other's writes),
2. if the file changed since we last read or wrote it, load it and merge it into memory,
3. encode deterministically; if the bytes equal what is on disk, stop (no churn for sync tools),
4. write a temp file in the same folder, fsync it, `os.replace` it over the data file, and
   fsync the folder.

Step 3 re-encodes only the records that changed when the file on disk is one we last wrote, or
read and found to be exactly what we would write: the rest is copied from it (`layout.py`), so a
one-field edit of a 26 MB file neither encodes 26 MB nor keeps a copy of the file in memory. Change
detection compares (device, inode, size, mtime, ctime) at the filesystem's resolution; where it
keeps whole-second times (FAT, exFAT, HFS+), a file written in the last two seconds is also
compared by content hash. Memory that holds more than a version merged in from disk (our own save
that a sync tool overwrote with an older-based version) is marked unsaved, so the file gets it
back.

A failed save (disk full, EIO, permission) leaves the data file and memory as they were, removes the
temp file, and raises `SaveError`; the edit is saved on the next try.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_cache_dir
from tinydb.storages import Storage

from rebound_tui.domain.clock import ahead_limit, system_ms
from rebound_tui.domain.merge import MergeError, max_stamp, merge_databases

# Defined in the leaf errors module so the faces can catch it without importing the store.
from rebound_tui.errors import SaveError as SaveError
from rebound_tui.store import checked, early_read, partial_read, table_chunks
from rebound_tui.store.backups import make_private_dirs
from rebound_tui.store.fileformat import DataFileError, db_id_of, decode, encode, new_database
from rebound_tui.store.files import (
    CHUNK,
    FILE_MODE,
    FileMoved,
    FileSig,
    content_hash,
    read_at,
    read_only_mode,
    release_later,
    write_pieces,
)
from rebound_tui.store.fragments import Version, file_pieces
from rebound_tui.store.journal import Journal
from rebound_tui.store.layout import Layout, Piece, plan
from rebound_tui.store.sparse_table import SparseTable, all_parsed

if TYPE_CHECKING:
    from rebound_tui.store.sync import Accepted, ConflictCopies

LOCK_TIMEOUT = 10.0
SAVE_TRIES = 3  # a sync tool replacing the file mid-save makes us merge it and try again


class ReadOnlyFile(SaveError):
    """The data file is read-only for its owner: we refuse to replace it."""


def lock_path_for(path: Path) -> Path:
    """A lock file outside the synced folder (so it never syncs), one per data file."""
    key = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]
    folder = Path(os.environ.get("REBOUND_LOCK_DIR") or user_cache_dir("rebound-tui")) / "locks"
    make_private_dirs(folder)  # 0700 whatever the umask: nobody else's business
    with contextlib.suppress(OSError):
        if os.name != "nt" and os.stat(folder).st_mode & 0o077:
            os.chmod(folder, 0o700)  # made by an older version under a loose umask
    return folder / f"{key}.lock"


def _describe(
    raw: bytes | None,
    sig: FileSig | None,
    data: dict[str, Any] | None,
    exact: bool | None = None,
    layout: bool = True,
) -> tuple[FileSig | None, bytes | None, Layout | None]:
    """What we keep about the file `raw` (which parsed to `data`): its signature; a hash of it
    where times are whole seconds; and where it holds each record, if it is laid out as we
    write files, so the next save copies unchanged records from it instead of encoding all.
    `exact`: whether `raw` is known to be `encode(data)` (None: look). Without `layout`, no
    layout (a one-shot command: its one save encodes the file whole, which costs less)."""
    if raw is None or sig is None:
        return sig, None, None
    if sig.coarse:
        return sig, content_hash(raw), None
    if data is None or os.name == "nt" or not layout or exact is False:
        return sig, None, None
    return sig, None, Layout.of(data, raw) if exact else Layout.of_read(data, raw)


def _import_for_save() -> None:
    """What a save imports (the lock: 11-21 ms of imports), while a command would only wait for
    the child checking its file (`split_check`); else the save imports it."""
    with contextlib.suppress(ImportError):  # (then the save says what is missing, where it did)
        import filelock  # noqa: F401


class SyncStorage(Storage):
    """TinyDB storage for one data file that other machines and processes also write."""

    def __init__(
        self,
        path: Path | str,
        *,
        on_load: Callable[[dict[str, Any]], None] | None = None,
        backup: Callable[[bytes | int, bool], object] | None = None,
        one_shot: bool = False,
        resident: bool = False,
        stamp_bound: Callable[[], str | None] | None = None,
        summaries: Mapping[str, Callable[[dict[str, Any]], list[Any]]] | None = None,
    ) -> None:
        self.path = Path(path)
        # Tables the first load keeps only a summary of (`fileformat.decode`): a reader that
        # needs no more (views_helper.py). Such data is never saved.
        self._summaries = dict(summaries or {})
        self.summarized = False
        # A one-shot command (the CLI) saves at most once: no layout of the file it read.
        self.one_shot = one_shot
        # The first load stays until the process ends or is replaced (`decode`'s `resident`).
        self.resident = resident
        # (data, its highest stamp) of the last file parsed, when known without a walk.
        self.max_stamp_hint: tuple[dict[str, Any], str | None] | None = None
        # A stamp as late as any in memory (the database's clock): what lets a file we write be
        # remembered as checked (`store/checked.py`). None: writes are not remembered.
        self._stamp_bound = stamp_bound
        self._on_load = on_load
        self._backup = backup
        self._data: dict[str, Any] | None = None
        # The file as we last read or wrote it: its signature; on whole-second filesystems, a
        # hash of its bytes; and, if it is laid out as we write files, where each record sits.
        self._sig: FileSig | None = None
        self._digest: bytes | None = None
        self._layout: Layout | None = None
        # The first load's layout, left for the first save to work out (`_settle_layout`):
        # (the file's signature, the data as parsed from it).
        self._layout_due: tuple[FileSig, dict[str, Any]] | None = None
        self._checked_at = 0.0
        self._read_exact = False  # the file last parsed is exactly what `encode` writes
        self._read_spans: Any = None  # and its tables' spans, when it was parsed by table
        # A one-shot command's file as loaded, exactly as we write it: (its signature, its
        # bytes, the tables parsed from it). Its save copies the tables still the same objects.
        self._read: tuple[FileSig | None, Version, dict[str, Any]] | None = None
        self.dirty = False
        self._fresh = False
        self.generation = 0  # bumps whenever the data in memory changes
        self.lock = threading.RLock()
        # The conflict copies beside the file (set by Database): merged by every load and save.
        self.copies: ConflictCopies | None = None
        # Edits made durable before the file is rewritten (`commit`): merged by every load and
        # save too, and removed by the save that writes them into the file.
        self.write_ahead = Journal(self.path)
        self._journal_left = False

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
        """The file's bytes and the signature of exactly those bytes (None, None: no file)."""
        raw: bytes | None = None
        after: os.stat_result | None = None
        for _ in range(3):
            try:
                with open(self.path, "rb") as fh:
                    before = os.fstat(fh.fileno())
                    raw = fh.read()
                    after = os.fstat(fh.fileno())
            except FileNotFoundError:
                if not self.path.exists():
                    return None, None
                continue  # replaced between lookup and open: look again
            except PermissionError as exc:
                raise DataFileError(
                    self.path,
                    "cannot read the file (permission denied)",
                    "check the file's owner and mode",
                ) from exc
            except IsADirectoryError as exc:
                raise DataFileError(self.path, "is a folder, not a data file") from exc
            if FileSig.from_stat(before) == FileSig.from_stat(after):
                return raw, FileSig.from_stat(after)
        if raw is None or after is None:
            return None, None
        return raw, FileSig.from_stat(after)  # written to all along: the next check reads again

    def _remember(
        self, raw: bytes | None, sig: FileSig | None, data: dict[str, Any] | None = None
    ) -> None:
        """The file is now `raw`, which parsed to `data` (see `_describe`)."""
        self._sig, self._digest, self._layout = _describe(raw, sig, data)

    def _decode(
        self,
        raw: bytes,
        sig: FileSig | None,
        memory: dict[str, Any] | None = None,
        parsed: dict[str, Any] | None = None,
        known_digest: bytes | None = None,
        defer_layout: bool = False,
        spans: list[Any] | None = None,
        early: early_read.Prepared | None = None,
    ) -> tuple[dict[str, Any], tuple[FileSig | None, bytes | None, Layout | None]]:
        """`decode(raw)`, sparing the checks of bytes this machine already checked (or wrote):
        `store/checked.py`, and of records the same as in `memory` (what we hold, which passed
        them: `decode`'s `checked`). Remembers the bytes as checked, as a save remembers what
        it writes from memory; also `_describe`s them (with `defer_layout`, all but the layout,
        which the first save works out: `_settle_layout`). `parsed`, `known_digest`, `spans`:
        what a first start's partial read found in these same bytes (partial_read.Kept; the
        spans also from a command's early read). `early`: the check a command's process
        started on these bytes (early_read.py)."""
        now: int | None = None  # (the checks' clock, shared with a child forked ahead)
        ahead = None
        if early is not None:
            now, ahead = early.now_ms, early.child
        elif (
            self.one_shot
            and self.resident
            and memory is None
            and parsed is None
            and known_digest is None
            and sig is not None
            and checked.changed_since_checked(sig.ctime_ns)
        ):
            # Likely new here: the child checking its largest table starts now, before the
            # hash and the parse (`split_check`, "Forked ahead"; before the hash's thread).
            from rebound_tui.store.split_check import SplitCheck

            now = system_ms()
            ahead = SplitCheck.ahead(raw, ahead_limit(now), now, top=True)
        # Hashed on another thread while the file is parsed (or already, by a first start; or,
        # beside a child forked ahead, which has the other core, here when first needed).
        if known_digest is not None:
            digest = checked.Digest.known(known_digest)
        elif early is not None:
            digest = early.digest  # (hashed since the command line read the file)
        else:
            digest = checked.Digest(raw, thread=ahead is None)
        known: list[checked.Entry] = []
        marks = contextlib.ExitStack()  # (held from the decision to check to the verdict)

        def trusted(stamp_limit: str, strict: bool) -> bool:
            entry = checked.lookup(digest.value, wait=checked.waiting_time(len(raw)))
            if checked.trusts(entry, stamp_limit, strict=strict):
                known.append(entry)  # type: ignore[arg-type]
                return True
            marks.enter_context(checked.checking(digest.value))
            return False

        try:
            with marks:
                return self._decoded(
                    raw,
                    sig,
                    digest,
                    known,
                    trusted,
                    memory,
                    parsed,
                    defer_layout=defer_layout,
                    spans=spans,
                    now_ms=now,
                    ahead=ahead,
                )
        finally:
            if ahead is not None:
                ahead.abandon()  # (not asked: the file was not split after all)
                if known:  # the guess was wrong: these bytes were checked here before
                    checked.seen_again()

    def _decoded(
        self,
        raw: bytes,
        sig: FileSig | None,
        digest: checked.Digest,
        known: list[checked.Entry],
        trusted: Callable[[str, bool], bool],
        memory: dict[str, Any] | None,
        parsed: dict[str, Any] | None,
        *,
        defer_layout: bool,
        spans: list[Any] | None = None,
        now_ms: int | None = None,
        ahead: Any = None,
    ) -> tuple[dict[str, Any], tuple[FileSig | None, bytes | None, Layout | None]]:
        """The rest of `_decode`, inside its mark (`checked.checking`) once it checks."""
        resident = self.resident and memory is None  # the first load, not a refresh
        found_spans: list[Any] = [spans] if spans is not None else []
        found: dict[str, Any] = {}  # (what the checks learn on the way: fileformat.decode)
        data = decode(
            raw,
            self.path,
            trusted=trusted,
            checked=memory,
            resident=resident,
            layout=found_spans,
            found=found,
            parsed=parsed,
            share=not self.one_shot,  # (a command's data is gone in a moment)
            summaries=self._summaries if memory is None else None,
            # A command's own process: the machine's other core may check a table meanwhile.
            fork_checks=self.one_shot and resident,
            now_ms=now_ms,
            ahead=ahead,
            idle=_import_for_save if self.one_shot else None,
            # The largest table stays bytes until it is read (a command reads a few records;
            # the dashboard's background work parses it once its panes show: sparse_table.py).
            sparse=resident and not self._summaries,
        )
        self._read_spans = found_spans[0] if found_spans else None
        if memory is None and self._summaries:
            self.summarized = any(type(v) is table_chunks.Summary for v in data.values())
        entry = known[0] if known else None
        if entry is not None:
            top = entry.max_stamp or None
        else:
            top = (found["top"] or None) if "top" in found else max_stamp(data)
        exact = entry.exact if entry is not None else found.get("exact")
        if defer_layout and sig is not None and not sig.coarse and os.name != "nt":
            # Worked out by the first save (from the file, if it is still this version): not
            # while the dashboard waits for its data (50-70 ms on the heavy file).
            described: tuple[FileSig | None, bytes | None, Layout | None] = (sig, None, None)
            self._layout_due = (sig, data)
        else:
            whole_data = data if self.one_shot else all_parsed(data)
            described = _describe(raw, sig, whole_data, exact, layout=not self.one_shot)
            if exact is None and described[2] is not None:
                exact = True
            elif exact is None and not self.one_shot and sig is not None and not sig.coarse:
                exact = False if os.name != "nt" else None
        if entry is None or entry.exact != exact:
            strict = entry.strict if entry is not None else exact is True
            checked.remember(digest.value, checked.Entry(top or "", exact, strict))
        if exact is not True and any(type(v) is SparseTable for v in data.values()):
            data = all_parsed(data)  # (not our layout)
        self.max_stamp_hint = (data, top)
        self._read_exact = exact is True
        return data, described

    def load(self) -> None:
        """Read the file into memory; a missing file is a new, empty database (not yet written)."""
        with self.lock:
            # A first start read this version and some of its tables already (partial_read.py).
            kept = partial_read.take(self.path) if self._data is None else None
            # A command's process read it already, and started its check (early_read.py).
            early = None
            if kept is None and self._data is None and self.one_shot and self.resident:
                early = early_read.take(self.path)
            spans = None
            if kept is not None:
                raw, sig, parsed, known = kept.raw, kept.sig, kept.tables, kept.digest
                spans = kept.spans
            elif early is not None:
                raw, sig, parsed, known = early.raw, early.sig, None, None
                spans = early.spans
            else:
                (raw, sig), parsed, known = self._read_disk(), None, None
            del kept
            if self._summaries and (self._copies_waiting() or self.write_ahead.path.exists()):
                self._summaries = {}  # (a copy or a journal to merge in: whole tables)
            if raw is None:
                self._data = new_database()
                self._remember(None, sig)
            else:
                self._data, described = self._decode(
                    raw,
                    sig,
                    parsed=parsed,
                    known_digest=known,
                    defer_layout=not self.one_shot,
                    spans=spans,
                    early=early,
                )
                del parsed, spans, early
                self._sig, self._digest, self._layout = described
            # A database born in memory has no identity on disk yet: if another process creates
            # the file first, we join that database instead of refusing it.
            self._fresh = raw is None
            self._checked_at = time.time()
            self.dirty = False
            # Commands that only read show the file merged with the waiting conflict copies
            # (nothing is written: a save merges them again and archives them). A copy of a
            # file read exactly as we write it is read only where its bytes differ.
            base = None
            if raw is not None and self._read_exact:
                base = Version(raw, self._read_spans)
                if self.one_shot and self._data is not None:
                    # A command's one save copies the tables it left alone from this file.
                    self._read = (self._sig, base, dict(self._data))
            on_load, self._on_load = self._on_load, None
            try:
                self._merge_copies(base)
                self._merge_journal()
            finally:
                self._on_load = on_load
            del raw, base  # the parsed data is all we keep (and a command, the file it read)
            self.write_ahead.held(self._data)
            self.generation += 1
            if self._on_load:
                self._on_load(self._data)

    # -- Change detection -------------------------------------------------------------------
    def _disk_changed(self) -> bool:
        sig = FileSig.of(self.path)
        if sig != self._sig:
            return True
        if sig is None or not sig.coarse or not sig.recent:
            return False
        try:
            return content_hash(self.path.read_bytes()) != self._digest
        except OSError:
            return True

    def refresh(self) -> bool:
        """Merge a version delivered on disk into memory; True if what we hold changed.

        The file is read and parsed without the in-memory lock (the dashboard keeps editing
        meanwhile); only the merge itself holds it."""
        with self.lock:
            if self._data is None:
                self.load()
                return True
            self._checked_at = time.time()
            if not self._disk_changed():
                return False
            digest, known = self._digest, self._sig
        raw, sig = self._read_disk()
        if raw is None:
            with self.lock:
                # The file vanished (moved away, or a sync tool mid-delivery): keep memory, and
                # let the next save write it back.
                self._remember(None, None)
                self.dirty = True
            return False
        if digest is not None and content_hash(raw) == digest:
            with self.lock:
                if self._sig == known:  # (not if a save wrote a newer one meanwhile)
                    self._sig = sig  # the same bytes, touched or copied back
            return False
        # Records the same as in memory need no check (memory is replaced by copies on write,
        # so the tables taken here stay as they are while the dashboard edits).
        with self.lock:
            self._unsparse()
            memory = self._data
        disk, described = self._decode(raw, sig, memory)  # records taken stay its bytes
        del raw
        with self.lock:
            if sig == self._sig:
                return False  # merged meanwhile (a save, or the other thread's refresh)
            before = self._data
            self._data = self._merge_into_memory(disk)
            if FileSig.of(self.path) == sig:  # else a newer version came (maybe our own save):
                self._sig, self._digest, self._layout = described  # the next check reads it
            self._layout_due = None  # (nor does the data as first read stay for it)
            if self._data != disk:
                # Memory holds what the delivered file lacks (say, a version made before our
                # last save was synced over it): the file must get it back, edit or not.
                self.dirty = True
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
            self._unsparse()
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
        planning the bytes, so the dashboard never waits on another process or on the disk.
        """
        if self._data is None:
            return False
        self._refuse_summary()
        with self.lock:
            if (
                not self.dirty
                and not self._journal_left
                and not self._disk_changed()
                and (self.copies is None or self._fresh or not self.copies.waiting())
            ):
                # Nothing of ours to write, nothing new to merge: skip encoding. (A new database
                # nobody changed is not written either: looking around creates no file.)
                return False
        from filelock import FileLock, Timeout  # (the first save's: not the open's imports)

        try:
            with FileLock(lock_path_for(self.path), timeout=LOCK_TIMEOUT, mode=0o600):
                for _ in range(SAVE_TRIES):
                    try:
                        return self._save_locked()
                    except FileMoved:
                        continue  # a new version arrived mid-save: merge it, then write
                why = (
                    f"{self.path}: the file kept changing while saving (is a sync tool writing it?)"
                )
                raise SaveError(
                    f"{why}; your edit is kept in memory and saved on the next try", why
                )
        except Timeout as exc:
            why = f"{self.path}: another rebound-tui process held the lock for over "
            why += f"{LOCK_TIMEOUT:.0f}s"
            raise SaveError(f"{why}; your edit is kept in memory, try again", why) from exc
        except (DataFileError, SaveError):
            raise
        except OSError as exc:
            why = f"{self.path}: could not save ({exc.strerror or exc})"
            raise SaveError(
                f"{why}; the file is unchanged and your edit is kept in memory", why
            ) from exc

    def _save_locked(self) -> bool:
        """Merge a delivered version and the waiting conflict copies, write, then archive the
        copies (only once the file holds what they held)."""
        self.refresh()  # a delivered version is parsed without the in-memory lock
        with self.lock:
            accepted, changed = self._merge_copies()
            journaled = self._merge_journal()
        written = self._write_locked()
        if journaled:
            self.write_ahead.remove()  # the file holds it all now (appends wait for our lock)
            self._journal_left = False
        if accepted and self.copies is not None:
            self.copies.merged(accepted, changed)
        return written

    def _merge_journal(self) -> bool:
        """Merge this machine's journal into memory (the in-memory lock held); -> is there one."""
        if self._data is None:
            return False
        if self.summarized and self.write_ahead.path.exists():
            raise RuntimeError(f"{self.path}: loaded as summaries, a journal to merge in")
        if self.write_ahead.path.exists():
            self._unsparse()
        before, hint = self._data, self.max_stamp_hint
        merged, top, present = self.write_ahead.merged_into(before)
        self._journal_left = present  # (a save removes it, even if the file has it all)
        if merged is not before:
            self._data = merged
            if hint is not None and hint[0] is before:
                self.max_stamp_hint = (merged, max(hint[1] or "", top or "") or None)
            self.dirty = True  # memory holds what the file lacks
            self.generation += 1
            if self._on_load:
                self._on_load(merged)
        return present

    def commit(
        self, written: Mapping[str, Sequence[str]] | None = None, *, wait: float = 0.5
    ) -> bool:
        """Make the edits in memory durable now, in this machine's journal (`journal.py`), ahead
        of the save that rewrites the file; False if only that save can (no file yet, records
        removed), or another process held the lock for `wait` seconds. `written`: the ids
        written since the last commit, if the caller knows them (`Journal.append`)."""
        self._refuse_summary()
        with self.lock:
            if self._data is None or not self.dirty:
                return True
            if self._fresh or self._sig is None:
                return False
        from filelock import FileLock, Timeout

        try:
            with FileLock(lock_path_for(self.path), timeout=wait, mode=0o600):
                with self.lock:
                    self._unsparse()
                    data = dict(self._data)
                return self.write_ahead.append(data, written)
        except Timeout:
            return False
        except OSError as exc:
            why = f"{self.write_ahead.path}: could not write the journal ({exc.strerror or exc})"
            keep = "your edit is kept in memory and saved with the file"
            raise SaveError(f"{why}; {keep}", why) from exc

    def _merge_copies(self, base: Version | None = None) -> tuple[list[Accepted], bool]:
        """Merge the waiting conflict copies into memory (the in-memory lock held). `base`: the
        file memory was just read from, exactly as we write it (`ConflictCopies.merge_into`)."""
        if self.copies is None or self._data is None or self._fresh:
            return [], False
        if self.summarized and self._copies_waiting():
            raise RuntimeError(f"{self.path}: loaded as summaries, a copy to merge in")
        # (A table left as bytes takes a copy's few records as they are: `sync._into_bytes`.)
        before, hint = self._data, self.max_stamp_hint
        self._data, merged_in, changed = self.copies.merge_into(self._data, base)
        tops = [one.top for one in merged_in]
        if changed and hint is not None and hint[0] is before and None not in tops:
            # The merge's highest stamp is the highest of its inputs': no walk of the result.
            top = max([hint[1] or "", *tops]) or None  # type: ignore[type-var]
            self.max_stamp_hint = (self._data, top)
        if changed:
            self.dirty = True  # memory holds what the file lacks
            self.generation += 1
            if self._on_load:
                self._on_load(self._data)
        return merged_in, changed

    def _unsparse(self) -> None:
        """Every table in memory parsed (a merge reads whole tables; `sparse_table.py`)."""
        data = self._data
        if data is None or not any(type(v) is SparseTable for v in data.values()):
            return
        self._data = all_parsed(data)
        hint = self.max_stamp_hint
        if hint is not None and hint[0] is data:
            self.max_stamp_hint = (self._data, hint[1])

    def _copies_waiting(self) -> bool:
        return self.copies is not None and self.copies.waiting()

    def _refuse_summary(self) -> None:
        if self.summarized:  # (a table's records are not in memory: writing would lose them)
            raise RuntimeError(f"{self.path}: loaded as summaries, never saved")

    def _refuse_read_only(self) -> None:
        """A data file the user made read-only (chmod 0400) is not replaced behind their back."""
        mode = read_only_mode(self.path)
        if mode is not None:
            raise ReadOnlyFile(
                f"{self.path}: the file is read-only (mode {mode:04o}), so rebound-tui did not "
                "save; the file was not changed. Make it writable "
                f"(chmod u+w {shlex.quote(str(self.path))}) and try again"
            )

    def _settle_layout(self) -> None:
        """The first load's layout (deferred by `_decode`), from the file if it is still the
        version loaded: the data as parsed then is still there as it was (writes replace a
        table's dict and a record's, never change them), and `Layout.of_file` compares the
        two, a piece at a time. Outside the data lock: the dashboard keeps going meanwhile."""
        due = self._layout_due
        if due is None:
            return
        sig, data = due
        data = all_parsed(data)  # (as it was read)
        layout = None
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except OSError:
            fd = None
        if fd is not None:
            try:
                if FileSig.from_stat(os.fstat(fd)) == sig:
                    layout = Layout.of_file(data, sig.size, lambda a, b: read_at(fd, b - a, a))
            except OSError:
                layout = None
            finally:
                os.close(fd)
        with self.lock:
            if self._layout_due is due:
                self._layout_due = None
                if self._sig == sig and self._layout is None:
                    self._layout = layout

    def _write_locked(self) -> bool:
        source: int | None = None
        self._settle_layout()
        try:
            with self.lock:
                assert self._data is not None
                data = dict(self._data)  # TinyDB re-points tables in the dict it holds
                generation = self.generation
                old_sig = self._sig
                source = self._open_source()
                step = None
                tables = None
                if source is not None and self._layout is not None:
                    fd = source
                    data = all_parsed(data)
                    step = plan(self._layout, data, lambda a, b: read_at(fd, b - a, a))
                elif source is not None and self._read is not None and self._read[0] == old_sig:
                    tables = file_pieces(self._read[1], data, self._read[2])
                if step is None and tables is None:
                    data = all_parsed(data)
                raw = encode(data) if step is None and tables is None else None
            if step is not None and step.unchanged:
                return self._saved(step.layout, old_sig, generation, data, written=False)
            if tables is not None and tables[2]:
                return self._saved(None, old_sig, generation, data, written=False)
            if raw is not None and self._same_bytes(source, old_sig, raw):
                return self._saved(Layout.of(data, raw), old_sig, generation, data, written=False)
            if old_sig is not None:
                self._refuse_read_only()
            if old_sig is not None and self._backup is not None:
                self._back_up(source)
            mode = FILE_MODE
            if old_sig is not None:
                with contextlib.suppress(OSError):
                    mode = os.stat(self.path).st_mode & 0o777
            pieces: list[Piece]
            digest = None
            if raw is not None:
                pieces, digest = [raw], checked.Digest(raw)  # (hashed meanwhile)
            elif tables is not None:
                pieces, digest = tables[0], checked.Digest(tables[1])
            else:
                pieces = step.pieces  # type: ignore[union-attr]
            sig = write_pieces(self.path, pieces, mode, source=source, expect=old_sig)
            self._read = None  # (the file is now the one just written)
            self._remember_checked(sig, digest)
            layout = step.layout if step is not None else None
            if raw is not None and not sig.coarse and not self.one_shot:
                layout = Layout.of(data, raw)
            digest = None
            if sig.coarse:  # whole-second times: no layout, and a hash for the recent check
                layout = None
                digest = content_hash(raw if raw is not None else self.path.read_bytes())
            with self.lock:
                self._sig = sig
                self._digest = digest
                self._layout = layout
                # Edits made while we wrote are still unsaved.
                self.dirty = self.generation != generation
                self._fresh = False
            self.write_ahead.held(data)
            return True
        finally:
            if source is not None:
                release_later(source)

    def _remember_checked(self, sig: FileSig, digest: checked.Digest | None) -> None:
        """The file just written holds data that passed every check (loaded, merged and
        written data all did): remember its bytes so the next open need not check them. Its
        bytes are `encode`'s (exact, and no key twice); a file written from pieces is hashed
        when the process ends (`checked.remember_file_later`), not while the edit waits."""
        bound = self._stamp_bound() if self._stamp_bound is not None else None
        if self._stamp_bound is None:
            return
        entry = checked.Entry(bound or "", True, True)
        if digest is not None:
            checked.remember(digest.value, entry)
        else:
            checked.remember_file_later(Path(os.path.realpath(self.path)), sig, entry)

    def _saved(
        self,
        layout: Layout | None,
        sig: FileSig | None,
        generation: int,
        data: dict[str, Any],
        *,
        written: bool,
    ) -> bool:
        with self.lock:
            if self._sig == sig:
                self._layout = layout if sig is not None and not sig.coarse else None
            self.dirty = self.generation != generation
        self.write_ahead.held(data)
        return written

    def _open_source(self) -> int | None:
        """The data file, open, if it is still the version we last read or wrote.

        Not on Windows, which cannot rename a file over one that is open: saves there encode
        the whole file."""
        if self._sig is None or os.name == "nt":
            return None
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except OSError:
            return None
        if FileSig.from_stat(os.fstat(fd)) != self._sig:
            os.close(fd)
            return None
        return fd

    def _back_up(self, source: int | None) -> None:
        """Hand the version a save replaces to the backup hook, as an open file: a backup is
        copied file to file, never read into memory."""
        assert self._backup is not None
        if source is not None:
            self._backup(source, False)
            return
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            return
        try:
            self._backup(fd, False)
        finally:
            os.close(fd)

    def _same_bytes(self, source: int | None, sig: FileSig | None, raw: bytes) -> bool:
        """Is `raw` what the file (still as `sig`) already holds? Compared in chunks: no second
        copy. Without `source` (Windows) the file is opened here and closed again at once."""
        if sig is None or sig.size != len(raw):
            return False
        fd = source
        if fd is None:
            try:
                fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            except OSError:
                return False
        try:
            if source is None and FileSig.from_stat(os.fstat(fd)) != sig:
                return False
            for offset in range(0, len(raw), CHUNK * 4):
                size = min(CHUNK * 4, len(raw) - offset)
                got = read_at(fd, size, offset)
                # (a memcmp: comparing with a memoryview of `raw` went byte by byte)
                if len(got) != size or not raw.startswith(got, offset):
                    return False
            return True
        finally:
            if source is None:
                os.close(fd)

    @property
    def signature(self) -> FileSig | None:
        """The file as we last read or wrote it (None: none yet). While nothing is unsaved
        (`dirty` false), memory holds exactly what the file with this signature holds."""
        return self._sig

    @property
    def db_id(self) -> str | None:
        return db_id_of(self.read())

    def disk_bytes(self) -> bytes | None:
        """What the data file holds now (None: there is none)."""
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
