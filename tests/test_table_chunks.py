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
from tests.test_split_check import a_file, with_bad

NOW = 1_800_000_000_000  # 2027-01-15
LIMIT = "2027-01-16T08:00:00.000Z-ffff-ffffffff"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return a_file(tmp_path_factory.mktemp("chunks"), interactions=40)


def table_text(raw: bytes, name: str) -> bytes:
    (start, stop) = next((a, b) for n, a, b in table_spans(raw) or [] if n == name)
    return raw[start:stop]


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
    good = data["interactions"]
    twice = sorted(good)[-1]
    early = json.loads(json.dumps(good[twice]))
    early["note"] = ["not", "text"]
    early["_clock"]["note"] = "2026-12-31T00:00:00.000Z-0000-aaaaaaaa"
    first = table_text(encode({"interactions": {twice: early}}), "interactions")
    rest = table_text(encode(data), "interactions")
    text = first[: first.rindex(b"\n  }")] + b"," + rest[1:]  # (`twice` first and last)
    assert text.count(twice.encode()) == 2
    assert len(table_chunks.chunks(text)) > 2
    expected = whole("interactions", text)
    assert expected[0] == []
    assert expected[1] < early["_clock"]["note"]
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
