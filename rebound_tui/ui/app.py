"""ReboundApp: the morning dashboard. Three panes, one keystroke per decision.

The app is the only place that calls the service's write methods: panes show rows and declare
keys (`app.*` actions), modal screens return what the user decided, and the app performs it,
then schedules a save. The actions live in mixins by concept (actions/: records, due, drafts,
importing); disk work runs in the store worker (store_worker.py), never on the UI thread, except
the last save on quit, which must finish before the process ends.

Fast start: given a first screen from the cache (startup.py) instead of a service, the
app paints the due pane from it, then opens the data file in a worker thread and attaches the
service: all three panes show the real data, the due cursor on the same follow-up. Until then
the other panes say they are loading, and keys that need the data say "Loading…". So that the
first paint comes quickly, this module imports only what the dashboard's frame needs: screens,
the service and the views are imported where they are used.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import on
from textual.actions import ActionParseResult
from textual.actions import parse as parse_action
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.events import DescendantFocus, Resize
from textual.timer import Timer
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerFailed, WorkerState

from rebound_tui.ui.actions import DraftActions, DueActions, ImportActions, RecordActions
from rebound_tui.ui.actions.importing import IMPORT_COMMANDS
from rebound_tui.ui.actions.mail_import import MAIL_COMMANDS, MailImportActions
from rebound_tui.ui.commands import ReboundCommands, bindings_of, key_text
from rebound_tui.ui.key_order import InOrderKeys
from rebound_tui.ui.panes.bullpen import BullpenPane
from rebound_tui.ui.panes.due import DuePane
from rebound_tui.ui.panes.network import NetworkPane
from rebound_tui.ui.store_worker import StoreWorker, store_errors
from rebound_tui.ui.text import LiteralText
from rebound_tui.ui.widgets import Pane, RecordTable

if TYPE_CHECKING:
    from collections.abc import Mapping

    from textual.widgets import Tabs

    from rebound_tui.service import Service
    from rebound_tui.startup import FileState, FirstScreen
    from rebound_tui.ui.screens.form_base import Confirm, RecordForm
    from rebound_tui.views import Views

R = TypeVar("R")

NARROW_BELOW = 80  # columns: below this the panes become tabs
LOADING = "Loading…"


def user_errors() -> tuple[type[Exception], ...]:
    """What a service write raises when it refuses: shown to the user, never raised."""
    from rebound_tui.domain.dates import DateError
    from rebound_tui.domain.model import ValidationError
    from rebound_tui.service import ServiceError

    return (ServiceError, DateError, ValidationError)


@dataclass
class Loaded:
    """What the loader thread hands to the UI thread: the service and its views, built."""

    service: Service
    views: Views


class ReboundApp(
    InOrderKeys,
    LiteralText,
    StoreWorker,
    RecordActions,
    DueActions,
    DraftActions,
    ImportActions,
    MailImportActions,
    App[None],
):
    """The dashboard on one service (one data file)."""

    CSS_PATH = "app.tcss"
    TITLE = "rebound"
    COMMANDS = App.COMMANDS | {ReboundCommands}
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

    def __init__(
        self,
        service: Service | None = None,
        *,
        opener: Callable[[], tuple[Service, FileState | None]] | None = None,
        first_screen: FirstScreen | None = None,
        first_day: dt.date | None = None,
        file_state: FileState | None = None,
        cache_first_screen: bool = True,
        data_label: str | None = None,
        poll_seconds: float = 1.0,
        save_delay: float = 0.3,
    ) -> None:
        """Either a `service`, or an `opener` (run in a thread after the first paint) with the
        `first_screen` to paint until then, for `first_day`. `file_state`: the data file's state
        as the service read it, when that is known (the first screen is cached for it).
        `cache_first_screen`: keep the first screen after saves (not for a throwaway file)."""
        super().__init__()
        if service is None and (opener is None or first_screen is None):
            raise ValueError("give a service, or an opener and a first screen")
        self.loaded = service is not None
        if service is not None:
            from rebound_tui.views import Views

            self.service = service
            self.views = Views(service)
        self._opener = opener
        self._first_screen = first_screen
        self._first_day = first_day
        self._file_state = file_state
        self.cache_first_screen = cache_first_screen
        self._first_entries: tuple[Any, FileState] | None = None
        self._building = False  # the views are being built in a thread after the first paint
        self._loader: Worker[Loaded] | None = None
        self.load_error: BaseException | None = None  # the deferred open failed: the app exits
        self.data_label = data_label or (service.path.name if service is not None else "")
        self.poll_seconds = poll_seconds
        self.save_delay = save_delay
        self.due = DuePane()
        self.bullpen = BullpenPane()
        self.network = NetworkPane()
        self.tabs: Tabs | None = None  # made when the terminal is narrow
        self.lower = Horizontal(id="lower")
        self.active_pane: Pane[Any] = self.due
        self._shown: tuple[int, Any] | None = None
        self._unsaved = False
        self._save_pending = False
        self._save_timer: Timer | None = None
        self._last_store_error: str | None = None
        self._quit_anyway = False
        # The last due-list decision: (verb, argument, its undo step); `.` repeats it while the
        # step still stands (not undone).
        self._last_due: tuple[str, str | None, object] | None = None
        self._width = 0
        self._sync_seen: set[str] = set()
        self._sync_pending = False
        self.importing = False
        self._theme_pending = False
        self._remembered: FileState | None = None  # the file state last cached
        self._edited_drafts: dict[str, str] = {}  # follow-up id -> the user's edit of its draft
        self._drafts_used: set[str] = set()  # follow-ups whose draft was copied, edited, mailed
        self._insights: tuple[tuple[int, dt.date], Any] | None = None  # per data generation

    @property
    def panes(self) -> list[Pane[Any]]:
        """In key order: 1 Bullpen, 2 Network, 3 Due today."""
        return [self.bullpen, self.network, self.due]

    # -- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="↺")  # the tabs are mounted when the terminal is narrow
        with Vertical(id="panes"):
            yield self.due
            with self.lower:
                yield self.bullpen
                yield self.network
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        first = self._first_screen
        theme = self._setting("theme") if self.loaded else first.theme if first else None
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.loaded:
            self._show_due_first()
            # The other panes (a tenth of a second or more on a large file) after the first paint.
            self.call_after_refresh(self._after_first_paint)
        else:
            assert first is not None
            for pane in (self.bullpen, self.network):
                pane.loading_text = LOADING
            self.due.show(first.due, first.summary, first.upcoming)
            self._set_day(self._first_day or dt.date.today())
            self.call_after_refresh(self._start_loading)
        self.call_after_refresh(self._add_searches)
        self.due.focus_table()
        self._apply_layout()

    def _add_searches(self) -> None:
        for pane in self.panes:
            pane.add_search()

    def _show_due_first(self) -> None:
        """Only the due pane, from the data: what the first paint needs."""
        due, summary, upcoming, entries = self.views.due_first()
        self.due.show(due, summary, upcoming)
        self._set_day(self.service.today())
        if self._file_state is not None and not self.service.unsaved:
            # The data as read from the file: its first screen is next start's cache (written
            # after the first paint).
            self._first_entries = (entries, self._file_state)
        self._file_state = None

    def _remember_first(self, entries: Any, state: FileState) -> None:
        from rebound_tui.startup import remember

        service = self.service
        self.run_worker(
            lambda: remember(service, entries, state),
            thread=True,
            group="cache",
            exit_on_error=False,
        )

    def _after_first_paint(self) -> None:
        if self._first_entries is not None:
            self._remember_first(*self._first_entries)
            self._first_entries = None
        # The other panes' rows (a quarter of a second on a large file) in a thread: keys typed
        # meanwhile move the cursor at once.
        self._building = True
        self.run_worker(self._build_views, thread=True, group="views", exit_on_error=False)

    def _build_views(self) -> None:
        import gc

        with self.service.batch():  # a write waits for it instead of changing the data under it
            self.views.snapshot  # noqa: B018 (built and cached)
        gc.freeze()  # the rows live as long as the data: no full collection walks them

    def _views_built(self) -> None:
        self._building = False
        self.refresh_panes(force=True)
        self._start_background()

    def _start_background(self) -> None:
        if self.poll_seconds > 0:
            self.set_interval(self.poll_seconds, self.poll_disk)
        self.sync_cadences_soon()  # check-ins timed from the latest touches, in the background

    # -- the deferred open --------------------------------------------------------------------
    def _start_loading(self) -> None:
        self._loader = self.run_worker(
            self._load, thread=True, group="load", name="open the data", exit_on_error=False
        )

    def _load(self) -> Loaded:
        """In a thread: open the data file, build every pane's rows, remember the first screen."""
        import gc

        from rebound_tui.views import Views

        assert self._opener is not None
        service, state = self._opener()
        views = Views(service)
        snapshot = views.snapshot  # built here, not on the UI thread
        if state is not None and not service.unsaved:
            from rebound_tui.startup import remember

            remember(service, snapshot.entries, state)
        # The parsed data lives as long as the app: keep the cyclic GC from walking it on every
        # full collection (those pauses were the slowest keystrokes on a large file).
        gc.freeze()
        return Loaded(service, views)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "views":
            if event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
                self._views_built()  # (after an error, refreshing builds them here and says why)
            return
        if worker.group == "load":
            if event.state == WorkerState.SUCCESS:
                self._attach(worker.result)  # type: ignore[arg-type]
            elif event.state == WorkerState.ERROR:
                self.load_error = worker.error
                self.exit(return_code=1)
            return
        self.store_state_changed(event)

    def _attach(self, loaded: Loaded | None) -> None:
        """The data is open: show it everywhere (cursors stay on their records), start the
        background work, remember a theme chosen meanwhile."""
        if self.loaded or loaded is None:
            return
        self.service, self.views, self.loaded = loaded.service, loaded.views, True
        for pane in (self.bullpen, self.network):
            pane.loading_text = None
        if self._theme_pending:
            self._theme_pending = False
            self._remember_theme(self.current_theme)
        self.refresh_panes(force=True)
        self._start_background()

    def _loaded_now(self) -> Loaded | None:
        """The loader's result if it finished (after waiting for the workers)."""
        loader = self._loader
        if loader is not None and loader.state == WorkerState.SUCCESS:
            return loader.result
        return None

    # Actions that need no data: they run while the data is loading.
    NO_DATA_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"focus_pane", "next_pane", "help", "leave", "quit"}
    )

    def needs_data(self, action: str | ActionParseResult, namespace: DOMNode | None) -> bool:
        """Whether an action would read or write the data (the app's own actions)."""
        target, name, _ = parse_action(action) if isinstance(action, str) else action
        on_app = target == "app" or (not target and (namespace is None or namespace is self))
        if not on_app or name in self.NO_DATA_ACTIONS:
            return False
        method = getattr(type(self), f"action_{name}", None)
        return method is not None and getattr(method, "__module__", "").startswith("rebound_tui.")

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Keys that need the data wait for it: they say so instead of acting on cached rows."""
        if not self.loaded and self.needs_data(action, default_namespace):
            self.notify(LOADING, timeout=2)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def on_resize(self, event: Resize) -> None:
        self._width = event.size.width
        self._apply_layout()

    @property
    def narrow(self) -> bool:
        return (self._width or self.size.width) < NARROW_BELOW

    def _apply_layout(self) -> None:
        """Wide: all three panes. Narrow: tabs, and only the active pane."""
        narrow = self.narrow
        lower = self.lower
        if narrow and self.tabs is None:
            from textual.widgets import Tab, Tabs

            self.tabs = Tabs(
                Tab("1 Bullpen", id="tab-bullpen"),
                Tab("2 Network", id="tab-network"),
                Tab("3 Due today", id="tab-due"),
                active="tab-due",
                id="tabs",
            )
            self.mount(self.tabs, before=self.query_one("#panes"))
            self.call_after_refresh(self._apply_layout)  # the active tab, once they are mounted
        tabs = self.tabs
        if tabs is not None:
            tabs.display = narrow
        if not narrow:
            for widget in (self.due, lower, self.bullpen, self.network):
                widget.display = True
            return
        active = self.active_pane
        self.due.display = active is self.due
        lower.display = active is not self.due
        self.bullpen.display = active is self.bullpen
        self.network.display = active is self.network
        tab_id = f"tab-{active.id}"
        if tabs is not None and tabs.active != tab_id:
            with contextlib.suppress(ValueError):  # the tabs are not mounted yet
                tabs.active = tab_id

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        for pane in self.panes:
            if event.widget is pane or pane in event.widget.ancestors:
                if pane is not self.active_pane:
                    self.active_pane = pane
                    self._apply_layout()
                return

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tabs is not self.tabs:
            return
        name = (event.tab.id or "").removeprefix("tab-")
        if self.narrow and name != self.active_pane.id:
            self.action_focus_pane(name)

    def action_focus_pane(self, name: str) -> None:
        pane = {p.id: p for p in self.panes}[name]
        self.active_pane = pane
        self._apply_layout()
        pane.focus_table()

    def action_next_pane(self, step: int = 1) -> None:
        panes = self.panes
        index = panes.index(self.active_pane) if self.active_pane in panes else 0
        self.action_focus_pane(panes[(index + step) % len(panes)].id or "")

    async def run_in_pane(self, pane: Pane[Any], action: str) -> None:
        """Run a pane's key action as if pressed there (the command palette uses this)."""
        self.action_focus_pane(pane.id or "")
        await self.run_action(action, default_namespace=pane)

    # -- showing the data ---------------------------------------------------------------------
    def refresh_panes(self, *, force: bool = False) -> None:
        """Show the current data; cheap when nothing changed. Cursors stay on their records."""
        if self.importing or not self.loaded or self._building:
            return  # the import thread is writing: show the result when it is done
        key = (self.service.generation, self.service.today())
        if key == self._shown and not force:
            return
        snap = self.views.snapshot
        self._shown = key
        self.bullpen.set_rows(snap.bullpen)
        self.network.set_rows(snap.network)
        self.due.show(snap.due, snap.summary, snap.upcoming)
        self._set_day(key[1])

    def _set_day(self, day: dt.date) -> None:
        self.sub_title = f"{self.data_label} · {day:%a} {day.day} {day:%b %Y}"

    @on(RecordTable.Highlighted, "#bullpen-table")
    def _company_highlighted(self, event: RecordTable.Highlighted) -> None:
        """Moving in the bullpen shows that company's people in the network."""
        if event.row is not None and event.table.has_focus:
            self.network.show_company(event.row.id, event.row.company)

    @on(RecordTable.Selected)
    async def _row_selected(self, event: RecordTable.Selected) -> None:
        """A double click does what Enter does in that pane."""
        actions = {
            "bullpen-table": "company_detail",
            "network-table": "contact_detail",
            "due-table": "done",
        }
        action = actions.get(event.table.id or "")
        if action:
            await self.run_action(action)

    # -- helpers for the actions --------------------------------------------------------------
    def _setting(self, key: str) -> Any:
        return self.service.setting(key)

    def _remember_theme(self, theme: Any) -> None:
        name = getattr(theme, "name", None)
        if self.importing or not self.loaded:
            self._theme_pending = True  # the import thread holds the data: remembered after
            return
        if not name or self._setting("theme") == name:
            return
        with self.service.batch():
            self.service.set_setting("theme", name)
        self.schedule_save()

    def changed(self) -> None:
        """After a write: save soon and show it."""
        self.schedule_save()
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

    # -- everywhere ---------------------------------------------------------------------------
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

        def rows(bindings: list[Any]) -> list[tuple[str, str]]:
            return [
                (key_text(self, b), b.tooltip or b.description)
                for b in bindings_of(bindings)
                if b.description
            ]

        everywhere = [
            ("j / k / ↓ / ↑", "move down / up"),
            ("g / G", "first / last row"),
            ("pgup / pgdn", "a page up / down"),
            ("tab / shift+tab", "next / previous pane"),
            *rows(list(self.BINDINGS)),
            *rows(list(Pane.BINDINGS)),
            ("ctrl+p", "Command palette: every action, by name"),
            ("ctrl+p", "then “import”: LinkedIn connections, vCard or CSV"),
        ]
        columns = [
            ("Since", "time since the company's latest rejection"),
            ("Touch", "exchanges with the company since that rejection"),
            ("Warmth", "hot, warm, cool, cold: recent, frequent exchanges warm"),
            ("↓", "cooling: overdue for a touch (cadence or follow-up)"),
            ("When", "how late a follow-up is; red is overdue"),
        ]
        panes = [(pane.TITLE, rows(list(type(pane).BINDINGS))) for pane in self.panes]
        return [("Everywhere", everywhere), *panes, ("Columns", columns)]

    def action_help(self) -> None:
        from rebound_tui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.help_sections()))

    def action_insights(self) -> None:
        """The insights screen; the figures are computed in a thread, once per data generation."""
        from rebound_tui.ui.screens.insights import InsightsScreen

        if isinstance(self.screen, InsightsScreen):
            return
        key = (self.service.generation, self.service.today())
        cached = self._insights[1] if self._insights and self._insights[0] == key else None
        screen = InsightsScreen(cached)
        self.push_screen(screen)
        if cached is not None:
            return
        service = self.service

        def compute() -> None:
            with service.batch():
                figures = service.insights()
            self._insights = (key, figures)
            self.call_from_thread(screen.show, figures)

        self.run_worker(compute, thread=True, group="insights", exclusive=True, exit_on_error=False)

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
        if not self._quit_anyway:
            if self._save_timer is not None:
                self._save_timer.stop()
            if not self.loaded:
                self.notify("Quitting once the data file is open…", timeout=10)
            with contextlib.suppress(WorkerFailed):  # a failed load is handled just below
                await self.workers.wait_for_complete()
            if not self.loaded:  # quit while loading: the data may be open by now
                loader = self._loader
                if loader is not None and loader.state == WorkerState.ERROR:
                    self.load_error = loader.error  # reported like an eager open's error
                    self.exit(return_code=1)
                    return
                self._attach(self._loaded_now())
                if not self.loaded:
                    self.exit()
                    return
            try:
                self.service.save()
            except store_errors() as exc:
                self._quit_anyway = True
                self.notify(
                    f"{exc}\nPress q again to quit anyway (your last changes would be lost).",
                    title="Not saved",
                    severity="error",
                    timeout=30,
                )
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
