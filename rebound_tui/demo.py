"""The demo data: six months of a rebound job search on Chicago's North Shore, as of one day.

The story is data (data/story.toml, linked from examples/): a dated list of events that story.py
replays through `Service` (so every record is valid and stamped like real data), walking forward
day by day: each write happens on the day it is dated, with the clock and "today" set to that
day. The same anchor always gives the same records, field values and stamps; only the random
record ids and database id differ between builds.

The story (from the coach's article): a rejection after a third interview in Glenview, a Skokie
company that said no and came back months later with another role, a Highland Park comptroller
hire who left on day one, and Darlene's team in Northbrook with a problem employee, a star who
needs a promotion and someone who may move to Alaska.

`make_demo_copy` turns the packaged file into a throwaway copy whose days are moved so that it
looks alive on any day: what was due on the anchor is due today.

    python -m rebound_tui.demo [PATH]     # regenerate examples/demo.json (or PATH)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import uuid
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from rebound_tui.domain.schema import DAY, SCHEMA
from rebound_tui.store.fileformat import META_ID, META_TABLE, decode, encode
from rebound_tui.store.files import FILE_MODE, atomic_write
from rebound_tui.story import StoryClock, StoryError, load_story, replay, story_service

ANCHOR = dt.date(2026, 11, 27)
"""The day the packaged demo file is "as of"."""

DAY_FIELDS = tuple(
    sorted({name for fields in SCHEMA.values() for name, spec in fields.items() if spec[0] == DAY})
)
"""Fields holding a calendar day (YYYY-MM-DD): the ones `shift_days` moves."""

ANCHOR_KEY = "demo_anchor"
COPY_NAME = "rebound-demo.json"
PACKAGE_DIR = Path(__file__).resolve().parent
EXAMPLES_FILE = PACKAGE_DIR.parent / "examples" / "demo.json"


# -- building ----------
def build_demo(path: Path, anchor: dt.date = ANCHOR, story: Path | None = None) -> Path:
    """Write a new demo data file at `path`, as of `anchor`; never overwrites a file.

    The story (data/story.toml unless `story` is given) is replayed through the service with the
    playbook paused: the story brings its own follow-ups, hand-timed to tell it.
    """
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise FileExistsError(f"{path} exists already; the demo never overwrites a file")
    events = load_story(story)
    path.parent.mkdir(parents=True, exist_ok=True)
    clock = StoryClock(anchor)
    service = story_service(path, clock)
    replay(events, service, clock)
    clock.day = anchor
    service.db.set_meta(**{ANCHOR_KEY: anchor.isoformat()})
    service.save()
    return path


# -- moving the days ----------
def _shift_day(value: Any, days: int) -> Any:
    if not isinstance(value, str):
        return value
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value
    if len(value) != 10:  # fromisoformat accepts other shapes too; only YYYY-MM-DD is a day
        return value
    return (day + dt.timedelta(days=days)).isoformat()


def shift_days(data: dict[str, Any], days: int) -> dict[str, Any]:
    """A copy of a database with every calendar day moved by `days` (stamps stay as they were)."""
    out: dict[str, Any] = {}
    for table, records in data.items():
        if table == META_TABLE or not isinstance(records, dict):
            out[table] = _deep_copy(records)
            continue
        new_records: dict[str, Any] = {}
        for record_id, doc in records.items():
            doc = _deep_copy(doc)
            if isinstance(doc, dict):
                for name in DAY_FIELDS:
                    if name in doc:
                        doc[name] = _shift_day(doc[name], days)
            new_records[record_id] = doc
        out[table] = new_records
    meta_table = out.setdefault(META_TABLE, {})
    meta = meta_table.setdefault(META_ID, {})
    meta[ANCHOR_KEY] = (anchor_of(data) + dt.timedelta(days=days)).isoformat()
    return out


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def anchor_of(data: dict[str, Any]) -> dt.date:
    """The day a demo database is "as of" (the packaged anchor if the file does not say)."""
    value = data.get(META_TABLE, {}).get(META_ID, {}).get(ANCHOR_KEY)
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else ANCHOR
    except ValueError:
        return ANCHOR


# -- the packaged copy ----------
def demo_source() -> Path:
    """The demo data file shipped inside the package."""
    return Path(str(files("rebound_tui") / "data" / "demo.json"))


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def make_demo_copy(target_dir: Path, today: dt.date) -> Path:
    """A throwaway copy of the packaged demo whose anchor is `today`, so it looks alive.

    The copy gets its own database id, so it can never merge into the user's real data.
    """
    target_dir = Path(target_dir)
    for forbidden in (PACKAGE_DIR, EXAMPLES_FILE.parent):
        if _inside(target_dir, forbidden):
            raise ValueError(f"refusing to write a demo copy into {forbidden}")
    source = demo_source()
    raw = source.read_bytes()
    data = decode(raw, source)
    shifted = shift_days(data, (today - anchor_of(data)).days)
    shifted[META_TABLE][META_ID]["db_id"] = uuid.uuid4().hex
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / COPY_NAME
    atomic_write(target, encode(shifted), FILE_MODE)
    os.chmod(target, FILE_MODE)
    return target


# -- command line ----------
def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the demo file (examples/demo.json unless a path is given)."""
    parser = argparse.ArgumentParser(
        prog="python -m rebound_tui.demo", description="Regenerate the rebound-tui demo data file."
    )
    parser.add_argument("path", nargs="?", type=Path, default=None)
    parser.add_argument(
        "--anchor",
        type=dt.date.fromisoformat,
        default=ANCHOR,
        help=f"the day the demo is 'as of' (YYYY-MM-DD, default {ANCHOR.isoformat()})",
    )
    parser.add_argument(
        "--story",
        type=Path,
        default=None,
        help="the story file to replay (default: the packaged data/story.toml)",
    )
    args = parser.parse_args(argv)
    target: Path = args.path or EXAMPLES_FILE
    if args.path is None and not EXAMPLES_FILE.parent.is_dir():
        parser.error("no examples/ folder here (an installed package): give a PATH")
    if target.is_symlink():
        target = target.resolve()
    tmp = target.with_name(f".{target.name}.building-{uuid.uuid4().hex[:8]}")
    try:
        build_demo(tmp, args.anchor, args.story)
        os.replace(tmp, target)
    except StoryError as exc:  # one line that names the event; the old file stays as it was
        print(f"{parser.prog}: {exc}", file=sys.stderr)
        return 2
    finally:
        if tmp.exists():
            tmp.unlink()
    print(f"wrote {target} (as of {args.anchor.isoformat()})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
