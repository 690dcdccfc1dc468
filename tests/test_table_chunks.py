"""A forked child's check a few hundred KB at a time (`store/table_chunks.py`): the pieces are
the table cut between records, and the verdict and the highest stamp are the whole table's,
whatever the layout, the cut points or the records given twice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_tui.store import table_chunks
from rebound_tui.store.fileformat import encode
from rebound_tui.store.layout import table_spans
from rebound_tui.store.record_problems import table_problems
from tests.test_parse_by_table import tables as tables_
from tests.test_split_check import a_file, with_bad

NOW = 1_800_000_000_000  # 2027-01-15
LIMIT = "2027-01-16T08:00:00.000Z-ffff-ffffffff"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return a_file(tmp_path_factory.mktemp("chunks"), interactions=40)


def table_text(raw: bytes, name: str) -> bytes:
    (start, stop) = next((a, b) for n, a, b in table_spans(raw) or [] if n == name)
    return raw[start:stop]


def checker(name: str, seen: list[str]):
    def check(value: Any) -> list[str]:
        return table_problems(name, value, None, LIMIT, NOW, None, seen)

    return check


def given_twice(data: dict[str, Any]) -> tuple[bytes, str]:
    """The interactions' text with the last record also given first, bad and stamped later
    than anything else; and that stamp."""
    good = data["interactions"]
    twice = sorted(good)[-1]
    early = json.loads(json.dumps(good[twice]))
    early["note"] = ["not", "text"]
    early["_clock"]["note"] = "2026-12-31T00:00:00.000Z-0000-aaaaaaaa"
    first = table_text(encode({"interactions": {twice: early}}), "interactions")
    rest = table_text(encode(data), "interactions")
    text = first[: first.rindex(b"\n  }")] + b"," + rest[1:]  # (`twice` first and last)
    assert text.count(twice.encode()) == 2
    return text, early["_clock"]["note"]


def whole(name: str, text: bytes) -> tuple[list[str], str]:
    seen = [""]
    found = table_problems(name, orjson.loads(text), None, LIMIT, NOW, None, seen, share=False)
    return found, seen[0]


def chunked(name: str, raw: Any) -> tuple[list[str], str]:
    seen = [""]
    return table_chunks.problems(name, raw, LIMIT, NOW, seen), seen[0]


def test_the_pieces_are_the_table_cut_between_records(data, monkeypatch) -> None:
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", 600)
    text = table_text(encode(data), "interactions")
    pieces = table_chunks.chunks(text)
    assert len(pieces) > 5
    values = [orjson.loads(piece) for piece in pieces]
    assert all(type(v) is dict and v for v in values)
    assert sum(len(v) for v in values) == len(data["interactions"])
    joined: dict[str, Any] = {}
    for value in values:
        joined.update(value)
    assert joined == data["interactions"]
    assert list(joined) == sorted(data["interactions"])  # (in the table's order)


def test_a_small_table_is_one_piece(data) -> None:
    text = table_text(encode(data), "interactions")
    assert len(text) < 2 * table_chunks.CHUNK_BYTES
    assert table_chunks.chunks(text) == [text]
    assert table_chunks.chunks((memoryview(text)[:-1], b"}")) == [text]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    size=st.integers(min_value=40, max_value=5000),
    at=st.floats(min_value=0, max_value=1),
    table=st.sampled_from(["interactions", "contacts"]),
    bad=st.booleans(),
)
def test_the_same_verdict_and_highest_stamp_as_the_whole_table(
    data, monkeypatch, size: int, at: float, table: str, bad: bool
) -> None:
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", size)
    raw = encode(with_bad(data, table, at) if bad else data)
    text = table_text(raw, table)
    expected = whole(table, text)
    assert chunked(table, text) == expected
    assert chunked(table, memoryview(text)) == expected
    assert bool(expected[0]) == bad
    # A load that keeps the data: the table itself too, in its order, its equal strings shared.
    value, seen = orjson.loads(text), [""]
    got, found = table_chunks.parse_checked(memoryview(text), checker(table, seen), seen)
    assert got == value and list(got) == list(value)
    assert (found, seen[0]) == expected


def test_a_share_given_in_pieces_as_split_check_cuts_it(data, monkeypatch) -> None:
    """(The child's share of a table: all of it up to a cut, then the closing brace.)"""
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", 500)
    raw = encode(with_bad(data, "interactions", 0.3))
    text = table_text(raw, "interactions")
    cut = text.find(b',\n    "', len(text) // 2)
    view = memoryview(text)
    expected = whole("interactions", text[:cut] + b"}")
    assert expected[0]
    assert chunked("interactions", (view[:cut], b"}")) == expected


def test_another_layout_cut_inside_records_is_checked_whole(data, monkeypatch) -> None:
    """Records laid out two spaces in (fields four): the cuts fall inside records, a piece
    does not parse, and the table is checked whole."""
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", 300)
    bad = with_bad(data, "interactions", 0.6)["interactions"]
    text = json.dumps(bad, indent=2, sort_keys=True).encode()
    pieces = table_chunks.chunks(text)
    assert len(pieces) > 2
    with pytest.raises(orjson.JSONDecodeError):
        for piece in pieces:
            orjson.loads(piece)
    expected = whole("interactions", text)
    assert expected[0]
    assert chunked("interactions", text) == expected


def test_a_record_given_twice_counts_once_with_its_later_value(data, monkeypatch) -> None:
    """The first value (bad, and stamped later than anything else) is what the file no
    longer means: neither its problem nor its stamp counts, as in a parse of the whole."""
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", 400)
    text, late = given_twice(data)
    assert len(table_chunks.chunks(text)) > 2
    expected = whole("interactions", text)
    assert expected[0] == []
    assert expected[1] < late
    assert chunked("interactions", text) == expected


def test_the_split_check_child_checks_in_pieces(tmp_path: Path, monkeypatch) -> None:
    """`split_check`'s child answers through these pieces (checked in this process here)."""
    from rebound_tui.store import split_check

    monkeypatch.setattr(split_check, "MIN_BYTES", 0)
    monkeypatch.setattr(split_check, "_cores", lambda: 2)
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", 500)
    calls: list[int] = []
    real = table_chunks.chunks
    monkeypatch.setattr(table_chunks, "chunks", lambda raw: calls.append(1) or real(raw))
    raw = encode(with_bad(a_file(tmp_path), "interactions", 0.3))
    answer = orjson.loads(split_check._answer_whole(raw, LIMIT, NOW, True))
    assert calls
    assert any("interactions/" in p for p in answer["problems"])


def test_a_load_in_pieces_of_a_record_given_twice_keeps_its_later_value(data, monkeypatch):
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", 400)
    text, late = given_twice(data)
    seen = [""]
    got, found = table_chunks.parse_checked(text, checker("interactions", seen), seen)
    assert got == orjson.loads(text) == data["interactions"]
    assert list(got) == list(orjson.loads(text))
    assert found == [] and seen[0] < late


def test_decode_checks_a_file_new_here_in_pieces(tmp_path: Path, monkeypatch) -> None:
    """The load of a file whose records must be checked takes every table but the first it
    parses in pieces: the same refusal, the same data and highest stamp as in one piece."""
    from rebound_tui.domain.merge import max_stamp
    from rebound_tui.store import by_table
    from rebound_tui.store.fileformat import DataFileError, decode

    calls: list[int] = []
    real = table_chunks.chunks
    monkeypatch.setattr(table_chunks, "chunks", lambda raw: calls.append(1) or real(raw))
    data = a_file(tmp_path, interactions=40)
    raw = encode(with_bad(data, "interactions", 0.7))
    with pytest.raises(DataFileError) as whole:
        decode(raw, tmp_path / "r.json", trusted=lambda *a: False)
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", 300)
    with pytest.raises(DataFileError) as pieces:
        decode(raw, tmp_path / "r.json", trusted=lambda *a: False)
    assert str(pieces.value) == str(whole.value) and "interactions/" in str(whole.value)
    assert calls
    found: dict[str, Any] = {}
    good = encode(data)
    assert decode(good, tmp_path / "r.json", trusted=lambda *a: False, found=found) == data
    assert found == {"top": max_stamp(data)}
    assert by_table.parse_by_table(good, check=True)[0] == data  # (no hash asked: all so)


@settings(max_examples=200, deadline=None)
@given(
    tables_, st.sampled_from(["ours", "indent2", "compact"]), st.integers(min_value=1, max_value=60)
)
def test_any_table_in_pieces_as_in_one(body: dict[str, Any], style: str, size: int) -> None:
    """Hostile and odd tables, cut anywhere a record might start: the same data, key order
    and problems as one whole parse."""
    from rebound_tui.store.by_table import parse_by_table
    from rebound_tui.store.fileformat import new_database
    from rebound_tui.store.record_problems import shape_problems

    data = {**new_database("d" * 32), **body}
    raw = {
        "ours": encode(data),
        "indent2": json.dumps(data, indent=2).encode(),
        "compact": json.dumps(data).encode(),
    }[style]
    before, table_chunks.CHUNK_BYTES = table_chunks.CHUNK_BYTES, size
    try:
        split = parse_by_table(raw, check=True)
    finally:
        table_chunks.CHUNK_BYTES = before
    if split is not None:
        assert split[0] == orjson.loads(raw) and list(split[0]) == list(orjson.loads(raw))
        assert split[1] == shape_problems(orjson.loads(raw))


# -- `parse`: a table that needs no check, in pieces ---------------------------------------------
def test_a_table_parsed_in_pieces_is_the_table_in_its_order(data, monkeypatch) -> None:
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", 500)
    text = table_text(encode(data), "interactions")
    calls: list[int] = []
    real = table_chunks.chunks
    monkeypatch.setattr(table_chunks, "chunks", lambda raw: calls.append(1) or real(raw))
    got = table_chunks.parse(memoryview(text))
    assert got == orjson.loads(text) and list(got) == list(orjson.loads(text))
    assert len(real(text)) > 5 and calls
    cut = text.find(b',\n    "', len(text) // 2)  # (split_check's share: up to a cut, then "}")
    share = table_chunks.parse((memoryview(text)[:cut], b"}"))
    assert share == orjson.loads(text[:cut] + b"}") and list(share) == list(
        orjson.loads(text[:cut] + b"}")
    )


def test_a_table_parsed_in_pieces_keeps_the_later_value_of_a_record_given_twice(
    data, monkeypatch
) -> None:
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", 400)
    text, _late = given_twice(data)
    got = table_chunks.parse(text)
    assert got == orjson.loads(text) and list(got) == list(orjson.loads(text))


def test_text_that_is_no_table_fails_as_one_parse_does(monkeypatch) -> None:
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", 8)
    ok = b'{\n    "a": {"x": 1},\n    "b": [2],\n    "c": "three",\n    "d": null\n}'
    assert table_chunks.parse(ok) == orjson.loads(ok)
    assert table_chunks.parse(b"[1, 2, 3]") == [1, 2, 3]
    for bad in (ok[:-1], ok.replace(b'"b"', b"b"), ok + b"x", b""):
        with pytest.raises(orjson.JSONDecodeError):
            orjson.loads(bad)
        with pytest.raises(orjson.JSONDecodeError):
            table_chunks.parse(bad)


@settings(max_examples=200, deadline=None)
@given(
    tables_, st.sampled_from(["ours", "indent2", "compact"]), st.integers(min_value=1, max_value=60)
)
def test_any_table_parsed_in_pieces_as_in_one(body: dict[str, Any], style: str, size: int) -> None:
    """Hostile and odd tables (any JSON value), cut anywhere a record might start: the same
    value and key order as one parse."""
    for name, table in body.items():
        spans = table_spans(encode({name: table})) if style == "ours" else None
        if spans:
            text = table_text(encode({name: table}), name)
        else:
            text = json.dumps(table, indent=2 if style == "indent2" else None).encode()
        before, table_chunks.CHUNK_BYTES = table_chunks.CHUNK_BYTES, size
        try:
            got = table_chunks.parse(text)
        finally:
            table_chunks.CHUNK_BYTES = before
        expected = orjson.loads(text)
        assert got == expected and type(got) is type(expected)
        if type(expected) is dict:
            assert list(got) == list(expected)


def test_loads_parse_their_tables_in_pieces(tmp_path: Path, monkeypatch) -> None:
    """A command's split check, a load of bytes checked before and a first start's partial
    read each take their tables through `parse`: the same data as before."""
    from rebound_tui.store import split_check
    from rebound_tui.store.fileformat import decode
    from rebound_tui.store.partial_read import read_tables

    data = a_file(tmp_path, interactions=40)
    raw = encode(data)
    path = tmp_path / "r.json"
    path.write_bytes(raw)
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", 300)
    calls: list[int] = []
    real = table_chunks.parse
    monkeypatch.setattr(table_chunks, "parse", lambda text: calls.append(1) or real(text))
    assert decode(raw, path, trusted=lambda *a: True) == data  # (spared: parsed only)
    assert calls
    calls.clear()
    tables = read_tables(path, ("followups", "contacts"))
    assert tables is not None and tables.tables["contacts"] == data["contacts"]
    assert calls
    calls.clear()
    monkeypatch.setattr(split_check, "MIN_BYTES", 1)
    monkeypatch.setattr(split_check, "_cores", lambda: 2)
    assert decode(raw, path, trusted=lambda *a: False, fork_checks=True) == data
    assert len(calls) >= 2  # (the other tables, and the largest one's parts)
