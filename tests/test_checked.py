"""Files this machine already checked (store/checked.py): their records are not checked again,
and nothing else is ever trusted: other bytes (even the same size and times), a changed check,
a stamp that is now too far ahead. Also: one-shot commands' backups throttled across processes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rebound_tui.domain import record_check, table_check
from rebound_tui.store import checked, record_problems
from rebound_tui.store import fileformat as fileformat_mod
from rebound_tui.store.database import Database
from rebound_tui.store.fileformat import DataFileError


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every record id the checks look at, in order: a whole table (`table_check.sift`), or
    one record (`check_doc`)."""
    seen: list[str] = []
    real, real_sift = record_check.check_doc, table_check.sift

    def spy(doc, table=None, record_id=None, **kw):
        seen.append(record_id)
        return real(doc, table, record_id, **kw)

    def sift_spy(table, records, **kw):
        seen.extend(records if type(records) is dict else ())
        return real_sift(table, records, **kw)

    monkeypatch.setattr(record_check, "check_doc", spy)
    monkeypatch.setattr(record_problems, "check_doc", spy)
    monkeypatch.setattr(record_problems, "sift", sift_spy)
    return seen


def _seeded(path: Path, n: int = 3) -> list[str]:
    db = Database(path)
    ids = [
        db.create("companies", {"name": f"Co {i}", "priority": 3, "stage": "watching"})
        for i in range(n)
    ]
    db.save()
    return ids


def _remember_nothing(path: Path) -> None:
    for entry in checked.checked_dir().glob("*"):
        entry.unlink()


def test_a_file_checked_once_is_not_checked_again(data_path: Path, checks: list[str]) -> None:
    ids = _seeded(data_path)
    _remember_nothing(data_path)  # as if delivered by a sync tool: never seen here
    checks.clear()
    Database(data_path).storage.read()
    assert set(ids) <= set(checks)  # the first open checks every record
    checks.clear()
    db = Database(data_path)
    assert {f["name"] for _, f in db.live("companies")} == {"Co 0", "Co 1", "Co 2"}
    assert checks == []  # the same bytes again: trusted


def test_a_file_we_saved_is_not_checked_when_opened(data_path: Path, checks: list[str]) -> None:
    _seeded(data_path)
    for one_shot in (True, False):  # a command's whole encode, the dashboard's pieces
        db = Database(data_path, one_shot=one_shot)
        db.create("companies", {"name": "New", "priority": 2, "stage": "applied"})
        db.save()
        checked.flush_pending()  # (a file written from pieces is hashed at exit)
        checks.clear()
        Database(data_path).storage.read()
        assert checks == []


def test_other_bytes_with_the_same_size_and_times_are_checked(data_path: Path) -> None:
    ids = _seeded(data_path)
    Database(data_path).storage.read()  # remembered
    raw = data_path.read_bytes()
    st = os.stat(data_path)
    # A bad priority (9), same length, put back with the same times: only the bytes differ.
    bad = raw.replace(b'"priority": 3', b'"priority": 9', 1)
    assert len(bad) == len(raw) and bad != raw
    data_path.write_bytes(bad)
    os.utime(data_path, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(DataFileError, match="priority"):
        Database(data_path).storage.read()
    assert ids


def test_a_changed_check_checks_again(
    data_path: Path, checks: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _seeded(data_path)
    Database(data_path).storage.read()
    monkeypatch.setattr(checked, "_fingerprint", lambda: b"another version of the checks")
    checks.clear()
    Database(data_path).storage.read()
    assert checks


def test_a_stamp_too_far_ahead_now_is_refused_even_if_checked_before(
    data_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seeded(data_path)
    Database(data_path).storage.read()  # checked and remembered, with its highest stamp
    real = fileformat_mod.system_ms
    monkeypatch.setattr(fileformat_mod, "system_ms", lambda: real() - 3 * 86_400_000)
    with pytest.raises(DataFileError, match="ahead"):
        Database(data_path).storage.read()


def test_a_lost_or_damaged_entry_only_means_checking(data_path: Path, checks: list[str]) -> None:
    _seeded(data_path)
    Database(data_path).storage.read()
    for entry in checked.checked_dir().glob("*"):
        entry.write_text('{"max_stamp": 3}')
    checks.clear()
    Database(data_path).storage.read()
    assert checks


def test_entries_are_private_and_pruned(data_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checked, "KEEP", 3)
    for n in range(6):
        checked.remember(bytes([n]) * 32, checked.Entry("", True, True))
    folder = checked.checked_dir()
    assert len(list(folder.iterdir())) == 3
    if os.name != "nt":
        assert folder.stat().st_mode & 0o777 == 0o700
    assert checked.lookup(bytes([5]) * 32) == checked.Entry("", True, True)


def test_commands_back_up_at_most_every_ten_minutes(data_path: Path) -> None:
    _seeded(data_path)
    for n in range(3):
        db = Database(data_path, one_shot=True)
        db.create("companies", {"name": f"More {n}", "priority": 2, "stage": "applied"})
        db.save()
    assert len(db.backups.own()) == 1
    # The dashboard's session still backs up at its first save.
    db = Database(data_path)
    db.create("companies", {"name": "Dash", "priority": 2, "stage": "applied"})
    db.save()
    assert len(db.backups.own()) == 2


def test_a_copy_is_trusted_for_strict_reading_only_if_checked_strictly(
    data_path: Path, checks: list[str]
) -> None:
    _seeded(data_path)
    raw = data_path.read_bytes()
    _remember_nothing(data_path)
    # Checked as a data file (not for keys given twice): not enough for a copy from elsewhere.
    checked.remember(checked.digest_of(raw), checked.Entry("", None, False))
    checks.clear()
    checked.decode_known(raw, data_path, strict=True)
    assert checks  # checked in full, strictly
    checks.clear()
    checked.decode_known(raw, data_path, strict=True)
    assert checks == []  # and now remembered as such


def test_the_git_driver_remembers_its_result(tmp_path: Path, checks: list[str]) -> None:
    from rebound_tui.store.merge_driver import merge_files

    base = tmp_path / "base.json"
    _seeded(base)
    ours, theirs = tmp_path / "ours.json", tmp_path / "theirs.json"
    for side, name in ((ours, "Ours"), (theirs, "Theirs")):
        side.write_bytes(base.read_bytes())
        db = Database(side)
        db.create("companies", {"name": name, "priority": 1, "stage": "applied"})
        db.save()
    merge_files(base, ours, theirs)
    checks.clear()
    db = Database(ours)
    assert {"Ours", "Theirs"} <= {f["name"] for _, f in db.live("companies")}
    assert checks == []


# -- records the same as data already checked (a conflict copy beside memory) ---------------------
def _copy_of(path: Path, change) -> bytes:
    """The file's bytes as another machine might send them, `change(data)` applied."""
    import orjson

    data = orjson.loads(path.read_bytes())
    change(data)
    return fileformat_mod.encode(data)


def test_records_equal_to_checked_data_are_not_checked_again(
    data_path: Path, checks: list[str]
) -> None:
    ids = _seeded(data_path, 5)
    memory = Database(data_path).storage.read()

    def edit_one(data):
        data["companies"][ids[0]]["name"] = "Renamed elsewhere"

    raw = _copy_of(data_path, edit_one)
    _remember_nothing(data_path)
    checks.clear()
    data = checked.decode_known(raw, "copy.json", strict=True, checked=memory)
    assert data["companies"][ids[0]]["name"] == "Renamed elsewhere"
    assert checks == [ids[0]]  # only the record that differs from memory
    checks.clear()
    checked.decode_known(raw, "copy.json", strict=True)
    assert checks == []  # remembered: every record passed, or is the same as one that did


@pytest.mark.parametrize("stored", [True, 1.0])
def test_a_value_equal_in_python_but_another_json_value_is_checked(
    data_path: Path, stored: object
) -> None:
    """Python takes `true` and `1.0` for `1`: a copy holding them where memory holds the
    whole number 1 is checked, and refused (priority is a whole number from 1 to 5)."""
    ids = _seeded(data_path)

    def set_priority(data):
        data["companies"][ids[1]]["priority"] = 1

    data_path.write_bytes(_copy_of(data_path, set_priority))
    memory = Database(data_path).storage.read()

    def sneak(data):
        data["companies"][ids[1]]["priority"] = stored

    raw = _copy_of(data_path, sneak)
    with pytest.raises(DataFileError, match="priority"):
        checked.decode_known(raw, "copy.json", strict=True, checked=memory)


def test_a_conflict_copy_is_checked_only_where_it_differs_from_memory(
    data_path: Path, checks: list[str]
) -> None:
    ids = _seeded(data_path, 6)
    checked.flush_pending()  # (the file written is remembered as checked at exit)

    def edit_two(data):
        for rid in ids[:2]:
            data["companies"][rid]["notes"] = "from the laptop"
            data["companies"][rid]["_clock"]["notes"] = data["companies"][rid]["_clock"]["name"]

    copy = data_path.parent / "rebound.sync-conflict-20261205-081522-ABCDEFG.json"
    copy.write_bytes(_copy_of(data_path, edit_two))
    checks.clear()
    db = Database(data_path)
    db.storage.read()  # the file (ours: trusted) and the copy merged in memory
    db.create("companies", {"name": "Here", "priority": 2, "stage": "applied"})
    db.save()  # merges the copy (read once), archives it
    assert not copy.exists()
    assert sorted(checks) == sorted(ids[:2])
    assert {db.get("companies", rid)["notes"] for rid in ids[:2]} == {"from the laptop"}


def test_a_delivered_version_is_checked_only_where_it_differs_from_memory(
    data_path: Path, checks: list[str]
) -> None:
    """A sync tool replaces the file with the other machine's version: the dashboard merges it
    checking only the records that differ from what it holds; a bad one is still refused."""
    ids = _seeded(data_path, 6)
    db = Database(data_path)
    db.storage.read()

    def rename(data):
        data["companies"][ids[4]]["name"] = "Renamed on the laptop"

    delivered = data_path.parent / "incoming.json"
    delivered.write_bytes(_copy_of(data_path, rename))
    os.replace(delivered, data_path)
    _remember_nothing(data_path)
    checks.clear()
    assert db.storage.refresh()
    assert checks == [ids[4]]
    assert db.get("companies", ids[4])["name"] == "Renamed on the laptop"

    def sneak(data):
        data["companies"][ids[5]]["priority"] = True  # equal to 1 in Python, not in JSON

    db.update("companies", ids[5], {"priority": 1})
    db.save()
    delivered.write_bytes(_copy_of(data_path, sneak))
    os.replace(delivered, data_path)
    with pytest.raises(DataFileError, match="priority"):
        db.storage.refresh()


def test_the_git_driver_checks_their_side_only_where_it_differs(
    tmp_path: Path, checks: list[str]
) -> None:
    from rebound_tui.store.merge_driver import merge_files

    base = tmp_path / "base.json"
    ids = _seeded(base, 5)
    ours, theirs = tmp_path / "ours.json", tmp_path / "theirs.json"
    ours.write_bytes(base.read_bytes())

    def rename(data):
        data["companies"][ids[2]]["name"] = "Theirs"

    theirs.write_bytes(_copy_of(base, rename))
    _remember_nothing(base)
    checks.clear()
    merge_files(base, ours, theirs)
    # ours in full (new to this machine here), theirs only where it differs; base has ours'
    # bytes, remembered once ours was checked
    assert sorted(checks) == sorted([*ids, ids[2]])
    assert Database(ours).get("companies", ids[2])["name"] == "Theirs"


def test_the_version_of_the_checks_covers_every_module_they_are_made_of() -> None:
    """A changed rule in any module the checks import re-checks every file."""
    import grimp

    graph = grimp.build_graph("rebound_tui", cache_dir=None)
    made_of = graph.find_upstream_modules("rebound_tui.store.record_problems")
    made_of |= {"rebound_tui.store.record_problems", "rebound_tui.store.fileformat"}
    made_of |= {"rebound_tui.store.table_chunks", "rebound_tui.store.duplicate_keys"}
    files = {name.replace(".", "/") + ".py" for name in made_of}
    assert files <= set(checked._CHECK_MODULES)
    root = Path(checked.__file__).parents[2]
    assert all((root / name).is_file() for name in checked._CHECK_MODULES)


def _marks() -> list[str]:
    folder = checked.checked_dir().with_name("checking")
    return [p.name for p in folder.glob("*")] if folder.exists() else []


def test_a_load_waits_for_another_process_checking_the_same_bytes(
    data_path: Path, checks: list[str]
) -> None:
    """A first start's child process checks a file new here while the dashboard paints: the
    dashboard's own load then takes its verdict instead of checking the file again."""
    import threading
    import time

    _seeded(data_path)
    _remember_nothing(data_path)
    digest = checked.digest_of(data_path.read_bytes())
    marked = threading.Event()

    def other_process() -> None:
        with checked.checking(digest):
            marked.set()
            time.sleep(0.3)
            checked.remember(digest, checked.Entry("", None, False))

    thread = threading.Thread(target=other_process)
    thread.start()
    assert marked.wait(10)
    checks.clear()
    db = Database(data_path)
    thread.join()
    assert checks == []  # waited for the verdict, not checked here
    assert len(list(db.live("companies"))) == 3 and _marks() == []


def test_a_load_waits_longer_for_the_check_of_a_bigger_file(
    data_path: Path, checks: list[str], monkeypatch
) -> None:
    """The wait grows with the file (a check takes ~10 ms a MB): on the extreme benchmark file
    the dashboard stopped waiting after 0.6 s and checked its 119 MB beside its helper."""
    import threading
    import time

    _seeded(data_path)
    _remember_nothing(data_path)
    size = data_path.stat().st_size
    monkeypatch.setattr(checked, "CHECKING_WAIT", 0.05)
    assert checked.waiting_time(size) == 0.05  # (a small file: the least wait)
    monkeypatch.setattr(checked, "CHECKING_WAIT_PER_MB", 10 / (size / 1e6))
    assert abs(checked.waiting_time(size) - 10) < 1e-6  # (as if this file were big)
    digest = checked.digest_of(data_path.read_bytes())
    marked = threading.Event()

    def other_process() -> None:
        with checked.checking(digest):
            marked.set()
            time.sleep(0.5)  # (ten times the least wait)
            checked.remember(digest, checked.Entry("", None, False))

    thread = threading.Thread(target=other_process)
    thread.start()
    assert marked.wait(10)
    checks.clear()
    Database(data_path)
    thread.join()
    assert checks == []  # waited for the verdict, not checked here


def test_nobody_checking_or_a_dead_checker_means_no_wait(data_path: Path) -> None:
    import time

    _seeded(data_path)
    _remember_nothing(data_path)
    digest = checked.digest_of(data_path.read_bytes())
    started = time.monotonic()
    assert checked.lookup(digest, wait=5) is None
    with checked.checking(digest):
        (mark,) = checked.checked_dir().with_name("checking").glob("*")
        old = time.time() - checked.STALE_SECONDS - 60
        os.utime(mark, (old, old))  # left by a process that died checking
        assert checked.lookup(digest, wait=5) is None
    assert time.monotonic() - started < 2


def test_the_mark_is_held_while_a_load_checks_and_gone_after_even_if_it_fails(
    data_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seeded(data_path)
    _remember_nothing(data_path)
    seen: list[list[str]] = []
    real_sift = record_problems.sift

    def sift_spy(table, records, **kw):
        seen.append(_marks())
        return real_sift(table, records, **kw)

    monkeypatch.setattr(record_problems, "sift", sift_spy)
    Database(data_path).storage.read()
    assert seen and all(len(marks) == 1 for marks in seen) and _marks() == []
    raw = data_path.read_bytes().replace(b'"Co 1"', b"[1]")  # a name that is not text
    data_path.write_bytes(raw)
    with pytest.raises(DataFileError):
        Database(data_path).storage.read()
    assert _marks() == []
