"""ReboundApp: the morning dashboard. Three panes, one keystroke per decision.

The app is the only place that calls the service's write methods: panes show rows and declare
keys (`app.*` actions), modal screens return what the user decided, and the app performs it,
then schedules a save. Disk work (saving, noticing a version synced in, merging conflict
copies) runs in one "store" worker thread at a time, never on the UI thread, except the last
save on quit, which must finish before the process ends.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus, Resize
from textual.timer import Timer
from textual.widgets import Footer, Header, Tab, Tabs
from textual.worker import Worker, WorkerState

from rebound_tui.domain.dates import DateError
from rebound_tui.domain.model import Company, Contact, FollowUp, ValidationError
from rebound_tui.service import Service, ServiceError
from rebound_tui.store.fileformat import DataFileError
from rebound_tui.store.storage import SaveError
from rebound_tui.ui.commands import ReboundCommands, bindings_of, key_text
from rebound_tui.ui.panes.bullpen import BullpenPane
from rebound_tui.ui.panes.due import DuePane
from rebound_tui.ui.panes.network import NetworkPane
from rebound_tui.ui.screens.detail import CompanyDetail, ContactDetail
from rebound_tui.ui.screens.forms import (
    CompanyForm,
    ContactForm,
    FollowUpForm,
    LogForm,
    RecordForm,
)
from rebound_tui.ui.screens.help import HelpScreen
from rebound_tui.ui.screens.prompts import ConfirmScreen, DatePrompt, NotePrompt, SnoozeChooser
from rebound_tui.ui.widgets import Pane, RecordTable
from rebound_tui.views import Views

R = TypeVar("R")

NARROW_BELOW = 80  # columns: below this the panes become tabs
USER_ERRORS = (ServiceError, DateError, ValidationError)
STORE_ERRORS = (SaveError, DataFileError, OSError)


def long_day(day: str | None) -> str:
    """'Mon 30 Nov' for a stored day (as typed if it is not one)."""
    try:
        d = dt.date.fromisoformat(day or "")
    except ValueError:
        return day or ""
    return f"{d:%a} {d.day} {d:%b}"


@dataclass
class StoreOutcome:
    """What a store worker did, reported back to the UI thread."""

    saved: bool = False
    messages: list[str] = field(default_factory=list)
    error: str | None = None


class ReboundApp(App[None]):
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
        Binding("q", "leave", "Quit", tooltip="Save and quit"),
    ]
    # Keys of the dashboard itself: off while a detail screen is on top ("1" must not move the
    # panes behind it, "u" not undo unseen). Modal screens hide the app's keys by themselves.
    # ctrl+q still quits from anywhere.
    DASHBOARD_ONLY: ClassVar[frozenset[str]] = frozenset(
        {"focus_pane", "next_pane", "undo", "help", "leave"}
    )

    def __init__(
        self,
        service: Service,
        *,
        data_label: str | None = None,
        poll_seconds: float = 1.0,
        save_delay: float = 0.3,
    ) -> None:
        super().__init__()
        self.service = service
        self.views = Views(service)
        self.data_label = data_label or service.path.name
        self.poll_seconds = poll_seconds
        self.save_delay = save_delay
        self.due = DuePane()
        self.bullpen = BullpenPane()
        self.network = NetworkPane()
        self.tabs = Tabs(
            Tab("1 Bullpen", id="tab-bullpen"),
            Tab("2 Network", id="tab-network"),
            Tab("3 Due today", id="tab-due"),
            active="tab-due",
            id="tabs",
        )
        self.lower = Horizontal(id="lower")
        self.active_pane: Pane[Any] = self.due
        self._shown: tuple[int, Any] | None = None
        self._unsaved = False
        self._save_pending = False
        self._save_timer: Timer | None = None
        self._last_store_error: str | None = None
        self._quit_anyway = False
        self._last_due: tuple[str, str | None] | None = None
        self._width = 0
        self._sync_seen: set[str] = set()

    @property
    def panes(self) -> list[Pane[Any]]:
        """In key order: 1 Bullpen, 2 Network, 3 Due today."""
        return [self.bullpen, self.network, self.due]

    # -- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="↺")
        yield self.tabs
        with Vertical(id="panes"):
            yield self.due
            with self.lower:
                yield self.bullpen
                yield self.network
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        theme = self._setting("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.refresh_panes(force=True)
        self.due.focus_table()
        self._apply_layout()
        if self.poll_seconds > 0:
            self.set_interval(self.poll_seconds, self.poll_disk)

    def on_resize(self, event: Resize) -> None:
        self._width = event.size.width
        self._apply_layout()

    @property
    def narrow(self) -> bool:
        return (self._width or self.size.width) < NARROW_BELOW

    def _apply_layout(self) -> None:
        """Wide: all three panes. Narrow: tabs, and only the active pane."""
        narrow = self.narrow
        tabs, lower = self.tabs, self.lower
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
        if tabs.active != tab_id:
            with contextlib.suppress(ValueError):  # the tabs are not mounted yet
                tabs.active = tab_id

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        for pane in self.panes:
            if event.widget is pane or pane in event.widget.ancestors:
                if pane is not self.active_pane:
                    self.active_pane = pane
                    self._apply_layout()
                return

    @on(Tabs.TabActivated, "#tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
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
        key = (self.service.db.generation, self.service.today())
        if key == self._shown and not force:
            return
        snap = self.views.snapshot
        self._shown = key
        self.bullpen.set_rows(snap.bullpen)
        self.network.set_rows(snap.network)
        self.due.show(snap.due, snap.summary, snap.upcoming)
        day = key[1]
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

    # -- the store worker ---------------------------------------------------------------------
    def poll_disk(self) -> None:
        if self.service.today() != (self._shown or (None, None))[1]:
            self.refresh_panes()
        self._run_store(save=self._unsaved)

    def schedule_save(self) -> None:
        """Save soon: several quick changes make one write."""
        self._unsaved = True
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if self.save_delay <= 0:
            self.call_later(self._run_store, save=True)
        else:
            self._save_timer = self.set_timer(self.save_delay, lambda: self._run_store(save=True))

    def _store_busy(self) -> bool:
        return any(w.group == "store" and w.is_running for w in self.workers)

    def _run_store(self, *, save: bool) -> None:
        if self._store_busy():
            self._save_pending = self._save_pending or save
            return
        self._store(save)

    @work(thread=True, exclusive=True, group="store", exit_on_error=False)
    def _store(self, save: bool) -> StoreOutcome:
        """Save (which merges what is on disk first) or look for a version synced in."""
        outcome = StoreOutcome()
        try:
            if save:
                self._unsaved = False
                outcome.saved = self.service.save()
            else:
                self.service.refresh()
            outcome.messages = list(self.service.sync_conflicts())
        except STORE_ERRORS as exc:
            if save:
                self._unsaved = True
            outcome.error = str(exc)
        return outcome

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "store" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
        ):
            return
        if event.state == WorkerState.ERROR:
            self._store_problem(f"could not reach the data file: {worker.error}")
        else:
            outcome: StoreOutcome = worker.result  # type: ignore[assignment]
            if outcome.error:
                self._store_problem(outcome.error)
            else:
                self._last_store_error = None
            for message in outcome.messages:
                if message not in self._sync_seen:  # a copy left alone is reported once
                    self._sync_seen.add(message)
                    self.notify(message, title="Sync", timeout=8)
        self.refresh_panes()
        if self._save_pending:
            self._save_pending = False
            self._run_store(save=True)

    def _store_problem(self, text: str) -> None:
        if text != self._last_store_error:  # the poll would repeat it every second
            self._last_store_error = text
            self.notify(text, title="Data file", severity="error", timeout=15)

    # -- helpers for the actions --------------------------------------------------------------
    def _setting(self, key: str) -> Any:
        getter = getattr(self.service, "setting", None)
        return getter(key) if getter else None

    def _remember_theme(self, theme: Any) -> None:
        setter = getattr(self.service, "set_setting", None)
        name = getattr(theme, "name", None)
        if setter is None or not name or self._setting("theme") == name:
            return
        setter("theme", name)
        self.schedule_save()

    def changed(self) -> None:
        """After a write: save soon and show it."""
        self.schedule_save()
        self.refresh_panes()

    def perform(
        self, call: Callable[[], R], done: Callable[[R], str] | str | None = None
    ) -> R | None:
        """Run a service write; a refusal is shown, never raised. None when refused."""
        try:
            result = call()
        except USER_ERRORS as exc:
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
    ) -> None:
        """Push a form; the form shows the service's refusal and stays open until it works."""
        made: list[Any] = []

        def submit(values: dict[str, Any]) -> None:
            made.append(call(values))

        def finish(values: dict[str, Any] | None) -> None:
            if values is None or not made:
                return
            self.changed()
            if after is not None:
                after(made[-1])

        self.push_screen(form_class(self.service, *args, submit=submit), finish)

    def _company(self) -> Company | None:
        row = self.bullpen.current
        company = self.service.company(row.id) if row is not None else None
        if company is None:
            self.notify("No company selected: press a to add one", severity="warning")
        return company

    def _contact(self) -> Contact | None:
        row = self.network.current
        contact = self.service.contact(row.id) if row is not None else None
        if contact is None:
            self.notify("No person selected: press a to add one", severity="warning")
        return contact

    def _follow_up(self) -> FollowUp | None:
        row = self.due.current
        f = self.service.follow_up(row.id) if row is not None else None
        if f is None or not f.is_open:
            self.notify("Nothing due here: all done", severity="information")
            return None
        return f

    # -- bullpen actions ----------------------------------------------------------------------
    def action_add_company(self) -> None:
        self.open_form(
            CompanyForm,
            (None,),
            lambda d: self.service.add_company(**d),
            lambda c: self._select(self.bullpen, c.id, f"Added {c.name}"),
        )

    def action_edit_company(self) -> None:
        company = self._company()
        if company is not None:
            self.open_form(
                CompanyForm,
                (company,),
                lambda d: self.service.edit_company(company, **d),
                lambda c: self.notify(f"Saved {c.name}", timeout=3),
            )

    def action_delete_company(self) -> None:
        company = self._company()
        if company is not None:
            self._confirm_delete(company.name, lambda: self.service.delete_company(company))

    def action_log_company(self) -> None:
        company = self._company()
        if company is not None:
            self._log(company, None)

    def action_follow_up_company(self) -> None:
        company = self._company()
        if company is not None:
            self._add_follow_up(company, None)

    def action_company_detail(self) -> None:
        company = self._company()
        if company is not None:
            self.push_screen(
                CompanyDetail(self.service, company.id), lambda _: self.refresh_panes()
            )

    # -- network actions ----------------------------------------------------------------------
    def action_add_contact(self) -> None:
        company = self.service.company(self.network.company_id)
        self.open_form(
            ContactForm,
            (None, company),
            lambda d: self.service.add_contact(**d),
            lambda p: self._select(self.network, p.id, f"Added {p.name}"),
        )

    def action_edit_contact(self) -> None:
        contact = self._contact()
        if contact is not None:
            self.open_form(
                ContactForm,
                (contact, self.service.company(contact.company_id)),
                lambda d: self.service.edit_contact(contact, **d),
                lambda p: self.notify(f"Saved {p.name}", timeout=3),
            )

    def action_delete_contact(self) -> None:
        contact = self._contact()
        if contact is not None:
            self._confirm_delete(contact.name, lambda: self.service.delete_contact(contact))

    def action_log_contact(self) -> None:
        contact = self._contact()
        if contact is not None:
            self._log(self.service.company(contact.company_id), contact)

    def action_follow_up_contact(self) -> None:
        contact = self._contact()
        if contact is not None:
            self._add_follow_up(self.service.company(contact.company_id), contact)

    def action_contact_detail(self) -> None:
        contact = self._contact()
        if contact is not None:
            self.push_screen(
                ContactDetail(self.service, contact.id), lambda _: self.refresh_panes()
            )

    def _back_from_detail(self, _result: object = None) -> None:
        self.refresh_panes()

    # -- shared by both -----------------------------------------------------------------------
    def _select(self, pane: Pane[Any], record_id: str, message: str) -> None:
        pane.table.move_to_id(record_id)
        self.notify(message, timeout=3)

    def _log(self, company: Company | None, contact: Contact | None) -> None:
        self.open_form(
            LogForm,
            (company, contact),
            lambda d: self.service.log(**d),
            lambda i: self.notify(f"Logged {i.kind} on {i.day}", timeout=3),
        )

    def _add_follow_up(self, company: Company | None, contact: Contact | None) -> None:
        self.open_form(
            FollowUpForm,
            (company, contact),
            lambda d: self.service.add_follow_up(**d),
            lambda f: self.notify(f"Follow-up “{f.title}” due {f.due}", timeout=3),
        )

    def _confirm_delete(self, name: str, call: Callable[[], Any]) -> None:
        question = f"Delete {name}? Their history stays in the file; u undoes it."

        def answered(yes: bool | None) -> None:
            if yes:
                self.perform(call, f"Deleted {name} · u undoes")

        self.push_screen(ConfirmScreen(question), answered)

    # -- due actions --------------------------------------------------------------------------
    def action_done(self) -> None:
        f = self._follow_up()
        if f is None:
            return

        def noted(note: str | None) -> None:
            if note is not None:
                self._due_act("done", note, f)

        self.push_screen(NotePrompt(f"Done · {f.title}", "what happened? (enter: no note)"), noted)

    def action_snooze(self) -> None:
        f = self._follow_up()
        if f is not None:
            self.push_screen(
                SnoozeChooser(self.service), lambda day: day and self._due_act("snooze", day, f)
            )

    def action_reschedule(self) -> None:
        f = self._follow_up()
        if f is not None:
            self.push_screen(
                DatePrompt(self.service, f"Reschedule · {f.title}"),
                lambda day: day and self._due_act("reschedule", day, f),
            )

    def action_drop(self) -> None:
        f = self._follow_up()
        if f is not None:
            self._due_act("drop", None, f)

    def action_edit_follow_up(self) -> None:
        f = self._follow_up()
        if f is not None:
            self.open_form(
                FollowUpForm,
                (self.service.company(f.company_id), self.service.contact(f.contact_id), f),
                lambda d: self.service.edit_follow_up(f, **d),
                lambda g: self.notify(f"Saved “{g.title}”", timeout=3),
            )

    def action_repeat(self) -> None:
        """Do the last due-list decision again, on the item now under the cursor."""
        if self._last_due is None:
            self.notify("Nothing to repeat yet: done, snooze, reschedule or drop one first")
            return
        f = self._follow_up()
        if f is not None:
            verb, arg = self._last_due
            self._due_act(verb, arg, f)

    def _due_act(self, verb: str, arg: str | None, f: FollowUp) -> None:
        service = self.service
        calls: dict[str, tuple[Callable[[], Any], str]] = {
            "done": (lambda: service.complete(f, note=arg or None), f"Done: {f.title}"),
            "snooze": (
                lambda: service.snooze(f, arg or ""),
                f"Snoozed until {long_day(arg)}: {f.title}",
            ),
            "reschedule": (
                lambda: service.reschedule(f, arg or ""),
                f"Moved to {long_day(arg)}: {f.title}",
            ),
            "drop": (lambda: service.drop(f), f"Dropped: {f.title}"),
        }
        call, message = calls[verb]
        if self.perform(call, f"{message} · u undoes") is not None:
            # A note belongs to one item: repeating "done" does not copy it.
            self._last_due = (verb, None if verb == "done" else arg)

    # -- everywhere ---------------------------------------------------------------------------
    def action_undo(self) -> None:
        undo = getattr(self.service, "undo", None)
        if undo is None:  # TODO(lead): service.undo lands with the undo change
            self.notify("Undo is not available in this build", severity="warning")
            return
        try:
            what = undo()
        except USER_ERRORS as exc:
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
        self.push_screen(HelpScreen(self.help_sections()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action not in self.DASHBOARD_ONLY or len(self.screen_stack) == 1

    async def action_leave(self) -> None:
        await self.action_quit()

    async def action_quit(self) -> None:
        """Save everything first; if that fails, say so and quit only when asked again."""
        if not self._quit_anyway:
            if self._save_timer is not None:
                self._save_timer.stop()
            await self.workers.wait_for_complete()
            try:
                self.service.save()
            except STORE_ERRORS as exc:
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
    service: Service,
    *,
    data_label: str | None = None,
    poll_seconds: float = 1.0,
    save_delay: float = 0.3,
) -> ReboundApp:
    """The dashboard for one service: the CLI and the tests both build it here."""
    return ReboundApp(
        service, data_label=data_label, poll_seconds=poll_seconds, save_delay=save_delay
    )
