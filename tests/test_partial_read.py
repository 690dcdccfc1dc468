"""A first start with no cache: the due pane from the follow-ups, companies and contacts, read and
checked before the rest of the file (store/partial_read.py, startup.first_screen_from_file)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_tui import startup
from rebound_tui.domain import record_check
from rebound_tui.service import Service
from rebound_tui.store import checked
from rebound_tui.store.partial_read import read_tables
from rebound_tui.views import Views
from tests.ui.conftest import TODAY, fill

TABLES = ("followups", "companies", "contacts", "settings")


def from_the_service(path: Path, today: dt.date) -> startup.FirstScreen:
    service = Service.open(path, today=lambda: today)
    due, summary, upcoming, _ = Views(service).due_first()
    theme = service.setting("theme")
    return startup.FirstScreen(due, summary, upcoming, theme if isinstance(theme, str) else None)


def same_rows(a: startup.FirstScreen, b: startup.FirstScreen) -> bool:
    return (a.due, a.summary, a.upcoming, a.theme) == (b.due, b.summary, b.upcoming, b.theme)


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    service = Service.open(tmp_path / "rebound.json", today=lambda: TODAY)
    fill(service)
    service.set_setting("theme", "nord")
    service.save()
    return service.path


def test_the_rows_are_the_services(filled: Path) -> None:
    made = startup.first_screen_from_file(filled, TODAY)
    assert made is not None and made.source == "file" and made.due
    assert same_rows(made, from_the_service(filled, TODAY))
    assert made.theme == "nord"


PEOPLE = st.lists(
    st.tuples(
        st.integers(0, 4),  # company (4: none)
        st.booleans(),  # company deleted
        st.one_of(st.none(), st.integers(1, 5)),  # follow-up priority
        st.integers(-10, 20),  # due, days from today
        st.sampled_from(["open", "open", "done", "dropped"]),
        st.booleans(),  # follow-up deleted
        st.text(min_size=1, max_size=6).filter(lambda t: t.strip() and t.isprintable()),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=PEOPLE)
def test_any_data_gives_the_services_rows(tmp_path_factory, people) -> None:
    """Whatever the follow-ups (priorities, states, deleted ones, deleted companies), the rows
    made from the tables are those the whole open shows."""
    path = tmp_path_factory.mktemp("any") / "rebound.json"
    service = Service.open(path, today=lambda: TODAY)
    db = service.db
    companies = [db.create("companies", {"name": f"Co {n}", "priority": n + 1}) for n in range(4)]
    deleted: set[str] = set()
    for n, (co, co_gone, priority, days, status, gone, title) in enumerate(people):
        company = companies[co] if co < 4 else None
        person = db.create("contacts", {"name": f"P {n}", "company_id": company})
        fields = {
            "title": title,
            "due": (TODAY + dt.timedelta(days=days)).isoformat(),
            "status": status,
            "contact_id": person,
            "company_id": company,
        }
        if priority is not None:
            fields["priority"] = priority
        follow_up = db.create("followups", fields)
        if gone:
            db.delete("followups", follow_up)
        if co_gone and company is not None and company not in deleted:
            db.delete("companies", company)
            deleted.add(company)
    service.save()
    made = startup.first_screen_from_file(path, TODAY)
    assert made is not None
    assert same_rows(made, from_the_service(path, TODAY))


def _count_checks(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = record_check.check_doc

    def counting(doc, table=None, record_id=None, **kwargs):
        seen.append(f"{table}/{record_id}")
        return real(doc, table, record_id, **kwargs)

    from rebound_tui.store import partial_read

    monkeypatch.setattr(partial_read, "check_doc", counting)
    return seen


def _new_here(path: Path) -> None:
    """As if the file had just been synced in: this machine never checked these bytes."""
    checked.flush_pending()
    entry = checked._entry_path(checked.digest_of(path.read_bytes()))
    entry.unlink(missing_ok=True)


def test_only_the_records_read_are_checked(filled: Path, monkeypatch) -> None:
    data = json.loads(filled.read_bytes())
    lonely = {"name": "Nobody's", "_created": "2026-11-01T00:00:00.000Z-0000-00000000"}
    lonely["_clock"] = {"name": lonely["_created"]}
    data["contacts"]["f" * 32] = lonely  # named by no follow-up
    filled.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    _new_here(filled)
    seen = _count_checks(monkeypatch)
    assert startup.first_screen_from_file(filled, TODAY) is not None
    assert len([s for s in seen if s.startswith("followups/")]) == len(data["followups"])
    assert f"contacts/{'f' * 32}" not in seen
    assert any(s.startswith("contacts/") for s in seen)


def test_bytes_checked_here_before_are_not_checked_again(filled: Path, monkeypatch) -> None:
    Service.open(filled, today=lambda: TODAY)  # a command read the file: it passed every check
    checked.flush_pending()
    seen = _count_checks(monkeypatch)
    tables = read_tables(filled, TABLES)
    assert tables is not None and tables.trusted
    assert startup.first_screen_from_file(filled, TODAY) is not None
    assert seen == []


@pytest.mark.parametrize(
    "table, field, value",
    [
        ("followups", "due", 5),
        ("followups", "title", ["[@click=app.quit]x"]),
        ("contacts", "name", {"x": 1}),  # a person a follow-up names
        ("companies", "_clock", "soon"),
    ],
)
def test_a_bad_record_it_reads_leaves_the_start_to_the_whole_open(
    filled: Path, table: str, field: str, value
) -> None:
    data = json.loads(filled.read_bytes())
    key = {"contacts": "contact_id", "companies": "company_id"}.get(table)
    named = {f.get(key) for f in data["followups"].values() if f.get("status") == "open"}
    record_id = next(
        i
        for i, doc in data[table].items()
        if (doc.get("status") == "open" if table == "followups" else i in named)
    )
    data[table][record_id][field] = value
    filled.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    _new_here(filled)
    assert startup.first_screen_from_file(filled, TODAY) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: json.dumps(json.loads(raw), indent=4).encode(),  # another layout
        lambda raw: raw.replace(b'"format": "rebound-tui"', b'"format": "other"'),
        lambda raw: raw.replace(b'"schema": 1', b'"schema": 99'),
        lambda raw: raw[: len(raw) // 2],
        lambda raw: b"<<<<<<< ours\n" + raw,
        lambda raw: raw.replace(b'\n  "followups": {', b'\n  "followups": {"x": 1}, "y": {', 1),
    ],
)
def test_what_it_cannot_read_first_is_left_to_the_whole_open(filled: Path, damage) -> None:
    filled.write_bytes(damage(filled.read_bytes()))
    assert startup.first_screen_from_file(filled, TODAY) is None
    assert (
        read_tables(filled, TABLES) is None or startup.first_screen_from_file(filled, TODAY) is None
    )


def test_no_file_is_no_first_screen(tmp_path: Path) -> None:
    assert startup.first_screen_from_file(tmp_path / "missing.json", TODAY) is None


def test_the_whole_open_takes_what_the_first_read_kept(filled: Path, monkeypatch) -> None:
    """The file is read once: the whole open takes the bytes and the tables parsed first (the
    same data as reading it again), once."""
    from rebound_tui.store import layout, partial_read
    from rebound_tui.store.storage import SyncStorage

    expected = Service.open(filled, today=lambda: TODAY).db.storage.read()
    assert startup.first_screen_from_file(filled, TODAY) is not None
    kept = partial_read._kept[str(filled.resolve())]
    reads: list[Path] = []
    real = SyncStorage._read_disk
    monkeypatch.setattr(SyncStorage, "_read_disk", lambda self: reads.append(1) or real(self))
    found: list[bytes] = []  # the tables found in the bytes again (15 ms on the heavy file)
    real_spans = layout.table_spans
    monkeypatch.setattr(layout, "table_spans", lambda raw: found.append(raw) or real_spans(raw))
    service = Service.open(filled, today=lambda: TODAY)
    assert reads == [] and service.db.storage.read() == expected
    assert found == []
    assert service.db.storage._read_spans == kept.spans
    record_id, doc = next(iter(kept.tables["contacts"].items()))
    assert service.db.storage.read()["contacts"][record_id] is doc  # not parsed again
    assert str(filled.resolve()) not in partial_read._kept  # taken once
    Service.open(filled, today=lambda: TODAY)
    assert reads == [1]


def test_a_file_changed_since_the_first_read_is_read_again(filled: Path) -> None:
    from rebound_tui.store import partial_read

    assert startup.first_screen_from_file(filled, TODAY) is not None
    other = Service.open(filled, today=lambda: TODAY)
    other.add_company("Delivered meanwhile")
    other.save()  # a sync tool or a command: another version
    assert partial_read.take(filled) is None
    assert startup.first_screen_from_file(filled, TODAY) is not None
    service = Service.open(filled, today=lambda: TODAY)
    assert any(c.name == "Delivered meanwhile" for c in service.companies())


def _closed_one(path: Path) -> str:
    """Mark one follow-up done; its id."""
    service = Service.open(path, today=lambda: TODAY)
    done = next(f for f in service.follow_ups() if f.is_open)
    service.complete(done)
    service.save()
    return done.id


def test_only_the_open_follow_ups_are_read_first(filled: Path, monkeypatch) -> None:
    """The due pane shows open follow-ups: the others are not read (nor checked) before the
    first paint; the whole open after it checks every record."""
    done = _closed_one(filled)
    _new_here(filled)
    data = json.loads(filled.read_bytes())
    seen = _count_checks(monkeypatch)
    assert startup.first_screen_from_file(filled, TODAY) is not None
    checked_ids = {s.split("/", 1)[1] for s in seen if s.startswith("followups/")}
    opened = {i for i, d in data["followups"].items() if d.get("status", "open") == "open"}
    assert checked_ids == opened
    assert done not in checked_ids


def test_a_bad_closed_follow_up_is_refused_by_the_whole_open(filled: Path) -> None:
    from rebound_tui.errors import DataFileError

    done = _closed_one(filled)
    data = json.loads(filled.read_bytes())
    data["followups"][done]["due"] = 5
    filled.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    _new_here(filled)
    assert startup.first_screen_from_file(filled, TODAY) is not None  # (not a row of it)
    with pytest.raises(DataFileError, match=f"followups/{done}"):
        Service.open(filled, today=lambda: TODAY)
