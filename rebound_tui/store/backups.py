"""Previous versions of the data file, and the place conflict copies are archived to.

Backups live on this machine, never in the synced folder: a save then changes exactly one file
there (the data file), and two machines never prune the same synced set of backups. The folder is
``<root>/<stem>-<hash>/``, one per data file (the hash is of the data file's real path), where
the root is ``$REBOUND_BACKUPS`` (the CLI's ``--backups DIR`` sets it) or else
``backups/`` in platformdirs' user state folder (``~/.local/state/rebound-tui/backups`` on
Linux). A ``rebound.backups/`` folder that an older version left beside the data file is still
listed and restorable, and never written to (nor pruned).

Backups are named after the UTC instant they were taken, to the millisecond
(``rebound-20261127T101500123Z.json``), so names sort in time order and carry their own
timestamp: file times are rewritten by sync tools and cannot be trusted.

We never delete user data: conflict copies are *moved* into ``conflicts/``, and the
only files ever removed are our own backups, by `Backups.prune`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rebound_tui.store.files import copy_range, fsync_dir, read_at, write_all

__all__ = ["KEEP_DAYS", "KEEP_NEWEST", "Backup", "Backups", "backup_dir", "legacy_backup_dir"]

KEEP_NEWEST = 10
"""Prune keeps this many of the newest backups, whatever their age..."""
KEEP_DAYS = 7
"""...plus the newest backup of each of this many UTC days, today included."""

_STAMP_FORMAT = "%Y%m%dT%H%M%S"
_DIR_MODE = 0o700
_FILE_MODE = 0o600


BACKUPS_ENV = "REBOUND_BACKUPS"


def backups_root() -> Path:
    """Where the backup folders of all data files go on this machine."""
    chosen = os.environ.get(BACKUPS_ENV)
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_state_dir

    return Path(user_state_dir("rebound-tui", appauthor=False)) / "backups"


def backup_dir(data_path: Path, root: Path | None = None) -> Path:
    """The backup folder of `data_path`: ``<root>/<stem>-<12 hex of its real path's hash>``.

    The real path (symlinks resolved) names the file that is written, so a data file reached
    through two links has one backup folder."""
    real = os.path.realpath(Path(data_path).expanduser())
    key = hashlib.sha256(os.fsencode(real)).hexdigest()[:12]
    return (root if root is not None else backups_root()) / f"{Path(real).stem}-{key}"


def legacy_backup_dir(data_path: Path) -> Path:
    """Where versions before 0.x kept backups: ``<stem>.backups`` beside the data file (read
    only: listed and restorable, never written)."""
    data_path = Path(data_path)
    return data_path.with_name(f"{data_path.stem}.backups")


@dataclass(frozen=True)
class Backup:
    """One backup file; `taken` comes from its name, not from the file system."""

    path: Path
    taken: datetime  # UTC, aware, millisecond precision
    size: int


def _stamp(instant: datetime) -> str:
    return f"{instant:{_STAMP_FORMAT}}{instant.microsecond // 1000:03d}Z"


def _to_utc_ms(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("the clock must return timezone-aware datetimes")
    instant = instant.astimezone(UTC)
    return instant.replace(microsecond=instant.microsecond // 1000 * 1000)


def _make_private_dir(folder: Path) -> None:
    """Create `folder` as 0700; leave an existing folder's mode as the user set it."""
    try:
        folder.mkdir(mode=_DIR_MODE)
    except FileExistsError:
        if not folder.is_dir():
            raise
        return
    os.chmod(folder, _DIR_MODE)  # mkdir's mode is filtered by the umask


def make_private_dirs(folder: Path) -> None:
    """`_make_private_dir` for `folder` and every missing parent (each new one 0700)."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for one in reversed(missing):
        _make_private_dir(one)


class Backups:
    """The backups of one data file."""

    def __init__(
        self,
        data_path: Path,
        now: Callable[[], datetime] | None = None,
        root: Path | None = None,
    ) -> None:
        self.data_path = Path(data_path)
        self.dir = backup_dir(self.data_path, root)
        self.conflicts_dir = self.dir / "conflicts"
        self.broken_dir = self.dir / "broken"
        # Read only: an older version's folder beside the file (or beside the file a link
        # points to). Never written, never pruned.
        legacy = {legacy_backup_dir(self.data_path)}
        with contextlib.suppress(OSError, RuntimeError):
            legacy.add(legacy_backup_dir(Path(os.path.realpath(self.data_path))))
        self.legacy_dirs = sorted(d for d in legacy if d != self.dir)
        self._now = now or (lambda: datetime.now(UTC))
        stem, suffix = re.escape(self.data_path.stem), re.escape(self.data_path.suffix)
        self._name_re = re.compile(rf"{stem}-(?P<stamp>\d{{8}}T\d{{6}})(?P<ms>\d{{3}})Z{suffix}")

    def _name(self, taken: datetime) -> str:
        return f"{self.data_path.stem}-{_stamp(taken)}{self.data_path.suffix}"

    def _parse(self, name: str) -> datetime | None:
        match = self._name_re.fullmatch(name)
        if match is None:
            return None
        try:
            taken = datetime.strptime(match["stamp"], _STAMP_FORMAT)
        except ValueError:  # e.g. month 13: not one of ours
            return None
        return taken.replace(microsecond=int(match["ms"]) * 1000, tzinfo=UTC)

    def now(self) -> datetime:
        """The injected clock, in UTC, truncated to the millisecond like backup names."""
        return _to_utc_ms(self._now())

    def list(self) -> list[Backup]:
        """All backups (ours and an older version's beside the file), newest first. Other files
        in the folders are ignored."""
        found = self._list_in(self.dir)
        seen = {b.path.name for b in found}
        for folder in self.legacy_dirs:
            found += [b for b in self._list_in(folder) if b.path.name not in seen]
        found.sort(key=lambda b: (b.taken, b.path.name), reverse=True)
        return found

    def taken_within(self, seconds: float) -> bool:
        """Was a backup of our own taken in the last `seconds` (by its name's instant)?"""
        own = self._list_in(self.dir)
        if not own:
            return False
        age = (self.now() - own[0].taken).total_seconds()
        return 0 <= age < seconds

    def own(self) -> list[Backup]:
        """The backups in our own folder (the only ones `prune` may remove), newest first."""
        return self._list_in(self.dir)

    @property
    def legacy(self) -> list[Path]:
        """An older version's backup folders beside the data file that exist."""
        return [d for d in self.legacy_dirs if d.is_dir()]

    def _list_in(self, folder: Path) -> list[Backup]:
        found = []
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            return []
        for entry in entries:
            taken = self._parse(entry.name)
            if taken is None:
                continue
            try:
                if not entry.is_file():
                    continue
                size = entry.stat().st_size
            except OSError:  # vanished or unreadable meanwhile
                continue
            found.append(Backup(Path(entry.path), taken, size))
        found.sort(key=lambda b: (b.taken, b.path.name), reverse=True)
        return found

    def newest(self, is_good: Callable[[bytes], bool] | None = None) -> Backup | None:
        """The newest backup whose content passes `is_good` (any, if None).

        Used for error messages ("your newest good backup is ..."), so a check that
        raises, or a file that cannot be read, just means "not good": try the next.
        """
        for backup in self.list():
            if is_good is None:
                return backup
            try:
                content = backup.path.read_bytes()
            except OSError:
                continue
            try:
                good = is_good(content)
            except Exception:  # noqa: BLE001 - a failing check means a bad backup
                good = False
            if good:
                return backup
        return None

    def save(self, content: bytes | int) -> Backup | None:
        """Back up `content` (bytes, or an open file descriptor to copy from the start), unless
        the newest backup already holds the same bytes.

        Written atomically (temp file, fsync, rename) with mode 0600, then pruned. Two backups
        in the same millisecond get consecutive milliseconds rather than overwriting each
        other. From a file descriptor, the bytes are copied file to file and compared in chunks:
        a backup of a big data file never holds it in memory.
        """
        size = len(content) if isinstance(content, bytes) else os.fstat(content).st_size
        latest = self.newest()
        if latest is not None and latest.size == size and _same_content(latest.path, content):
            return None
        make_private_dirs(self.dir)
        taken = self.now()
        while (self.dir / self._name(taken)).exists():
            taken += timedelta(milliseconds=1)
        target = self.dir / self._name(taken)
        tmp = self.dir / f".{target.name}.tmp-{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _FILE_MODE)
        try:
            try:
                with contextlib.suppress(OSError, AttributeError):
                    os.fchmod(fd, _FILE_MODE)  # exactly 0600, whatever the umask
                if isinstance(content, bytes):
                    write_all(fd, content)
                else:
                    copy_range(content, fd, 0, size)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        fsync_dir(self.dir)
        self.prune()
        return Backup(target, taken, size)

    def prune(self) -> list[Path]:
        """Delete backups beyond the retention policy; return the removed paths.

        Keeps the `KEEP_NEWEST` newest, plus the newest of each of the last
        `KEEP_DAYS` UTC days (today and the days before it, by `now()`).
        """
        backups = self.own()  # newest first; an older version's folder is never touched
        keep = {b.path for b in backups[:KEEP_NEWEST]}
        today = self.now().date()
        window = {today - timedelta(days=n) for n in range(KEEP_DAYS)}
        seen_days = set()
        for backup in backups:
            day = backup.taken.date()
            if day in window and day not in seen_days:
                seen_days.add(day)
                keep.add(backup.path)
        removed = []
        for backup in backups:
            if backup.path in keep:
                continue
            try:
                backup.path.unlink()
            except FileNotFoundError:
                continue  # another process pruned it first
            removed.append(backup.path)
        return removed

    def find(self, name_or_path: str) -> Backup:
        """Look a backup up by file name, unique prefix of the name or of its time, or path.

        Raises LookupError with a message that lists the candidates.
        """
        query = str(name_or_path).strip()
        backups = self.list()
        if not query:
            raise LookupError(f"No backup named: give a name. {self._listing(backups)}")
        if os.sep in query or "/" in query:
            wanted = Path(query).expanduser().resolve()
            for backup in backups:
                if backup.path.resolve() == wanted:
                    return backup
            raise LookupError(f"{query} is not a backup in {self.dir}. {self._listing(backups)}")
        exact = [b for b in backups if b.path.name == query]
        if exact:
            return exact[0]
        stem_len = len(self.data_path.stem) + 1
        matches = [
            b
            for b in backups
            if b.path.name.startswith(query) or b.path.name[stem_len:].startswith(query)
        ]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise LookupError(
                f"{query!r} matches {len(matches)} backups; be more specific: "
                + ", ".join(b.path.name for b in matches[:10])
                + (f" (and {len(matches) - 10} more)" if len(matches) > 10 else "")
            )
        raise LookupError(f"No backup matches {query!r}. {self._listing(backups)}")

    def _listing(self, backups: list[Backup]) -> str:
        if not backups:
            return f"There are no backups in {self.dir}."
        names = ", ".join(b.path.name for b in backups[:10])
        more = f" (and {len(backups) - 10} older)" if len(backups) > 10 else ""
        return f"Backups in {self.dir}, newest first: {names}{more}"

    def archive_conflict(self, copy_path: Path) -> Path:
        """Move a conflict copy into ``conflicts/`` under a free name; return where it went.

        Never overwrites: a taken name gets ``-1``, ``-2``... before its suffix. The
        free name is reserved with an exclusive create before the move, so a
        concurrent archiver cannot claim it in between.
        """
        copy_path = Path(copy_path)
        if not copy_path.is_file():
            raise FileNotFoundError(f"No conflict copy at {copy_path}")
        make_private_dirs(self.conflicts_dir)
        stem, suffix = copy_path.stem, copy_path.suffix
        n = 0
        while True:
            name = copy_path.name if n == 0 else f"{stem}-{n}{suffix}"
            target = self.conflicts_dir / name
            try:
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _FILE_MODE))
            except FileExistsError:
                n += 1
                continue
            break
        try:
            os.replace(copy_path, target)
        except OSError as exc:
            if not _is_cross_device(exc):
                with contextlib.suppress(OSError):
                    target.unlink()
                raise
            # The backup folder is on another file system (a symlink): copy, make the
            # copy durable, and only then remove the original.
            shutil.copy2(copy_path, target)
            with open(target, "rb+") as fh:
                os.fsync(fh.fileno())
            copy_path.unlink()
        fsync_dir(self.conflicts_dir)
        fsync_dir(copy_path.parent)
        return target


def _same_content(path: Path, content: bytes | int, chunk: int = 1 << 20) -> bool:
    """Does the file at `path` hold `content` (bytes, or an open file read from the start)?
    Compared a chunk at a time; an unreadable file is not the same."""
    try:
        with open(path, "rb") as fh:
            offset = 0
            while True:
                mine = fh.read(chunk)
                if isinstance(content, bytes):
                    theirs = content[offset : offset + chunk]
                else:
                    theirs = read_at(content, chunk, offset)
                if mine != theirs:
                    return False
                if not mine:
                    return True
                offset += len(mine)
    except OSError:
        return False


def _is_cross_device(exc: OSError) -> bool:
    return exc.errno == errno.EXDEV
