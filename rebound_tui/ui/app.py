"""ReboundApp: the morning dashboard. Three panes, one keystroke per decision.

The app composes the panes, routes messages between them and owns start-up. Each pane owns its
keys and actions (panes/*.py); they write through the app's `perform` / `open_form` / `write`
(ui/dashboard.py says what they may ask), so a refusal is shown, a change is saved soon, and a
background write never interleaves with one made on the UI thread. The app holds its helpers:
`start` (start.py: the first paint, the fast start from the cache, the deferred open), `store`
(store_worker.py: saves, the disk poll, never on the UI thread except the last save on quit),
`drafts` (drafts.py), the imports (actions/), `pane_layout` (layout.py) and keys in order
(key_order.py). For a quick first paint it imports only what the frame needs (not the screens,
the service, the views)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import events, on
from textual.actions import ActionParseResult
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.events import DescendantFocus, Resize
from textual.widgets import Header
from textual.worker import Worker, WorkerFailed

from rebound_tui.ui import commands
from rebound_tui.ui.actions.importing import IMPORT_COMMANDS, FileImports
from rebound_tui.ui.actions.mail_import import MAIL_COMMANDS, MailImports
from rebound_tui.ui.dashboard import user_errors
from rebound_tui.ui.drafts import Drafts
from rebound_tui.ui.insights_cache import InsightsCache
from rebound_tui.ui.key_order import InOrderKeys
from rebound_tui.ui.layout import PaneLayout
from rebound_tui.ui.loading import LOADING, needs_data
from rebound_tui.ui.pane_refresh import PaneRefresh
from rebound_tui.ui.panes.bullpen import BullpenPane
from rebound_tui.ui.panes.due import DuePane
from rebound_tui.ui.panes.network import NetworkPane
from rebound_tui.ui.start import Start
from rebound_tui.ui.store_worker import StoreWorker
from rebound_tui.ui.text import LiteralText
from rebound_tui.ui.theme import ThemeMemory
from rebound_tui.ui.widgets import Pane, RecordTable, StatusLine
from rebound_tui.ui.widgets.footer import DashboardFooter

if TYPE_CHECKING:
    from collections.abc import Mapping

    from textual.widgets import Tabs

    from rebound_tui.service import Service
    from rebound_tui.startup import FileState, FirstScreen
    from rebound_tui.ui.screens.form_base import Confirm, RecordForm
    from rebound_tui.views_helper import ViewsHelper

__all__ = ["LOADING", "ReboundApp", "make_app"]

R = TypeVar("R")


class ReboundApp(InOrderKeys, LiteralText, App[None]):
    """The dashboard on one service (one data file).

    LiteralText stays a mixin: it only overrides two of App's own hooks (`notify`,
    `format_title`) so that every toast and the header are literal text, whoever calls them;
    overriding a base class's methods is what a mixin is for, and it holds no state."""

    CSS_PATH = "app.tcss"
    TITLE = "rebound"
    COMMANDS = App.COMMANDS | {commands.ReboundCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "focus_pane('bullpen')", "Bullpen", show=False, tooltip="Go to the Bullpen"),
        Binding("2", "focus_pane('network')", "Network", show=False, tooltip="Go to the Network"),
        Binding("3", "focus_pane('due')", "Due", show=False, tooltip="Go to Due today"),
        Binding("u", "undo", "Undo", tooltip="Undo the last change"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Show every key"),
        Binding("S", "settings", "Settings", show=False),
        Binding("i", "insights", "Insights", show=False, tooltip="Insights: the rebound adding up"),
        Binding("q", "leave", "Quit", tooltip="Save and quit"),
    ]
    # Commands without a key, listed in the command palette: (name, help, action).
    PALETTE_COMMANDS: ClassVar[tuple[tuple[str, str, str], ...]] = (
        *((name, help_text, f"import('{kind}')") for name, help_text, kind in IMPORT_COMMANDS),
        *MAIL_COMMANDS,
    )
    # Keys of the dashboard itself: off while a detail screen is on top ("1" must not move the
    # panes behind it, "u" not undo unseen). Modal screens hide the app's keys by themselves.
    # ctrl+q still quits from anywhere.
    DASHBOARD_ONLY: ClassVar[frozenset[str]] = frozenset(
        {"focus_pane", "next_pane", "undo", "help", "leave", "insights"}
    )
    # Actions that need no data: they run while the data is loading.
    NO_DATA_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"focus_pane", "next_pane", "help", "leave", "quit"}
    )

    def __init__(
        self,
        service: Service | None = None,
        *,
        opener: Callable[[], tuple[Service, FileState | None]] | None = None,
        first_screen: FirstScreen | None = None,
        first_day: dt.date | None = None,
        file_state: FileState | None = None,
        views_helper: ViewsHelper | None = None,
        cache_first_screen: bool = True,
        data_label: str | None = None,
        poll_seconds: float = 1.0,
        save_delay: float = 0.3,
    ) -> None:
        """Either a `service`, or an `opener` (run in a thread after the first paint) with the
        `first_screen` to paint until then, for `first_day`, and maybe a `views_helper` (a child
        process building the panes' rows meanwhile). `file_state`: the data file's state as the
        service read it, when that is known (the first screen is cached for it).
        `cache_first_screen`: keep the first screen after saves (not for a throwaway file)."""
        super().__init__()
        if service is None and (opener is None or first_screen is None):
            raise ValueError("give a service, or an opener and a first screen")
        self.loaded = service is not None
        if service is not None:
            from rebound_tui.views import Views

            self.service = service
            self.views = Views(service)
        self.start = Start(
            self,
            opener=opener,
            first_screen=first_screen,
            first_day=first_day,
            file_state=file_state,
            helper=views_helper,
        )
        self.cache_first_screen = cache_first_screen
        self.load_error: BaseException | None = None  # the deferred open failed: the app exits
        self.data_label = data_label or (service.path.name if service is not None else "")
        self.poll_seconds = poll_seconds
        self.save_delay = save_delay
        self.due = DuePane()
        self.bullpen = BullpenPane()
        self.network = NetworkPane()
        self.lower = Horizontal(id="lower")
        self.pane_layout = PaneLayout(self, [self.bullpen, self.network, self.due], self.lower)
        self.pane_refresh = PaneRefresh(self)
        self.importing = False  # an import thread holds the data (the store worker waits)
        self.themes = ThemeMemory(self)
        self.insights = InsightsCache(self)  # the figures of `i`, computed ahead when idle
        self.store = StoreWorker(self)
        self.drafts = Drafts(self)
        self.file_imports = FileImports(self)
        self.mail_imports = MailImports(self)

    @property
    def panes(self) -> list[Pane[Any]]:
        """In key order: 1 Bullpen, 2 Network, 3 Due today."""
        return self.pane_layout.panes

    def compose(self) -> ComposeResult:
        yield Header(icon="↺")  # the tabs are mounted when the terminal is narrow
        with Vertical(id="panes"):
            yield self.due
            with self.lower:
                yield self.bullpen
                yield self.network
        yield StatusLine(on_height=self.pane_layout.fit)
        yield DashboardFooter()

    def on_mount(self) -> None:
        first = self.start.first_screen
        self.themes.apply(
            self.service.setting("theme") if self.loaded else first.theme if first else None
        )
        self.start.first_paint()
        if self.loaded:  # (else once the data is attached: start.py)
            self.call_after_refresh(self.start.add_searches)
        self.due.focus_table()
        self.pane_layout.apply()

    def on_unmount(self) -> None:
        self.start.settle(freeze=False)  # (quit before the rows were drawn: the collector on)

    def on_ready(self) -> None:  # (Textual's Ready: the first frame is on screen)
        self.start.ready()

    def start_background(self) -> None:
        if self.poll_seconds > 0:
            self.set_interval(self.poll_seconds, self.poll_disk)
        self.store.sync_cadences_soon()  # check-ins timed from the latest touches

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if self.start.worker_changed(event) or self.pane_refresh.worker_changed(event):
            return
        if event.worker.group == "store":
            self.store.state_changed(event)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Keys that need the data wait for it: they say so instead of acting on cached rows."""
        if not self.loaded and needs_data(self, action, default_namespace):
            self.notify(LOADING, timeout=2)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def on_resize(self, event: Resize) -> None:
        self.pane_layout.width = event.size.width
        self.pane_layout.apply()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self.pane_layout.focused(event.widget)

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        self.pane_layout.tab_activated(event.tabs, event.tab)

    def action_focus_pane(self, name: str) -> None:
        self.pane_layout.focus(name)

    def action_next_pane(self, step: int = 1) -> None:
        self.pane_layout.focus_next(step)

    # -- showing the data ---------------------------------------------------------------------
    def refresh_panes(self, *, force: bool = False) -> None:
        """Show the current data; cheap when nothing changed. Cursors stay on their records. On
        a large file the other panes' rows follow from a thread (pane_refresh.py)."""
        if self.importing or not self.loaded or self.start.building:
            return  # the import thread is writing: show the result when it is done
        self.pane_refresh.show(force=force)

    def set_day(self, day: dt.date) -> None:
        self.sub_title = f"{self.data_label} · {day:%a} {day.day} {day:%b %Y}"

    @on(RecordTable.Highlighted, "#bullpen-table")
    def _company_highlighted(self, event: RecordTable.Highlighted) -> None:
        """Moving in the bullpen shows that company's people in the network."""
        if event.row is not None and event.table.has_focus:
            self.network.show_company(event.row.id, event.row.company)

    @on(RecordTable.Selected)
    async def _row_selected(self, event: RecordTable.Selected) -> None:
        """A double click does what Enter does in that pane."""
        for pane in self.panes:
            if event.table is pane.table:
                await self.run_action(pane.OPEN_ACTION, default_namespace=pane)

    # -- helpers for the actions --------------------------------------------------------------
    def poll_disk(self) -> None:
        """Every poll_seconds: a new day shows, a version synced in is merged (the store)."""
        if self.service.today() != (self.pane_refresh.shown or (None, None))[1]:
            self.refresh_panes()
        self.store.poll()

    def changed(self) -> None:
        """After a write: save soon and show it."""
        self.store.schedule_save()
        self.refresh_panes()

    def write(self, call: Callable[[], R]) -> R:
        """Run a service write holding the data lock, so a background write (the cadence sync,
        an import) never interleaves with it or joins its undo step."""
        if self.importing:
            from rebound_tui.service import ServiceError

            raise ServiceError("an import is running: try again when it is done")
        with self.service.batch():
            return call()

    def perform(
        self, call: Callable[[], R], done: Callable[[R], str] | str | None = None
    ) -> R | None:
        """Run a service write; a refusal is shown, never raised. None when refused."""
        try:
            result = self.write(call)
        except user_errors() as exc:
            self.notify(str(exc), title="Not done", severity="error")
            return None
        self.changed()
        if done:
            self.notify(done(result) if callable(done) else done, timeout=3)
        return result

    def open_form(
        self,
        form_class: type[RecordForm],
        args: tuple[Any, ...],
        call: Callable[[dict[str, Any]], Any],
        after: Callable[[Any], None] | None = None,
        *,
        confirm: Confirm | None = None,
    ) -> None:
        """Push a form; the form shows the service's refusal and stays open until it works."""
        made: list[Any] = []

        def submit(values: dict[str, Any]) -> None:
            made.append(self.write(lambda: call(values)))

        def finish(values: dict[str, Any] | None) -> None:
            if values is None or not made:
                return
            self.changed()
            if after is not None:
                after(made[-1])

        extra = {"confirm": confirm} if confirm is not None else {}
        self.push_screen(form_class(self.service, *args, submit=submit, **extra), finish)

    # -- app-wide keys and commands ----------------------------------------------------------
    def action_undo(self) -> None:
        try:
            what = self.write(self.service.undo)
        except user_errors() as exc:
            self.notify(str(exc), title="Not undone", severity="error")
            return
        if what is None:
            self.notify("Nothing to undo", timeout=3)
            return
        self.changed()
        self.notify(f"Undone: {what}", timeout=4)

    def help_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The help screen's content, made from the live bindings so it cannot go stale."""
        return commands.help_sections(self)

    def action_import(self, kind: str) -> None:
        self.file_imports.ask(kind)

    def action_import_mail(self, kind: str) -> None:
        self.mail_imports.ask(kind)

    def import_finished(self) -> None:
        """After an import: remember a theme picked meanwhile, run a save that waited."""
        self.themes.remember_pending()
        self.store.finished()

    def action_help(self) -> None:
        from rebound_tui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.help_sections()), self.due.first_run.after_help)

    def action_insights(self) -> None:
        self.insights.open(self.service)  # the figures computed ahead (insights_cache.py)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.insights.typed()  # the figures are computed ahead only when no key comes
        await super().on_event(event)

    def action_settings(self, tab: str = "playbook") -> None:
        """Rules, templates, theme; what changed there shows on the dashboard afterwards."""
        from rebound_tui.ui.screens.settings import SettingsScreen

        if isinstance(self.screen, SettingsScreen):
            return
        self.push_screen(SettingsScreen(self, tab), lambda _: self.refresh_panes(force=True))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action not in self.DASHBOARD_ONLY or len(self.screen_stack) == 1

    async def action_leave(self) -> None:
        await self.action_quit()

    async def action_quit(self) -> None:
        """Save everything first; if that fails, say so and quit only when asked again."""
        if not self.store.quit_anyway:
            if self.store.save_timer is not None:
                self.store.save_timer.stop()
            if not self.loaded:
                self.notify("Quitting once the data file is open…", timeout=10)
            with contextlib.suppress(WorkerFailed):  # a failed load is handled just below
                await self.workers.wait_for_complete()
            # Quit while loading: the data may be open by now.
            if not self.loaded and not self.start.finish_for_quit():
                self.exit(return_code=1 if self.load_error is not None else 0)
                return
            if not self.store.save_before_quit():
                return
        self.exit()


def make_app(
    service: Service | None = None,
    *,
    data_label: str | None = None,
    poll_seconds: float = 1.0,
    save_delay: float = 0.3,
    **start: Any,
) -> ReboundApp:
    """The dashboard for one service (or, with `opener` and `first_screen`, for the service
    opened after the first paint): the CLI and the tests both build it here."""
    return ReboundApp(
        service, data_label=data_label, poll_seconds=poll_seconds, save_delay=save_delay, **start
    )
