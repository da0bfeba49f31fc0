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

Some damage pdfminer reads past and PDFium repairs otherwise: an object whose
cross-reference entry does not point at its `N G obj` (pdfminer finds it
there anyway, PDFium rebuilds the table by scanning and loses it), a
cross-reference table that does not parse (both rebuild it, not alike), a
stream without its required /Length, a font's widths holding something other
than numbers. Both readers then read the file, but not alike (PDFium has lost
characters of a font), so `repair_needed` names it and the file is read by
the reference reader, pdfplumber: a damaged file reads as pdfplumber reads it,
whichever reader was asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pdfminer.pdfdocument import PDFDocument, PDFXRefFallback
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, PDFStream, dict_value, resolve1
from pdfminer.psparser import PSLiteral

from pipeline.errors import InputError
from pipeline.extract.pdf_streams import Watch, library_call


@dataclass(frozen=True)
class Checked:
    pages: int
    repair_needed: str | None  # why PDFium's reading may differ from pdfminer's (None: it will not)


def check_streams(path: Path, watch: Watch) -> Checked:
    """The number of pages, once the structure has parsed and every stream inflated cleanly, and
    the first damage PDFium would repair otherwise than pdfminer reads it."""
    with open(path, "rb") as f:
        with library_call(path, watch):
            document = PDFDocument(PDFParser(f))
            pages = list(PDFPage.create_pages(document))
            for page in pages:
                _check_box(page.attrs.get("MediaBox"))
        if not pages:
            raise InputError("pdf_no_pages", "PDF has no pages", file=path)
        repairs: list[str] = []
        _check_offsets(document, f, repairs)
        fonts = PDFResourceManager()  # caches each font: one parse however many pages use it
        seen: set[int] = set()
        for number, page in enumerate(pages, start=1):
            with library_call(path, watch, f"page {number}"):
                for stream in _list(page.contents):
                    _inflate_once(stream, seen, repairs)
                _inflate_resources(page.resources, seen, fonts, repairs)
    return Checked(len(pages), repairs[0] if repairs else None)


_OBJECT_START = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")


def _check_offsets(document: PDFDocument, f, repairs: list[str]) -> None:
    """The cross-reference tables parse, and each object they place in the file starts there with
    its `N G obj`."""
    for xref in document.xrefs:
        if isinstance(xref, PDFXRefFallback):  # pdfminer could not parse a table and scanned the file
            repairs.append("the cross-reference table is damaged")
            return
        for objid in xref.get_objids():
            stream, offset, generation = xref.get_pos(objid)
            if stream is not None:  # inside an object stream: found by its index there
                continue
            f.seek(offset)
            start = _OBJECT_START.match(f.read(48))
            if start is None or (int(start[1]), int(start[2])) != (objid, generation):
                repairs.append(f"object {objid} is not where the cross-reference table puts it (offset {offset})")
                return


def _check_box(box) -> None:
    """A page box of four numbers, as pdfplumber requires to place anything on the page."""
    box = resolve1(box)
    if not isinstance(box, (list, tuple)) or len(box) != 4 or not all(isinstance(resolve1(v), (int, float)) for v in box):
        raise ValueError(f"Bounding box contains non-number coordinate(s): {box}")


def _list(value) -> list:
    value = resolve1(value)
    return value if isinstance(value, list) else [] if value is None else [value]


def _inflate_once(stream, seen: set[int], repairs: list[str]) -> None:
    stream = resolve1(stream)
    if isinstance(stream, PDFStream) and id(stream) not in seen:
        seen.add(id(stream))
        if not isinstance(resolve1(stream.get("Length")), int):
            repairs.append(f"stream {_object(stream)} has no /Length")
        stream.get_data()


def _inflate_resources(resources, seen: set[int], fonts: PDFResourceManager, repairs: list[str]) -> None:
    """The forms a resource dictionary names (and theirs) and its fonts."""
    resources = dict_value(resources)
    for xobject in dict_value(resources.get("XObject")).values():
        xobject = resolve1(xobject)
        if isinstance(xobject, PDFStream) and id(xobject) not in seen and _name(xobject.get("Subtype")) == "Form":
            _inflate_once(xobject, seen, repairs)
            _inflate_resources(xobject.get("Resources"), seen, fonts, repairs)
    for ref in dict_value(resources.get("Font")).values():
        font = dict_value(ref)
        fonts.get_font(ref.objid if isinstance(ref, PDFObjRef) else None, font)
        _inflate_font(font, seen, fonts, repairs)


def _inflate_font(font: dict, seen: set[int], fonts: PDFResourceManager, repairs: list[str]) -> None:
    if id(font) in seen:  # pdfminer keeps each object it parsed: a font shared by pages is one dict
        return
    seen.add(id(font))
    _inflate_once(font.get("ToUnicode"), seen, repairs)
    for key in ("Widths", "W", "W2"):
        if font.get(key) is not None and not _numbers(font.get(key)):
            repairs.append(f"font {_name(font.get('BaseFont')) or '?'}'s /{key} holds something other than numbers")
    for descendant in _list(font.get("DescendantFonts")):
        _inflate_font(dict_value(descendant), seen, fonts, repairs)
    descriptor = dict_value(font.get("FontDescriptor"))
    for key in ("FontFile", "FontFile2", "FontFile3"):
        _inflate_once(descriptor.get(key), seen, repairs)
    for procedure in dict_value(font.get("CharProcs")).values():  # Type3 glyphs are content streams
        _inflate_once(procedure, seen, repairs)
    if font.get("Resources") is not None:
        _inflate_resources(font.get("Resources"), seen, fonts, repairs)


def _numbers(value) -> bool:
    """A widths array: numbers, and arrays of numbers (a font's widths run to thousands)."""
    value = resolve1(value)
    if not isinstance(value, list):
        return type(value) in (int, float)
    return all(type(v) in (int, float) or _numbers(v) for v in value)


def _object(stream: PDFStream) -> str:
    return f"object {stream.objid}" if stream.objid is not None else "inline"


def _name(value) -> str | None:
    value = resolve1(value)
    return value.name if isinstance(value, PSLiteral) else None
