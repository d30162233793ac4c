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


def default_db() -> Path | str:
    """The local engine's store: $BASKETBENCH_STORE or $BASKETBENCH_DB (a file, or a
    postgresql:// URL), else basketbench.db in the data dir."""
    override = os.environ.get("BASKETBENCH_STORE") or os.environ.get("BASKETBENCH_DB")
    return database_location(override) if override else data_dir() / "basketbench.db"


def database_location(value: str | Path) -> Path | str:
    """A db/store setting as the engine opens it: a postgresql:// URL as it is, anything
    else a file path (with ~ expanded)."""
    if isinstance(value, str) and value.startswith(("postgresql://", "postgres://")):
        return value
    return Path(value).expanduser()
