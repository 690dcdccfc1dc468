"""The help screen lists every key, and its sections come from the bindings themselves."""

from __future__ import annotations

from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Static

from rebound_tui.ui.screens import HelpScreen, sections_from_bindings
from rebound_tui.ui.screens.help import key_label

try:  # tests/ui may or may not be a package
    from .screen_fixtures import Harness, text_of
except ImportError:
    from screen_fixtures import Harness, text_of

SECTIONS = [
    ("Everywhere", [("?", "help"), ("q", "quit"), ("1 2 3", "change pane")]),
    ("Due today", [("d enter", "done"), ("s", "snooze"), ("u", "undo")]),
]


async def test_help_shows_every_key_grouped() -> None:
    app = Harness(lambda: HelpScreen(SECTIONS))
    async with app.run_test():
        headings = [str(w.render()) for w in app.screen.query(".help-heading")]
        assert headings == ["Everywhere", "Due today"]
        bodies = [str(w.render()) for w in app.screen.query(".help-keys")]
        for (_, rows), body in zip(SECTIONS, bodies, strict=True):
            for key, text in rows:
                assert any(
                    line.split() == [*key.split(), *text.split()] for line in body.splitlines()
                ), (key, text, body)


@pytest.mark.parametrize("key", ["escape", "question_mark", "q"])
async def test_help_closes_with(key: str) -> None:
    app = Harness(lambda: HelpScreen(SECTIONS))
    async with app.run_test() as pilot:
        await pilot.press(key)
        await pilot.pause()
    assert app.results == [None]


async def test_a_long_help_scrolls() -> None:
    rows = [(f"k{n}", f"key number {n}") for n in range(80)]
    app = Harness(lambda: HelpScreen([("Many", rows)]))
    async with app.run_test(size=(80, 24)) as pilot:
        box = app.screen.query_one("#help-box")
        await pilot.press("G")
        await pilot.pause()
        assert box.scroll_y > 40
        assert "key number 79" in text_of(pilot, ".help-keys")


# -- collecting the bindings ------------------------------------------------------------------


class DuePane(DataTable):
    HELP_TITLE = "Due today"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d,enter", "done", "Done"),
        Binding("s", "snooze", "Snooze"),
        Binding("x", "drop", "Drop", show=False),
    ]


class BullpenPane(Vertical, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [("a", "add", "Add company"), ("D", "delete", "")]


class Dashboard(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
        Binding("1", "pane(1)", "Bullpen"),
    ]

    def compose(self) -> ComposeResult:
        yield BullpenPane(Static("bullpen"))
        yield DuePane()
        yield Footer()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(sections_from_bindings(self)))


async def test_sections_from_bindings_lists_app_and_pane_keys_focused_first() -> None:
    app = Dashboard()
    async with app.run_test() as pilot:
        app.query_one(DuePane).focus()
        await pilot.pause()
        sections = dict(sections_from_bindings(app))
        order = [title for title, _ in sections_from_bindings(app)]
        assert order == ["Everywhere", "Due today", "Bullpen pane"]
        assert sections["Everywhere"] == [
            ("?", "Help"),
            ("q", "Quit"),
            ("1", "Bullpen"),
            ("ctrl+p", "Commands"),
        ]
        # Keys of one action share a row; hidden (show=False) keys are listed too.
        assert sections["Due today"] == [("d enter", "Done"), ("s", "Snooze"), ("x", "Drop")]
        assert sections["Bullpen pane"] == [("a", "Add company"), ("D", "Delete")]
        # Textual's own DataTable keys (cursor movement...) are not repeated.
        assert all("Cursor" not in text for _, text in sections["Due today"])


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("question_mark", "?"),
        ("G", "G"),
        ("escape", "esc"),
        ("ctrl+s", "ctrl+s"),
        ("shift+tab", "shift+tab"),
        ("enter", "enter"),
        ("down", "↓"),
        ("slash", "/"),
    ],
)
def test_key_labels(key: str, label: str) -> None:
    assert key_label(Binding(key, "x")) == label


async def test_every_declared_binding_reaches_the_help_screen() -> None:
    app = Dashboard()
    async with app.run_test() as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(w.render()) for w in app.screen.query(".help-keys"))
        for cls in (Dashboard, DuePane, BullpenPane):
            for binding in Binding.make_bindings(cls.BINDINGS):
                shown = key_label(binding)
                assert any(shown in line.split() for line in text.splitlines()), binding
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
