"""Before PDFium reads a PDF: its structure and every stream its pages draw from, checked by pdfminer.

PDFium repairs what it can and inflates streams without a limit, keeping what
it could of a damaged one. `check_streams` parses the document with pdfminer
and inflates, under the watch of pdf_streams.py, every stream the pages draw
from: content streams, forms (recursively: nested too deep is a RecursionError,
that is pdf_page_unreadable), fonts as pdfminer's interpreter builds them
(a malformed font raises there), their programs, ToUnicode maps and Type3
glyphs. So a damaged file is the same error whichever reader extracts it:
pdf_not_pdf / pdf_truncated / pdf_corrupt / pdf_encrypted for the structure,
too_large and pdf_damaged naming the page and the stream. Each stream is
inflated once however many pages share it; images are left alone (reading
text never decodes them). Content streams are not interpreted: that is the
slow part of pdfminer, and what PDFium is for.
"""

from __future__ import annotations

from pathlib import Path

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, PDFStream, dict_value, resolve1
from pdfminer.psparser import PSLiteral

from pipeline.errors import InputError
from pipeline.extract.pdf_streams import Watch, library_call


def check_streams(path: Path, watch: Watch) -> int:
    """The number of pages, once the structure has parsed and every stream inflated cleanly."""
    with open(path, "rb") as f:
        with library_call(path, watch):
            pages = list(PDFPage.create_pages(PDFDocument(PDFParser(f))))
            for page in pages:
                _check_box(page.attrs.get("MediaBox"))
        if not pages:
            raise InputError("pdf_no_pages", "PDF has no pages", file=path)
        fonts = PDFResourceManager()  # caches each font: one parse however many pages use it
        seen: set[int] = set()
        for number, page in enumerate(pages, start=1):
            with library_call(path, watch, f"page {number}"):
                for stream in _list(page.contents):
                    _inflate_once(stream, seen)
                _inflate_resources(page.resources, seen, fonts)
    return len(pages)


def _check_box(box) -> None:
    """A page box of four numbers, as pdfplumber requires to place anything on the page."""
    box = resolve1(box)
    if not isinstance(box, (list, tuple)) or len(box) != 4 or not all(isinstance(resolve1(v), (int, float)) for v in box):
        raise ValueError(f"Bounding box contains non-number coordinate(s): {box}")


def _list(value) -> list:
    value = resolve1(value)
    return value if isinstance(value, list) else [] if value is None else [value]


def _inflate_once(stream, seen: set[int]) -> None:
    stream = resolve1(stream)
    if isinstance(stream, PDFStream) and id(stream) not in seen:
        seen.add(id(stream))
        stream.get_data()


def _inflate_resources(resources, seen: set[int], fonts: PDFResourceManager) -> None:
    """The forms a resource dictionary names (and theirs) and its fonts."""
    resources = dict_value(resources)
    for xobject in dict_value(resources.get("XObject")).values():
        xobject = resolve1(xobject)
        if isinstance(xobject, PDFStream) and id(xobject) not in seen and _name(xobject.get("Subtype")) == "Form":
            _inflate_once(xobject, seen)
            _inflate_resources(xobject.get("Resources"), seen, fonts)
    for ref in dict_value(resources.get("Font")).values():
        font = dict_value(ref)
        fonts.get_font(ref.objid if isinstance(ref, PDFObjRef) else None, font)
        _inflate_font(font, seen, fonts)


def _inflate_font(font: dict, seen: set[int], fonts: PDFResourceManager) -> None:
    _inflate_once(font.get("ToUnicode"), seen)
    for descendant in _list(font.get("DescendantFonts")):
        _inflate_font(dict_value(descendant), seen, fonts)
    descriptor = dict_value(font.get("FontDescriptor"))
    for key in ("FontFile", "FontFile2", "FontFile3"):
        _inflate_once(descriptor.get(key), seen)
    for procedure in dict_value(font.get("CharProcs")).values():  # Type3 glyphs are content streams
        _inflate_once(procedure, seen)
    if font.get("Resources") is not None:
        _inflate_resources(font.get("Resources"), seen, fonts)


def _name(value) -> str | None:
    value = resolve1(value)
    return value.name if isinstance(value, PSLiteral) else None
