"""Backups of the data file: naming, skip-identical, retention, lookup, conflict archive."""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rebound_tui.store import backups as backups_mod
from rebound_tui.store.backups import (
    KEEP_DAYS,
    KEEP_NEWEST,
    Backup,
    Backups,
    backup_dir,
    legacy_backup_dir,
)

T0 = datetime(2026, 11, 27, 10, 15, 0, 123456, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.t = start

    def __call__(self) -> datetime:
        return self.t


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "rebound.json"
    path.write_bytes(b"{}")
    return path


def test_backup_dir_is_one_folder_per_data_file_under_the_root(tmp_path: Path) -> None:
    root = tmp_path / "state"
    one = backup_dir(Path("/x/rebound.json"), root)
    assert one.parent == root and re.fullmatch(r"rebound-[0-9a-f]{12}", one.name)
    assert backup_dir(Path("/x/rebound.json"), root) == one  # stable
    assert backup_dir(Path("/y/rebound.json"), root) != one  # another file, another folder
    assert backup_dir(Path("/x/my.data.json"), root).name.startswith("my.data-")
    assert legacy_backup_dir(Path("/x/rebound.json")) == Path("/x/rebound.backups")


def test_backups_root_is_the_env_var_else_the_user_state_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from platformdirs import user_state_dir

    monkeypatch.setenv("REBOUND_BACKUPS", str(tmp_path / "mine"))
    assert backups_mod.backups_root() == tmp_path / "mine"
    monkeypatch.delenv("REBOUND_BACKUPS")
    expected = Path(user_state_dir("rebound-tui", appauthor=False)) / "backups"
    assert backups_mod.backups_root() == expected
    assert backup_dir(Path("/x/rebound.json")).parent == expected


def test_a_symlinked_data_file_has_the_backup_folder_of_its_target(tmp_path: Path) -> None:
    real = tmp_path / "synced" / "rebound.json"
    real.parent.mkdir()
    real.write_bytes(b"{}")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert backup_dir(link) == backup_dir(real)


def test_save_names_the_backup_after_the_utc_instant_to_the_ms(data: Path) -> None:
    paris = timezone(timedelta(hours=1))
    clock = Clock(datetime(2026, 11, 27, 11, 15, 0, 123999, tzinfo=paris))
    backup = Backups(data, now=clock).save(b'{"a": 1}')
    assert backup is not None
    assert backup.path == backup_dir(data) / "rebound-20261127T101500123Z.json"
    assert not (data.parent / "rebound.backups").exists()  # nothing beside the data file
    assert backup.taken == datetime(2026, 11, 27, 10, 15, 0, 123000, tzinfo=UTC)
    assert backup.size == 8
    assert backup.path.read_bytes() == b'{"a": 1}'
    assert Backups(data).list() == [backup]


def test_save_refuses_a_naive_clock(data: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Backups(data, now=lambda: datetime(2026, 1, 1)).save(b"x")


def test_save_skips_bytes_identical_to_the_newest_backup(data: Path) -> None:
    clock = Clock()
    backups = Backups(data, now=clock)
    first = backups.save(b"one")
    clock.t += timedelta(minutes=1)
    assert backups.save(b"one") is None
    clock.t += timedelta(minutes=1)
    second = backups.save(b"two")
    clock.t += timedelta(minutes=1)
    third = backups.save(b"one")  # equal to an older backup only: still saved
    assert first and second and third
    assert [b.path for b in backups.list()] == [third.path, second.path, first.path]
    # same size, different bytes is not identical
    clock.t += timedelta(minutes=1)
    assert backups.save(b"two") is not None


def test_two_backups_in_the_same_millisecond_do_not_overwrite(data: Path) -> None:
    backups = Backups(data, now=Clock())
    a, b, c = backups.save(b"a"), backups.save(b"b"), backups.save(b"c")
    assert a and b and c
    assert [x.path.name for x in (a, b, c)] == [
        "rebound-20261127T101500123Z.json",
        "rebound-20261127T101500124Z.json",
        "rebound-20261127T101500125Z.json",
    ]
    assert [x.path.read_bytes() for x in backups.list()] == [b"c", b"b", b"a"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077, 0o277])
def test_backup_folder_is_0700_and_files_are_0600(data: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        backups = Backups(data, now=Clock())
        backup = backups.save(b"secret")
        conflict = data.parent / "rebound (1).json"
        conflict.write_bytes(b"c")
        archived = backups.archive_conflict(conflict)
    finally:
        os.umask(old)
    assert backup is not None
    assert _mode(backups.dir) == 0o700
    assert _mode(backup.path) == 0o600
    assert _mode(backups.dir / "conflicts") == 0o700
    assert archived.parent == backups.dir / "conflicts"


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_an_existing_backup_folder_keeps_the_users_mode(data: Path) -> None:
    folder = backup_dir(data)
    folder.mkdir()
    os.chmod(folder, 0o750)
    Backups(data, now=Clock()).save(b"x")
    assert _mode(folder) == 0o750


def test_save_leaves_no_temp_files_and_cleans_up_on_failure(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    backups = Backups(data, now=clock)
    backups.save(b"ok")
    assert sorted(p.name for p in backups.dir.iterdir()) == ["rebound-20261127T101500123Z.json"]

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "disk on fire")

    monkeypatch.setattr(backups_mod.os, "replace", broken_replace)
    clock.t += timedelta(seconds=1)
    with pytest.raises(OSError, match="disk on fire"):
        backups.save(b"new")
    assert sorted(p.name for p in backups.dir.iterdir()) == ["rebound-20261127T101500123Z.json"]


def test_list_ignores_files_that_are_not_backups(data: Path) -> None:
    backups = Backups(data, now=Clock())
    real = backups.save(b"x")
    for name in [
        "notes.txt",
        "rebound-2026.json",
        "rebound-20261327T101500123Z.json",  # month 13
        "rebound-20261127T101500123Z.json.bak",
        "rebound-20261127T101500123.json",
        ".rebound-20261127T101500124Z.json.tmp-1234",
        "other-20261127T101500123Z.json",
        "rebound-20261127T101500123Z.txt",
    ]:
        (backups.dir / name).write_bytes(b"junk")
    (backups.dir / "rebound-20261128T101500123Z.json").mkdir()
    (backups.dir / "conflicts").mkdir()
    assert backups.list() == [real]


def test_list_without_a_folder_is_empty(data: Path) -> None:
    backups = Backups(data)
    assert backups.list() == []
    assert backups.newest() is None
    assert backups.prune() == []
    assert not backups.dir.exists()


# -- retention -------------------------------------------------------------------------


def test_thirty_saves_over_ten_days(data: Path) -> None:
    clock = Clock()
    backups = Backups(data, now=clock)
    first_day = datetime(2026, 11, 18, tzinfo=UTC)
    for day in range(10):  # 18..27 November
        for hour in (9, 13, 18):
            clock.t = first_day + timedelta(days=day, hours=hour)
            assert backups.save(f"{day}-{hour}".encode()) is not None
            assert len(backups.list()) <= KEEP_NEWEST + KEEP_DAYS

    names = [b.path.name for b in backups.list()]
    assert names == [
        # the newest ten
        "rebound-20261127T180000000Z.json",
        "rebound-20261127T130000000Z.json",
        "rebound-20261127T090000000Z.json",
        "rebound-20261126T180000000Z.json",
        "rebound-20261126T130000000Z.json",
        "rebound-20261126T090000000Z.json",
        "rebound-20261125T180000000Z.json",
        "rebound-20261125T130000000Z.json",
        "rebound-20261125T090000000Z.json",
        "rebound-20261124T180000000Z.json",
        # the newest of each older day in the last seven (21..27 November)
        "rebound-20261123T180000000Z.json",
        "rebound-20261122T180000000Z.json",
        "rebound-20261121T180000000Z.json",
    ]

    # Time passes without saves: the daily ones age out, the newest ten stay.
    clock.t = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)  # window is now 23..29
    assert [p.name for p in backups.prune()] == [
        "rebound-20261122T180000000Z.json",
        "rebound-20261121T180000000Z.json",
    ]
    clock.t = datetime(2026, 12, 25, tzinfo=UTC)
    assert [p.name for p in backups.prune()] == ["rebound-20261123T180000000Z.json"]
    assert len(backups.list()) == KEEP_NEWEST
    assert backups.prune() == []


def test_the_seven_days_are_today_and_the_six_before(data: Path) -> None:
    clock = Clock(datetime(2026, 11, 1, tzinfo=UTC))
    backups = Backups(data, now=clock)
    backups.save(b"old 7 days back")  # 1 November
    clock.t = datetime(2026, 11, 2, 23, 59, tzinfo=UTC)
    backups.save(b"6 days back")
    clock.t = datetime(2026, 11, 8, 0, 0, tzinfo=UTC)
    for n in range(KEEP_NEWEST):
        clock.t += timedelta(minutes=1)
        backups.save(f"today {n}".encode())
    kept = [b.path.name for b in backups.list()]
    assert "rebound-20261102T235900000Z.json" in kept
    assert "rebound-20261101T000000000Z.json" not in kept
    assert len(kept) == KEEP_NEWEST + 1


times = st.lists(
    st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2026, 1, 20), timezones=st.just(UTC)
    ).map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000)),
    max_size=40,
    unique=True,
)


@settings(max_examples=60, deadline=None)
@given(times, st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 1, 25)))
def test_prune_keeps_exactly_what_the_policy_promises(
    stamps: list[datetime], now: datetime
) -> None:
    now = now.replace(tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        backups = Backups(Path(tmp) / "rebound.json", now=lambda: now)
        backups.dir.mkdir()
        for t in stamps:
            (backups.dir / f"rebound-{backups_mod._stamp(t)}.json").write_bytes(b"x")
        before = backups.list()

        removed = set(backups.prune())
        after = backups.list()

        kept = {b.path for b in after}
        assert kept | removed == {b.path for b in before}
        assert not kept & removed
        assert {b.path for b in before[:KEEP_NEWEST]} <= kept
        window = {(now - timedelta(days=n)).date() for n in range(KEEP_DAYS)}
        for day in window:
            same_day = [b for b in before if b.taken.date() == day]
            if same_day:
                assert same_day[0].path in kept  # newest of that day
        for b in before:
            if b.path in removed:
                newer_same_day = [
                    o for o in before if o.taken.date() == b.taken.date() and o.taken > b.taken
                ]
                assert before.index(b) >= KEEP_NEWEST
                assert b.taken.date() not in window or newer_same_day
        assert len(after) <= KEEP_NEWEST + KEEP_DAYS
        assert backups.prune() == []


# -- newest good backup ----------------------------------------------------------------


def test_newest_good_backup(data: Path) -> None:
    clock = Clock()
    backups = Backups(data, now=clock)
    for content in (b"good 1", b"good 2", b"bad", b"explodes"):
        clock.t += timedelta(seconds=1)
        backups.save(content)

    def is_good(content: bytes) -> bool:
        if content == b"explodes":
            raise ValueError("not JSON")
        return content.startswith(b"good")

    newest_good = backups.newest(is_good)
    assert newest_good is not None
    assert newest_good.path.read_bytes() == b"good 2"
    newest_any = backups.newest()
    assert newest_any is not None and newest_any.path.read_bytes() == b"explodes"
    assert backups.newest(lambda _: False) is None


# -- find ------------------------------------------------------------------------------


@pytest.fixture
def three(data: Path) -> tuple[Backups, list[Backup]]:
    clock = Clock(datetime(2026, 11, 27, 10, 15, tzinfo=UTC))
    backups = Backups(data, now=clock)
    made = []
    for n, t in enumerate(["2026-11-27T10:15", "2026-11-27T10:45", "2026-11-28T08:00"]):
        clock.t = datetime.fromisoformat(t).replace(tzinfo=UTC)
        made.append(backups.save(str(n).encode()))
    return backups, made


def test_find_by_name_prefix_and_path(
    three: tuple[Backups, list[Backup]], monkeypatch: pytest.MonkeyPatch
) -> None:
    backups, (a, b, c) = three
    assert backups.find("rebound-20261127T101500000Z.json") == a
    assert backups.find("rebound-20261127T104") == b
    assert backups.find("20261128") == c  # prefix of the time alone
    assert backups.find(f"  {c.path.name}  ") == c
    assert backups.find(str(a.path)) == a
    monkeypatch.chdir(backups.dir.parent)
    assert backups.find(f"{backups.dir.name}/{b.path.name}") == b


def test_find_ambiguous_prefix_lists_the_candidates(three: tuple[Backups, list[Backup]]) -> None:
    backups, (a, b, _) = three
    with pytest.raises(LookupError) as err:
        backups.find("rebound-20261127")
    message = str(err.value)
    assert "'rebound-20261127' matches 2 backups" in message
    assert a.path.name in message and b.path.name in message
    assert "20261128" not in message


def test_find_unknown_lists_what_there_is(three: tuple[Backups, list[Backup]]) -> None:
    backups, made = three
    for query in ["rebound-2025", "nope", "", "rebound.json"]:
        with pytest.raises(LookupError) as err:
            backups.find(query)
        message = str(err.value)
        assert all(b.path.name in message for b in made), message
        assert "newest first" in message
    with pytest.raises(LookupError, match="is not a backup in"):
        backups.find(str(backups.data_path))


def test_find_with_no_backups_says_so(data: Path) -> None:
    with pytest.raises(LookupError, match="There are no backups in"):
        Backups(data).find("rebound-2026")


# -- archiving conflict copies ---------------------------------------------------------


def test_archive_moves_and_never_overwrites(data: Path) -> None:
    backups = Backups(data, now=Clock())
    conflicts = backups.dir / "conflicts"
    copy = data.parent / "rebound (1).json"
    results = []
    for n in range(3):
        copy.write_bytes(f"version {n}".encode())
        results.append(backups.archive_conflict(copy))
        assert not copy.exists()
    assert [p.name for p in results] == [
        "rebound (1).json",
        "rebound (1)-1.json",
        "rebound (1)-2.json",
    ]
    assert [p.read_bytes() for p in results] == [b"version 0", b"version 1", b"version 2"]
    assert all(p.parent == conflicts for p in results)
    # archived copies are not backups
    assert backups.list() == []


def test_archive_skips_names_taken_by_anything(data: Path) -> None:
    backups = Backups(data, now=Clock())
    conflicts = backups.dir / "conflicts"
    conflicts.mkdir(parents=True)
    (conflicts / "rebound.Conflict").write_bytes(b"older")
    (conflicts / "rebound-1.Conflict").mkdir()  # odd, but taken
    copy = data.parent / "rebound.Conflict"
    copy.write_bytes(b"new")
    target = backups.archive_conflict(copy)
    assert target == conflicts / "rebound-2.Conflict"  # "-n" goes before the suffix
    assert (conflicts / "rebound.Conflict").read_bytes() == b"older"
    assert target.read_bytes() == b"new"


def test_archive_missing_file_raises(data: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Backups(data).archive_conflict(data.parent / "rebound (9).json")


def test_archive_across_file_systems_copies_then_removes(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cross_device(src: object, dst: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(backups_mod.os, "replace", cross_device)
    copy = data.parent / "rebound.sync-conflict-20261127-101500-ABCDEF2.json"
    copy.write_bytes(b"theirs")
    target = Backups(data).archive_conflict(copy)
    assert target.read_bytes() == b"theirs"
    assert not copy.exists()


def test_archive_failure_keeps_the_original_and_frees_the_name(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, "denied")

    monkeypatch.setattr(backups_mod.os, "replace", denied)
    copy = data.parent / "rebound (1).json"
    copy.write_bytes(b"theirs")
    with pytest.raises(PermissionError):
        Backups(data).archive_conflict(copy)
    assert copy.read_bytes() == b"theirs"
    assert list((backup_dir(data) / "conflicts").iterdir()) == []


@pytest.mark.parametrize("size", [0, 5, 3 * (1 << 20) + 17])
def test_a_backup_from_an_open_file_copies_it_and_compares_in_chunks(
    data: Path, tmp_path: Path, size: int
) -> None:
    clock = Clock()
    backups = Backups(data, now=clock)
    source = tmp_path / "source.json"
    content = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    source.write_bytes(content)
    fd = os.open(source, os.O_RDONLY)
    try:
        first = backups.save(fd)
        assert first is not None and first.path.read_bytes() == content and first.size == size
        clock.t += timedelta(minutes=1)
        assert backups.save(fd) is None  # the same bytes as the newest backup
        assert backups.save(content) is None  # bytes and files compare alike
    finally:
        os.close(fd)
    if size:  # one byte changed at the very end, same size: a new backup
        source.write_bytes(content[:-1] + b"!")
        fd = os.open(source, os.O_RDONLY)
        try:
            clock.t += timedelta(minutes=1)
            second = backups.save(fd)
        finally:
            os.close(fd)
        assert second is not None and second.path.read_bytes().endswith(b"!")
        assert _mode(second.path) == 0o600


def test_an_older_versions_folder_beside_the_file_is_read_never_written(data: Path) -> None:
    legacy = legacy_backup_dir(data)
    legacy.mkdir()
    old = [legacy / f"rebound-202611{d:02d}T101500000Z.json" for d in range(1, 20)]
    for n, path in enumerate(old):
        path.write_bytes(f"old {n}".encode())
    before = {p.name: p.read_bytes() for p in legacy.iterdir()}
    clock = Clock()
    backups = Backups(data, now=clock)
    assert [b.path for b in backups.list()] == sorted(old, reverse=True)
    assert backups.find(old[3].name).path == old[3]
    for n in range(KEEP_NEWEST + 5):  # enough to prune
        clock.t += timedelta(minutes=1)
        made = backups.save(f"new {n}".encode())
        assert made is not None and made.path.parent == backup_dir(data)
    assert {p.name: p.read_bytes() for p in legacy.iterdir()} == before  # never pruned
    assert len(backups.own()) == KEEP_NEWEST  # all today: the newest 10 are kept
    assert all(b.path.parent in (legacy, backup_dir(data)) for b in backups.list())
