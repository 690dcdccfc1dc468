"""The layering the issues ask for: domain/ is plain Python (no Textual, no TinyDB, no file I/O);
store/, service and the CLI work without Textual. Imports run in a fresh interpreter so that
modules other tests loaded cannot hide a stray import.
"""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import pytest
from rebound_test_helpers import PYTHON, python_env

import rebound_tui

PACKAGE = Path(rebound_tui.__file__).resolve().parent
DOMAIN_FILES = sorted((PACKAGE / "domain").glob("*.py"))

PROBE = r"""
import importlib, json, pkgutil, sys
names = sys.argv[1:]
for name in names:
    mod = importlib.import_module(name)
    if hasattr(mod, "__path__"):  # a package: import every module in it
        for info in pkgutil.iter_modules(mod.__path__):
            importlib.import_module(f"{name}.{info.name}")
print(json.dumps(sorted(sys.modules)))
"""


def modules_after_import(*names: str) -> set[str]:
    proc = subprocess.run(
        [PYTHON, "-c", PROBE, *names],
        capture_output=True,
        text=True,
        env=python_env(),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout))


def under(modules: set[str], top: str) -> list[str]:
    return sorted(m for m in modules if m == top or m.startswith(top + "."))


def test_domain_files_exist():
    names = {p.stem for p in DOMAIN_FILES}
    assert {"model", "record", "merge", "clock", "dates"} <= names


def test_domain_imports_neither_textual_nor_tinydb_nor_outer_layers():
    loaded = modules_after_import("rebound_tui.domain")
    for forbidden in (
        "textual",
        "tinydb",
        "filelock",
        "rebound_tui.store",
        "rebound_tui.service",
        "rebound_tui.ui",
        "rebound_tui.cli",
    ):
        assert under(loaded, forbidden) == [], f"domain pulls in {forbidden}"
    assert "rebound_tui.domain.merge" in loaded and "rebound_tui.domain.dates" in loaded


def test_store_service_and_cli_do_not_import_textual():
    loaded = modules_after_import(
        "rebound_tui.domain", "rebound_tui.store", "rebound_tui.service", "rebound_tui.cli"
    )
    assert under(loaded, "textual") == []
    assert under(loaded, "rebound_tui.ui") == []
    assert "rebound_tui.store.storage" in loaded and "rebound_tui.cli.records" in loaded
    assert "tinydb" in loaded  # sanity: the probe really imported the store


FILE_CALLS = {"open", "Path", "PurePath", "NamedTemporaryFile", "mkstemp", "fdopen"}
FILE_METHODS = {
    "read_text",
    "write_text",
    "read_bytes",
    "write_bytes",
    "open",
    "unlink",
    "mkdir",
    "rename",
    "replace",
    "touch",
    "iterdir",
    "glob",
    "rmdir",
}
OS_FILE_FUNCS = {
    "open",
    "write",
    "read",
    "replace",
    "rename",
    "remove",
    "unlink",
    "mkdir",
    "makedirs",
    "listdir",
    "scandir",
    "fsync",
    "stat",
}
FILE_MODULES = {"pathlib", "shutil", "tempfile", "io", "tinydb", "textual", "filelock", "sqlite3"}


def file_io_in(source: str) -> list[str]:
    """Calls and imports in `source` that touch files (an AST scan, so comments don't count)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for name in names:
                if name and name.split(".")[0] in FILE_MODULES:
                    found.append(f"line {node.lineno}: import {name}")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in FILE_CALLS:
                found.append(f"line {node.lineno}: {func.id}(")
            elif isinstance(func, ast.Attribute):
                base = func.value.id if isinstance(func.value, ast.Name) else None
                if base == "os" and func.attr in OS_FILE_FUNCS:
                    found.append(f"line {node.lineno}: os.{func.attr}(")
                elif base not in ("os", "str", "re") and func.attr in FILE_METHODS:
                    if func.attr == "replace" and base != "Path":
                        continue  # str.replace / dataclasses.replace / date.replace
                    found.append(f"line {node.lineno}: .{func.attr}(")
    return found


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: p.name)
def test_domain_module_does_no_file_io(path: Path):
    assert file_io_in(path.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "open('x')",
        "from pathlib import Path",
        "import shutil",
        "Path('x').write_text('y')",
        "p.read_bytes()",
        "os.replace(a, b)",
        "import tinydb",
        "from textual.app import App",
    ],
)
def test_the_file_io_scan_catches(source: str):
    assert file_io_in(source) != []


def test_the_file_io_scan_allows_plain_code():
    assert file_io_in("s.replace('a', 'b')\nos.environ.get('X')\nd.replace(year=1)") == []


# -- module size -----------------------------------------------------------------------------------
# One concept per module, about 400 lines at most (issue 19). A longer module says why at its
# very first line, e.g. `# Over 400 lines because: one parser and its renderer of one template
# language`, so a reader knows it was weighed, not grown.
MAX_LINES = 400
OVER_MARKER = "# Over 400 lines because:"


def long_modules_without_a_reason(package: Path) -> list[str]:
    out = []
    for path in sorted(package.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) <= MAX_LINES:
            continue
        first = lines[0] if lines else ""
        reason = first[len(OVER_MARKER) :].strip() if first.startswith(OVER_MARKER) else ""
        if len(reason) < 10:  # a reason, not just the marker
            out.append(f"{path.relative_to(package.parent)} ({len(lines)} lines)")
    return out


def test_every_long_module_states_why_at_its_top() -> None:
    missing = long_modules_without_a_reason(PACKAGE)
    assert missing == [], (
        f"modules over {MAX_LINES} lines: split along a real seam, or start the file with "
        f"'{OVER_MARKER} <reason>': {', '.join(missing)}"
    )


def test_the_size_rule_can_fail(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    body = "x = 1\n" * (MAX_LINES + 1)
    (package / "short.py").write_text("x = 1\n" * MAX_LINES)
    (package / "long.py").write_text(body)
    (package / "marked.py").write_text(f"{OVER_MARKER} one table of data, read as one\n" + body)
    (package / "empty_reason.py").write_text(f"{OVER_MARKER}\n" + body)
    (package / "marked_later.py").write_text('"""Doc."""\n' + f"{OVER_MARKER} late\n" + body)
    assert long_modules_without_a_reason(package) == [
        "pkg/empty_reason.py (402 lines)",
        "pkg/long.py (401 lines)",
        "pkg/marked_later.py (403 lines)",
    ]
