"""A one-shot command (the CLI: `Service.open(path, one_shot=True)`) answers its few questions
without building every record object and index: the answers are exactly those of the full
structures (records by id, touches and check-ins by key, a follow-up by its whole id)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rebound_tui.demo import build_demo
from rebound_tui.domain.model import Company, Contact, FollowUp, Interaction
from rebound_tui.errors import Ambiguous, ServiceError
from rebound_tui.record_index import KeyScan
from rebound_tui.service import Service

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return build_demo(tmp_path / "rebound.json")


def _pair(path: Path) -> tuple[Service, Service]:
    full = Service.open(path, today=lambda: TODAY)
    return full, Service.open(path, one_shot=True, today=lambda: TODAY)


def test_touches_and_check_ins_by_key_equal_the_full_index(demo: Path) -> None:
    full, once = _pair(demo)
    touches, check_ins = full.core.touch_groups(), full.core.check_in_groups()
    scan_touches, scan_check_ins = once.core.touch_groups(), once.core.check_in_groups()
    assert isinstance(scan_touches, KeyScan) and isinstance(scan_check_ins, KeyScan)
    keys = set(touches) | set(check_ins) | {"nobody", "co:nothing"}
    keys |= {c.id for c in full.core.contacts()} | {"co:" + c.id for c in full.core.companies()}
    for key in keys:
        assert scan_touches.get(key, {}) == touches.get(key, {}), key
        assert scan_check_ins.get(key, {}) == check_ins.get(key, {}), key
    assert dict(scan_touches) == dict(touches)  # iterating builds the whole index


def test_a_scan_follows_the_writes(demo: Path) -> None:
    _, once = _pair(demo)
    person = once.core.contacts()[0]
    groups = once.core.touch_groups()
    before = dict(groups.get(person.id, {}))
    logged = once.log("call", contact=person.id, on=TODAY)
    after = groups.get(person.id, {})  # the same mapping, asked again after the write
    assert set(after) == set(before) | {logged.id}
    once.save()
    reopened = Service.open(demo, today=lambda: TODAY).core.touch_groups()
    assert reopened.get(person.id, {}) == after


def test_a_scan_follows_a_touch_moved_to_another_person_and_deleted(demo: Path) -> None:
    """A group asked for after a write equals the full index's: for the person a touch left,
    the one it went to, and after a delete."""
    _, once = _pair(demo)
    touches = once.core.touch_groups()
    full = once.core.touch_index  # the full index, built from the same data on demand
    moved = next(i for i in once.core.records(Interaction).values() if i.contact_id)
    people = [c.id for c in once.core.contacts() if c.id != moved.contact_id]
    gone_from, went_to = moved.contact_id, people[0]
    for key in (gone_from, went_to):
        touches.get(key)  # groups and raw keys read before the write
    once.core.update(moved, {"contact_id": went_to})
    for key in (gone_from, went_to, "co:" + (moved.company_id or "none")):
        assert touches.get(key, {}) == full.groups(once.core).get(key, {}), key
    assert moved.id in touches[went_to] and moved.id not in touches.get(gone_from, {})
    once.core.delete(once.core.one(Interaction, moved.id))
    assert moved.id not in touches.get(went_to, {})
    assert touches.get(went_to, {}) == full.groups(once.core).get(went_to, {})


def test_records_by_id_equal_the_full_records(demo: Path) -> None:
    full, once = _pair(demo)
    for cls in (Company, Contact, FollowUp, Interaction):
        for record_id, rec in full.core.records(cls).items():
            assert once.core.one(cls, record_id) == rec
        assert once.core.one(cls, "0" * 32) is None


def test_a_follow_up_by_its_whole_id_and_the_ambiguous_case(demo: Path) -> None:
    full, once = _pair(demo)
    for f in full.core.follow_ups(include_closed=True)[:20]:
        assert once.core.find_follow_up(f.id) == f
        assert once.core.find_follow_up(f.id.upper()) == f
    closed = [f for f in full.core.follow_ups(include_closed=True) if not f.is_open]
    if closed:
        with pytest.raises(ServiceError):
            once.core.find_follow_up(closed[0].id, include_closed=False)
    # A title that reads as another follow-up's id: the whole-id lookup must not decide.
    target = full.core.follow_ups()[0]
    other = full.core.follow_ups()[1]
    full.core.update(other, {"title": target.id})
    full.save()
    _, once = _pair(demo)
    with pytest.raises(Ambiguous):
        once.core.find_follow_up(target.id)


def test_live_where_equals_a_filter_of_the_full_records(demo: Path) -> None:
    full, once = _pair(demo)
    for kind in ("rejection", "interview", "nothing"):
        mine = sorted(once.core.live_where(Interaction, "kind", kind), key=lambda i: i.id)
        theirs = sorted(
            (i for i in full.core.records(Interaction).values() if i.kind == kind),
            key=lambda i: i.id,
        )
        assert mine == theirs


def test_a_scan_reads_the_whole_table_once_per_question_not_per_write(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cool-off guard's two keys (a person, their company) take one pass over the
    interactions; after writes, a group asked for again looks only at the records written."""
    _, once = _pair(demo)
    index = once.core.touch_index
    passes: list[int | None] = []
    real = index.scan_many

    def counted(source, keys, ids=None):
        passes.append(None if ids is None else len(list(ids := list(ids))))
        return real(source, keys, ids)

    monkeypatch.setattr(index, "scan_many", counted)
    person = next(c for c in once.core.contacts() if c.company_id)
    once.cooloff_warnings(contact=person.id, on=TODAY)
    assert passes == [None]  # one whole pass for both keys
    touches = once.core.touch_groups()
    logged = once.log("call", contact=person.id, on=TODAY)
    assert logged.id in touches[person.id]
    assert logged.id in touches["co:" + person.company_id]
    assert passes[1:] == [1]  # the one record written, for the groups already asked for
    full = once.core.touch_index.groups(once.core)  # built from scratch: the same groups
    assert touches[person.id] == full[person.id]
    assert touches["co:" + person.company_id] == full["co:" + person.company_id]


def test_open_follow_ups_equal_those_of_the_full_records(demo: Path) -> None:
    """A one-shot reader builds only the open follow-ups (`follow_ups`): the same list, in the
    same order, as the full records give; a follow-up stored without a status is open."""
    import json

    full, _ = _pair(demo)
    closed, deleted, *_ = full.core.follow_ups()
    full.core.update(closed, {"status": "done"})
    full.core.delete(deleted)
    full.save()
    data = json.loads(demo.read_text())
    no_status = next(d for d in data["followups"].values() if d.get("status") == "open")
    del no_status["status"]
    demo.write_text(json.dumps(data))
    full, once = _pair(demo)
    expected = [f for f in full.core.follow_ups(include_closed=True) if f.is_open]
    assert full.core.follow_ups() == expected
    assert once.core.follow_ups() == expected
    assert closed.id not in {f.id for f in expected} and deleted.id not in {f.id for f in expected}
    assert once.core._cache.get(FollowUp.TABLE) is None  # (only the open ones were built)
    assert once.core.follow_ups(include_closed=True) == full.core.follow_ups(include_closed=True)


def test_done_of_a_repeating_rule_builds_no_other_follow_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Completing the monthly news check plans the next one unless its origin exists already
    (done and dropped follow-ups count): a command answers that from the stored origins, not
    by building every follow-up (`RecordsCore.follow_up_origins`)."""
    from rebound_tui.domain.playbook import parse_origin

    path = tmp_path / "rebound.json"
    full = Service.open(path, today=lambda: TODAY)
    full.add_company("Acme")
    full.add_contact("Darlene", company="Acme", role="boss")
    full.reject("Acme", on="2026-10-01", boss="Darlene")
    for n in range(30):  # others, closed and open, with and without origins
        other = full.add_follow_up(f"Other {n}", due="2026-12-01", company="Acme")
        if n % 3 == 0:
            full.complete(other)
    full.save()
    origins = {f.origin for f in full.core.follow_ups(include_closed=True) if f.origin}
    once = Service.open(path, one_shot=True, today=lambda: TODAY)
    assert once.core.follow_up_origins() == origins
    check = next(
        f
        for f in once.core.follow_ups()
        if (o := parse_origin(f.origin)) and o.rule_id == "rejection-news-check"
    )
    built: list[str] = []
    real = FollowUp.from_doc.__func__

    def counted(cls, record_id, doc):
        built.append(record_id)
        return real(cls, record_id, doc)

    monkeypatch.setattr(FollowUp, "from_doc", classmethod(counted))
    done, _ = once.complete(check, on="2026-11-27")
    assert len(built) <= 1  # (at most the one completed; none of the 30 others)
    (nxt,) = [
        f
        for f in once.core.live_where(FollowUp, "status", "open")
        if (o := parse_origin(f.origin)) and o.rule_id == "rejection-news-check"
    ]
    assert nxt.due == "2026-12-27" and parse_origin(nxt.origin).n == 1
    assert done.status == "done"
    once.save()
    full = Service.open(path, today=lambda: TODAY)  # (the whole service reads the same)
    expected = {f.origin for f in full.core.follow_ups(include_closed=True) if f.origin}
    assert full.core.follow_up_origins() == expected == origins | {nxt.origin}
