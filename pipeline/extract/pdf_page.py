"""What the PDF extractor reads of a page, whichever library reads it (pdf_pdfium.py, pdf_plumber.py)."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator


@dataclass(frozen=True)
class PageObjects:
    """One page as plain data, in pdfplumber's coordinates: points from the top left of the page as
    displayed (after /Rotate), y downwards."""

    number: int  # 1-based
    chars: list[dict]  # glyphs drawn: text, x0, x1, top, bottom, size (pdfminer's box), upright
    lines: list[dict]  # straight two-point subpaths: x0, top, x1, bottom
    rects: list[dict]  # axis-aligned closed four-sided subpaths: x0, top, x1, bottom, width, height, stroke
    images: int  # how many images (a page of a scan has one and no chars)
    width: float
    height: float
    spaces_are_glyphs: bool = False  # read by OCR: its spaces are glyphs, a gap between glyphs never a space

    @property
    def scanned(self) -> bool:
        """An image and no text: a page of a scan, for the OCR (ocr.py)."""
        return self.images > 0 and not any(c["text"].strip() for c in self.chars)


# pt: how far a rectangle's corner may lie off the axis (PDFium computes in single precision, and a
# page's /Rotate leaves pdfminer's doubles a rounding error off it)
AXIS_SLACK = 1e-3


def along_axes(points: list[tuple[float, float]]) -> bool:
    """Are these the corners of a closed four-sided path with every side along an axis (a rectangle)?
    Five points, the last the first again."""
    if len(points) != 5:
        return False
    e = AXIS_SLACK
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), (x4, y4) = points
    if abs(x4 - x0) >= e or abs(y4 - y0) >= e:
        return False
    return (abs(x0 - x1) < e and abs(y1 - y2) < e and abs(x2 - x3) < e and abs(y3 - y0) < e) or (
        abs(y0 - y1) < e and abs(x1 - x2) < e and abs(y2 - y3) < e and abs(x3 - x0) < e)


# the libraries that read pages (module pipeline.extract.<value>). PDFium is the default (about ten
# times faster); pdfplumber is the reference, and reads every file whose damage PDFium would repair
# otherwise than pdfminer reads it (pdf_check.py)
PDF_READERS = {"pdfium": "pdf_pdfium", "pdfplumber": "pdf_plumber"}
DEFAULT_PDF_READER = "pdfium"
_reader = [DEFAULT_PDF_READER]


@dataclass(frozen=True)
class OcrSettings:
    """How scanned pages are read (ocr.py): the rendering resolution, and how many pages at once."""

    dpi: int = 150
    jobs: int = 1


_ocr = [OcrSettings()]


def ocr_settings() -> OcrSettings:
    """The OCR's settings (the command line's --ocr-dpi and --jobs)."""
    return _ocr[0]


@contextmanager
def ocr_with(settings: OcrSettings) -> Iterator[None]:
    """Scanned pages read with `settings` for the duration."""
    previous, _ocr[0] = _ocr[0], settings
    try:
        yield
    finally:
        _ocr[0] = previous


def pdf_reader() -> str:
    """The library that reads PDF pages (the command line's --pdf-reader)."""
    return _reader[0]


@contextmanager
def reading_with(name: str) -> Iterator[None]:
    """PDF pages read by `name` (a key of PDF_READERS) for the duration."""
    if name not in PDF_READERS:
        raise ValueError(f"unknown PDF reader {name!r}; expected one of {', '.join(PDF_READERS)}")
    previous, _reader[0] = _reader[0], name
    try:
        yield
    finally:
        _reader[0] = previous
