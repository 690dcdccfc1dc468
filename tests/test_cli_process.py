"""A command run as the `rebound-tui` process ends without the interpreter's teardown
(`cli.end_process`, issue 18), and keeps what `sys.exit` guarantees: the exit code, every byte
of output (through a pipe too), the exit handlers (the checked-files cache is written by one),
and threads that are not daemons finishing their work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# Runs `main()` as the console script does: no argv, so the process ends in `end_process`.
PROCESS = """
import atexit, sys, threading, time
from pathlib import Path
from rebound_tui.cli import main
marker = Path(sys.argv.pop(1))
atexit.register(lambda: marker.write_text("exit handler ran"))
def slow():
    time.sleep(0.2)
    marker.with_suffix(".thread").write_text("thread finished")
threading.Thread(target=slow).start()
sys.exit(main())
"""


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    marker = tmp_path / "marker.txt"
    return subprocess.run(
        [sys.executable, "-c", PROCESS, str(marker), "--db", str(tmp_path / "d.json"), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )


def test_the_process_keeps_its_exit_code_output_handlers_and_threads(tmp_path: Path) -> None:
    for n in range(2):
        added = run(tmp_path, "add", "company", f"Company {n:03d} with a long name")
        assert added.returncode == 0, added.stderr
    done = run(tmp_path, "list", "companies", "--json")
    assert done.returncode == 0, done.stderr
    assert [c["name"] for c in json.loads(done.stdout)] == [
        "Company 000 with a long name",
        "Company 001 with a long name",
    ]
    assert (tmp_path / "marker.txt").read_text() == "exit handler ran"
    assert (tmp_path / "marker.thread").read_text() == "thread finished"


def test_bad_input_keeps_exit_code_2_and_its_message(tmp_path: Path) -> None:
    done = run(tmp_path, "done", "no-such-id")
    assert done.returncode == 2
    assert done.stderr.startswith("rebound-tui: ") and "Traceback" not in done.stderr
    assert (tmp_path / "marker.txt").read_text() == "exit handler ran"


def test_a_long_output_reaches_a_pipe_whole(tmp_path: Path) -> None:
    """Output larger than a pipe's buffer, read as the process ends: nothing is lost."""
    db = tmp_path / "d.json"
    from rebound_tui.service import Service

    s = Service.open(db)
    for n in range(400):
        s.add_company(f"Firm {n:04d} " + "x" * 150)
    s.save()
    done = run(tmp_path, "list", "companies", "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 400
    assert len(done.stdout) > 65536  # more than a pipe's buffer


def test_the_file_written_is_remembered_as_checked(tmp_path: Path, monkeypatch) -> None:
    """The next command trusts the bytes this one wrote (the checked-files cache)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("REBOUND_CACHE_DIR", str(cache))
    assert run(tmp_path, "add", "company", "Acme").returncode == 0
    from rebound_tui.store import checked

    raw = (tmp_path / "d.json").read_bytes()
    assert checked.lookup(checked.digest_of(raw)) is not None


def test_under_a_profiler_the_process_ends_normally(tmp_path: Path) -> None:
    """`python -m cProfile` writes its figures when the command returns: it must return."""
    stats = tmp_path / "due.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "rebound_tui"]
        + ["--db", str(tmp_path / "d.json"), "due"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert stats.stat().st_size > 0
