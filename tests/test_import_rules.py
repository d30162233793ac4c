"""The import rules of docs/development.md, as import-linter contracts (pyproject.toml): run
here as `make lint` runs them, so every import counts, lazy ones inside functions included.
One runtime check stays: what importing the workbench loads, which a static graph cannot see."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "basketbench"


def lint_imports(pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`lint-imports` from this interpreter's environment, on the repository's contracts."""
    code = "import sys; from importlinter.cli import lint_imports_command; lint_imports_command()"
    env = None
    if pythonpath is not None:
        env = {"PYTHONPATH": str(pythonpath), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", code, "--no-cache", "--config",
                           str(ROOT / "pyproject.toml")], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def contracts() -> list[dict]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]["contracts"]


def test_the_import_contracts_hold():
    result = lint_imports()
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert f"Contracts: {len(contracts())} kept, 0 broken." in result.stdout


def test_every_rule_of_the_design_is_a_contract():
    by_type: dict[str, list[dict]] = {}
    for contract in contracts():
        by_type.setdefault(contract["type"], []).append(contract)
    forbidden = {(src, bad) for c in by_type["forbidden"]
                 for src in c["source_modules"] for bad in c["forbidden_modules"]}
    for core in ("engine", "wire", "backends", "server", "flows"):
        assert (f"basketbench.{core}", "textual") in forbidden, core
    for bad in ("basketbench.engine", "basketbench.server", "sqlite3", "sqlite_utils"):
        assert ("basketbench.tui", bad) in forbidden, bad
    layers = by_type["layers"][0]["layers"]
    assert layers[0] == "basketbench.cli"
    assert by_type["protected"][0]["protected_modules"] == ["basketbench.cli"]
    assert by_type["acyclic_siblings"][0]["ancestors"] == ["basketbench"]


def test_a_lazy_import_that_breaks_a_rule_is_caught(tmp_path):
    """A copy of the package where a workbench module imports the engine inside a function
    (the kind of import a `sys.modules` check never saw): the contracts fail on it."""
    copy = tmp_path / "basketbench"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / "tui" / "format.py").open("a") as f:
        f.write("\n\ndef _sneaky():\n    from ..engine import BasketEngine\n\n"
                "    return BasketEngine\n")
    result = lint_imports(pythonpath=tmp_path)
    assert result.returncode != 0
    assert "basketbench.tui.format -> basketbench.engine" in result.stdout


def test_importing_the_workbench_loads_no_engine_server_or_sqlite_utils():
    """Start-up cost: every workbench module (panes, dialogs, palette, flows, daily-use views)
    imports without loading the engine, the server or sqlite-utils; the local backend loads
    them when it opens (tests/tui/test_daily_use_imports.py checks what that open loads)."""
    modules = ["app", "panes", "screens", "commands", "themes", "inspector", "nexudus_view",
               "profile_commands", "connect", "recording", "flow_commands",
               "screens.flow_save", "screens.flow_replay", "screens.basket_diff"]
    code = ("import sys, basketbench.flows.recorder, "
            + ", ".join(f"basketbench.tui.{m}" for m in modules) + "\n"
            "bad = [m for m in sys.modules if m.split('.')[0] == 'sqlite_utils' or "
            "m.startswith(('basketbench.engine', 'basketbench.server'))]\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""
