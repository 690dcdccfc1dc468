"""The whole-table check (`table_check.sift`, used by every load) reaches the same verdict as
checking each record with `check_doc`: the same problems in the same order, the same highest
stamp, the same values, and the same strings made one object. Hostile tables included."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rebound_tui.domain import record_check
from rebound_tui.domain.clock import all_stamps, is_stamp, make_stamp
from rebound_tui.domain.record_check import SHARED_FIELDS, check_doc
from rebound_tui.domain.schema import SCHEMA, safe_name
from rebound_tui.domain.table_check import sift
from rebound_tui.store.record_problems import table_problems

T0 = 1_777_730_591_000  # 2026-05-02T14:03:11.000Z
NOW = T0 + 86_400_000
LIMIT = make_stamp(NOW + 86_400_000, 0xFFFF, "ffffffff")
AHEAD = make_stamp(NOW + 9 * 86_400_000, 0, "bbbbbbbb")


def good_stamp() -> str:
    return make_stamp(T0, 7, "abcdef01")


@pytest.fixture(autouse=True)
def empty_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(record_check, "_stamps", {})
    monkeypatch.setattr(record_check, "_values", {})


def fresh(s: str) -> str:
    """An equal string that is another object (as a parser makes one per value)."""
    return (s + "#")[:-1]


GOOD = {
    "companies": {"name": "Acme", "stage": "watching", "priority": 3, "hired_started": None},
    "contacts": {"name": "Ana", "company_id": "c1", "role": "boss", "cadence": "30d"},
    "interactions": {"kind": "call", "day": "2026-05-02", "with_ids": ["p1"], "round": 2},
    "followups": {"title": "Ping", "due": "2026-05-03", "kind": "check_in", "status": "open"},
}
# Values a hostile or broken file may hold instead (a few are fine where the field is optional).
ODD = st.sampled_from(
    [
        None,
        "",
        "[/]",
        "\x1b]0;x\x07",
        "2026-02-30",
        "2026-05-02",
        "call",
        0,
        7,
        -1,
        True,
        1.5,
        ["p1", 2],
        ["p1"],
        {"a": 1},
        "30d",
        "30x",
    ]
)
STAMPS = st.one_of(
    st.integers(0, 5).map(lambda n: make_stamp(T0 + n * 1000, n, "aaaaaaaa")),
    st.sampled_from(
        [
            make_stamp(NOW + 9 * 86_400_000, 0, "bbbbbbbb"),  # too far ahead
            "2026-05-02T14:03:11.000Z-0000-aaaaaaa",  # too short
            "2026-02-30T14:03:11.000Z-0000-aaaaaaaa",  # no such day
            "2026-05-02T24:03:11.000Z-0000-aaaaaaaa",  # no such hour
            "2026-05-02T14:03:11.000Z-0000-aaaaaaaa\n2026-05-02T14:03:11.000Z-0000-aaaaaaaa",
            7,
            ["x"],
        ]
    ),
)


@st.composite
def records(draw: Any, table: str) -> dict[str, Any]:
    good = dict(GOOD[table])
    fields = list(SCHEMA[table]) + ["extra", "_own"]
    doc: dict[str, Any] = {}
    for key in draw(st.permutations(list(good))):
        if draw(st.integers(0, 5)) == 0:
            continue  # absent (a required field may be missing: a tombstone, or an error)
        doc[key] = good[key]
    for _ in range(draw(st.integers(0, 2))):
        doc[draw(st.sampled_from(fields))] = draw(ODD)
    plain = [k for k in doc if not k.startswith("_")]
    good_stamp = st.integers(0, 5).map(lambda n: make_stamp(T0 + n * 1000, n, "aaaaaaaa"))
    rare = draw(st.integers(0, 9)) == 0
    clock = {k: draw(STAMPS if rare else good_stamp) for k in plain}
    if plain and draw(st.integers(0, 9)) == 0:
        del clock[plain[0]]  # a field with no stamp
    doc["_clock"] = clock
    for key in ("_created", "_deleted"):
        if draw(st.integers(0, 3)) == 0:
            doc[key] = draw(STAMPS if rare else good_stamp)
    if draw(st.integers(0, 30)) == 0:
        doc["_clock"] = draw(st.sampled_from([None, [], "x"]))
    if draw(st.integers(0, 40)) == 0:
        return draw(st.sampled_from([None, [], "x", 3]))  # type: ignore[return-value]
    # Every string its own object, as the parser makes them.
    return orjson.loads(orjson.dumps(doc))


@st.composite
def tables(draw: Any) -> tuple[str, dict[str, Any]]:
    table = draw(st.sampled_from(sorted(GOOD)))
    many = draw(st.lists(records(table), min_size=0, max_size=12))
    return table, {f"id{n}": doc for n, doc in enumerate(many)}


def one_by_one(table: str, recs: dict[str, Any], top: list[str]) -> list[str]:
    """The reference: every record through `check_doc`, as loads did before `sift`."""
    out = []
    for record_id, doc in recs.items():
        for problem in check_doc(doc, table, record_id, limit=LIMIT, now_ms=NOW, top=top):
            out.append(f"{safe_name(table)}/{safe_name(record_id)}: {problem}")
    return out


def identities(recs: dict[str, Any]) -> list[int]:
    """Which values are one object: the index of the first equal object, per string."""
    seen: dict[int, int] = {}
    out = []
    for doc in recs.values():
        if type(doc) is not dict:
            continue
        clock = doc.get("_clock")
        strings = [v for v in (clock.values() if type(clock) is dict else ()) if type(v) is str]
        strings += [doc[k] for k in ("_created", "_deleted") if type(doc.get(k)) is str]
        strings += [v for k, v in doc.items() if k in SHARED_FIELDS and type(v) is str]
        out += [seen.setdefault(id(s), len(seen)) for s in strings]
    return out


@settings(max_examples=400, deadline=None)
@given(tables())
def test_the_same_verdict_as_each_record_checked(case: tuple[str, dict[str, Any]]) -> None:
    table, recs = case
    mine, theirs = copy.deepcopy(recs), copy.deepcopy(recs)
    top_mine, top_theirs = [""], [""]
    record_check._stamps.clear()
    record_check._values.clear()
    expected = one_by_one(table, theirs, top_theirs)
    record_check._stamps.clear()
    record_check._values.clear()
    got = table_problems(table, mine, None, LIMIT, NOW, None, top_mine)
    assert got == expected
    assert mine == theirs  # values never change
    if not expected:
        assert top_mine == top_theirs
        assert identities(mine) == identities(theirs)  # the same strings made one object


def test_a_good_table_is_cleared_whole_and_shares_its_strings() -> None:
    stamp = make_stamp(T0, 0, "aaaaaaaa")
    recs = {
        f"id{n}": {
            "kind": "call",
            "day": fresh("2026-05-02"),
            "contact_id": fresh("p1"),
            "_clock": {"kind": fresh(stamp), "day": fresh(stamp), "contact_id": fresh(stamp)},
        }
        for n in range(50)
    }
    top = [""]
    assert sift("interactions", recs, limit=LIMIT, top=top) == []
    assert top == [stamp]
    objects = {id(v) for doc in recs.values() for v in doc["_clock"].values()}
    assert len(objects) == 1
    assert len({id(doc["day"]) for doc in recs.values()}) == 1


def test_without_sharing_the_strings_stay_apart() -> None:
    stamp = make_stamp(T0, 0, "aaaaaaaa")
    recs = {f"id{n}": {"name": "Acme", "_clock": {"name": fresh(stamp)}} for n in range(5)}
    assert sift("companies", recs, limit=LIMIT, share=False) == []
    assert len({id(doc["_clock"]["name"]) for doc in recs.values()}) == 5


@pytest.mark.parametrize(
    ("table", "doc"),
    [
        ("interactions", {"kind": "call", "day": "2026-05-02", "_clock": {"kind": "s"}}),
        ("interactions", {"kind": "nap", "day": "2026-05-02"}),
        ("companies", {"name": "Acme", "priority": 9}),
        ("companies", {"name": "Acme", "priority": True}),
        ("followups", {"title": None, "due": "2026-05-02"}),
        ("contacts", {"name": "Ana", "cadence": "30x"}),
        ("interactions", {"kind": "call", "day": "2026-05-02", "with_ids": ["p1", 2]}),
        ("interactions", {"kind": "call", "day": "2026-05-02", "_clock": {"kind": AHEAD}}),
        ("companies", {"name": "Acme", "_created": AHEAD}),
        ("companies", {"name": "Acme", "_deleted": "2026-02-30T00:00:00.000Z-0000-aaaaaaaa"}),
        ("companies", {"name": "Acme", "_other": 2.0**64}),
    ],
)
def test_a_table_with_a_bad_record_goes_back_to_check_doc(table: str, doc: dict) -> None:
    stamp = make_stamp(T0, 0, "aaaaaaaa")
    clock = {k: stamp for k in doc if not k.startswith("_")}
    bad = {**doc, "_clock": {**clock, **doc.get("_clock", {})}}
    good = {"name": "Ana", "_clock": {"name": stamp}} if table != "interactions" else None
    recs = {"bad": bad} if good is None else {"good": good, "bad": bad}
    left = sift(table, recs, limit=LIMIT)
    assert left is None or "bad" in left
    assert one_by_one(table, recs, [""])  # and check_doc says what is wrong


def test_a_live_record_without_a_required_field_is_left_to_check_doc() -> None:
    stamp = make_stamp(T0, 0, "aaaaaaaa")
    recs = {
        "a": {"kind": "call", "day": "2026-05-02", "_clock": {"kind": stamp, "day": stamp}},
        "b": {"kind": "call", "_clock": {"kind": stamp}},
    }
    assert sift("interactions", recs, limit=LIMIT) == ["b"]


def test_a_shape_seen_before_gets_the_same_verdict_and_the_kept_ones_are_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Shapes are judged once and their verdicts kept (the pieces of one table repeat them):
    the second time gives the first's verdict, and the same keys in another table get that
    table's own (an interaction needs its day, a company has no such field)."""
    from rebound_tui.domain import table_check

    monkeypatch.setattr(table_check, "_SHAPES", {})
    monkeypatch.setattr(table_check, "_SHAPES_KEPT", 3)
    stamp = make_stamp(T0, 0, "aaaaaaaa")
    missing_day = {"kind": "call", "_clock": {"kind": stamp}}
    unstamped = {"kind": "call", "day": "2026-05-02", "_clock": {"kind": stamp}}
    for _ in range(2):  # (the second time from the kept verdicts)
        assert sift("interactions", {"b": dict(missing_day)}, limit=LIMIT) == ["b"]
        assert sift("interactions", {"c": copy.deepcopy(unstamped)}, limit=LIMIT) is None
        assert sift("companies", {"d": copy.deepcopy(missing_day)}, limit=LIMIT) == []
    for n in range(10):  # (another shape each: never more than three kept)
        doc = {"kind": "call", "day": "2026-05-02", f"x{n}": 1, "_clock": {"kind": stamp}}
        doc["_clock"].update({"day": stamp, f"x{n}": stamp})
        sift("interactions", {"e": doc}, limit=LIMIT)
        assert len(table_check._SHAPES) <= 3


def test_many_stamps_at_once() -> None:
    good = [make_stamp(T0 + n, n, "abcdef01") for n in range(100)]
    assert all_stamps(set(good))
    assert all(is_stamp(s) for s in good)
    for bad in ("2026-02-29T00:00:00.000Z-0000-abcdef01", good[0][:-1] + "g", good[0][:19]):
        assert not all_stamps({*good, bad})
    joined = good[0][:19] + "\n" + good[0][20:]  # a newline cannot pass for a separator
    assert not all_stamps({joined})


@settings(max_examples=200, deadline=None)
@given(
    days=st.lists(
        st.tuples(st.integers(1990, 2100), st.integers(0, 13), st.integers(0, 32)),
        min_size=1,
        max_size=8,
    ),
    again=st.booleans(),
)
def test_many_stamps_agree_with_each_stamp_checked(
    days: list[tuple[int, int, int]], again: bool
) -> None:
    """`all_stamps` says what `is_stamp` of each says, whether their days are new here, known
    good or known bad (the days' verdicts are kept), or forgotten meanwhile."""
    from rebound_tui.domain import clock

    stamps = {f"{y:04d}-{m:02d}-{d:02d}T10:20:30.456Z-00a1-abcdef01" for y, m, d in days}
    expected = all(is_stamp(s) for s in stamps)  # (each day judged, and kept)
    assert all_stamps(stamps) == expected
    if again:
        clock._stamp_days.clear()
    assert all_stamps(stamps) == expected
    assert all_stamps(stamps | {good_stamp()}) == expected
