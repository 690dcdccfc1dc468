"""Files on disk, safely: what identifies one version of a file, and replacing a file whole.

`FileSig` is what changes when a file is rewritten or replaced (device, inode, size, mtime,
ctime). `write_pieces` replaces a file atomically (temp file in the same folder, fsync,
`os.replace`, fsync of the folder) from bytes and from spans copied out of another open file
(in the kernel where it can), so a crash leaves the old file or the new one, whole. The small
helpers around it (`read_at`, `copy_range`, `write_all`) also serve the backups. No TinyDB and
no data format here: storage.py builds on this.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rebound_tui.store.layout import Piece, Span

FILE_MODE = 0o600
# On filesystems with whole-second (FAT: two-second) times, a same-size rewrite within this window
# can keep the same signature, so such recent files are compared by content hash.
RECENT_SECONDS = 2.0
CHUNK = 1 << 20  # bytes read or compared at once


@dataclass(frozen=True)
class FileSig:
    """What changes when a file is replaced or rewritten (ctime: even if mtime is set back)."""

    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileSig | None:
        try:
            return cls.from_stat(os.stat(path))
        except FileNotFoundError:
            return None

    @classmethod
    def from_stat(cls, st: os.stat_result) -> FileSig:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    @property
    def coarse(self) -> bool:
        """Whole-second times: a rewrite in the same second may not show."""
        return self.mtime_ns % 1_000_000_000 == 0

    @property
    def recent(self) -> bool:
        return time.time() - self.mtime_ns / 1e9 < RECENT_SECONDS


class FileMoved(Exception):
    """The data file changed while we saved: merge it and try again."""


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
    write_pieces(path, [raw], mode)


def write_pieces(
    path: Path,
    pieces: list[Piece],
    mode: int = FILE_MODE,
    *,
    source: int | None = None,
    expect: FileSig | None | bool = False,
) -> FileSig:
    """`atomic_write` of bytes and `Span`s copied from the open file `source`; returns the new
    file's signature. With `expect` (not False), the file must still have that signature (None:
    must not exist) when the new one replaces it, else `FileMoved`.

    `source` is the caller's to close. Windows cannot replace a file that is open, so there the
    caller must not pass one (see `SyncStorage._open_source`)."""
    path = Path(os.path.realpath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    closed = False
    try:
        try:
            os.fchmod(fd, mode)
            for piece in pieces:
                if isinstance(piece, Span):
                    assert source is not None, "a span needs the file it comes from"
                    copy_range(source, fd, piece.start, piece.end)
                else:
                    write_all(fd, piece)
            os.fsync(fd)
            if expect is not False and FileSig.of(path) != expect:
                raise FileMoved()
            if os.name == "nt":  # Windows cannot rename a file that is still open
                os.close(fd)
                closed = True
            os.replace(tmp, path)
            st = os.stat(path) if closed else os.fstat(fd)  # after the rename: its ctime
        finally:
            if not closed:
                os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)
    return FileSig.from_stat(st)


def read_only_mode(path: Path) -> int | None:
    """The permission bits of `path` if its owner may not write it (chmod 0400), else None
    (writable, or no such file)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    return None if mode & stat.S_IWUSR else stat.S_IMODE(mode)


def fork_with_pipe() -> tuple[int, int] | None:
    """Fork this process with a pipe from the child to it: (the child's pid and the pipe's read
    end) here, (0 and the write end) in the child. None where a fork without exec is unsafe or
    fails: anywhere but Linux (on macOS, once some system libraries are loaded), and beside
    another thread (it may hold a lock the child would need)."""
    fork = getattr(os, "fork", None)
    if fork is None or not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return None
    try:
        pid = fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:
        os.close(read_fd)
        return 0, write_fd
    os.close(write_fd)
    return pid, read_fd


def write_all(fd: int, raw: bytes) -> None:
    view = memoryview(raw)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_at(fd: int, count: int, offset: int) -> bytes:
    """Up to `count` bytes of the open file `fd` from `offset` (`os.pread`; Windows has none)."""
    if hasattr(os, "pread"):
        return os.pread(fd, count, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    parts = []
    while count > 0:
        chunk = os.read(fd, count)
        if not chunk:
            break
        parts.append(chunk)
        count -= len(chunk)
    return b"".join(parts)


def copy_range(source: int, fd: int, start: int, end: int) -> None:
    """Append bytes `start:end` of the open file `source` to `fd`: in the kernel where it can
    (Linux), so they never pass through Python's memory."""
    offset, count = start, end - start
    kernel_copy = getattr(os, "copy_file_range", None)
    if kernel_copy is not None:
        try:
            while count:
                n = kernel_copy(source, fd, count, offset)
                if n == 0:
                    break  # the end of the file, or a filesystem that will not: read it below
                offset, count = offset + n, count - n
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL):
                raise
    while count:
        chunk = read_at(source, min(count, CHUNK), offset)
        if not chunk:
            raise FileMoved()
        write_all(fd, chunk)
        offset, count = offset + len(chunk), count - len(chunk)


def release_later(fd: int) -> None:
    """Close the replaced file in the background: its last close frees its pages and blocks
    (about 6 ms for 26 MB), work the saved edit does not need to wait for."""
    try:
        threading.Thread(target=os.close, args=(fd,), name="rebound-release", daemon=True).start()
    except RuntimeError:  # no thread to be had: close it here
        os.close(fd)


def content_hash(raw: bytes) -> bytes:
    return hashlib.sha1(raw, usedforsecurity=False).digest()
