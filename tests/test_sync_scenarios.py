"""Two (or three) machines edit copies of one file while out of touch; a sync tool leaves conflict
copies; `rebound-tui sync` merges them, keeps every edit, and archives the copies.

Machines get hybrid clocks on a shared fake wall clock that the test moves forward between steps,
so "later" is well defined (on real machines the clock is skewed; the merge tests cover that).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from rebound_test_helpers import snapshot

from rebound_tui.domain.clock import HybridClock
from rebound_tui.service import Service
from rebound_tui.store.backups import Backups
from rebound_tui.store.database import Database
from rebound_tui.store.fileformat import decode

UNAMBIGUOUS = [
    "rebound.sync-conflict-20261127-101500-ABCDEF2.json",
    "rebound.sync-conflict-20261127-101500.json",
    "rebound.sync-conflict-20261127-101500-ABCDEF2.sync-conflict-20261128-090000-XYZ1234.json",
    "rebound (Laptop's conflicted copy 2026-11-27).json",
    "rebound (Laptop's conflicted copy).json",
    "rebound (Laptop's conflicted copy 2026-11-27) (1).json",
    "rebound (conflicted copy 2026-11-27 101500).json",
    "rebound (conflicted copy alice 2026-11-27 101500).json",
    "rebound_conflict-20261127-101500.json",
    "rebound.Conflict.json",
    "rebound.Conflict1.json",
]
AMBIGUOUS = ["rebound-LAPTOP.json", "rebound (1).json", "rebound 2.json"]
SYNC_TEMP = [".syncthing.rebound.json.tmp", "~syncthing~rebound.json.tmp"]


class Wall:
    """A wall clock in ms that the test moves by hand."""

    def __init__(self) -> None:
        self.ms = 1_795_000_000_000

    def tick(self, ms: int = 1000) -> None:
        self.ms += ms

    def __call__(self) -> int:
        return self.ms


@dataclass
class Machines:
    a_path: Path
    b_path: Path
    ids: dict[str, str]
    wall: Wall

    def service(self, path: Path, replica: str) -> Service:
        return Service(Database(path, clock=HybridClock(replica, wall_ms=self.wall)))


@pytest.fixture
def machines(tmp_path: Path, today) -> Machines:
    """One file, copied to two folders (machine A, machine B)."""
    wall = Wall()
    a_path = tmp_path / "A" / "rebound.json"
    b_path = tmp_path / "B" / "rebound.json"
    a_path.parent.mkdir()
    b_path.parent.mkdir()
    origin = Service(Database(a_path, clock=HybridClock("00000000", wall_ms=wall)))
    ids = {
        "Acme": origin.add_company("Acme", priority=3, location="Glenview").id,
        "Beta": origin.add_company("Beta", priority=2).id,
        "Gamma": origin.add_company("Gamma").id,
        "Darlene": origin.add_contact("Darlene", company="Acme", title="Controller").id,
    }
    ids["F"] = origin.add_follow_up("Thank Darlene", due="2026-11-25", contact="Darlene").id
    origin.save()
    shutil.copy2(a_path, b_path)
    return Machines(a_path, b_path, ids, wall)


def edit_both(m: Machines) -> None:
    """Offline edits on both machines, in an order the test controls."""
    a = m.service(m.a_path, "aaaaaaaa")
    b = m.service(m.b_path, "bbbbbbbb")
    m.wall.tick()
    a.edit_company("Acme", location="Highland Park")  # same record, different fields
    b.edit_company("Acme", priority=5)
    m.wall.tick()
    a.add_company("Only on A")  # different records
    b.add_contact("Only on B", company="Acme")
    m.wall.tick()
    b.delete_company("Beta")  # deleted on B ...
    m.wall.tick()
    a.edit_company("Beta", notes="they called back")  # ... edited on A after that: kept
    m.wall.tick()
    b.edit_company("Gamma", why="nice office")  # edited on B ...
    m.wall.tick()
    a.delete_company("Gamma")  # ... deleted on A after that: stays deleted
    m.wall.tick()
    a.complete(m.ids["F"], note="card sent")  # one follow-up, different fields
    b.edit_contact("Darlene", email="darlene@acme.example")
    a.save()
    b.save()


def assert_every_edit(path: Path, ids: dict[str, str]) -> None:
    s = Service.open(path)
    acme = s.company(ids["Acme"])
    assert (acme.location, acme.priority) == ("Highland Park", 5)
    names = {c.name for c in s.companies()}
    assert names == {"Acme", "Beta", "Only on A"}  # Gamma deleted after B's edit
    assert s.company(ids["Beta"]).notes == "they called back"
    assert {c.name for c in s.contacts()} == {"Darlene", "Only on B"}
    assert s.contact(ids["Darlene"]).email == "darlene@acme.example"
    assert s.follow_up(ids["F"]).status == "done"
    assert [i.note for i in s.interactions()] == ["card sent"]


def conflicts_dir(path: Path) -> Path:
    return Backups(path).conflicts_dir


@pytest.mark.parametrize("name", UNAMBIGUOUS + AMBIGUOUS)
def test_sync_merges_each_kind_of_conflict_copy(run_cli, machines: Machines, name: str):
    edit_both(machines)
    copy = machines.a_path.parent / name
    b_bytes = machines.b_path.read_bytes()
    copy.write_bytes(b_bytes)

    code, out, err = run_cli("sync", "--db", machines.a_path)
    assert code == 0, err
    assert f"merged {name}" in out
    assert_every_edit(machines.a_path, machines.ids)
    assert not copy.exists()
    archived = conflicts_dir(machines.a_path) / name
    assert archived.read_bytes() == b_bytes  # moved, never deleted

    # Running it again finds nothing and writes nothing.
    before = snapshot(machines.a_path)
    code, out, _ = run_cli("sync", "--db", machines.a_path)
    assert code == 0 and "no conflict copies" in out
    assert snapshot(machines.a_path) == before


def test_both_machines_converge_byte_for_byte(run_cli, machines: Machines):
    edit_both(machines)
    a_bytes, b_bytes = machines.a_path.read_bytes(), machines.b_path.read_bytes()
    (machines.a_path.parent / UNAMBIGUOUS[0]).write_bytes(b_bytes)
    (machines.b_path.parent / UNAMBIGUOUS[3]).write_bytes(a_bytes)
    assert run_cli("sync", "--db", machines.a_path)[0] == 0
    assert run_cli("sync", "--db", machines.b_path)[0] == 0
    assert machines.a_path.read_bytes() == machines.b_path.read_bytes()
    assert_every_edit(machines.b_path, machines.ids)


def test_three_machines_many_copies_at_once(run_cli, machines: Machines, tmp_path: Path):
    c_path = tmp_path / "C" / "rebound.json"
    c_path.parent.mkdir()
    shutil.copy2(machines.a_path, c_path)
    edit_both(machines)
    c = machines.service(c_path, "cccccccc")
    machines.wall.tick()
    c.add_company("Only on C")
    c.save()
    folder = machines.a_path.parent
    (folder / "rebound (Laptop's conflicted copy 2026-11-27).json").write_bytes(
        machines.b_path.read_bytes()
    )
    (folder / "rebound.sync-conflict-20261127-101500-CCCCCCC.json").write_bytes(c_path.read_bytes())
    code, out, err = run_cli("sync", "--db", machines.a_path)
    assert code == 0, err
    assert out.count("merged ") == 2
    s = Service.open(machines.a_path)
    assert {c.name for c in s.companies()} == {"Acme", "Beta", "Only on A", "Only on C"}
    # A write changes exactly one file in the synced folder: no backups, no archive there.
    assert sorted(p.name for p in folder.iterdir()) == ["rebound.json"]


def _foreign(tmp_path: Path) -> bytes:
    folder = tmp_path / "foreign"
    folder.mkdir(exist_ok=True)
    s = Service.open(folder / "rebound.json")
    s.add_company("Somebody else's company")
    s.save()
    return (folder / "rebound.json").read_bytes()


@pytest.mark.parametrize("name", [UNAMBIGUOUS[0], UNAMBIGUOUS[3], UNAMBIGUOUS[9]])
def test_copy_of_another_database_is_reported_and_left_alone(
    run_cli, machines: Machines, tmp_path: Path, name: str
):
    copy = machines.a_path.parent / name
    foreign = _foreign(tmp_path)
    copy.write_bytes(foreign)
    before = snapshot(machines.a_path)
    code, out, err = run_cli("sync", "--db", machines.a_path)
    assert code == 0, err
    assert name in out and "different" in out
    assert copy.read_bytes() == foreign
    assert snapshot(machines.a_path) == before
    assert not conflicts_dir(machines.a_path).exists()
    names = {c.name for c in Service.open(machines.a_path).companies()}
    assert "Somebody else's company" not in names


@pytest.mark.parametrize("name", AMBIGUOUS)
def test_ambiguous_name_of_another_database_is_left_alone(
    run_cli, machines: Machines, tmp_path: Path, name: str
):
    copy = machines.a_path.parent / name
    foreign = _foreign(tmp_path)
    copy.write_bytes(foreign)
    before = snapshot(machines.a_path)
    code, out, err = run_cli("sync", "--db", machines.a_path)
    assert code == 0, err
    assert f"merged {name}" not in out
    assert copy.read_bytes() == foreign
    assert snapshot(machines.a_path) == before


@pytest.mark.parametrize("name", AMBIGUOUS)
def test_ambiguous_name_that_is_not_a_rebound_file_is_left_alone(
    run_cli, machines: Machines, name: str
):
    copy = machines.a_path.parent / name
    copy.write_bytes(b'{"just": "some other json"}')
    before = snapshot(machines.a_path)
    code, out, err = run_cli("sync", "--db", machines.a_path)
    assert code == 0, err
    assert copy.read_bytes() == b'{"just": "some other json"}'
    assert snapshot(machines.a_path) == before


@pytest.mark.parametrize("name", SYNC_TEMP)
def test_sync_temp_files_are_ignored(run_cli, machines: Machines, name: str):
    edit_both(machines)
    temp = machines.a_path.parent / name
    temp.write_bytes(machines.b_path.read_bytes())
    before = snapshot(machines.a_path)
    code, out, err = run_cli("sync", "--db", machines.a_path)
    assert code == 0, err
    assert "no conflict copies" in out
    assert temp.exists()
    assert snapshot(machines.a_path) == before
    assert "Only on B" not in {c.name for c in Service.open(machines.a_path).contacts()}


def test_broken_conflict_copy_is_reported_and_kept(run_cli, machines: Machines):
    name = UNAMBIGUOUS[0]
    copy = machines.a_path.parent / name
    copy.write_bytes(b'{"meta": {"db": ')
    before = snapshot(machines.a_path)
    code, out, err = run_cli("sync", "--db", machines.a_path)
    assert code == 0, err
    assert name in out and "alone" in out
    assert copy.read_bytes() == b'{"meta": {"db": '
    assert snapshot(machines.a_path) == before


def test_copy_with_nothing_new_is_still_archived(run_cli, machines: Machines):
    copy = machines.a_path.parent / UNAMBIGUOUS[1]
    shutil.copy2(machines.a_path, copy)
    before = machines.a_path.read_bytes()
    code, out, err = run_cli("sync", "--db", machines.a_path)
    assert code == 0, err
    assert not copy.exists()
    assert (conflicts_dir(machines.a_path) / UNAMBIGUOUS[1]).read_bytes() == before
    assert machines.a_path.read_bytes() == before


def test_archiving_never_overwrites_an_earlier_archived_copy(run_cli, machines: Machines):
    name = UNAMBIGUOUS[0]
    folder = machines.a_path.parent
    edit_both(machines)
    (folder / name).write_bytes(machines.b_path.read_bytes())
    assert run_cli("sync", "--db", machines.a_path)[0] == 0
    b = machines.service(machines.b_path, "bbbbbbbb")
    machines.wall.tick()
    b.add_company("Second round on B")
    b.save()
    (folder / name).write_bytes(machines.b_path.read_bytes())
    assert run_cli("sync", "--db", machines.a_path)[0] == 0
    archived = sorted(p.name for p in conflicts_dir(machines.a_path).iterdir())
    assert len(archived) == 2 and name in archived
    assert "Second round on B" in {c.name for c in Service.open(machines.a_path).companies()}


def test_merged_file_is_a_valid_rebound_file(run_cli, machines: Machines):
    edit_both(machines)
    (machines.a_path.parent / UNAMBIGUOUS[0]).write_bytes(machines.b_path.read_bytes())
    run_cli("sync", "--db", machines.a_path)
    decode(machines.a_path.read_bytes(), machines.a_path)
    code, out, err = run_cli("check", "--db", machines.a_path)
    assert code == 0, (out, err)


def test_sync_reads_and_checks_a_conflict_copy_once(
    run_cli, machines: Machines, monkeypatch: pytest.MonkeyPatch
):
    """`sync` merges a copy when it opens the file and again at its save; the unchanged copy is
    read and checked once (most of its time on a big file), and everything is still merged."""
    from rebound_tui.store import sync

    edit_both(machines)
    name = "rebound.sync-conflict-20261127-101500-ABCDEFG.json"
    (machines.a_path.parent / name).write_bytes(machines.b_path.read_bytes())
    reads = []
    real = sync.read_copy
    monkeypatch.setattr(sync, "read_copy", lambda *a: reads.append(a[0].name) or real(*a))
    code, out, err = run_cli("sync", "--db", machines.a_path)
    assert code == 0, err
    assert f"merged {name}" in out
    assert reads == [name]
    assert_every_edit(machines.a_path, machines.ids)


def test_a_copy_rewritten_after_it_was_read_is_read_again(machines: Machines):
    """The copies read are remembered by file signature: a copy changed since is read again,
    and what it holds now is merged."""
    edit_both(machines)
    copy = machines.a_path.parent / "rebound.sync-conflict-20261127-101500-ABCDEFG.json"
    copy.write_bytes(machines.b_path.read_bytes())
    a = machines.service(machines.a_path, "aaaaaaaa")  # opening merges the copy (in memory)
    assert a.contacts() and "Only on B" in {c.name for c in a.contacts()}
    b = machines.service(machines.b_path, "bbbbbbbb")
    machines.wall.tick()
    b.add_company("Later on B")
    b.save()
    copy.write_bytes(machines.b_path.read_bytes() + b"\n")  # (another size: a new signature)
    a.save()
    assert not copy.exists()
    assert "Later on B" in {c.name for c in Service.open(machines.a_path).companies()}
