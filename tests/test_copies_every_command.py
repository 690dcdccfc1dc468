"""Conflict copies never pile up: every command that writes merges them (and archives them), every
command that only reads shows the merged view and writes nothing (issue 12, section 1). Plus the
file-system edges of issue 11, section 5: a symlinked data file, a read-only data file, the lock
folder's mode.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from rebound_test_helpers import assert_one_line_error, snapshot

from rebound_tui.service import Service
from rebound_tui.store.backups import Backups
from rebound_tui.store.storage import lock_path_for

COPY = "rebound.sync-conflict-20261127-101500-ABCDEF2.json"


def _other_machine(data_path: Path, tmp_path: Path, edit) -> bytes:
    """The bytes of a version of the file edited elsewhere (another folder, another process)."""
    other = tmp_path / "other" / "rebound.json"
    other.parent.mkdir(exist_ok=True)
    shutil.copy2(data_path, other)
    service = Service.open(other)
    edit(service)
    service.save()
    return other.read_bytes()


@pytest.fixture
def with_copy(run_cli, data_path: Path, tmp_path: Path) -> dict[str, str]:
    """A file with Acme; beside it a conflict copy in which the other machine added Beta and a
    follow-up 'Call Beta', and changed Acme's location."""
    assert run_cli("add", "company", "Acme", "--location", "Glenview")[0] == 0
    ids: dict[str, str] = {}

    def edit(s: Service) -> None:
        ids["beta"] = s.add_company("Beta").id
        ids["call"] = s.add_follow_up("Call Beta", due="2026-11-20", company="Beta").id
        s.edit_company("Acme", location="Highland Park")

    (data_path.parent / COPY).write_bytes(_other_machine(data_path, tmp_path, edit))
    return ids


def _names(data_path: Path) -> set[str]:
    return {c.name for c in Service.open(data_path).companies()}


@pytest.mark.parametrize(
    "command",
    [
        ("add", "company", "Gamma"),
        ("edit", "company", "Acme", "--priority", "5"),
        ("log", "email", "--company", "Acme"),
        ("follow-up", "Write to Acme", "--on", "tomorrow", "--company", "Acme"),
        ("delete", "company", "Acme"),
        ("reject", "Acme"),
        ("sync",),
    ],
    ids=lambda c: c[0],
)
def test_every_writing_command_merges_the_copies_and_archives_them(
    run_cli, data_path: Path, with_copy, command: tuple[str, ...]
):
    code, _out, err = run_cli(*command)
    assert code == 0, err
    assert not (data_path.parent / COPY).exists()  # archived...
    archived = Backups(data_path).conflicts_dir / COPY
    assert archived.is_file()  # ...to this machine's backup folder, never deleted
    assert sorted(p.name for p in data_path.parent.iterdir()) == ["rebound.json"]
    s = Service.open(data_path)
    assert "Beta" in {c.name for c in s.companies()}
    assert s.follow_up(with_copy["call"]) is not None


def test_a_record_only_a_copy_holds_can_be_named(run_cli, data_path: Path, with_copy):
    code, out, err = run_cli("done", with_copy["call"][:6])
    assert code == 0, err
    assert "Call Beta" in out
    s = Service.open(data_path)
    assert s.follow_up(with_copy["call"]).status == "done"
    code, _, err = run_cli("edit", "company", "Beta", "--priority", "4")
    assert code == 0, err
    assert not (data_path.parent / COPY).exists()


@pytest.mark.parametrize(
    "command",
    [
        ("list", "companies", "--json"),
        ("list", "follow-ups", "--json"),
        ("due", "--json"),
        ("due", "--count"),
        ("backups",),
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_reading_commands_show_the_merged_view_and_write_nothing(
    run_cli, data_path: Path, with_copy, command: tuple[str, ...]
):
    copy = data_path.parent / COPY
    before, copy_before = snapshot(data_path), snapshot(copy)
    code, out, err = run_cli(*command)
    assert code == 0, err
    assert snapshot(data_path) == before and snapshot(copy) == copy_before
    if command[:2] == ("list", "companies"):
        by_name = {c["name"]: c for c in json.loads(out)}
        assert set(by_name) == {"Acme", "Beta"}
        assert by_name["Acme"]["location"] == "Highland Park"
    elif command[:2] == ("list", "follow-ups"):
        assert [f["title"] for f in json.loads(out)] == ["Call Beta"]
    elif command == ("due", "--json"):
        assert [d["title"] for d in json.loads(out)] == ["Call Beta"]
    elif command == ("due", "--count"):
        assert out.strip() == "1"


def test_copies_never_pile_up_over_many_rounds(run_cli, data_path: Path, tmp_path: Path):
    """Each round the other machine's version lands as a new conflict copy; the next command here
    (no `sync`) merges it. After 30 rounds nothing is lost and no copy is waiting."""
    assert run_cli("add", "company", "Start")[0] == 0
    for n in range(30):
        name = f"rebound.sync-conflict-202611{(n % 28) + 1:02d}-10{n:04d}-ABCDEF2.json"
        (data_path.parent / name).write_bytes(
            _other_machine(data_path, tmp_path, lambda s, n=n: s.add_company(f"There {n}"))
        )
        assert run_cli("add", "company", f"Here {n}")[0] == 0
        assert sorted(p.name for p in data_path.parent.iterdir()) == ["rebound.json"]
    names = _names(data_path)
    assert {f"There {n}" for n in range(30)} | {f"Here {n}" for n in range(30)} <= names
    assert len(list(Backups(data_path).conflicts_dir.iterdir())) == 30


def test_a_copy_that_cannot_be_read_is_left_alone_and_named(run_cli, data_path: Path):
    assert run_cli("add", "company", "Acme")[0] == 0
    bad = data_path.parent / COPY
    bad.write_bytes(b'{"truncated": ')
    code, _, err = run_cli("add", "company", "Beta")
    assert code == 0
    assert bad.read_bytes() == b'{"truncated": '  # left where it is
    assert f"note: left {COPY} alone" in err and "Traceback" not in err
    code, out, _ = run_cli("list", "companies")
    assert code == 0 and "Beta" in out
    code, out, _ = run_cli("sync")
    assert code == 0 and f"left {COPY} alone" in out


def test_a_copy_of_another_database_is_never_merged(run_cli, data_path: Path, tmp_path: Path):
    assert run_cli("add", "company", "Acme")[0] == 0
    other = Service.open(tmp_path / "foreign.json")
    other.add_company("Somebody else's")
    other.save()
    copy = data_path.parent / COPY
    shutil.copy2(tmp_path / "foreign.json", copy)
    code, out, err = run_cli("list", "companies")
    assert code == 0 and "Somebody" not in out
    assert "different rebound database" in err
    assert run_cli("add", "company", "Beta")[0] == 0
    assert copy.exists() and "Somebody else's" not in _names(data_path)


# -- issue 11, section 5 ---------------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_copies_are_looked_for_beside_the_symlinks_target(run_cli, tmp_path: Path, monkeypatch):
    synced = tmp_path / "Sync"
    synced.mkdir()
    real = synced / "rebound.json"
    link = tmp_path / "home" / "rebound.json"
    link.parent.mkdir()
    monkeypatch.setenv("REBOUND_DB", str(link))
    s = Service.open(real)
    s.add_company("Acme")
    s.save()
    link.symlink_to(real)
    copy = _other_machine(real, tmp_path, lambda s: s.add_company("From the copy"))
    (synced / COPY).write_bytes(copy)

    code, out, err = run_cli("list", "companies")
    assert code == 0 and "From the copy" in out, err
    assert run_cli("add", "company", "Beta")[0] == 0
    assert link.is_symlink()  # still a link; the target was written
    assert not (synced / COPY).exists()
    assert {"Acme", "Beta", "From the copy"} <= _names(real)


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
@pytest.mark.parametrize("mode", [0o400, 0o444, 0o500])
def test_a_read_only_data_file_is_refused_and_left_as_it_is(run_cli, data_path: Path, mode: int):
    assert run_cli("add", "company", "Acme")[0] == 0
    os.chmod(data_path, mode)
    before = snapshot(data_path)
    code, _, err = run_cli("add", "company", "Beta")
    assert code == 1
    assert_one_line_error(err, "read-only", "not changed", "chmod u+w")
    assert snapshot(data_path) == before
    assert stat.S_IMODE(data_path.stat().st_mode) == mode
    code, out, _ = run_cli("list", "companies")  # reading still works
    assert code == 0 and "Acme" in out and "Beta" not in out
    os.chmod(data_path, 0o600)
    assert run_cli("add", "company", "Beta")[0] == 0


def test_a_read_only_file_keeps_its_conflict_copies(run_cli, data_path: Path, with_copy):
    os.chmod(data_path, 0o400)
    code, _, err = run_cli("add", "company", "Gamma")
    assert code == 1 and "read-only" in err
    assert (data_path.parent / COPY).exists()  # not archived: nothing was written


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_the_lock_folder_is_0700_whatever_the_umask(tmp_path: Path, monkeypatch, umask: int):
    monkeypatch.setenv("REBOUND_LOCK_DIR", str(tmp_path / "cache"))
    old = os.umask(umask)
    try:
        lock = lock_path_for(tmp_path / "rebound.json")
        s = Service.open(tmp_path / "rebound.json")
        s.add_company("Acme")
        s.save()
    finally:
        os.umask(old)
    assert stat.S_IMODE(lock.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(lock.stat().st_mode) & 0o077 == 0


def test_a_lock_folder_left_loose_by_an_older_version_is_tightened(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("REBOUND_LOCK_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "locks"
    folder.mkdir(parents=True)
    os.chmod(folder, 0o777)
    lock_path_for(tmp_path / "rebound.json")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    "name",
    [
        ".syncthing.rebound.json.tmp",
        "~syncthing~rebound.json.tmp",
        ".syncthing.rebound.sync-conflict-20261127-101500-ABCDEF2.json.tmp",
        ".unison.rebound.json.8b1a3f0c.unison.tmp",
        ".unison.rebound (conflict_on_2026-12-05).json.8b1a3f0c.unison.tmp",
        ".bak.0.rebound.json",
    ],
)
def test_sync_tools_temp_files_are_never_data_or_copies(
    run_cli, data_path: Path, tmp_path: Path, name: str
):
    """A sync tool's file in flight holds a whole other version: it is neither merged nor moved."""
    assert run_cli("add", "company", "Acme")[0] == 0
    temp = data_path.parent / name
    temp.write_bytes(_other_machine(data_path, tmp_path, lambda s: s.add_company("In flight")))
    before = snapshot(temp)
    for command in (("list", "companies"), ("add", "company", "Beta"), ("sync",)):
        code, out, err = run_cli(*command)
        assert code == 0, err
        assert "In flight" not in out and name not in out + err
    assert snapshot(temp) == before
    assert "In flight" not in _names(data_path)
    assert not Backups(data_path).conflicts_dir.exists()


def test_backups_and_restore_read_an_older_versions_folder_and_never_write_it(
    run_cli, data_path: Path
):
    assert run_cli("add", "company", "Acme")[0] == 0
    legacy = data_path.parent / "rebound.backups"
    legacy.mkdir()
    old = legacy / "rebound-20261101T101500000Z.json"
    old.write_bytes(data_path.read_bytes())  # an older version's backup: only Acme
    assert run_cli("add", "company", "Beta")[0] == 0
    before = {p.name: p.read_bytes() for p in legacy.iterdir()}

    code, out, err = run_cli("backups")
    assert code == 0, err
    assert f"backups in {Backups(data_path).dir}" in out
    assert f"in {legacy}, left by an older version" in out
    assert f"{old.name}" in out and out.rstrip().endswith("*")  # the oldest, marked

    code, out, err = run_cli("restore", old.name)
    assert code == 0, err
    assert _names(data_path) == {"Acme"}
    assert {p.name: p.read_bytes() for p in legacy.iterdir()} == before  # never written
    assert sorted(p.name for p in data_path.parent.iterdir()) == ["rebound.backups", "rebound.json"]
    # The state before the restore went to this machine's folder.
    assert any(b"Beta" in b.path.read_bytes() for b in Backups(data_path).own())


@pytest.mark.parametrize("where", ["option", "env"])
def test_backups_go_where_the_option_or_the_env_var_says(
    run_cli, data_path: Path, tmp_path: Path, monkeypatch, where: str
):
    chosen = tmp_path / "my backups"
    assert run_cli("add", "company", "Acme")[0] == 0
    if where == "env":
        monkeypatch.setenv("REBOUND_BACKUPS", str(chosen))
        code, _, err = run_cli("add", "company", "Beta")
    else:
        code, _, err = run_cli("add", "company", "Beta", "--backups", str(chosen))
    assert code == 0, err
    [folder] = chosen.iterdir()  # one folder for this data file
    assert folder.name.startswith("rebound-")
    [backup] = folder.glob("rebound-*.json")
    assert b"Acme" in backup.read_bytes() and b"Beta" not in backup.read_bytes()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert sorted(p.name for p in data_path.parent.iterdir()) == ["rebound.json"]
    code, out, _ = run_cli("backups", "--backups", str(chosen))
    assert code == 0 and backup.name in out and str(folder) in out


def test_an_empty_backups_option_is_refused(run_cli, data_path: Path):
    code, _, err = run_cli("add", "company", "Acme", "--backups", " ")
    assert code == 2
    assert_one_line_error(err, "--backups")
    assert not data_path.exists()


def test_a_copy_rewritten_after_it_was_read_is_not_moved(run_cli, data_path: Path, with_copy):
    """The sync tool rewrote the copy between our read and the archive: it stays, to be merged
    at the next save, so what it holds now is never moved away unmerged."""
    from rebound_tui.store.database import Database

    db = Database(data_path)
    accepted = db.copies.read(db.db_id)
    assert [a.copy.path.name for a in accepted] == [COPY]
    copy = data_path.parent / COPY
    copy.write_bytes(copy.read_bytes() + b"\n")  # rewritten meanwhile
    db.copies.merged(accepted, changed=True)
    assert copy.exists() and not Backups(data_path).conflicts_dir.exists()
    db.save()  # the next save reads it again, merges and moves it
    assert not copy.exists()
