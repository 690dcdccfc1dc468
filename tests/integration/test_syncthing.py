"""Two real Syncthing instances (Debian's 1.19) on 127.0.0.1, default `maxConflicts` (10).

* Rounds of concurrent offline edits on both machines (the same field, different fields, delete
  against edit, done against snooze), more rounds than `maxConflicts`, and no `sync` command: each
  writing command merges the conflict copies Syncthing made. Nothing is lost: every version either
  machine held at any point is contained in the final file (merging it in changes nothing), and
  both machines end byte for byte identical.
* The dashboard runs on one machine while the other edits: it picks the edits up live, its own
  edit reaches the other machine, and nothing is lost on quit.

Harness: tests/integration/syncthing.py (loopback only; synchronisation awaited through the REST
API, never fixed sleeps).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from rebound_test_helpers import require_tool

from rebound_tui.domain.merge import merge_databases
from rebound_tui.service import Service
from rebound_tui.store.backups import Backups
from rebound_tui.store.conflicts import find_conflict_copies
from rebound_tui.store.fileformat import decode
from tests.integration.syncthing import Pair

ROUNDS = 12  # more than Syncthing's default maxConflicts (10)


@pytest.fixture(scope="module")
def syncthing(tmp_path_factory: pytest.TempPathFactory):
    exe = require_tool("syncthing")
    pair = Pair(exe, tmp_path_factory.mktemp("syncthing"))
    try:
        yield pair
        pair.assert_loopback_only()
    finally:
        pair.stop()


class Machines:
    def __init__(self, syncthing: Pair, tmp_path: Path, run_cli, folder_id: str) -> None:
        self.st = syncthing
        self.folder_id = folder_id
        self.a = tmp_path / "A-sync" / "rebound.json"
        self.b = tmp_path / "B-sync" / "rebound.json"
        self.run_cli = run_cli
        self.seen: list[dict] = []  # every version either machine held: nothing may be lost
        syncthing.share(folder_id, self.a.parent, self.b.parent)

    def cli(self, path: Path, *args: str) -> str:
        code, out, err = self.run_cli(*args, "--db", path)
        assert code == 0, err
        self.remember(path)
        return out

    def remember(self, path: Path) -> None:
        if path.exists():
            self.seen.append(decode(path.read_bytes(), path))
        for copy in find_conflict_copies(path):
            self.seen.append(decode(copy.path.read_bytes(), copy.path))

    def settle(self) -> None:
        self.st.settle(self.folder_id)
        self.remember(self.a)
        self.remember(self.b)

    def offline(self, paused: bool) -> None:
        """Machine A's folder stops (or resumes) exchanging with B: both edit offline."""
        self.st.a.pause_folder(self.folder_id, paused)

    def assert_nothing_lost(self) -> None:
        final = decode(self.a.read_bytes(), self.a)
        for version in self.seen:
            assert merge_databases(final, version) == final, "an edit was lost"
        assert self.a.read_bytes() == self.b.read_bytes()
        assert not find_conflict_copies(self.a) and not find_conflict_copies(self.b)


@pytest.fixture
def machines(syncthing: Pair, tmp_path: Path, run_cli, request) -> Machines:
    return Machines(syncthing, tmp_path, run_cli, request.node.name[-40:].replace("[", "-"))


def test_offline_edits_on_both_machines_over_many_rounds_lose_nothing(machines: Machines):
    m = machines
    m.cli(m.a, "add", "company", "Acme", "--location", "Glenview")
    m.cli(m.a, "add", "company", "Beta")
    for n in range(ROUNDS):
        m.cli(m.a, "add", "company", f"Del {n}")
        m.cli(m.a, "follow-up", f"Task {n}", "--on", "2026-11-20", "--company", "Acme")
    m.settle()
    assert m.a.read_bytes() == m.b.read_bytes()
    tasks = {f.title: f.id for f in Service.open(m.a).follow_ups()}

    copies_made = 0
    for n in range(ROUNDS):
        m.offline(True)
        # The same field on both: B's edit is later, so B's value wins.
        m.cli(m.a, "edit", "company", "Acme", "--location", f"a {n}")
        # Different fields of one record: both stay.
        m.cli(m.a, "edit", "company", "Beta", "--priority", str(n % 5 + 1))
        # Delete against edit: even rounds A edits and B deletes later (deleted); odd rounds A
        # deletes and B edits later (the record comes back with B's edit).
        if n % 2 == 0:
            m.cli(m.a, "edit", "company", f"Del {n}", "--notes", "kept?")
        else:
            m.cli(m.a, "delete", "company", f"Del {n}")
        # Done against snooze: A completes the task, B snoozes it later.
        m.cli(m.a, "done", tasks[f"Task {n}"])
        m.cli(m.a, "add", "company", f"A only {n}")
        time.sleep(0.002)  # B's stamps are later than A's (milliseconds), as in the assertions

        m.cli(m.b, "edit", "company", "Acme", "--location", f"b {n}")
        m.cli(m.b, "edit", "company", "Beta", "--why", f"why {n}")
        if n % 2 == 0:
            m.cli(m.b, "delete", "company", f"Del {n}")
        else:
            m.cli(m.b, "edit", "company", f"Del {n}", "--notes", "back")
        m.cli(m.b, "snooze", tasks[f"Task {n}"], "--until", "2026-12-24")
        m.cli(m.b, "add", "company", f"B only {n}")
        m.offline(False)
        m.settle()
        copies = find_conflict_copies(m.a) + find_conflict_copies(m.b)
        copies_made += bool(copies)
        # Never more than this round's copies wait: the previous ones were merged by the
        # commands of this round.
        assert len({c.path.name for c in copies}) <= 2, [c.path.name for c in copies]

    assert copies_made >= ROUNDS - 1  # Syncthing really made conflict copies
    # Two more commands, one on each machine in turn, with syncs between: no `sync` command.
    m.cli(m.a, "add", "company", "Last on A")
    m.settle()
    m.cli(m.b, "add", "company", "Last on B")
    m.settle()
    m.assert_nothing_lost()

    s = Service.open(m.b)
    names = {c.name: c for c in s.companies()}
    assert names["Acme"].location == f"b {ROUNDS - 1}"
    assert names["Beta"].priority == (ROUNDS - 1) % 5 + 1
    assert names["Beta"].why == f"why {ROUNDS - 1}"
    for n in range(ROUNDS):
        assert f"A only {n}" in names and f"B only {n}" in names
        if n % 2 == 0:
            assert f"Del {n}" not in names
        else:
            assert names[f"Del {n}"].notes == "back"
        task = s.follow_up(tasks[f"Task {n}"])
        assert task.due == "2026-12-24"  # B's snooze, later, set the day...
        assert task.status == "done"  # ...and nothing reopened what A completed
    # Every conflict copy was archived on this machine, none deleted unread, none in the folder.
    archived = list(Backups(m.a).conflicts_dir.glob("*")) + list(
        Backups(m.b).conflicts_dir.glob("*")
    )
    assert archived and all(".sync-conflict-" in p.name for p in archived)
    for folder in (m.a.parent, m.b.parent):
        assert sorted(p.name for p in folder.iterdir() if p.name != ".stfolder") == ["rebound.json"]


async def test_the_dashboard_picks_up_the_other_machines_edits_and_loses_nothing(
    machines: Machines,
):
    from rebound_tui.ui.app import make_app

    m = machines
    m.cli(m.a, "add", "company", "Acme")
    m.settle()
    service = Service.open(m.a)
    app = make_app(service, poll_seconds=0.2, save_delay=0)

    async def until(condition, what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            await asyncio.sleep(0.05)
        pytest.fail(f"timed out: {what}")

    def names() -> set[str]:
        return {c.name for c in service.companies()}

    async with app.run_test(size=(140, 45)) as pilot:
        for n in range(3):
            m.cli(m.b, "add", "company", f"From B {n}")
            m.cli(m.b, "edit", "company", "Acme", "--notes", f"note {n}")
            await asyncio.to_thread(m.settle)
            await until(lambda n=n: f"From B {n}" in names(), "the dashboard's live pick-up")
            await until(
                lambda n=n: service.find_company("Acme").notes == f"note {n}", "field pick-up"
            )
            await pilot.pause()
            # The dashboard edits too (a key press, like a user) while B keeps going.
            await pilot.press("1", "a")
            for ch in f"Dash {n}":
                await pilot.press("space" if ch == " " else ch)
            await pilot.press("ctrl+s")
            await until(lambda n=n: f"Dash {n}" in names(), "the dashboard's own edit")
            await pilot.app.workers.wait_for_complete()
        await pilot.press("q")
    app_names = names()
    await asyncio.to_thread(m.settle)
    m.cli(m.b, "add", "company", "After quit")
    await asyncio.to_thread(m.settle)
    m.assert_nothing_lost()
    final = {c.name for c in Service.open(m.b).companies()}
    assert {f"From B {n}" for n in range(3)} | {f"Dash {n}" for n in range(3)} <= final
    assert app_names <= final
