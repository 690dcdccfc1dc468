"""Run a full-screen command in a pseudo-terminal, wait for some text, press keys, expect exit 0.

    python in_terminal.py TEXT KEYS -- COMMAND [ARG...]

.ci/run uses it to try the README's first command (`rebound-tui --demo`) as a person would: the
dashboard must draw TEXT within 60 s, then KEYS are typed (e.g. "q") and the program must end
by itself with status 0 within 30 s. Standard library only (pty), so it runs anywhere CI does.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time


def read_until(fd: int, wanted: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SystemExit(f"in_terminal: {wanted!r} did not appear within {seconds:.0f} s")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the program ended and the terminal closed
                chunk = b""
            if not chunk:
                raise SystemExit(f"in_terminal: the program ended before showing {wanted!r}")
            seen += chunk
    return seen


def drain(fd: int) -> None:
    """Read what the program prints while it ends (a full pty would block it)."""
    while True:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            return
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def main(argv: list[str]) -> int:
    if len(argv) < 4 or argv[2] != "--":
        raise SystemExit(__doc__)
    text, keys, command = argv[0].encode(), argv[1].encode(), argv[3:]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, in a 100x30 terminal
        os.environ["TERM"] = "xterm-256color"
        os.environ.pop("TEXTUAL", None)
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        read_until(fd, text, 60)
        os.write(fd, keys)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            drain(fd)
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                pid = 0
                code = os.waitstatus_to_exitcode(status)
                print(f"in_terminal: {' '.join(command)}: showed {text.decode()!r}, exit {code}")
                return code
        raise SystemExit(f"in_terminal: {' '.join(command)} did not end within 30 s of {keys!r}")
    finally:
        if pid:  # still running: end it, and only it
            os.kill(pid, 9)
            os.waitpid(pid, 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
