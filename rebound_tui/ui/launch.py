"""Start the dashboard from the command line: open the data, run the app, save what is left.

A data file that cannot be read is reported on one line before Textual takes the terminal, so
the message (and the way out: the newest good backup) stays on screen.
"""

from __future__ import annotations

import gc
import sys
import tempfile
from pathlib import Path

from rebound_tui.cli.context import describe_bad_file
from rebound_tui.domain import dates
from rebound_tui.paths import resolve_data_path
from rebound_tui.service import Service
from rebound_tui.store.fileformat import DataFileError
from rebound_tui.store.storage import SaveError


def _open(db: str | None, demo: bool) -> tuple[Service, str]:
    if demo:
        from rebound_tui.demo import make_demo_copy

        path = make_demo_copy(Path(tempfile.mkdtemp(prefix="rebound-demo-")), dates.today())
        return Service.open(path), "demo data (a throwaway copy)"
    path, is_default = resolve_data_path(db)
    if not path.parent.exists():
        if not is_default:
            raise FileNotFoundError(f"the folder {path.parent} does not exist")
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    return Service.open(path), path.name


def launch(db: str | None, demo: bool) -> int:
    """Run the dashboard on the chosen data file; the exit status for the CLI."""
    try:
        service, label = _open(db, demo)
    except DataFileError as exc:
        print(f"rebound-tui: {describe_bad_file(exc)}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"rebound-tui: {exc}", file=sys.stderr)
        return 1

    from rebound_tui.ui.app import make_app

    # The parsed data lives as long as the app: keep the cyclic GC from walking it on every
    # full collection (those pauses were the slowest keystrokes on a large file).
    gc.freeze()
    make_app(service, data_label=label).run()
    # The app saves on quit; this catches an exit that skipped it (a crash, a signal).
    try:
        service.save()
    except (SaveError, DataFileError) as exc:
        print(f"rebound-tui: {exc}", file=sys.stderr)
        return 1
    return 0
