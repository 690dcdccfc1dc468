"""The first load of a command run as its own process, and of the dashboard, keeps the parsed
data out of the cyclic garbage collector's reach (`decode(resident=True)`: `gc.freeze` after a
collection); a refresh, a command run in-process and every other read do not (a refresh
replaces data that must stay collectable; a test process runs thousands of commands)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from rebound_tui.service import Service
from rebound_tui.store import fileformat


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    """Each test starts and ends with nothing frozen (the process's collector as it was)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "rebound.json"
    service = Service.open(path)
    service.add_company("Acme")
    service.add_contact("Dana Whitfield", company="Acme")
    service.save()
    return path


class Node:
    """Something only the cyclic collector can free (it refers to itself)."""

    def __init__(self) -> None:
        self.me = self


def garbage_cycle() -> weakref.ref[Node]:
    return weakref.ref(Node())


def test_a_resident_load_freezes_the_data_and_no_garbage(data_file: Path) -> None:
    dead = garbage_cycle()
    assert dead() is not None  # waiting for a collection
    data = fileformat.decode(data_file.read_bytes(), data_file, resident=True)
    assert dead() is None  # collected first, not frozen with the data
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()
    assert data["companies"]


def test_other_loads_freeze_nothing(data_file: Path) -> None:
    fileformat.decode(data_file.read_bytes(), data_file)
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_only_a_resident_service_freezes(data_file: Path) -> None:
    Service.open(data_file).companies()
    Service.open(data_file, one_shot=True).companies()  # a command run in-process (tests, scripts)
    assert gc.get_freeze_count() == 0
    service = Service.open(data_file, one_shot=True, resident=True)
    assert [c.name for c in service.companies()] == ["Acme"]
    assert gc.get_freeze_count() > 0


def test_the_dashboards_first_open_is_resident(data_file: Path) -> None:
    from rebound_tui import startup

    service, _state = startup.open_data(data_file)
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
    other = Service.open(data_file)  # another machine's edit, delivered
    other.add_company("Brightwater")
    other.save()
    assert service.refresh()  # merged in: never frozen (it may be replaced again)
    assert "Brightwater" in {c.name for c in service.companies()}
    assert gc.get_freeze_count() == 0


def test_the_command_line_is_resident_only_as_its_own_process(
    data_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rebound_tui.cli import _run

    monkeypatch.setenv("REBOUND_DB", str(data_file))
    assert _run(["list", "companies"]) == (0, False)  # `main(argv)` from a script
    assert gc.get_freeze_count() == 0
    assert _run(["list", "companies"], process=True) == (0, False)  # the `rebound-tui` process
    assert gc.get_freeze_count() > 0
    assert capsys.readouterr().out.count("Acme") == 2


def test_a_bad_file_leaves_the_collector_on(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"truncated": ')
    with pytest.raises(fileformat.DataFileError):
        fileformat.decode(bad.read_bytes(), bad, resident=True)
    assert gc.isenabled()


def test_a_command_process_pauses_the_collector_until_its_data_is_read(
    data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Imports and the load run with no collection (nothing there is garbage); once the data is
    read the collector is on again, with what was there then frozen."""
    from rebound_tui.cli import _run
    from rebound_tui.cli.context import Context

    seen: list[tuple[bool, int]] = []
    real = Context.service.fget

    def service(ctx: Context):
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        opened = real(ctx)
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        return opened

    monkeypatch.setattr(Context, "service", property(service))
    monkeypatch.setenv("REBOUND_DB", str(data_file))
    assert _run(["list", "companies"], process=True) == (0, False)
    assert seen[0] == (False, 0)  # paused from the start of the process
    assert seen[1][0] and seen[1][1] > 0  # on again once the data is in, the rest frozen
    assert gc.isenabled()
    seen.clear()
    gc.unfreeze()
    assert _run(["list", "companies"]) == (0, False)  # in-process: the collector as it was
    assert seen[0] == (True, 0)
    assert gc.get_freeze_count() == 0


def test_a_command_process_that_fails_leaves_the_collector_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rebound_tui.cli import _run

    monkeypatch.setenv("REBOUND_DB", str(tmp_path / "no-such-folder" / "x.json"))
    code, _ = _run(["add", "company", "Acme"], process=True)
    assert code == 2
    assert gc.isenabled()
