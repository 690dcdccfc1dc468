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
