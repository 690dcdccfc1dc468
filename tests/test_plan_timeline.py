"""The plan as a compact timeline (issue 14, "The plan in sight"): domain and service."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rebound_tui.domain.model import FollowUp
from rebound_tui.domain.plan_timeline import next_step, render, timeline
from rebound_tui.service import Service

TODAY = dt.date(2026, 11, 27)
OFFSETS = {
    "rejection-thank-you": "1d",
    "rejection-referral-ask": "7d",
    "rejection-check-in-30": "30d",
    "rejection-check-in-60": "60d",
    "rejection-check-in-90": "90d",
}


def step(rule: str, kind: str, due: dt.date, status: str = "open", n: int = 0) -> FollowUp:
    return FollowUp(
        id=f"{rule}{n}",
        title=rule,
        due=due.isoformat(),
        kind=kind,
        status=status,
        origin=f"rule:{rule}:ev1:boss1:{n}",
    )


def rejection_plan(no: dt.date, thanked: bool = True) -> list[FollowUp]:
    day = dt.timedelta
    return [
        step("rejection-thank-you", "thank-you", no + day(1), "done" if thanked else "open"),
        step("rejection-referral-ask", "referral-ask", no + day(7)),
        step("rejection-check-in-30", "check-in", no + day(30)),
        step("rejection-check-in-60", "check-in", no + day(60)),
        step("rejection-check-in-90", "check-in", no + day(90)),
    ]


def test_the_example_of_the_issue() -> None:
    plan = rejection_plan(TODAY - dt.timedelta(days=11))  # the referral ask is 4 days late
    text = render(timeline(plan, TODAY, OFFSETS))
    assert text == "✓ thanks → referral ask (4d late) → 30d · 60d · 90d"


def test_today_dropped_hand_made_and_repeats() -> None:
    plan = rejection_plan(TODAY - dt.timedelta(days=7), thanked=False)
    plan.append(step("rejection-check-in-30", "check-in", TODAY, "dropped", n=5))
    plan.append(FollowUp(id="hand", title="mine", due=TODAY.isoformat(), kind="todo"))
    late = TODAY - dt.timedelta(days=2)
    plan.append(FollowUp(id="by-hand", title="call", due=late.isoformat(), kind="check-in"))
    month = dt.timedelta(days=30)
    plan += [step("rejection-news-check", "news-check", TODAY + month * k, n=k) for k in (1, 2)]
    steps = timeline(plan, TODAY, OFFSETS)
    assert render(steps) == (
        "thanks (6d late) → check-in (2d late) → referral ask (today) → 30d · news · 60d · 90d"
    )
    assert next_step(steps).label == "thanks"


def test_done_steps_of_one_name_are_counted() -> None:
    no = TODAY - dt.timedelta(days=20)
    plan = [step(f"t{i}", "thank-you", no + dt.timedelta(days=i), "done") for i in range(3)]
    plan.append(step("rejection-check-in-30", "check-in", no + dt.timedelta(days=30)))
    assert render(timeline(plan, TODAY, OFFSETS)) == "✓ thanks ×3 → 30d"


def test_without_offsets_upcoming_check_ins_show_their_day() -> None:
    plan = [step("x", "check-in", dt.date(2026, 12, 24))]
    assert render(timeline(plan, TODAY)) == "Dec 24"
    assert timeline(plan, TODAY)[0].next_text() == "check-in Dec 24"
    thirty = step("rejection-check-in-30", "check-in", dt.date(2026, 12, 24))
    assert timeline([thirty], TODAY, OFFSETS)[0].next_text() == "30d, Dec 24"
    assert render(timeline([], TODAY)) == ""
    assert next_step([]) is None


@given(
    st.lists(
        st.tuples(
            st.integers(-200, 200),
            st.sampled_from(["open", "done", "dropped"]),
            st.sampled_from(["thank-you", "check-in", "referral-ask", "todo"]),
        ),
        max_size=12,
    )
)
def test_properties(items) -> None:
    plan = [
        step(f"rule{i}", kind, TODAY + dt.timedelta(days=d), status)
        for i, (d, status, kind) in enumerate(items)
    ]
    steps = timeline(plan, TODAY, {})
    assert [s.due for s in steps] == sorted(s.due for s in steps)  # in day order
    assert len(steps) == sum(1 for _, status, _ in items if status != "dropped")
    for s in steps:
        assert s.state in ("done", "late", "today", "upcoming")
        if s.state == "late":
            assert s.due < TODAY and s.days == (TODAY - s.due).days
        if s.state == "upcoming":
            assert s.due > TODAY and s.days == (s.due - TODAY).days
    text = render(steps)
    assert text.count("✓") <= sum(1 for s in steps if s.state == "done")
    assert "\n" not in text


def test_the_service_gives_a_rejected_company_its_plan(tmp_path) -> None:
    service = Service.open(tmp_path / "rebound.json", today=lambda: TODAY)
    service.add_company("Northshore Logistics", priority=5)
    service.add_contact("Darlene Price", company="Northshore Logistics", role="boss")
    service.reject("Northshore Logistics", on=(TODAY - dt.timedelta(days=11)).isoformat())
    company = service.find_company("Northshore Logistics")
    text = render(service.plan_of(company.id))
    assert text.startswith("thanks (10d late) → referral ask (4d late) → ")
    # 30 days and a month after the no fall on one day: the monthly news check, its next one
    assert text.endswith(("→ 30d · news · 60d · 90d", "→ news · 30d · 60d · 90d"))
    assert service.plan_of(None) == []


def test_a_plan_builds_only_its_companys_follow_ups(tmp_path) -> None:
    """The first status line after a large file opens asks for one company's plan: the same
    timeline as from every follow-up, without building the others (5,000 on the heavy file)."""
    service = Service.open(tmp_path / "rebound.json", today=lambda: TODAY)
    for name, days in (("Northshore Logistics", 11), ("Acme", 40), ("Globex", 3)):
        service.add_company(name, priority=4)
        service.reject(name, on=(TODAY - dt.timedelta(days=days)).isoformat())
    service.save()
    fresh = Service.open(tmp_path / "rebound.json", today=lambda: TODAY)
    company = fresh.find_company("Acme")
    steps = fresh.plan_of(company.id)
    assert "followups" not in fresh.core._cache  # (nothing but Acme's built)
    everyone = [f for f in fresh.follow_ups(include_closed=True) if f.company_id == company.id]
    offsets = {r.id: str(r.offset) for r in fresh.rules() if r.offset is not None}
    assert steps == timeline(everyone, TODAY, offsets) and len(steps) > 3
    assert fresh.plan_of(company.id) == steps  # (and from the records built since)


def test_the_step_after_a_given_one() -> None:
    plan = rejection_plan(TODAY - dt.timedelta(days=11))
    steps = timeline(plan, TODAY, OFFSETS)
    assert next_step(steps, after="rejection-referral-ask0").label == "30d"
    assert next_step(steps, after="rejection-check-in-900") is None
    assert next_step(steps, after="unknown").label == "referral ask"
