"""A conflict copy read record by record as bytes (`store/fragments.py`): merging only the records
whose bytes differ from our file gives exactly what merging the whole copy gives; anything it
cannot follow falls back to reading the whole copy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_tui.domain.clock import ahead_limit, system_ms
from rebound_tui.domain.merge import max_stamp, merge_databases
from rebound_tui.store import checked
from rebound_tui.store.database import Database
from rebound_tui.store.fileformat import DataFileError, decode, encode
from rebound_tui.store.fragments import Version, sparse_copy

COPY = "rebound.sync-conflict-20261205-081522-ABCDEFG.json"


def seeded(path: Path, n: int = 6) -> list[str]:
    db = Database(path)
    ids = [db.create("companies", {"name": f"Co {i}", "priority": 3}) for i in range(n)]
    for i in range(n):
        db.create("contacts", {"name": f"Person {i}", "company_id": ids[i % len(ids)]})
    db.save()
    return ids


def pieces_made(monkeypatch) -> list[Any]:
    """What each one-shot save's `file_pieces` gives, in order."""
    from rebound_tui.store import storage

    made: list[Any] = []
    real = storage.file_pieces
    monkeypatch.setattr(storage, "file_pieces", lambda *a: made.append(real(*a)) or made[-1])
    return made


def sparse(ours: bytes, copy: bytes) -> tuple[dict[str, Any], str | None] | None:
    now = system_ms()
    return sparse_copy(
        Version(ours), Version(copy), "copy.json", stamp_limit=ahead_limit(now), now_ms=now
    )


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["edit", "create", "delete", "contact"]),
        st.integers(0, 5),
        st.sampled_from(["here", "there"]),
    ),
    max_size=8,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=EDITS)
def test_merging_the_differing_records_is_merging_the_whole_copy(tmp_path_factory, edits):
    folder = tmp_path_factory.mktemp("frag")
    ours, theirs = folder / "rebound.json", folder / "there.json"
    ids = seeded(ours)
    shutil.copyfile(ours, theirs)
    dbs = {"here": Database(ours), "there": Database(theirs)}
    for action, n, side in edits:
        db = dbs[side]
        if action == "edit":
            db.update("companies", ids[n], {"notes": f"{side} {n}", "priority": n % 5 + 1})
        elif action == "create":
            db.create("companies", {"name": f"New {side} {n}", "priority": 2})
        elif action == "delete" and db.get("companies", ids[n]) is not None:
            db.delete("companies", ids[n])
        elif action == "contact":
            db.create("followups", {"title": f"ping {n}", "due": "2026-12-01", "status": "open"})
    for db in dbs.values():
        db.save()
    raw_ours, raw_theirs = ours.read_bytes(), theirs.read_bytes()
    memory = decode(raw_ours, ours)
    whole = decode(raw_theirs, theirs)
    got = sparse(raw_ours, raw_theirs)
    assert got is not None
    part, top = got
    assert merge_databases(memory, part, share=True) == merge_databases(memory, whole)
    assert top == (max_stamp(part) or "")
    for table, records in part.items():  # only what differs (and the metadata) is taken
        if table != "meta":
            for rid, doc in records.items():
                assert memory.get(table, {}).get(rid) != doc


def test_an_identical_copy_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "rebound.json"
    seeded(path)
    raw = path.read_bytes()
    got = sparse(raw, raw)
    assert got is not None
    assert list(got[0]) == ["meta"] and got[1] == ""


def _changed(raw: bytes, change) -> bytes:
    data = orjson.loads(raw)
    change(data)
    return encode(data)


def test_a_bad_record_where_the_copy_differs_refuses_it(tmp_path: Path) -> None:
    path = tmp_path / "rebound.json"
    ids = seeded(path)
    raw = path.read_bytes()

    def bad(data):
        data["companies"][ids[2]]["priority"] = "very"

    with pytest.raises(DataFileError, match=f"companies/{ids[2]}: field 'priority'"):
        sparse(raw, _changed(raw, bad))


@pytest.mark.parametrize("how", ["indent 4", "key twice", "id twice", "meta edited", "ours"])
def test_what_it_cannot_follow_is_left_to_the_whole_read(tmp_path: Path, how: str) -> None:
    path = tmp_path / "rebound.json"
    ids = seeded(path)
    raw = path.read_bytes()
    copy = raw
    if how == "indent 4":
        copy = json.dumps(orjson.loads(raw), indent=4, sort_keys=True).encode()
    elif how == "key twice":  # the record reads as another value elsewhere
        copy = raw.replace(b'"name": "Co 1",', b'"name": "Xo",\n      "name": "Co 1",', 1)
    elif how == "id twice":
        at = raw.index(f'    "{ids[1]}": '.encode())
        end = raw.index(b"\n    }", at) + 6
        copy = raw[:end] + b",\n" + raw[at:end].replace(b"Co ", b"Xo ") + raw[end:]
    elif how == "meta edited":
        copy = _changed(raw, lambda d: d["meta"]["db"].update(note="x"))
    elif how == "ours":  # our own file not laid out as we write it
        raw, copy = json.dumps(orjson.loads(raw), indent=4).encode(), raw
    assert copy != raw or how == "ours"
    assert sparse(raw, copy) is None


def test_a_sync_reads_the_copy_sparse_and_merges_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the storage: a copy of our exact file is read sparse at load, merged, saved and
    archived; the result is what the whole-copy read gives."""
    from rebound_tui.store import fragments, sync

    path = tmp_path / "rebound.json"
    ids = seeded(path)
    checked.flush_pending()
    other = tmp_path / "other.json"
    shutil.copyfile(path, other)
    there = Database(other)
    there.update("companies", ids[0], {"notes": "from the laptop"})
    there.create("companies", {"name": "Laptop Co", "priority": 2})
    there.save()
    shutil.copyfile(other, tmp_path / COPY)
    reads: list[Any] = []
    real = fragments.sparse_copy

    def spy(*args, **kwargs):
        reads.append(result := real(*args, **kwargs))
        return result

    monkeypatch.setattr(sync, "sparse_copy", spy)
    db = Database(path)
    assert db.get("companies", ids[0])["notes"] == "from the laptop"
    assert len(reads) == 1 and reads[0] is not None  # read sparse
    assert set(reads[0][0]["companies"]) == {ids[0], *(set(there.raw("companies")) - set(ids))}
    db.save()
    assert not (tmp_path / COPY).exists()  # archived once saved
    expected = merge_databases(decode(path.read_bytes(), path), decode(other.read_bytes(), other))
    assert decode(path.read_bytes(), path) == expected
    # The clock observed the copy's stamps without walking the merged data.
    assert db.clock.now() > max_stamp(expected)


@pytest.mark.parametrize("odd", ['x"y\\z', "ünï", "a\u2028b"])
def test_ids_with_escapes_and_other_scripts(tmp_path: Path, odd: str) -> None:
    ours, theirs = tmp_path / "rebound.json", tmp_path / "there.json"
    seeded(ours)
    db = Database(ours)
    db.create("companies", {"name": "Odd", "priority": 3}, record_id=odd)
    db.save()
    shutil.copyfile(ours, theirs)
    there = Database(theirs)
    there.update("companies", odd, {"notes": "edited there"})
    there.create("companies", {"name": "Odd too", "priority": 2}, record_id=odd + "2")
    there.save()
    raw_ours, raw_theirs = ours.read_bytes(), theirs.read_bytes()
    got = sparse(raw_ours, raw_theirs)
    assert got is not None
    assert set(got[0]["companies"]) == {odd, odd + "2"}
    memory = decode(raw_ours, ours)
    whole = decode(raw_theirs, theirs)
    assert merge_databases(memory, got[0], share=True) == merge_databases(memory, whole)


ONE_SHOT_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["edit", "create", "delete", "followup", "meta", "nothing"]),
        st.integers(0, 5),
    ),
    max_size=6,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=ONE_SHOT_EDITS)
def test_a_commands_save_copies_the_tables_it_left_alone(
    tmp_path_factory, monkeypatch, edits
) -> None:
    """A one-shot save writes exactly `encode(data)`: the tables the command did not write are
    copied from the file it read, the others encoded."""

    path = tmp_path_factory.mktemp("one") / "rebound.json"
    ids = seeded(path)
    checked.flush_pending()  # (the file is known here: read exactly as we write it)
    before = path.read_bytes()
    made = pieces_made(monkeypatch)
    db = Database(path, one_shot=True)
    for action, n in edits:
        if action == "edit":
            db.update("companies", ids[n], {"notes": f"n {n}"})
        elif action == "create":
            db.create("companies", {"name": f"New {n}", "priority": 2})
        elif action == "delete" and db.get("companies", ids[n]) is not None:
            db.delete("companies", ids[n])
        elif action == "followup":
            db.create("followups", {"title": f"t {n}", "due": "2026-12-01", "status": "open"})
        elif action == "meta":
            db.set_meta(note=f"m {n}")
    wrote = db.save()
    after = path.read_bytes()
    assert after == encode(db.storage.read())
    assert wrote == (after != before)
    if any(a in ("edit", "create", "followup", "meta") for a, _ in edits):
        assert made and made[-1] is not None  # written from the file's pieces
        assert checked.lookup(checked.digest_of(after)) is not None  # and known here


BIG_TABLE_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["edit", "create", "delete", "create_id"]),
        st.integers(0, 79),
        st.sampled_from(["", "a", "zz", "é", "\\", '"', "0", "~"]),
    ),
    min_size=1,
    max_size=30,  # (more than 8: the table's records are listed, not looked for one by one)
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=BIG_TABLE_EDITS)
def test_a_commands_save_writes_only_the_changed_records_of_a_big_table(
    tmp_path_factory, monkeypatch, edits
) -> None:
    """In a table of 80 records, a command's few edits, new records (first, last, in between,
    odd ids) and deletes are written into the file's bytes: the rest of the table is copied as
    spans, and the file is exactly `encode(data)`."""
    from rebound_tui.store.layout import Span

    path = tmp_path_factory.mktemp("big") / "rebound.json"
    db = Database(path)
    ids = [db.create("companies", {"name": f"C{n:02}", "priority": 3}) for n in range(80)]
    db.save()
    checked.flush_pending()
    made = pieces_made(monkeypatch)
    db = Database(path, one_shot=True)
    for action, n, odd in edits:
        if action == "edit":
            db.update("companies", ids[n], {"notes": f"n {n} {odd}"})
        elif action == "create":
            db.create("companies", {"name": f"New {n}", "priority": 2})
        elif action == "delete" and db.get("companies", ids[n]) is not None:
            db.delete("companies", ids[n])
        elif action == "create_id":  # next to an existing id, before all or after all
            record_id = f"{ids[n][:6]}{odd}" if odd not in ("", "~") else odd * 3 or "0"
            if db.get("companies", record_id) is None:
                db.create("companies", {"name": f"Odd {n}", "priority": 1}, record_id)
    db.save()
    after = path.read_bytes()
    assert after == encode(db.storage.read())
    assert made and made[-1] is not None
    pieces = made[-1][0]
    assert sum(type(p) is Span for p in pieces) >= 2  # the table's unchanged records, copied
