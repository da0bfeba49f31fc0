"""What the PDF libraries alone cost, the yardsticks `make bench` sets our extractor beside, and
our read step alone.

    python -m bench.peers {pdfplumber-tables,pdfium-text,pipeline-read} FILE.pdf

Run as a process (start-up included, as `pipeline extract` is measured) or called in-process.
"""

from __future__ import annotations

import sys
from pathlib import Path


def pdfplumber_tables(path: Path) -> int:
    """A bare pdfplumber pass: `page.extract_tables()` on every page (what a hand-written
    extractor on pdfplumber would start from)."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
        return len(pdf.pages)


def pdfium_text(path: Path) -> int:
    """pypdfium2's text of every page, nothing else: the practical floor of reading a PDF's text."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        return len(pdf)
    finally:
        pdf.close()


def pipeline_read(path: Path) -> int:
    """Our read step alone: the check (pdf_check.py), then every page's chars, rules and
    rectangles through PDFium (pdf_pdfium.read_pages), as the extractor's layout stage gets them."""
    from pipeline.extract.pdf_pdfium import read_pages
    from pipeline.extract.pdf_streams import watched

    with watched() as watch:
        return sum(1 for _ in read_pages(path, watch))


PEERS = {"pdfplumber-tables": pdfplumber_tables, "pdfium-text": pdfium_text, "pipeline-read": pipeline_read}

if __name__ == "__main__":
    name, file = sys.argv[1:]
    PEERS[name](Path(file))
