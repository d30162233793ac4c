"""`basketbench basket get` on the local engine: a whole process that imports neither
pydantic nor the wire models nor the backend layer (issue 14: the CLI spent 85% of its time
importing), and prints the same basket as the backend path does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from basketbench.engine import demo

ROOT = Path(__file__).resolve().parents[2]
# Runs the CLI as `python -m basketbench` would, then lists what it imported.
PROBE = """
import runpy, sys
sys.argv = ["basketbench", *sys.argv[1:]]
try:
    runpy.run_module("basketbench", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print("MODULES", " ".join(sorted(sys.modules)))
sys.exit(code)
"""
HEAVY = ("pydantic", "basketbench.wire", "basketbench.backends", "httpx", "asyncio",
         "sqlite_utils")


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASKETBENCH_")}
    env.update(BASKETBENCH_CONFIG_DIR=str(tmp_path / "config"),
               BASKETBENCH_DATA_DIR=str(tmp_path / "data"),
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True,
                          text=True, timeout=60)


def imported(result: subprocess.CompletedProcess) -> set[str]:
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("MODULES "))
    return set(line.split()[1:])


def test_local_get_imports_no_pydantic_and_prints_the_basket(tmp_path):
    db = tmp_path / "local.db"
    seeded = run_cli(tmp_path, "--db", str(db), "basket", "get", demo.basket_id("alice-main"),
                     "--json")  # the backend path: seeds the demo, reads wire JSON
    assert seeded.returncode == 0, seeded.stderr
    assert "basketbench.wirejson.parse" in imported(seeded)  # the probe sees what happens
    assert "pydantic" not in imported(seeded)  # the domain path: no pydantic either

    result = run_cli(tmp_path, "--db", str(db), "basket", "get", demo.basket_id("alice-main"))
    assert result.returncode == 0, result.stderr
    modules = imported(result)
    loaded = [m for m in HEAVY if m in modules or any(n.startswith(m + ".") for n in modules)]
    assert loaded == [], f"a local `basket get` imported {loaded}"
    out = result.stdout
    assert f"Basket {demo.basket_id('alice-main')}" in out
    assert "User: alice@example.com" in out
    assert "POLO-NAVY-L" in out and "Grand total" in out


def test_local_get_of_a_bad_id_is_a_clear_error(tmp_path):
    result = run_cli(tmp_path, "--db", str(tmp_path / "local.db"), "basket", "get",
                     "00000000-0000-0000-0000-00000000000g")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
