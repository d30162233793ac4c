"""Flow tests: a real LocalBackend on a fresh demo database per test, and helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from basketbench.backends.local import LocalBackend

ROOT = Path(__file__).resolve().parents[2]
FLOWS_DIR = ROOT / "flows"
EXAMPLE_FLOWS = sorted(FLOWS_DIR.glob("*.toml"))


@pytest.fixture
async def backend(tmp_path, clock):
    """A LocalBackend on a new database, seeded with the demo data at first use."""
    b = LocalBackend(tmp_path / "flows.db", clock=clock)
    yield b
    await b.close()


def write(tmp_path: Path, text: str, name: str = "flow.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path
