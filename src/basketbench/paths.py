"""Where basketbench keeps its files (XDG via platformdirs), with environment overrides."""

from __future__ import annotations

import os
from pathlib import Path

APP = "basketbench"


def data_dir() -> Path:
    override = os.environ.get("BASKETBENCH_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP))


def config_dir() -> Path:
    override = os.environ.get("BASKETBENCH_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP))


def default_db() -> Path:
    """The local engine's database: $BASKETBENCH_DB, else basketbench.db in the data dir."""
    override = os.environ.get("BASKETBENCH_DB")
    return Path(override) if override else data_dir() / "basketbench.db"
