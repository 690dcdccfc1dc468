"""Where the data file lives: --db PATH, else $REBOUND_DB, else the platform's user data folder."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

DEFAULT_NAME = "rebound.json"


def default_data_path() -> Path:
    return Path(user_data_dir("rebound-tui", appauthor=False)) / DEFAULT_NAME


def resolve_data_path(cli_value: str | None) -> tuple[Path, bool]:
    """The data file to use, and whether it is the default one (whose folder we may create)."""
    if cli_value:
        return Path(cli_value).expanduser(), False
    env = os.environ.get("REBOUND_DB")
    if env:
        return Path(env).expanduser(), False
    return default_data_path(), True
