"""A longer run of the crash test (tests/test_crash.py): writers killed with SIGKILL, many times.

Not collected by pytest (tests/conftest.py ignores this folder). Run it by hand:

    python tests/soak/crash_soak.py --kills 1000 [--writers 3] [--seed N] [--keep]

It exits 0 when every kill left a file that parses and holds every acknowledged save.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(TESTS.parent))

import conftest  # noqa: E402, F401  (registers the rebound_test_helpers module)
from test_crash import check_aftermath, crash_rounds  # noqa: E402

SEGMENT = 20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=500, help="how many SIGKILLs (default 500)")
    parser.add_argument("--writers", type=int, default=2, help="concurrent writers per round")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder afterwards")
    args = parser.parse_args(argv)
    if args.kills < 1 or args.writers < 1:
        parser.error("--kills and --writers must be at least 1")

    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="rebound-crash-soak-"))
    os.environ["REBOUND_LOCK_DIR"] = str(folder / "locks")
    os.environ["REBOUND_BACKUPS"] = str(folder / "backups")
    rounds = -(-args.kills // args.writers)
    print(f"seed {seed}: {rounds} rounds x {args.writers} writers in {folder}", flush=True)
    started = time.monotonic()
    kills = 0
    try:
        # Every file grows with each save; a fresh file every SEGMENT rounds keeps saves fast.
        for segment, first in enumerate(range(0, rounds, SEGMENT)):
            path = folder / f"data-{segment}" / "rebound.json"
            path.parent.mkdir()
            kills += crash_rounds(path, min(SEGMENT, rounds - first), rng, args.writers)
            check_aftermath(path)
            print(f"  {kills} kills, {path.stat().st_size:,} bytes, OK", flush=True)
    except AssertionError as exc:
        print(f"FAILED after {kills} kills (seed {seed}): {exc}", file=sys.stderr)
        print(f"the files are kept in {folder}", file=sys.stderr)
        return 1
    print(f"{kills} kills in {time.monotonic() - started:.0f}s: no acknowledged save lost")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
