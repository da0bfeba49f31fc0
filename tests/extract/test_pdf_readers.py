"""The two PDF page readers (pdf_pdfium.py, the default, and pdf_plumber.py, the reference) give the
same raw tables, front matter and records on every committed PDF fixture; the printed layout
matrix is compared in test_pdf_layouts.py. Expected values here are the reference reader's output,
which the other fixture tests check against the documents themselves."""

from __future__ import annotations


import pytest

from helpers import RAW, ROOT, same_reading
from pipeline.extract.pdf_page import PDF_READERS, pdf_reader

PDFS = sorted([*RAW.glob("*.pdf"), *(ROOT / "tests" / "fixtures" / "pdf").glob("*.pdf"),
               *(ROOT / "tests" / "fixtures" / "pdf" / "matrix").glob("*.pdf")])


def test_the_fixtures_are_there():
    assert len(PDFS) >= 9 and RAW / "songzhuang-2025-07.pdf" in PDFS


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_both_readers_read_the_same(path):
    same_reading(path)


def test_pdfium_is_the_default_and_pdfplumber_the_reference():
    assert pdf_reader() == "pdfium" and set(PDF_READERS) == {"pdfium", "pdfplumber"}
