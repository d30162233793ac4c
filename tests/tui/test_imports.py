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
