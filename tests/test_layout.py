"""The incremental save plan writes exactly the bytes `encode` would, save after save."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rebound_tui.store import exact, layout
from rebound_tui.store.fileformat import decode, encode
from rebound_tui.store.layout import SMALL_TABLE, Layout, Span, largest_table, plan, render

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

ids = st.text(st.sampled_from('abcé0"\\\n☃'), min_size=1, max_size=4)
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)
docs = st.dictionaries(st.sampled_from(["name", "note", "_clock", "ünï"]), values, max_size=3)
tables = st.dictionaries(ids, docs, min_size=1, max_size=SMALL_TABLE + 6)
databases = st.dictionaries(st.sampled_from(["meta", "contacts", "companies"]), tables, min_size=1)

edits = st.lists(
    st.tuples(
        st.sampled_from(["change", "same", "add", "remove", "new-table"]),
        st.sampled_from(["meta", "contacts", "companies", "followups"]),
        ids,
        docs,
    ),
    max_size=8,
)


def apply(data: dict[str, Any], edit: tuple[str, str, str, dict]) -> dict[str, Any]:
    """Copy-on-write, as the database writes: a new table dict, a new record object."""
    kind, table, record_id, doc = edit
    records = dict(data.get(table, {}))
    if kind == "change" and records:
        victim = sorted(records)[len(record_id) % len(records)]
        records[victim] = doc
    elif kind == "same" and records:
        victim = sorted(records)[len(record_id) % len(records)]
        records[victim] = dict(records[victim])  # a new object with the same content
    elif kind == "add" or (kind == "new-table" and table not in data):
        records[record_id] = doc
    elif kind == "remove" and records:
        del records[sorted(records)[0]]
    return {**data, table: records}


@settings(max_examples=300, deadline=None)
@given(databases, st.lists(edits, min_size=1, max_size=4), st.sampled_from([1, SMALL_TABLE]))
def test_planned_saves_equal_a_full_encode(data, saves, small):
    # With small = 1 every table takes the big-table path (records compared by identity).
    saved, layout.SMALL_TABLE = layout.SMALL_TABLE, small
    try:
        check_saves(data, saves)
    finally:
        layout.SMALL_TABLE = saved


def check_saves(data: dict[str, Any], saves: list[list[tuple[str, str, str, dict]]]) -> None:
    raw = encode(data)
    current = Layout.of(data, raw)
    assert current is not None
    for batch in saves:
        for edit in batch:
            data = apply(data, edit)
        expected = encode(data)
        step = None if current is None else plan(current, data, lambda a, b, old=raw: old[a:b])
        if step is None:  # the tables changed: a full encode, whose layout is read back
            assert current is None or [t for t in sorted(data) if data[t]] != list(current.tables)
            raw, current = expected, Layout.of(data, expected)
            assert (current is None) == (raw == b"{}\n")  # only "no records at all" has none
            continue
        assert render(step.pieces, raw) == expected
        assert step.unchanged == (expected == raw)
        assert step.layout.size == len(expected)
        raw, current = expected, step.layout


def test_an_unchanged_big_table_is_one_copied_span():
    records = {f"{n:04}": {"name": f"person {n}"} for n in range(SMALL_TABLE * 2)}
    data = {"contacts": records, "meta": {"db": {"format": "rebound-tui"}}}
    raw = encode(data)
    old = Layout.of(data, raw)
    assert old is not None
    step = plan(old, {**data, "meta": {"db": {"format": "rebound-tui"}}}, lambda a, b: raw[a:b])
    assert step is not None and step.unchanged
    spans = [p for p in step.pieces if isinstance(p, Span)]
    assert len(spans) == 2  # the contacts, and the meta record (small: re-encoded, same bytes)
    assert sum(s.end - s.start for s in spans) > len(raw) - 100


def test_one_edit_encodes_one_record():
    records = {f"{n:04}": {"name": f"person {n}"} for n in range(500)}
    data = {"contacts": records}
    raw = encode(data)
    old = Layout.of(data, raw)
    assert old is not None
    edited = {**data, "contacts": {**records, "0250": {"name": "renamed"}}}
    step = plan(old, edited, lambda a, b: raw[a:b])
    assert step is not None and step.changed == 1
    assert [p for p in step.pieces if isinstance(p, bytes) and b"renamed" in p]
    assert render(step.pieces, raw) == encode(edited)


def test_the_demo_file_has_a_layout():
    raw = (EXAMPLES / "demo.json").read_bytes()
    data = decode(raw, "demo.json")
    assert encode(data) == raw
    found = Layout.of(data, raw)
    assert found is not None
    assert sum(len(t) for t in found.tables.values()) == sum(len(t) for t in data.values())
    for name, table in found.tables.items():
        for record_id, start, length in zip(table.ids, table.starts(), table.lengths, strict=True):
            assert raw[start : start + length] == layout.fragment(record_id, data[name][record_id])


def test_a_file_that_is_not_the_encoding_has_no_layout():
    data = {"contacts": {"a": {"name": "x"}, "b": {"name": "y"}}}
    assert Layout.of(data, encode({"contacts": {"a": {"name": "x"}}})) is None


@settings(max_examples=150, deadline=None)
@given(
    databases,
    st.integers(min_value=0),
    st.sampled_from([b" ", b"\n", b"\r"]),
    st.sampled_from([1, 2, 2000]),
)
def test_a_read_file_gets_a_layout_only_if_it_is_our_exact_bytes(data, where, junk, chunk):
    saved, exact._VERIFY_RECORDS = exact._VERIFY_RECORDS, chunk  # records checked at once
    try:
        check_read_layout(data, where, junk)
    finally:
        exact._VERIFY_RECORDS = saved


def check_read_layout(data: dict[str, Any], where: int, junk: bytes) -> None:
    data = {name: records for name, records in data.items() if records}
    raw = encode(data)
    found = Layout.of_read(data, raw)
    assert found is not None and found == Layout.of(data, raw)
    at = where % (len(raw) + 1)
    changed = raw[:at] + junk + raw[at:]  # one stray byte anywhere: maybe still valid JSON
    assert Layout.of_read(data, changed) is None
    # The same, read a piece at a time (the dashboard's first save): the same layout, or none.
    assert Layout.of_file(data, len(raw), lambda a, b: raw[a:b]) == found
    assert Layout.of_file(data, len(changed), lambda a, b: changed[a:b]) is None
    if at < len(raw):  # one byte replaced: the same size, other bytes
        other = raw[:at] + bytes([raw[at] ^ 1]) + raw[at + 1 :]
        assert Layout.of_file(data, len(other), lambda a, b: other[a:b]) is None


def test_the_largest_table_if_large_and_given_once() -> None:
    spans = [("companies", 10, 20), ("interactions", 30, 530), ("meta", 540, 550)]
    assert largest_table(spans, 500) == 1
    assert largest_table(spans, 501) is None  # (not large enough)
    assert largest_table([*spans, ("interactions", 560, 570)], 500) is None  # (given twice)
    assert largest_table([], 0) is None
