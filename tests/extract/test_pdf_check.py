"""pdf_check.py: damage that pdfminer reads past and PDFium repairs otherwise is found, and such a
file is read by the reference reader, pdfplumber, whichever reader was asked for.

Each damaged file is the published edition with a few bytes changed in place (offsets kept), as
the mutation tests found them: test data, not editions. Without the check PDFium loses
characters of a font with a garbled object header or widths (shown by reading its text page
directly), where pdfminer still reads the whole edition.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from helpers import RAW, records
from pipeline.build import extract_edition
from pipeline.extract.pdf import extract
from pipeline.extract.pdf_check import check_streams
from pipeline.extract.pdf_streams import watched

EDITION_PDF = RAW / "songzhuang-2025-07.pdf"


def _font_program(data: bytes) -> int:
    """The object number of the first embedded TrueType program."""
    return int(re.search(rb"/FontFile2 (\d+) 0 R", data)[1])


def garbled_header(data: bytes) -> bytes:
    """The font program's `N 0 obj` garbled: the cross-reference entry no longer points at it."""
    header = b"\n%d 0 obj" % _font_program(data)
    assert data.count(header) == 1
    return data.replace(header, b"\n~" + header[2:])


def no_length(data: bytes) -> bytes:
    """The font program's stream dictionary without /Length (the key misspelt)."""
    start = data.index(b"\n%d 0 obj" % _font_program(data))
    at = data.index(b"/Length", start)
    return data[:at] + b"/Lungdh" + data[at + 7:]


def widths_keyword(data: bytes) -> bytes:
    """A font's /Widths array with a word in it (`1000`1000`)."""
    at = data.index(b" 1000 1000", data.index(b"/Widths["))
    return data[:at] + b" 1000`1000" + data[at + 10:]


def joined_xref_lines(data: bytes) -> bytes:
    """Two lines of the cross-reference table run together: the table no longer parses."""
    at = data.index(b" n \n", data.rindex(b"\nxref\n")) + 3
    return data[:at] + b"0" + data[at + 1:]


DAMAGE = {
    garbled_header: "is not where the cross-reference table puts it",
    no_length: "has no /Length",
    widths_keyword: "/Widths holds something other than numbers",
    joined_xref_lines: "the cross-reference table is damaged",
}


def _write(tmp_path: Path, damage) -> Path:
    original = EDITION_PDF.read_bytes()
    data = damage(original)
    assert len(data) == len(original) and data != original
    path = tmp_path / EDITION_PDF.name
    path.write_bytes(data)
    return path


def _repair_needed(path: Path) -> str | None:
    with watched() as watch:
        return check_streams(path, watch).repair_needed


def _pdfium_text(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()


def test_the_published_edition_needs_no_repair():
    assert _repair_needed(EDITION_PDF) is None


@pytest.mark.parametrize("damage", list(DAMAGE), ids=lambda d: d.__name__)
def test_damage_pdfium_repairs_otherwise_is_found(tmp_path, damage):
    assert DAMAGE[damage] in _repair_needed(_write(tmp_path, damage))


@pytest.mark.parametrize("damage", [garbled_header, widths_keyword], ids=lambda d: d.__name__)
def test_pdfium_alone_would_lose_text(tmp_path, damage):
    assert _pdfium_text(_write(tmp_path, damage)) != _pdfium_text(EDITION_PDF)


@pytest.mark.parametrize("damage", list(DAMAGE), ids=lambda d: d.__name__)
def test_such_a_file_reads_as_the_reference_reads_it(tmp_path, damage):
    path = _write(tmp_path, damage)
    edition, _ = records(extract(path, reader="pdfium"), path)  # its warnings say the damage was read past
    assert edition == records(extract(path, reader="pdfplumber"), path)[0]
    assert edition == records(extract(EDITION_PDF), EDITION_PDF)[0]  # pdfminer reads past this damage


@pytest.mark.parametrize("damage", [garbled_header, joined_xref_lines], ids=lambda d: d.__name__)
def test_edition_json_says_the_damage_was_read_past(tmp_path, damage):
    path = _write(tmp_path, damage)
    warned = [w for w in extract_edition([path], "e").info.warnings if w.code == "read_past_damage"]
    assert len(warned) == 1 and DAMAGE[damage] in warned[0].message and "read by pdfplumber" in warned[0].message
    assert (warned[0].list, warned[0].seq) == (None, None)


def test_the_published_edition_has_no_such_warning():
    assert "read_past_damage" not in {w.code for w in extract_edition([EDITION_PDF], "e").info.warnings}
