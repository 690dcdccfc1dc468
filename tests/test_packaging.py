"""Every file the app reads at run time ships in the package.

The app reads stylesheets (`CSS_PATH`, relative to the module that names it) and data files
(`importlib.resources.files("rebound_tui") / ...`). A file that exists in the checkout but is not
declared as package data works in every test run from the checkout, and breaks only for a user
who installed the wheel. So:

* every non-Python file inside the package folder is matched by a `package-data` pattern of
  pyproject.toml, and every pattern matches at least one file;
* every stylesheet and data file the code names exists and is declared;
* (with REBOUND_BUILD_TESTS=1, as .ci/run sets: it builds a wheel, about 15 s) a wheel built
  from the tree holds all of them, the LICENSE, and the metadata the package index shows.

`.ci/run` also installs the built wheel outside the checkout and loads every stylesheet there.
"""

from __future__ import annotations

import ast
import email.parser
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import rebound_tui

PACKAGE = Path(rebound_tui.__file__).resolve().parent
ROOT = PACKAGE.parent
PYPROJECT = ROOT / "pyproject.toml"

pytestmark = pytest.mark.skipif(
    not PYPROJECT.is_file(), reason="runs from a checkout (pyproject.toml beside the package)"
)


def project() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def declared_patterns() -> list[str]:
    return project()["tool"]["setuptools"]["package-data"]["rebound_tui"]


def declared_files() -> set[str]:
    """Package-relative paths the package-data patterns pick up (as setuptools globs them)."""
    return {
        p.relative_to(PACKAGE).as_posix()
        for pattern in declared_patterns()
        for p in PACKAGE.glob(pattern)
        if p.is_file()
    }


def non_python_files() -> set[str]:
    return {
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".py", ".pyc"}
    }


def _string(node: ast.AST, constants: dict[str, str]) -> str | None:
    """A string literal, or the name of a module-level string constant; None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _resource_parts(node: ast.AST, constants: dict[str, str]) -> list[str] | None:
    """`files("rebound_tui") / "a" / NAME` -> ["a", NAME's value]; None for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        part = _string(node.right, constants)
        if part is None:
            return None
        parts.append(part)
        node = node.left
    if not (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "files"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and node.args[0].value.split(".")[0] == "rebound_tui"
    ):
        return None
    return node.args[0].value.split(".")[1:] + parts[::-1]


def files_named_in_code() -> dict[str, str]:
    """Package-relative path -> where the code names it: every CSS_PATH, every resource."""
    named: dict[str, str] = {}
    for source in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
        where = source.relative_to(ROOT).as_posix()
        constants = {
            t.id: n.value.value
            for n in tree.body
            if isinstance(n, ast.Assign)
            and isinstance(n.value, ast.Constant)
            and isinstance(n.value.value, str)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        # `files(...) / "a"` inside `files(...) / "a" / "b"` is not a file of its own
        inner = {id(n.left) for n in ast.walk(tree) if isinstance(n, ast.BinOp)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "CSS_PATH" for t in node.targets
            ):
                values = node.value.elts if isinstance(node.value, ast.List) else [node.value]
                for value in values:
                    assert isinstance(value, ast.Constant) and isinstance(value.value, str), (
                        f"{where}:{node.lineno}: CSS_PATH must be a literal to be checked"
                    )
                    path = (source.parent / value.value).resolve()
                    named[path.relative_to(PACKAGE).as_posix()] = f"{where}:{node.lineno}"
            elif (
                isinstance(node, ast.BinOp)
                and id(node) not in inner
                and (parts := _resource_parts(node, constants))
            ):
                named["/".join(parts)] = f"{where}:{node.lineno}"
    return named


def test_every_non_python_file_in_the_package_is_declared_package_data():
    missing = non_python_files() - declared_files()
    assert not missing, (
        f"not in [tool.setuptools.package-data] of pyproject.toml, so not in the wheel: "
        f"{sorted(missing)}"
    )


def test_every_package_data_pattern_matches_a_file():
    stale = [p for p in declared_patterns() if not any(PACKAGE.glob(p))]
    assert not stale, f"package-data patterns that match nothing: {stale}"


def test_every_stylesheet_and_data_file_the_code_names_exists_and_is_declared():
    named = files_named_in_code()
    # the ones we know of must be found, or the scan itself is broken
    assert {"ui/app.tcss", "ui/screens/screens.tcss", "data/demo.json"} <= set(named), named
    declared = declared_files()
    for rel, where in sorted(named.items()):
        assert (PACKAGE / rel).is_file(), f"{where} names {rel}, which does not exist"
        assert rel in declared, f"{where} names {rel}, which is not declared package data"


def test_the_version_has_one_source():
    """`rebound-tui --version` and the package index show the same version."""
    meta = project()
    assert "version" not in meta["project"]
    assert "version" in meta["project"]["dynamic"]
    assert meta["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "rebound_tui.__version__"}


def test_the_license_file_is_there_and_declared():
    meta = project()["project"]
    assert meta["license"] == "MIT"
    for name in meta["license-files"]:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert text.startswith("MIT License")


@pytest.mark.skipif(
    not os.environ.get("REBOUND_BUILD_TESTS"),
    reason="builds a wheel (about 15 s): runs with REBOUND_BUILD_TESTS=1, as .ci/run sets",
)
def test_a_wheel_built_from_the_tree_holds_every_runtime_file(tmp_path: Path):
    # Build from a copy (symlinks followed, as a checkout without symlinks would have them), so
    # the build leaves nothing in the checkout.
    src = tmp_path / "src"
    shutil.copytree(PACKAGE, src / "rebound_tui", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ["pyproject.toml", "README.md", *project()["project"]["license-files"]]:
        shutil.copy(ROOT / name, src / name)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    (wheel,) = out.glob("rebound_tui-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = email.parser.Parser().parsestr(zf.read(metadata).decode("utf-8"))

    wanted = non_python_files() | set(files_named_in_code())
    missing = sorted(rel for rel in wanted if f"rebound_tui/{rel}" not in names)
    assert not missing, f"not in the wheel: {missing}"
    assert metadata.replace("METADATA", "licenses/LICENSE") in names

    assert meta["Version"] == rebound_tui.__version__
    assert meta["License-Expression"] == "MIT"
    assert meta["Requires-Python"] == ">=3.11"
    classifiers = meta.get_all("Classifier")
    assert "Environment :: Console" in classifiers
    assert "Operating System :: OS Independent" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert meta["Keywords"]
    # the floors .ci/run tests are the ones users get
    runtime = {str(Requirement(r)) for r in meta.get_all("Requires-Dist") if "extra" not in r}
    assert runtime == {str(Requirement(r)) for r in project()["project"]["dependencies"]}
