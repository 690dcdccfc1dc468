"""The Bullpen's Roles column: a company's open roles at a glance, in at most 7 cells.

"2 intv" says two roles are open there and the furthest along is at the interviewing stage.
"""

from __future__ import annotations

from rebound_tui.rows import BullpenRow
from rebound_tui.ui.widgets import Column

__all__ = ["ROLES_COLUMN", "roles_order", "roles_text"]

ROLE_SHORT = {
    "spotted": "spot",
    "applied": "appl",
    "screening": "scrn",
    "interviewing": "intv",
    "offer": "offer",
}
ROLE_STYLE = {"offer": "success", "interviewing": "accent", "screening": "accent"}


def roles_text(row: BullpenRow) -> str:
    if not row.roles:
        return ""
    return f"{row.roles} {ROLE_SHORT.get(row.role_status, row.role_status[:5])}"


def roles_order(row: BullpenRow) -> tuple[int, int] | None:
    """The furthest along first, then the most roles; companies without one last."""
    if not row.roles:
        return None
    order = tuple(ROLE_SHORT)
    rank = order.index(row.role_status) if row.role_status in order else -1
    return (rank, row.roles)


ROLES_COLUMN: Column[BullpenRow] = Column(
    "roles",
    "Roles",
    roles_text,
    width=7,
    sort_key=roles_order,
    descending=True,
    style=lambda r: ROLE_STYLE.get(r.role_status),
    drop=1,  # the last to go but the company: at 80 columns Company, Stage, Roles, Touch
)
