"""Commands that keep the file safe across machines: sync, check, backups, restore, merge-driver."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Filled in with the sync-safe storage work."""
