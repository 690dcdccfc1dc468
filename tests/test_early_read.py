"""A command's data file read before the service is imported, its check started then
(`store/early_read.py`): taken by the first load only for the same version of the file, with
the same verdict as any load; otherwise the child is ended."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from rebound_tui.service import Service
from rebound_tui.store import checked, early_read, split_check, storage
from rebound_tui.store.fileformat import DataFileError, encode
from tests.test_split_check import a_file, with_bad

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the check is split on Linux only"
)


@pytest.fixture(autouse=True)
def small_files_split(monkeypatch, tmp_path: Path):
    """Split at any size (the real threshold is 1 MB), as if on two cores; a cache of our own."""
    monkeypatch.setattr(split_check, "MIN_BYTES", 0)
    monkeypatch.setattr(early_read, "MIN_BYTES", 0)
    monkeypatch.setattr(split_check, "_cores", lambda: 2)
    monkeypatch.setenv("REBOUND_LOCK_DIR", str(tmp_path / "locks"))
    yield
    early_read._drop_all()


@pytest.fixture
def reads(monkeypatch) -> list[Path]:
    """The files the storage read from disk itself."""
    seen: list[Path] = []
    real = storage.SyncStorage._read_disk

    def spy(self: Any) -> Any:
        seen.append(self.path)
        return real(self)

    monkeypatch.setattr(storage.SyncStorage, "_read_disk", spy)
    return seen


def new_here(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "r.json"
    path.write_bytes(encode(data))
    checked_dir = checked.checked_dir()
    if checked_dir.exists():
        old = path.stat().st_ctime - 60
        os.utime(checked_dir, (old, old))  # (the file changed after anything was checked)
    return path


def test_a_command_takes_the_file_it_read_early(tmp_path: Path, reads) -> None:
    data = a_file(tmp_path)
    path = new_here(tmp_path, data)
    reads.clear()
    early_read.prepare(path)
    assert early_read._prepared  # read, and its check under way
    service = Service.open(path, one_shot=True, resident=True)
    assert reads == []  # (not read again)
    assert not early_read._prepared
    assert {c.name for c in service.companies()} == {"Acme"}


@pytest.mark.parametrize("table", ["interactions", "contacts"])
def test_a_bad_record_is_refused_in_the_same_words(tmp_path: Path, table: str) -> None:
    bad = new_here(tmp_path, with_bad(a_file(tmp_path), table))
    with pytest.raises(DataFileError) as alone:
        Service.open(bad, one_shot=True)  # (another process's read: no split, no early read)
    early_read.prepare(bad)
    assert early_read._prepared
    with pytest.raises(DataFileError) as early:
        Service.open(bad, one_shot=True, resident=True)
    assert str(early.value) == str(alone.value) and f"{table}/" in str(early.value)


def test_a_file_changed_since_it_was_read_is_read_again(tmp_path: Path, reads) -> None:
    data = a_file(tmp_path)
    path = new_here(tmp_path, data)
    reads.clear()
    early_read.prepare(path)
    (child,) = [p.child for p in early_read._prepared.values()]
    time.sleep(0.01)
    path.write_bytes(encode(with_bad(data, "interactions")))  # another version: a bad one
    with pytest.raises(DataFileError, match="interactions/"):
        Service.open(path, one_shot=True, resident=True)
    assert reads == [path]
    split_check._reap_all()
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # ended and collected


def test_a_file_that_looks_known_is_read_early_without_a_child(tmp_path: Path, reads) -> None:
    path = new_here(tmp_path, a_file(tmp_path))  # (bytes a_file's save wrote: known here)
    early_read.prepare(path)
    (early,) = early_read._prepared.values()
    assert early.child is not None  # (it looks new: it changed after the last entry)
    Service.open(path, one_shot=True, resident=True)  # trusted: the guess was wrong...
    early_read.prepare(path)
    (early,) = early_read._prepared.values()
    assert early.child is None  # ...and is right the next time: read and hashed, no child
    reads.clear()
    service = Service.open(path, one_shot=True, resident=True)
    assert reads == [] and not early_read._prepared  # (taken, not read again)
    assert {c.name for c in service.companies()} == {"Acme"}
    early_read.prepare(tmp_path / "missing.json")
    assert not early_read._prepared


def test_a_small_file_is_left_to_the_load(tmp_path: Path, monkeypatch, reads) -> None:
    path = new_here(tmp_path, a_file(tmp_path))
    monkeypatch.setattr(early_read, "MIN_BYTES", path.stat().st_size + 1)
    reads.clear()
    early_read.prepare(path)
    assert not early_read._prepared
    Service.open(path, one_shot=True, resident=True)
    assert reads == [path]


def test_a_reading_gives_the_bytes_between_two_equal_states(tmp_path: Path) -> None:
    path = new_here(tmp_path, a_file(tmp_path))
    before, raw, after = early_read.Reading(path).result()
    assert raw == path.read_bytes() and before.st_ino == after.st_ino == path.stat().st_ino
    assert early_read.Reading(tmp_path / "missing.json").result() is None


def test_a_check_nobody_takes_is_ended(tmp_path: Path) -> None:
    path = new_here(tmp_path, a_file(tmp_path))
    early_read.prepare(path)
    (child,) = [p.child for p in early_read._prepared.values()]
    early_read._drop_all()  # (what the process's end does)
    split_check._reap_all()
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)


PROBE = """
import sys
from rebound_tui.cli import main
from rebound_tui.store import early_read
take = early_read.take

def taken(path):
    prepared = take(path)
    print("taken early" if prepared is not None else "read at the open", flush=True)
    return prepared

early_read.take = taken
sys.argv = ["rebound-tui", *sys.argv[1:]]
main()  # as the command's own process runs it (it ends the process)
"""


def big_file(tmp_path: Path, bad: bool = False) -> Path:
    """A file of more than 1 MB (the real threshold of a split), as a sync tool delivers it."""
    path = tmp_path / "big.json"
    service = Service.open(path)
    with service.playbook_paused():
        service.add_company("Acme")
        person = service.add_contact("Dana", company="Acme")
        for n in range(700):
            service.log("call", contact=person.id, note=f"call {n} " + "x" * 1600)
    service.save()
    data = orjson_loads(path.read_bytes())
    if bad:
        data = with_bad(data, "interactions")
    path.write_bytes(encode(data))
    assert path.stat().st_size > split_check.MIN_BYTES
    return path


def orjson_loads(raw: bytes) -> Any:
    import orjson

    return orjson.loads(raw)


def run_probe(tmp_path: Path, probe: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A command run as its own process by `probe`, on a cache folder where nothing was checked
    yet (skipped on one core: no check is split there, none read early)."""
    if split_check._cores() < 2:
        pytest.skip("one core: no check is split, none read early")
    env = dict(os.environ, REBOUND_LOCK_DIR=str(tmp_path / "fresh-locks"))
    return subprocess.run(
        [sys.executable, "-c", probe, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("bad", [False, True])
def test_a_command_process_reads_its_file_early(tmp_path: Path, monkeypatch, bad: bool) -> None:
    """As a user runs it: `rebound-tui due` on a file just delivered (nothing checked here
    since) takes the bytes it read before the service was imported; a bad record in them is
    refused as always, and the file left as it was."""
    monkeypatch.undo()  # (a real process: the real thresholds)
    path = big_file(tmp_path, bad)
    before = path.read_bytes()
    done = run_probe(tmp_path, PROBE, "--db", str(path), "due")
    assert done.stdout.splitlines()[0] == "taken early", done.stderr
    if bad:
        assert done.returncode == 1
        assert "interactions/" in done.stderr and "rebound-tui check" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    else:
        assert done.returncode == 0, done.stderr
    assert path.read_bytes() == before


CHILD_PROBE = """
import sys
from rebound_tui.cli import main
from rebound_tui.store import early_read
prepare = early_read.prepare

def prepared(path, *reading):
    prepare(path, *reading)
    for early in early_read._prepared.values():
        print("child", early.child.pid, flush=True)

early_read.prepare = prepared
sys.argv = ["rebound-tui", *sys.argv[1:]]
main()
"""


def test_a_command_that_never_opens_its_file_leaves_no_child(tmp_path: Path, monkeypatch) -> None:
    """`done --help` reads a big file new here early (the command is known before its options
    are), then only prints help: its child is ended and collected before the process ends (an
    orphan is not collected on every system: this VM's init leaves it a zombie)."""
    monkeypatch.undo()
    path = big_file(tmp_path)
    done = run_probe(tmp_path, CHILD_PROBE, "--db", str(path), "done", "--help")
    assert done.returncode == 0 and "usage: rebound-tui done" in done.stdout, done.stderr
    (pid,) = [int(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("child")]
    time.sleep(0.2)
    assert not Path(f"/proc/{pid}").exists()  # (not even a zombie)


def test_an_abandoned_child_is_collected_at_once(tmp_path: Path) -> None:
    path = new_here(tmp_path, a_file(tmp_path))
    early_read.prepare(path)
    (child,) = [p.child for p in early_read._prepared.values()]
    child.abandon()
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)


def test_the_tables_found_before_the_fork_serve_the_child_and_the_load(
    tmp_path: Path, monkeypatch, reads
) -> None:
    """On a file new here `prepare` finds the tables itself before it forks the child: the child
    does not look for them again, and neither does the load."""
    from rebound_tui.store import layout

    data = a_file(tmp_path)
    path = new_here(tmp_path, data)
    found: list[int] = []
    real = layout.table_spans
    here = os.getpid()

    def counted(raw: bytes) -> Any:
        if os.getpid() != here:
            raise AssertionError("the child looked for the tables")  # (then it gives no answer)
        found.append(here)
        return real(raw)

    monkeypatch.setattr(layout, "table_spans", counted)
    early_read.prepare(path)
    prepared = early_read._prepared[os.path.realpath(path)]
    assert prepared.child is not None
    assert prepared.spans == real(path.read_bytes())
    verdict = prepared.child.expecting(
        [*_where(prepared.spans, path), [list(s) for s in prepared.spans]]
    ).verdict()
    # It answered, without looking for them, and says the table is laid out as we write it.
    assert verdict is not None and verdict[0] == [] and verdict[2] is True
    assert found == [here]
    early_read._drop_all()
    found.clear()
    early_read.prepare(path)
    service = Service.open(path, one_shot=True, resident=True)
    assert found == [here]  # (prepare's; the load took them)
    assert {c.name for c in service.companies()} == {"Acme"}


def _where(spans: Any, path: Path) -> list[Any]:
    """What a child forked ahead says it checked: the largest table, all of it."""
    index = split_check.apart_table(spans, {})
    name, start, stop = spans[index]
    return [name, start, stop, None]


def test_a_command_imports_its_save_s_lock_while_the_child_checks(
    tmp_path: Path, monkeypatch
) -> None:
    """The time a command would only wait for the child: the save's imports are done then (and
    not when the child has answered already)."""
    calls: list[str] = []
    monkeypatch.setattr(storage, "_import_for_save", lambda: calls.append("import"))
    data = a_file(tmp_path)
    for answered in (False, True):
        calls.clear()
        monkeypatch.setattr(split_check.SplitCheck, "answered", lambda self, a=answered: a)
        path = new_here(tmp_path, data)
        shutil.rmtree(checked.checked_dir(), ignore_errors=True)
        early_read.prepare(path)
        service = Service.open(path, one_shot=True, resident=True)
        assert {c.name for c in service.companies()} == {"Acme"}
        assert calls == ([] if answered else ["import"])
    calls.clear()
    monkeypatch.setattr(split_check.SplitCheck, "answered", lambda self: False)
    shutil.rmtree(checked.checked_dir(), ignore_errors=True)
    Service.open(new_here(tmp_path, data), resident=True)  # the dashboard: no save's imports
    assert calls == []


def test_the_save_s_imports_while_waiting(monkeypatch) -> None:
    """`_import_for_save` imports the lock; a lock that cannot be imported is the save's to
    report (where it always was), not the wait's."""
    monkeypatch.delitem(sys.modules, "filelock", raising=False)
    storage._import_for_save()
    assert "filelock" in sys.modules
    monkeypatch.setitem(sys.modules, "filelock", None)  # (an import of it now fails)
    storage._import_for_save()  # no error here
