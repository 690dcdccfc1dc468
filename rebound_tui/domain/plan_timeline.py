"""A company's plan as a compact timeline: `✓ thanks → referral ask (4d late) → 30d · 60d · 90d`.

The plan is the company's follow-ups that a playbook rule made (their `origin` names the rule),
and those of the plan's kinds made by hand (a check-in, a thank-you; not a plain to-do):
done steps get a ✓, overdue ones say how late, today's say so, upcoming ones show the rule's
offset ("30d") or, without one, their day. Dropped steps are left out;
a repeating rule (the monthly news check) shows only its next open step. Plain data in, plain
text out: the dashboard draws it, the status line shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rebound_tui.domain.model import FollowUp
from rebound_tui.domain.playbook import parse_origin

__all__ = ["Step", "next_step", "render", "timeline"]

# Hand-made follow-ups of these kinds are steps of the plan too (a check-in added by hand, the
# demo's story); a plain to-do is not.
PLAN_KINDS = frozenset({"thank-you", "referral-ask", "check-in", "news-check", "outreach"})

# What a step is called, by follow-up kind (a check-in is called by its offset instead).
KIND_LABEL = {
    "thank-you": "thanks",
    "referral-ask": "referral ask",
    "news-check": "news",
    "outreach": "outreach",
    "todo": "to do",
}


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the plan: what it is, its day, and where it stands."""

    label: str
    due: dt.date
    state: str  # "done", "late", "today" or "upcoming"
    days: int  # late: days overdue; upcoming: days until; else 0
    follow_up_id: str = ""
    kind: str = ""  # the follow-up's kind

    def next_text(self) -> str:
        """As the step that comes next: `30d, Dec 16`, `check-in Dec 26`, `thanks (today)`."""
        if self.state != "upcoming":
            return self.text()
        day = f"{self.due:%b} {self.due.day}"
        return f"{self.kind} {day}" if self.label == day else f"{self.label}, {day}"

    def text(self) -> str:
        if self.state == "done":
            return f"✓ {self.label}"
        if self.state == "late":
            return f"{self.label} ({self.days}d late)"
        if self.state == "today":
            return f"{self.label} (today)"
        return self.label


def _label(follow_up: FollowUp, offset: str | None) -> str:
    if follow_up.kind == "check-in":
        return offset or "check-in"
    return KIND_LABEL.get(follow_up.kind, follow_up.kind)


def timeline(
    follow_ups: Iterable[FollowUp], today: dt.date, offsets: Mapping[str, str] | None = None
) -> list[Step]:
    """The steps of the plan, in day order. `offsets`: a rule's id -> its offset ("30d"),
    used to name upcoming check-ins; without it they are named by their day."""
    offsets = offsets or {}
    steps: list[tuple[dt.date, str, Step]] = []
    repeating_seen: set[str] = set()
    for f in sorted(follow_ups, key=lambda f: (f.due, f.id or "")):
        origin = parse_origin(f.origin)
        if f.status not in ("open", "done") or (origin is None and f.kind not in PLAN_KINDS):
            continue
        try:
            due = dt.date.fromisoformat(f.due)
        except (TypeError, ValueError):
            continue
        if f.status == "open" and origin is not None:
            if origin.rule_id in repeating_seen:
                continue  # a repeating rule: its next open step only
            repeating_seen.add(origin.rule_id)
        offset = offsets.get(origin.rule_id) if origin is not None else None
        label = _label(f, offset)
        if f.status == "done":
            step = Step(label, due, "done", 0, f.id or "", f.kind)
        elif due < today:
            step = Step(label, due, "late", (today - due).days, f.id or "", f.kind)
        elif due == today:
            step = Step(label, due, "today", 0, f.id or "", f.kind)
        else:
            if f.kind == "check-in" and offset is None:
                label = f"{due:%b} {due.day}"
            step = Step(label, due, "upcoming", (due - today).days, f.id or "", f.kind)
        steps.append((due, f.id or "", step))
    return [s for _, _, s in sorted(steps, key=lambda t: (t[0], t[1]))]


def render(steps: Iterable[Step]) -> str:
    """`✓ thanks → referral ask (4d late) → 30d · 60d · 90d`: upcoming steps in a row are
    joined by ` · `, the others by ` → `, done steps of one name in a row counted (`✓ thanks
    ×3`); empty for no plan."""
    out = ""
    previous: Step | None = None
    repeats = 1
    for step in steps:
        same = previous is not None and (previous.state, previous.label) == (step.state, step.label)
        if same and step.state == "done":  # `✓ thanks ×3`: the interviewers thanked
            repeats += 1
            out = out.rsplit("✓ ", 1)[0] + f"✓ {step.label} ×{repeats}"
            continue
        repeats = 1
        if previous is not None:
            both_upcoming = previous.state == "upcoming" and step.state == "upcoming"
            out += " · " if both_upcoming else " → "
        out += step.text()
        previous = step
    return out


def next_step(steps: Iterable[Step], after: str = "") -> Step | None:
    """The first step not done (late, today or upcoming), or None; `after`: a follow-up's id,
    the step after that one (what comes next once it is done)."""
    rest = [s for s in steps if s.state != "done"]
    ids = [s.follow_up_id for s in rest]
    if after in ids:
        rest = rest[ids.index(after) + 1 :]
    return rest[0] if rest else None
