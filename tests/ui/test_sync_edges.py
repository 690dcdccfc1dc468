"""The dashboard at the sync edges: a conflict copy it must leave alone, a read-only data file."""

from __future__ import annotations

import os
import stat

import pytest
from rebound_test_helpers import snapshot

from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp
from tests.ui.conftest import reopen, settle
from tests.ui.test_app import SIZE, record_messages, type_text


async def test_a_copy_that_cannot_be_read_is_named_once_and_left_alone(
    app: ReboundApp, data_path, monkeypatch
) -> None:
    copy = data_path.with_name("rebound (conflict_on_2026-11-27).json")
    copy.write_bytes(b'{"half a file": ')
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            app.poll_disk()
            await settle(pilot)
        await pilot.press("1", "a")
        await type_text(pilot, "Acme Widgets")
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.poll_disk()
        await settle(pilot)
    about = [m for m in shown if copy.name in m]
    assert len(about) == 1 and "left" in about[0] and "alone" in about[0]
    assert copy.read_bytes() == b'{"half a file": '
    assert reopen(data_path).find_company("Acme Widgets")


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
async def test_a_read_only_data_file_is_not_written_and_the_dashboard_says_so(
    app: ReboundApp, service: Service, data_path, monkeypatch
) -> None:
    os.chmod(data_path, 0o400)
    before = snapshot(data_path)
    shown = record_messages(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "a")
        await type_text(pilot, "Acme Widgets")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert service.find_company("Acme Widgets")  # kept in memory
    assert any("read-only" in m for m in shown), shown
    assert snapshot(data_path) == before
    assert stat.S_IMODE(data_path.stat().st_mode) == 0o400
