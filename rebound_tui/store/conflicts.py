"""Finding the copies sync tools leave beside our data file when two machines disagree.

Users keep the data file in a synced folder. When two machines save while out of touch,
the sync tool keeps both versions by writing the losing one under a new name. We only
*find* those copies here: merging them is the domain's job, archiving them is
`backups.py`'s. Everything is decided from the file name alone, so this module never
reads file contents.

Some tools mark conflicts unmistakably (``.sync-conflict-``, ``conflicted copy``).
Others (OneDrive, Google Drive, iCloud) just append a machine name or a counter,
which an unrelated file can also have (``rebound-work.json`` may be a second
database). Those are reported as *ambiguous*: the caller must accept one only if
it parses as a rebound file with the same database id.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePath

__all__ = [
    "AMBIGUOUS_TOOLS",
    "TOOLS",
    "ConflictCopy",
    "classify",
    "find_conflict_copies",
    "is_sync_temp_file",
]

TOOLS = (
    "syncthing",
    "dropbox",
    "nextcloud",
    "owncloud",
    "resilio",
    "unison",
    "onedrive",
    "gdrive",
    "icloud",
)
AMBIGUOUS_TOOLS = frozenset({"onedrive", "gdrive", "icloud"})


@dataclass(frozen=True)
class ConflictCopy:
    """A file that looks like a sync tool's conflict copy of our data file."""

    path: Path
    tool: str
    ambiguous: bool


# A free-text name inside parentheses (device or user name). One level of nested
# parentheses is allowed ("MacBook Pro (2)") but not unbalanced ones, so that
# "rebound (Case Conflict) (X's conflicted copy).json" is not taken for ours.
_WHO = r"(?:[^()]|\([^()]*\))+?"
_DATE = r"\d{4}-\d{2}-\d{2}"

# Markers inserted between the stem and the suffix. Unambiguous ones may repeat:
# a conflict of a conflict nests the marker (Syncthing does this by design).
_MARKERS: tuple[tuple[str, str], ...] = (
    # rebound.sync-conflict-20261127-101500-ABCDEF2.json (device id optional)
    ("syncthing", r"\.sync-conflict-\d{8}-\d{6}(?:-[a-z0-9]+)?"),
    # rebound (Laptop's conflicted copy 2026-11-27) (1).json
    ("dropbox", rf" \({_WHO}['’]s conflicted copy(?: {_DATE})?\)(?: \(\d+\))?"),
    # rebound (conflicted copy alice 2026-11-27 101500).json
    ("nextcloud", rf" \(conflicted copy(?: {_WHO})? {_DATE} \d{{6}}\)"),
    # legacy ownCloud: rebound_conflict-20261127-101500.json
    ("owncloud", r"_conflict-\d{8}-\d{6}"),
    # rebound.Conflict.json, rebound.Conflict1.json
    ("resilio", r"\.conflict\d*"),
    # unison -copyonconflict: rebound (conflict_on_2026-12-05).json, then
    # rebound (conflict #1_on_2026-12-05).json, #2... (its format: " (conflict%s_on_%Y-%m-%d%s)")
    ("unison", rf" \(conflict(?: #\d+)?_on_{_DATE}[^()]*\)"),
)
_AMBIGUOUS_MARKERS: tuple[tuple[str, str], ...] = (
    # rebound-LAPTOP.json: stem, dash, machine name
    ("onedrive", r"-[a-z0-9][a-z0-9-]*"),
    # rebound (1).json
    ("gdrive", r" \(\d+\)"),
    # rebound 2.json
    ("icloud", r" \d+"),
)

# Names sync tools (and editors) use while a transfer is in flight. Never data.
_TEMP_PATTERNS = re.compile(
    r"""
      ^\.syncthing\..*\.tmp$         # Syncthing (Unix)
    | ^\.unison\..*\.tmp$            # unison: .unison.NAME.HASH.unison.tmp (and older .tmp)
    | \.unison\.bak$                  # unison's own backups
    | ^\.bak\.\d+\.                    # unison's backups beside the file: .bak.0.NAME
    | ^~syncthing~.*\.tmp$           # Syncthing (Windows)
    | ^\.~                           # Dropbox / LibreOffice style hidden temp and lock files
    | ^~\$                           # Office lock files (OneDrive folders)
    | ^\..+\.~[0-9a-f]+$             # Nextcloud / ownCloud download in progress
    | ^\.?_?sync_[0-9a-f]*\.db       # Nextcloud / ownCloud journal
    | ^\.owncloudsync\.log           # ownCloud log
    | ^\..+\.icloud$                 # iCloud placeholder of a file not downloaded yet
    | ^\..+\.tmp-.*$                 # our own atomic-save temp files: .{name}.tmp-*
    | \.(?:partial|part|tmp|temp|crdownload|download|!sync|!qb)$
    | ^\.dropbox(?:\..*)?$           # Dropbox bookkeeping
    """,
    re.IGNORECASE | re.VERBOSE,
)


def _nfc(name: str) -> str:
    # macOS may hand out decomposed (NFD) names while we were given composed ones.
    return unicodedata.normalize("NFC", name)


def is_sync_temp_file(name: str) -> bool:
    """True for in-flight/lock/temp names that must never be merged or archived."""
    return bool(_TEMP_PATTERNS.search(_nfc(name)))


@lru_cache(maxsize=32)
def _patterns(data_name: str) -> tuple[tuple[str, bool, re.Pattern[str]], ...]:
    data = PurePath(data_name)
    stem, suffix = re.escape(data.stem), re.escape(data.suffix)
    compiled = []
    for tool, marker in _MARKERS:
        regex = rf"{stem}(?:{marker})+{suffix}"
        compiled.append((tool, False, re.compile(regex, re.IGNORECASE)))
    for tool, marker in _AMBIGUOUS_MARKERS:
        regex = rf"{stem}{marker}{suffix}"
        compiled.append((tool, True, re.compile(regex, re.IGNORECASE)))
    return tuple(compiled)


def classify(name: str, data_name: str) -> tuple[str, bool] | None:
    """Return ``(tool, ambiguous)`` if `name` looks like a conflict copy of `data_name`.

    Names are compared case-insensitively and after Unicode NFC normalisation, since
    tools and file systems on other machines may change either.
    """
    name, data_name = _nfc(name), _nfc(data_name)
    if name.casefold() == data_name.casefold() or is_sync_temp_file(name):
        return None
    for tool, ambiguous, pattern in _patterns(data_name):
        if pattern.fullmatch(name):
            return tool, ambiguous
    return None


def find_conflict_copies(data_path: Path) -> list[ConflictCopy]:
    """Conflict copies of `data_path` in its folder (not recursive), sorted by name.

    A missing folder yields no copies: there is nothing to merge yet.
    """
    data_path = Path(data_path)
    folder = data_path.parent
    found: list[ConflictCopy] = []
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    for entry in entries:
        try:
            if not entry.is_file():  # follows symlinks; skips dirs and broken links
                continue
        except OSError:
            continue
        hit = classify(entry.name, data_path.name)
        if hit is not None:
            tool, ambiguous = hit
            found.append(ConflictCopy(folder / entry.name, tool, ambiguous))
    found.sort(key=lambda c: c.path.name)
    return found
