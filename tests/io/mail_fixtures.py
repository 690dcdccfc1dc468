"""Mail fixtures built by the tests: raw messages (headers exactly as written, so encoded words,
zones and broken headers are what the test says), and mbox / Maildir / .eml / Apple Mail layouts."""

from __future__ import annotations

import itertools
from pathlib import Path

ME = "pat@home.example"
_counter = itertools.count(1)


def message(
    *,
    sender: str = ME,
    to: str | None = "jane@glenview.example",
    cc: str | None = None,
    subject: str = "Thank you",
    date: str | None = "Thu, 26 Nov 2026 10:00:00 -0600",
    message_id: str | None | bool = True,
    extra: str = "",
    multipart: bool = False,
    body: str = "Hello,\n\nFrom the start, thanks.\n",
) -> bytes:
    """One message as bytes; `message_id=True` makes a fresh one, None leaves it out."""
    lines = [f"From: {sender}"]
    if to is not None:
        lines.append(f"To: {to}")
    if cc:
        lines.append(f"Cc: {cc}")
    lines.append(f"Subject: {subject}")
    if date is not None:
        lines.append(f"Date: {date}")
    if message_id is True:
        message_id = f"<m{next(_counter)}.fixture@home.example>"
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    if extra:
        lines.append(extra)
    if multipart:
        lines += [
            "MIME-Version: 1.0",
            'Content-Type: multipart/mixed; boundary="b1"',
            "",
            "--b1",
            "Content-Type: text/plain; charset=utf-8",
            "",
            body,
            "--b1",
            "Content-Type: application/pdf",
            "Content-Transfer-Encoding: base64",
            "",
            "JVBERi0xLjQKJcfsj6IK" * 40,
            "--b1--",
        ]
    else:
        lines += ["", body]
    return "\n".join(lines).encode("utf-8")


def mbox(path: Path, messages: list[bytes]) -> Path:
    """An mbox (mboxrd: body lines starting with 'From ' are quoted as '>From ')."""
    out = []
    for raw in messages:
        head, _, body = raw.partition(b"\n\n")
        body = b"\n".join(
            b">" + line if line.lstrip(b">").startswith(b"From ") else line
            for line in body.split(b"\n")
        )
        out.append(b"From MAILER-DAEMON Thu Nov 26 10:00:00 2026\n" + head + b"\n\n" + body)
    path.write_bytes(b"\n\n".join(out) + b"\n")
    return path


def maildir(path: Path, messages: list[bytes], sub: str = "cur") -> Path:
    for name in ("cur", "new", "tmp"):
        (path / name).mkdir(parents=True, exist_ok=True)
    for n, raw in enumerate(messages):
        suffix = ":2,S" if sub == "cur" else ""
        (path / sub / f"1700000000.{n}.host{suffix}").write_bytes(raw)
    return path


def eml_folder(path: Path, messages: list[bytes]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for n, raw in enumerate(messages):
        (path / f"message-{n}.eml").write_bytes(raw)
    return path


def apple_mbox(path: Path, messages: list[bytes]) -> Path:
    """An Apple Mail export: `Name.mbox/mbox` plus its table of contents."""
    path.mkdir(parents=True, exist_ok=True)
    mbox(path / "mbox", messages)
    (path / "table_of_contents").write_bytes(b"\x00\x01binary")
    return path


def emlx(path: Path, raw: bytes) -> Path:
    """Apple Mail's own storage: the byte count, the message, then a property list."""
    path.write_bytes(f"{len(raw)}\n".encode() + raw + b"\n<?xml version='1.0'?><plist/>\n")
    return path
