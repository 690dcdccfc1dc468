"""Keep-in-touch cadences: timed from the last real touch, one open check-in per contact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rebound_tui.domain import cadence
from rebound_tui.domain.cadence import Touch, last_touch, next_check_in, plan_check_in
from rebound_tui.domain.dates import Span
from rebound_tui.domain.model import INTERACTION_KINDS, TOUCH_KINDS
from rebound_tui.service import Service, ServiceError

TODAY = dt.date(2026, 11, 27)
SIX_WEEKS = Span(6, "w")


# -- the domain ---------------------------------------------------------------------------------


def test_last_touch_counts_only_real_exchanges_with_that_person():
    touches = [
        Touch(dt.date(2026, 11, 1), "call", ("ann",)),
        Touch(dt.date(2026, 11, 10), "note", ("ann",)),  # a note is not a touch
        Touch(dt.date(2026, 11, 12), "news", ("ann",)),
        Touch(dt.date(2026, 11, 15), "email", ("bob",)),
        Touch(dt.date(2026, 11, 5), "meeting", ("bob", "ann")),  # present at a meeting
    ]
    assert last_touch(touches, "ann") == dt.date(2026, 11, 5)
    assert last_touch(touches, "bob") == dt.date(2026, 11, 15)
    assert last_touch(touches, "cy") is None


def test_next_check_in_is_a_cadence_after_the_last_touch_or_today():
    assert next_check_in(SIX_WEEKS, dt.date(2026, 11, 20), TODAY) == dt.date(2027, 1, 1)
    assert next_check_in(Span(1, "m"), dt.date(2026, 1, 31), TODAY) == dt.date(2026, 2, 28)
    assert next_check_in(SIX_WEEKS, None, TODAY) == TODAY


def test_check_in_origin_names_its_basis():
    check = plan_check_in("ann", SIX_WEEKS, [Touch(dt.date(2026, 11, 20), "call", ("ann",))], TODAY)
    assert check.origin == "cadence:ann:2026-11-20+6w"
    assert cadence.contact_of(check.origin) == "ann"
    assert cadence.contact_of("rule:x:y:z:0") is None
    assert cadence.contact_of(None) is None
    never = plan_check_in("ann", SIX_WEEKS, [], TODAY)
    assert (never.due, never.origin) == (TODAY, "cadence:ann:never+6w")


def test_a_done_check_in_counts_even_when_nothing_real_was_logged():
    touches = [Touch(dt.date(2026, 10, 1), "call", ("ann",))]
    check = plan_check_in("ann", SIX_WEEKS, touches, TODAY, done_on=[dt.date(2026, 11, 1)])
    assert check.due == dt.date(2026, 12, 13)


@given(
    st.lists(
        st.tuples(
            st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)), st.sampled_from(INTERACTION_KINDS)
        ),
        max_size=8,
    ),
    st.builds(Span, st.integers(1, 30), st.sampled_from("dwm")),
)
def test_the_next_check_in_is_never_before_the_last_touch(rows, span):
    touches = [Touch(day, kind, ("ann",)) for day, kind in rows]
    check = plan_check_in("ann", span, touches, TODAY)
    real = [day for day, kind in rows if kind in TOUCH_KINDS]
    if real:
        assert check.due > max(real)
        assert check.due == span.add_to(max(real))
    else:
        assert check.due == TODAY


# -- through the service ------------------------------------------------------------------------


@pytest.fixture
def svc(tmp_path: Path) -> Service:
    s = Service.open(tmp_path / "rebound.json", today=lambda: TODAY)
    s.add_company("Acme")
    return s


def check_ins(svc: Service, include_closed: bool = False):
    return [
        f
        for f in svc.follow_ups(include_closed=include_closed)
        if cadence.contact_of(f.origin) is not None
    ]


def test_a_cadence_gets_exactly_one_open_check_in(svc: Service):
    ann = svc.add_contact("Ann Lee", company="Acme", cadence="6w")  # schedules the check-in
    assert svc.cadence_sync() == []  # nothing more to do
    (f,) = check_ins(svc)
    # A new cadence counts from the day Ann was added (today), not from an empty history.
    assert (f.contact_id, f.due, f.kind) == (ann.id, "2027-01-08", "check-in")
    assert f.title == "Keep in touch: check in with Ann Lee"


def test_an_unrelated_interaction_pushes_the_next_check_in_out(svc: Service):
    svc.add_contact("Ann Lee", company="Acme", cadence="6w")
    svc.log("call", contact="Ann Lee", on="2026-11-01")
    (first,) = check_ins(svc)
    assert first.due == "2026-12-13"
    svc.log("meeting", contact="Ann Lee", on="2026-11-20", note="coffee")
    (moved,) = check_ins(svc)
    assert moved.id == first.id and moved.due == "2027-01-01"
    svc.log("note", contact="Ann Lee", on="2026-11-25")  # a note is not a touch
    assert check_ins(svc)[0].due == "2027-01-01"


def test_being_present_at_an_interview_counts_as_a_touch(svc: Service):
    svc.add_contact("Ann Lee", company="Acme", cadence="2w")
    boss = svc.add_contact("Bo Boss", company="Acme")
    ann = svc.find_contact("Ann Lee")
    svc.log("interview", contact=boss.name, with_ids=[ann.id], on="2026-11-20")
    assert [f.due for f in check_ins(svc) if f.contact_id == ann.id] == ["2026-12-04"]


def test_completing_a_check_in_schedules_the_next_from_the_day_it_was_done(svc: Service):
    svc.add_contact("Ann Lee", company="Acme", cadence="6w")
    svc.log("call", contact="Ann Lee", on="2026-09-01")
    (due,) = check_ins(svc)
    assert due.due == "2026-10-13"  # overdue: done late, on the 25th
    svc.complete(due, on="2026-11-25")
    (nxt,) = check_ins(svc)
    assert nxt.id != due.id and nxt.due == "2027-01-06"  # 6 weeks after the 25th, not the 13th


def test_completing_with_a_non_touch_kind_still_schedules_from_that_day(svc: Service):
    svc.add_contact("Ann Lee", company="Acme", cadence="4w")
    svc.cadence_sync()
    (due,) = check_ins(svc)
    svc.complete(due, kind="note")
    assert check_ins(svc)[0].due == "2026-12-25"


def test_a_snoozed_check_in_stays_snoozed_until_a_new_touch(svc: Service):
    svc.add_contact("Ann Lee", company="Acme", cadence="6w")
    svc.log("call", contact="Ann Lee", on="2026-10-01")
    (f,) = check_ins(svc)
    svc.snooze(f, "2026-12-20")
    svc.cadence_sync()
    assert check_ins(svc)[0].due == "2026-12-20"
    svc.log("email", contact="Ann Lee", on="2026-11-26")
    assert check_ins(svc)[0].due == "2027-01-07"


def test_dropping_a_check_in_skips_one_round(svc: Service):
    svc.add_contact("Ann Lee", company="Acme", cadence="2w")
    svc.cadence_sync()
    (f,) = check_ins(svc)
    dropped = svc.drop(f)
    svc.after_drop(dropped)  # the lead's drop() calls this
    (nxt,) = check_ins(svc)
    assert nxt.due == "2026-12-11"


def test_changing_or_removing_a_cadence(svc: Service):
    ann = svc.add_contact("Ann Lee", company="Acme", cadence="6w")
    svc.log("call", contact="Ann Lee", on="2026-11-20")
    svc.edit_contact(ann.id, cadence="2w")
    svc.cadence_sync(ann.id)
    assert [f.due for f in check_ins(svc)] == ["2026-12-04"]
    svc.edit_contact(ann.id, cadence="")
    svc.cadence_sync()
    assert check_ins(svc) == []


def test_a_deleted_contact_loses_its_check_in(svc: Service):
    ann = svc.add_contact("Ann Lee", company="Acme", cadence="6w")
    svc.cadence_sync()
    svc.delete_contact(ann.id)
    svc.after_contact_deleted(ann)  # the lead's delete_contact calls this
    assert check_ins(svc) == []


def test_two_machines_check_ins_become_one(svc: Service):
    ann = svc.add_contact("Ann Lee", company="Acme", cadence="6w")
    svc.cadence_sync()
    (f,) = check_ins(svc)
    svc.add_follow_up(f.title, due="2026-12-01", contact=ann.id, kind="check-in", origin=f.origin)
    assert len(check_ins(svc)) == 2
    svc.cadence_sync()
    assert len(check_ins(svc)) == 1


def test_deleting_the_last_touch_re_times_the_check_in(svc: Service):
    svc.add_contact("Ann Lee", company="Acme", cadence="6w")
    svc.log("call", contact="Ann Lee", on="2026-10-01")
    call = svc.log("call", contact="Ann Lee", on="2026-11-20")
    assert check_ins(svc)[0].due == "2027-01-01"
    svc.delete_interaction(call.id)
    assert check_ins(svc)[0].due == "2026-11-12"


def test_turning_the_cadence_rule_off_removes_open_check_ins(svc: Service):
    svc.add_contact("Ann Lee", company="Acme", cadence="6w")
    svc.cadence_sync()
    svc.set_rules([r for r in svc.rules() if r.trigger != "cadence"])
    svc.cadence_sync()
    assert check_ins(svc) == []


def test_a_new_contact_with_a_cadence_via_the_hook(svc: Service):
    ann = svc.add_contact("Ann Lee", company="Acme", cadence="3m")  # calls after_contact_saved
    assert [(f.contact_id, f.due) for f in check_ins(svc)] == [(ann.id, "2027-02-27")]
    assert svc.after_contact_saved(ann) == []  # again: nothing to add


def test_dropping_a_check_in_added_by_hand_starts_the_next_round_from_that_day(svc: Service):
    with svc.playbook_paused():  # a contact whose cadence has no check-in yet (e.g. imported)
        svc.add_contact("Walt Simmons", company="Acme", cadence="6w")
        svc.log("call", contact="Walt Simmons", on="2026-06-01")
        manual = svc.add_follow_up(
            "Update Walt", due="2026-11-20", contact="Walt Simmons", kind="check-in"
        )
    svc.drop(manual)
    (f,) = check_ins(svc)
    assert f.due == "2027-01-08"  # six weeks after the drop on 2026-11-27, not overdue


def test_an_open_check_in_added_by_hand_serves_the_cadence(svc: Service):
    with svc.playbook_paused():
        svc.add_contact("Walt Simmons", company="Acme", cadence="6w")
        svc.add_follow_up("Update Walt", due="2026-12-01", contact="Walt Simmons", kind="check-in")
    assert svc.cadence_sync() == []  # no second check-in next to the user's own
    assert [f.title for f in svc.follow_ups()] == ["Update Walt"]


# -- issue 13: warmth only from exchanges; a new cadence counts from the day met or added --------


def test_a_new_cadence_counts_from_the_day_met(svc: Service):
    ann = svc.add_contact("Ann Lee", company="Acme", cadence="6w", met_on="2026-10-01")
    assert ann.met_on == "2026-10-01"
    assert [f.due for f in check_ins(svc)] == ["2026-11-12"]  # 6 weeks after meeting her
    with pytest.raises(ServiceError, match="in the future"):
        svc.add_contact("Bo Lee", company="Acme", met_on="tomorrow")
    svc.edit_contact(ann, met_on="monday")  # the latest Monday: 2026-11-23
    assert [f.due for f in check_ins(svc)] == ["2027-01-04"]


def test_a_contact_just_added_is_not_cold_and_has_nothing_due(svc: Service):
    from rebound_tui.views import Views

    svc.add_contact("Ann Lee", company="Acme", cadence="6w")
    assert svc.due() == []
    (row,) = [r for r in Views(svc).network() if r.contact == "Ann Lee"]
    assert not row.warmth.cooling and row.warmth.label == "cold"


def test_snoozing_or_dropping_never_warms_anyone(svc: Service):
    from rebound_tui.views import Views

    svc.add_contact("Dana Reyes", company="Acme")
    svc.log("meeting", contact="Dana Reyes", on="2026-11-16")
    svc.log("call", contact="Dana Reyes", on="2026-11-18")
    svc.log("email", contact="Dana Reyes", on="2026-11-19")
    svc.add_follow_up("Check in with Dana", due="2026-11-20", contact="Dana Reyes")
    svc.add_follow_up("Ask Dana about the panel", due="2026-11-21", contact="Dana Reyes")

    def label() -> str:
        svc.core.forget()
        return next(r for r in Views(svc).network() if r.contact == "Dana Reyes").warmth.label

    before = label()
    assert before == "hot"  # an overdue follow-up is not an exchange: no cooling from it
    svc.snooze("Check in with Dana", "3d")
    assert label() == before
    svc.drop("Ask Dana about the panel")
    assert label() == before


def test_only_a_person_with_a_cadence_has_their_touches_read(svc: Service, monkeypatch):
    """Re-timing after a log or a done reads a person's touches (in a command, a scan of every
    interaction) only where a check-in is planned from them."""
    ann = svc.add_contact("Ann Lee", company="Acme", cadence="6w")
    bob = svc.add_contact("Bob Roe", company="Acme")
    asked: list[str] = []
    real = svc.core.touch_groups

    def spied():
        groups = real()

        class Spy(dict):
            def get(self, key, default=None):
                asked.append(key)
                return groups.get(key, default)

        return Spy()

    monkeypatch.setattr(svc.core, "touch_groups", spied)
    svc.log("call", contact="Bob Roe", on="2026-11-20")
    assert asked == []
    svc.log("call", contact="Ann Lee", on="2026-11-20")
    assert asked == [ann.id]
    (f,) = check_ins(svc)
    assert f.due == "2027-01-01"  # six weeks after the call: the touches were read
    assert bob.id not in {c.contact_id for c in check_ins(svc)}
