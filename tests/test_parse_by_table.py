"""decode parses a file one table at a time: the same data and problems as one whole parse."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rebound_tui.store import fileformat
from rebound_tui.store.by_table import parse_by_table
from rebound_tui.store.fileformat import DataFileError, decode, encode, new_database
from rebound_tui.store.record_problems import shape_problems

names = st.sampled_from(["contacts", "companies", 'x\\"y', "ünï", "rules"])
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)
records = st.dictionaries(st.text(min_size=1, max_size=4), values, max_size=4)
tables = st.dictionaries(names, records | values, max_size=4)


def whole(raw: bytes) -> Any:
    return orjson.loads(raw)


@settings(max_examples=300, deadline=None)
@given(tables, st.sampled_from(["ours", "indent2", "indent4", "compact", "crlf"]))
def test_same_data_and_problems_as_one_whole_parse(body: dict[str, Any], style: str):
    data = {**new_database("d" * 32), **body}
    raw = {
        "ours": encode(data),
        "indent2": json.dumps(data, indent=2).encode(),
        "indent4": json.dumps(data, indent=4).encode(),
        "compact": json.dumps(data).encode(),
        "crlf": json.dumps(data, indent=2).replace("\n", "\r\n").encode(),
    }[style]
    split = parse_by_table(raw, check=True)
    if split is not None:
        parsed, problems, spared = split
        assert not spared
        assert parsed == whole(raw)
        assert list(parsed) == list(whole(raw))  # the same key order
        assert problems == shape_problems(whole(raw))
    if style == "ours":
        assert split is not None  # our own files always take the lighter path


def test_a_table_given_twice_keeps_the_last_like_a_whole_parse():
    raw = b'{\n  "a": {"x": {}},\n  "meta": {"db": {}},\n  "a": {"y": {}}\n}\n'
    split = parse_by_table(raw, check=False)
    assert split is not None and split[0] == whole(raw) == {"a": {"y": {}}, "meta": {"db": {}}}


@pytest.mark.parametrize("cut", [10, 100, -3, -2])
def test_a_truncated_file_is_refused_as_before(cut: int, tmp_path):
    data = {**new_database(), "contacts": {f"{n:02}": {"name": f"P {n}"} for n in range(20)}}
    raw = encode(data)[:cut]
    with pytest.raises(DataFileError, match="not valid JSON|not a rebound"):
        decode(raw, tmp_path / "f.json")


def test_decode_takes_the_table_path_and_checks_each_table(monkeypatch, tmp_path):
    data = {**new_database(), "contacts": {"a": {"name": "x", "_clock": {"name": "bad"}}}}
    seen: list[int] = []
    real = fileformat.orjson.loads

    def loads(raw):
        seen.append(len(raw))
        return real(raw)

    monkeypatch.setattr(fileformat.orjson, "loads", loads)
    with pytest.raises(DataFileError, match="wrong shape"):
        decode(encode(data), tmp_path / "f.json")
    assert len(seen) >= 2  # one parse per table (and the names), not one of the whole file


@pytest.mark.parametrize("junk", [b"\x0c", b"\x0b"])
def test_whitespace_json_does_not_allow_is_refused_as_by_a_whole_parse(junk: bytes, tmp_path):
    raw = encode({**new_database(), "contacts": {"a": {"name": "x", "_clock": {}}}})
    for bad in (junk + raw, raw + junk):
        assert parse_by_table(bad, check=True) is None
        with pytest.raises(DataFileError):
            decode(bad, tmp_path / "f.json")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["ours", "indent4"]), min_size=1, max_size=1))
def test_a_full_check_finds_the_highest_stamp_and_exactness_on_the_way(style: list[str]) -> None:
    """`decode(found=...)`: the highest stamp of a file whose every record was checked, as the
    walk over every stamp (`merge.max_stamp`) finds it, and with `strict` whether it is laid
    out exactly as we write; nothing when checks were spared."""
    import tempfile
    from pathlib import Path

    from rebound_tui.domain.merge import max_stamp
    from rebound_tui.service import Service

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.json"
        s = Service.open(path)
        s.add_company("Acme")
        person = s.add_contact("Dana", company="Acme")
        s.log("call", contact=person.id)
        s.delete_contact(person.id)
        s.save()
        data = json.loads(path.read_bytes())
        raw = encode(data) if style[0] == "ours" else json.dumps(data, indent=4).encode()
        found: dict = {}
        decoded = decode(raw, path, found=found)
        assert found == {"top": max_stamp(decoded)}
        strict: dict = {}
        decode(raw, path, found=strict, strict=True)
        assert strict == {"top": max_stamp(decoded), "exact": style[0] == "ours"}
        spared: dict = {}
        decode(raw, path, found=spared, trusted=lambda *a: True)
        assert spared == {}
        again: dict = {}
        decode(raw, path, found=again, checked=decoded)  # records spared as the same as memory
        assert again == {}
