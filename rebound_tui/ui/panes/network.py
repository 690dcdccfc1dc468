"""The Network pane: one row per person, when the user last talked to them, how warm it is.

Its keys: add, edit, delete, log, follow up, open; `c` shows everyone again, `o` sorts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from rebound_tui.display import line as shown
from rebound_tui.rows import NetworkRow, short_ago, short_until
from rebound_tui.ui import text as ui_text
from rebound_tui.ui.actions.records import (
    add_follow_up,
    confirm_delete,
    near_duplicate,
    open_log_form,
    select,
)
from rebound_tui.ui.panes.bullpen_columns import due_style
from rebound_tui.ui.widgets import Column, Pane, RecordTable
from rebound_tui.ui.widgets.status_line import fields

if TYPE_CHECKING:
    from rebound_tui.domain.model import Contact

# By warmth level (a str enum: its values are the keys; the pane does not load the warmth
# rules, which the first paint does not need).
WARMTH_STYLE = {
    "hot": "error",
    "warm": "warning",
    "cool": "primary",
    "cold": "muted",
}

COLUMNS: list[Column[NetworkRow]] = [
    Column(
        "contact",
        "Name",
        lambda r: r.contact,
        width=14,
        flex=1,
        sort_key=lambda r: r.contact.lower(),
    ),
    Column(
        "company",
        "Company",
        lambda r: r.company,
        width=9,
        flex=1,
        sort_key=lambda r: r.company.lower() or None,
        drop=3,
    ),
    Column("role", "Role", lambda r: r.role, width=9, sort_key=lambda r: r.role or None, drop=6),
    Column(
        "department",
        "Dept",
        lambda r: r.department,
        width=8,
        flex=1,
        sort_key=lambda r: r.department.lower() or None,
        drop=7,
    ),
    Column(
        "warmth",
        "Warmth",
        lambda r: r.warmth.label,
        width=6,
        long_label="Warmth ↓cooling",
        sort_key=lambda r: r.warmth.score,
        descending=True,
        style=lambda r: WARMTH_STYLE[r.warmth.level],
    ),
    Column(
        "last",
        "Last",
        lambda r: short_ago(r.last_contact_days),
        width=5,
        align="right",
        sort_key=lambda r: r.last_contact,
        descending=True,
        drop=4,
    ),
    Column(
        "next",
        "Next",
        lambda r: short_until(r.next_follow_up_days),
        width=9,
        align="right",
        sort_key=lambda r: r.next_follow_up,
        style=lambda r: due_style(r.next_follow_up_days),
        drop=5,
    ),
]


class NetworkPane(Pane[NetworkRow]):
    """People. Follows the company picked in the bullpen until `c` shows everyone again."""

    TITLE = "Network"
    NUMBER = 2
    NOUN = ("person", "people")
    OPEN_ACTION = "contact_detail"
    NO_DATA_ACTIONS = Pane.NO_DATA_ACTIONS | {"show_everyone"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_contact", "Add", id="network.add_contact", tooltip="Add a person"),
        Binding("e", "edit_contact", "Edit", id="network.edit_contact", tooltip="Edit the person"),
        Binding(
            "D",
            "delete_contact",
            "Delete",
            id="network.delete_contact",
            show=False,
            tooltip="Delete the person (asks first)",
        ),
        Binding(
            "l",
            "log_contact",
            "Log",
            id="network.log_contact",
            tooltip="Log an interaction with the person",
        ),
        Binding(
            "f",
            "follow_up_contact",
            "Follow",
            id="network.follow_up_contact",
            tooltip="Add a follow-up",
        ),
        Binding(
            "enter",
            "contact_detail",
            "Open",
            id="network.contact_detail",
            tooltip="Open the person's details",
        ),
        Binding(
            "c,backspace",
            "show_everyone",
            "All",
            id="network.show_everyone",
            tooltip="Show everyone (not one company)",
        ),
        Binding(
            "o",
            "cycle_sort",
            "Sort",
            id="network.cycle_sort",
            show=False,
            tooltip="Sort by the next column",
        ),
        Pane.SEARCH,
    ]

    def __init__(self, *, id: str | None = "network") -> None:
        table: RecordTable[NetworkRow] = RecordTable(
            COLUMNS,
            empty_text="No people yet: press a to add someone you know.",
            sort="contact",
            id="network-table",
        )
        super().__init__(table, id=id)
        self.company_id: str | None = None
        self.company_name = ""

    def visible(self, rows: Sequence[NetworkRow]) -> Sequence[NetworkRow]:
        if self.company_id is None:
            return rows
        return [r for r in rows if r.company_id == self.company_id]

    def status_of(self, row: NetworkRow | None) -> Content:
        """The person whole: name, role, company, warmth in words (↓: cooling)."""
        if row is None:
            return Content("")
        warmth = row.warmth.level.value + (", cooling (↓)" if row.warmth.cooling else "")
        return fields(
            ("", ui_text.line(row.contact, "bold")),
            ("", row.role),
            ("at", row.company),
            ("", row.department),
            ("warmth", warmth),
            ("last contact", short_ago(row.last_contact_days)),
            ("next", short_until(row.next_follow_up_days)),
        )

    def title_parts(self) -> list[str]:
        return [self.company_name] if self.company_id else []

    def show_company(self, company_id: str | None, name: str = "") -> None:
        """Only the people at one company (None: everyone)."""
        if company_id == self.company_id:
            return
        self.company_id = company_id
        self.company_name = name if company_id else ""
        self.table.hide_columns(*(("company",) if company_id else ()))
        self.table.empty_text = (
            f"Nobody at {name} yet (a adds someone)."
            if company_id
            else "No people yet: press a to add someone you know."
        )
        self.reapply()

    def action_show_everyone(self) -> None:
        self.show_company(None)

    def action_cycle_sort(self) -> None:
        key = self.table.cycle_sort()
        label = self.table.column(key).label if key else "as listed"
        self.notify(f"Network sorted by {label}", timeout=2)

    def clear_other_filters(self) -> None:
        self.show_company(None)

    # -- the record keys --------------------------------------------------------------------------
    def _contact(self) -> Contact | None:
        row = self.current
        contact = self.dashboard.service.contact(row.id) if row is not None else None
        if contact is None:
            self.notify("No person selected: press a to add one", severity="warning")
        return contact

    def action_add_contact(self) -> None:
        from rebound_tui.ui.screens.forms import ContactForm

        company = self.dashboard.service.company(self.company_id)
        self.dashboard.open_form(
            ContactForm,
            (None, company),
            lambda d: self.dashboard.service.add_contact(**d),
            lambda p: select(self.dashboard, self, p.id, f"Added {shown(p.name)}"),
            confirm=lambda d: near_duplicate(self.dashboard, d, "contact"),
        )

    def action_edit_contact(self) -> None:
        from rebound_tui.ui.screens.forms import ContactForm

        contact = self._contact()
        if contact is not None:
            self.dashboard.open_form(
                ContactForm,
                (contact, self.dashboard.service.company(contact.company_id)),
                lambda d: self.dashboard.service.edit_contact(contact, **d),
                lambda p: self.notify(f"Saved {shown(p.name)}", timeout=3),
            )

    def action_delete_contact(self) -> None:
        contact = self._contact()
        if contact is not None:
            confirm_delete(
                self.dashboard, contact.name, lambda: self.dashboard.service.delete_contact(contact)
            )

    def action_log_contact(self) -> None:
        contact = self._contact()
        if contact is not None:
            open_log_form(
                self.dashboard, self.dashboard.service.company(contact.company_id), contact
            )

    def action_follow_up_contact(self) -> None:
        contact = self._contact()
        if contact is not None:
            add_follow_up(
                self.dashboard, self.dashboard.service.company(contact.company_id), contact
            )

    def action_contact_detail(self) -> None:
        from rebound_tui.ui.screens.detail import ContactDetail

        contact = self._contact()
        if contact is not None:
            self.app.push_screen(
                ContactDetail(self.dashboard.service, contact.id),
                lambda _: self.dashboard.refresh_panes(),
            )
