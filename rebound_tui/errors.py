"""Errors every layer may name: what a face catches to tell the user what went wrong.

A leaf module (it imports nothing of the package), so the store can raise these and the faces
can catch them without importing the store: the CLI and the dashboard reach the disk only
through the service layer.
"""

from __future__ import annotations

from pathlib import Path


class ServiceError(Exception):
    """Bad input from the user: the CLI prints it on one line (exit 2); the dashboard shows it."""


class NotFound(ServiceError):
    pass


class Ambiguous(ServiceError):
    pass


class DataFileError(Exception):
    """A data file we must not use: the message names the file and says what to do."""

    def __init__(self, path: Path | str, problem: str, hint: str = "") -> None:
        self.path = Path(path)
        self.problem = problem
        self.hint = hint
        text = f"{self.path}: {problem}"
        if hint:
            text += f" ({hint})"
        super().__init__(text)


class SaveError(OSError):
    """The save failed; the data file is untouched and the edits are still in memory."""
