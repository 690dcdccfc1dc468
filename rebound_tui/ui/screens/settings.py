"""Settings: the playbook's rules, the message templates, the theme and the name drafts sign with.

Everything is read from and written through the service (rules, templates and settings live in
the data file, so they follow the user to their other machines). Writes go through the host (the
app), which shows a refusal, saves soon after, and lets `u` undo them on the dashboard. The
Playbook and Templates tabs live in settings_rules.py and settings_templates.py.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, OptionList, TabbedContent, TabPane
from textual.widgets.option_list import Option

from rebound_tui.domain.drafts import TEMPLATE_LABELS
from rebound_tui.ui.screens.prompts import ConfirmScreen
from rebound_tui.ui.screens.settings_host import SettingsHost
from rebound_tui.ui.screens.settings_mail import MailPane
from rebound_tui.ui.screens.settings_rules import RulesPane
from rebound_tui.ui.screens.settings_templates import TemplatesPane
from rebound_tui.ui.watchers import drop_dead_watchers
from rebound_tui.ui.widgets.safe_input import SafeInput

__all__ = ["GeneralPane", "RulesPane", "SettingsHost", "SettingsScreen", "TemplatesPane"]

MY_NAME = "my_name"


# -- general ----------------------------------------------------------------------------------
class GeneralPane(Vertical):
    """Your name (drafts sign with it) and the theme (remembered in the data file)."""

    HELP_TITLE = "General"

    def __init__(self, host: SettingsHost) -> None:
        super().__init__(id="general-pane")
        self.host = host

    def compose(self) -> ComposeResult:
        name = self.host.service.setting(MY_NAME) or ""
        yield Label("Your name (the drafts sign with it; enter saves)", classes="settings-label")
        yield SafeInput(name, placeholder="e.g. Pat Jones", id="my-name", compact=True)
        yield Label("Theme (enter picks; the choice is remembered)", classes="settings-label")
        yield OptionList(id="theme-list")

    def on_mount(self) -> None:
        names = sorted(self.app.available_themes)
        listing = self.query_one("#theme-list", OptionList)
        listing.set_options([Option(name, id=name) for name in names])
        if self.app.theme in names:
            listing.highlighted = names.index(self.app.theme)

    @on(Input.Submitted, "#my-name")
    def _name_given(self, event: Input.Submitted) -> None:
        event.stop()
        service = self.host.service
        value = event.value.strip() or None
        if self.host.perform(
            lambda: service.set_setting(MY_NAME, value) or True,
            f"Drafts sign as {value}" if value else "Drafts are not signed with a name",
        ):
            self.query_one("#theme-list").focus()

    @on(OptionList.OptionSelected, "#theme-list")
    def _theme_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.theme = event.option.id


# -- the screen -------------------------------------------------------------------------------
class SettingsScreen(Screen[None]):
    """Four tabs: 1 Playbook, 2 Templates, 3 General, 4 Mail. Escape goes back."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("1", "tab('playbook')", "Playbook", show=False),
        Binding("2", "tab('templates')", "Templates", show=False),
        Binding("3", "tab('general')", "General", show=False),
        Binding("4", "tab('mail')", "Mail", show=False),
    ]

    # The tabs in order, with what each holds. Only the tab shown is in the first frame; the
    # others are mounted right after it (a screen in view within 100 ms, issue 14). Keys typed
    # meanwhile wait for `complete` (key_order.py).
    TABS: ClassVar[tuple[tuple[str, str, type[Widget]], ...]] = (
        ("playbook", "1 Playbook", RulesPane),
        ("templates", "2 Templates", TemplatesPane),
        ("general", "3 General", GeneralPane),
        ("mail", "4 Mail", MailPane),
    )

    def __init__(self, host: SettingsHost, tab: str = "playbook") -> None:
        super().__init__()
        self.host = host
        self.initial_tab = tab
        self.complete = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield Label(
            "Settings · 1 Playbook · 2 Templates · 3 General · 4 Mail · esc back",
            id="settings-title",
        )
        with TabbedContent(initial=self.initial_tab, id="settings-tabs"):
            for tab, title, pane in self.TABS:
                with TabPane(title, id=tab):
                    if tab == self.initial_tab:
                        yield pane(self.host)  # type: ignore[call-arg]
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.action_tab(self.initial_tab)
        self.call_after_refresh(self._mount_rest)

    async def _mount_rest(self) -> None:
        """After the first frame: the tabs not shown."""
        if self.is_attached:
            for tab, _title, pane in self.TABS:
                if tab != self.initial_tab:
                    await self.query_one(f"#{tab}", TabPane).mount(pane(self.host))  # type: ignore[call-arg]
        self.complete.set()

    def on_unmount(self) -> None:
        # The template editor (a TextArea) watches the app's theme: once this screen is gone,
        # the app lets go of it (ui/watchers.py).
        self.app.call_after_refresh(drop_dead_watchers, self.app)

    @property
    def rules(self) -> RulesPane:
        return self.query_one(RulesPane)

    @property
    def templates(self) -> TemplatesPane:
        return self.query_one(TemplatesPane)

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        first = {
            "playbook": "#rules-table",
            "templates": "#template-list",
            "general": "#my-name",
            "mail": "#my-emails",
        }
        self.query_one(first[tab]).focus()

    def action_close(self) -> None:
        unsaved = self.templates.unsaved
        if not unsaved:
            self.dismiss(None)
            return
        names = ", ".join(f"“{TEMPLATE_LABELS[k]}”" for k in unsaved)

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        question = f"Leave without saving your changes to {names}?"
        self.app.push_screen(ConfirmScreen(question, title="Unsaved template"), answered)
