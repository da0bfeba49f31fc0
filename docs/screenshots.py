"""Screenshots of the three reports for the README: docs/img/report-edition.png, report-diff.png, report-index.png.

    .venv/bin/python docs/screenshots.py [--keep DIR]

Builds, in a temporary directory, an output of the published 2025-07 送庄镇 edition (raw/) beside eight
fictional townships from tests/fixtures/corpus/make_corpus.py (测试数据: test data, never published
editions; one place has two editions, so there is a diff), then shoots each report in headless Chromium
(tests/report/browser.py) at 1280 × 1600 and stores it as a 64-colour PNG. The diff and the index show
test data; the README's captions say so. Needs chromium (Debian: chromium, fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fixtures.corpus.make_corpus import generate  # noqa: E402
from report.browser import CHROMIUM, MISSING, screenshot  # noqa: E402

IMG = ROOT / "docs" / "img"
PUBLISHED = "songzhuang-2025-07"


def build(work: Path) -> Path:
    from pipeline.cli import main

    raw = work / "raw"
    generate(raw, 8, seed=0, formats=("txt",))
    (raw / "manifest.json").unlink()  # the generator's record, not an edition (the build would skip it anyway)
    shutil.copy(ROOT / "raw" / f"{PUBLISHED}.docx", raw / f"{PUBLISHED}.docx")
    out = work / "output"
    if main(["build", str(raw), "--out", str(out), "--jobs", "2"]) != 0:
        raise SystemExit("the build failed")
    return out


def shoot(page: Path, name: str, fragment: str = "") -> Path:
    """A 1280 × 1600 screenshot, white space below the page cut, reduced to 64 colours (text and flat
    bars lose nothing visible)."""
    from PIL import Image, ImageOps

    png = IMG / name
    loaded = screenshot(page, png, width=1280, height=1600, fragment=fragment)
    if loaded.console:
        raise SystemExit(f"{page}: console messages: {loaded.console}")
    with Image.open(png) as img:
        rgb = img.convert("RGB")
    content = ImageOps.invert(rgb).getbbox()  # what is not white: a short page ends where its text does
    if content:
        rgb = rgb.crop((0, 0, rgb.width, min(rgb.height, content[3] + 24)))
    small = rgb.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(png, optimize=True)
    print(f"{png.relative_to(ROOT)}: {png.stat().st_size // 1024} KiB", file=sys.stderr)
    return png


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build into this (empty) directory and keep it")
    args = parser.parse_args()
    if CHROMIUM is None:
        raise SystemExit(MISSING)
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = build(args.keep or Path(tmp))
        shoot(out / PUBLISHED / "report.html", "report-edition.png")
        shoot(next((out / "diffs").iterdir()) / "report.html", "report-diff.png")
        shoot(out / "index.html", "report-index.png", "#q=" + quote("秸秆"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
