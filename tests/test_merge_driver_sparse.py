"""The merge drivers read only the records where the versions' bytes differ from ours when ours
is a file this machine checked (`merge_driver._merge_sparse`): the same bytes as the whole
merge, for git's three versions and unison's two or three."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_tui.store import checked, merge_driver
from rebound_tui.store.database import Database
from rebound_tui.store.fileformat import DataFileError, decode


def seeded(path: Path, n: int = 5) -> list[str]:
    db = Database(path)
    ids = [db.create("companies", {"name": f"Co {i}", "priority": 3}) for i in range(n)]
    db.create("contacts", {"name": "Dana", "company_id": ids[0]})
    db.save()
    checked.flush_pending()
    return ids


def edit(path: Path, ids: list[str], edits: list[tuple[str, int]], tag: str) -> None:
    db = Database(path)
    for action, n in edits:
        if action == "edit":
            db.update("companies", ids[n], {"notes": f"{tag} {n}"})
        elif action == "create":
            db.create("companies", {"name": f"{tag} new {n}", "priority": 2})
        elif action == "delete" and db.get("companies", ids[n]) is not None:
            db.delete("companies", ids[n])
        elif action == "table":
            db.create("followups", {"title": f"{tag} {n}", "due": "2026-12-01", "status": "open"})
    db.save()
    checked.flush_pending()


EDITS = st.lists(
    st.tuples(st.sampled_from(["edit", "create", "delete", "table"]), st.integers(0, 4)),
    max_size=5,
)


def three(folder: Path, ours_edits, theirs_edits, base_edits=()) -> tuple[Path, Path, Path]:
    base = folder / "base.json"
    ids = seeded(base)
    ours, theirs = folder / "ours.json", folder / "theirs.json"
    shutil.copyfile(base, ours)
    shutil.copyfile(base, theirs)
    edit(ours, ids, list(ours_edits), "ours")
    edit(theirs, ids, list(theirs_edits), "theirs")
    if base_edits:
        edit(base, ids, list(base_edits), "base")
    return base, ours, theirs


def whole_merge(monkeypatch: pytest.MonkeyPatch, run) -> None:
    with monkeypatch.context() as m:
        m.setattr(merge_driver, "_merge_sparse", lambda *a: False)
        run()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ours_edits=EDITS, theirs_edits=EDITS, base_edits=EDITS)
def test_git_the_same_bytes_as_the_whole_merge(
    tmp_path_factory, monkeypatch, ours_edits, theirs_edits, base_edits
):
    folder = tmp_path_factory.mktemp("git")
    base, ours, theirs = three(folder, ours_edits, theirs_edits, base_edits)
    slow = folder / "ours-slow.json"
    shutil.copyfile(ours, slow)
    assert merge_driver._merge_sparse(ours, theirs, base, ours, 0o600)  # read sparse
    whole_merge(monkeypatch, lambda: merge_driver.merge_files(base, slow, theirs))
    assert ours.read_bytes() == slow.read_bytes()
    # Remembered as checked, as the whole merge remembers what it writes.
    entry = checked.lookup(checked.digest_of(ours.read_bytes()))
    assert entry is not None and entry.exact is True


def test_unison_with_and_without_a_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base, one, two = three(tmp_path, [("edit", 1), ("create", 2)], [("edit", 1), ("table", 3)])
    for ancestor in (base, None):
        fast, slow = tmp_path / "new-fast.json", tmp_path / "new-slow.json"
        merge_driver.merge_to(fast, one, two, ancestor)
        whole_merge(monkeypatch, lambda a=ancestor, s=slow: merge_driver.merge_to(s, one, two, a))
        assert fast.read_bytes() == slow.read_bytes()
        assert decode(fast.read_bytes(), fast)["followups"]


def test_not_checked_here_or_not_our_layout_is_merged_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, ours, theirs = three(tmp_path, [("edit", 0)], [("edit", 1)])
    monkeypatch.setenv("REBOUND_LOCK_DIR", str(tmp_path / "elsewhere"))  # nothing known here
    assert not merge_driver._merge_sparse(ours, theirs, base, ours, 0o600)
    merge_driver.merge_files(base, ours, theirs)  # the whole merge
    merged = decode(ours.read_bytes(), ours)
    notes = {d.get("notes") for d in merged["companies"].values()}
    assert {"ours 0", "theirs 1"} <= notes


def test_a_bad_record_in_theirs_marks_a_conflict(tmp_path: Path) -> None:
    base, ours, theirs = three(tmp_path, [("edit", 0)], [("edit", 1)])
    raw = theirs.read_bytes()
    theirs.write_bytes(raw.replace(b'"notes": "theirs 1"', b'"notes": 12'))
    before = ours.read_bytes()
    with pytest.raises(DataFileError, match="notes"):
        merge_driver.merge_files(base, ours, theirs)
    assert ours.read_bytes() == before


def test_a_version_checked_strictly_is_remembered_with_its_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version the drivers read and checked (strictly) is remembered as laid out exactly as we
    write when it is: the next merge with it as our side reads the others sparse."""
    base, ours, theirs = three(tmp_path, [("edit", 0)], [("edit", 1)])
    monkeypatch.setenv("REBOUND_LOCK_DIR", str(tmp_path / "fresh"))  # nothing known here yet
    raw = ours.read_bytes()
    checked.decode_known(raw, ours, strict=True)
    entry = checked.lookup(checked.digest_of(raw))
    assert entry is not None and entry.exact is True and entry.strict
    assert merge_driver._merge_sparse(ours, theirs, base, ours, 0o600)


@pytest.mark.parametrize("empty_base", [False, True])
def test_mapped_versions_give_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty_base: bool
) -> None:
    """Big versions are mapped, not read (one in memory at a time): the same merge."""
    monkeypatch.setattr(merge_driver, "READ_BELOW", 1)  # every version mapped
    base, ours, theirs = three(tmp_path, [("edit", 0), ("table", 1)], [("edit", 2), ("create", 3)])
    if empty_base:
        base.write_bytes(b"")  # git's ancestor when both sides added the file
    slow = tmp_path / "ours-slow.json"
    shutil.copyfile(ours, slow)
    assert merge_driver._merge_sparse(ours, theirs, base, ours, 0o600)
    whole_merge(monkeypatch, lambda: merge_driver.merge_files(base, slow, theirs))
    assert ours.read_bytes() == slow.read_bytes()
