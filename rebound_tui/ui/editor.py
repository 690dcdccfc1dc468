"""Handing a text to the user's editor ($VISUAL or $EDITOR) and getting it back.

The app suspends itself around the editor (Textual's `App.suspend`), so the editor has the
terminal; the text travels through a private temporary file that is removed afterwards.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["EditorError", "edit_text", "editor_command"]

FALLBACK = "vi"


class EditorError(Exception):
    """No editor to run, or it failed: the message says what to do."""


def editor_command(env: dict[str, str] | None = None) -> tuple[list[str], str | None]:
    """The editor's argv, and a note when it is a fallback the user did not choose.

    $VISUAL wins over $EDITOR (as git and crontab do); both may carry arguments ("code -w").
    Without either, `vi` is used if it exists; otherwise EditorError says how to set one.
    """
    env = dict(os.environ) if env is None else env
    for name in ("VISUAL", "EDITOR"):
        value = (env.get(name) or "").strip()
        if value:
            try:
                argv = shlex.split(value)
            except ValueError as exc:
                raise EditorError(f"${name} cannot be read ({exc}): {value!r}") from None
            if argv:
                return argv, None
    if shutil.which(FALLBACK):
        return [FALLBACK], f"$EDITOR is not set, so {FALLBACK} opened the draft"
    raise EditorError(
        "$EDITOR is not set and vi was not found: set it in your shell, "
        "e.g. export EDITOR=nano, then start rebound-tui again"
    )


def edit_text(text: str, argv: list[str], *, suffix: str = ".txt") -> str:
    """Run the editor on `text` in a temporary file; the saved text (EditorError on failure).

    Blocks until the editor exits: call it inside `App.suspend()`.
    """
    fd, name = tempfile.mkstemp(prefix="rebound-draft-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            done = subprocess.run([*argv, str(path)], check=False)
        except OSError as exc:
            raise EditorError(f"could not start {argv[0]}: {exc.strerror or exc}") from None
        if done.returncode != 0:
            raise EditorError(
                f"{argv[0]} exited with status {done.returncode}: the draft was not changed"
            )
        return path.read_text(encoding="utf-8")
    finally:
        path.unlink(missing_ok=True)
