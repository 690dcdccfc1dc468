"""A command loads only what it needs (issue 18): the interpreter and its imports are most of
a one-shot command's time, so the insights, the importers and rapidfuzz (close names) load on
first use, not for `done`, `snooze` or `due`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rebound_tui.cli.io import IMPORT_KINDS
from rebound_tui.io.importer import SOURCES

LAZY = ("rebound_tui.domain.insights", "rebound_tui.io.importer", "rapidfuzz", "textual")

PROBE = """
import json, sys
from rebound_tui.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(json.dumps({"code": code, "loaded": sorted(sys.modules)}))
"""


def loaded_by(tmp_path: Path, *args: str, code: int = 0) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", str(tmp_path / "data.json"), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["code"] == code
    return set(out["loaded"])


def test_a_command_that_names_no_one_loads_no_insights_importer_or_rapidfuzz(tmp_path):
    loaded_by(tmp_path, "add", "company", "Acme")
    loaded = loaded_by(tmp_path, "due")
    assert "rebound_tui.service" in loaded  # sanity: the probe really ran a command
    assert [m for m in LAZY if m in loaded] == []


def test_a_write_loads_no_dashboard_rows(tmp_path):
    """`rows.py` (the dashboard's rows) loads with a due list, not for every write."""
    loaded_by(tmp_path, "add", "company", "Acme")
    loaded = loaded_by(tmp_path, "add", "contact", "Dana Whitfield", "--company", "Acme")
    assert "rebound_tui.service" in loaded and "rebound_tui.rows" not in loaded
    loaded_by(tmp_path, "follow-up", "Call Dana", "--on", "today", "--contact", "Dana Whitfield")
    loaded_by(tmp_path, "follow-up", "Write Acme", "--on", "today", "--company", "Acme")
    assert "rebound_tui.rows" in loaded_by(tmp_path, "due")  # (two due today: sorted)


def test_reading_the_data_loads_no_file_lock_and_a_write_does(tmp_path):
    """The lock is a save's (and a journal append's): not loaded to open the data, which the
    dashboard waits for on a first start."""
    loaded_by(tmp_path, "add", "company", "Acme")
    assert "filelock" not in loaded_by(tmp_path, "due")
    assert "filelock" in loaded_by(tmp_path, "add", "company", "Globex")


def test_the_modules_load_when_their_command_needs_them(tmp_path):
    loaded_by(tmp_path, "add", "company", "Acme")
    assert "rebound_tui.domain.insights" in loaded_by(tmp_path, "stats", "--json")
    # A new company's name is compared with the known ones (close names: rapidfuzz); this one
    # is close to Acme, so nothing is added (exit 2).
    assert "rapidfuzz" in loaded_by(tmp_path, "add", "company", "Acme Corp", code=2)


def test_the_import_kinds_of_the_parser_are_the_importers_sources():
    assert tuple(SOURCES) == IMPORT_KINDS


def test_dateutils_parser_loads_only_when_used(tmp_path):
    """pendulum imports dateutil's parser for text it cannot read itself, which we never give
    it (`domain/dates.py` defers it)."""
    loaded_by(tmp_path, "add", "company", "Acme")
    loaded = loaded_by(tmp_path, "due")
    assert "pendulum" in loaded and "dateutil.parser._parser" not in loaded
    probe = (
        "import sys, rebound_tui.domain.dates, pendulum;"
        "print(pendulum.parse('March 4 2026', strict=False).date(),"
        " 'dateutil.parser._parser' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.split() == ["2026-03-04", "True"], done.stderr  # (loaded when asked)
