"""check_doc makes equal stamps (and equal values of reference, day and choice fields) one string
object: a loaded file then holds one string per distinct stamp. Values must never change."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rebound_tui.domain import record_check
from rebound_tui.domain.clock import make_stamp
from rebound_tui.domain.merge import SHARED_FIELDS, check_doc
from rebound_tui.store.fileformat import decode, encode, new_database

T0 = 1_777_730_591_000  # 2026-05-02T14:03:11.000Z


def fresh(s: str) -> str:
    """An equal string that is a different object (literals and make_stamp may be shared)."""
    out = (s + "#")[:-1]
    assert out == s and out is not s
    return out


def stamp(n: int, replica: str = "aaaaaaaa") -> str:
    return fresh(make_stamp(T0 + n * 1000, n % 3, replica))


@pytest.fixture(autouse=True)
def empty_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from empty caches (and leaves the module's own alone)."""
    monkeypatch.setattr(record_check, "_stamps", {})
    monkeypatch.setattr(record_check, "_values", {})


# -- docs of many shapes -----------------------------------------------------------------------
FIELDS = ["name", "note", *sorted(SHARED_FIELDS)[:6]]
VALUES = st.one_of(
    st.sampled_from(["acme", "2026-05-02", "a" * 32, "x" * 70, "", "open"]),
    st.none(),
    st.integers(-3, 3),
    st.lists(st.sampled_from(["a" * 32, "b" * 32]), max_size=2),
)


@st.composite
def docs(draw: Any) -> dict[str, Any]:
    fields = draw(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=len(FIELDS)))
    moments = st.integers(0, 5)
    doc: dict[str, Any] = {
        k: fresh(v) if isinstance(v, str) and v else v for k, v in fields.items()
    }
    doc["_created"] = stamp(draw(moments))
    doc["_clock"] = {k: stamp(draw(moments)) for k in fields}
    if draw(st.booleans()):
        doc["_deleted"] = stamp(draw(moments))
    return doc


def strings(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(what, string) of every stamp and every shared-field value of a record."""
    out = [("stamp", s) for s in doc["_clock"].values()]
    out += [("stamp", doc[k]) for k in ("_created", "_deleted") if k in doc]
    out += [
        (k, v)
        for k, v in doc.items()
        if k in SHARED_FIELDS and isinstance(v, str) and len(v) <= record_check._SHARED_MAX_LEN
    ]
    return out


@settings(max_examples=100, deadline=None)
@given(st.lists(docs(), min_size=1, max_size=6))
def test_equal_stamps_and_shared_values_become_one_object_values_unchanged(
    records: list[dict[str, Any]],
) -> None:
    before = copy.deepcopy(records)
    for d in records:
        assert check_doc(d) == []
    assert records == before  # equal in value, key order included
    assert [list(d) for d in records] == [list(d) for d in before]
    first: dict[tuple[str, str], str] = {}
    for d in records:
        for what, s in strings(d):
            kind = "stamp" if what == "stamp" else "value"
            assert first.setdefault((kind, s), s) is s, f"two objects for the {kind} {s!r}"


def test_free_text_and_other_fields_keep_their_own_objects() -> None:
    long = "x" * (record_check._SHARED_MAX_LEN + 1)
    a = {"name": fresh("Ann"), "note": fresh(long), "_clock": {"name": stamp(1), "note": stamp(1)}}
    b = {"name": fresh("Ann"), "note": fresh(long), "_clock": {"name": stamp(1), "note": stamp(1)}}
    a["company_id"], b["company_id"] = fresh(long), fresh(long)
    a["_clock"]["company_id"] = b["_clock"]["company_id"] = stamp(1)
    assert check_doc(a) == [] and check_doc(b) == []
    assert a["name"] is not b["name"] and a["note"] is not b["note"]
    assert a["company_id"] is not b["company_id"]  # too long to be a reference or a day
    assert a["_clock"]["name"] is b["_clock"]["note"] is b["_clock"]["company_id"]


def test_bad_stamps_are_still_reported_every_time_and_never_shared() -> None:
    good = stamp(1)
    for _ in range(2):
        bad = {"name": "A", "_clock": {"name": fresh("yesterday")}, "_created": fresh("x")}
        problems = check_doc(bad)
        assert any("bad stamp for field 'name'" in p for p in problems)
        assert any("bad _created" in p for p in problems)
    assert list(record_check._stamps) == []
    ok = {"name": "A", "_clock": {"name": good}, "_created": stamp(1), "_deleted": 7}
    assert any("bad _deleted" in p for p in check_doc(ok))
    assert ok["_created"] is good and ok["_deleted"] == 7


def test_a_full_cache_is_emptied_and_sharing_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(record_check, "_CACHE_LIMIT", 4)
    records = [{"day": fresh(f"2026-05-0{n}"), "_clock": {"day": stamp(n)}} for n in range(1, 9)]
    for d in records:
        assert check_doc(d) == []
    assert len(record_check._stamps) <= 5 and len(record_check._values) <= 5
    twin = {"day": fresh("2026-05-08"), "_clock": {"day": stamp(8)}}
    assert check_doc(twin) == []
    assert twin["day"] is records[-1]["day"]
    assert twin["_clock"]["day"] is records[-1]["_clock"]["day"]


def test_a_decoded_file_holds_one_object_per_distinct_stamp_and_encodes_to_the_same_bytes() -> None:
    data = new_database("d" * 32)
    s1, s2 = make_stamp(T0, 0, "aaaaaaaa"), make_stamp(T0 + 5, 1, "bbbbbbbb")
    data["contacts"] = {
        f"{n:032x}": {
            "name": f"P{n}",
            "company_id": "c" * 32,
            "role": "peer",
            "_created": s1,
            "_clock": {"name": s1, "company_id": s1, "role": s2 if n % 2 else s1},
        }
        for n in range(20)
    }
    raw = encode(data)
    loaded = decode(raw, "test.json")
    assert encode(loaded) == raw
    stamps = {
        id(s) for d in loaded["contacts"].values() for s in [*d["_clock"].values(), d["_created"]]
    }
    assert len(stamps) == 2
    assert len({id(d["company_id"]) for d in loaded["contacts"].values()}) == 1
    assert len({id(d["role"]) for d in loaded["contacts"].values()}) == 1
    assert len({id(d["name"]) for d in loaded["contacts"].values()}) == 20
