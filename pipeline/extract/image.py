"""Page images (.png, .jpg, .tif): a scan delivered as pictures, read by OCR (ocr.py) as one edition.

An edition's pages come as one picture each, named `<edition>.<page>.<suffix>`
(`城关镇-2025-07.1.jpg`, `城关镇-2025-07.2.jpg`: editions.py reads the page
number off the name, and the pages of one edition are given together), or as
one multi-page TIFF. Each picture is read at its own resolution (its dpi tag;
without one, its long side is taken as A4's 297 mm), resampled to the OCR's
(--ocr-dpi), and goes through the same stages as a scanned PDF page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from pipeline.errors import InputError
from pipeline.extract.pdf_page import ocr_settings
from pipeline.extract.raw import RawDocument
from pipeline.limits import max_inflate

A4_LONG_INCHES = 297 / 25.4


def _open(path: Path, where: str | None = None):
    """The picture, its size checked against the limit before it is decoded."""
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = None  # our own limit below, on the decoded size
    try:
        image = Image.open(path)
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise InputError("image_unreadable", f"not a readable image: {err}", file=path, where=where) from None
    width, height = image.size
    if width * height * max(len(image.getbands()), 1) > max_inflate():
        raise InputError("too_large", f"the image is {width}×{height} pixels, more than --max-inflate-mb allows "
                         "once decoded", file=path, where=where)
    return image


def frame_count(path: Path) -> int:
    """How many pages the file holds (a TIFF may hold several)."""
    with _open(path) as image:
        return getattr(image, "n_frames", 1)


def load_page(path: Path, frame: int, number: int, dpi: float) -> tuple[np.ndarray, float, float]:
    """Frame `frame` of the file as a grey image at `dpi`, and the page's size in points."""
    import cv2

    where = f"page {number}"
    with _open(path, where) as image:
        try:
            image.seek(frame)
            gray = np.asarray(image.convert("L"))
        except (OSError, ValueError, EOFError) as err:  # truncated or corrupt image data
            raise InputError("image_unreadable", f"the image data is damaged: {err}", file=path, where=where) from None
        own = _dpi(image.info.get("dpi"), gray.shape)
    height, width = gray.shape
    scale = dpi / own
    if abs(scale - 1) > 0.01:
        gray = cv2.resize(gray, (max(1, round(width * scale)), max(1, round(height * scale))),
                          interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    return np.ascontiguousarray(gray), width / own * 72, height / own * 72


def _dpi(tag, shape: tuple[int, int]) -> float:
    """The picture's resolution: its tag, or what makes its long side A4's."""
    if tag and tag[0] and float(tag[0]) >= 50:
        return float(tag[0])
    return max(shape) / A4_LONG_INCHES


def extract(paths: Path | Sequence[Path]) -> RawDocument:
    """The pages of one edition (one picture each, or a multi-page TIFF) read by OCR, in page order."""
    from pipeline.extract import ocr
    from pipeline.extract.pdf import document_of

    paths = [paths] if isinstance(paths, Path) else list(paths)
    frames = [(path, i) for path in paths for i in range(frame_count(path))]
    settings = ocr_settings()
    doc = document_of(paths[0], ocr.read_image_pages(frames, settings))
    doc.format = "image"
    doc.ocr = ocr.run_record(list(range(1, len(frames) + 1)), settings)
    return doc
