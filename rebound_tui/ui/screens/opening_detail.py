"""One opening's page (`Enter` in the openings view): its fields, who refers you, the deadline,
the notes, its status history and the follow-ups its steps planned."""

from __future__ import annotations

from textual.content import Content

from rebound_tui.domain.playbook import parse_origin
from rebound_tui.ui.screens.detail import RecordDetail

__all__ = ["OpeningDetail"]


class OpeningDetail(RecordDetail):
    """An opening (see module doc)."""

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
