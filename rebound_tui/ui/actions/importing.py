"""Importing from the command palette: LinkedIn connections, vCard, CSV.

A CSV whose map names `opening=` holds roles, not people: it goes to the openings importer,
as `rebound import csv` does (the routing lives here: io/importer.py and io/openings_import.py
must not import each other).

The import runs in a worker thread holding the data lock, so the store worker never saves half of
it; the progress bar is fed with `call_from_thread`. It is one undoable action: a file that fails
half-way changes nothing, and `u` undoes a finished import. Afterwards the app saves through its
usual store worker and shows the summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from rebound_tui.ui.actions.host import ImportHost

if TYPE_CHECKING:
    from collections.abc import Callable

    from rebound_tui.io.importer import ImportSummary
    from rebound_tui.io.openings_import import OpeningsSummary
    from rebound_tui.service import Service
    from rebound_tui.ui.screens.importing import ImportProgress, ImportRequest

# (palette name, help, kind) of the commands this mixin adds to the command palette.
IMPORT_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Import LinkedIn connections…", "Connections.csv or the ZIP LinkedIn sends", "linkedin"),
    ("Import vCard…", "a .vcf file from Google or Apple Contacts", "vcard"),
    ("Import CSV…", "any CSV; say which column is which", "csv"),
)


@dataclass
class ImportOutcome:
    summary: ImportSummary | OpeningsSummary | None = None
    error: str | None = None


def wrote_something(summary: ImportSummary | OpeningsSummary) -> bool:
    return not summary.dry_run and bool(summary.added or summary.updated or summary.companies_added)


def dashboard_words(line: str) -> str:
    """The summary is written for the CLI; say what the dashboard's prompt calls the options."""
    return (
        line.replace(
            "(--add-companies adds those companies)", "(tick “add the companies” to add them)"
        )
        .replace("(--add-companies adds it)", "(tick “add the companies” to add it)")
        .replace(" (--verbose lists all)", "")
    )


def import_request(
    service: Service, request: ImportRequest, progress: Callable[[int, int], None]
) -> ImportSummary | OpeningsSummary:
    """Run one import: roles when a CSV's map names `opening=`, else people."""
    from rebound_tui.io.importer import import_file
    from rebound_tui.io.openings_import import import_openings_file, is_openings_map

    if request.kind == "csv" and request.mapping and is_openings_map(request.mapping):
        return import_openings_file(
            service,
            request.path,
            request.mapping,
            add_companies=request.add_companies,
            dry_run=request.dry_run,
        )
    return import_file(
        service,
        request.kind,
        request.path,
        mapping=request.mapping,
        dry_run=request.dry_run,
        add_companies=request.add_companies,
        progress=progress,
    )


class FileImports:
    """Held by the app: the import commands (LinkedIn, vCard, CSV), each run in an "import"
    worker thread."""

    def __init__(self, app: ImportHost) -> None:
        self.app = app

    def ask(self, kind: str) -> None:
        from rebound_tui.ui.screens.importing import ImportPrompt

        def chosen(request: ImportRequest | None) -> None:
            if request is not None:
                self.start(request)

        self.app.push_screen(ImportPrompt(kind), chosen)

    def start(self, request: ImportRequest) -> None:
        from rebound_tui.io.importer import SOURCES
        from rebound_tui.ui.screens.importing import ImportProgress

        source = SOURCES.get(request.kind, request.kind)
        dry = " (dry run)" if request.dry_run else ""
        progress = ImportProgress(f"Importing {request.path.name} · {source}{dry}")
        self.app.importing = True  # the store worker waits; see StoreWorker._store_busy
        self.app.push_screen(progress)
        self.app.run_worker(
            partial(self._import_in_thread_work, request, progress),
            name="_import_in_thread",
            thread=True,
            group="import",
            exit_on_error=False,
        )

    def _import_in_thread_work(self, request: ImportRequest, screen: ImportProgress) -> None:
        from rebound_tui.service import ServiceError

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(screen.advance, done, total)

        outcome = ImportOutcome()
        try:
            with self.app.service.batch():
                outcome.summary = import_request(self.app.service, request, progress)
        except (ServiceError, ValueError) as exc:  # InputError is a ServiceError
            outcome.error = str(exc)
        except Exception as exc:  # a bug: say so rather than leave the progress bar up
            outcome.error = f"the import failed: {type(exc).__name__}: {exc}"
        self.app.call_from_thread(self._import_finished, request, screen, outcome)

    def _import_finished(
        self, request: ImportRequest, screen: ImportProgress, outcome: ImportOutcome
    ) -> None:
        from rebound_tui.io.importer import SOURCES
        from rebound_tui.ui.screens.importing import ImportResult

        self.app.importing = False
        if screen.is_current:
            screen.dismiss(None)
        source = SOURCES.get(request.kind, request.kind)
        summary = outcome.summary
        if summary is None:
            lines = [outcome.error or "the import failed", "", "Nothing was changed."]
            self.app.push_screen(ImportResult(f"{source} import failed", lines, error=True))
        else:
            lines = [dashboard_words(line) for line in summary.lines()]
            if wrote_something(summary):
                self.app.changed()  # saved by the store worker, as any change
                lines += ["", "u on the dashboard undoes the whole import."]
            self.app.push_screen(ImportResult(f"{source} import · {request.path.name}", lines))
        self.app.import_finished()  # a theme picked, a save or poll that waited for the import
