"""A load that keeps only a summary of a table (`fileformat.decode`'s `summaries`, for the
views helper): the same verdict, highest stamp and checked-files entry as a whole load, the
summary the whole table gives, and a database that cannot read the table otherwise nor be saved.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_tui.domain.merge import max_stamp
from rebound_tui.service import Service
from rebound_tui.store import checked, table_chunks
from rebound_tui.store.fileformat import DataFileError, decode, encode
from rebound_tui.touches import interaction_facts_of
from rebound_tui.views import Views
from tests.test_split_check import a_file, with_bad
from tests.test_table_chunks import LIMIT, NOW, checker, given_twice, table_text

FACTS = {"interactions": interaction_facts_of}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return a_file(tmp_path_factory.mktemp("summaries"), interactions=40)


def ids_of(table: dict[str, Any]) -> list[str]:
    return list(table)


# -- table_chunks.summarize ----------------------------------------------------------------------
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(size=st.integers(min_value=200, max_value=6000), bad=st.booleans())
def test_a_summary_in_pieces_is_the_whole_tables(data, monkeypatch, size: int, bad: bool) -> None:
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", size)
    raw = encode(with_bad(data, "interactions", 0.4) if bad else data)
    text = table_text(raw, "interactions")
    whole_seen, seen = [""], [""]
    table = orjson.loads(text)
    expected = checker("interactions", whole_seen)(table)
    summary, found = table_chunks.summarize(
        text, checker("interactions", seen), seen, interaction_facts_of
    )
    assert found == expected and seen == whole_seen
    assert bool(found) is bad
    if not bad:
        assert summary == interaction_facts_of(table)
    else:  # (the pieces with problems are not summarized: the load refuses the file)
        assert set(summary) < set(interaction_facts_of(table))


def test_a_summary_of_a_record_given_twice_is_of_its_later_value(data, monkeypatch) -> None:
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", 400)
    text, _late = given_twice(data)
    assert len(table_chunks.chunks(text)) > 2
    summary, found = table_chunks.summarize(text, table_chunks.no_check, None, ids_of)
    assert summary == list(orjson.loads(text)) and found == []
    assert len(summary) == len(set(summary))  # (each id once, where the whole parse puts it)


def test_a_summary_of_another_layout_is_the_whole_tables(data, monkeypatch) -> None:
    monkeypatch.setattr(table_chunks, "CHUNK_BYTES", 300)
    text = json.dumps(data["interactions"], indent=2).encode()  # (cuts fall inside records)
    summary, _ = table_chunks.summarize(text, table_chunks.no_check, None, ids_of)
    assert summary == list(data["interactions"])


# -- decode --------------------------------------------------------------------------------------
@pytest.mark.parametrize("new_here", [True, False])
def test_decode_keeps_the_summary_in_the_tables_place(tmp_path: Path, data, new_here) -> None:
    raw = encode(data)
    found: dict[str, Any] = {}
    got = decode(
        raw,
        tmp_path / "r.json",
        trusted=lambda *a: not new_here,
        found=found,
        summaries=FACTS,
        now_ms=NOW,
    )
    assert type(got["interactions"]) is table_chunks.Summary
    assert got["interactions"].value == interaction_facts_of(data["interactions"])
    assert {k: v for k, v in got.items() if k != "interactions"} == {
        k: v for k, v in data.items() if k != "interactions"
    }
    if new_here:  # (checked here: the highest stamp found on the way, as a whole load's, and
        # whether the file is laid out as `encode` writes it: sparse_table.py)
        assert found == {"top": max_stamp(data), "exact": True}


def test_decode_of_summaries_refuses_what_a_whole_decode_refuses(tmp_path: Path, data) -> None:
    for table in ("interactions", "contacts"):
        raw = encode(with_bad(data, table, 0.6))
        with pytest.raises(DataFileError) as whole:
            decode(raw, tmp_path / "r.json", trusted=lambda *a: False, now_ms=NOW)
        with pytest.raises(DataFileError) as summarized:
            decode(raw, tmp_path / "r.json", trusted=lambda *a: False, summaries=FACTS, now_ms=NOW)
        assert str(summarized.value) == str(whole.value)
        assert f"{table}/" in str(whole.value)
    assert LIMIT  # (the stamps of `a_file` are within a day of NOW's clock, as checked above)


# -- the database --------------------------------------------------------------------------------
def test_a_summarized_open_gives_the_same_rows_and_no_other_read(data_path: Path) -> None:
    from tests.test_views_helper import fill

    svc = Service.open(data_path)
    fill(svc)
    svc.save()
    before = data_path.read_bytes()
    whole = Service.open(data_path, one_shot=True)
    part = Service.open(data_path, one_shot=True, summaries=FACTS)
    assert part.db.summary("interactions") is not None and whole.db.summary("interactions") is None
    assert part.db.summary("contacts") is None
    assert part.interaction_facts() == whole.interaction_facts()
    assert Views(part).snapshot == Views(whole).snapshot
    with pytest.raises((AttributeError, TypeError)):  # (no records to read wrongly)
        part.interactions()
    with pytest.raises(RuntimeError, match="never saved"):
        part.db.save()
    with pytest.raises(RuntimeError, match="never saved"):
        part.db.commit()
    assert data_path.read_bytes() == before


def test_a_summarized_open_of_a_file_new_here_remembers_what_a_whole_open_does_and_more(
    data_path: Path, tmp_path: Path, monkeypatch
) -> None:
    from tests.test_views_helper import fill

    svc = Service.open(data_path)
    fill(svc)
    svc.save()
    digest = checked.Digest(data_path.read_bytes()).value
    entries = []
    for summaries in (None, FACTS):
        monkeypatch.setenv("REBOUND_LOCK_DIR", str(tmp_path / f"locks-{bool(summaries)}"))
        assert checked.lookup(digest) is None  # (new here)
        Service.open(data_path, one_shot=True, summaries=summaries)
        entries.append(checked.lookup(digest))
    # The same, but that the summarized open also judged the layout (the table it summarized
    # piece by piece, each piece encoded again): the dashboard's open after it keeps that
    # table as bytes (sparse_table.py).
    assert entries[0] is not None and entries[1] is not None
    assert dataclasses.replace(entries[1], exact=None, strict=False) == entries[0]
    assert entries[1].exact is True and entries[1].strict is True


# -- what must be merged in: whole tables --------------------------------------------------------
def _saved(data_path: Path) -> Service:
    from tests.test_views_helper import fill

    svc = Service.open(data_path)
    fill(svc)
    svc.save()
    return svc


def test_a_conflict_copy_waiting_is_merged_into_whole_tables(data_path: Path, tmp_path) -> None:
    from rebound_tui import views_helper

    _saved(data_path)
    other = tmp_path / "other" / "rebound.json"
    other.parent.mkdir()
    other.write_bytes(data_path.read_bytes())
    there = Service.open(other)
    there.log("call", contact="[/] boss", on="2026-11-30", note="from the other machine")
    there.save()
    copy = data_path.parent / "rebound.sync-conflict-20261205-081522-ABCDEFG.json"
    copy.write_bytes(other.read_bytes())
    part = Service.open(data_path, one_shot=True, summaries=FACTS)
    whole = Service.open(data_path, one_shot=True)
    assert part.db.summary("interactions") is None  # (whole: the copy is merged in)
    assert part.interaction_facts() == whole.interaction_facts()
    assert (
        len(whole.interaction_facts())
        == len(interaction_facts_of(json.loads(data_path.read_text())["interactions"])) + 1
    )
    assert views_helper.answer(data_path) is None  # (memory is not the file: nothing to send)
    assert copy.exists()  # (a reader leaves it waiting)


def test_a_journal_waiting_is_merged_into_whole_tables(data_path: Path) -> None:
    svc = _saved(data_path)
    svc.log("call", contact="[/] boss", on="2026-11-30", note="durable, not yet in the file")
    assert svc.db.commit()
    assert svc.db.storage.write_ahead.path.exists()
    part = Service.open(data_path, one_shot=True, summaries=FACTS)
    assert part.db.summary("interactions") is None
    assert part.interaction_facts() == svc.interaction_facts()


def test_a_summarized_load_never_merges_into_its_summary(data_path: Path, monkeypatch) -> None:
    """(A copy arriving between the look and the merge: the open fails, the helper opens whole.)"""
    from rebound_tui.store.storage import SyncStorage

    _saved(data_path)
    part = Service.open(data_path, one_shot=True, summaries=FACTS)
    storage = part.db.storage
    assert storage.summarized
    monkeypatch.setattr(SyncStorage, "_copies_waiting", lambda self: True)
    with pytest.raises(RuntimeError, match="a copy to merge in"):
        storage._merge_copies()
    storage.write_ahead.path.parent.mkdir(parents=True, exist_ok=True)
    storage.write_ahead.path.write_text("")
    with pytest.raises(RuntimeError, match="a journal to merge in"):
        storage._merge_journal()


def test_the_helpers_answer_is_the_whole_builds(data_path: Path) -> None:
    import io
    import pickle

    from rebound_tui import views_helper

    _saved(data_path)
    out = views_helper.answer(data_path)
    assert out is not None
    _format, _state, _day, wire = views_helper._PlainValues(io.BytesIO(out)).load()
    assert views_helper.from_wire(wire) == Views(Service.open(data_path)).snapshot
    assert pickle.loads(out)[0] == views_helper.FORMAT


def test_the_helper_asks_for_the_facts_and_keeps_what_its_answer_was_made_of(
    data_path: Path, monkeypatch
) -> None:
    from rebound_tui import views_helper
    from rebound_tui.touches import INTERACTION_FACTS
    from rebound_tui.views import build

    svc = _saved(data_path)
    asked: list[Any] = []
    real = Service.open.__func__  # type: ignore[attr-defined]

    def spy(cls, path, **options):
        asked.append(options.get("summaries"))
        return real(cls, path, **options)

    monkeypatch.setattr(Service, "open", classmethod(spy))
    assert views_helper.answer(data_path) is not None
    assert asked == [INTERACTION_FACTS]
    kept = list(views_helper._KEPT)
    assert len(kept) == 2 and type(kept[1]).__name__ == "Snapshot"  # (the makings, the rows)
    assert views_helper.answer(data_path) is not None
    assert len(views_helper._KEPT) == 2 and views_helper._KEPT[1] is not kept[1]  # (cleared)
    keep: list[Any] = []
    today = svc.today()
    assert build(svc, today, keep=keep) == build(svc, today) and len(keep) == 1
