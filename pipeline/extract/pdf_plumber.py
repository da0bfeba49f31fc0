"""PDF page reader through pdfplumber (pdfminer.six): the reference, `--pdf-reader pdfplumber`.

pdfminer interprets every content stream in Python, so it is about ten times
slower than PDFium (pdf_pdfium.py), which is the default; both give the same
`PageObjects`. The PDFium reader hands a damaged file that PDFium would repair
otherwise than pdfminer reads it to this one (pdf_check.py). Every read is a `library_call`: pdfminer parses a page's content
stream on the first read of it and raises many exception types on a damaged one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from pipeline.errors import InputError
from pipeline.extract.pdf_page import PageObjects, along_axes
from pipeline.extract.pdf_streams import Watch, library_call


def read_pages(path: Path, watch: Watch) -> Iterator[PageObjects]:
    """Every page of the PDF as plain data, one at a time; a failure is the PDF's, named by page."""
    import pdfplumber

    with library_call(path, watch):
        pdf = pdfplumber.open(path)
    try:
        with library_call(path, watch):
            pages = pdf.pages  # parses the page tree
        if not pages:
            raise InputError("pdf_no_pages", "PDF has no pages", file=path)
        for number, page in enumerate(pages, start=1):
            yield _page_objects(path, watch, page, number)
    finally:
        _close(pdf)


def read_page(path: Path, watch: Watch, number: int) -> PageObjects:
    """One page (1-based) as the reference reads it: the PDFium reader's way out for a page whose
    text PDFium has rewritten (pdf_pdfium.py)."""
    import pdfplumber

    with library_call(path, watch):
        pdf = pdfplumber.open(path, pages=[number])
    try:
        with library_call(path, watch):
            page = pdf.pages[0]
        return _page_objects(path, watch, page, number)
    finally:
        _close(pdf)


def _page_objects(path: Path, watch: Watch, page, number: int) -> PageObjects:
    with library_call(path, watch, f"page {number}"):
        try:
            return PageObjects(number, page.chars, page.lines, _rects(page), len(page.images), page.width, page.height)
        finally:
            page.close()  # drop pdfplumber's caches: the data above is ours now


def _rects(page) -> list[dict]:
    """pdfminer's rectangles, and the closed four-sided paths along the axes it leaves as curves because
    a page's /Rotate put their corners a rounding error off the axis (pdfminer compares exactly; the
    PDFium reader, and so this one, within pdf_page.AXIS_SLACK)."""
    return page.rects + [c for c in page.curves if along_axes(c["pts"])]


def _close(pdf) -> None:
    """Release the file. pdfplumber's close() walks the page tree again, so a
    PDF whose page tree is broken fails there too: then close the stream only,
    and let the error already on its way be the one reported."""
    try:
        pdf.close()
    except Exception:
        pdf.stream.close()
