"""The dashboard on a data file with a record of the wrong type: it shows the same one-line refusal
as the CLI and writes nothing (issue 11, section 3)."""

from __future__ import annotations

import json

from rebound_test_helpers import snapshot

from rebound_tui.service import Service
from rebound_tui.store import due_cache
from rebound_tui.store.fileformat import DataFileError
from rebound_tui.ui.launch import _open_error
from tests.ui.test_fast_start import SIZE, deferred, first, loaded  # noqa: F401 (a fixture)


async def test_a_bad_record_stops_the_dashboard_before_it_writes(
    service: Service,
    first: due_cache.FirstScreen,  # noqa: F811
) -> None:
    data = json.loads(service.path.read_bytes())
    rid, doc = next(iter(data["companies"].items()))
    doc["name"] = ["x"]
    service.path.write_text(json.dumps(data, indent=2, sort_keys=True))
    before = snapshot(service.path)
    app = deferred(service.path, first)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
    assert isinstance(app.load_error, DataFileError)
    message = _open_error(app.load_error)
    assert message is not None and "\n" not in message
    assert f"companies/{rid}" in message and "'name'" in message
    assert app.return_code == 1 and not app.loaded
    assert snapshot(service.path) == before


async def test_a_copy_from_year_9999_beside_the_file_and_d_still_works(
    service: Service, monkeypatch
) -> None:
    from rebound_tui.ui.app import make_app
    from tests.ui.conftest import reopen, settle
    from tests.ui.test_app import record_messages

    data = json.loads(service.path.read_bytes())
    _, doc = next(iter(data["followups"].items()))
    doc["_clock"]["title"] = "9999-12-31T23:59:59.999Z-ffff-ffffffff"
    copy = service.path.with_name("rebound.sync-conflict-20261127-101500-ABCDEF2.json")
    copy.write_text(json.dumps(data, indent=2, sort_keys=True))
    held = copy.read_bytes()
    app = make_app(service, poll_seconds=0, save_delay=0)
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        title = app.due.current.title
        await pilot.press("d")
        await pilot.press("enter")
        await settle(pilot)
        assert reopen(service.path).find_follow_up(title).status == "done"  # saved
    assert any("not merged" in m and "ahead" in m for m in shown)
    assert copy.read_bytes() == held
    stamps = [
        s
        for d in json.loads(service.path.read_bytes())["followups"].values()
        for s in d["_clock"].values()
    ]
    assert max(stamps) < "9999"
