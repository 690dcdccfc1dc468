"""Recognising sync tools' conflict copies of the data file by name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rebound_tui.store.conflicts import (
    AMBIGUOUS_TOOLS,
    TOOLS,
    ConflictCopy,
    classify,
    find_conflict_copies,
    is_sync_temp_file,
)

DATA = "rebound.json"

POSITIVE = [
    # Syncthing
    ("rebound.sync-conflict-20261127-101500-ABCDEF2.json", "syncthing"),
    ("rebound.sync-conflict-20261127-101500.json", "syncthing"),
    (
        "rebound.sync-conflict-20261127-101500-ABCDEF2.sync-conflict-20261128-090000-XYZ1234.json",
        "syncthing",
    ),
    ("rebound.SYNC-CONFLICT-20261127-101500-abcdef2.JSON", "syncthing"),
    # Dropbox
    ("rebound (Laptop's conflicted copy 2026-11-27).json", "dropbox"),
    ("rebound (Laptop's conflicted copy).json", "dropbox"),
    ("rebound (Laptop's conflicted copy 2026-11-27) (1).json", "dropbox"),
    ("rebound (Jane Doe’s conflicted copy 2026-11-27).json", "dropbox"),
    ("rebound (MacBook Pro (2)'s conflicted copy 2026-11-27).json", "dropbox"),
    ("rebound (Laptop's Conflicted Copy 2026-11-27).json", "dropbox"),
    # Nextcloud / ownCloud
    ("rebound (conflicted copy 2026-11-27 101500).json", "nextcloud"),
    ("rebound (conflicted copy alice 2026-11-27 101500).json", "nextcloud"),
    ("rebound (conflicted copy Alice Smith 2026-11-27 101500).json", "nextcloud"),
    ("rebound (Conflicted Copy 2026-11-27 101500).json", "nextcloud"),
    ("rebound_conflict-20261127-101500.json", "owncloud"),
    # Resilio
    ("rebound.Conflict.json", "resilio"),
    ("rebound.Conflict1.json", "resilio"),
    ("rebound.Conflict2.json", "resilio"),
    ("rebound.conflict.json", "resilio"),
    # unison -copyonconflict (names made by the real unison 2.52: tests/integration)
    ("rebound (conflict_on_2026-12-05).json", "unison"),
    ("rebound (conflict #1_on_2026-12-05).json", "unison"),
    ("rebound (conflict #12_on_2026-12-05).json", "unison"),
    ("rebound (conflict_on_2026-12-05) (conflict_on_2026-12-06).json", "unison"),
    # ambiguous
    ("rebound-LAPTOP.json", "onedrive"),
    ("rebound-DESKTOP-4F2K9QX.json", "onedrive"),
    ("rebound (1).json", "gdrive"),
    ("rebound (12).json", "gdrive"),
    ("rebound 2.json", "icloud"),
    ("rebound 13.json", "icloud"),
]

NEGATIVE = [
    "rebound.json",
    "REBOUND.json",
    "other.json",
    "rebound.json.bak",
    "reboundx.json",
    "rebound.backups",
    "rebound (Case Conflict).json",
    "rebound (Case Conflict 1).json",
    "rebound (Case Conflict) (Laptop's conflicted copy 2026-11-27).json",
    "rebound.sync-conflict-2026-11-27.json",
    "rebound.sync-conflict-20261127-101500-ABCDEF2.json.tmp",
    ".syncthing.rebound.sync-conflict-20261127-101500.json.tmp",
    "~syncthing~rebound.json.tmp",
    ".unison.rebound.json.8b1a3f.unison.tmp",
    ".unison.rebound (conflict_on_2026-12-05).json.8b1a3f.unison.tmp",
    ".unison.rebound.json.tmp",
    ".bak.0.rebound.json",
    "rebound.json.unison.bak",
    "rebound (conflict_on_2026-1-5).json",
    "rebound (conflict on 2026-12-05).json",
    ".rebound.json.tmp-abc123",
    ".rebound.json.tmp-",
    "rebound (1).json.part",
    "rebound (conflicted copy 2026-11-27).json",  # Nextcloud always has a time
    "rebound (conflicted copy).json",
    "rebound (Laptop conflicted copy 2026-11-27).json",
    "rebound_conflict-2026.json",
    "rebound-.json",
    "rebound -LAPTOP.json",
    "rebound ().json",
    "rebound (one).json",
    "rebound 2a.json",
    "rebound2.json",
    "rebound copy.json",
    "rebound.Conflicted.json",
    "other.sync-conflict-20261127-101500-ABCDEF2.json",
    "rebound.sync-conflict-20261127-101500-ABCDEF2.txt",
    "x rebound (1).json",
]


@pytest.mark.parametrize(("name", "tool"), POSITIVE)
def test_recognises_conflict_copy(name: str, tool: str) -> None:
    assert classify(name, DATA) == (tool, tool in AMBIGUOUS_TOOLS)


@pytest.mark.parametrize("name", NEGATIVE)
def test_rejects_names_that_are_not_ours(name: str) -> None:
    assert classify(name, DATA) is None


def test_ambiguity_is_per_tool() -> None:
    assert {"onedrive", "gdrive", "icloud"} == AMBIGUOUS_TOOLS
    assert set(TOOLS) >= AMBIGUOUS_TOOLS
    assert classify("rebound-LAPTOP.json", DATA) == ("onedrive", True)
    assert classify("rebound.Conflict.json", DATA) == ("resilio", False)


def test_other_data_names_generalise() -> None:
    data = "Job hunt 2026.v2-final.json"
    assert classify("Job hunt 2026.v2-final.sync-conflict-20261127-101500.json", data) == (
        "syncthing",
        False,
    )
    assert classify("Job hunt 2026.v2-final (PC's conflicted copy).json", data) == (
        "dropbox",
        False,
    )
    assert classify("Job hunt 2026.v2-final 2.json", data) == ("icloud", True)
    # the regex must escape the stem: '.' is not a wildcard
    assert classify("Job hunt 2026Xv2-final.Conflict.json", data) is None
    # no suffix at all
    assert classify("rebound.sync-conflict-20261127-101500", "rebound") == ("syncthing", False)
    assert classify("rebound (1)", "rebound") == ("gdrive", True)
    assert classify("rebound (1).json", "rebound") is None


def test_unicode_normalisation_does_not_hide_copies() -> None:
    nfc = "Bewerbungen-M\u00fcnchen.json"
    nfd_copy = "Bewerbungen-Mu\u0308nchen.sync-conflict-20261127-101500.json"
    assert classify(nfd_copy, nfc) == ("syncthing", False)


@pytest.mark.parametrize(
    "name",
    [
        ".syncthing.rebound.json.tmp",
        "~syncthing~rebound.json.tmp",
        ".unison.rebound.json.8b1a3f.unison.tmp",
        ".unison.rebound (conflict_on_2026-12-05).json.8b1a3f.unison.tmp",
        ".unison.rebound.json.tmp",
        ".bak.0.rebound.json",
        "rebound.json.unison.bak",
        ".~rebound.json",
        "rebound.json.partial",
        "rebound.json.part",
        ".~lock.rebound.json#",
        ".rebound.json.~3fa9c2",
        ".sync_0a1b2c3d4e5f.db",
        "._sync_0a1b2c3d4e5f.db-wal",
        ".rebound 2.json.icloud",
        ".rebound.json.tmp-1234",
        "rebound.json.!sync",
        ".dropbox",
        ".dropbox.attr",
    ],
)
def test_sync_temp_files(name: str) -> None:
    assert is_sync_temp_file(name)


@pytest.mark.parametrize(
    "name", ["rebound.json", "rebound (1).json", "rebound.Conflict.json", "partial.json"]
)
def test_real_files_are_not_temp_files(name: str) -> None:
    assert not is_sync_temp_file(name)


# -- properties over generated names -------------------------------------------------

stems = st.text(alphabet="abcXYZ019 .-_'", min_size=1, max_size=12).filter(
    lambda s: s.strip(" .") == s and not s.startswith("-") and "." not in s[-1:]
)
suffixes = st.sampled_from([".json", ".JSON", ".db", ".rebound", ""])
stamp = st.tuples(
    st.integers(2000, 2099), st.integers(1, 12), st.integers(1, 28), st.integers(0, 235959)
)


def _marker(draw: st.DrawFn, tool: str) -> str:
    y, m, d, t = draw(stamp)
    who = draw(st.text(alphabet="abcXYZ 019-'", min_size=1, max_size=10))
    if tool == "syncthing":
        dev = draw(st.sampled_from(["", "-ABCDEF2", "-XYZ1234"]))
        return f".sync-conflict-{y}{m:02}{d:02}-{t:06}{dev}"
    if tool == "dropbox":
        date = draw(st.sampled_from(["", f" {y}-{m:02}-{d:02}"]))
        tail = draw(st.sampled_from(["", " (1)", " (7)"]))
        return f" ({who}'s conflicted copy{date}){tail}"
    if tool == "nextcloud":
        user = draw(st.sampled_from(["", " alice", f" {who}"]))
        return f" (conflicted copy{user} {y}-{m:02}-{d:02} {t:06})"
    if tool == "owncloud":
        return f"_conflict-{y}{m:02}{d:02}-{t:06}"
    if tool == "resilio":
        return ".Conflict" + draw(st.sampled_from(["", "1", "23"]))
    if tool == "onedrive":
        first = draw(st.sampled_from("AZaz09"))
        return f"-{first}" + draw(st.text(alphabet="ABCxyz0123-", max_size=14))
    if tool == "gdrive":
        return f" ({draw(st.integers(1, 99))})"
    if tool == "unison":
        number = draw(st.sampled_from(["", " #1", " #27"]))
        return f" (conflict{number}_on_{y}-{m:02}-{d:02})"
    assert tool == "icloud"
    return f" {draw(st.integers(2, 99))}"


@st.composite
def conflict_names(draw: st.DrawFn) -> tuple[str, str, str]:
    stem, suffix = draw(stems), draw(suffixes)
    if not suffix:  # without a suffix, a dot in the stem would start one
        stem = stem.replace(".", "_")
    tool = draw(st.sampled_from(TOOLS))
    marker = _marker(draw, tool)
    if tool == "syncthing" and draw(st.booleans()):
        marker += _marker(draw, tool)  # a conflict of a conflict
    return f"{stem}{suffix}", f"{stem}{marker}{suffix}", tool


@given(conflict_names())
def test_generated_conflict_names_are_recognised(case: tuple[str, str, str]) -> None:
    data_name, name, tool = case
    assert classify(name, data_name) == (tool, tool in AMBIGUOUS_TOOLS)


@given(stems, suffixes)
def test_the_data_file_is_never_its_own_conflict(stem: str, suffix: str) -> None:
    name = f"{stem}{suffix}"
    assert classify(name, name) is None
    assert classify(f".{name}.tmp-x1y2", name) is None
    assert classify(f"{name}.bak", name) is None


# -- scanning a folder -----------------------------------------------------------------


def _touch(folder: Path, name: str) -> None:
    (folder / name).write_text("{}")


def test_find_conflict_copies_in_a_mixed_folder(tmp_path: Path) -> None:
    data = tmp_path / DATA
    _touch(tmp_path, DATA)
    ours = [
        "rebound.sync-conflict-20261127-101500-ABCDEF2.json",
        "rebound (Laptop's conflicted copy 2026-11-27).json",
        "rebound (conflicted copy alice 2026-11-27 101500).json",
        "rebound_conflict-20261127-101500.json",
        "rebound.Conflict1.json",
        "rebound (conflict #1_on_2026-12-05).json",
        "rebound-LAPTOP.json",
        "rebound (1).json",
        "rebound 2.json",
    ]
    noise = [
        "other.json",
        "rebound.json.bak",
        "reboundx.json",
        "rebound (Case Conflict).json",
        ".syncthing.rebound.json.tmp",
        "~syncthing~rebound.json.tmp",
        ".unison.rebound.json.8b1a3f.unison.tmp",
        ".unison.rebound (conflict_on_2026-12-05).json.8b1a3f.unison.tmp",
        ".unison.rebound.json.tmp",
        ".bak.0.rebound.json",
        "rebound.json.unison.bak",
        ".rebound.json.tmp-9f8e",
        "rebound (1).json.part",
        ".rebound 2.json.icloud",
    ]
    for name in ours + noise:
        _touch(tmp_path, name)
    (tmp_path / "rebound.backups").mkdir()
    # a directory with a conflict-like name is not a file to merge
    (tmp_path / "rebound.Conflict.json").mkdir()
    # nested folders are not scanned
    (tmp_path / "sub").mkdir()
    _touch(tmp_path / "sub", "rebound (2).json")

    found = find_conflict_copies(data)

    assert [c.path.name for c in found] == sorted(ours)
    assert all(isinstance(c, ConflictCopy) and c.path.parent == tmp_path for c in found)
    by_name = {c.path.name: c for c in found}
    assert by_name["rebound-LAPTOP.json"] == ConflictCopy(
        tmp_path / "rebound-LAPTOP.json", "onedrive", True
    )
    assert by_name["rebound.Conflict1.json"].tool == "resilio"
    assert not by_name["rebound.Conflict1.json"].ambiguous
    assert {c.tool for c in found} == set(TOOLS)


def test_find_works_when_the_data_file_does_not_exist_yet(tmp_path: Path) -> None:
    _touch(tmp_path, "rebound (1).json")
    assert [c.tool for c in find_conflict_copies(tmp_path / DATA)] == ["gdrive"]


def test_find_in_a_missing_folder_is_empty(tmp_path: Path) -> None:
    assert find_conflict_copies(tmp_path / "nope" / DATA) == []


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_find_skips_broken_symlinks_but_follows_good_ones(tmp_path: Path) -> None:
    _touch(tmp_path, "target.txt")
    (tmp_path / "rebound (1).json").symlink_to(tmp_path / "target.txt")
    (tmp_path / "rebound (2).json").symlink_to(tmp_path / "missing.txt")
    assert [c.path.name for c in find_conflict_copies(tmp_path / DATA)] == ["rebound (1).json"]
