"""Insights as text and as JSON: what `stats` prints and the report's Insights section holds.

One place turns the domain's `Insights` into lines (plain or Markdown) and into the JSON contract
of `rebound-tui stats --json` (see the README), so the CLI, the report and tests agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from rebound_tui.charts import bar, share
from rebound_tui.domain.insights import Insights, Persistence

BAR_WIDTH = 24


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def to_json(ins: Insights) -> dict[str, Any]:
    """The `stats --json` object; days as YYYY-MM-DD, weeks oldest first."""
    return {
        "on": ins.on.isoformat(),
        "weeks": [
            {
                "week": w.week,
                "start": w.start.isoformat(),
                "touches": w.touches,
                "done": w.done,
                "people_added": w.people_added,
            }
            for w in ins.weeks
        ],
        "funnel": [{"step": s.step, "count": s.count, "share": s.share} for s in ins.funnel],
        "persistence": [
            {
                "company": p.company,
                "company_id": p.company_id,
                "rejected_on": p.rejected_on.isoformat(),
                "days_since": p.days_since,
                "touches_since": p.touches_since,
                "last_touch": _iso(p.last_touch),
                "next_touch": _iso(p.next_touch),
                "checkins": [
                    {"due": c.due.isoformat(), "status": c.status, "late": c.late}
                    for c in p.checkins
                ],
            }
            for p in ins.persistence
        ],
        "streak": {"current": ins.streak.current, "best": ins.streak.best},
        "going_cold": [
            {"kind": c.kind, "id": c.record_id, "name": c.name, "detail": c.detail}
            for c in ins.going_cold
        ],
    }


def checkin_marks(p: Persistence, *, days: bool = True) -> str:
    """The plan's check-ins: ✓ done, ✗ dropped, ! late, · ahead, each with its day."""
    marks = []
    for c in p.checkins:
        mark = {"done": "✓", "dropped": "✗"}.get(c.status, "!" if c.late else "·")
        marks.append(f"{mark}{c.due.strftime('%d %b')}" if days else mark)
    return (" " if days else "").join(marks) or "—"


def lines(ins: Insights, *, text: Callable[[str], str] = str, markdown: bool = False) -> list[str]:
    """The readable summary; `text` makes user values safe for where they are shown."""
    out: list[str] = []

    def heading(title: str) -> None:
        if out:
            out.append("")
        out.append(f"### {title}" if markdown else title)

    def table(rows: list[str]) -> None:
        # In Markdown a fenced block keeps the bars aligned.
        out.extend(["```", *rows, "```"] if markdown else rows)

    weeks = ins.weeks
    top = max((w.touches for w in weeks), default=0)
    heading(f"Activity, last {len(weeks)} weeks (touches · done · people added)")
    table(
        [
            f"{w.week}  {bar(w.touches, top, BAR_WIDTH):<{BAR_WIDTH}} "
            f"{w.touches:>3} · {w.done:>3} · {w.people_added:>3}"
            for w in weeks
        ]
    )
    heading("The rebound funnel")
    first = ins.funnel[0].count if ins.funnel else 0
    top = max([first, *(s.count for s in ins.funnel)], default=0)
    table(
        [
            f"{s.label:<30} {bar(s.count, top, BAR_WIDTH):<{BAR_WIDTH}} {s.count:>5} "
            f"{share(s.share):>5}"
            for s in ins.funnel
        ]
    )
    heading("Persistence since the no")
    if not ins.persistence:
        out.append("No rejection recorded yet.")
    rows = []
    for p in ins.persistence:
        last = p.last_touch.isoformat() if p.last_touch else "never"
        nxt = p.next_touch.isoformat() if p.next_touch else "nothing planned"
        rows.append(
            f"{text(p.company)}: {p.days_since} days since the no, {p.touches_since} "
            f"{'touch' if p.touches_since == 1 else 'touches'} since; last {last}, next {nxt}; "
            f"check-ins {checkin_marks(p)}"
        )
    out.extend(f"- {r}" if markdown else r for r in rows)
    heading("Streak")
    s = ins.streak
    days = "day" if s.current == 1 else "days"
    today = "cleared today" if s.cleared_today else "today is not cleared yet"
    out.append(f"{s.current} {days} in a row with the due list cleared ({today}); best {s.best}")
    heading("Going cold")
    if not ins.going_cold:
        out.append("Nobody is going cold.")
    for c in ins.going_cold:
        line = f"{text(c.name)} ({c.kind}): {c.detail}"
        out.append(f"- {line}" if markdown else line)
    return out
