"""SVG snapshots of the help screen and of a form showing validation errors (80x24).

Update after a deliberate change with: pytest tests/ui/test_screen_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from rebound_tui.ui.screens import CompanyForm, ContactForm, HelpScreen

try:  # tests/ui may or may not be a package
    from .screen_fixtures import Harness, make_service, type_in
except ImportError:
    from screen_fixtures import Harness, make_service, type_in

HELP = [
    (
        "Everywhere",
        [
            ("j ↓", "Down"),
            ("k ↑", "Up"),
            ("g", "First"),
            ("G", "Last"),
            ("tab", "Next pane"),
            ("1", "Bullpen"),
            ("2", "Network"),
            ("3", "Due today"),
            ("/", "Search"),
            ("?", "Help"),
            ("ctrl+p", "Commands"),
            ("q", "Quit"),
        ],
    ),
    (
        "Due today",
        [
            ("d enter", "Done"),
            ("s", "Snooze"),
            ("r", "Reschedule"),
            ("x", "Drop"),
            ("e", "Edit"),
            ("u", "Undo"),
            (".", "Repeat the last action"),
        ],
    ),
    ("Bullpen", [("a", "Add company"), ("e", "Edit"), ("D", "Delete"), ("l", "Log")]),
]


def test_help_screen(snap_compare) -> None:
    assert snap_compare(Harness(lambda: HelpScreen(HELP)), terminal_size=(80, 24))


def test_company_form_with_errors(snap_compare, tmp_path: Path) -> None:
    service = make_service(tmp_path / "r.json")

    async def fill(pilot: Pilot) -> None:
        await type_in(pilot, "#field-name", "acme")
        await type_in(pilot, "#field-website", "acme.example")
        await type_in(pilot, "#field-priority", "9")
        await pilot.press("ctrl+s")
        await pilot.pause()

    app = Harness(lambda: CompanyForm(service, None))
    assert snap_compare(app, terminal_size=(80, 24), run_before=fill)


def test_contact_form_fits_80x24(snap_compare, tmp_path: Path) -> None:
    service = make_service(tmp_path / "r.json")
    acme = service.find_company("Acme")
    app = Harness(lambda: ContactForm(service, None, acme))
    assert snap_compare(app, terminal_size=(80, 24))
