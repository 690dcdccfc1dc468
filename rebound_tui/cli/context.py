"""What a CLI handler gets: the service on the chosen data file, and error translation."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rebound_tui.paths import resolve_data_path

if TYPE_CHECKING:
    from rebound_tui.service import Service

# The service and the store are imported when a command uses them, not by `import rebound_tui.cli`
# (the dashboard's start only needs the top-level options).


class Failure(Exception):
    """A command failed; `code` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class UsageError(Failure):
    def __init__(self, message: str) -> None:
        super().__init__(message, 2)


def check_utf8(argv: list[str]) -> None:
    """Refuse arguments that are not UTF-8 (Python hands them over with lone surrogates, which
    no JSON writer takes): UsageError naming the argument, its bytes shown escaped."""
    for number, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = repr(os.fsencode(arg))[2:-1]
            raise UsageError(
                f"argument {number} ('{shown}') is not valid UTF-8: give text in UTF-8"
            ) from None


DEMO_NOTE = (
    "--demo: that change went to a throwaway copy of the demo data, deleted now; "
    "drop --demo to keep your changes"
)


class Context:
    """Opens the data file on first use; turns domain and storage errors into exit codes.

    With `demo`, the data file is a throwaway copy of the demo data (as the dashboard's --demo
    opens), its backups beside it in a temporary folder that goes when the command ends: a
    command tried on the demo never touches the user's own file."""

    def __init__(self, db: str | None, *, demo: bool = False, resident: bool = False) -> None:
        """`resident`: this is the command's own process (it ends with the command)."""
        self.resident = resident
        self._demo_dir: Path | None = None
        self.saved = False  # a save wrote the file
        if demo:
            self.path, self.is_default = self._demo_copy(), False
        else:
            self.path, self.is_default = resolve_data_path(db)
        self._service: Service | None = None

    def _demo_copy(self) -> Path:
        import tempfile

        from rebound_tui.demo import make_demo_copy
        from rebound_tui.domain import dates

        self._demo_dir = Path(tempfile.mkdtemp(prefix="rebound-demo-"))
        # This process's backups go with the copy (as --backups would set them).
        os.environ["REBOUND_BACKUPS"] = str(self._demo_dir / "backups")
        return make_demo_copy(self._demo_dir, dates.today())

    @property
    def service(self) -> Service:
        if self._service is None:
            from rebound_tui.service import Service

            if self.path.parent and not self.path.parent.exists():
                if not self.is_default:
                    raise UsageError(f"the folder {self.path.parent} does not exist")
                self.path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
            # One command, one save at most: no layout of the file for incremental saves.
            self._service = Service.open(self.path, one_shot=True, resident=self.resident)
            if self.resident and not gc.isenabled():
                # Paused since the process started (`cli._run`): what the imports and the
                # load made stays until the process ends, so no collection need walk it.
                gc.freeze()
                gc.enable()
        return self._service

    def save(self) -> None:
        if self._service is not None:
            # Conflict copies merged in at load may hold the same rejection recorded on another
            # machine: what is written keeps one plan (automatic, so not an undo step).
            with self._service.unrecorded():
                self._service.merge_duplicate_rejections()
            self.saved = self._service.save() or self.saved

    def copy_notes(self) -> list[str]:
        """Conflict copies waiting beside the file that were left alone, and why (with --demo:
        that a change was not kept)."""
        if self._demo_dir is not None:
            return [DEMO_NOTE] if self.saved else []
        return self._service.conflict_notes() if self._service is not None else []

    def __enter__(self) -> Context:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        if self._demo_dir is not None:
            import shutil

            shutil.rmtree(self._demo_dir, ignore_errors=True)
        if exc is None or isinstance(exc, BrokenPipeError):  # `| head` stopped reading: fine
            return False
        from rebound_tui.datafile import describe_bad_file
        from rebound_tui.domain.dates import DateError
        from rebound_tui.domain.model import ValidationError
        from rebound_tui.errors import DataFileError, SaveError, ServiceError

        if isinstance(exc, ServiceError | DateError | ValidationError):
            raise UsageError(str(exc)) from None
        if isinstance(exc, DataFileError):
            raise Failure(describe_bad_file(exc)) from None
        if isinstance(exc, SaveError):  # this process ends now: its edit is not kept anywhere
            if exc.reason is None:
                raise Failure(str(exc)) from None
            raise Failure(f"{exc.reason}; nothing was changed: run the command again") from None
        if isinstance(exc, OSError):  # a backup or a conflict copy that vanished, a full disk...
            where = f"{exc.filename}: " if exc.filename else ""
            raise Failure(f"{where}{exc.strerror or exc}") from None
        return False


def print_json(value: Any) -> None:
    """Exact JSON, safe on a terminal (control characters in strings are `\\u` escapes)."""
    from rebound_tui.cli.output import json_text

    sys.stdout.write(json_text(value) + "\n")


def path_arg(value: str) -> Path:
    return Path(value).expanduser()
