"""SVG snapshots of the workbench: the main screen, the promo dialog, the merge preview and the
request inspector, in basketbench-dark and basketbench-light, on the demo data with a fixed
clock at 120x40 (scenes.py holds still what varies between runs).

After an intended change of the look: pytest tests/tui/test_snapshots.py --snapshot-update,
look at the SVGs in __snapshots__/test_snapshots/ before committing them, and refresh the
README screenshots with `python bench/screenshots.py`."""

from __future__ import annotations

import pytest

from .scenes import SCENES, SIZE, THEMES, scene_app


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("scene", list(SCENES))
def test_snapshot(snap_compare, engine, tmp_path, scene, theme):
    app = scene_app(engine, theme, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=SCENES[scene])
