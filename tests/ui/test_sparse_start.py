"""The dashboard's open leaves the file's largest table as its bytes (`store/sparse_table.py`)
when the file was checked here before: every pane is usable without it, the background work
parses it once, and edits and saves are as with a parsed table."""

from __future__ import annotations

import orjson
import pytest

from rebound_tui import startup
from rebound_tui.service import Service
from rebound_tui.store import due_cache, sparse_table
from rebound_tui.store.fileformat import encode
from rebound_tui.store.layout import table_spans
from rebound_tui.store.sparse_table import SparseTable
from rebound_tui.ui.app import make_app
from rebound_tui.views import due_entries
from tests.ui.conftest import TODAY, settle
from tests.ui.test_fast_start import SIZE, loaded


@pytest.fixture
def small_tables_sparse(monkeypatch):
    monkeypatch.setattr(sparse_table, "MIN_BYTES", 0)  # (1 MB in earnest)


@pytest.fixture
def first(service: Service, monkeypatch) -> startup.FirstScreen:
    """The first screen's cache of the saved file, no theme chosen (one remembered when the data
    attaches is committed at once, which parses every table)."""
    monkeypatch.setattr(due_cache, "local_today", lambda: TODAY)
    state = due_cache.file_state(service.path)
    entries = due_entries(service)
    assert startup.write_first_screen(service.path, state, entries, None, written_on=TODAY)
    loaded = startup.first_screen(service.path, TODAY)
    assert loaded is not None
    return loaded


def largest_table(path) -> str:
    spans = table_spans(path.read_bytes()) or []
    return max(spans, key=lambda span: span[2] - span[1])[0]


def opened(path):
    def opener():
        service = Service.open(path, today=lambda: TODAY, resident=True)
        return service, due_cache.file_state(path)

    return opener


async def test_the_largest_table_waits_as_bytes_and_the_background_parses_it(
    service: Service, first: startup.FirstScreen, small_tables_sparse
) -> None:
    path = service.path
    name = largest_table(path)
    seen: list[object] = []
    app = make_app(
        opener=opened(path),
        first_screen=first,
        first_day=TODAY,
        data_label=path.name,
        poll_seconds=0,
        save_delay=0,
    )
    start = app.start_background

    def at_start() -> None:  # (every pane has its rows by now)
        seen.append(app.service.db.storage.read()[name])
        start()

    app.start_background = at_start  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await settle(pilot)
        assert app.bullpen.table.rows and app.network.table.rows
        assert seen and type(seen[0]) is SparseTable  # (the panes did not need it parsed)
        now = app.service.db.storage.read()[name]  # the background work parsed it
        assert type(now) is dict or now._shared.whole is not None
        s = app.service
        person = s.contacts()[0]
        s.log("call", contact=person.id, note="from the dashboard [/] [@click=app.quit]x")
        s.save()
        raw = path.read_bytes()
        data = orjson.loads(raw)
        assert encode(data) == raw
        notes = [d.get("note") for d in data["interactions"].values()]
        assert "from the dashboard [/] [@click=app.quit]x" in notes
        assert len(data[name]) == len(s.db.raw(name))
        await pilot.press("q")


def test_a_trusted_open_keeps_the_table_as_bytes_and_saves_by_its_layout(
    service: Service, small_tables_sparse
) -> None:
    path = service.path
    name = largest_table(path)
    s = Service.open(path, today=lambda: TODAY, resident=True)
    table = s.db.storage.read()[name]
    assert type(table) is SparseTable and table._shared.whole is None
    before = orjson.loads(path.read_bytes())
    assert dict(table.items()) == before[name]  # (what a parse gives)
    person = s.contacts()[0]
    s.log("call", contact=person.id, note="saved by the layout")
    s.save()
    assert s.db.storage._layout is not None  # (the next save re-encodes only what changes)
    s.log("call", contact=person.id, note="and again")
    s.save()
    raw = path.read_bytes()
    assert encode(orjson.loads(raw)) == raw
    notes = {d.get("note") for d in orjson.loads(raw)["interactions"].values()}
    assert {"saved by the layout", "and again"} <= notes
