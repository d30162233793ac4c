"""Export the README screenshots: the scenes of the snapshot tests (tests/tui/scenes.py) as SVG
files in docs/screenshots/, so what the README shows is what the tests check.

Run: .venv/bin/python bench/screenshots.py [--out docs/screenshots] [--png]

--png also writes a PNG of each with `rsvg-convert` (apt package librsvg2-bin), if installed.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.tui.scenes import SCENES, SIZE, THEMES, demo_engine, scene_app  # noqa: E402


async def export(scene: str, theme: str, out: Path, work: Path) -> Path:
    engine = demo_engine(work / f"{scene}-{theme}.db")
    try:
        app = scene_app(engine, theme, work)
        async with app.run_test(size=SIZE) as pilot:
            await SCENES[scene](pilot)
            svg = app.export_screenshot(title=f"basketbench · {scene.replace('-', ' ')}")
    finally:
        engine.close()
    path = out / f"{scene}-{theme.removeprefix('basketbench-')}.svg"
    path.write_text(svg, "utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--png", action="store_true", help="also write PNGs (rsvg-convert)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    converter = shutil.which("rsvg-convert") if args.png else None
    if args.png and converter is None:
        print("rsvg-convert not found (apt-get install librsvg2-bin): SVG only")
    with tempfile.TemporaryDirectory() as tmp:
        for scene in SCENES:
            for theme in THEMES:
                path = asyncio.run(export(scene, theme, args.out, Path(tmp)))
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
                if converter:
                    png = path.with_suffix(".png")
                    subprocess.run([converter, "-o", str(png), str(path)], check=True)
                    print(png.relative_to(ROOT) if png.is_relative_to(ROOT) else png)


if __name__ == "__main__":
    main()
