"""How long a form takes to open, through a real terminal (issue 14). Run by hand, never in CI:

    python benchmarks/forms.py [--runs 10] [--size heavy|typical] [--only a,e,S]

The real command, `rebound-tui --db FILE` (a fresh copy of the heavy file from
`python benchmarks/generate.py --sizes heavy` if it is there, else the typical one, generated
when missing), runs in a pseudo-terminal of 120x40. Once the dashboard has painted and gone
quiet, each case writes its key's bytes to the terminal and reads the screen stream until the
title of the screen it opens is in it: the figure is the time from writing the byte to reading
the frame that holds the title. Escape closes the screen, and the next run waits until the
dashboard is quiet again. Baseline, in the same session: `?`, the help screen (a modal screen
with a title and a page of text, built from the bindings). Prints the median and p95 of each
case and its ratio to the baseline's median.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/ is not a package)
from run import child_env, copy_data  # noqa: E402

COLS, ROWS = 120, 40
GOAL_MS = 100.0
# Terminal escape sequences: CSI (cursor moves, colours), OSC, and the two-byte ones.
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


@dataclass(frozen=True)
class Case:
    name: str
    key: bytes
    title: str  # what the opened screen shows (in its border, or its first line)
    before: bytes = b""  # keys typed first, untimed (the pane to start from)


CASES = (
    Case("? help (baseline)", b"?", "Keys"),
    Case("a new company", b"a", "New company", before=b"1"),
    Case("e edit company", b"e", "Edit company", before=b"1"),
    Case("a new contact", b"a", "New contact", before=b"2"),
    Case("e edit contact", b"e", "Edit contact", before=b"2"),
    Case("l log", b"l", "Log an interaction", before=b"2"),
    Case("f follow-up", b"f", "New follow-up", before=b"2"),
    Case("e edit follow-up", b"e", "Edit follow-up", before=b"3"),
    Case("R rejection", b"R", "Record a rejection", before=b"1"),
    Case("S settings", b"S", "Settings · 1 Playbook", before=b"3"),
)
KEYS = {"?": 0, "a": 1, "e": 2, "A": 3, "E": 4, "l": 5, "f": 6, "F": 7, "R": 8, "S": 9}


@dataclass
class Terminal:
    """A child in a pseudo-terminal; a thread reads everything it writes, with the time."""

    proc: subprocess.Popen[bytes]
    master: int
    chunks: list[tuple[float, bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_write: float = 0.0

    @classmethod
    def spawn(cls, argv: list[str], env: dict[str, str]) -> Terminal:
        import fcntl
        import pty
        import struct
        import termios

        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env)
        os.close(slave)
        term = cls(proc, master)
        threading.Thread(target=term._read, daemon=True).start()
        return term

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.chunks.append((time.monotonic(), chunk))

    def write(self, data: bytes) -> float:
        sent = self.last_write = time.monotonic()
        os.write(self.master, data)
        return sent

    def wait_for(self, text: str, since: float, timeout: float = 30) -> float:
        """When the stream after `since` first held `text` (escape sequences removed)."""
        wanted = text.encode()
        limit = time.monotonic() + timeout
        while time.monotonic() < limit:
            with self.lock:
                chunks = [(t, c) for t, c in self.chunks if t >= since]
            seen = b""
            for t, chunk in chunks:
                seen = ESCAPES.sub(b"", seen + chunk)
                if wanted in seen:
                    return t
                seen = seen[-4096:]
            time.sleep(0.002)
        if os.environ.get("FORMS_DUMP"):
            with self.lock:
                Path(os.environ["FORMS_DUMP"]).write_bytes(b"".join(c for _, c in self.chunks))
        tail = ESCAPES.sub(b"", b"".join(c for _, c in chunks))[-600:].decode(errors="replace")
        raise TimeoutError(f"{text!r} did not appear within {timeout} s; last: {tail!r}")

    def wait_quiet(self, quiet: float = 0.4, timeout: float = 120) -> None:
        """Until the child has written nothing for `quiet` seconds since the last key written
        (a lone escape byte waits 0.1 s in the app for what may follow it: a key written
        sooner would make it alt+key)."""
        limit = time.monotonic() + timeout
        while time.monotonic() < limit:
            with self.lock:
                last = max(self.chunks[-1][0] if self.chunks else 0.0, self.last_write)
            if time.monotonic() - last >= quiet:
                return
            time.sleep(0.02)
        raise TimeoutError("the dashboard did not go quiet")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def data_file(size: str | None) -> Path:
    if size is None:
        heavy = generate.path_for("heavy")
        size = "heavy" if heavy.exists() else "typical"
    path = generate.path_for(size)
    if not path.exists():
        generate.main(["--sizes", size])
    return path


def measure(data: Path, cases: list[Case], runs: int, work: Path) -> dict[str, list[float]]:
    env = child_env(work)
    argv = [sys.executable, "-m", "rebound_tui", "--db", str(copy_data(data, work))]
    term = Terminal.spawn(argv, env)
    timings: dict[str, list[float]] = {c.name: [] for c in cases}
    try:
        term.wait_for("Bullpen", 0, timeout=120)
        term.wait_quiet(1.0)  # the start-up work in the background is done
        for n in range(runs):
            for case in cases:  # interleaved: a slow moment of the machine hits every case
                if case.before:
                    term.write(case.before)
                    term.wait_quiet()
                sent = term.write(case.key)
                shown = term.wait_for(case.title, sent)
                timings[case.name].append(shown - sent)
                term.wait_quiet(0.3)  # mounted and idle (the cursor blinks every 0.5 s)
                term.write(b"\x1b")  # escape: nothing was typed, so it closes at once
                term.wait_quiet()
            print(f"  run {n + 1}/{runs} done", file=sys.stderr)
    finally:
        term.close()
    return timings


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="times each form is opened")
    parser.add_argument("--size", choices=sorted(generate.SIZES), help="default: heavy if there")
    parser.add_argument(
        "--only", help="comma-separated keys of the cases: ? a e A E l f F R S (A, E: contact)"
    )
    args = parser.parse_args(argv)
    cases = list(CASES)
    if args.only:
        picked = {KEYS[k] for k in args.only.split(",") if k in KEYS} | {0}
        cases = [c for n, c in enumerate(CASES) if n in picked]
    data = data_file(args.size)
    print(f"{data.name}: {len(cases)} screens, {args.runs} runs, {COLS}x{ROWS} pty", flush=True)
    with tempfile.TemporaryDirectory(prefix="rebound-forms-") as tmp:
        timings = measure(data, cases, args.runs, Path(tmp))
    base = statistics.median(timings[CASES[0].name])
    print(f"\n{'screen':24} {'median':>8} {'p95':>8} {'x help':>7}  goal < {GOAL_MS:.0f} ms")
    for case in cases:
        values = timings[case.name]
        mid = statistics.median(values)
        ok = "" if case is CASES[0] else ("yes" if mid < GOAL_MS / 1000 else "NO")
        print(
            f"{case.name:24} {mid * 1000:6.0f} ms {p95(values) * 1000:5.0f} ms "
            f"{mid / base:6.2f}x  {ok}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
