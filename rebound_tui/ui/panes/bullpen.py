"""The Bullpen pane: one row per company, how far along, and how persistent since the no.

Its keys: add, edit, delete, log, follow up, open, and record a rejection (R: the stage, the
rejection and the plan in one undoable step); `o` adds an opening at the company, `O` shows
every open role (screens/openings.py); `s` filters by stage, `>` sorts.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from rebound_tui.display import line as shown
from rebound_tui.rows import BullpenRow, short_ago, short_until
from rebound_tui.ui import text as ui_text
from rebound_tui.ui.actions.records import (
    add_follow_up,
    confirm_delete,
    near_duplicate,
    open_log_form,
    select,
)
from rebound_tui.ui.actions.words import long_day, planned_text
from rebound_tui.ui.panes.bullpen_columns import COLUMNS, stages
from rebound_tui.ui.widgets import Pane, RecordTable
from rebound_tui.ui.widgets.status_line import fields, plan_text

if TYPE_CHECKING:
    from rebound_tui.domain.model import Company, FollowUp, Interaction, Opening


class BullpenPane(Pane[BullpenRow]):
    """Companies. `s` cycles the stage filter, `>` the sort column, `o` adds an opening."""

    TITLE = "Bullpen"
    NUMBER = 1
    NOUN = ("company", "companies")
    OPEN_ACTION = "company_detail"
    NO_DATA_ACTIONS = Pane.NO_DATA_ACTIONS | {"cycle_stage"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_company", "Add", id="bullpen.add_company", tooltip="Add a company"),
        Binding("e", "edit_company", "Edit", id="bullpen.edit_company", tooltip="Edit the company"),
        Binding(
            "D",
            "delete_company",
            "Delete",
            id="bullpen.delete_company",
            show=False,
            tooltip="Delete the company (asks first)",
        ),
        Binding(
            "l",
            "log_company",
            "Log",
            id="bullpen.log_company",
            tooltip="Log an interaction with the company",
        ),
        Binding(
            "f",
            "follow_up_company",
            "Follow",
            id="bullpen.follow_up_company",
            tooltip="Add a follow-up",
        ),
        Binding(
            "enter",
            "company_detail",
            "Open",
            id="bullpen.company_detail",
            tooltip="Open the company's details",
        ),
        Binding(
            "R",
            "reject_company",
            "Reject",
            id="bullpen.reject_company",
            tooltip="Record a rejection: the plan's follow-ups start",
        ),
        Binding(
            "s",
            "cycle_stage",
            "Stage",
            id="bullpen.cycle_stage",
            show=False,
            tooltip="Show one stage, the next, then all",
        ),
        Binding(
            "o",
            "add_opening",
            "Role",
            id="bullpen.add_opening",
            tooltip="Add an opening (a role) at the company",
        ),
        Binding(
            "O",
            "openings",
            "Roles",
            id="bullpen.openings",
            show=False,
            tooltip="Every open role, by status: move one to its next status",
        ),
        Binding(
            "greater_than_sign",
            "cycle_sort",
            "Sort",
            id="bullpen.cycle_sort",
            key_display=">",
            show=False,
            tooltip="Sort by the next column",
        ),
        Pane.SEARCH,
    ]

    def __init__(self, *, id: str | None = "bullpen") -> None:
        table: RecordTable[BullpenRow] = RecordTable(
            COLUMNS,
            empty_text="No companies yet: press a to add the first one.",
            sort="priority",
            id="bullpen-table",
        )
        super().__init__(table, id=id)
        self.stage: str | None = None

    def visible(self, rows: Sequence[BullpenRow]) -> Sequence[BullpenRow]:
        if self.stage is None:
            return rows
        return [r for r in rows if r.stage == self.stage]

    def title_parts(self) -> list[str]:
        return [f"stage {self.stage}"] if self.stage else []

    def status_of(self, row: BullpenRow | None) -> Content:
        """The company whole, its columns named, and its plan as a timeline."""
        if row is None:
            return Content("")
        return fields(
            ("", ui_text.line(row.company, "bold")),
            ("", row.stage),
            ("plan", plan_text(self.dashboard, row.id)),
            ("priority (P)", row.priority),
            ("since the no", short_ago(row.days_since_rejection)),
            ("touches since the no", row.touches_since_rejection),
            ("last touch", short_ago(row.last_touch_days)),
            ("next", short_until(row.next_follow_up_days)),
        )

    def set_stage(self, stage: str | None) -> None:
        self.stage = stage
        self.reapply()

    def action_cycle_stage(self) -> None:
        """All stages, then each stage in turn, then all again."""
        cycle: list[str | None] = [None, *stages()]
        index = cycle.index(self.stage) if self.stage in cycle else 0
        self.set_stage(cycle[(index + 1) % len(cycle)])

    def action_cycle_sort(self) -> None:
        key = self.table.cycle_sort()
        label = self.table.column(key).label if key else "as listed"
        self.notify(f"Bullpen sorted by {label}", timeout=2)
        self.update_title()

    def clear_other_filters(self) -> None:
        if self.stage is not None:
            self.set_stage(None)

    # -- the record keys --------------------------------------------------------------------------
    def _company(self) -> Company | None:
        row = self.current
        company = self.dashboard.service.company(row.id) if row is not None else None
        if company is None:
            self.notify("No company selected: press a to add one", severity="warning")
        return company

    def action_add_company(self) -> None:
        from rebound_tui.ui.screens.forms import CompanyForm

        def added(c: Company) -> None:
            select(self.dashboard, self, c.id, f"Added {shown(c.name)}")
            self._hint_reject(c)

        self.dashboard.open_form(
            CompanyForm,
            (None,),
            lambda d: self.dashboard.service.add_company(**d),
            added,
            confirm=lambda d: near_duplicate(self.dashboard, d, "company"),
        )

    def action_edit_company(self) -> None:
        from rebound_tui.ui.screens.forms import CompanyForm

        company = self._company()
        if company is not None:
            self.dashboard.open_form(
                CompanyForm,
                (company,),
                lambda d: self.dashboard.service.edit_company(company, **d),
                lambda c: (self.notify(f"Saved {shown(c.name)}", timeout=3), self._hint_reject(c)),
            )

    def _hint_reject(self, company: Company) -> None:
        """Stage "rejected" set by hand, with no rejection logged: point at R, which starts the
        plan (the form alone does not know who said no, nor when)."""
        if company.stage != "rejected" or any(
            i.kind == "rejection" and i.company_id == company.id
            for i in self.dashboard.service.interactions()
        ):
            return
        self.notify(
            f"{shown(company.name)} is marked rejected: press R on it to record the no and "
            "start the plan (thank-you, referral ask, check-ins)",
            title="Start the plan?",
            timeout=10,
            markup=False,
        )

    def action_delete_company(self) -> None:
        company = self._company()
        if company is not None:
            confirm_delete(
                self.dashboard, company.name, lambda: self.dashboard.service.delete_company(company)
            )

    def action_log_company(self) -> None:
        company = self._company()
        if company is not None:
            open_log_form(self.dashboard, company, None)

    def action_follow_up_company(self) -> None:
        company = self._company()
        if company is not None:
            add_follow_up(self.dashboard, company, None)

    def action_company_detail(self) -> None:
        from rebound_tui.ui.screens.detail import CompanyDetail

        company = self._company()
        if company is not None:
            self.app.push_screen(
                CompanyDetail(self.dashboard.service, company.id),
                lambda _: self.dashboard.refresh_panes(),
            )

    def action_reject_company(self) -> None:
        """R: the company said no. The stage, the rejection and the plan in one undoable step."""
        from rebound_tui.ui.screens.playbook_forms import RejectForm

        company = self._company()
        if company is None:
            return

        def done(result: tuple[Interaction, list[FollowUp]]) -> None:
            rejection, created = result
            if not created and self.dashboard.service.created_by(rejection.id):
                self.notify(
                    f"Already recorded: {shown(company.name)} said no on "
                    f"{long_day(rejection.day)}; nothing changed",
                    timeout=6,
                    markup=False,
                )
                return
            self.notify(
                f"Rejection by {shown(company.name)} recorded: "
                f"{planned_text(result[1])} · u undoes",
                title="The plan starts",
                timeout=8,
            )

        self.dashboard.open_form(
            RejectForm,
            (company,),
            lambda d: self.dashboard.service.reject(company, **d),
            done,
        )

    # -- openings -------------------------------------------------------------------------------
    def action_add_opening(self) -> None:
        """o: a role at the company; the toast says what the plan set off (u undoes it all)."""
        from rebound_tui.ui.actions.openings import plan_words, planned, repeated_role
        from rebound_tui.ui.screens.opening_form import OpeningForm

        company = self._company()
        if company is None:
            return
        service = self.dashboard.service

        def added(result: tuple[Opening, list[FollowUp]]) -> None:
            what = f"Added {shown(result[0].title)} at {shown(company.name)}"
            self.notify(f"{what}{plan_words(result[1])} · u undoes", timeout=6, markup=False)

        add = lambda d: planned(service, lambda: service.add_opening(company, **d))  # noqa: E731
        ask = partial(repeated_role, service, company)  # the same role twice? (asks)
        self.dashboard.open_form(OpeningForm, (company,), add, added, confirm=ask)

    def action_openings(self) -> None:
        """O: every open role, by status (screens/openings.py)."""
        from rebound_tui.ui.screens.openings import OpeningsScreen

        self.app.push_screen(
            OpeningsScreen(self.dashboard), lambda _: self.dashboard.refresh_panes()
        )
