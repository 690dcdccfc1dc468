"""Openings in the exports: `openings.csv`, the JSON export's `openings`, the Markdown report's
roles by status with their history, and the calendar's deadlines.

Each exporter module calls one function here, so the openings' shape lives in one place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rebound_tui.domain import record
from rebound_tui.domain.model import OPENING_STATUSES, Opening, StatusChange
from rebound_tui.service import Service

CSV_COLUMNS = [
    "id",
    "company",
    "company_id",
    "title",
    "status",
    "url",
    "location",
    "source",
    "referral",
    "referral_id",
    "spotted_on",
    "applied_on",
    "posted_on",
    "deadline",
    "notes",
    "history",
]


def _history_text(steps: list[StatusChange]) -> str:
    return "; ".join(f"{s.day} {s.status}" + (f" ({s.note})" if s.note else "") for s in steps)


def opening_dict(
    service: Service, o: Opening, history: list[StatusChange] | None = None
) -> dict[str, Any]:
    """One opening as plain data, with its company and referral names and its history."""
    steps = service.opening_history(o) if history is None else history
    return {
        "id": o.id,
        **o.to_fields(),
        "company": service.name_of("companies", o.company_id),
        "referral": service.name_of("contacts", o.referral_id),
        "history": [{"day": s.day, "status": s.status, "note": s.note} for s in steps],
    }


def json_openings(service: Service) -> list[dict[str, Any]]:
    histories = service.opening_histories()
    return [
        opening_dict(service, o, histories.get(o.id, []))
        for o in service.openings(include_closed=True)
    ]


def csv_rows(service: Service) -> tuple[list[str], list[list[Any]]]:
    rows = []
    histories = service.opening_histories()
    for o in service.openings(include_closed=True):
        steps = histories.get(o.id, [])
        d = opening_dict(service, o, steps)
        d["history"] = _history_text(steps)
        rows.append([d.get(c) for c in CSV_COLUMNS])
    return CSV_COLUMNS, rows


def markdown_lines(service: Service, md) -> list[str]:
    """'## Roles': open roles by status (most advanced first), then finished ones."""
    openings = service.openings(include_closed=True)
    histories = service.opening_histories()
    out = ["## Roles", ""]
    if not openings:
        return [*out, "No openings yet.", ""]
    order = [s for s in reversed(OPENING_STATUSES[:5])] + list(OPENING_STATUSES[5:])
    for status in order:
        group = [o for o in openings if o.status == status]
        if not group:
            continue
        out += [f"### {status.capitalize()} ({len(group)})", ""]
        for o in group:
            company = service.name_of("companies", o.company_id) or "?"
            bits = [f"- **{md(o.title)}** at {md(company)}"]
            if o.location:
                bits.append(md(o.location))
            if o.deadline and o.is_open:
                bits.append(f"deadline {o.deadline}")
            if o.url:
                bits.append(md(o.url))
            out.append(" · ".join(bits))
            for s in histories.get(o.id, []):
                out.append(f"  - {s.day} {s.status}" + (f": {md(s.note)}" if s.note else ""))
        out.append("")
    return out


def deadlines(service: Service) -> list[tuple[Opening, dt.date, str | None, str | None]]:
    """(opening, deadline, created stamp, last change stamp) of open openings with a deadline."""
    out = []
    raw = service.db.raw(Opening.TABLE)
    for o in service.openings():
        if not o.deadline:
            continue
        doc = raw.get(o.id) or {}
        out.append(
            (o, dt.date.fromisoformat(o.deadline), doc.get(record.CREATED), record.last_change(doc))
        )
    return sorted(out, key=lambda t: (t[1], t[0].id))
