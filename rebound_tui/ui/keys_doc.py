"""docs/KEYS.md, made from the bindings themselves: `python -m rebound_tui.ui.keys_doc`.

Every key is declared once, on the widget or screen that owns it; the footer, the help screen,
the command palette and this page all read those declarations, so none of them can drift. A test
checks that docs/KEYS.md is what this module prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.binding import Binding

from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.panes.bullpen import BullpenPane
from rebound_tui.ui.panes.due import DuePane
from rebound_tui.ui.panes.network import NetworkPane
from rebound_tui.ui.screens.detail import RecordDetail
from rebound_tui.ui.screens.draft import DraftScreen
from rebound_tui.ui.screens.form_base import RecordForm
from rebound_tui.ui.screens.help import HelpScreen, key_label
from rebound_tui.ui.screens.importing import ImportPrompt, ImportResult
from rebound_tui.ui.screens.insights import InsightsScreen
from rebound_tui.ui.screens.openings import OpeningsPane, OpeningsScreen
from rebound_tui.ui.screens.prompts import ConfirmScreen, DonePrompt, SnoozeChooser
from rebound_tui.ui.screens.settings import RulesPane, SettingsScreen, TemplatesPane
from rebound_tui.ui.screens.sync_info import SyncInfo
from rebound_tui.ui.widgets import Pane
from rebound_tui.ui.widgets.first_run import FirstRunGuide

__all__ = ["keys_markdown"]

MOVING = [
    ("j, k, ↓, ↑", "Move down, up"),
    ("g, G", "First, last row"),
    ("pgup, pgdn", "A page up, down"),
    ("tab, shift+tab", "Next, previous pane"),
]
HIDDEN = {"clear_search"}  # listed by hand below, with what it really does

Rows = list[tuple[str, str]]
# (heading, a sentence, the classes whose own BINDINGS are listed, keys handled without a binding)
SECTIONS: list[tuple[str, str, list[type[Any]], Rows]] = [
    (
        "Due today (3)",
        "Overdue first, then today's, most important first. `.` repeats only a decision that "
        "still stands: after `u` it does nothing, and says so.",
        [DuePane],
        [],
    ),
    (
        "First steps (a new file)",
        "On a file with nothing in it yet, Due today shows the first-run guide instead of its "
        "empty table: five steps, one key each, ticked (✓) once their data exists. `a` and `R` "
        "are the Bullpen's own keys (`R` acts on the company selected there), `b` is the "
        "Network's add with the company and the role boss filled in. The guide goes away by "
        "itself once steps 1-3 are done (a company, its boss, the rejection: the plan then "
        "shows as what comes next), or on `x`, which the data file remembers; `?` then `f` "
        "shows it again.",
        [FirstRunGuide],
        [],
    ),
    (
        "Sync your file (p in the first steps)",
        "Where the data file is, and how to put it in a synced folder.",
        [SyncInfo],
        [],
    ),
    ("Bullpen (1)", "One row per company; moving here filters the Network.", [BullpenPane], []),
    ("Network (2)", "One row per person.", [NetworkPane], []),
    ("The draft (m)", "The message drafted for a follow-up.", [DraftScreen], []),
    (
        "Done (d)",
        "The note, and whether to keep the message you sent in the interaction log.",
        [DonePrompt],
        [
            ("enter", "Done, with the note (empty: no note)"),
            ("tab, space", "Tick or untick “keep the message text in the log”"),
        ],
    ),
    ("Snooze (s)", "", [SnoozeChooser], [("enter", "Snooze to the typed day")]),
    (
        "Forms (a, e, l, f, R, o)",
        "Fields are checked as you type; a date takes the same words as the CLI. For something "
        "that happened (the log form, the rejection form, when the hire started, the day an "
        "opening was spotted) a weekday is the latest one, today included, and a later day is "
        "refused; for a follow-up or a deadline it is the next one. The log form's "
        "*Talking point* is what a later message may mention; the "
        'note stays private. Saving a company as "rejected" by hand points at `R`, which '
        "starts the plan. Keys typed quickly, or pasted, land where they were aimed, even "
        "before the form is on screen. Answering no to a question asked before saving (the "
        "cool-off guard, a close name) returns to the form as it was.",
        [RecordForm],
        [
            ("tab, shift+tab", "Next, previous field"),
            ("enter", "Next field; on the last one, save"),
            ("→", "Take the name the field completes"),
        ],
    ),
    (
        "Yes or no",
        "Deleting, resetting, leaving unsaved changes, the cool-off guard and a name close to "
        "an existing company's or person's ask first.",
        [ConfirmScreen],
        [],
    ),
    ("Details (enter)", "A company's, a person's or an opening's page.", [RecordDetail], []),
    (
        "Openings (O in the Bullpen)",
        "Every open role, by status. Each step is one change `u` undoes; its toast says what "
        "the plan set off (a rejection starts the company's plan when it was the last open role "
        "there).",
        [OpeningsScreen, OpeningsPane],
        [],
    ),
    (
        "Settings (S)",
        "Tabs: 1 Playbook (the rules), 2 Templates (the drafts), 3 General (your name, the theme).",
        [SettingsScreen, RulesPane, TemplatesPane],
        [("enter", "Playbook: edit the rule · General: save your name, pick the theme")],
    ),
    (
        "Import: the file (command palette)",
        "",
        [ImportPrompt],
        [("enter", "Next field, then import"), ("space", "Tick or untick dry run, add companies")],
    ),
    ("Import: the summary", "", [ImportResult], []),
    (
        "Insights (i)",
        "Weekly activity, the rebound funnel, persistence per company, the streak.",
        [InsightsScreen],
        [],
    ),
    ("Help (?)", "", [HelpScreen], []),
]


def _own(cls: type[Any]) -> list[Binding]:
    declared = cls.__dict__.get("BINDINGS") or []
    return list(Binding.make_bindings(declared))


def _rows(bindings: Iterable[Binding]) -> Rows:
    """One row per action: its keys together, then what it does."""
    merged: dict[tuple[str, str], list[str]] = {}
    for b in bindings:
        if not b.description or b.action in HIDDEN:
            continue
        text = b.tooltip or b.description
        keys = merged.setdefault((b.action, text), [])
        for key in b.key.split(","):
            shown = key_label(Binding(key.strip(), b.action, key_display=b.key_display))
            if shown not in keys:
                keys.append(shown)
    return [(", ".join(keys), text) for (_action, text), keys in merged.items()]


def _table(rows: Rows) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    out = ["| Key | What it does |", "| --- | --- |"]
    out += [f"| `{cell(key)}` | {cell(text)} |" for key, text in rows]
    return out


def keys_markdown() -> str:
    """The page, as Markdown: one table per place where keys work."""
    lines = [
        "# Keys",
        "",
        "Every key of the dashboard (`rebound-tui`), by where it works. The footer shows the main",
        "ones for the focused pane, `?` shows them all, and `ctrl+p` finds every action by name.",
        "",
        "## Everywhere on the dashboard",
        "",
    ]
    everywhere = [
        *MOVING,
        *_rows(_own(ReboundApp)),
        *_rows(_own(Pane)),
        ("esc", "Clear the search, then the pane's filter (stage, company)"),
        ("ctrl+p", "Command palette: every action, by name"),
        ("ctrl+q", "Quit from anywhere"),
    ]
    lines += _table(everywhere)
    for heading, sentence, classes, extra in SECTIONS:
        lines += ["", f"## {heading}", ""]
        if sentence:
            lines += [sentence, ""]
        rows: Rows = []
        for cls in classes:
            rows += [r for r in _rows(_own(cls)) if r not in rows]
        lines += _table(rows + extra)
    lines += [
        "",
        "## Only in the command palette",
        "",
        "| Command | What it does |",
        "| --- | --- |",
    ]
    lines += [f"| {name} | {text} |" for name, text, _action in ReboundApp.PALETTE_COMMANDS]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(keys_markdown(), end="")
