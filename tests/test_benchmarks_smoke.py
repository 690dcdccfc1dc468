"""The benchmark data generator writes valid files with the asked-for counts (no timing here)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rebound_tui.domain import record
from rebound_tui.domain.merge import check_doc, max_stamp
from rebound_tui.domain.model import RECORD_TYPES
from rebound_tui.service import Service
from rebound_tui.store.fileformat import decode, encode
from rebound_tui.views import Views

GENERATE = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


def _load_generator():
    spec = importlib.util.spec_from_file_location("rebound_bench_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


gen = _load_generator()
TABLE_OF = {
    "companies": "companies",
    "contacts": "contacts",
    "interactions": "interactions",
    "follow_ups": "followups",
}


def counts(size) -> dict[str, int]:
    return {table: getattr(size, attr) for attr, table in TABLE_OF.items()}


def test_sizes_are_the_issues() -> None:
    assert counts(gen.SIZES["typical"]) == {
        "companies": 40,
        "contacts": 300,
        "interactions": 1_000,
        "followups": 200,
    }
    assert counts(gen.SIZES["heavy"]) == {
        "companies": 500,
        "contacts": 5_000,
        "interactions": 20_000,
        "followups": 5_000,
    }
    extreme = counts(gen.SIZES["extreme"])
    assert (extreme["companies"], extreme["contacts"], extreme["interactions"]) == (
        2_000,
        20_000,
        100_000,
    )


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return gen.write(tmp_path_factory.mktemp("bench") / "tiny.json", "tiny", seed=3)


def test_tiny_file_decodes_with_the_right_counts(tiny_file: Path) -> None:
    data = decode(tiny_file.read_bytes(), tiny_file)  # checks every record's shape too
    assert counts(gen.SIZES["tiny"]) == {t: len(data[t]) for t in TABLE_OF.values()}
    assert data["meta"]["db"]["bench_anchor"] == gen.ANCHOR.isoformat()
    for table in TABLE_OF.values():
        dead = [d for d in data[table].values() if not record.is_live(d)]
        assert dead, f"no tombstone in {table}"
        assert len(dead) < len(data[table]) / 5


def test_tiny_file_records_validate(tiny_file: Path) -> None:
    data = decode(tiny_file.read_bytes(), tiny_file)
    for table, cls in RECORD_TYPES.items():
        for record_id, doc in data.get(table, {}).items():
            assert check_doc(doc) == []
            cls.from_fields(record_id, record.user_fields(doc)).validate()
    contacts = data["contacts"]
    for doc in contacts.values():
        assert doc.get("referred_by") in (None, *contacts)
        assert doc.get("company_id") in (None, *data["companies"])
    assert max_stamp(data) is not None


def test_the_file_opens_in_the_service_and_the_due_pane_has_rows(tiny_file: Path) -> None:
    service = Service.open(tiny_file, today=lambda: gen.ANCHOR)
    snapshot = Views(service).snapshot
    assert len(snapshot.network) == sum(
        1 for d in service.db.raw("contacts").values() if record.is_live(d)
    )
    assert snapshot.due, "the due pane would be empty on the anchor day"
    assert all(row.days_overdue >= 0 for row in snapshot.due)


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    one = encode(gen.build("tiny", seed=11))
    assert encode(gen.build("tiny", seed=11)) == one
    assert encode(gen.build("tiny", seed=12)) != one


def test_typical_has_referral_chains_cadences_and_three_years() -> None:
    data = gen.build("typical")
    contacts = data["contacts"]
    referrer = {i: d["referred_by"] for i, d in contacts.items() if d.get("referred_by")}
    assert any(referrer.get(r) for r in referrer.values()), "no chain of two referrals"
    assert any(d.get("cadence") for d in contacts.values())
    origins = [d.get("origin") or "" for d in data["followups"].values()]
    assert any(o.startswith("cadence:") for o in origins)
    assert any(o.startswith("rule:") for o in origins)
    days = sorted(d["day"] for d in data["interactions"].values())
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    assert (last - first).days > 2 * 365
    lengths = [len(d.get("note") or "") for d in data["interactions"].values()]
    assert min(lengths) == 0 and max(lengths) > 500


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    companies=st.integers(1, 12),
    contacts=st.integers(1, 40),
    interactions=st.integers(1, 80),
    follow_ups=st.integers(1, 30),
)
def test_any_small_size_gives_exact_counts_and_valid_records(
    seed: int, companies: int, contacts: int, interactions: int, follow_ups: int
) -> None:
    size = gen.Size("custom", companies, contacts, interactions, follow_ups)
    raw = encode(gen.build(size, seed=seed))
    data = decode(raw, "generated.json")
    assert {t: len(data[t]) for t in TABLE_OF.values()} == counts(size)
