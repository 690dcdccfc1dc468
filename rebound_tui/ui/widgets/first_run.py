"""The first-run guide: on a file with nothing in it yet, the due pane leads the first minutes.

Five steps, one key each, ticked (✓) as their data appears (`Service.first_run_steps`,
domain/first_run.py): `a` adds the company that said no and `R` records the rejection (the
Bullpen's own keys, run in the Bullpen), `b` adds its boss (the Network's add, with the company
and the role boss filled in), `l` imports LinkedIn connections, `p` says where the data file is
and how to sync it.

The rule: the guide shows in place of the due pane's empty state while nothing is due and steps
1-3 are not all done; `x` hides it (remembered in the data file, so it stays hidden on every
machine). The help screen's `f` shows it again, whatever the data, until `x`. The due pane holds
a `FirstRunSlot` and asks it, on every refresh, whether the guide or the table shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from rebound_tui.display import line as shown

if TYPE_CHECKING:
    from rebound_tui.domain.first_run import FirstRunSteps
    from rebound_tui.ui.widgets import Pane

__all__ = ["HIDDEN_SETTING", "FirstRunGuide", "FirstRunSlot", "home_path"]

HIDDEN_SETTING = "first_run_guide"  # value "hidden": the user pressed x
SHOW_AGAIN = "first_run"  # what the help screen answers when asked to show the guide again


def home_path(path: Path) -> str:
    """The data file's absolute path, `~/` for the home folder, control characters escaped."""
    path = path.absolute()
    try:
        text = "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        text = str(path)
    return shown(text, limit=None)


class FirstRunGuide(Static, can_focus=True):
    """The five steps with their keys; the keys start each step from here."""

    HELP_TITLE = "First steps"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_company", "Company", tooltip="Add the company that said no"),
        Binding("b", "add_boss", "Boss", tooltip="Add the boss who said no (role boss)"),
        Binding("R", "reject", "Reject", tooltip="Record the rejection: the plan appears"),
        Binding("l", "linkedin", "LinkedIn", tooltip="Import your LinkedIn connections"),
        Binding("p", "sync_info", "Sync", tooltip="Where the data file is, how to sync it"),
        Binding("x", "hide", "Hide", tooltip="Hide the guide (? then f shows it again)"),
    ]

    def __init__(self, slot: FirstRunSlot) -> None:
        super().__init__(id="first-run")
        self.slot = slot

    def show_steps(self, steps: FirstRunSteps, path: Path) -> None:
        from rebound_tui.domain.first_run import STEPS

        names = (steps.company_name, steps.boss_name, "", "", "")
        lines = [Content.styled("Your first five minutes: one key each", "bold")]
        for (key, what), done, name in zip(STEPS, steps.done, names, strict=True):
            lines.append(
                Content.assemble(
                    ("✓ " if done else "  ", "$success"),
                    (f"{key}  ", "bold $primary"),
                    (what, "$text-muted" if done else ""),
                    (f" · {shown(name)}" if name else "", "bold"),
                )
            )
        lines.append(Content.assemble("     ", (home_path(path), "$text-muted")))
        lines.append(Content.styled("x hides this guide · ? then f shows it again", "$text-muted"))
        self.update(Content("\n").join(lines))

    # -- the steps: each starts the dashboard's own action ---------------------------------------
    async def _in_pane(self, pane_id: str, action: str) -> None:
        await self.app.run_action(action, default_namespace=self.app.query_one(f"#{pane_id}"))

    async def action_add_company(self) -> None:
        await self._in_pane("bullpen", "add_company")

    async def action_reject(self) -> None:
        await self._in_pane("bullpen", "reject_company")

    def action_add_boss(self) -> None:
        """The Network's add, for the company selected in the Bullpen, role boss."""
        from rebound_tui.ui.actions.records import near_duplicate, select
        from rebound_tui.ui.dashboard import dashboard_of
        from rebound_tui.ui.screens.forms import BossForm

        app = dashboard_of(self)
        row = getattr(self.app.query_one("#bullpen"), "current", None)
        company = app.service.company(row.id) if row is not None else None
        network: Pane[Any] = self.app.query_one("#network")  # type: ignore[assignment]
        app.open_form(
            BossForm,
            (None, company),
            lambda d: app.service.add_contact(**d),
            lambda p: select(app, network, p.id, f"Added {shown(p.name)}"),
            confirm=lambda d: near_duplicate(app, d, "contact"),
        )

    async def action_linkedin(self) -> None:
        await self.app.run_action("import('linkedin')")

    def action_sync_info(self) -> None:
        from rebound_tui.ui.dashboard import dashboard_of
        from rebound_tui.ui.screens.sync_info import SyncInfo

        service = dashboard_of(self).service
        self.app.push_screen(SyncInfo(home_path(service.path), service.first_run_steps().synced))

    def action_hide(self) -> None:
        self.slot.hide()


class FirstRunSlot:
    """Where the guide shows: in the due pane, instead of its table (see the module's rule)."""

    # The due pane's keys for items and search: off while the guide shows (there are none).
    ITEM_ACTIONS = frozenset(
        {"done", "snooze", "reschedule", "drop", "edit_follow_up", "show_draft", "edit_draft"}
        | {"copy_draft", "mail_draft", "repeat", "search"}
    )

    def __init__(self, pane: Pane[Any]) -> None:
        self.pane = pane
        self.guide = FirstRunGuide(self)
        self.shown = False
        self.forced = False  # asked for from the help screen: shows until x
        self.has_rows = False

    def update(self, has_rows: bool, *, announce: bool = True) -> None:
        """After the due rows changed: the guide or the table (`announce`: say so when the
        guide goes because steps 1-3 are done)."""
        self.has_rows = has_rows
        app = self.pane.app
        if not getattr(app, "loaded", False):
            return  # the cached first screen: the data is not open yet
        service = self.pane.dashboard.service
        steps = service.first_run_steps() if self.forced or not has_rows else None
        show = self.forced or (
            steps is not None and not steps.started and service.setting(HIDDEN_SETTING) != "hidden"
        )
        if show and steps is not None:
            self.guide.show_steps(steps, service.path)
        if show == self.shown:
            return
        had_focus = self.pane.has_focus_within
        self.shown = show
        self.pane.set_class(show, "-first-run")
        self.pane.refresh_bindings()
        if announce and not show and steps is not None and steps.started:
            app.notify(
                "First steps done: the plan is in Due today. ? then f shows the guide again "
                "(LinkedIn, sync)",
                timeout=8,
                markup=False,
            )
        if had_focus:
            self.pane.focus_table()

    def take_focus(self) -> bool:
        """Focus the guide if it shows (the due pane's table is hidden then)."""
        if self.shown:
            self.pane.screen.set_focus(self.guide)
        return self.shown

    def hide(self) -> None:
        """x: hidden, and remembered in the data file while the rule would still show it."""
        was_forced, self.forced = self.forced, False
        service = self.pane.dashboard.service
        if service.setting(HIDDEN_SETTING) != "hidden" and not (
            was_forced and service.first_run_steps().started
        ):
            self.pane.dashboard.perform(lambda: service.set_setting(HIDDEN_SETTING, "hidden"))
        self.update(self.has_rows, announce=False)
        self.pane.notify("Guide hidden: ? then f shows it again", timeout=4, markup=False)

    def after_help(self, answer: object) -> None:
        """The help screen closed: `f` there asks for the guide again."""
        if answer == SHOW_AGAIN:
            self.forced = True
            self.update(self.has_rows)
            self.pane.app.call_later(self.pane.app.run_action, "focus_pane('due')")
