"""Start-up: the workbench paints before it imports pydantic, the wire models or the engine.
(The import rules themselves are import-linter contracts: tests/test_import_rules.py.)"""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_workbench_paints_before_importing_pydantic_or_the_wire_models(tmp_path):
    """Start-up (docs/workbench.md#performance): making the app imports neither pydantic, the
    wire models nor the engine; the backend opens in a thread after the first paint."""
    code = ("import sys\n"
            "from basketbench.tui.app import prepare\n"
            f"app = prepare(db={str(tmp_path / 'never-opened.db')!r})\n"
            "print(','.join(m for m in sys.modules if m.split('.')[0] == 'pydantic'"
            " or m.startswith(('basketbench.wire', 'basketbench.engine'))))")
    env = {**os.environ, "BASKETBENCH_CONFIG_DIR": str(tmp_path / "config")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env).stdout.strip()
    assert out == ""
    assert not (tmp_path / "never-opened.db").exists()


def test_a_change_on_the_local_workbench_never_imports_pydantic_or_the_wire_models(tmp_path):
    """Issue 14: the local workbench reads the engine's baskets as domain objects (plain
    Python) and files changes for undo without the flow format: opening a basket and
    pressing `+` imports neither pydantic nor the wire models."""
    code = f"""
import asyncio, sys
from basketbench.backends.local import LocalBackend
from basketbench.tui.app import BasketBench

async def main():
    app = BasketBench(LocalBackend({str(tmp_path / "local.db")!r}))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.baskets_pane.table.row_count:
                break
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.05)
            if app.basket is not None:
                break
        version = app.basket.version
        await pilot.press("tab", "plus")
        for _ in range(100):
            await pilot.pause(0.05)
            if app.basket.version != version:
                break
        assert app.basket.version != version, "the change did not land"

asyncio.run(main())
print(",".join(m for m in sys.modules if m.split(".")[0] == "pydantic"
               or m == "basketbench.wire" or m.startswith("basketbench.wire.")))
"""
    env = {**os.environ, "BASKETBENCH_CONFIG_DIR": str(tmp_path / "config")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert out.stdout.strip() == "", out.stdout
