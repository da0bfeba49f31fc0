"""The PDFium reader's own ways (pdf_pdfium.py): a page's text read at once, and the hyphen PDFium rewrites.

The one-page PDF is built here (tests/builders.py): test data. Its expected
characters are those its content stream draws: `(exam-) Tj` on one line,
`(ple) Tj` on the next.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from builders import HELVETICA, one_page_pdf
from pipeline.extract import pdf_pdfium, pdf_plumber
from pipeline.extract.pdf_streams import watched

ROOT = Path(__file__).resolve().parents[2]
EDITION_PDF = ROOT / "raw" / "songzhuang-2025-07.pdf"


def one_by_one(textpage: pdfium.PdfTextPage) -> str:
    """The text page's characters through PDFium's per-character call (pypdfium2's own binding)."""
    return "".join(chr(raw.FPDFText_GetUnicode(textpage.raw, k)) for k in range(raw.FPDFText_CountChars(textpage.raw)))


def text_at_once(textpage: pdfium.PdfTextPage) -> str:
    address = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    return pdf_pdfium._text_of(address, raw.FPDFText_CountChars(textpage.raw))


def hyphenated_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "hyphen.pdf"
    path.write_bytes(one_page_pdf(b"BT /F1 12 Tf 72 700 Td (exam-) Tj ET BT /F1 12 Tf 72 686 Td (ple) Tj ET",
                                  b"<< /Font << /F1 5 0 R >> >>", [HELVETICA]))
    return path


def test_a_page_read_at_once_is_its_characters_one_by_one():
    pdf = pdfium.PdfDocument(str(EDITION_PDF))
    try:
        for page in pdf:
            textpage = page.get_textpage()
            assert text_at_once(textpage) == one_by_one(textpage)
            textpage.close()
            page.close()
    finally:
        pdf.close()


def test_a_text_that_is_not_its_characters_is_read_one_by_one(tmp_path):
    # the line-end hyphen is U+FFFE in PDFium's page text and U+0002 as a character
    pdf = pdfium.PdfDocument(str(hyphenated_pdf(tmp_path)))
    try:
        textpage = pdf[0].get_textpage()
        assert text_at_once(textpage) == one_by_one(textpage) == "exam\x02ple"
    finally:
        pdf.close()


def test_a_line_end_hyphen_reads_as_the_reference_reads_it(tmp_path):
    path = hyphenated_pdf(tmp_path)
    with watched() as watch:
        [pdfium_page] = pdf_pdfium.read_pages(path, watch)
        [reference] = pdf_plumber.read_pages(path, watch)
    assert [c["text"] for c in pdfium_page.chars] == list("exam-ple")
    assert pdfium_page == reference
