"""The first-screen cache (store/due_cache.py, read and written through startup.py): right rows
for any day, only for the exact file it was written for, silent when it cannot be read or
written."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_tui import __version__ as rebound_version
from rebound_tui import startup
from rebound_tui.rows import ENTRY_FIELDS, WEEK_DAYS
from rebound_tui.service import Service
from rebound_tui.store import due_cache
from rebound_tui.views import build, due_entries

TODAY = dt.date(2026, 11, 27)


def _fill(svc: Service) -> None:
    with svc.playbook_paused():
        svc.add_company("Glenview Logistics", priority=5)
        svc.add_company("Gone Corp", priority=2)
        svc.add_contact("Darlene Boss", company="Glenview Logistics")
        svc.add_follow_up("Late one", due="2026-11-20", contact="Darlene Boss", kind="check-in")
        svc.add_follow_up("Today's", due="2026-11-27", company="Glenview Logistics")
        svc.add_follow_up("Important", due="2026-11-27", company="Gone Corp", priority=5)
        svc.add_follow_up("Tomorrow", due="2026-11-28", kind="todo")
        svc.add_follow_up("Next week", due="2026-12-03", contact="Darlene Boss")
        svc.add_follow_up("Later", due="2027-01-15")
        done = svc.add_follow_up("Closed", due="2026-11-26")
        svc.complete(done)
        svc.delete_company("Gone Corp")  # its follow-up keeps the name
        svc.set_setting("theme", "gruvbox")
    svc.save()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "rebound.json"


@pytest.fixture
def svc(path: Path) -> Service:
    path.parent.mkdir()
    service = Service.open(path, today=lambda: TODAY)
    _fill(service)
    return service


def written(svc: Service) -> due_cache.FileState:
    state = due_cache.file_state(svc.path)
    assert state is not None
    theme = svc.setting("theme")
    assert startup.write_first_screen(svc.path, state, due_entries(svc), theme, written_on=TODAY)
    return state


def test_cache_folder_follows_the_override_then_the_lock_folder(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("REBOUND_LOCK_DIR", str(tmp_path / "locks"))
    monkeypatch.delenv("REBOUND_CACHE_DIR", raising=False)
    assert due_cache.cache_dir() == tmp_path / "locks" / "first-screen"
    monkeypatch.setenv("REBOUND_CACHE_DIR", str(tmp_path / "cache"))
    assert due_cache.cache_dir() == tmp_path / "cache" / "first-screen"
    one, two = (
        due_cache.cache_path_for(Path("/a/rebound.json")),
        due_cache.cache_path_for(Path("/b/rebound.json")),
    )
    assert one != two and one.parent == two.parent == tmp_path / "cache" / "first-screen"


def test_the_cached_first_screen_is_what_the_views_show(svc: Service) -> None:
    written(svc)
    first = startup.first_screen(svc.path, TODAY)
    assert first is not None
    snap = build(svc, TODAY)
    assert first.due == snap.due and first.upcoming == snap.upcoming
    assert first.summary == snap.summary
    assert [r.title for r in first.due] == ["Late one", "Important", "Today's"]
    assert first.due[1].company == "Gone Corp"  # a deleted company's name, resolved when written
    assert first.theme == "gruvbox"


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offset=st.integers(min_value=-30, max_value=120))
def test_a_cache_written_on_another_day_is_right_for_today(svc: Service, offset: int) -> None:
    """The morning start: written yesterday (or last month), read today."""
    written(svc)
    day = TODAY + dt.timedelta(days=offset)
    first = startup.first_screen(svc.path, day)
    if offset > startup.HORIZON_DAYS - WEEK_DAYS:
        assert first is None  # past what it holds: a miss, and the normal start runs
        return
    assert first is not None
    snap = build(svc, day)
    assert (first.due, first.summary, first.upcoming) == (snap.due, snap.summary, snap.upcoming)
    # And the rows the service's own due list gives for that day, in its order.
    assert [r.id for r in first.due] == [item.follow_up.id for item in svc.due(day)]


def test_a_changed_file_is_a_miss(svc: Service) -> None:
    path = svc.path
    written(svc)
    assert startup.first_screen(path, TODAY) is not None
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # same bytes, new mtime
    assert startup.first_screen(path, TODAY) is None

    written(svc)
    raw = path.read_bytes()
    path.write_bytes(raw + b" ")  # one more byte
    assert startup.first_screen(path, TODAY) is None

    path.write_bytes(raw)
    written(svc)
    replacement = path.with_name("synced.tmp")
    replacement.write_bytes(raw)
    os.utime(replacement, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))
    os.replace(replacement, path)  # a sync tool delivering the same bytes: a new inode
    assert startup.first_screen(path, TODAY) is None

    path.unlink()
    assert startup.first_screen(path, TODAY) is None


def test_another_version_format_or_path_is_a_miss(svc: Service, tmp_path: Path) -> None:
    state = written(svc)
    assert startup.first_screen(svc.path, TODAY, version="0.0.0-other") is None
    cache = due_cache.cache_path_for(svc.path)
    doc = json.loads(cache.read_bytes())
    cache.write_text(json.dumps({**doc, "format": due_cache.FORMAT + 1}))
    assert startup.first_screen(svc.path, TODAY) is None
    cache.write_text(json.dumps({**doc, "path": str(tmp_path / "other.json")}))
    assert startup.first_screen(svc.path, TODAY) is None
    cache.write_text(json.dumps({**doc, "state": [*state[:-1], state[-1] + 1]}))  # ctime
    assert startup.first_screen(svc.path, TODAY) is None
    cache.write_text(json.dumps(doc))
    assert startup.first_screen(svc.path, TODAY) is not None


@pytest.mark.parametrize(
    "damage",
    [
        lambda doc: b"{not json",
        lambda doc: b"",
        lambda doc: json.dumps(doc).encode()[:-40],
        lambda doc: json.dumps([1, 2]).encode(),
        lambda doc: json.dumps({**doc, "entries": [[1, 2, 3]]}).encode(),
        lambda doc: json.dumps({**doc, "entries": [["x"] * len(ENTRY_FIELDS)]}).encode(),
        lambda doc: json.dumps(
            {**doc, "entries": [[*doc["entries"][0][:5], "not a day", *doc["entries"][0][6:]]]}
        ).encode(),
        lambda doc: json.dumps({**doc, "theme": 3}).encode(),
        lambda doc: json.dumps({**doc, "fields": ["id"]}).encode(),
        lambda doc: json.dumps({k: v for k, v in doc.items() if k != "entries"}).encode(),
    ],
)
def test_a_corrupt_cache_is_a_miss(svc: Service, damage) -> None:
    written(svc)
    cache = due_cache.cache_path_for(svc.path)
    cache.write_bytes(damage(json.loads(cache.read_bytes())))
    assert startup.first_screen(svc.path, TODAY) is None


def test_an_unwritable_cache_folder_is_silent(svc: Service, monkeypatch, tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("REBOUND_CACHE_DIR", str(blocker / "below"))  # a folder under a file
    state = due_cache.file_state(svc.path)
    assert (
        startup.write_first_screen(svc.path, state, due_entries(svc), None, written_on=TODAY)
        is False
    )
    assert startup.first_screen(svc.path, TODAY) is None
    no_state = startup.write_first_screen(svc.path, None, due_entries(svc), None, written_on=TODAY)
    assert no_state is False  # no state: no cache


def test_the_cache_is_written_atomically_and_privately(svc: Service) -> None:
    written(svc)
    cache = due_cache.cache_path_for(svc.path)
    assert cache.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in cache.parent.iterdir()] == [cache.name]  # no temp file left


def test_local_today_reads_the_zone(monkeypatch) -> None:
    monkeypatch.setenv("REBOUND_TZ", "No/Such_Zone")
    assert due_cache.local_today() is None
    monkeypatch.setenv("REBOUND_TZ", "Pacific/Kiritimati")
    east = due_cache.local_today()
    monkeypatch.setenv("REBOUND_TZ", "Pacific/Pago_Pago")
    west = due_cache.local_today()
    assert east is not None and west is not None and (east - west).days == 1  # UTC+14, UTC-11


# -- when the dashboard writes it ------------------------------------------------------------
def test_remember_only_when_the_day_agrees(svc: Service, monkeypatch) -> None:
    state = due_cache.file_state(svc.path)
    monkeypatch.setattr(due_cache, "local_today", lambda: TODAY + dt.timedelta(days=1))
    assert not startup.remember(svc, due_entries(svc), state)
    assert startup.first_screen(svc.path, TODAY) is None
    monkeypatch.setattr(due_cache, "local_today", lambda: TODAY)
    assert startup.remember(svc, due_entries(svc), state)
    assert startup.first_screen(svc.path, TODAY) is not None


def test_open_data_gives_the_state_it_read(svc: Service, tmp_path: Path) -> None:
    service, state = startup.open_data(svc.path)
    assert state == due_cache.file_state(svc.path)
    assert service.companies()
    missing, none = startup.open_data(tmp_path / "data" / "new.json")
    assert none is None and missing.companies() == []


def test_remember_saved_needs_memory_equal_to_the_file(svc: Service, monkeypatch) -> None:
    monkeypatch.setattr(due_cache, "local_today", lambda: TODAY)
    with svc.batch():
        svc.add_follow_up("Unsaved", due="2026-11-27")
    assert startup.remember_saved(svc) is None  # an edit the file does not have
    assert startup.first_screen(svc.path, TODAY) is None
    svc.save()
    state = startup.remember_saved(svc)
    assert state == due_cache.file_state(svc.path)
    first = startup.first_screen(svc.path, TODAY)
    assert first is not None and "Unsaved" in [r.title for r in first.due]
    assert startup.remember_saved(svc, state) == state  # same state: not written again


def test_only_the_coming_weeks_are_kept_and_the_next_items_stay_right(svc: Service) -> None:
    with svc.playbook_paused():
        for n in range(12):
            svc.add_follow_up(f"Far {n:02}", due=TODAY + dt.timedelta(days=60 + n))
    svc.save()
    written(svc)
    doc = json.loads(due_cache.cache_path_for(svc.path).read_bytes())
    titles = [values[ENTRY_FIELDS.index("title")] for values in doc["entries"]]
    beyond = [t for t in titles if t.startswith("Far") or t == "Later"]  # 49 days and more
    assert beyond == ["Later", "Far 00", "Far 01", "Far 02", "Far 03"]  # only the next few
    last = TODAY + dt.timedelta(days=startup.HORIZON_DAYS - WEEK_DAYS)
    first = startup.first_screen(svc.path, last)
    assert first is not None
    snap = build(svc, last)
    assert (first.due, first.summary, first.upcoming) == (snap.due, snap.summary, snap.upcoming)


def test_no_cache_for_a_file_with_whole_second_times(svc: Service) -> None:
    """FAT, exFAT, HFS+: a rewrite in the same second could keep the same state."""
    dev, ino, size, _mtime, ctime = due_cache.file_state(svc.path)
    coarse = (dev, ino, size, 1_790_000_000 * 10**9, ctime)
    entries = due_entries(svc)
    assert startup.write_first_screen(svc.path, coarse, entries, None, written_on=TODAY) is False


def test_the_store_keeps_plain_values_only(svc: Service) -> None:
    """The cache file holds JSON values in the order of the fields it names; rows are made from
    them by the view layer (startup.py), and another field list is a miss."""
    written(svc)
    cached = due_cache.load(svc.path, TODAY, fields=ENTRY_FIELDS, version=rebound_version)
    assert cached is not None and cached.theme == "gruvbox"
    assert [e.values() for e in due_entries(svc)][:3] == cached.entries[:3]
    assert all(isinstance(v, str | int | None) for e in cached.entries for v in e)
    other = [*ENTRY_FIELDS, "extra"]
    assert due_cache.load(svc.path, TODAY, fields=other, version=rebound_version) is None
