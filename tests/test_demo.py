"""The demo data: built only through Service, valid, deterministic, and alive on any day."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import stat
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rebound_tui import demo
from rebound_tui.domain.model import RECORD_TYPES, ROLES, STAGES
from rebound_tui.domain.schema import REF, REFS, SCHEMA
from rebound_tui.service import Service
from rebound_tui.store.fileformat import META_ID, META_TABLE, decode
from rebound_tui.store.record_problems import shape_problems

REPO = Path(__file__).resolve().parents[1]
# Fields holding record ids (random per build): every REF and REFS field of the schema.
ID_FIELDS = {
    n for fields in SCHEMA.values() for n, spec in fields.items() if spec[0] in (REF, REFS)
}


def _built_bytes(anchor: dt.date, folder: Path) -> bytes:
    path = folder / f"demo-{anchor.isoformat()}.json"
    return demo.build_demo(path, anchor).read_bytes()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.build_demo(tmp_path_factory.mktemp("demo") / "demo.json")


@pytest.fixture(scope="module")
def data(built: Path) -> dict:
    return decode(built.read_bytes(), built)


@pytest.fixture(scope="module")
def service(built: Path) -> Service:
    return Service.open(built, today=lambda: demo.ANCHOR)


def _live(data: dict, table: str) -> list[dict]:
    return [d for d in data[table].values() if "_deleted" not in d]


def _content(data: dict) -> dict[str, list[str]]:
    """The records without ids, stamps or references: what must not depend on the build."""
    out = {}
    for table, records in data.items():
        if table == META_TABLE:
            continue
        out[table] = sorted(
            json.dumps(
                {k: v for k, v in doc.items() if not k.startswith("_") and k not in ID_FIELDS},
                sort_keys=True,
            )
            for doc in records.values()
        )
    return out


# -- what the demo holds ----------
def test_counts(service: Service) -> None:
    assert len(service.companies()) == 8
    assert len(service.contacts()) == 25
    assert len(service.interactions()) == 60


def test_every_stage_and_role_is_shown(service: Service) -> None:
    assert {c.stage for c in service.companies()} == set(STAGES)
    assert {c.role for c in service.contacts()} == set(ROLES)


def test_the_story_has_its_beats(service: Service) -> None:
    stages = {c.location: c.stage for c in service.companies()}
    assert stages["Glenview, IL"] == "rejected"
    assert stages["Skokie, IL"] in ("offer", "hired")
    assert stages["Highland Park, IL"] == "re-engaging"
    kinds = Counter(i.kind for i in service.interactions())
    for kind in ("interview", "rejection", "thank-you", "referral-interview", "call", "email"):
        assert kinds[kind] >= 1, kind
    assert kinds["news"] >= 3
    assert any("Midwest distribution contract" in (i.note or "") for i in service.interactions())
    rounds = {i.round for i in service.interactions() if i.kind == "interview"}
    assert {1, 2, 3} <= rounds
    # Darlene's team: a problem employee, a star, and someone who may move to Alaska.
    darlene = service.find_contact("Darlene Fitch")
    team = service.contacts(service.company(darlene.company_id))
    assert {"Mark Ostrowski", "Mike Jorgensen"} <= {p.name for p in team}
    notes = service.company(darlene.company_id).notes or ""
    assert "Susan" in notes and "Alaska" in notes
    assert sum(1 for p in service.contacts() if p.cadence) >= 3


def test_interactions_lie_in_the_six_months_before_the_anchor(service: Service) -> None:
    days = [dt.date.fromisoformat(i.day) for i in service.interactions()]
    assert max(days) <= demo.ANCHOR
    assert min(days) >= demo.ANCHOR - dt.timedelta(days=186)


def test_referral_chains_point_at_real_people(service: Service) -> None:
    people = {p.id: p for p in service.contacts()}
    referred = [p for p in people.values() if p.referred_by]
    assert len(referred) >= 8
    assert all(p.referred_by in people for p in referred)

    def depth(p) -> int:
        return 0 if not p.referred_by else 1 + depth(people[p.referred_by])

    assert max(depth(p) for p in people.values()) >= 3  # Gwen -> Helen -> Owen -> Nadia...


def test_follow_ups_at_the_anchor(service: Service) -> None:
    everything = service.follow_ups(include_closed=True)
    status = Counter(f.status for f in everything)
    assert status["dropped"] == 1 and status["done"] >= 10
    dropped = next(f for f in everything if f.status == "dropped")
    assert dropped.closed_on < demo.ANCHOR.isoformat()
    closed = [f for f in everything if not f.is_open]
    assert all(f.closed_on and f.closed_on <= demo.ANCHOR.isoformat() for f in closed)
    due = service.due()
    overdue = [d.days_overdue for d in due if d.overdue]
    assert len(overdue) >= 3 and all(1 <= n <= 9 for n in overdue)
    assert sum(1 for d in due if d.days_overdue == 0) >= 3
    later = [f for f in service.follow_ups() if f.due > demo.ANCHOR.isoformat()]
    assert len(later) >= 8
    assert any(f.snoozes for f in service.follow_ups())
    titles = [d.follow_up.title for d in due]
    assert "Ask Dana Whitfield for a 20-minute referral interview" in titles
    assert "Congratulate Darlene on the Midwest distribution contract" in titles


def test_openings_run_from_spotted_to_offer_with_their_history(service: Service) -> None:
    """Issue 15: roles in several statuses, each with its steps; one spotted at a company where
    the boss who said no is now an ally, with the referral ask due on the anchor day."""
    openings = service.openings(include_closed=True)
    statuses = Counter(o.status for o in openings)
    assert {"spotted", "applied", "interviewing", "offer", "accepted", "rejected"} <= set(statuses)
    assert statuses["withdrawn"] == 1
    for o in openings:
        steps = service.opening_history(o)
        assert steps and steps[-1].status == o.status, o.title
    (spotted,) = [o for o in openings if o.status == "spotted"]
    company = service.company(spotted.company_id)
    assert company is not None and company.name == "Brightwater Provisions"
    assert spotted.deadline and spotted.deadline > demo.ANCHOR.isoformat()
    ask = [
        f
        for f in service.follow_ups()
        if f.title == f"Ask Elaine Moser to refer you for {spotted.title}"
    ]
    assert [f.due for f in ask] == [demo.ANCHOR.isoformat()]
    # The role came back: the same title was rejected at the same company before.
    earlier = [o for o in openings if o.title == spotted.title and o.id != spotted.id]
    assert [o.status for o in earlier] == ["rejected"]


def test_every_record_validates(data: dict) -> None:
    assert shape_problems(data) == []
    for table, cls in RECORD_TYPES.items():
        for record_id, doc in data.get(table, {}).items():
            fields = {k: v for k, v in doc.items() if not k.startswith("_")}
            assert set(fields) == set(doc["_clock"]), record_id  # every field is stamped
            cls.from_fields(record_id, fields).validate()


def test_meta_records_the_anchor(data: dict) -> None:
    assert data[META_TABLE][META_ID]["demo_anchor"] == demo.ANCHOR.isoformat()


def test_build_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "mine.json"
    target.write_text("my real data")
    with pytest.raises(FileExistsError):
        demo.build_demo(target)
    assert target.read_text() == "my real data"


def test_same_anchor_same_content_and_stamps(tmp_path: Path) -> None:
    a = json.loads(_built_bytes(demo.ANCHOR, tmp_path))
    b = json.loads(demo.build_demo(tmp_path / "again.json").read_bytes())
    assert _content(a) == _content(b)
    stamps = lambda d: sorted(  # noqa: E731
        json.dumps(doc["_clock"], sort_keys=True)
        for t in RECORD_TYPES
        for doc in d.get(t, {}).values()
    )
    assert stamps(a) == stamps(b)


def test_another_anchor_is_the_same_story_moved(tmp_path: Path) -> None:
    later = demo.ANCHOR + dt.timedelta(days=100)
    a = json.loads(_built_bytes(demo.ANCHOR, tmp_path))
    b = json.loads(_built_bytes(later, tmp_path))
    assert _content(demo.shift_days(a, 100)) == _content(b)


# -- shift_days ----------
@given(days=st.integers(min_value=-5000, max_value=5000))
@settings(max_examples=40, deadline=None)
def test_shift_days_moves_every_day_field_and_nothing_else(days: int) -> None:
    source = demo.demo_source()
    original = decode(source.read_bytes(), source)
    before = copy.deepcopy(original)
    shifted = demo.shift_days(original, days)
    assert original == before  # the input is left alone
    moved = 0
    for table in RECORD_TYPES:
        assert shifted.get(table, {}).keys() == original.get(table, {}).keys()
        for record_id, doc in original.get(table, {}).items():
            new = shifted[table][record_id]
            assert new.keys() == doc.keys()
            for key, value in doc.items():
                if key in demo.DAY_FIELDS and isinstance(value, str):
                    want = dt.date.fromisoformat(value) + dt.timedelta(days=days)
                    assert new[key] == want.isoformat()
                    moved += 1
                else:
                    assert new[key] == value, (table, key)
    assert moved > 100
    meta = shifted[META_TABLE][META_ID]
    assert meta["demo_anchor"] == (demo.ANCHOR + dt.timedelta(days=days)).isoformat()
    assert {k: v for k, v in meta.items() if k != "demo_anchor"} == {
        k: v for k, v in original[META_TABLE][META_ID].items() if k != "demo_anchor"
    }
    assert demo.shift_days(shifted, -days) == original


def test_shift_days_gives_a_meta_anchor_when_missing() -> None:
    data = {
        META_TABLE: {META_ID: {"format": "rebound-tui", "schema": 1, "db_id": "x"}},
        "followups": {"a": {"due": "2026-01-31", "title": "2026-01-31", "_clock": {}}},
    }
    out = demo.shift_days(data, 1)
    assert out["followups"]["a"] == {"due": "2026-02-01", "title": "2026-01-31", "_clock": {}}
    assert out[META_TABLE][META_ID]["demo_anchor"] == "2026-11-28"
    assert "demo_anchor" not in data[META_TABLE][META_ID]


# -- the packaged file and its copies ----------
def test_packaged_file_decodes_and_is_the_example() -> None:
    source = demo.demo_source()
    raw = source.read_bytes()
    data = decode(raw, source)
    assert len(_live(data, "companies")) == 8
    assert len(_live(data, "contacts")) == 25
    assert len(_live(data, "interactions")) == 60
    assert raw == (REPO / "examples" / "demo.json").read_bytes()


def test_packaged_file_is_current(tmp_path: Path) -> None:
    """Regenerate examples/demo.json (python -m rebound_tui.demo) when the story
    (rebound_tui/data/story.toml) changes."""
    source = demo.demo_source()
    assert _content(decode(source.read_bytes(), source)) == _content(
        json.loads(_built_bytes(demo.ANCHOR, tmp_path))
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "today",
    [dt.date(2020, 2, 29), demo.ANCHOR, dt.date(2027, 3, 14), dt.date(2034, 12, 31)],
)
def test_demo_copy_is_alive_on_any_day(tmp_path: Path, today: dt.date) -> None:
    source = demo.demo_source()
    before = _sha(source)
    copy_path = demo.make_demo_copy(tmp_path / "scratch", today)
    assert _sha(source) == before
    assert copy_path.parent == tmp_path / "scratch"
    assert stat.S_IMODE(os.stat(copy_path).st_mode) == 0o600

    service = Service.open(copy_path, today=lambda: today)
    due = service.due()
    assert any(d.overdue for d in due)
    assert any(d.days_overdue == 0 for d in due)
    assert any(f.due > today.isoformat() for f in service.follow_ups())
    assert max(i.day for i in service.interactions()) <= today.isoformat()
    meta = service.db.meta
    assert meta["demo_anchor"] == today.isoformat()
    assert meta["db_id"] != decode(source.read_bytes(), source)[META_TABLE][META_ID]["db_id"]
    assert _sha(source) == before


def test_demo_copy_replaces_an_earlier_copy(tmp_path: Path) -> None:
    first = demo.make_demo_copy(tmp_path, dt.date(2027, 1, 1))
    second = demo.make_demo_copy(tmp_path, dt.date(2027, 1, 2))
    assert first == second
    meta = decode(second.read_bytes(), second)[META_TABLE][META_ID]
    assert meta["demo_anchor"] == "2027-01-02"


@pytest.mark.parametrize("inside", [demo.PACKAGE_DIR / "data", REPO / "examples"])
def test_demo_copy_never_writes_into_the_package_or_examples(inside: Path) -> None:
    listing = sorted(os.listdir(inside))
    with pytest.raises(ValueError):
        demo.make_demo_copy(inside, dt.date(2027, 1, 1))
    assert sorted(os.listdir(inside)) == listing


# -- command line ----------
def test_main_regenerates_a_given_path(tmp_path: Path) -> None:
    target = tmp_path / "out" / "demo.json"
    target.parent.mkdir()
    target.write_text("old")
    assert demo.main([str(target)]) == 0
    data = decode(target.read_bytes(), target)
    assert data[META_TABLE][META_ID]["demo_anchor"] == demo.ANCHOR.isoformat()
    assert sorted(p.name for p in target.parent.iterdir()) == ["demo.json"]


def test_main_takes_an_anchor(tmp_path: Path) -> None:
    target = tmp_path / "demo.json"
    # (An anchor in the past: a demo built for a future day carries that day's stamps, which a
    # machine whose clock is behind refuses, as it would any copy from a clock far ahead.)
    assert demo.main([str(target), "--anchor", "2025-06-01"]) == 0
    service = Service.open(target, today=lambda: dt.date(2025, 6, 1))
    assert service.db.meta["demo_anchor"] == "2025-06-01"
    assert any(d.overdue for d in service.due())


def test_main_reports_a_bad_story_on_one_line_and_keeps_the_file(tmp_path: Path, capsys) -> None:
    target = tmp_path / "demo.json"
    target.write_text("old")
    story = tmp_path / "story.toml"
    story.write_text('[[event]]\nago = 3\nadd_company = "Acme"\npriority = 9\n')
    assert demo.main([str(target), "--story", str(story)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "event 1 (add_company 'Acme'" in err[0] and "priority" in err[0]
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.json", "story.toml"]
