"""Shared fixtures: a temp data file, a private lock folder, the CLI in-process, a frozen today.

Every test gets its own `REBOUND_LOCK_DIR` and `REBOUND_BACKUPS` (autouse): the inter-process lock
and the backups must never touch the user's cache or state folder, and parallel tests must never
wait on each other's locks.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest

from rebound_tui.domain import dates

# tests/soak/ holds long-running scripts, run by hand (python tests/soak/crash_soak.py).
collect_ignore = ["soak"]

# Test modules import the helpers below as `rebound_test_helpers`: the name `conftest` is shared
# with other folders' conftest.py files, and pytest swaps sys.modules["conftest"] between them.
sys.modules["rebound_test_helpers"] = sys.modules[__name__]

#: The frozen "now" of the `today` fixture: 2026-11-27 12:00 in Chicago, Nov 28 in Auckland.
FROZEN_NOW = pendulum.datetime(2026, 11, 27, 18, 0, 0, tz="UTC")
FROZEN_TZ = "America/Chicago"
FROZEN_TODAY = "2026-11-27"

CliResult = tuple[int, str, str]


@pytest.fixture(autouse=True)
def _private_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """A lock folder of our own, and no data file or umask leaking in from the environment."""
    monkeypatch.setenv("REBOUND_LOCK_DIR", str(tmp_path_factory.mktemp("locks")))
    # Backups go to this machine's state folder: a test's own one, never the user's.
    monkeypatch.setenv("REBOUND_BACKUPS", str(tmp_path_factory.mktemp("backups")))
    monkeypatch.delenv("REBOUND_DB", raising=False)
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> str:
    """Freeze the clock that decides calendar days (record stamps keep the real clock).

    Only `dates.now_utc` is patched, so `dates.today()` still does the real time-zone work:
    tests may switch `REBOUND_TZ` and see 'today' move.
    """
    monkeypatch.setattr(dates, "now_utc", lambda: FROZEN_NOW)
    monkeypatch.setenv("REBOUND_TZ", FROZEN_TZ)
    return FROZEN_TODAY


@pytest.fixture
def data_path(tmp_path: Path) -> Path:
    """Where the test's data file lives (not created: commands create it when they write)."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder / "rebound.json"


@pytest.fixture
def run_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_path: Path, today
) -> Callable[..., CliResult]:
    """Run `rebound-tui ARGS` in-process on `data_path` (via $REBOUND_DB); -> (code, out, err).

    Exceptions other than SystemExit propagate, so a traceback fails the test.
    """
    from rebound_tui.cli import main

    monkeypatch.setenv("REBOUND_DB", str(data_path))

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # --help, --version
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def digest(path: Path) -> str | None:
    """sha256 of a file's bytes (None if it does not exist)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def snapshot(path: Path) -> tuple[str | None, int | None, int | None]:
    """What must not change when a command only reads: bytes, mtime and inode."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None, None, None
    return digest(path), st.st_mtime_ns, st.st_ino


def assert_one_line_error(err: str, *needles: str) -> None:
    """The CLI's error contract: one line on stderr, our prefix, no traceback."""
    assert "Traceback" not in err
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, f"expected one line on stderr, got {err!r}"
    assert lines[0].startswith("rebound-tui: "), err
    for needle in needles:
        assert needle.lower() in err.lower(), f"{needle!r} not in {err!r}"


def python_env(**extra: str) -> dict[str, str]:
    """The environment for a child python that imports rebound_tui from this checkout."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


PYTHON = sys.executable


def require_tool(*names: str) -> str:
    """The path of the first real program found among `names`, or skip the test visibly.

    Where users run a real program (Syncthing, unison, Dovecot), tests run the real one. On a
    laptop without it the test skips and says which program is missing; CI sets
    `REBOUND_REQUIRE_TOOLS=1` (after `.ci/run` installs the Debian packages), which turns that
    skip into a failure.
    """
    for name in names:
        found = shutil.which(name) or next(
            (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None
        )
        if found:
            return found
    message = f"{' or '.join(names)} is not installed (Debian: see .ci/debian-packages)"
    if os.environ.get("REBOUND_REQUIRE_TOOLS") == "1":
        pytest.fail(f"REBOUND_REQUIRE_TOOLS=1 but {message}", pytrace=False)
    pytest.skip(message)


#: User text that must show literally everywhere (markup, action links, terminal escapes, bidi,
#: joined emoji, a line break): the battery of the hostile-text tests of the CLI and the dashboard.
HOSTILE = [
    "[/]",
    "[@click=app.quit]x",
    "[@click=app.screenshot('x.txt','/tmp')]ClickMe[/]",
    "[link=a:b]Bob",
    "Email Bob [urgent] about the offer",
    "[reverse]x[/reverse]",
    "\x1b]0;x\x07",
    "\x1b]52;c;AAAA\x07",
    "\x1b[2J",
    "ring\x07ring",
    "back\x08space",
    "\x9b31m",
    "a\u202eb",
    "family 👨\u200d👩\u200d👧",
    "two\nlines",
]
