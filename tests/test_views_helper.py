"""The panes' rows built in a child process: the answer is exactly the snapshot, as plain values
only, and taken only for exactly the data the dashboard holds, today."""

from __future__ import annotations

import datetime as dt
import io
import json
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from rebound_tui import views_helper
from rebound_tui.service import Service
from rebound_tui.ui.loading import open_data
from rebound_tui.views import Views
from rebound_tui.views_helper import ViewsHelper, from_wire, to_wire

HOSTILE = ("[/]", "[@click=app.quit]x", "[b]bold[/b]")
ESCAPE = "\x1b]0;x\x07"  # (refused as input; a synced file may hold it all the same)


def fill(svc: Service) -> None:
    """Companies, people, touches and follow-ups, hostile names among them; some people share
    a warmth, one has none, one has a cadence (cooling)."""
    with svc.playbook_paused():
        for n, name in enumerate(HOSTILE):
            svc.add_company(name, stage="rejected", priority=n + 1, location=name)
            svc.add_contact(f"{name} boss", company=name, role="boss", cadence="2w")
            svc.add_contact(f"{name} peer", company=name, title=name)
            svc.log("rejection", company=name, contact=f"{name} boss", on="2026-10-20")
            svc.log("call", contact=f"{name} boss", on="2026-11-20")
            svc.add_follow_up(f"thank {name}", due="2026-11-25", contact=f"{name} boss")
        svc.add_contact("Nobody's", title="no company")
        svc.add_follow_up("later", due="2027-03-01", company=HOSTILE[0])


@pytest.fixture
def saved(data_path: Path) -> Path:
    """A saved data file (the real clock decides today: the child has no other)."""
    svc = Service.open(data_path)
    fill(svc)
    svc.save()
    data = json.loads(data_path.read_text())
    company = next(c for c in data["companies"].values() if c["name"] == HOSTILE[0])
    company["name"] = ESCAPE
    data_path.write_text(json.dumps(data, indent=1))
    return data_path


def test_the_answer_is_the_snapshot_in_plain_values(saved: Path) -> None:
    snapshot = Views(Service.open(saved)).snapshot
    assert snapshot.network and snapshot.bullpen and snapshot.due and snapshot.entries
    wire = to_wire(snapshot)
    back = from_wire(views_helper._PlainValues(io.BytesIO(pickle.dumps(wire))).load())
    assert back == snapshot
    assert back.network_by_company == snapshot.network_by_company
    assert {row.company for row in back.bullpen} == {*HOSTILE[1:], ESCAPE}  # text as it is
    # Equal warmths are one object (a frozen value), as many as there are distinct ones.
    assert len({id(row.warmth) for row in back.network}) == len({r.warmth for r in back.network})


def test_a_class_or_function_in_the_answer_is_refused(saved: Path) -> None:
    snapshot = Views(Service.open(saved)).snapshot
    for stream in (pickle.dumps(snapshot), pickle.dumps(print), pickle.dumps(dt.date.today())):
        with pytest.raises(pickle.UnpicklingError, match="not a plain value"):
            views_helper._PlainValues(io.BytesIO(stream)).load()
    with pytest.raises((TypeError, KeyError)):
        from_wire({"network": []})  # (what is missing: the loader then builds the rows)


def test_a_warmth_level_this_version_does_not_know_is_refused(saved: Path) -> None:
    wire = to_wire(Views(Service.open(saved)).snapshot)
    columns = list(wire["network"])
    heats = list(columns[views_helper._WARMTH_AT])
    for level in ("scorching", ["hot"]):  # (the loader then builds the rows itself)
        heats[0] = (level, 1.0, False)
        columns[views_helper._WARMTH_AT] = tuple(heats)
        with pytest.raises((KeyError, TypeError)):
            from_wire(dict(wire, network=columns))


def test_a_row_of_another_shape_is_refused(saved: Path) -> None:
    # (a row with a value more or less, as another version might send: the loader then builds
    # the rows itself rather than show a row whose values moved)
    wire = to_wire(Views(Service.open(saved)).snapshot)
    for table in ("bullpen", "due"):
        row = wire[table][0]
        for shape in (row[:-1], (*row, "")):
            with pytest.raises(TypeError):
                from_wire(dict(wire, **{table: [shape]}))
    # The network goes as columns, one per field: a field more or less is refused, and so is
    # a column longer or shorter than the others (a row would take another row's value).
    columns = wire["network"]
    rows = len(columns[0])
    assert len(columns) == len(views_helper._NETWORK_NAMES) and rows > 1
    assert {len(column) for column in columns} == {rows}
    for shape in (columns[:-1], [*columns, ("",) * rows]):
        with pytest.raises(TypeError):
            from_wire(dict(wire, network=shape))
    for cut in (0, views_helper._WARMTH_AT, len(columns) - 1):
        for column in (columns[cut][:-1], (*columns[cut], columns[cut][0])):
            with pytest.raises(ValueError):
                from_wire(dict(wire, network=[*columns[:cut], column, *columns[cut + 1 :]]))
    for bad in ((), "network", {"rows": []}):
        with pytest.raises(TypeError):
            from_wire(dict(wire, network=bad))
    for column in ("x" * rows, list(columns[0])):  # (a text of as many letters: not a column)
        with pytest.raises(TypeError):
            from_wire(dict(wire, network=[column, *columns[1:]]))


def test_no_people_and_no_companies_go_as_empty_columns(data_path: Path) -> None:
    svc = Service.open(data_path)
    snapshot = Views(svc).snapshot
    assert not snapshot.network and not snapshot.bullpen
    wire = to_wire(snapshot)
    assert wire["network"] == [()] * len(views_helper._NETWORK_NAMES)
    assert from_wire(wire) == snapshot


def _finished(helper: ViewsHelper) -> None:
    """Let the child end before the test changes anything (its answer waits in the pipe)."""
    helper.process.wait(timeout=60)


def test_the_child_builds_the_rows_of_the_data_the_dashboard_opens(saved: Path) -> None:
    day = dt.date.today()
    helper = ViewsHelper.start(saved)
    assert helper is not None
    service = Service.open(saved)
    taken = helper.take(service, wait=60)
    if dt.date.today() != day:
        pytest.skip("midnight passed during the test: the answer is for another day")
    assert helper.process.wait(30) == 0  # (a fork may still be ending once its answer is read)
    assert taken is not None and taken == Views(service).snapshot


def test_rows_of_another_state_of_the_file_are_not_taken(saved: Path) -> None:
    helper = ViewsHelper.start(saved)
    assert helper is not None
    _finished(helper)
    edited = Service.open(saved)
    edited.add_company("Added after the child read the file")
    edited.save()
    assert helper.take(Service.open(saved), wait=60) is None


def test_rows_while_the_dashboard_holds_unsaved_changes_are_not_taken(saved: Path) -> None:
    helper = ViewsHelper.start(saved)
    assert helper is not None
    service = Service.open(saved)
    service.add_company("Not saved yet")
    assert helper.take(service, wait=60) is None


def test_rows_of_another_day_are_not_taken(saved: Path) -> None:
    helper = ViewsHelper.start(saved)
    assert helper is not None
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert helper.take(Service.open(saved, today=lambda: tomorrow), wait=60) is None


def test_a_child_that_cannot_read_the_file_answers_nothing(saved: Path, tmp_path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"companies": [1, 2')
    helper = ViewsHelper.start(bad)
    assert helper is not None
    assert helper.take(Service.open(saved), wait=60) is None
    assert helper.process.wait(30) == 1
    # The same in this process: no output at all (the terminal is the dashboard's).
    assert views_helper.main([str(bad)]) == 1
    assert views_helper.main([str(tmp_path / "missing.json")]) == 1
    assert views_helper.main([]) == 2
    assert capsys.readouterr() == ("", "")


def test_a_late_child_is_stopped_and_the_rows_built_here(saved: Path, monkeypatch) -> None:
    # A child that answers nothing for a minute: the loader waits `wait`, then ends it.
    slow = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], stdout=subprocess.PIPE
    )
    helper = ViewsHelper(slow)
    service = Service.open(saved)
    assert helper.take(service, wait=0.2) is None
    assert slow.poll() is not None  # ended, not left behind


def test_stop_ends_a_child_the_dashboard_no_longer_needs(saved: Path) -> None:
    helper = ViewsHelper.start(saved)
    assert helper is not None
    helper.stop()
    assert helper.process.poll() is not None
    helper.stop()  # (twice: nothing more to do)


class FakeHelper:
    def __init__(self, answer) -> None:
        self.answer = answer
        self.asked: list[Service] = []

    def take(self, service: Service):
        self.asked.append(service)
        return self.answer


def test_the_loader_takes_the_childs_rows_or_builds_its_own(saved: Path) -> None:
    built = Views(Service.open(saved)).snapshot
    helper = FakeHelper(built)
    loaded = open_data(lambda: (Service.open(saved), None), helper)  # type: ignore[arg-type]
    assert helper.asked == [loaded.service]
    assert loaded.views.snapshot is built  # taken, not built again
    loaded = open_data(lambda: (Service.open(saved), None), FakeHelper(None))  # type: ignore[arg-type]
    assert loaded.views.snapshot is not built and loaded.views.snapshot == built
    # Taken rows are those of this generation: an edit builds them anew.
    loaded.service.add_company("After the start")
    assert "After the start" in [row.company for row in loaded.views.snapshot.bullpen]


FORKED = """
import sys, threading, time
from pathlib import Path
from rebound_tui import views_helper
from rebound_tui.service import Service
from rebound_tui.views import Views
path, how = Path(sys.argv[1]), sys.argv[2]
if how == "thread":  # another thread runs: a new interpreter instead of a fork
    threading.Thread(target=time.sleep, args=(5,), daemon=True).start()
if how == "stuck":  # a child that never answers
    views_helper.answer = lambda path: time.sleep(60)
if how == "linger":  # a child that ends long after its answer is written
    answer_to = views_helper._answer_to
    views_helper._answer_to = lambda *args: answer_to(*args) + time.sleep(60) or 0
if how == "pipe":  # no file in memory: the answer comes through the pipe
    views_helper._memory_file = lambda: None
started = time.monotonic()
helper = views_helper.ViewsHelper.start(path)
store = getattr(helper.process, "store", None) is not None
service = Service.open(path)
taken = helper.take(service, wait=0.5 if how == "stuck" else 60)
extra = {
    "linger": [time.monotonic() - started < 30, helper.process.poll() is None],
    "fork": [store, getattr(helper.process, "store", None) is None],  # (read, then closed)
    "pipe": [store],
}.get(how, [])
if how == "linger":
    helper.stop()
print(type(helper.process).__name__, helper.process.wait(30) is not None,
      taken is not None and taken == Views(service).snapshot, *extra)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked on Linux only")
@pytest.mark.parametrize(
    ("how", "out"),
    [
        # Forked: the same rows (written to a file in memory, closed once read), the child
        # ended and collected; without such a file, through the pipe.
        ("fork", "_Forked True True True True"),
        ("pipe", "_Forked True True False"),
        ("thread", "Popen True True"),
        ("stuck", "_Forked True False"),  # not waited for past `wait`: ended
        # Taken as soon as it is written whole, not when the child has ended (it closes its
        # pipe first); ended and collected all the same.
        ("linger", "_Forked True True True True"),
    ],
)
def test_the_child_is_forked_where_it_safely_can_be(saved: Path, how: str, out: str) -> None:
    """In a process with one thread (as the dashboard starts it, before Textual), the child is
    a fork: no interpreter to start. It writes nothing where the dashboard's output goes."""
    done = subprocess.run(
        [sys.executable, "-c", FORKED, str(saved), how],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (done.stdout.strip(), done.stderr) == (out, "")


def test_a_fork_that_fails_starts_an_interpreter_instead(saved: Path, monkeypatch) -> None:
    def no_fork() -> int:
        raise OSError("no more processes")

    monkeypatch.setattr(views_helper.os, "fork", no_fork)
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # (as before Textual starts)
    helper = ViewsHelper.start(saved)
    assert helper is not None and isinstance(helper.process, subprocess.Popen)
    service = Service.open(saved)
    assert helper.take(service, wait=60) == Views(service).snapshot
