"""Reading mail files: mbox (Gmail Takeout, Thunderbird), Apple Mail `.mbox` folders and `.emlx`
files, Maildir, and `.eml` files or folders of them. Only headers are read: bodies are skipped.

Everything is streamed, and only header blocks (never more than `MAX_HEADER_BYTES`) go to the
standard library's `email` parser. A Maildir is read with the standard library's `mailbox`, one
message file at a time. An mbox is read line by line and split at its `From ` lines here:
`mailbox.mbox` first builds a table of every message's offsets and then reads each message whole,
attachments included, so its memory grows with the mailbox. Memory stays flat however big the
mailbox is.

`parse_headers` turns a header block into a `MailMessage` or a `Broken` with the reason (a broken
Date, an undecodable header, no recipients, no sender); a broken message never stops a read.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import mailbox
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.header import Header, decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path

from rebound_tui.domain.mail import Broken, MailMessage, email_key, normalize_message_id, one_line
from rebound_tui.io import InputError

Progress = Callable[[int, int], None]

# A header block larger than this is not a mail header (a broken file, or a body without the
# blank line): the message is skipped, and memory stays bounded.
MAX_HEADER_BYTES = 256 * 1024
MESSAGE_SUFFIXES = (".eml", ".emlx")
_PARSER = BytesHeaderParser(policy=compat32)

# Skip reasons, as the summary words them.
BROKEN_DATE = "broken or missing Date"
UNDECODABLE = "undecodable header"
NO_RECIPIENTS = "no recipients"
NO_SENDER = "no sender"
TOO_LONG = "header block too long"
UNREADABLE = "unreadable file"


# -- headers -------------------------------------------------------------------------------------
class _Undecodable(ValueError):
    pass


def _unescape(text: str) -> str:
    """Raw 8-bit header bytes (the parser keeps them as surrogates) as UTF-8, else Windows-1252."""
    if text.isascii() or not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    raw = text.encode("ascii", "surrogateescape")
    for codec in ("utf-8", "cp1252"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    raise _Undecodable(text)


def decode_text(value: str | Header | None) -> str:
    """A header value with its encoded words (=?charset?...?=, any charset) decoded."""
    if value is None:
        return ""
    try:
        text = _unescape(str(value)) if not isinstance(value, Header) else value
        return str(make_header(decode_header(text)))
    except (LookupError, UnicodeError, HeaderParseError, ValueError, AssertionError):
        raise _Undecodable(str(value)) from None


def _addresses(values: list) -> list[tuple[str, str]]:
    """(address, display name) pairs of address headers; names that do not decode are left out."""
    out = []
    for name, address in email.utils.getaddresses([_unescape(str(v)) for v in values]):
        address = email_key(address)
        if one_line(address) != address or " " in address:
            continue  # control characters or spaces: not an address anyone can use
        if "@" not in address or address.startswith("@") or address.endswith("@"):
            continue
        try:
            shown = one_line(decode_text(name), limit=120)
        except _Undecodable:
            shown = ""
        out.append((address, shown))
    return out


def _date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(_unescape(str(value)))
    except (TypeError, ValueError, IndexError, OverflowError, _Undecodable):
        return None
    if when is None or not 1970 <= when.year <= 9998:
        return None
    if when.tzinfo is None:  # "-0000": a time in UTC with no zone information
        when = when.replace(tzinfo=dt.UTC)
    return when


WANTED = frozenset((b"from", b"to", b"cc", b"bcc", b"subject", b"date", b"message-id"))


def _wanted_lines(raw: bytes) -> bytes:
    """Only the headers read here (with their continuation lines): real mail carries dozens of
    Received, DKIM and ARC headers that would cost most of the parsing time."""
    out = []
    keep = False
    for line in raw.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t"):
            if keep:
                out.append(line)
            continue
        keep = line.split(b":", 1)[0].strip().lower() in WANTED
        if keep:
            out.append(line)
    return b"".join(out)


def parse_headers(raw: bytes, where: str = "") -> MailMessage | Broken:
    """The message a header block describes, or why it cannot be used."""
    try:
        msg = _PARSER.parsebytes(_wanted_lines(raw))
    except Exception:  # the parser is lenient; anything it still throws is a broken message
        return Broken(UNDECODABLE, where)
    # The raw values (8-bit bytes kept as surrogates), not the parser's sanitised ones, which
    # turn every such byte into a replacement character.
    headers: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        headers.setdefault(name.lower(), []).append(value)

    def first(name: str) -> str | None:
        values = headers.get(name)
        return values[0] if values else None

    try:
        when = _date(first("date"))
        if when is None:
            return Broken(BROKEN_DATE, where)
        senders = _addresses(headers.get("from", []))
        recipients = []
        for name in ("to", "cc", "bcc"):
            recipients += _addresses(headers.get(name, []))
        subject = one_line(decode_text(first("subject")))
        message_id = normalize_message_id(_unescape(first("message-id") or ""))
    except _Undecodable:
        return Broken(UNDECODABLE, where)
    if not recipients:
        return Broken(NO_RECIPIENTS, where)
    if not senders:
        return Broken(NO_SENDER, where)
    names = tuple(dict((a, n) for a, n in [*senders, *recipients] if n).items())
    return MailMessage(
        when=when,
        sender=senders[0][0],
        recipients=tuple(dict.fromkeys(a for a, _ in recipients)),
        subject=subject,
        message_id=message_id,
        names=names,
    )


def header_block(lines: Iterator[bytes]) -> bytes | None:
    """Lines up to the first blank one, joined; None when they run past MAX_HEADER_BYTES."""
    out: list[bytes] = []
    size = 0
    for line in lines:
        if not line.strip(b"\r\n"):
            break
        size += len(line)
        if size > MAX_HEADER_BYTES:
            return None
        out.append(line)
    return b"".join(out)


# -- sources -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """One thing to read: an mbox file, one message file, or a Maildir folder (cur + new)."""

    kind: str  # "mbox", "eml", "emlx", "maildir"
    path: Path
    size: int  # bytes, for the progress bar


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _maildir_files(path: Path) -> Iterator[Path]:
    for sub in ("new", "cur"):
        try:
            with os.scandir(path / sub) as entries:
                names = sorted(e.name for e in entries if not e.name.startswith("."))
        except OSError:
            continue
        for name in names:
            yield path / sub / name


def _maildir_size(path: Path) -> int:
    return sum(_size(p) for p in _maildir_files(path))


def _looks_like_mbox(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(5)
    return head in (b"From ", b"")


def _folder_sources(folder: Path) -> list[Source]:
    """What a folder holds: a Maildir (with its Maildir++ sub-folders), an Apple Mail export
    (`Name.mbox/mbox`), or message files and mailboxes anywhere below it."""
    if _is_maildir(folder):
        found = [Source("maildir", folder, _maildir_size(folder))]
        for sub in sorted(folder.iterdir()):
            if sub.name.startswith(".") and sub.is_dir() and _is_maildir(sub):
                found.append(Source("maildir", sub, _maildir_size(sub)))
        return found
    if (folder / "mbox").is_file():  # Apple Mail: File > Export Mailbox
        return [Source("mbox", folder / "mbox", _size(folder / "mbox"))]
    found = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        here = Path(root)
        for name in list(dirs):
            sub = here / name
            if _is_maildir(sub) or (sub / "mbox").is_file():
                found += _folder_sources(sub)
                dirs.remove(name)
        for name in sorted(files):
            if name.lower().endswith(MESSAGE_SUFFIXES):
                kind = "emlx" if name.lower().endswith(".emlx") else "eml"
                found.append(Source(kind, here / name, _size(here / name)))
            elif name == "mbox" or name.lower().endswith(".mbox"):
                found.append(Source("mbox", here / name, _size(here / name)))
    return found


def sources(paths: list[Path]) -> list[Source]:
    """Every source the paths name; InputError (nothing read yet) when one cannot be used."""
    if not paths:
        raise InputError("give at least one mailbox: an mbox file, a Maildir or .eml files")
    found: list[Source] = []
    for raw_path in paths:
        path = Path(raw_path).expanduser()
        shown = one_line(str(path), limit=200)  # a path is data: no escapes to the terminal
        try:
            if path.is_dir():
                inside = _folder_sources(path)
                if not inside:
                    raise InputError(
                        f"no mail in {shown}: expected a Maildir (cur/ and new/), an Apple Mail "
                        ".mbox folder, mbox files or .eml files"
                    )
                found += inside
            elif path.is_file():
                name = path.name.lower()
                if name.endswith(MESSAGE_SUFFIXES):
                    found.append(Source("emlx" if name.endswith("x") else "eml", path, _size(path)))
                elif _looks_like_mbox(path):
                    found.append(Source("mbox", path, _size(path)))
                else:
                    raise InputError(
                        f"{shown} is not a mailbox (an mbox file starts with 'From '); give an "
                        "mbox file, a Maildir, an Apple Mail .mbox folder or .eml files"
                    )
            else:
                raise InputError(f"no such file or folder: {shown}")
        except PermissionError:
            raise InputError(f"cannot read {shown}: permission denied") from None
        except OSError as exc:
            raise InputError(f"cannot read {shown}: {exc.strerror or exc}") from None
    return found


# -- reading -------------------------------------------------------------------------------------
def _mbox(source: Source, advance: Callable[[int], None]) -> Iterator[MailMessage | Broken]:
    """Split at `From ` lines that start the file or follow a blank line (or a header block: a
    message without a body); read each header block, skip the bodies."""
    number = 0
    block: list[bytes] | None = None  # the header lines of the message being read, if any
    size = 0
    too_long = False
    blank_before = True

    def finish() -> MailMessage | Broken:
        where = f"{source.path.name} message {number}"
        return Broken(TOO_LONG, where) if too_long else parse_headers(b"".join(block or []), where)

    with source.path.open("rb") as f:
        for line in f:
            advance(len(line))
            if line.startswith(b"From ") and (blank_before or block is not None):
                if block is not None:
                    yield finish()
                number += 1
                block, size, too_long, blank_before = [], 0, False, False
                continue
            blank = not line.strip(b"\r\n")
            if block is not None:
                if blank:
                    yield finish()
                    block, blank_before = None, True
                    continue
                size += len(line)
                if size > MAX_HEADER_BYTES:
                    too_long = True
                    block.clear()
                elif not too_long:
                    block.append(line)
                continue
            blank_before = blank
    if block is not None:
        yield finish()


def _message_file(path: Path, kind: str, where: str) -> MailMessage | Broken:
    try:
        with path.open("rb") as f:
            if kind == "emlx":  # Apple Mail: a line with the byte count, the message, a plist
                f.readline()
            block = header_block(iter(f))
    except OSError:
        return Broken(UNREADABLE, where)
    if block is None:
        return Broken(TOO_LONG, where)
    return parse_headers(block, where)


def _maildir(source: Source, advance: Callable[[int], None]) -> Iterator[MailMessage | Broken]:
    """A Maildir through the standard library's `mailbox` (which knows cur/new, flags in file
    names and temporary files), one message file at a time, headers only."""
    box = mailbox.Maildir(source.path, factory=None, create=False)
    for number, key in enumerate(sorted(box.iterkeys()), start=1):
        where = f"{source.path.name} message {number}"
        try:
            f = box.get_file(key)
        except (KeyError, OSError):  # gone meanwhile (a mail client moved it), or unreadable
            yield Broken(UNREADABLE, where)
            continue
        with f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(0)
            block = header_block(iter(f.readline, b""))
        advance(size)
        yield Broken(TOO_LONG, where) if block is None else parse_headers(block, where)


def read_messages(
    found: list[Source], progress: Progress | None = None
) -> Iterator[MailMessage | Broken]:
    """Every message of the sources, in order; `progress(bytes done, bytes total)` as it goes."""
    total = sum(s.size for s in found) or 1
    done = 0
    last = 0
    step = max(1, total // 200)

    def advance(n: int) -> None:
        nonlocal done, last
        done += n
        if progress is not None and done - last >= step:
            last = done
            progress(min(done, total), total)

    for source in found:
        if source.kind == "mbox":
            try:
                yield from _mbox(source, advance)
            except OSError as exc:
                raise InputError(f"cannot read {source.path}: {exc.strerror or exc}") from None
        elif source.kind == "maildir":
            yield from _maildir(source, advance)
        else:
            advance(source.size)
            yield _message_file(source.path, source.kind, source.path.name)
    if progress is not None:
        progress(total, total)
