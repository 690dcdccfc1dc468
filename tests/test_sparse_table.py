"""A command's largest table left as its bytes (`store/sparse_table.py`): every read gives what
the parsed table gives, a save writes exactly what `encode` writes, and a load keeps it so only
where a check said the bytes are laid out as `encode` writes them."""

from __future__ import annotations

import bisect
import json
import os
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rebound_tui.service import Service
from rebound_tui.store import checked, split_check, table_chunks
from rebound_tui.store import sparse_table as sparse_mod
from rebound_tui.store.database import Database
from rebound_tui.store.exact import is_exact
from rebound_tui.store.fileformat import encode
from rebound_tui.store.fragments import Version, file_pieces
from rebound_tui.store.layout import fragment, render, table_spans
from rebound_tui.store.sparse_table import SparseTable, whole

HOSTILE_TEXT = [
    "[/]",
    "[@click=app.quit]x",
    "\x1b]0;x\x07",
    'a "quoted" b',
    "back\\slash",
    "é\u2028",
]
ids_ = st.text(min_size=1, max_size=12).filter(lambda s: s.strip() == s)
values_ = st.one_of(st.sampled_from(HOSTILE_TEXT + ["call", "rejection", "x"]), st.text(max_size=8))
records_ = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["call", "rejection", "note"]),
        "contact_id": values_,
        "note": values_,
        "with_ids": st.lists(values_, max_size=3),
        "n": st.integers(-5, 5),
    }
)
tables_ = st.dictionaries(ids_, records_, min_size=1, max_size=25)


def laid_out(table: dict[str, Any], own: bool = False) -> tuple[bytes, SparseTable]:
    """A file holding `table` (and a small one) as `encode` writes it, and the table as bytes
    (`own`: a copy of its own, places still the file's)."""
    raw = encode({"a": {"x": {"v": 1}}, "t": table})
    start, stop = next((a, b) for name, a, b in table_spans(raw) or [] if name == "t")
    return raw, SparseTable(raw, start, stop, own=own)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables_, st.lists(values_, min_size=1, max_size=3), ids_)
@example({"a": {"kind": "call", "contact_id": "x", "note": "", "with_ids": [], "n": 0}}, ["x"], "0")
def test_reads_give_what_the_parsed_table_gives(table, values, other_id):
    raw, sparse = laid_out(table, own=len(table) % 2 == 0)
    for record_id, doc in table.items():
        assert sparse.get(record_id) == doc
        assert sparse[record_id] == doc and record_id in sparse
    if other_id not in table:
        assert sparse.get(other_id) is None and other_id not in sparse
        with pytest.raises(KeyError):
            sparse[other_id]
    # A superset of the records holding one of the values (as a field or in a list).
    found = dict(sparse.candidates(values))
    holding = {
        i
        for i, doc in table.items()
        if any(doc["contact_id"] == v or doc["note"] == v or v in doc["with_ids"] for v in values)
        or doc["kind"] in values
    }
    assert holding <= set(found)
    assert all(found[i] == table[i] for i in found)
    # Where a new id goes: before the first record that sorts after it.
    ids = sorted(table)
    if other_id not in table:
        j = bisect.bisect_right(ids, other_id)
        at = sparse.insert_at(other_id)
        assert at == (None if j == len(ids) else sparse.find(ids[j])[0])  # type: ignore[index]
    if sparse.find(ids[0]) is not None:  # (places in the file, whether the bytes are a copy)
        head, end = sparse.find(ids[0])  # type: ignore[misc]
        assert raw[head:end] == fragment(ids[0], table[ids[0]])
    assert sparse.whole() == table and list(sparse) == sorted(table) and len(sparse) == len(table)
    assert not sparse.held  # (parsed: the bytes go)


@settings(max_examples=100, deadline=None)
@given(tables_, st.lists(st.tuples(ids_, records_), min_size=1, max_size=5), st.booleans())
def test_a_save_writes_exactly_what_encode_writes(table, writes, own):
    raw, sparse = laid_out(table, own)
    read = {"a": {"x": {"v": 1}}, "t": sparse}
    after = sparse
    expected = dict(table)
    for record_id, doc in writes:
        after = after.with_record(record_id, doc)
        expected[record_id] = doc
    assert sparse.get(writes[0][0]) == table.get(writes[0][0])  # (the version read is as it was)
    data = {**read, "t": after}
    pieces, _bufs, same = file_pieces(Version(raw), data, read)
    assert render(pieces, raw) == encode({"a": {"x": {"v": 1}}, "t": expected})
    assert not same
    assert after.whole() == expected


def test_an_unchanged_table_is_copied_and_the_file_is_as_it_was():
    raw, sparse = laid_out({"b": {"kind": "call"}, "a": {"kind": "note"}})
    read = {"a": {"x": {"v": 1}}, "t": sparse}
    pieces, _bufs, same = file_pieces(Version(raw), dict(read), read)
    assert same and render(pieces, raw) == raw


def test_a_record_read_twice_is_one_object_and_stays_so_in_the_whole_table():
    raw, sparse = laid_out({f"r{n}": {"kind": "call", "n": n} for n in range(10)})
    first = sparse.get("r3")
    assert sparse.get("r3") is first
    assert dict(sparse.candidates(["call"]))["r3"] is first
    assert sparse.whole()["r3"] is first


def test_many_lookups_parse_the_table_once(monkeypatch):
    monkeypatch.setattr(sparse_mod, "MAX_FINDS", 3)
    table = {f"r{n}": {"kind": "call", "n": n} for n in range(10)}
    raw, sparse = laid_out(table)
    for n in range(3):
        assert sparse.get(f"r{n}") == table[f"r{n}"]
    assert sparse._shared.whole is None
    assert sparse.get("r7") == table["r7"]
    assert sparse._shared.whole == table


def test_a_common_value_or_a_value_not_text_gives_every_record(monkeypatch):
    monkeypatch.setattr(sparse_mod, "MAX_HITS", 2)
    monkeypatch.setattr(sparse_mod, "HIT_BYTES", 1 << 30)
    table = {f"r{n}": {"kind": "call", "n": n} for n in range(5)}
    raw, sparse = laid_out(table)
    assert dict(sparse.candidates(["call"])) == table
    assert dict(laid_out(table)[1].candidates([3])) == table


def test_it_is_no_dict_so_nothing_reads_it_as_an_empty_one():
    raw, sparse = laid_out({"a": {"kind": "call"}})
    assert not isinstance(sparse, dict)
    with pytest.raises(TypeError):
        orjson.dumps({"t": sparse})
    assert whole(sparse) == {"a": {"kind": "call"}} and whole({"b": 1}) == {"b": 1}
    assert encode({"a": {"x": {"v": 1}}, "t": sparse}) == raw  # (encode parses it: a rescue)


def test_is_exact_takes_a_table_left_as_bytes_where_it_sits():
    table = {f"r{n}": {"kind": "call", "n": n} for n in range(5)}
    raw, sparse = laid_out(table)
    assert is_exact({"a": {"x": {"v": 1}}, "t": sparse}, raw)
    assert not is_exact({"a": {"x": {"v": 2}}, "t": sparse}, raw)
    assert not is_exact({"a": {"x": {"v": 1}}, "t": sparse.with_record("q", {})}, raw)


# -- the child's word on the layout (`table_chunks.Exact`) ---------------------------------------


@settings(max_examples=60, deadline=None)
@given(tables_, st.sampled_from([64, 200, 1 << 18]))
def test_the_layout_is_judged_as_encode_would_write_it(table, piece_bytes):
    raw, sparse = laid_out(table)
    start, stop = sparse.span
    text = raw[start:stop]
    table_chunks_piece = table_chunks.CHUNK_BYTES
    try:
        table_chunks.CHUNK_BYTES = piece_bytes
        said: list[bool] = []
        table_chunks.problems("t", (memoryview(text),), None, 0, None, said)
        assert said == [True]
        for other in (
            text.replace(b'"kind": ', b'"kind":  ', 1),  # a space more
            text.replace(b"\n    ", b"\n     ", 1),  # another indent
            text[:2] + b"  " + text[2:],
        ):
            said = []
            try:
                table_chunks.problems("t", (memoryview(other),), None, 0, None, said)
            except orjson.JSONDecodeError:
                continue
            assert said == [False]
    finally:
        table_chunks.CHUNK_BYTES = table_chunks_piece


def test_keys_out_of_order_or_given_twice_are_not_the_layout(monkeypatch):
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", 64)
    records = [(f"r{n:02}", {"kind": "call", "note": "x" * 30}) for n in range(12)]
    body = ",\n".join(
        "    "
        + json.dumps(i)
        + ": "
        + orjson.dumps(d, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        .decode()
        .replace("\n", "\n    ")
        for i, d in records
    )
    right = ("{\n" + body + "\n  }").encode()
    said: list[bool] = []
    table_chunks.problems("t", (memoryview(right),), None, 0, None, said)
    assert said == [True]
    swapped = ",\n".join(reversed(body.split(',\n    "')[0:1])) if False else None  # (unused)
    del swapped
    for wrong in (
        right.replace(b'"r03"', b'"r99"'),  # out of order
        right.replace(b'"r07"', b'"r06"'),  # given twice
    ):
        said = []
        table_chunks.problems("t", (memoryview(wrong),), None, 0, None, said)
        assert said == [False]


# -- a command's load ------------------------------------------------------------------------------

pytestmark_linux = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the check is split on Linux only"
)


@pytest.fixture
def split_small(monkeypatch):
    """Split at any size (the real threshold is 1 MB) and as if on two cores."""
    monkeypatch.setattr(split_check, "MIN_BYTES", 0)
    monkeypatch.setattr(split_check, "_cores", lambda: 2)


def made(tmp_path: Path, calls: int = 40) -> tuple[Path, str, str]:
    path = tmp_path / "data.json"
    s = Service.open(path)
    s.add_company("Acme")
    person = s.add_contact("Dana [/]", company="Acme")
    other = s.add_contact("Eve", company="Acme")
    for n in range(calls):
        s.log("call", contact=(person if n % 3 else other).id, note=f"call {n} [@click=app.quit]x")
    s.log("rejection", contact=person.id, note="no")
    f = s.add_follow_up("Write to Dana", contact=person.id, due="2026-12-20")
    s.save()
    return path, person.id, f.id


def tables_of(db: Database) -> dict[str, Any]:
    return db.storage.read()


@pytestmark_linux
@pytest.mark.parametrize("new_here", [True, False])
def test_a_command_keeps_its_largest_table_as_bytes_and_saves_the_same_file(
    tmp_path, split_small, new_here
):
    path, person, follow_up = made(tmp_path)
    if not new_here:  # (checked here before: trusted)
        Service.open(path, one_shot=True, resident=True)
    else:
        checked_dir = Path(os.environ["REBOUND_LOCK_DIR"]) / "checked"
        for entry in checked_dir.glob("*"):
            entry.unlink()
    s = Service.open(path, one_shot=True, resident=True)
    assert type(tables_of(s.db)["interactions"]) is SparseTable
    warnings = s.cooloff_warnings(contact=person, on="2026-12-06")
    f, logged = s.complete(s.follow_up(follow_up), note="done [/]")
    s.save()
    raw = path.read_bytes()
    data = orjson.loads(raw)
    assert encode(data) == raw  # (exactly as we write it)
    assert logged is not None and data["interactions"][logged.id]["note"] == "done [/]"
    assert type(tables_of(s.db)["interactions"]) is SparseTable  # (nothing parsed it whole)
    assert tables_of(s.db)["interactions"]._shared.whole is None
    # The same answers as a load that parses every table.
    whole_s = Service.open(path)
    assert whole_s.cooloff_warnings(contact=person, on="2026-12-06", exclude=logged.id) == warnings
    assert len(whole_s.db.raw("interactions")) == 42


@pytestmark_linux
def test_a_table_not_laid_out_as_we_write_it_is_parsed(tmp_path, split_small):
    path, person, follow_up = made(tmp_path)
    data = orjson.loads(path.read_bytes())
    path.write_text(json.dumps(data, indent=1))  # (another layout: parsed by table, not exact)
    s = Service.open(path, one_shot=True, resident=True)
    assert type(tables_of(s.db)["interactions"]) is dict
    s.complete(s.follow_up(follow_up))
    s.save()
    assert len(orjson.loads(path.read_bytes())["interactions"]) == 42


@pytestmark_linux
def test_without_a_child_the_table_is_parsed_and_checked_here(tmp_path, split_small, monkeypatch):
    path, person, follow_up = made(tmp_path)
    monkeypatch.setattr(split_check.os, "fork", lambda: (_ for _ in ()).throw(OSError("no")))
    checked_dir = Path(os.environ["REBOUND_LOCK_DIR"]) / "checked"
    for entry in checked_dir.glob("*"):
        entry.unlink()
    s = Service.open(path, one_shot=True, resident=True)
    assert type(tables_of(s.db)["interactions"]) is dict
    assert len(s.db.raw("interactions")) == 41


@pytestmark_linux
def test_a_merge_parses_the_table_first(tmp_path, split_small):
    path, person, follow_up = made(tmp_path)
    Service.open(path, one_shot=True, resident=True)
    s = Service.open(path, one_shot=True, resident=True)
    assert type(tables_of(s.db)["interactions"]) is SparseTable
    other = Service.open(path)  # another process's edit, saved meanwhile
    other.log("call", contact=person, note="from the other one")
    other.save()
    s.log("call", contact=person, note="from this one")
    s.save()
    notes = {d["note"] for d in orjson.loads(path.read_bytes())["interactions"].values()}
    assert {"from the other one", "from this one"} <= notes
    assert checked  # (the module the loads use)


def test_versions_of_the_same_bytes_compare_by_what_was_written():
    raw, sparse = laid_out({"a": {"kind": "call"}, "b": {"kind": "note"}})
    assert sparse.with_record("a", {"kind": "call"}) == sparse  # (the same value written)
    assert sparse.with_record("a", {"kind": "note"}) != sparse
    assert sparse.with_records({"c": {}}) != sparse
    assert sparse == {"a": {"kind": "call"}, "b": {"kind": "note"}}  # (else as mappings)
    assert sparse._shared.whole is not None  # (that one parsed it)


@pytestmark_linux
@pytest.mark.parametrize("many", [False, True])
def test_a_conflict_copy_merges_into_the_bytes_record_by_record(
    tmp_path, split_small, monkeypatch, many
):
    """A copy read where it differs from our file holds a few interactions: they are merged
    into the table left as bytes, which is not parsed; a copy with more is merged whole."""
    if many:
        monkeypatch.setattr(sparse_mod, "MAX_WRITTEN", 0)
        monkeypatch.setattr("rebound_tui.store.sync.MAX_WRITTEN", 0)
    path, person, follow_up = made(tmp_path)
    Service.open(path, one_shot=True, resident=True)  # (checked here: trusted from now)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(path.read_bytes())
    other = Service.open(elsewhere)
    edited = sorted(other.db.raw("interactions"))[5]
    other.db.update("interactions", edited, {"note": "edited elsewhere [/]"})
    other.log("call", contact=person, note="logged elsewhere")
    other.save()
    copy = tmp_path / "data.sync-conflict-20261205-081522-VJDTRJ7.json"
    elsewhere.rename(copy)
    s = Service.open(path, one_shot=True, resident=True)
    table = tables_of(s.db)["interactions"]
    if many:
        assert type(table) is dict
    else:
        assert type(table) is SparseTable and table._shared.whole is None
    s.log("call", contact=person, note="logged here")
    s.save()
    raw = path.read_bytes()
    data = orjson.loads(raw)
    assert encode(data) == raw and not copy.exists()
    notes = [d["note"] for d in data["interactions"].values()]
    assert {"logged elsewhere", "logged here"} <= set(notes) and len(notes) == 43
    assert data["interactions"][edited]["note"] == "edited elsewhere [/]"


def test_the_dashboards_commit_journals_an_edit_to_a_table_left_as_bytes(tmp_path, monkeypatch):
    """A resident open (the dashboard's) of a file checked here before leaves its largest table
    as bytes; the first commit parses it, and the journal holds the edit (a crash before the
    save loses nothing)."""
    monkeypatch.setattr(sparse_mod, "MIN_BYTES", 0)
    path, person, _ = made(tmp_path)
    name = max(table_spans(path.read_bytes()) or [], key=lambda s: s[2] - s[1])[0]
    s = Service.open(path, resident=True)
    assert type(tables_of(s.db)[name]) is SparseTable
    s.log("call", contact=person, note="journaled, not saved")
    assert s.commit(wait=1)
    assert type(tables_of(s.db)[name]) is dict
    other = Service.open(path)  # (another process: the file and the journal)
    notes = {d.get("note") for d in other.db.raw("interactions").values()}
    assert "journaled, not saved" in notes


@pytest.mark.parametrize("laid_out", [True, False])
def test_a_first_starts_helper_says_whether_the_file_is_laid_out_as_we_write_it(
    tmp_path, monkeypatch, laid_out
):
    """The helper's summarized load checks a file new here: it also judges the layout (the
    summarized table piece by piece), so the dashboard's open after it may leave the table as
    bytes; a file laid out otherwise is parsed there."""
    from rebound_tui.touches import INTERACTION_FACTS

    monkeypatch.setattr(sparse_mod, "MIN_BYTES", 0)
    path, person, _ = made(tmp_path)
    raw = path.read_bytes()
    if not laid_out:  # (one space more in an interaction: the same data, another layout)
        start = raw.index(b'"interactions": {')
        raw = raw[:start] + raw[start:].replace(b'"kind": ', b'"kind":  ', 1)
    fresh = tmp_path / "fresh.json"
    fresh.write_bytes(raw)  # (new here: never checked)
    helper = Service.open(fresh, one_shot=True, summaries=INTERACTION_FACTS)
    assert helper.db.summary("interactions")
    dashboard = Service.open(fresh, resident=True)
    table = tables_of(dashboard.db)["interactions"]
    assert (type(table) is SparseTable) is laid_out
    assert dict(table.items()) == orjson.loads(raw)["interactions"]
