"""The Bullpen's columns: company, stage, roles, priority, since the no, touches, last, next.

The header labels are short at 80 columns and long where width allows (`long_label`); the
columns with a `drop` go first on a narrow terminal."""

from __future__ import annotations

from rebound_tui.rows import BullpenRow, short_ago, short_until
from rebound_tui.ui.panes.roles_column import ROLES_COLUMN
from rebound_tui.ui.widgets import Column

__all__ = ["COLUMNS", "STAGE_SHORT", "STAGE_STYLE", "due_style", "stage_order", "stages"]

# Short stage names: the column stays narrow enough for an 80-column terminal.
STAGE_SHORT = {"interviewing": "interview", "re-engaging": "re-engage"}
STAGE_STYLE = {
    "rejected": "error",
    "re-engaging": "warning",
    "offer": "success",
    "hired": "success",
    "dropped": "muted",
    "watching": "muted",
}


def stages() -> tuple[str, ...]:
    """The stages in their order (the model is loaded when the pane sorts or filters by them,
    not for the first paint)."""
    from rebound_tui.domain.model import STAGES

    return tuple(STAGES)


def stage_order(stage: str) -> int:
    order = stages()
    return order.index(stage) if stage in order else len(order)


def due_style(days: int | None) -> str | None:
    """Overdue is an error, today a warning: the same in every pane."""
    if days is None:
        return None
    if days < 0:
        return "error"
    if days == 0:
        return "warning"
    return None


COLUMNS: list[Column[BullpenRow]] = [
    Column(
        "company",
        "Company",
        lambda r: r.company,
        width=10,
        flex=1,
        sort_key=lambda r: r.company.lower(),
    ),
    Column(
        "stage",
        "Stage",
        lambda r: STAGE_SHORT.get(r.stage, r.stage),
        width=9,
        sort_key=lambda r: stage_order(r.stage),
        style=lambda r: STAGE_STYLE.get(r.stage),
        drop=4,
    ),
    ROLES_COLUMN,
    Column(
        "priority",
        "P",
        lambda r: str(r.priority),
        width=2,
        long_label="Prio",
        align="right",
        sort_key=lambda r: r.priority,
        descending=True,
        drop=7,
    ),
    Column(
        "since",
        "Since",
        lambda r: short_ago(r.days_since_rejection),
        width=5,
        long_label="Since no",
        align="right",
        sort_key=lambda r: r.days_since_rejection,
        descending=True,
        drop=4,  # before the Stage (same drop, listed later): at 80 columns the Roles stay
    ),
    Column(
        "touches",
        "Touch",
        lambda r: "" if r.touches_since_rejection is None else str(r.touches_since_rejection),
        width=5,
        long_label="Touches",
        align="right",
        sort_key=lambda r: r.touches_since_rejection,
        style=lambda r: "warning" if r.touches_since_rejection == 0 else None,
        drop=2,
    ),
    Column(
        "last",
        "Last",
        lambda r: short_ago(r.last_touch_days),
        width=5,
        align="right",
        sort_key=lambda r: r.last_touch,
        descending=True,
        drop=6,
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
