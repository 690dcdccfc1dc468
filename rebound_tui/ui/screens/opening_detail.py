"""One opening's page (`Enter` in the openings view): its fields, who refers you, the deadline,
the notes, its status history and the follow-ups its steps planned. `e` edits the role, `D`
deletes it (asks first; `u` in the openings view brings it back)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from rebound_tui.domain.playbook import parse_origin
from rebound_tui.ui.dashboard import dashboard_of
from rebound_tui.ui.screens.detail import RecordDetail

__all__ = ["OpeningDetail"]


class OpeningDetail(RecordDetail):
    """An opening (see module doc)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit_opening", "Edit", tooltip="Edit the role"),
        Binding("D", "delete_opening", "Delete", tooltip="Delete the role (asks first)"),
    ]
    SECTIONS = (
        ("fields", "Opening"),
        ("history", "History"),
        ("follow-ups", "Open follow-ups"),
    )

    def render_sections(self) -> tuple[str, dict[str, tuple[Content, int | None]]]:
        s = self.service
        opening = s.opening(self.record_id)
        if opening is None:
            return "This opening was deleted", {
                "fields": (Content.styled("this opening was deleted", "$warning"), None)
            }
        company = s.name_of("companies", opening.company_id) or "?"
        referral = s.name_of("contacts", opening.referral_id) if opening.referral_id else None
        fields = self.fields_block(
            [
                ("Company", company),
                ("Status", opening.status),
                ("Link", opening.url),
                ("Location", opening.location),
                ("Source", opening.source),
                ("Referral", referral),
                ("Spotted", opening.spotted_on),
                ("Posted", opening.posted_on),
                ("Applied", opening.applied_on),
                ("Deadline", opening.deadline),
                ("Notes", opening.notes),
            ]
        )
        history = self.history_lines(opening.id, indent="")
        steps = {step.id for step in s.opening_history(opening.id)}
        mine = [
            f
            for f in s.follow_ups()
            if (o := parse_origin(f.origin)) is not None
            and (o.event_id in steps or o.event_id.startswith(f"deadline.{opening.id}."))
        ]
        return f"{opening.title} · {company} · {opening.status}", {
            "fields": (fields, None),
            "history": (Content("\n").join(history), len(history)),
            "follow-ups": (self.follow_up_block(mine), len(mine)),
        }

    def action_edit_opening(self) -> None:
        from rebound_tui.ui.actions.openings import edit_opening

        opening = self.service.opening(self.record_id)
        if opening is not None:
            edit_opening(dashboard_of(self), opening, self.refresh_data)

    def action_delete_opening(self) -> None:
        from rebound_tui.ui.actions.openings import delete_opening

        opening = self.service.opening(self.record_id)
        if opening is not None:
            delete_opening(dashboard_of(self), opening, lambda: self.dismiss(None))
