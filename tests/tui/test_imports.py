"""The workbench reaches data only through a backend: importing it (and every pane, dialog
and the palette) loads neither the engine, the server nor sqlite-utils."""

from __future__ import annotations

import subprocess
import sys


def test_the_workbench_never_imports_engine_server_or_sqlite_utils():
    code = ("import sys, basketbench.tui.app, basketbench.tui.panes, basketbench.tui.screens, "
            "basketbench.tui.commands\n"
            "bad = [m for m in sys.modules if m.split('.')[0] == 'sqlite_utils' or "
            "m.startswith(('basketbench.engine', 'basketbench.server'))]\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""
