"""The git merge driver on a real temporary repository, installed with the README's two lines."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from rebound_test_helpers import PYTHON, assert_one_line_error, python_env

from rebound_tui.service import Service
from rebound_tui.store.fileformat import decode, encode

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def driver_command() -> str:
    """The README's `rebound-tui merge-driver %O %A %B`, or the same through python -m."""
    exe = "rebound-tui" if shutil.which("rebound-tui") else f"{shlex.quote(PYTHON)} -m rebound_tui"
    return f"{exe} merge-driver %O %A %B"


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.file = root / "rebound.json"
        home = root.parent / "home"
        home.mkdir(exist_ok=True)
        self.env = python_env(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0")

    def git(self, *args: str, check: bool = True, trace: bool = False):
        proc = subprocess.run(
            ["git", *args],
            cwd=self.root,
            env={**self.env, "GIT_TRACE": "1"} if trace else self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check:
            assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
        return proc

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def service(self) -> Service:
        return Service.open(self.file)

    def install_driver(self) -> None:
        (self.root / ".gitattributes").write_text("rebound.json merge=rebound\n")
        self.git("config", "merge.rebound.driver", driver_command())


@pytest.fixture
def repo(tmp_path: Path, today) -> Repo:
    root = tmp_path / "repo"
    root.mkdir()
    r = Repo(root)
    r.git("init", "-q")
    r.git("checkout", "-q", "-b", "main")
    r.git("config", "user.name", "Test User")
    r.git("config", "user.email", "test@example.com")
    r.git("config", "commit.gpgsign", "false")
    (root / ".gitignore").write_text("rebound.backups/\n")
    s = r.service()
    s.add_company("Acme", priority=3, location="Glenview")
    s.add_company("Beta", priority=2)
    s.add_contact("Darlene", company="Acme", title="Controller")
    s.save()
    return r


def branch_edits(r: Repo, same_field: bool = False) -> None:
    """feature and main edit different fields of one record, and different records."""
    r.commit("base")
    r.git("checkout", "-q", "-b", "feature")
    s = r.service()
    s.edit_company("Acme", priority=5)
    s.add_company("Feature Co")
    s.delete_company("Beta")
    s.save()
    r.commit("feature edits")
    r.git("checkout", "-q", "main")
    s = r.service()
    if same_field:
        s.edit_company("Acme", priority=1)
    s.edit_company("Acme", location="Highland Park")
    s.add_contact("Main Person", company="Acme")
    s.edit_contact("Darlene", email="darlene@acme.example")
    s.save()
    r.commit("main edits")


def assert_both_sides(path: Path) -> None:
    raw = path.read_bytes()
    assert b"<<<<<<<" not in raw and b">>>>>>>" not in raw
    decode(raw, path)
    s = Service.open(path)
    acme = s.find_company("Acme")
    assert (acme.priority, acme.location) == (5, "Highland Park")
    assert {c.name for c in s.companies()} == {"Acme", "Feature Co"}
    assert {c.name for c in s.contacts()} == {"Darlene", "Main Person"}
    assert s.find_contact("Darlene").email == "darlene@acme.example"


def test_git_merge_with_the_driver_keeps_both_branches(repo: Repo):
    repo.install_driver()
    branch_edits(repo)
    proc = repo.git("merge", "--no-edit", "feature", check=False, trace=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "merge-driver" in proc.stderr  # git really ran our driver
    assert_both_sides(repo.file)
    assert repo.git("status", "--porcelain").stdout.strip() == ""
    assert repo.file.stat().st_mode & 0o777 in (0o600, 0o644)
    merged = repo.file.read_bytes()
    assert encode(decode(merged, repo.file)) == merged  # written in our canonical form

    # Merging the other way round gives the same bytes.
    repo.git("checkout", "-q", "-b", "other", "feature")
    proc = repo.git("merge", "--no-edit", "main~1", check=False, trace=True)  # main, unmerged
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "merge-driver" in proc.stderr
    assert repo.file.read_bytes() == merged


def test_without_the_driver_markers_get_a_clear_message_then_the_driver_fixes_it(
    repo: Repo, run_cli
):
    branch_edits(repo, same_field=True)
    proc = repo.git("merge", "--no-edit", "feature", check=False)
    assert proc.returncode != 0  # plain git cannot merge the JSON
    conflicted = repo.file.read_bytes()
    assert b"<<<<<<<" in conflicted

    for args in (["due"], ["list", "companies"], ["add", "company", "X"]):
        code, _, err = run_cli("--db", repo.file, *args)
        assert code == 1
        assert_one_line_error(err, str(repo.file), "conflict markers", "merge driver")
        assert repo.file.read_bytes() == conflicted

    repo.git("merge", "--abort")
    repo.install_driver()
    repo.git("add", ".gitattributes")
    repo.git("commit", "-q", "-m", "install the rebound merge driver")
    proc = repo.git("merge", "--no-edit", "feature", check=False, trace=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "merge-driver" in proc.stderr
    s = Service.open(repo.file)
    acme = s.find_company("Acme")
    assert acme.location == "Highland Park"
    assert acme.priority == 1  # main's edit of the same field came later: it wins
    assert {c.name for c in s.companies()} == {"Acme", "Feature Co"}


# -- the driver command itself ----------------------------------------------------------------


@pytest.fixture
def three(tmp_path: Path, today) -> tuple[Path, Path, Path]:
    base = tmp_path / "base.json"
    s = Service.open(base)
    s.add_company("Acme", priority=3)
    s.save()
    ours, theirs = tmp_path / "ours.json", tmp_path / "theirs.json"
    shutil.copy(base, ours)
    shutil.copy(base, theirs)
    o = Service.open(ours)
    o.edit_company("Acme", location="Skokie")
    o.save()
    t = Service.open(theirs)
    t.add_company("Beta")
    t.save()
    return base, ours, theirs


def test_merge_driver_writes_the_merge_to_ours(run_cli, three):
    base, ours, theirs = three
    theirs_before = theirs.read_bytes()
    code, out, err = run_cli("merge-driver", base, ours, theirs)
    assert code == 0, err
    s = Service.open(ours)
    assert {c.name for c in s.companies()} == {"Acme", "Beta"}
    assert s.find_company("Acme").location == "Skokie"
    assert theirs.read_bytes() == theirs_before


def test_merge_driver_with_an_empty_base(run_cli, three):
    base, ours, theirs = three
    base.write_bytes(b"")
    code, _, err = run_cli("merge-driver", base, ours, theirs)
    assert code == 0, err
    assert {c.name for c in Service.open(ours).companies()} == {"Acme", "Beta"}


@pytest.mark.parametrize("broken", [b"", b"{", b"<<<<<<< HEAD\n"])
def test_merge_driver_refuses_a_broken_side_and_leaves_ours(run_cli, three, broken):
    base, ours, theirs = three
    theirs.write_bytes(broken)
    before = ours.read_bytes()
    code, _, err = run_cli("merge-driver", base, ours, theirs)
    assert code == 1
    assert_one_line_error(err, str(theirs))
    assert ours.read_bytes() == before


def test_merge_driver_refuses_two_different_databases(run_cli, three, tmp_path):
    base, ours, theirs = three
    other = Service.open(tmp_path / "other.json")
    other.add_company("Other")
    other.save()
    shutil.copy(tmp_path / "other.json", theirs)
    before = ours.read_bytes()
    code, _, err = run_cli("merge-driver", base, ours, theirs)
    assert code == 1
    assert_one_line_error(err, "different")
    assert ours.read_bytes() == before


def test_merge_driver_as_a_subprocess(three):
    base, ours, theirs = three
    proc = subprocess.run(
        [PYTHON, "-m", "rebound_tui", "merge-driver", str(base), str(ours), str(theirs)],
        capture_output=True,
        text=True,
        env=python_env(),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert b"Beta" in ours.read_bytes()
