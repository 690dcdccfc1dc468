"""The service layer on a real file: due order, follow-up rules, undo, all or nothing, time zones.

Today is frozen at 2026-11-27 (a Friday) in America/Chicago by the `today` fixture (conftest.py).
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pendulum
import pytest

from rebound_tui.domain import dates
from rebound_tui.domain.clock import HybridClock
from rebound_tui.domain.merge import is_live, merge_databases, merge_many
from rebound_tui.service import Service, ServiceError
from rebound_tui.store.fileformat import decode, encode

TODAY = dt.date(2026, 11, 27)


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def svc(data_path: Path, today) -> Service:
    return Service.open(data_path)


def reopen(svc: Service) -> Service:
    svc.save()
    return Service.open(svc.path)


def disk(path: Path) -> dict:
    return decode(path.read_bytes(), path)


def stamps_of(doc: dict) -> list[str]:
    return [*doc["_clock"].values(), *([doc["_deleted"]] if "_deleted" in doc else [])]


# -- the due list -------------------------------------------------------------------------------


def test_due_order_overdue_first_then_importance_then_due_date(svc: Service):
    svc.add_company("Low Co", priority=1)
    svc.add_company("High Co", priority=5)
    svc.add_follow_up("A low overdue 1d", due=day(-1), company="Low Co")
    svc.add_follow_up("B high overdue 5d", due=day(-5), company="High Co")
    svc.add_follow_up("C high today", due=day(0), company="High Co")
    svc.add_follow_up("D high overdue 3d", due=day(-3), company="High Co")
    svc.add_follow_up("E low today", due=day(0), company="Low Co")
    svc.add_follow_up("F tomorrow", due=day(1), company="High Co")
    svc.add_follow_up("G own priority 5", due=day(-1), company="Low Co", priority=5)
    svc.add_follow_up("H no company", due=day(-2))  # importance 3
    order = [i.follow_up.title for i in svc.due()]
    assert order == [
        "B high overdue 5d",
        "D high overdue 3d",
        "G own priority 5",
        "H no company",
        "A low overdue 1d",
        "C high today",
        "E low today",
    ]
    items = {i.follow_up.title: i for i in svc.due()}
    assert items["B high overdue 5d"].overdue and items["B high overdue 5d"].days_overdue == 5
    assert not items["C high today"].overdue
    assert items["G own priority 5"].importance == 5
    # A later day, or a window: tomorrow's item joins, in its place.
    assert "F tomorrow" in [i.follow_up.title for i in svc.due(day(1))]
    assert "F tomorrow" in [i.follow_up.title for i in svc.due(within_days=1)]
    assert [i.follow_up.title for i in svc.due(day(-4))] == ["B high overdue 5d"]


def test_due_leaves_out_closed_and_deleted_companies_keep_their_follow_ups(svc: Service):
    svc.add_company("Acme")
    f1 = svc.add_follow_up("done one", due=day(-1), company="Acme")
    svc.add_follow_up("open one", due=day(-1), company="Acme")
    svc.complete(f1.id)
    svc.delete_company("Acme")
    items = svc.due()
    assert [i.follow_up.title for i in items] == ["open one"]
    assert items[0].company is None  # the company is gone; the name is still known
    assert svc.name_of("companies", items[0].follow_up.company_id) == "Acme"


# -- complete, snooze, reschedule, drop ---------------------------------------------------------


def test_complete_logs_the_matching_kind(svc: Service):
    svc.add_company("Acme")
    svc.add_contact("Darlene", company="Acme")
    f = svc.add_follow_up("Thank her", due=day(-1), contact="Darlene", kind="thank-you")
    done, logged = svc.complete(f.id, note="card sent")
    assert done.status == "done" and done.closed_on == day(0)
    assert logged is not None
    assert (logged.kind, logged.day, logged.note) == ("thank-you", day(0), "card sent")
    assert logged.follow_up_id == f.id
    assert logged.contact_id == done.contact_id and logged.company_id == done.company_id
    on_disk = reopen(svc)
    assert on_disk.follow_up(f.id).status == "done"
    assert [i.id for i in on_disk.interactions()] == [logged.id]


def test_complete_without_company_or_contact_logs_nothing(svc: Service):
    f = svc.add_follow_up("Update resume", due=day(0))
    done, logged = svc.complete(f)
    assert logged is None and done.status == "done"
    assert svc.interactions() == []


def test_complete_on_a_given_day(svc: Service):
    svc.add_company("Acme")
    f = svc.add_follow_up("x", due=day(-3), company="Acme")
    done, logged = svc.complete(f.id, on="2026-11-25")
    assert done.closed_on == "2026-11-25" and logged.day == "2026-11-25"


@pytest.mark.parametrize("close", ["complete", "drop"])
def test_closed_follow_ups_refuse_every_action(svc: Service, close: str):
    f = svc.add_follow_up("x", due=day(0))
    getattr(svc, close)(f.id)
    with pytest.raises(ServiceError, match="already"):
        svc.complete(f.id)
    with pytest.raises(ServiceError, match="already"):
        svc.snooze(f.id, day(3))
    with pytest.raises(ServiceError, match="already"):
        svc.reschedule(f.id, day(3))
    with pytest.raises(ServiceError, match="already"):
        svc.drop(f.id)


def test_snooze_moves_forward_and_counts(svc: Service):
    f = svc.add_follow_up("x", due=day(-2))
    f = svc.snooze(f.id, "monday")
    assert f.due == "2026-11-30" and f.snoozes == 1
    f = svc.snooze(f.id, "2w")
    assert f.due == day(14) and f.snoozes == 2
    for bad in ("today", "yesterday", day(-10)):
        with pytest.raises(ServiceError):
            svc.snooze(f.id, bad)
    assert svc.follow_up(f.id).due == day(14)
    assert reopen(svc).follow_up(f.id).snoozes == 2


def test_reschedule_may_move_back_and_does_not_count_as_snooze(svc: Service):
    f = svc.add_follow_up("x", due=day(5))
    f = svc.reschedule(f.id, day(-1))
    assert f.due == day(-1) and f.snoozes == 0
    assert [i.follow_up.id for i in svc.due()] == [f.id]


def test_drop(svc: Service):
    f = svc.add_follow_up("x", due=day(0))
    dropped = svc.drop(f.id, note="not worth it")
    assert (dropped.status, dropped.closed_on, dropped.note) == ("dropped", day(0), "not worth it")
    assert svc.due() == [] and svc.follow_ups() == []
    assert [x.id for x in svc.follow_ups(include_closed=True)] == [f.id]


# -- finding ------------------------------------------------------------------------------------


def test_find_by_name_case_insensitively_and_by_id_prefix(svc: Service):
    acme = svc.add_company("Acme Corp")
    svc.add_company("Beta")
    assert svc.find_company("ACME corp").id == acme.id
    assert svc.find_company(acme.id[:4]).id == acme.id
    assert svc.find_company(acme.id.upper()).id == acme.id
    with pytest.raises(ServiceError, match="no company"):
        svc.find_company("Gamma")


# -- undo ---------------------------------------------------------------------------------------


def _live_fields(svc: Service) -> dict:
    """The user-visible state: live records' set fields, by table and id (absent == None)."""
    out = {}
    for table, docs in svc.db.storage.read().items():
        rows = {
            rid: {k: v for k, v in doc.items() if not k.startswith("_") and v is not None}
            for rid, doc in docs.items()
            if is_live(doc)
        }
        if table != "meta" and rows:
            out[table] = rows
    return out


def _do_undoable(svc: Service, name: str) -> dict:
    """Set up some records, do action `name`; -> the live state before the action."""
    svc.add_company("Acme", priority=2, location="Glenview")
    svc.add_contact("Darlene", company="Acme")
    f = svc.add_follow_up("Call", due=day(-1), company="Acme", contact="Darlene")
    expected = _live_fields(svc)
    actions = {
        "add_company": lambda: svc.add_company("New Co"),
        "edit_company": lambda: svc.edit_company("Acme", priority=5, location=None),
        "delete_company": lambda: svc.delete_company("Acme"),
        "add_contact": lambda: svc.add_contact("Ed", company="Acme", email="ed@x.example"),
        "edit_contact": lambda: svc.edit_contact("Darlene", title="CFO"),
        "delete_contact": lambda: svc.delete_contact("Darlene"),
        "log": lambda: svc.log("call", company="Acme"),
        "add_follow_up": lambda: svc.add_follow_up("Later", due=day(3)),
        "complete": lambda: svc.complete(f.id),
        "snooze": lambda: svc.snooze(f.id, day(7)),
        "reschedule": lambda: svc.reschedule(f.id, day(9)),
        "drop": lambda: svc.drop(f.id, note="meh"),
    }
    actions[name]()
    assert _live_fields(svc) != expected, "the action changed nothing"
    return expected


UNDOABLE = [
    "add_company",
    "edit_company",
    "delete_company",
    "add_contact",
    "edit_contact",
    "delete_contact",
    "log",
    "add_follow_up",
    "complete",
    "snooze",
    "reschedule",
    "drop",
]


@pytest.mark.parametrize("name", UNDOABLE)
def test_undo_puts_each_action_back_and_survives_a_reload(svc: Service, name: str):
    expected = _do_undoable(svc, name)
    assert svc.can_undo
    assert svc.undo()
    assert _live_fields(svc) == expected
    again = reopen(svc)
    assert _live_fields(again) == expected


def test_undo_with_nothing_to_undo(svc: Service):
    assert not svc.can_undo
    assert svc.undo() is None


def test_undo_goes_back_one_action_at_a_time(svc: Service):
    svc.add_company("Acme", priority=1)
    svc.edit_company("Acme", priority=2)
    svc.edit_company("Acme", priority=3)
    assert svc.last_action == "edit company Acme"
    svc.undo()
    assert svc.find_company("Acme").priority == 2
    svc.undo()
    assert svc.find_company("Acme").priority == 1
    svc.undo()
    assert svc.companies() == []
    assert svc.undo() is None


def test_undo_of_complete_removes_the_logged_interaction(svc: Service):
    svc.add_company("Acme")
    f = svc.add_follow_up("x", due=day(0), company="Acme")
    svc.complete(f.id)
    assert len(svc.interactions()) == 1
    svc.undo()
    assert svc.interactions() == []
    assert svc.follow_up(f.id).is_open


def test_undo_of_delete_is_new_stamps_that_win_over_older_copies(svc: Service, tmp_path: Path):
    acme = svc.add_company("Acme", priority=4)
    svc.save()
    before_delete = disk(svc.path)
    svc.delete_company("Acme")
    svc.save()
    with_tombstone = disk(svc.path)
    deleted_at = with_tombstone["companies"][acme.id]["_deleted"]
    svc.undo()
    svc.save()
    undone = disk(svc.path)
    doc = undone["companies"][acme.id]
    assert is_live(doc)
    assert max(doc["_clock"].values()) > deleted_at  # written as new stamps, not a rewind
    for older in (before_delete, with_tombstone):
        for merged in (merge_databases(undone, older), merge_databases(older, undone)):
            assert is_live(merged["companies"][acme.id])
            assert merged["companies"][acme.id]["priority"] == 4
    merged = merge_many([with_tombstone, undone, before_delete])
    assert encode(merged) == encode(merge_many([before_delete, with_tombstone, undone]))
    # And through a service on the merged file: the company is there.
    out = tmp_path / "merged.json"
    out.write_bytes(encode(merged))
    assert [c.name for c in Service.open(out).companies()] == ["Acme"]


def test_undo_of_edit_wins_over_a_copy_that_has_the_edit(svc: Service):
    acme = svc.add_company("Acme", priority=4)
    svc.save()
    svc.edit_company("Acme", priority=1)
    svc.save()
    with_edit = disk(svc.path)
    svc.undo()
    svc.save()
    undone = disk(svc.path)
    for merged in (merge_databases(undone, with_edit), merge_databases(with_edit, undone)):
        assert merged["companies"][acme.id]["priority"] == 4


def test_undo_leaves_other_processes_edits_alone(svc: Service):
    svc.add_company("Acme", priority=3, location="Glenview")
    svc.save()
    svc.edit_company("Acme", priority=5)
    svc.save()
    other = Service.open(svc.path)
    other.edit_company("Acme", location="Skokie")
    other.save()
    svc.refresh()
    assert svc.find_company("Acme").location == "Skokie"
    svc.undo()
    acme = svc.find_company("Acme")
    assert acme.priority == 3  # my edit is undone
    assert acme.location == "Skokie"  # theirs is not


def test_undo_of_add_is_a_tombstone(svc: Service):
    acme = svc.add_company("Acme")
    svc.save()
    svc.undo()
    svc.save()
    doc = disk(svc.path)["companies"][acme.id]
    assert not is_live(doc) and doc["_deleted"]


# -- all or nothing -----------------------------------------------------------------------------


def test_failing_action_leaves_no_half_made_change(svc: Service, monkeypatch):
    svc.add_company("Acme")
    f = svc.add_follow_up("x", due=day(0), company="Acme")
    svc.save()
    on_disk = svc.path.read_bytes()
    memory = _records(svc)
    last = svc.last_action
    monkeypatch.setattr(svc.playbook, "after_complete", _boom)
    with pytest.raises(RuntimeError):
        svc.complete(f.id)
    assert _records(svc) == memory  # the interaction it logged first is gone again
    assert svc.interactions() == []
    assert svc.follow_up(f.id).is_open
    assert svc.last_action == last  # nothing half-done to undo
    svc.save()
    saved = decode(svc.path.read_bytes(), svc.path)
    assert {t: d for t, d in saved.items() if d} == decode(on_disk, svc.path)


def test_failing_action_leaves_the_file_bytes_alone(svc: Service, monkeypatch):
    svc.add_company("Acme")
    f = svc.add_follow_up("x", due=day(0), company="Acme")
    svc.save()
    on_disk = svc.path.read_bytes()
    monkeypatch.setattr(svc.playbook, "after_complete", _boom)
    with pytest.raises(RuntimeError):
        svc.complete(f.id)
    assert svc.save() is False
    assert svc.path.read_bytes() == on_disk


def _boom(*args, **kwargs):
    raise RuntimeError("hook failed")


def _records(svc: Service) -> dict:
    """Everything in memory, tables that hold no record left out."""
    return {t: copy.deepcopy(d) for t, d in svc.db.storage.read().items() if d}


def test_failing_log_hook_rolls_back_the_interaction(svc: Service, monkeypatch):
    svc.add_company("Acme")
    memory = _records(svc)
    monkeypatch.setattr(svc.playbook, "after_log", lambda rec: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        svc.log("call", company="Acme")
    assert _records(svc) == memory


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.add_contact("Ed", company="Acme", referred_by_name="Nobody"),
        lambda s: s.add_contact("Ed", email="bad"),
        lambda s: s.add_follow_up("x", due="someday"),
        lambda s: s.add_follow_up("x", due=day(0), company="Nope"),
        lambda s: s.edit_company("Acme", priority=9),
        lambda s: s.edit_company("Acme", name="Beta"),
        lambda s: s.log("dance", company="Acme"),
        lambda s: s.log("call"),
    ],
)
def test_refused_input_changes_nothing(svc: Service, call):
    svc.add_company("Acme")
    svc.add_company("Beta")
    memory = _records(svc)
    with pytest.raises(ServiceError):
        call(svc)
    assert _records(svc) == memory


# -- settings ---------------------------------------------------------------------------------


def test_settings(svc: Service):
    assert svc.setting("theme") is None
    assert svc.setting("theme", "dark") == "dark"
    svc.set_setting("theme", "light")
    svc.set_setting("week_start", 0)
    assert svc.setting("theme") == "light"
    svc.set_setting("theme", "nord")
    again = reopen(svc)
    assert again.setting("theme") == "nord" and again.setting("week_start") == 0


def test_settings_merge_by_key_later_choice_wins(tmp_path: Path, today):
    wall = [1_760_000_000_000]  # (in the past: stamps far ahead of the real clock are refused)
    a_path, b_path = tmp_path / "a.json", tmp_path / "b.json"
    a = Service(_db(a_path, "aaaaaaaa", wall))
    a.set_setting("theme", "dark")
    a.save()
    b_path.write_bytes(a_path.read_bytes())
    b = Service(_db(b_path, "bbbbbbbb", wall))
    wall[0] += 1000
    a.set_setting("theme", "light")
    wall[0] += 1000
    b.set_setting("theme", "solarized")  # the later choice
    b.set_setting("density", "compact")
    a.save()
    b.save()
    merged = merge_databases(disk(a_path), disk(b_path))
    assert merged == merge_databases(disk(b_path), disk(a_path))
    out = tmp_path / "m.json"
    out.write_bytes(encode(merged))
    m = Service.open(out)
    assert m.setting("theme") == "solarized" and m.setting("density") == "compact"
    assert len(merged["settings"]) == 2  # one record per key, not one per machine


def _db(path: Path, replica: str, wall: list[int]):
    from rebound_tui.store.database import Database

    return Database(path, clock=HybridClock(replica, wall_ms=lambda: wall[0]))


# -- time zones ---------------------------------------------------------------------------------


def test_today_depends_on_the_time_zone_for_the_same_instant(data_path, monkeypatch):
    instant = pendulum.datetime(2026, 11, 27, 18, 0, tz="UTC")  # Chicago noon, Auckland 7am 28th
    monkeypatch.setattr(dates, "now_utc", lambda: instant)
    setup = Service.open(data_path)
    setup.add_follow_up("due 27th", due="2026-11-27")
    setup.add_follow_up("due 28th", due="2026-11-28")
    setup.save()

    monkeypatch.setenv("REBOUND_TZ", "America/Chicago")
    chicago = Service.open(data_path)
    assert chicago.day("today") == "2026-11-27"
    assert [(i.follow_up.title, i.overdue) for i in chicago.due()] == [("due 27th", False)]

    monkeypatch.setenv("REBOUND_TZ", "Pacific/Auckland")
    auckland = Service.open(data_path)
    assert auckland.day("today") == "2026-11-28"
    assert [(i.follow_up.title, i.overdue) for i in auckland.due()] == [
        ("due 27th", True),
        ("due 28th", False),
    ]
    # Relative words count from the local day too.
    assert auckland.day("tomorrow") == "2026-11-29"
    monkeypatch.setenv("REBOUND_TZ", "America/Chicago")
    assert chicago.day("tomorrow") == "2026-11-28"


def test_late_evening_in_chicago_is_still_that_day(data_path, monkeypatch):
    # 05:30 UTC on the 28th is 23:30 on the 27th in Chicago (CST, UTC-6).
    monkeypatch.setattr(dates, "now_utc", lambda: pendulum.datetime(2026, 11, 28, 5, 30, tz="UTC"))
    monkeypatch.setenv("REBOUND_TZ", "America/Chicago")
    svc = Service.open(data_path)
    svc.add_follow_up("x", due="2026-11-28")
    assert svc.due() == []
    assert svc.day(None) == "2026-11-27"


def test_service_writes_only_on_save(data_path, today):
    svc = Service.open(data_path)
    svc.add_company("Acme")
    assert not data_path.exists()
    assert svc.save() is True
    raw = data_path.read_bytes()
    assert svc.save() is False
    assert data_path.read_bytes() == raw


def test_compact_drops_only_old_tombstones_and_they_stay_deleted(tmp_path):
    import orjson

    from rebound_tui.domain.clock import HybridClock
    from rebound_tui.store.database import Database

    now = {"ms": 1_700_000_000_000}
    db = Database(tmp_path / "c.json", clock=HybridClock("0000000c", lambda: now["ms"]))
    svc = Service(db)
    old = svc.add_company("Old Co", why="a secret reason")
    recent = svc.add_company("Recent Co", why="kept")
    svc.delete_company(old)
    now["ms"] += 200 * 86_400_000  # 200 days later
    svc.delete_company(recent)
    live = svc.add_company("Live Co")
    assert svc.compact(180) == 1
    svc.save()
    raw = orjson.loads((tmp_path / "c.json").read_bytes())["companies"]
    assert "name" not in raw[old.id] and "_deleted" in raw[old.id]  # values gone, id stays
    assert raw[recent.id]["why"] == "kept"  # deleted too recently: whole
    assert [c.name for c in svc.companies()] == [live.name]
    assert svc.compact(180) == 0  # idempotent
    with pytest.raises(ServiceError):
        svc.compact(0)


def test_setting_a_deleted_setting_to_its_old_value_brings_it_back(svc: Service):
    svc.set_setting("theme", "nord")
    svc.db.delete("settings", "theme")
    assert svc.setting("theme") is None
    svc.set_setting("theme", "nord")
    assert svc.setting("theme") == "nord"


# -- the facade ----------------------------------------------------------------------------------
def test_the_facade_forwards_with_the_parts_names_signatures_and_docs(svc: Service):
    """Each public method is the owning part's: same signature and doc, and calling it through
    the facade is calling the part (issue 19: collaborators composed by one small facade)."""
    import inspect

    from rebound_tui.record_actions import RecordActions
    from rebound_tui.rejections import Rejections

    assert inspect.signature(Service.complete) == inspect.signature(RecordActions.complete)
    assert Service.reject.__doc__ == Rejections.reject.__doc__
    calls = []
    real = svc.record_actions.add_company
    svc.record_actions.add_company = lambda *a, **k: calls.append((a, k)) or real(*a, **k)
    acme = svc.add_company("Acme", priority=1)
    assert calls == [(("Acme",), {"priority": 1})]
    assert svc.find_company("Acme") == acme == svc.core.find_company("Acme")


def test_the_parts_share_one_core_and_one_undo_history(svc: Service):
    parts = [svc.rulebook, svc.cadences, svc.playbook, svc.rejections, svc.record_actions]
    parts += [svc.cooloff_guard, svc.drafts, svc.openings_part]
    assert all(part.core is svc.core for part in parts)
    svc.add_company("Acme")
    svc.set_template("interview-thank-you", "Thanks, {first_name}.")
    assert svc.undo() == "change the interview-thank-you template"
    assert svc.undo() == "add company Acme"
    assert not svc.can_undo
