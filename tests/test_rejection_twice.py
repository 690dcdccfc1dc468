"""The same rejection twice is one event (issue 13): same company, same day, on this machine
or merged in from another, and one plan remains."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from rebound_test_helpers import digest

from rebound_tui.service import Service

PLAN = 6  # thank-you, referral ask, check-ins at 30/60/90 days, monthly news check


def ok(run_cli, *args: str) -> str:
    code, out, err = run_cli(*args)
    assert code == 0, (args, out, err)
    return out


def open_follow_ups(run_cli, db: Path) -> list[dict]:
    return json.loads(ok(run_cli, "--db", str(db), "list", "follow-ups", "--json"))


def test_rejecting_twice_on_one_day_changes_nothing(run_cli, data_path):
    ok(run_cli, "add", "company", "Acme")
    ok(run_cli, "add", "contact", "Pat Boss", "--company", "Acme", "--role", "boss")
    ok(run_cli, "reject", "Acme", "--on", "2026-11-20", "--boss", "Pat Boss")
    before = digest(data_path)
    out = ok(run_cli, "reject", "Acme", "--on", "2026-11-20", "--boss", "Pat Boss")
    assert "already recorded" in out and "nothing changed" in out
    assert digest(data_path) == before
    assert len(open_follow_ups(run_cli, data_path)) == PLAN
    ok(run_cli, "reject", "Acme", "--on", "2026-11-24", "--boss", "Pat Boss")  # another day: new
    assert len(open_follow_ups(run_cli, data_path)) > PLAN


def test_the_service_returns_the_first_rejection_and_no_undo_step(tmp_path: Path, today):
    s = Service.open(tmp_path / "r.json")
    s.add_company("Acme")
    first, created = s.reject("Acme", on="2026-11-20")
    assert len(created) == PLAN
    steps = s.last_action
    same, nothing = s.reject("acme", on="2026-11-20")
    assert (same.id, nothing, s.last_action) == (first.id, [], steps)
    other, more = s.reject("Acme", on="friday")  # the frozen today, a Friday: another day
    assert other.id != first.id and more
    assert len([i for i in s.interactions() if i.kind == "rejection"]) == 2


def test_a_rejection_recorded_on_two_machines_merges_into_one_plan(run_cli, tmp_path: Path):
    a = tmp_path / "A" / "rebound.json"
    b = tmp_path / "B" / "rebound.json"
    a.parent.mkdir()
    b.parent.mkdir()
    ok(run_cli, "--db", str(a), "add", "company", "Acme")
    ok(run_cli, "--db", str(a), "add", "contact", "Pat Boss", "--company", "Acme", "--role", "boss")
    shutil.copy2(a, b)
    ok(run_cli, "--db", str(a), "reject", "Acme", "--on", "2026-11-02")
    ok(run_cli, "--db", str(b), "reject", "Acme", "--on", "2026-11-02")
    thank_b = next(f for f in open_follow_ups(run_cli, b) if f["kind"] == "thank-you")
    ok(run_cli, "--db", str(b), "done", thank_b["id"])  # B already sent the thank-you
    copy = a.parent / "rebound.sync-conflict-20261127-101500-ABCDEF2.json"
    shutil.copy2(b, copy)
    out = ok(run_cli, "--db", str(a), "sync")
    assert "one plan kept" in out
    plan = open_follow_ups(run_cli, a)
    kinds = sorted(f["kind"] for f in plan)
    # one of each step; the thank-you done on B is not asked again
    assert kinds == ["check-in", "check-in", "check-in", "news-check", "referral-ask"]
    # the other machine, syncing the merged file back, ends up with the same plan
    shutil.copy2(a, b.parent / "rebound.sync-conflict-20261127-111500-ABCDEF3.json")
    ok(run_cli, "--db", str(b), "sync")
    assert sorted(f["id"] for f in open_follow_ups(run_cli, b)) == sorted(f["id"] for f in plan)


def test_any_write_after_the_copy_arrives_keeps_one_plan(run_cli, tmp_path: Path):
    a = tmp_path / "A" / "rebound.json"
    b = tmp_path / "B" / "rebound.json"
    a.parent.mkdir()
    b.parent.mkdir()
    ok(run_cli, "--db", str(a), "add", "company", "Acme")
    shutil.copy2(a, b)
    ok(run_cli, "--db", str(a), "reject", "Acme", "--on", "2026-11-02")
    ok(run_cli, "--db", str(b), "reject", "Acme", "--on", "2026-11-02")
    shutil.copy2(b, a.parent / "rebound.sync-conflict-20261127-101500-ABCDEF2.json")
    ok(run_cli, "--db", str(a), "add", "company", "Globex")  # no `sync`: any write merges
    assert len(open_follow_ups(run_cli, a)) == PLAN


def test_asking_again_with_no_new_interactions_scans_nothing(tmp_path: Path, today, monkeypatch):
    """`sync` asks for twins, then its save asks again: the second answer needs no scan, until
    the interactions change (a write here, or a merge from elsewhere)."""
    s = Service.open(tmp_path / "r.json")
    s.add_company("Acme")
    s.reject("Acme", on="2026-11-20")
    scans: list[str] = []
    real = s.core.live_where
    monkeypatch.setattr(s.core, "live_where", lambda *a: scans.append(a[2]) or real(*a))
    assert s.merge_duplicate_rejections() == 0
    assert s.merge_duplicate_rejections() == 0
    assert scans == ["rejection"]  # once
    s.add_company("Brightwater")  # no interaction written: still known
    assert s.merge_duplicate_rejections() == 0 and len(scans) == 1
    # An interaction written: asked again, the table is looked at again.
    s.log("call", company="Acme", on="2026-11-21")
    assert s.merge_duplicate_rejections() == 0
    assert len(scans) == 2
