"""Importing from the dashboard: which file (and, for a CSV, which column is which), a progress
bar while it runs, and the summary afterwards.

The screens only ask and show; the app runs the import in a worker thread (actions/importing.py)
and feeds the progress bar from it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Static

from rebound_tui.io import InputError
from rebound_tui.io.csvmap import MAP_FIELDS, parse_map
from rebound_tui.io.openings_import import OPENING_MAP_FIELDS, is_openings_map, parse_opening_map
from rebound_tui.ui import text as ui_text
from rebound_tui.ui.widgets.safe_input import SafeInput
from rebound_tui.ui.widgets.tick_box import TickBox

__all__ = ["ImportPrompt", "ImportProgress", "ImportRequest", "ImportResult", "KINDS"]

# kind -> (what the file is, a placeholder path)
KINDS: dict[str, tuple[str, str]] = {
    "linkedin": (
        "LinkedIn connections (Connections.csv or the ZIP)",
        "~/Downloads/Connections.csv",
    ),
    "vcard": ("vCard contacts (.vcf)", "~/Downloads/contacts.vcf"),
    "csv": ("CSV file", "~/Documents/people.csv"),
}


def expand(path: str) -> Path:
    return Path(path.strip()).expanduser()


class FileValidator(Validator):
    """A file that exists (not a folder); `~` is the home folder."""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.failure("give the path of the file")
        path = expand(value)
        if path.is_dir():
            return self.failure(f"{path} is a folder: give the file in it")
        if not path.is_file():
            return self.failure(f"no such file: {path}")
        return self.success()


def map_help(spec: str) -> str:
    """The fields a map may name: of people, or of roles once it names `opening=`."""
    if is_openings_map(spec):
        return "fields of roles: " + ", ".join(OPENING_MAP_FIELDS)
    return "fields: " + ", ".join(MAP_FIELDS) + " · opening=COLUMN imports roles instead"


class MapValidator(Validator):
    """An optional --map: the same check as the CLI's (of roles when it names `opening=`)."""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        try:
            if is_openings_map(value):
                parse_opening_map(value)
            else:
                parse_map(value)
        except InputError as exc:
            return self.failure(str(exc).replace("--map", "map"))
        return self.success()


@dataclass(frozen=True)
class ImportRequest:
    """What to import and how (the arguments of io.importer.import_file)."""

    kind: str
    path: Path
    mapping: str | None = None
    dry_run: bool = False
    add_companies: bool = False


DRY_RUN = "dry run: show what would change, write nothing"
ADD_COMPANIES = "add the companies not in the bullpen yet"


class ImportPrompt(ModalScreen[ImportRequest | None]):
    """The file, the map (CSV only), dry run and "add companies"; ctrl+s or enter starts."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "start", "Import", priority=True),
    ]

    def __init__(self, kind: str, *, path: str = "", dry_run: bool = False) -> None:
        super().__init__()
        self.kind = kind
        self.initial_path = path
        self.initial_dry_run = dry_run
        self._rows: int | None = None  # how many people (or roles) the file holds, once read
        self._roles = False  # the map names `opening=`: the rows are roles

    def compose(self) -> ComposeResult:
        what, example = KINDS[self.kind]
        with Vertical(classes="prompt-box", id="import-box") as box:
            box.border_title = ui_text.line(f"Import {what}")
            yield SafeInput(
                self.initial_path,
                placeholder=f"path, e.g. {example}",
                validators=[FileValidator()],
                id="import-path",
            )
            yield Label("", classes="prompt-message", id="import-path-message")
            if self.kind == "csv":
                yield SafeInput(
                    placeholder="map (optional): name=Full Name,company=Org,email=E-mail",
                    validators=[MapValidator()],
                    id="import-map",
                )
                yield Label(
                    map_help(""),
                    classes="prompt-message",
                    id="import-map-message",
                )
            yield TickBox(DRY_RUN, self.initial_dry_run, id="import-dry-run", compact=True)
            yield TickBox(ADD_COMPANIES, id="import-add-companies", compact=True)
            with Horizontal(classes="prompt-buttons"):
                yield Label("ctrl+s start · esc cancel", classes="prompt-keys")
                yield Button(self.start_label(), id="import-start", variant="primary", compact=True)
                yield Button("Cancel", id="import-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    # -- what the start button says ---------------------------------------------------------
    def start_label(self) -> str:
        """What pressing start will do: "Preview" on a dry run, else "Import N people" (or
        "Import N roles" for a map of openings) once the file is read ("Import" until then)."""
        try:
            dry = self.query_one("#import-dry-run", Checkbox).value
        except NoMatches:
            dry = self.initial_dry_run
        if dry:
            return "Preview (dry run)"
        if self._rows is None:
            return "Import"
        if self._roles:
            return f"Import {self._rows:,} {'role' if self._rows == 1 else 'roles'}"
        return f"Import {self._rows:,} {'person' if self._rows == 1 else 'people'}"

    def _show_start(self) -> None:
        with contextlib.suppress(NoMatches):
            self.query_one("#import-start", Button).label = self.start_label()

    @on(Checkbox.Changed)
    def _ticked(self) -> None:
        self._show_start()

    def _count_later(self) -> None:
        """Count the people (or roles) in the file the path names, off the UI thread."""
        self._rows = None
        self._show_start()
        field = self.query_one("#import-path", Input)
        outcome = field.validate(field.value)
        if outcome is None or outcome.is_valid:
            mapping = ""
            if self.kind == "csv":
                mapping = self.query_one("#import-map", Input).value.strip()
            self._count(expand(field.value), mapping or None)

    @work(thread=True, exclusive=True, group="import-count", exit_on_error=False)
    def _count(self, path: Path, mapping: str | None) -> None:
        from rebound_tui.io.importer import read_rows
        from rebound_tui.io.openings_import import read_opening_rows

        roles = mapping is not None and is_openings_map(mapping)
        try:
            if roles and mapping is not None:
                rows = len(read_opening_rows(path, mapping)[0])
            else:
                rows = len(read_rows(self.kind, path, mapping))
        except Exception:  # an unreadable file: the import itself says why
            return
        self.app.call_from_thread(self._counted, path, mapping, rows)

    def _counted(self, path: Path, mapping: str | None, rows: int) -> None:
        field = self.query_one("#import-path", Input)
        now = self.query_one("#import-map", Input).value.strip() if self.kind == "csv" else ""
        if expand(field.value) == path and (now or None) == mapping:
            self._rows = rows
            self._roles = mapping is not None and is_openings_map(mapping)
            self._show_start()

    def _check(self, selector: str, *, show: bool = True) -> bool:
        """Validate one input and show its message; True when it is fine."""
        field = self.query_one(selector, Input)
        outcome = field.validate(field.value)
        ok = outcome is None or outcome.is_valid
        message = self.query_one(f"{selector}-message", Label)
        if not ok and show and outcome is not None:
            message.update(ui_text.note(outcome.failure_descriptions[0]))
        elif selector == "#import-map":
            message.update(map_help(field.value))
        else:
            message.update("")
        message.set_class(not ok and show, "-error")
        return ok

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        # The path is judged once the user stops typing it (enter or the import key).
        if event.input.id == "import-map":
            self._check("#import-map")
        elif event.input.id == "import-path":
            self._check("#import-path", show=False)
        self._count_later()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "import-path" and self.kind == "csv":
            if self._check("#import-path"):
                self.query_one("#import-map", Input).focus()
            return
        self.action_start()

    @on(Button.Pressed, "#import-start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#import-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_start(self) -> None:
        fine = self._check("#import-path")
        if self.kind == "csv":
            fine = self._check("#import-map") and fine
        if not fine:
            self.query_one("#import-path", Input).focus()
            return
        mapping = self.query_one("#import-map", Input).value.strip() if self.kind == "csv" else ""
        self.dismiss(
            ImportRequest(
                kind=self.kind,
                path=expand(self.query_one("#import-path", Input).value),
                mapping=mapping or None,
                dry_run=self.query_one("#import-dry-run", Checkbox).value,
                add_companies=self.query_one("#import-add-companies", Checkbox).value,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class ImportProgress(ModalScreen[None]):
    """A progress bar while the worker reads and matches the rows. It cannot be cancelled: the
    import is one all-or-nothing step (u undoes it afterwards)."""

    CSS_PATH = "screens.tcss"

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box", id="import-progress-box") as box:
            box.border_title = ui_text.line(self.title_text)
            yield Label("reading the file…", id="import-progress-label")
            yield ProgressBar(id="import-progress", show_eta=False)

    def advance(self, done: int, total: int) -> None:
        """Called (on the UI thread) as rows are matched."""
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#import-progress-label", Label).update(
            f"matching the people: {done:,} of {total:,}"
        )


class ImportResult(ModalScreen[None]):
    """The summary lines (or the error), scrollable; escape, enter or q closes."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", "Close"),
        Binding("j,down", "scroll('down')", "Down", show=False),
        Binding("k,up", "scroll('up')", "Up", show=False),
        Binding("G,end", "scroll('end')", "Bottom", show=False),
        Binding("g,home", "scroll('home')", "Top", show=False),
    ]

    def __init__(self, title: str, lines: list[str], *, error: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.error = error

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="import-result-box") as box:
            box.border_title = ui_text.line(self.title_text)
            box.border_subtitle = "esc · enter close"
            yield Static(ui_text.note("\n".join(self.lines)), id="import-result-lines")
        box.set_class(self.error, "-error")

    def on_mount(self) -> None:
        self.query_one("#import-result-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, where: str) -> None:
        box = self.query_one("#import-result-box", VerticalScroll)
        {
            "down": box.scroll_down,
            "up": box.scroll_up,
            "home": box.scroll_home,
            "end": box.scroll_end,
        }[where](animate=False)
