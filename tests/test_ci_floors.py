"""The floors subset of CI (.ci/floors-tests: the tests run at the lowest dependency versions)
names tests that exist: a renamed or moved test must not silently drop out of it (or, worse,
make CI fail only at its last step)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _entries() -> list[str]:
    lines = (ROOT / ".ci" / "floors-tests").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_every_floors_entry_names_an_existing_test() -> None:
    entries = _entries()
    assert len(entries) >= 10
    for entry in entries:
        path, _, name = entry.partition("::")
        target = ROOT / path
        assert target.exists(), f"{entry}: no such file or folder"
        if name:
            source = target.read_text()
            assert re.search(rf"^(async )?def {re.escape(name)}\(", source, re.M), (
                f"{entry}: no such test"
            )


def test_the_floors_subset_covers_every_area() -> None:
    entries = " ".join(_entries())
    for area in ("test_architecture", "test_layers", "test_storage", "test_service"):
        assert area in entries
    for area in ("tests/test_cli.py", "tests/io/", "tests/ui/test_app.py", "test_snapshots"):
        assert area in entries
