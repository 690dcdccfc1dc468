"""The first run's steps, computed from the records (domain/first_run.py) and the service."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given
from hypothesis import strategies as st

from rebound_tui.domain.first_run import STEPS, first_run_steps
from rebound_tui.domain.model import Company, Contact, Interaction
from rebound_tui.service import Service

TODAY = dt.date(2026, 11, 27)


def test_nothing_is_done_on_an_empty_file():
    steps = first_run_steps([], [], [], own_place=False)
    assert steps.done == (False, False, False, False, False)
    assert not steps.started
    assert (steps.company_name, steps.boss_name) == ("", "")
    assert len(STEPS) == 5


def test_each_step_is_ticked_by_its_own_data():
    co = Company(id="c1", name="Northshore")
    boss = Contact(id="p1", name="Darlene", company_id="c1", role="boss")
    peer = Contact(id="p2", name="Mark", company_id="c1", role="peer", linkedin="https://x/in/m")
    no = Interaction(id="i1", kind="rejection", day="2026-11-02", company_id="c1")
    assert first_run_steps([co], [], [], own_place=False).done == (True, False, False, False, False)
    assert first_run_steps([co], [boss], [], own_place=False).done[:3] == (True, True, False)
    assert first_run_steps([co], [peer], [], own_place=False).done == (
        True, False, False, True, False,
    )  # fmt: skip
    steps = first_run_steps([co], [boss], [no], own_place=True)
    assert steps.done == (True, True, True, False, True)
    assert steps.started
    assert (steps.company_name, steps.boss_name) == ("Northshore", "Darlene")


def test_a_rejection_naming_who_said_no_counts_as_the_boss():
    co = Company(id="c1", name="Northshore")
    hr = Contact(id="p1", name="Hank", company_id="c1", role="hr")
    no = Interaction(id="i1", kind="rejection", day="2026-11-02", company_id="c1", contact_id="p1")
    steps = first_run_steps([co], [hr], [no], own_place=False)
    assert steps.boss and steps.boss_name == "Hank" and steps.started


@given(st.lists(st.text(max_size=8), max_size=5), st.lists(st.text(max_size=8), max_size=5))
@example(names=["b", "B"], people=["A", "a"])  # (equal but for case: found by hypothesis in CI)
def test_names_shown_do_not_depend_on_the_order(names, people):
    companies = [Company(id=str(n), name=x) for n, x in enumerate(names)]
    bosses = [Contact(id=f"p{n}", name=x, role="boss") for n, x in enumerate(people)]
    one = first_run_steps(companies, bosses, [], own_place=False)
    two = first_run_steps(companies[::-1], bosses[::-1], [], own_place=False)
    assert (one.company_name, one.boss_name) == (two.company_name, two.boss_name)
    assert one.company == bool(names) and one.boss == bool(people)
    assert not one.started


def test_the_service_reads_them_from_the_data(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    from rebound_tui.paths import default_data_path

    default = default_data_path()
    default.parent.mkdir(parents=True)
    svc = Service.open(default, today=lambda: TODAY)
    assert svc.first_run_steps().done == (False,) * 5
    svc.add_company("Northshore")
    svc.add_contact("Darlene", company="Northshore", role="boss")
    svc.reject("Northshore", boss="Darlene")
    assert svc.first_run_steps().done == (True, True, True, False, False)
    elsewhere = Service.open(tmp_path / "Sync" / "rebound.json", today=lambda: TODAY)
    assert elsewhere.first_run_steps().synced
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    moved = default_data_path()
    moved.parent.mkdir(parents=True, exist_ok=True)
    moved.symlink_to(tmp_path / "Sync" / "rebound.json")
    assert Service.open(moved, today=lambda: TODAY).first_run_steps().synced
