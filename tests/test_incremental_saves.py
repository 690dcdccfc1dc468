"""Every kind of write, saved incrementally, gives the file a full encode would.

Incremental saves (store/layout.py) trust that a record object still holding the bytes it was
encoded with has not been changed in place. This walks the service through every kind of write
(edits, deletes, undo, rules, settings, a conflict copy merged in, a delivered version, restore,
compaction) with a save after each, and compares the file with `encode` of what is in memory.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from rebound_tui.service import Service
from rebound_tui.store.fileformat import decode, encode

TODAY = dt.date(2026, 11, 27)


def check(svc: Service, path: Path) -> None:
    svc.save()
    raw = path.read_bytes()
    assert raw == encode(svc.db.storage.read())
    assert decode(raw, path)  # and it reads back


def test_every_kind_of_write_saves_the_bytes_of_a_full_encode(tmp_path: Path):
    path = tmp_path / "data" / "rebound.json"
    path.parent.mkdir()
    svc = Service.open(path, today=lambda: TODAY)
    acme = svc.add_company("Acme")
    people = [svc.add_contact(f"Person {n:03}", company=acme.id) for n in range(80)]
    check(svc, path)
    assert svc.db.storage._layout is not None  # the next saves are incremental
    steps = [
        lambda: svc.edit_contact(people[5].id, title="Recruiter", cadence="2w"),
        lambda: svc.log("interview", contact=people[7].id, on="2026-11-20"),
        lambda: svc.complete(svc.follow_ups()[0]),
        lambda: svc.snooze(svc.follow_ups()[0], "3d"),
        lambda: svc.drop(svc.follow_ups()[-1]),
        lambda: svc.undo(),
        lambda: svc.delete_contact(people[9].id),
        lambda: svc.undo(),
        lambda: svc.set_setting("theme", "nord"),
        lambda: svc.set_rules(svc.rules()[:-1]),
        lambda: svc.reset_rules(),
        lambda: svc.reject(acme.id, boss=people[1].id),
        lambda: svc.cadence_sync(),
    ]
    for step in steps:
        step()
        check(svc, path)

    # Another machine's version arrives by rename, with edits of its own: merged, then saved.
    other_path = tmp_path / "other" / "rebound.json"
    other_path.parent.mkdir()
    shutil.copyfile(path, other_path)
    other = Service.open(other_path, today=lambda: TODAY)
    other.edit_contact(people[3].id, notes="met at the fair")
    other.add_contact("From the laptop", company=acme.id)
    other.save()
    svc.edit_contact(people[4].id, notes="local edit")
    shutil.copyfile(other_path, path.with_name(".incoming"))
    path.with_name(".incoming").replace(path)
    check(svc, path)
    assert svc.find_contact("From the laptop") and svc.contact(people[4].id).notes == "local edit"
    svc.edit_contact(people[6].id, title="CTO")
    check(svc, path)

    # A conflict copy merged in, a backup restored, tombstones compacted.
    conflict = path.with_name("rebound.sync-conflict-20261127-101500-ABCDEF2.json")
    other.edit_contact(people[8].id, title="VP")
    conflict.write_bytes(encode(other.db.storage.read()))
    svc.sync_conflicts()
    check(svc, path)
    assert svc.contact(people[8].id).title == "VP"
    backups = svc.backups()
    if backups:
        svc.restore(backups[-1].path.name)
        check(svc, path)
    svc.compact(older_than_days=1)
    check(svc, path)
    svc.add_contact("After all that", company=acme.id)
    check(svc, path)


def _saved_file(tmp_path: Path) -> Path:
    path = tmp_path / "rebound.json"
    svc = Service.open(path, today=lambda: TODAY)
    acme = svc.add_company("Acme")
    for n in range(40):
        svc.add_contact(f"Person {n:03}", company=acme.id)
    svc.save()
    return path


def test_the_first_saves_layout_is_worked_out_from_the_file_read(tmp_path: Path, monkeypatch):
    """An open leaves the file's layout to the first save (the dashboard waits for its data
    meanwhile); that save then encodes only what changed, and gives the full encode's bytes."""
    import rebound_tui.store.storage as storage_module

    path = _saved_file(tmp_path)
    svc = Service.open(path, today=lambda: TODAY, resident=True)
    storage = svc.db.storage
    assert storage._layout is None and storage._layout_due is not None
    planned = []
    plan = storage_module.plan
    monkeypatch.setattr(storage_module, "plan", lambda *a: planned.append(a) or plan(*a))
    svc.add_company("Globex")  # (after the open: the data as read is kept apart)
    check(svc, path)
    assert planned and storage._layout is not None and storage._layout_due is None


def test_a_version_delivered_before_the_first_save_is_not_laid_out_as_the_one_read(
    tmp_path: Path,
):
    path = _saved_file(tmp_path)
    svc = Service.open(path, today=lambda: TODAY)
    other = Service.open(path, today=lambda: TODAY)
    other.add_company("From the other machine")
    other.save()  # (replaced by rename: another inode, another size)
    assert svc.db.storage.refresh()  # merged in: the data first read is not kept for a layout
    assert svc.db.storage._layout_due is None
    svc.add_company("Here")
    check(svc, path)
    assert {"From the other machine", "Here"} <= {c.name for c in svc.companies()}


def test_a_file_rewritten_in_place_before_the_first_save_is_not_laid_out_as_read(
    tmp_path: Path,
):
    """Changed in place after the open, same size: its record boundaries are not taken from
    the bytes read then, nor its records copied."""
    path = _saved_file(tmp_path)
    svc = Service.open(path, today=lambda: TODAY)
    raw = path.read_bytes()
    at = raw.index(b'\n      "', raw.index(b'"contacts"'))  # a line inside a record
    with open(path, "r+b") as file:  # same inode and size; another mtime and ctime
        file.seek(at + 1)
        file.write(b"\t")  # still JSON, no longer exactly how we write it
    svc.add_company("Here")
    check(svc, path)
    assert "Here" in {c.name for c in svc.companies()}
