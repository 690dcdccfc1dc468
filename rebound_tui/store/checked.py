"""Files this machine has already checked, by the SHA-256 of their exact bytes.

Opening a data file checks every record (types, stamps: docs/FORMAT.md, "Types"); on the 26 MB
benchmark file that is about a quarter of a second of Python, paid by every command. A file whose
exact bytes this machine has already checked (or written: everything we write was checked) need
not be checked again. This module remembers such files in the user cache folder, one small entry
per file version, named by a hash of (the bytes' SHA-256, the version of the checks):

* **Keyed by content, not by name or time.** A sync tool that replaces the file, a restored
  backup, a hand edit: any other bytes are another SHA-256 and are checked in full. Sizes and
  times are not trusted at all (tools copy mtimes; inode numbers are reused).
* **Keyed by the checks' version**: the package version, orjson's version and the size and
  mtime of the modules that define the checks and the encoding, so a changed rule re-checks.
* **The one check that depends on time**, no stamp more than a day ahead of this machine's clock,
  is made again from the entry's highest stamp.
* An entry also says whether the bytes are exactly what `fileformat.encode` writes for them (so
  a save may copy unchanged records from the file) and whether they were checked for a key
  given twice (`strict`, for copies from elsewhere).

The hash is computed on another thread while the file is parsed (hashlib and the kernel release
the GIL), so a miss costs nothing in time. Entries are written atomically (0600, in a 0700
folder); failing to read or write one is silent: it is only a cache, never needed for
correctness. Pruned to the newest `KEEP` entries.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KEEP = 64  # entries kept (each under 200 bytes)
CHECKING_WAIT = 0.6  # the longest a load waits for another process checking the same bytes...
CHECKING_WAIT_PER_MB = 0.025  # ...or this much a MB if longer (a check takes ~10 ms a MB)
STALE_SECONDS = 30.0  # a mark older than this is a process that died checking
# Every module the checks are made of (a test holds this to what record_problems.py imports,
# and to the modules fileformat.py checks with).
_CHECK_MODULES = (
    "rebound_tui/domain/schema.py",
    "rebound_tui/domain/model.py",
    "rebound_tui/domain/text.py",
    "rebound_tui/domain/record_check.py",
    "rebound_tui/domain/table_check.py",
    "rebound_tui/domain/clock.py",
    "rebound_tui/domain/stamp_columns.py",
    "rebound_tui/domain/days.py",
    "rebound_tui/store/fileformat.py",
    "rebound_tui/store/duplicate_keys.py",
    "rebound_tui/store/record_problems.py",
    "rebound_tui/store/table_chunks.py",
    "rebound_tui/store/layout.py",
    "rebound_tui/store/checked.py",
)


@dataclass(frozen=True, slots=True)
class Entry:
    max_stamp: str  # the highest stamp in the file ("" if none)
    exact: bool | None  # the bytes are `encode(data)` (None: not looked at)
    strict: bool  # no key is given twice anywhere


def checked_dir() -> Path:
    from rebound_tui.store.due_cache import CACHE_DIR_ENV

    folder = os.environ.get(CACHE_DIR_ENV) or os.environ.get("REBOUND_LOCK_DIR")
    if not folder:
        from platformdirs import user_cache_dir

        folder = user_cache_dir("rebound-tui")
    return Path(folder) / "checked"


@functools.cache
def _fingerprint() -> bytes:
    """What the result of a check depends on besides the bytes: the code that checks."""
    import orjson

    from rebound_tui import __version__

    root = Path(__file__).resolve().parents[2]
    parts = [f"rebound-tui checked 1 {__version__} orjson {orjson.__version__}"]
    for name in _CHECK_MODULES:
        try:
            st = os.stat(root / name)
            parts.append(f"{name} {st.st_size} {st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name} ?")
    return "\n".join(parts).encode()


def _entry_path(digest: bytes) -> Path:
    key = hashlib.sha256(_fingerprint() + digest).hexdigest()[:48]
    return checked_dir() / key


def digest_of(raw: bytes | memoryview) -> bytes:
    return hashlib.sha256(raw).digest()


class Digest:
    """The SHA-256 of some bytes, computed on another thread from the moment it is made."""

    def __init__(self, raw: bytes | list[bytes | memoryview], *, thread: bool = True) -> None:
        """`raw`: the bytes, or the pieces they are made of, in order. Without `thread`, the
        hash is computed when first asked for, on the asking thread (a machine's other core
        may be busy already: `split_check`'s child forked ahead)."""
        self._value: bytes | None = None
        self._thread: threading.Thread | None = None
        size = len(raw) if not isinstance(raw, list) else sum(len(p) for p in raw)
        if not thread:
            self._raw: bytes | list[bytes | memoryview] | None = raw
            return
        if size < (1 << 20):
            self._raw = raw
            self._run()  # small: a thread would cost more
            return
        self._raw = raw
        try:
            self._thread = threading.Thread(target=self._run, name="rebound-digest", daemon=True)
            self._thread.start()
        except RuntimeError:
            self._thread = None
            self._run()

    @classmethod
    def known(cls, value: bytes) -> Digest:
        """A digest already computed (of bytes read before: `partial_read.Kept`)."""
        digest = cls.__new__(cls)
        digest._value, digest._thread, digest._raw = value, None, None
        return digest

    def _run(self) -> None:
        assert self._raw is not None
        if isinstance(self._raw, list):
            hasher = hashlib.sha256()
            for piece in self._raw:
                hasher.update(piece)
            self._value = hasher.digest()
        else:
            self._value = digest_of(self._raw)
        self._raw = None

    @property
    def value(self) -> bytes:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._value is None:
            self._run()
        assert self._value is not None
        return self._value


def lookup(digest: bytes, wait: float = 0.0) -> Entry | None:
    """What this machine knows of the bytes with this SHA-256, or None. With `wait`, while
    another process is checking the same bytes (`checking`), up to that many seconds for its
    verdict rather than none: a first start's child process (views_helper.py) checks a file
    new here while the dashboard paints, and the dashboard then need not check it again."""
    entry = _read(digest)
    if entry is not None or wait <= 0:
        return entry
    marker, deadline = _marker_path(digest), time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            if time.time() - marker.stat().st_mtime > STALE_SECONDS:
                break  # (left by a process that died checking)
        except OSError:
            break  # nobody is checking them (or just stopped: its entry is read below)
        time.sleep(0.005)
        entry = _read(digest)
        if entry is not None:
            return entry
    return _read(digest)


def waiting_time(size: int) -> float:
    """How long a load of `size` bytes waits for another process checking them (`lookup`):
    longer for a bigger file, whose check takes longer. Checking them itself meanwhile would
    double the work on a machine whose cores are busy already (a first start's dashboard and
    its helper: on the extreme benchmark file, both checked its 119 MB)."""
    return max(CHECKING_WAIT, CHECKING_WAIT_PER_MB * size / 1e6)


@contextlib.contextmanager
def checking(digest: bytes) -> Iterator[None]:
    """Tell this machine's other processes that these bytes are being checked now (until the
    verdict is remembered, or the check failed): their `lookup` may wait for it."""
    marker = _marker_path(digest)
    try:
        from rebound_tui.store.backups import make_private_dirs

        make_private_dirs(marker.parent)
        marker.write_bytes(b"")
        made = True
    except OSError:
        made = False
    try:
        yield
    finally:
        if made:
            with contextlib.suppress(OSError):
                marker.unlink()


def _marker_path(digest: bytes) -> Path:
    """Beside the entries' folder, not in it: that folder changes only when an entry is written
    (`changed_since_checked`)."""
    entry = _entry_path(digest)
    return entry.parent.with_name("checking") / entry.name


def _read(digest: bytes) -> Entry | None:
    try:
        text = _entry_path(digest).read_text(encoding="utf-8")
        value = json.loads(text)
        stamp, exact, strict = value["max_stamp"], value["exact"], value["strict"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if type(stamp) is not str or exact not in (True, False, None) or type(strict) is not bool:
        return None
    return Entry(stamp, exact, strict)


def remember(digest: bytes, entry: Entry) -> None:
    """Record that the bytes with this SHA-256 passed every check (silent on failure)."""
    from rebound_tui.store.backups import make_private_dirs

    path = _entry_path(digest)
    text = json.dumps({"max_stamp": entry.max_stamp, "exact": entry.exact, "strict": entry.strict})
    try:
        make_private_dirs(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _prune(path.parent)
    except OSError:
        return


def _prune(folder: Path) -> None:
    try:
        entries = [e for e in os.scandir(folder) if not e.name.startswith(".")]
        if len(entries) <= KEEP:
            return
        entries.sort(key=lambda e: e.stat().st_mtime_ns)
        for old in entries[: len(entries) - KEEP]:
            with contextlib.suppress(OSError):
                os.unlink(old.path)
    except OSError:
        return


def changed_since_checked(ctime_ns: int) -> bool:
    """A guess, never a trust: whether a file last changed at `ctime_ns` (its status change
    time, which no copy can set back) changed after this machine last remembered checked bytes
    (every entry written changes the folder). A file a sync tool has just delivered did; one
    this machine wrote or checked since did not. It only lets a command start the check of a
    file new here sooner (`split_check.SplitCheck.ahead`): the hash still decides."""
    try:
        return os.stat(checked_dir()).st_mtime_ns < ctime_ns
    except OSError:
        return True


def seen_again() -> None:
    """A file that looked new here (`changed_since_checked`) held bytes checked before: mark
    the entries' folder as if one were written now, so that the guess is right next time."""
    with contextlib.suppress(OSError):
        os.utime(checked_dir())


def trusts(entry: Entry | None, stamp_limit: str | None, *, strict: bool = False) -> bool:
    """May a file with this entry skip its checks now? (No stamp beyond `stamp_limit`.)"""
    if entry is None or (strict and not entry.strict):
        return False
    return stamp_limit is None or entry.max_stamp <= stamp_limit


def decode_known(
    raw: bytes, path: Path | str, *, strict: bool = False, checked: Any = None
) -> dict:
    """`fileformat.decode`, sparing the checks of bytes this machine already checked, and
    remembering bytes that pass (conflict copies, the merge drivers' versions). `checked`:
    data that passed the checks, whose equal records need none (`decode`)."""
    from rebound_tui.domain.merge import max_stamp
    from rebound_tui.store.fileformat import decode

    digest = Digest(raw)
    known: list[Entry] = []

    def trusted(stamp_limit: str, strict_: bool) -> bool:
        entry = lookup(digest.value)
        if trusts(entry, stamp_limit, strict=strict_):
            known.append(entry)  # type: ignore[arg-type]
            return True
        return False

    found: dict[str, Any] = {}  # (what the checks learn on the way: fileformat.decode)
    data = decode(raw, path, strict=strict, trusted=trusted, checked=checked, found=found)
    # Remembered also when records were spared: each is the same value as one that passed.
    if not known:
        top = found["top"] if "top" in found else max_stamp(data) or ""
        remember(digest.value, Entry(top, found.get("exact"), strict))
    return data


def remember_written(raw: bytes, data: dict) -> None:
    """`raw` = `encode(data)`, of data that passed every check (a merge of checked versions),
    was just written: remember it."""
    from rebound_tui.domain.merge import max_stamp

    remember(digest_of(raw), Entry(max_stamp(data) or "", True, True))


def remember_file(path: Path, sig: object, entry: Entry) -> None:
    """`remember` the file at `path` as it is now, if it still has the signature `sig` (a
    `FileSig`) before and after it is read: for a file we wrote from pieces (no bytes in hand)."""
    from rebound_tui.store.files import FileSig

    try:
        with open(path, "rb") as fh:
            if FileSig.from_stat(os.fstat(fh.fileno())) != sig:
                return
            hasher = hashlib.sha256()
            while chunk := fh.read(1 << 22):
                hasher.update(chunk)
            if FileSig.from_stat(os.fstat(fh.fileno())) != sig:
                return
    except OSError:
        return
    remember(hasher.digest(), entry)


# A file written from pieces is hashed when the process ends (or by `flush_pending`), once:
# only the last version written matters, and the dashboard's edit need not wait for it.
_pending: dict[str, tuple[Path, object, Entry]] = {}
_pending_lock = threading.Lock()
_atexit = False


def remember_file_later(path: Path, sig: object, entry: Entry) -> None:
    global _atexit
    with _pending_lock:
        _pending[str(path)] = (path, sig, entry)
        if not _atexit:
            import atexit

            atexit.register(flush_pending)
            _atexit = True


def flush_pending() -> None:
    with _pending_lock:
        items = list(_pending.values())
        _pending.clear()
    for path, sig, entry in items:
        remember_file(path, sig, entry)
