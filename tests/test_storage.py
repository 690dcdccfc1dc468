"""SyncStorage and Database on a real folder: round trips, no churn, atomic saves, injected faults,
rename delivery, two writers, change detection, and the file format's byte-level promises.

Like TinyDB's own storage tests, the core tests run twice: on a database that starts in memory
(no file yet) and on one opened from a file already on disk.
"""

from __future__ import annotations

import difflib
import errno
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
from rebound_test_helpers import PYTHON, python_env
from tinydb import Query

from rebound_tui.domain import record
from rebound_tui.store import files as files_mod
from rebound_tui.store import storage as storage_mod
from rebound_tui.store.database import Database
from rebound_tui.store.fileformat import (
    FORMAT_NAME,
    SCHEMA_VERSION,
    DataFileError,
    decode,
    encode,
)
from rebound_tui.store.storage import SaveError, SyncStorage

KINDS = ["memory", "disk"]


@pytest.fixture(params=KINDS)
def kind(request) -> str:
    return request.param


@pytest.fixture
def db(kind: str, data_path: Path) -> Database:
    """A Database that starts in memory (file not there yet), or opens an existing file."""
    if kind == "disk":
        seed = Database(data_path)
        seed.create("companies", {"name": "Seed Co", "priority": 3, "location": "Glenview"})
        seed.save()
        assert data_path.exists()
    return Database(data_path)


def live_names(db: Database, table: str = "companies") -> set[str]:
    return {fields["name"] for _, fields in db.live(table)}


def disk_names(path: Path, table: str = "companies") -> set[str]:
    data = decode(path.read_bytes(), path)
    return {d["name"] for d in data.get(table, {}).values() if record.is_live(d)}


def leftovers(folder: Path) -> list[str]:
    """Temp files anywhere under `folder` (the data folder and the backups)."""
    return sorted(p.name for p in folder.rglob("*") if ".tmp" in p.name)


def seed_names(kind: str) -> set[str]:
    return {"Seed Co"} if kind == "disk" else set()


# -- core behaviour, in memory first and on disk -------------------------------------------------


def test_create_read_save_reload(db: Database, kind: str, data_path: Path):
    rid = db.create("companies", {"name": "Acme", "priority": 4})
    assert len(rid) == 32 and int(rid, 16) >= 0
    assert db.get("companies", rid)["name"] == "Acme"
    assert live_names(db) == seed_names(kind) | {"Acme"}
    assert db.dirty
    assert db.save() is True
    assert not db.dirty
    again = Database(data_path)
    assert live_names(again) == seed_names(kind) | {"Acme"}
    assert again.db_id == db.db_id
    assert again.get("companies", rid)["_clock"]["name"] == db.get("companies", rid)["_created"]


def test_tinydb_queries_work_on_top(db: Database):
    db.create("companies", {"name": "Acme", "stage": "rejected"})
    db.create("companies", {"name": "Beta", "stage": "watching"})
    q = Query()
    hits = db.table("companies").search(q.stage == "rejected")
    assert [h["name"] for h in hits] == ["Acme"]
    assert all(isinstance(h.doc_id, str) and len(h.doc_id) == 32 for h in hits)


def test_update_stamps_only_real_changes(db: Database):
    rid = db.create("companies", {"name": "Acme", "priority": 3})
    first = db.get("companies", rid)["_clock"]["priority"]
    assert db.update("companies", rid, {"priority": 3}) is False
    assert db.get("companies", rid)["_clock"]["priority"] == first
    assert db.update("companies", rid, {"priority": 5}) is True
    doc = db.get("companies", rid)
    assert doc["priority"] == 5
    assert doc["_clock"]["priority"] > first
    assert doc["_clock"]["name"] == first  # untouched field keeps its stamp


def test_delete_leaves_a_tombstone(db: Database, data_path: Path):
    rid = db.create("companies", {"name": "Acme"})
    db.delete("companies", rid)
    assert "Acme" not in live_names(db)
    db.save()
    doc = decode(data_path.read_bytes(), data_path)["companies"][rid]
    assert doc["_deleted"] and doc["name"] == "Acme"
    assert not record.is_live(doc)


def test_missing_file_is_not_created_by_reading(kind: str, data_path: Path):
    if kind == "disk":
        pytest.skip("about a missing file")
    db = Database(data_path)
    list(db.live("companies"))
    db.refresh()
    assert not data_path.exists()
    assert db.save() is False or data_path.exists()


def test_saving_unchanged_data_does_not_touch_the_file(db: Database, data_path: Path):
    db.create("companies", {"name": "Acme"})
    db.save()
    st = data_path.stat()
    raw = data_path.read_bytes()
    assert db.save() is False
    again = Database(data_path)
    assert again.save() is False
    again.storage.write(again.storage.read())  # marked dirty, same content
    assert again.save() is False
    st2 = data_path.stat()
    assert (st2.st_ino, st2.st_mtime_ns, st2.st_size) == (st.st_ino, st.st_mtime_ns, st.st_size)
    assert data_path.read_bytes() == raw


def test_atomic_save_leaves_no_temp_files(db: Database, data_path: Path):
    for i in range(5):
        db.create("companies", {"name": f"Co {i}"})
        db.save()
    assert leftovers(data_path.parent) == []
    names = {p.name for p in data_path.parent.iterdir()}
    assert names <= {"rebound.json", "rebound.backups"}


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_new_file_is_owner_only(data_path: Path, umask: int):
    old = os.umask(umask)
    try:
        db = Database(data_path)
        db.create("companies", {"name": "Acme"})
        db.save()
    finally:
        os.umask(old)
    assert data_path.stat().st_mode & 0o777 == 0o600


def test_a_file_vanishing_is_written_back(db: Database, data_path: Path):
    db.create("companies", {"name": "Acme"})
    db.save()
    data_path.unlink()
    assert db.refresh() is False
    assert "Acme" in live_names(db)
    db.save()
    assert "Acme" in disk_names(data_path)


# -- injected faults ---------------------------------------------------------------------------


class FaultyOS:
    """`os` for the storage module only, with one call replaced by a failing one."""

    def __init__(self, **faults) -> None:
        self._faults = faults
        self.calls = 0

    def __getattr__(self, name: str):
        if name in self._faults:
            exc = self._faults[name]

            def fail(*args, **kwargs):
                self.calls += 1
                raise exc

            return fail
        return getattr(os, name)


FAULTS = {
    "ENOSPC on write": ("write", OSError(errno.ENOSPC, "No space left on device")),
    "EIO on fsync": ("fsync", OSError(errno.EIO, "Input/output error")),
    "EACCES on replace": ("replace", PermissionError(errno.EACCES, "Permission denied")),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_failed_save_keeps_file_memory_and_retries(
    db: Database, kind: str, data_path: Path, monkeypatch, fault: str
):
    name, exc = FAULTS[fault]
    before = data_path.read_bytes() if data_path.exists() else None
    rid = db.create("companies", {"name": "Unsaved Co"})
    faulty = FaultyOS(**{name: exc})
    monkeypatch.setattr(storage_mod, "os", faulty)
    monkeypatch.setattr(files_mod, "os", faulty)
    with pytest.raises(SaveError) as info:
        db.save()
    assert faulty.calls >= 1
    assert exc.strerror in str(info.value)
    assert str(data_path) in str(info.value)
    # The data file is as it was, no temp file is left, the edit is still in memory.
    if before is None:
        assert not data_path.exists()
    else:
        assert data_path.read_bytes() == before
    assert leftovers(data_path.parent) == []
    assert db.dirty
    assert db.get("companies", rid)["name"] == "Unsaved Co"
    # The next try saves it.
    monkeypatch.setattr(storage_mod, "os", os)
    monkeypatch.setattr(files_mod, "os", os)
    assert db.save() is True
    assert disk_names(data_path) == seed_names(kind) | {"Unsaved Co"}
    assert data_path.stat().st_mode & 0o777 == 0o600
    assert leftovers(data_path.parent) == []


def test_failed_save_through_the_cli_is_exit_1(run_cli, data_path: Path, monkeypatch):
    code, _, _ = run_cli("add", "company", "Acme")
    assert code == 0
    before = data_path.read_bytes()
    full = FaultyOS(write=OSError(errno.ENOSPC, "No space left"))
    monkeypatch.setattr(storage_mod, "os", full)
    monkeypatch.setattr(files_mod, "os", full)
    code, out, err = run_cli("add", "company", "Beta")
    assert code == 1
    assert "No space left" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert data_path.read_bytes() == before
    assert leftovers(data_path.parent) == []


# -- another version delivered by rename (the stock TinyDB failure) ---------------------------


def _deliver(db: Database, data_path: Path, tmp_path: Path, name: str) -> None:
    """Another machine's version arrives: written to a temp file, renamed over ours."""
    other_path = tmp_path / "other" / "rebound.json"
    other_path.parent.mkdir(exist_ok=True)
    # The other machine last synced what is on disk (or, before any save, what we hold).
    base = data_path.read_bytes() if data_path.exists() else encode(db.storage.read())
    other_path.write_bytes(base)
    other = Database(other_path)
    other.create("companies", {"name": name})
    other.save()
    tmp = data_path.parent / ".syncthing.rebound.json.tmp"
    tmp.write_bytes(other_path.read_bytes())
    os.replace(tmp, data_path)


def test_rename_delivery_then_local_edit(db: Database, kind: str, data_path: Path, tmp_path):
    db.save()
    _deliver(db, data_path, tmp_path, "Delivered Co")
    assert db.refresh() is True
    assert "Delivered Co" in live_names(db)
    db.create("companies", {"name": "Local Co"})
    assert db.save() is True
    assert disk_names(data_path) == seed_names(kind) | {"Delivered Co", "Local Co"}


def test_rename_delivery_under_an_unsaved_edit(db: Database, kind: str, data_path, tmp_path):
    db.create("companies", {"name": "Local Co"})
    db.save()
    db.create("companies", {"name": "Unsaved Co"})
    _deliver(db, data_path, tmp_path, "Delivered Co")
    assert db.save() is True  # merges what was delivered before writing
    expected = seed_names(kind) | {"Local Co", "Unsaved Co", "Delivered Co"}
    assert disk_names(data_path) == expected
    assert live_names(db) == expected


def test_delivered_file_of_another_database_is_refused_not_overwritten(
    db: Database, data_path: Path
):
    db.create("companies", {"name": "Mine"})
    db.save()
    foreign = Database(data_path.parent / "foreign.json")
    foreign.create("companies", {"name": "Theirs"})
    foreign.save()
    os.replace(data_path.parent / "foreign.json", data_path)
    raw = data_path.read_bytes()
    db.create("companies", {"name": "Unsaved"})
    with pytest.raises(DataFileError):
        db.save()
    assert data_path.read_bytes() == raw


def test_unsaved_edits_refused_by_a_foreign_file_really_are_in_a_backup(
    db: Database, data_path: Path
):
    db.create("companies", {"name": "Mine"})
    db.save()
    foreign = Database(data_path.parent / "foreign.json")
    foreign.create("companies", {"name": "Theirs"})
    foreign.save()
    os.replace(data_path.parent / "foreign.json", data_path)
    db.create("companies", {"name": "Unsaved edit"})
    with pytest.raises(DataFileError, match="backup"):
        db.save()
    assert any(b"Unsaved edit" in b.path.read_bytes() for b in db.backups.list())


def test_delivered_newer_schema_is_refused_not_overwritten(db: Database, data_path: Path):
    db.create("companies", {"name": "Mine"})
    db.save()
    data = decode(data_path.read_bytes(), data_path)
    data["meta"]["db"]["schema"] = SCHEMA_VERSION + 1
    newer = encode(data)
    data_path.write_bytes(newer)
    db.create("companies", {"name": "Unsaved"})
    with pytest.raises(DataFileError, match="newer"):
        db.save()
    assert data_path.read_bytes() == newer


@pytest.mark.parametrize("broken", [b"", b'{"meta": {"db"', b"\x00" * 64])
def test_broken_file_delivered_mid_session_is_never_overwritten(
    db: Database, data_path: Path, broken: bytes
):
    db.create("companies", {"name": "Mine"})
    db.save()
    data_path.write_bytes(broken)
    db.create("companies", {"name": "Unsaved"})
    with pytest.raises(DataFileError):
        db.save()
    assert data_path.read_bytes() == broken
    assert "Unsaved" in live_names(db)  # still in memory


def test_a_symlinked_data_file_stays_a_link_and_the_target_gets_the_edit(tmp_path: Path):
    synced = tmp_path / "Dropbox" / "rebound.json"
    synced.parent.mkdir()
    first = Database(synced)
    first.create("companies", {"name": "One"})
    first.save()
    link = tmp_path / "local" / "rebound.json"
    link.parent.mkdir()
    link.symlink_to(synced)
    db = Database(link)
    db.create("companies", {"name": "Two"})
    db.save()
    assert link.is_symlink()
    assert disk_names(synced) == {"One", "Two"}


# -- two writers on one file ------------------------------------------------------------------


def test_two_databases_on_one_file_lose_nothing(db: Database, kind: str, data_path: Path):
    db.create("companies", {"name": "Shared", "priority": 3, "location": "Skokie"})
    db.save()
    a = Database(data_path)
    b = Database(data_path)
    (shared,) = [rid for rid, f in a.live("companies") if f["name"] == "Shared"]
    a.create("companies", {"name": "From A"})
    a.update("companies", shared, {"location": "Highland Park"})
    b.create("contacts", {"name": "From B"})
    b.update("companies", shared, {"priority": 5})
    a.save()
    b.save()
    data = decode(data_path.read_bytes(), data_path)
    assert disk_names(data_path) == seed_names(kind) | {"Shared", "From A"}
    assert disk_names(data_path, "contacts") == {"From B"}
    assert data["companies"][shared]["location"] == "Highland Park"
    assert data["companies"][shared]["priority"] == 5
    assert a.refresh() is True
    assert a.get("companies", shared)["priority"] == 5
    assert a.save() is False  # A already holds everything: nothing to write


def test_two_databases_both_starting_without_a_file(data_path: Path):
    a = Database(data_path)
    b = Database(data_path)
    a.create("companies", {"name": "From A"})
    b.create("companies", {"name": "From B"})
    a.save()
    b.save()
    assert disk_names(data_path) == {"From A", "From B"}


def test_another_process_writes_while_we_hold_an_edit(db: Database, kind: str, data_path: Path):
    db.save()
    db.create("companies", {"name": "Parent Co"})  # unsaved
    proc = subprocess.run(
        [PYTHON, "-m", "rebound_tui", "--db", str(data_path), "add", "company", "Child Co"],
        capture_output=True,
        text=True,
        env=python_env(),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    db.save()
    assert disk_names(data_path) == seed_names(kind) | {"Parent Co", "Child Co"}


def test_lock_held_too_long_is_a_save_error_and_the_edit_waits(
    db: Database, kind: str, data_path: Path, monkeypatch
):
    from filelock import FileLock

    db.create("companies", {"name": "First Co"})  # so that the file exists in both kinds
    db.save()
    before = data_path.read_bytes()
    db.create("companies", {"name": "Waiting Co"})
    monkeypatch.setattr(storage_mod, "LOCK_TIMEOUT", 0.05)
    held = FileLock(storage_mod.lock_path_for(data_path))  # another process is saving
    with held, pytest.raises(SaveError, match="lock"):
        db.save()
    assert data_path.read_bytes() == before
    assert db.dirty
    assert db.save() is True
    assert disk_names(data_path) == seed_names(kind) | {"First Co", "Waiting Co"}


def test_lock_lives_outside_the_data_folder(data_path: Path, tmp_path: Path):
    lock = storage_mod.lock_path_for(data_path)
    assert data_path.parent not in lock.parents
    assert Path(os.environ["REBOUND_LOCK_DIR"]) in lock.parents


@pytest.mark.parametrize("chunk", [1 << 20, 3])
def test_same_bytes_compares_the_whole_file(
    db: Database, data_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """What a save without a layout (Windows, coarse times) asks before it would rewrite a
    file with the same bytes: every chunk compared, a short read is a difference."""
    monkeypatch.setattr(storage_mod, "CHUNK", chunk)
    db.create("companies", {"name": "Acme"})
    db.save()
    raw = data_path.read_bytes()
    sig = storage_mod.FileSig.from_stat(data_path.stat())
    storage = db.storage
    assert storage._same_bytes(None, sig, raw) is True
    for at in (0, len(raw) // 2, len(raw) - 1):
        other = raw[:at] + bytes([raw[at] ^ 1]) + raw[at + 1 :]
        assert storage._same_bytes(None, sig, other) is False
    assert storage._same_bytes(None, sig, raw + b" ") is False
    with open(data_path, "r+b") as fh:  # the file shorter than its signature says
        fh.truncate(len(raw) - 1)
    assert storage._same_bytes(None, sig, raw) is False


# -- change detection ------------------------------------------------------------------------


def test_same_size_same_mtime_rewrite_is_noticed(db: Database, data_path: Path):
    rid = db.create("companies", {"name": "Acme", "priority": 3})
    db.save()
    other = Database(data_path)
    other.update("companies", rid, {"priority": 4})
    new = encode(other.storage.read())
    old = data_path.read_bytes()
    assert len(new) == len(old) and new != old
    st = data_path.stat()
    with open(data_path, "r+b") as fh:  # in place: same inode
        fh.write(new)
        fh.truncate()
    os.utime(data_path, ns=(st.st_atime_ns, st.st_mtime_ns))
    st2 = data_path.stat()
    assert (st2.st_ino, st2.st_size, st2.st_mtime_ns) == (st.st_ino, st.st_size, st.st_mtime_ns)
    assert db.refresh() is True
    assert db.get("companies", rid)["priority"] == 4


def test_refresh_without_change_is_false(db: Database, data_path: Path):
    db.create("companies", {"name": "Acme"})
    db.save()
    gen = db.generation
    assert db.refresh() is False
    assert db.generation == gen


# -- the file format's byte-level promises -------------------------------------------------------


def _rich_file(path: Path) -> Database:
    db = Database(path)
    c = db.create("companies", {"name": "Acme", "priority": 4, "stage": "rejected"})
    db.create("contacts", {"name": "Darlène", "company_id": c, "title": "Comptroller"})
    db.create("interactions", {"kind": "interview", "day": "2026-11-01", "company_id": c})
    f = db.create("followups", {"title": "Thank", "due": "2026-11-27", "company_id": c})
    db.delete("followups", f)
    db.save()
    return db


def test_load_then_save_gives_identical_bytes(data_path: Path):
    _rich_file(data_path)
    raw = data_path.read_bytes()
    assert encode(decode(raw, data_path)) == raw
    db = Database(data_path)
    db.storage.write(db.storage.read())
    db.save()
    assert data_path.read_bytes() == raw
    assert raw.endswith(b"}\n") and b'\n  "companies": {\n' in raw  # sorted, 2-space indent
    keys = list(json.loads(raw))
    assert keys == sorted(keys)


def test_one_field_edit_is_a_small_diff(data_path: Path):
    db = _rich_file(data_path)
    before = data_path.read_text().splitlines()
    (acme,) = [rid for rid, f in db.live("companies")]
    db.update("companies", acme, {"priority": 2})
    db.save()
    after = data_path.read_text().splitlines()
    changed = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert len(changed) == 4, changed  # the value and its stamp, old and new
    assert any('"priority": 2' in line for line in changed)


def test_newer_schema_is_refused_at_open(data_path: Path):
    doc = {"meta": {"db": {"format": FORMAT_NAME, "schema": SCHEMA_VERSION + 1, "db_id": "x"}}}
    raw = json.dumps(doc).encode()
    data_path.write_bytes(raw)
    with pytest.raises(DataFileError, match="newer") as info:
        Database(data_path)
    assert str(data_path) in str(info.value)
    assert data_path.read_bytes() == raw


@pytest.mark.parametrize(
    "content",
    [b'{"_default": {}}', b'{"meta": {"db": {"format": "other"}}}', b'"rebound"'],
)
def test_not_a_rebound_file_is_refused_at_open(data_path: Path, content: bytes):
    data_path.write_bytes(content)
    with pytest.raises(DataFileError, match="not a rebound data file"):
        Database(data_path)
    assert data_path.read_bytes() == content


def test_first_save_of_a_session_backs_up_the_previous_version(data_path: Path):
    db = Database(data_path)
    db.create("companies", {"name": "One"})
    db.save()
    first = data_path.read_bytes()
    again = Database(data_path)
    again.create("companies", {"name": "Two"})
    again.save()
    backups = again.backups.list()
    assert backups and backups[0].path.read_bytes() == first
    assert backups[0].path.stat().st_mode & 0o777 == 0o600


def test_storage_never_keeps_the_file_open(data_path: Path):
    db = Database(data_path)
    db.create("companies", {"name": "One"})
    db.save()
    Database(data_path).live("companies")
    fds = Path("/proc/self/fd")
    if not fds.exists():
        pytest.skip("needs /proc")
    held = [os.readlink(fd) for fd in fds.iterdir() if _readable_link(fd)]
    assert str(data_path) not in held


def _readable_link(fd: Path) -> bool:
    try:
        os.readlink(fd)
    except OSError:
        return False
    return True


def test_syncstorage_is_a_tinydb_storage(data_path: Path):
    from tinydb.storages import Storage

    assert issubclass(SyncStorage, Storage)


def test_a_new_database_nobody_changed_is_not_written(tmp_path: Path):
    db = Database(tmp_path / "new.json")
    assert db.save() is False
    assert not (tmp_path / "new.json").exists()
    db.create("companies", {"name": "Acme"})
    assert db.save() is True
    assert (tmp_path / "new.json").exists()


# -- incremental saves (layout.py) ------------------------------------------------------------
def _many(db: Database, n: int = 150) -> list[str]:
    return [db.create("contacts", {"name": f"Person {i}", "title": "Engineer"}) for i in range(n)]


def test_a_save_after_ours_encodes_only_what_changed(data_path: Path, monkeypatch):
    db = Database(data_path)
    ids = _many(db)
    assert db.save() is True  # a full encode: the layout of the file we wrote is kept
    db.update("contacts", ids[70], {"title": "Recruiter"})
    db.create("contacts", {"name": "Newcomer"})

    def no_full_encode(data):
        raise AssertionError("the save encoded the whole file again")

    monkeypatch.setattr(storage_mod, "encode", no_full_encode)
    assert db.save() is True
    monkeypatch.undo()
    raw = data_path.read_bytes()
    assert raw == encode(db.storage.read())  # byte for byte the deterministic encoding
    assert decode(raw, data_path)["contacts"][ids[70]]["title"] == "Recruiter"


def test_the_storage_keeps_no_copy_of_the_file(data_path: Path):
    db = Database(data_path)
    _many(db)
    db.save()
    reopened = Database(data_path)
    reopened.update("contacts", next(iter(reopened.raw("contacts"))), {"title": "CTO"})
    reopened.save()
    size = data_path.stat().st_size
    for holder in (db.storage, reopened.storage):
        kept = [k for k, v in vars(holder).items() if isinstance(v, bytes) and len(v) > size / 2]
        assert kept == []


def test_a_delivery_during_the_write_is_merged_not_overwritten(
    data_path: Path, tmp_path: Path, monkeypatch
):
    db = Database(data_path)
    _many(db, 80)
    db.save()
    db.create("companies", {"name": "Local Co"})
    real = storage_mod.write_pieces
    calls = {"n": 0}

    def deliver_first(path, pieces, mode=storage_mod.FILE_MODE, **kw):
        if Path(path).resolve() != data_path.resolve():
            return real(path, pieces, mode, **kw)  # the other machine's own save
        calls["n"] += 1
        if calls["n"] == 1:  # a sync tool renames its version in while we write ours
            _deliver(db, data_path, tmp_path, "Delivered Co")
        return real(path, pieces, mode, **kw)

    monkeypatch.setattr(storage_mod, "write_pieces", deliver_first)
    assert db.save() is True
    assert calls["n"] == 2  # the first write was abandoned, the delivery merged, then written
    assert disk_names(data_path) == {"Local Co", "Delivered Co"}
    assert leftovers(data_path.parent) == []


def test_a_file_that_keeps_changing_is_a_save_error_and_the_edit_waits(
    data_path: Path, tmp_path: Path, monkeypatch
):
    db = Database(data_path)
    db.create("companies", {"name": "Local Co"})
    db.save()
    db.create("companies", {"name": "Second"})
    real = storage_mod.write_pieces

    def always_deliver(path, pieces, mode=storage_mod.FILE_MODE, **kw):
        if Path(path).resolve() == data_path.resolve():
            _deliver(db, data_path, tmp_path, f"Delivered {time.monotonic_ns()}")
        return real(path, pieces, mode, **kw)

    monkeypatch.setattr(storage_mod, "write_pieces", always_deliver)
    with pytest.raises(SaveError, match="kept changing"):
        db.save()
    assert db.storage.dirty
    assert "Second" in live_names(db) and "Second" not in disk_names(data_path)
    monkeypatch.undo()
    assert db.save() is True
    assert "Second" in disk_names(data_path)


def test_a_changed_mode_only_is_read_and_causes_no_rewrite(data_path: Path):
    db = Database(data_path)
    _many(db, 70)
    db.save()
    os.chmod(data_path, 0o640)  # ctime moves, the bytes do not
    st = data_path.stat()
    assert db.refresh() is False
    assert db.save() is False
    st2 = data_path.stat()
    assert (st2.st_ino, st2.st_mtime_ns) == (st.st_ino, st.st_mtime_ns)
    db.update("contacts", next(iter(db.raw("contacts"))), {"title": "CTO"})
    assert db.save() is True
    assert data_path.read_bytes() == encode(db.storage.read())
    assert data_path.stat().st_mode & 0o777 == 0o640


def test_whole_second_filesystems_compare_recent_files_by_content(data_path: Path, monkeypatch):
    monkeypatch.setattr(storage_mod.FileSig, "coarse", property(lambda self: True))
    db = Database(data_path)
    rid = db.create("companies", {"name": "Acme", "priority": 3})
    db.save()
    assert db.storage._layout is None  # no incremental saves where a rewrite may not show
    other = Database(data_path)
    other.update("companies", rid, {"priority": 4})
    other.save()
    assert db.refresh() is True
    assert db.get("companies", rid)["priority"] == 4
    db.update("companies", rid, {"priority": 5})
    assert db.save() is True
    assert decode(data_path.read_bytes(), data_path)["companies"][rid]["priority"] == 5
    assert db.save() is False


def test_a_file_we_did_not_write_this_session_is_saved_incrementally_too(
    data_path: Path, monkeypatch
):
    seed = Database(data_path)
    ids = _many(seed)
    seed.save()
    db = Database(data_path)  # a new session: the layout comes from the file as read
    db.update("contacts", ids[3], {"title": "Founder"})
    monkeypatch.setattr(storage_mod, "encode", lambda data: pytest.fail("a full encode"))
    assert db.save() is True
    monkeypatch.undo()
    assert data_path.read_bytes() == encode(db.storage.read())


def test_a_file_not_laid_out_as_we_write_is_encoded_whole(data_path: Path):
    seed = Database(data_path)
    ids = _many(seed, 70)
    seed.save()
    data = json.loads(data_path.read_bytes())
    data["contacts"] = dict(reversed(data["contacts"].items()))  # same records, other order
    odd = json.dumps(data, indent=2).encode()
    data_path.write_bytes(odd)
    db = Database(data_path)
    assert db.storage._layout is None
    db.update("contacts", ids[0], {"title": "CFO"})
    assert db.save() is True
    assert data_path.read_bytes() == encode(db.storage.read())  # canonical again


def test_after_a_delivery_the_save_copies_the_delivered_records(
    db: Database, kind: str, data_path: Path, tmp_path: Path, monkeypatch
):
    _many(db, 70)
    db.save()
    _deliver(db, data_path, tmp_path, "Delivered Co")
    db.create("companies", {"name": "Local Co"})
    monkeypatch.setattr(storage_mod, "encode", lambda data: pytest.fail("a full encode"))
    assert db.save() is True
    monkeypatch.undo()
    assert data_path.read_bytes() == encode(db.storage.read())
    assert {"Delivered Co", "Local Co"} <= disk_names(data_path)


@pytest.mark.parametrize("merging", ["refresh", "save"])
def test_parsing_a_delivered_version_leaves_memory_free_for_edits(
    db: Database, data_path: Path, tmp_path: Path, monkeypatch, merging: str
):
    db.save()
    _deliver(db, data_path, tmp_path, "Delivered Co")
    parsing, go_on = threading.Event(), threading.Event()
    real = storage_mod.decode

    def slow_decode(raw, path, **kw):
        parsing.set()
        go_on.wait(10)
        return real(raw, path, **kw)

    monkeypatch.setattr(storage_mod, "decode", slow_decode)
    worker = threading.Thread(target=getattr(db, merging))  # the disk poll, or a save
    worker.start()
    try:
        assert parsing.wait(10)
        assert db.storage.lock.acquire(timeout=2)  # the parse does not hold the memory lock
        try:
            db.create("companies", {"name": "Edited meanwhile"})
        finally:
            db.storage.lock.release()
    finally:
        go_on.set()
        worker.join(10)
    assert {"Delivered Co", "Edited meanwhile"} <= live_names(db)
    db.save()
    assert {"Delivered Co", "Edited meanwhile"} <= disk_names(data_path)


def test_the_service_names_the_file_as_it_saved_it_not_a_later_one(tmp_path: Path):
    from rebound_tui.service import Service

    path = tmp_path / "rebound.json"
    svc = Service.open(path)
    assert svc.disk_state() is None  # no file yet
    svc.add_company("Acme")
    assert svc.disk_state() is None  # unsaved
    svc.save()
    st = path.stat()
    saved = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    assert svc.disk_state() == saved
    other = tmp_path / "incoming.json"
    other.write_bytes(path.read_bytes() + b"\n")
    os.replace(other, path)  # a sync tool's version, not read yet
    now = path.stat()
    assert svc.disk_state() == saved
    assert (now.st_ino, now.st_size) != saved[1:3]


# -- from the review of incremental saves -----------------------------------------------------
def test_a_hand_edited_file_is_encoded_whole_and_stays_valid(data_path: Path):
    seed = Database(data_path)
    ids = sorted(_many(seed, 80))
    seed.save()
    raw = data_path.read_bytes()
    at = raw.index(b'},\n    "', raw.index(b'"contacts"'))
    data_path.write_bytes(raw[: at + 2] + b" " + raw[at + 2 :])  # one stray space: still JSON
    db = Database(data_path)
    assert db.storage._layout is None  # not our exact bytes: no record boundaries trusted
    db.update("contacts", ids[1], {"title": "changed"})
    db.save()
    assert data_path.read_bytes() == encode(db.storage.read())


def test_saves_without_pread_or_an_open_source_as_on_windows(data_path: Path, monkeypatch):
    seed = Database(data_path)
    _many(seed, 70)
    seed.save()
    monkeypatch.setattr(storage_mod.SyncStorage, "_open_source", lambda self: None)
    monkeypatch.delattr(os, "pread")
    monkeypatch.delattr(os, "copy_file_range", raising=False)
    db = Database(data_path)  # a new session: its first save backs up the replaced version
    db.create("contacts", {"name": "On Windows"})
    assert db.save() is True
    assert "On Windows" in disk_names(data_path, "contacts")
    assert len(db.backups.list()) == 1
    st = data_path.stat()
    db.storage.write(db.storage.read())  # dirty, same bytes: no rewrite, even without a source
    assert db.save() is False
    assert data_path.stat().st_ino == st.st_ino


def test_a_delivered_version_missing_our_saved_edit_gets_it_back(data_path: Path, tmp_path):
    a = Database(data_path)
    a.create("contacts", {"name": "Zero"})
    a.save()
    b_path = tmp_path / "b" / "rebound.json"
    b_path.parent.mkdir()
    b_path.write_bytes(data_path.read_bytes())  # machine B synced this version
    a.create("contacts", {"name": "Saved on A"})
    a.save()
    b = Database(b_path)
    b.create("contacts", {"name": "Saved on B"})
    b.save()
    os.replace(b_path, data_path)  # B's version lands over ours, without A's last save
    assert a.refresh() is True
    assert a.storage.dirty  # memory holds what the file lacks: it must be written back
    assert a.save() is True
    assert {"Saved on A", "Saved on B"} <= disk_names(data_path, "contacts")
