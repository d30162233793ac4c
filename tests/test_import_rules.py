"""The layering rules of DESIGN.md, checked in fresh interpreters."""

from __future__ import annotations

import subprocess
import sys

import pytest


def loaded_after(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    return set(out.split())


@pytest.mark.parametrize("module", [
    "basketbench.engine", "basketbench.wire", "basketbench.backends",
    "basketbench.backends.local", "basketbench.server", "basketbench.cli",
])
def test_core_layers_never_import_textual(module):
    try:
        modules = loaded_after(module)
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"importing {module} failed: {exc.stderr[-500:]}")
    assert not any(m == "textual" or m.startswith("textual.") for m in modules), module


def test_tui_never_imports_engine_server_or_sqlite_utils():
    try:
        modules = loaded_after("basketbench.tui.app")
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"importing the workbench failed: {exc.stderr[-500:]}")
    for forbidden in ("basketbench.engine", "basketbench.server", "sqlite_utils"):
        assert forbidden not in modules, forbidden


def test_engine_never_imports_http_stack():
    modules = loaded_after("basketbench.engine")
    assert not {"httpx", "fastapi", "starlette"} & modules
