"""The panes' projections: values computed right, one pass, cached per generation."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_tui.domain.warmth import Level
from rebound_tui.service import Service
from rebound_tui.views import DueSummary, Views, short_ago, short_until

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def service(tmp_path) -> Service:
    svc = Service.open(tmp_path / "data.json", today=lambda: TODAY)
    with svc.playbook_paused():  # exactly the follow-ups below
        fill(svc)
    return svc


def fill(svc: Service) -> None:
    svc.add_company("Acme", stage="rejected", priority=5, location="Glenview")
    svc.add_company("Globex", stage="watching", priority=2)
    svc.add_contact("Dana Boss", company="Acme", role="boss", department="Engineering")
    svc.add_contact("Hal HR", company="Acme", role="hr", cadence="2w")
    svc.add_contact("Gus", company="Globex")
    svc.log("interview", company="Acme", contact="Dana Boss", on="2026-10-01")
    svc.log("rejection", company="Acme", contact="Dana Boss", on="2026-10-20")
    svc.log("thank-you", contact="Dana Boss", on="2026-10-20")
    svc.log("call", contact="Dana Boss", on="2026-11-20")
    svc.log("note", company="Acme", on="2026-11-25")
    svc.log("email", contact="Hal HR", on="2026-09-01")
    svc.add_follow_up("thank Dana", due="2026-11-25", contact="Dana Boss", kind="thank-you")
    svc.add_follow_up("check news", due="2026-11-27", company="Globex", kind="news-check")
    svc.add_follow_up("ask Hal", due="2026-11-30", contact="Hal HR")
    svc.add_follow_up("far away", due="2027-01-15", company="Globex")


def test_bullpen_row(service: Service) -> None:
    rows = {r.company: r for r in Views(service).bullpen()}
    acme = rows["Acme"]
    assert acme.stage == "rejected"
    assert acme.priority == 5
    assert acme.last_touch == "2026-11-20"  # the note on the 25th is not a touch
    assert acme.last_touch_days == 7
    assert acme.next_follow_up == "2026-11-25"  # Dana's follow-up belongs to Acme
    assert acme.next_follow_up_days == -2
    assert acme.days_since_rejection == (TODAY - dt.date(2026, 10, 20)).days
    assert acme.touches_since_rejection == 2  # the same-day thank-you and the call
    assert "glenview" in acme.search
    globex = rows["Globex"]
    assert globex.days_since_rejection is None
    assert globex.touches_since_rejection is None
    assert globex.last_touch is None
    assert globex.next_follow_up == "2026-11-27"


def test_latest_rejection_counts(service: Service) -> None:
    with service.playbook_paused():
        service.log("rejection", company="Acme", on="2026-11-21")
    acme = next(r for r in Views(service).bullpen() if r.company == "Acme")
    assert acme.days_since_rejection == 6
    assert acme.touches_since_rejection == 0


def test_network_rows(service: Service) -> None:
    views = Views(service)
    rows = {r.contact: r for r in views.network()}
    dana = rows["Dana Boss"]
    assert (dana.company, dana.role, dana.department) == ("Acme", "boss", "Engineering")
    assert dana.last_contact == "2026-11-20"
    assert dana.next_follow_up == "2026-11-25"
    # An overdue thank-you is not an exchange: warmth (and cooling) come from exchanges only.
    assert not dana.warmth.cooling
    hal = rows["Hal HR"]
    assert hal.last_contact == "2026-09-01"
    assert hal.warmth.cooling  # a 2-week cadence, last touched in September
    assert hal.warmth.level is Level.COLD
    gus = rows["Gus"]
    assert gus.last_contact is None and gus.warmth.level is Level.COLD
    acme = service.find_company("Acme")
    assert [r.contact for r in views.network(acme.id)] == ["Dana Boss", "Hal HR"]
    assert views.network("nope") == []


def test_everyone_in_an_interaction_counts_for_the_network(tmp_path) -> None:
    """The main contact and everyone with them get the exchange (warmth) and, for a touch, the
    last contact; so does someone named only among those with (no main contact)."""
    svc = Service.open(tmp_path / "data.json", today=lambda: TODAY)
    db = svc.db
    ann, bob, cat, dan = (db.create("contacts", {"name": n}) for n in ("Ann", "Bob", "Cat", "Dan"))
    db.create(
        "interactions",
        {"kind": "meeting", "day": "2026-11-26", "contact_id": ann, "with_ids": [bob]},
    )
    db.create("interactions", {"kind": "call", "day": "2026-11-20", "with_ids": [cat, bob]})
    db.create("interactions", {"kind": "note", "day": "2026-11-27", "with_ids": [dan]})
    rows = {r.contact: r for r in Views(svc).network()}
    assert rows["Ann"].last_contact == rows["Bob"].last_contact == "2026-11-26"
    assert rows["Cat"].last_contact == "2026-11-20"
    assert rows["Dan"].last_contact is None  # a note is no touch, and weighs nothing
    assert rows["Dan"].warmth.level is Level.COLD and rows["Dan"].warmth.score == 0
    assert rows["Bob"].warmth.score > rows["Ann"].warmth.score > rows["Cat"].warmth.score > 0
    assert rows["Ann"].search == "ann" and rows["Ann"].last_contact_days == 1


def test_due_rows_and_counters(service: Service) -> None:
    views = Views(service)
    due = views.due()
    assert [r.title for r in due] == ["thank Dana", "check news"]  # overdue first
    assert due[0].days_overdue == 2 and due[0].when == "2d late"
    assert due[0].company == "Acme" and due[0].contact == "Dana Boss"
    assert due[1].when == "today"
    assert views.summary() == DueSummary(overdue=1, today=1, this_week=1)
    assert views.summary().text == "1 overdue · 1 today · 1 this week"
    assert [r.title for r in views.upcoming()] == ["ask Hal", "far away"]
    assert views.upcoming()[0].when == "in 3d"


def test_cached_per_generation(service: Service) -> None:
    views = Views(service)
    first = views.snapshot
    assert views.snapshot is first
    service.add_company("Initech")
    second = views.snapshot
    assert second is not first
    assert "Initech" in [r.company for r in second.bullpen]


def test_cache_follows_the_day(tmp_path) -> None:
    day = [TODAY]
    svc = Service.open(tmp_path / "d.json", today=lambda: day[0])
    svc.add_company("Acme")
    svc.add_follow_up("call", due="2026-11-28", company="Acme")
    views = Views(svc)
    assert views.due() == []
    day[0] = TODAY + dt.timedelta(days=1)
    assert [r.title for r in views.due()] == ["call"]


def test_follow_up_of_deleted_company_keeps_its_name(service: Service) -> None:
    service.delete_company("Globex")
    row = next(r for r in Views(service).due() if r.title == "check news")
    assert row.company == "Globex"


@given(st.integers(min_value=-5000, max_value=5000))
def test_short_words_are_short(days: int) -> None:
    assert len(short_ago(abs(days))) <= 5
    assert len(short_until(days)) <= 9
    if days < 0:
        assert short_until(days).endswith("late")


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.integers(0, 2), st.sampled_from(["call", "note", "rejection"]), st.integers(0, 60)
        ),
        max_size=12,
    )
)
def test_touches_since_rejection_matches_a_direct_count(tmp_path_factory, events) -> None:
    svc = Service.open(tmp_path_factory.mktemp("h") / "d.json", today=lambda: TODAY)
    names = ["A", "B", "C"]
    for n in names:
        svc.add_company(n)
    for company, kind, days_ago in events:
        svc.log(kind, company=names[company], on=TODAY - dt.timedelta(days=days_ago))
    rows = {r.company: r for r in Views(svc).bullpen()}
    for index, name in enumerate(names):
        mine = [(TODAY - dt.timedelta(days=d), k) for c, k, d in events if c == index]
        rejections = [day for day, k in mine if k == "rejection"]
        if not rejections:
            assert rows[name].touches_since_rejection is None
            continue
        last = max(rejections)
        assert rows[name].days_since_rejection == (TODAY - last).days
        assert rows[name].touches_since_rejection == sum(
            1 for day, k in mine if k == "call" and day >= last
        )


def test_big_data_builds_fast(tmp_path) -> None:
    """5,000 contacts and 20,000 interactions: a rebuild stays well under a second."""
    svc = Service.open(tmp_path / "big.json", today=lambda: TODAY)
    db = svc.db
    company_ids = db.create_many(
        "companies", [{"name": f"Co {i}", "stage": "watching", "priority": 3} for i in range(300)]
    )
    contact_ids = db.create_many(
        "contacts",
        [{"name": f"Person {i}", "company_id": company_ids[i % 300]} for i in range(5000)],
    )
    db.create_many(
        "interactions",
        [
            {
                "kind": ("call", "email", "rejection", "note")[i % 4],
                "day": f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}",
                "contact_id": contact_ids[i % 5000],
                "company_id": company_ids[i % 300],
            }
            for i in range(20000)
        ],
    )
    db.create_many(
        "followups",
        [
            {
                "title": f"F {i}",
                "due": f"2026-{1 + i % 12:02d}-15",
                "kind": "todo",
                "status": "open",
                "contact_id": contact_ids[i],
            }
            for i in range(2000)
        ],
    )
    views = Views(svc)
    snap = views.snapshot  # its time is measured by benchmarks/run.py
    assert len(snap.network) == 5000 and len(snap.bullpen) == 300


def test_views_and_warmth_do_not_import_textual() -> None:
    """The projections are plain Python: the CLI and tests use them without the UI."""
    import subprocess

    code = (
        "import sys, rebound_tui.views, rebound_tui.domain.warmth; "
        "sys.exit('textual' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_interaction_facts_are_the_interactions_as_records(service: Service) -> None:
    """What the rows take from the stored interactions is what the records say (defaults of
    fields a record lacks, deleted ones left out, by day then id)."""
    db = service.db
    ann = db.create("contacts", {"name": "Ann"})
    bob = db.create("contacts", {"name": "Bob"})
    db.create("interactions", {"day": "2026-10-01", "contact_id": ann, "with_ids": [bob]})
    gone = db.create("interactions", {"kind": "call", "day": "2026-09-01", "contact_id": bob})
    db.delete("interactions", gone)
    db.create("interactions", {"kind": "interview", "day": "2026-10-01", "company_id": "c1"})
    back = db.create("interactions", {"kind": "email", "day": "2026-08-01", "with_ids": []})
    db.delete("interactions", back)
    db.update("interactions", back, {"note": "an edit after the delete restores it"})
    for record_id in ("f" * 32, "0" * 32, "a" * 32):  # one day, ids out of order
        db.create("interactions", {"kind": "note", "day": "2026-07-01"}, record_id)
    expected = [
        (i.day, i.id, i.kind, i.company_id, i.contact_id, tuple(i.with_ids or ()))
        for i in service.interactions()
    ]
    facts = [(*f[:5], tuple(f[5])) for f in service.interaction_facts()]
    assert facts == expected and len(facts) >= 2
    assert all(f[1] != gone for f in facts)
    assert [f[1] for f in facts[:3]] == ["0" * 32, "a" * 32, "f" * 32]  # by day, then id
    assert facts[3] == ("2026-08-01", back, "email", None, None, ())  # restored, no one with
