"""PDF page reader through pypdfium2 (PDFium, the PDF engine of Chromium): `--pdf-reader pdfium`.

It gives the same `PageObjects` as the pdfplumber reader (pdf_plumber.py), in
pdfplumber's coordinates: origin at the top left of the page as displayed
(after /Rotate), y growing downwards. The file is checked first (pdf_check.py).

Characters come from PDFium's text page, without what PDFium generated itself
(`FPDFText_IsGenerated`: spaces for gaps, line breaks), and with the space
glyphs it merged away (`_lost_spaces`). Their boxes are pdfminer's, so that
both readers see the same lines: x from the origin by the glyph's advance
(`FPDFFont_GetGlyphWidth`; PDFium's loose box is wrong for letter-spaced and
turned text), y from the baseline up by the font size. Ruling lines and
rectangles come from the page's path objects, one per subpath as pdfminer
splits them, inside forms too.

The page's text is read in one call when it is exactly its characters
(`_text_of`); then per character this costs two calls into PDFium (its text
object and origin; whether it was generated only for spaces and line breaks),
made through plain-integer bindings (`_plain`); a text object's font, size and
matrix are asked once per object, a glyph's advance once per font and size. A
file with damage PDFium would repair otherwise than pdfminer reads it
(pdf_check.py) is handed to the reference reader, and so is a page holding
PDFium's mark for a line-end hyphen (`_HYPHEN_MARK`).
"""

from __future__ import annotations

import ctypes
import math
import re
from pathlib import Path
from typing import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from pipeline.errors import InputError
from pipeline.extract.pdf_page import AXIS_SLACK, PageObjects, along_axes
from pipeline.extract import pdf_plumber
from pipeline.extract.pdf_check import check_streams
from pipeline.extract.pdf_streams import Watch, library_call

Matrix = tuple[float, float, float, float, float, float]


def _rotation_ctm(rotation: int, x0: float, y0: float, x1: float, y1: float) -> Matrix:
    """The matrix pdfminer starts a page with: user space to the page as displayed."""
    if rotation == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotation == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotation == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _times(m: Matrix, n: Matrix) -> Matrix:
    """m then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _matrix(m: raw.FS_MATRIX) -> Matrix:
    return (m.a, m.b, m.c, m.d, m.e, m.f)


class _Page:
    """One page's geometry: the displayed size and the matrix into it."""

    def __init__(self, page: pdfium.PdfPage) -> None:
        x0, y0, x1, y1 = page.get_mediabox()
        rotation = page.get_rotation() % 360
        self.ctm = _rotation_ctm(rotation, x0, y0, x1, y1)
        self.width, self.height = (y1 - y0, x1 - x0) if rotation in (90, 270) else (x1 - x0, y1 - y0)


def _plain(function, restype, *argtypes):
    """A PDFium function called with and returning plain integers (handles as addresses): the
    per-character loops call these tens of thousands of times a page, and pypdfium2's typed
    pointers cost a conversion (and a cast to compare them) on every call."""
    # PYFUNCTYPE: called holding the GIL, each a lookup of nanoseconds (releasing and retaking the
    # GIL around it would cost more than the call)
    return ctypes.PYFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


_ADDRESS, _INT = ctypes.c_void_p, ctypes.c_int
_count_chars = _plain(raw.FPDFText_CountChars, _INT, _ADDRESS)
_is_generated = _plain(raw.FPDFText_IsGenerated, _INT, _ADDRESS, _INT)
_text_object_of = _plain(raw.FPDFText_GetTextObject, _ADDRESS, _ADDRESS, _INT)
_unicode = _plain(raw.FPDFText_GetUnicode, ctypes.c_uint, _ADDRESS, _INT)
_get_text = _plain(raw.FPDFText_GetText, _INT, _ADDRESS, _INT, _INT, _ADDRESS)  # UTF-16, with a terminator
_origin = _plain(raw.FPDFText_GetCharOrigin, _INT, _ADDRESS, _INT, _ADDRESS, _ADDRESS)  # into two doubles
_count_objects = _plain(raw.FPDFPage_CountObjects, _INT, _ADDRESS)
_object_at = _plain(raw.FPDFPage_GetObject, _ADDRESS, _ADDRESS, _INT)
_count_form_objects = _plain(raw.FPDFFormObj_CountObjects, _INT, _ADDRESS)
_form_object_at = _plain(raw.FPDFFormObj_GetObject, _ADDRESS, _ADDRESS, ctypes.c_ulong)
_object_type = _plain(raw.FPDFPageObj_GetType, _INT, _ADDRESS)
_text_matrix = _plain(raw.FPDFText_GetMatrix, _INT, _ADDRESS, _INT, _ADDRESS)  # into six floats
_font_of = _plain(raw.FPDFTextObj_GetFont, _ADDRESS, _ADDRESS)
_font_size = _plain(raw.FPDFText_GetFontSize, ctypes.c_double, _ADDRESS, _INT)
_glyph_width = _plain(raw.FPDFFont_GetGlyphWidth, _INT, _ADDRESS, ctypes.c_uint, ctypes.c_float, _ADDRESS)  # into a float
_object_matrix = _plain(raw.FPDFPageObj_GetMatrix, _INT, _ADDRESS, _ADDRESS)  # into an FS_MATRIX
_draw_mode = _plain(raw.FPDFPath_GetDrawMode, _INT, _ADDRESS, _ADDRESS, _ADDRESS)  # into two ints
_count_segments = _plain(raw.FPDFPath_CountSegments, _INT, _ADDRESS)
_segment = _plain(raw.FPDFPath_GetPathSegment, _ADDRESS, _ADDRESS, _INT)
_segment_type = _plain(raw.FPDFPathSegment_GetType, _INT, _ADDRESS)
_segment_point = _plain(raw.FPDFPathSegment_GetPoint, _INT, _ADDRESS, _ADDRESS, _ADDRESS)  # into two floats
_segment_closes = _plain(raw.FPDFPathSegment_GetClose, _INT, _ADDRESS)
_MOVETO, _BEZIERTO = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_BEZIERTO
_TEXT = raw.FPDF_PAGEOBJ_TEXT


def _address(handle) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value


def _chars(textpage: pdfium.PdfTextPage, geo: _Page) -> tuple[list[dict], set[int]] | None:
    """Every character PDFium found in the file, with pdfminer's box: from the origin along the
    baseline by the glyph's advance, and up from the baseline by the font size (pdfminer takes the
    descent from the font descriptor, which composite fonts, every CJK font, leave to the
    descendant font, so it is 0); and the text objects they come from (addresses).

    Asked in passes, one question for every character at a time (the cost is Python's, per call
    and per loop step), then each text object described once (`_objects`). None for a page
    holding `_HYPHEN_MARK`."""
    tp = _address(textpage.raw)
    count = _count_chars(tp)
    if count <= 0:
        return [], set()
    text = _text_of(tp, count)
    if _HYPHEN_MARK in text:
        return None
    generated = _is_generated  # PDFium generates only spaces and line breaks (CR, LF): only those need asking
    kept = [k for k, ch in enumerate(text) if ch > " " or not generated(tp, k)]
    object_of, origin = _text_object_of, _origin
    objs = [object_of(tp, k) for k in kept]
    origins = (ctypes.c_double * (2 * len(kept)))()
    at = ctypes.addressof(origins)
    for i, k in enumerate(kept):
        origin(tp, k, at + 16 * i, at + 16 * i + 8)
    xy = origins[:]
    shared = _objects(tp, kept, objs, geo)
    a, b, c, d, e, f = geo.ctm
    height = geo.height
    advance = ctypes.c_float()
    pw = ctypes.addressof(advance)
    chars: list[dict] = []
    append = chars.append
    last = None
    for ch, obj, x, y in zip(map(text.__getitem__, kept), objs, xy[0::2], xy[1::2]):
        if obj != last:  # most objects hold a run of characters
            last = obj
            font, font_size, widths, along, size, upright = shared[obj]
        width = widths.get(ch)
        if width is None:  # by its code point: PDFium maps it back to the char code
            _glyph_width(font, ord(ch), font_size, pw)
            width = widths[ch] = advance.value
        x0, base = a * x + c * y + e, b * x + d * y + f
        x1 = x0 + width * along
        if x1 < x0:
            x0, x1 = x1, x0
        append({"text": ch, "x0": x0, "x1": x1, "top": height - (base + size), "bottom": height - base,
                "size": size, "upright": upright})
    return chars, set(shared)


def _text_of(tp: int, count: int) -> str:
    """The text page's characters, one per index: read at once when the page's text is exactly
    its characters (no character left out as a control, none written as U+FFFE for a missing
    code point or a hyphen, none outside the BMP: CPDF_TextPage::Init and GetPageText), else
    one by one."""
    buffer = (ctypes.c_uint16 * (count + 1))()
    written = _get_text(tp, 0, count, ctypes.addressof(buffer))
    if written == count + 1:
        text = ctypes.string_at(buffer, 2 * count).decode("utf-16-le", "surrogatepass")
        if len(text) == count and not _NOT_ONE_TO_ONE.search(text):
            return text
    return "".join(chr(_unicode(tp, k)) for k in range(count))


_NOT_ONE_TO_ONE = re.compile("[\ud800-\udfff\ufffe]")
# PDFium's text page writes U+0002 for a hyphen ending a line before a word goes on (CharType::kHyphen),
# and keeps no trace of the glyph's own code point (U+002D or U+00AD): such a page is read by the
# reference, as pdfminer reads it
_HYPHEN_MARK = "\x02"


def _objects(tp: int, kept: list[int], objs: list[int], geo: _Page) -> dict[int, tuple]:
    """What the characters of each text object share: its font and size, the advances of its
    glyphs (shared by objects of one font and size), how far one unit of advance moves along the
    page's x, the font size as drawn, and whether it stands upright; asked at its first char."""
    a, b, c, d, _, _ = geo.ctm
    matrix = (ctypes.c_float * 6)()
    pm = ctypes.addressof(matrix)
    matrix_of, font_of, size_of = _text_matrix, _font_of, _font_size  # locals: a page has thousands of objects
    advances: dict[tuple, dict[str, float]] = {}  # (font, font size) -> char -> advance in text space
    described: dict[tuple, tuple] = {}  # (font, font size, the matrix's linear part) -> what its chars share
    shared: dict[int, tuple] = {}
    firsts = dict(zip(reversed(objs), reversed(kept)))  # object -> its first char (the last written wins)
    for obj, k in firsts.items():
        matrix_of(tp, k, pm)
        key = (font_of(obj), size_of(tp, k), *matrix[:4])
        description = described.get(key)
        if description is None:
            description = described[key] = _described(key, advances, a, b, c, d)
        shared[obj] = description
    return shared


def _described(key: tuple, advances: dict, a: float, b: float, c: float, d: float) -> tuple:
    """What the chars of objects with `key` (font, font size, the matrix's linear part) share, under the
    page's matrix (a, b, c, d)."""
    font, font_size, ux, uy, vx, vy = key
    widths = advances.setdefault((font, font_size), {})
    # text space to the page: (ux, uy) is one unit along the baseline; upright: the text's up is
    # the page's up as displayed
    ta, tb, tc, td = ux * a + uy * c, ux * b + uy * d, vx * a + vy * c, vx * b + vy * d
    return font, font_size, widths, ta, font_size * math.hypot(vx, vy), ta * td > 0 and tb * tc <= 0


def _page_objects(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, geo: _Page,
                  drawn: set[int]) -> tuple[list[dict], list[dict], int, list[dict]]:
    """Straight lines and rectangles of the page's paths, how many images it draws, and the text
    objects none of whose glyphs are in the text page (`_dropped`); `drawn`: the text objects
    that have chars there, which need no look."""
    lines: list[dict] = []
    rects: list[dict] = []
    dropped: list[dict] = []
    images = 0
    matrix = raw.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    pm, pf, ps = ctypes.addressof(matrix), ctypes.addressof(fill), ctypes.addressof(stroke)
    height = geo.height

    def walk(count, get, holder, outer: Matrix) -> None:
        nonlocal images
        # a text object with characters in the text page (the commonest object) needs no look
        addresses = [address for i in range(count(holder)) if (address := get(holder, i)) not in drawn]
        for address, kind in zip(addresses, map(_object_type, addresses)):
            if kind == _TEXT:
                obj = ctypes.cast(address, raw.FPDF_PAGEOBJECT)
                if raw.FPDFTextObj_GetText(obj, textpage.raw, None, 0) <= 2:  # UTF-16 length: only the terminator
                    dropped.append(_text_box(obj, outer, height))
                continue
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                _object_matrix(address, pm)
                walk(_count_form_objects, _form_object_at, address, _times(_matrix(matrix), outer))
            elif kind == raw.FPDF_PAGEOBJ_PATH:
                _object_matrix(address, pm)
                m = _times(_matrix(matrix), outer)
                _draw_mode(address, pf, ps)
                for points in _subpaths(address, m, x, y):
                    shape = _shape(points, height, bool(stroke.value))
                    if shape is not None:
                        (lines if "stroke" not in shape else rects).append(shape)

    walk(_count_objects, _object_at, _address(page.raw), geo.ctm)
    return lines, rects, images, dropped


def _text_box(obj, outer: Matrix, height: float) -> dict:
    """A text object's box as a char's: its bounds across, its baseline and font size upwards."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    matrix = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, matrix)
    size = ctypes.c_float()
    raw.FPDFTextObj_GetFontSize(obj, size)
    size = size.value * math.hypot(matrix.c, matrix.d)
    corners = [_apply(outer, x, y) for x in (left.value, right.value) for y in (bottom.value, top.value)]
    _, base = _apply(outer, matrix.e, matrix.f)
    return {"text": " ", "x0": min(p[0] for p in corners), "x1": max(p[0] for p in corners),
            "top": height - (base + size), "bottom": height - base, "size": size, "upright": True}


def _lost_spaces(dropped: list[dict], chars: list[dict]) -> list[dict]:
    """Space glyphs PDFium's text page left out.

    The text page writes one space where two meet (CPDF_TextPage::CloseTempLine),
    and keeps its own generated one when it comes first: a space drawn as a text
    object of its own then has no char at all. Such an object, lying clear of
    every char, is that space; one overlapping a char is a copy drawn over it
    (fake bold), which the text page drops on purpose and so do we.
    """
    lost = []
    for box in dropped:
        if not any(c["x0"] < box["x1"] and box["x0"] < c["x1"] and c["top"] < box["bottom"] and box["top"] < c["bottom"]
                   for c in chars):
            lost.append(box)
    return lost


def _subpaths(path: int, m: Matrix, x: ctypes.c_float, y: ctypes.c_float) -> Iterator[list[tuple[float, float]] | None]:
    """Each subpath's points of a path object (its address) in page coordinates, a closing `h` as
    its start point again; None for a subpath with a curve (never a rule)."""
    points: list[tuple[float, float]] = []
    curved = False
    px, py = ctypes.addressof(x), ctypes.addressof(y)
    for k in range(_count_segments(path)):
        segment = _segment(path, k)
        kind = _segment_type(segment)
        if kind == _MOVETO and points:
            yield None if curved else points
            points, curved = [], False
        curved = curved or kind == _BEZIERTO
        _segment_point(segment, px, py)
        points.append(_apply(m, x.value, y.value))
        if _segment_closes(segment):
            points.append(points[0])
    if points:
        yield None if curved else points


def _same(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return abs(p[0] - q[0]) < AXIS_SLACK and abs(p[1] - q[1]) < AXIS_SLACK


def _shape(points: list[tuple[float, float]] | None, height: float, stroke: bool) -> dict | None:
    """A line or a rectangle as pdfminer classifies a subpath (converter.paint_path): two points
    (maybe closed) are a line; four sides closed on the start, each along an axis, a rectangle."""
    if points is None:
        return None
    if len(points) > 3 and _same(points[-2], points[0]):  # a redundant l before the closing h
        points = points[:-1]
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    box = {"x0": min(xs), "x1": max(xs), "top": height - max(ys), "bottom": height - min(ys)}
    if len(points) == 2 or (len(points) == 3 and _same(points[2], points[0])):
        return box
    if along_axes(points):
        return {**box, "width": box["x1"] - box["x0"], "height": box["bottom"] - box["top"], "stroke": stroke}
    return None


def read_pages(path: Path, watch: Watch) -> Iterator[PageObjects]:
    """Every page of the PDF as plain data, one at a time.

    PDFium repairs what it can and inflates streams without a limit, so the
    file's structure and streams are checked first (`check_streams`): damage is
    the same error whichever reader extracts the file, and a file PDFium would
    repair otherwise than pdfminer reads it is read by pdfplumber, the reference.
    """
    checked = check_streams(path, watch)
    if checked.repair_needed is not None:
        watch.read_by_reference = checked.repair_needed
        yield from pdf_plumber.read_pages(path, watch)
        return
    count = checked.pages
    with library_call(path, watch):
        pdf = pdfium.PdfDocument(str(path))
    try:
        if len(pdf) != count:  # PDFium rebuilt a page tree pdfminer read otherwise
            raise InputError("pdf_corrupt", f"the page tree is damaged ({count} pages by one reading, {len(pdf)} by another)",
                             file=path)
        for index in range(count):
            where = f"page {index + 1}"
            with library_call(path, watch, where):
                page = pdf[index]
            try:
                with library_call(path, watch, where):
                    textpage = page.get_textpage()
                try:
                    geo = _Page(page)
                    read = _chars(textpage, geo)
                    if read is not None:
                        chars, drawn = read
                        lines, rects, images, dropped = _page_objects(page, textpage, geo, drawn)
                finally:
                    textpage.close()
                if read is None:
                    yield pdf_plumber.read_page(path, watch, index + 1)
                    continue
                chars += _lost_spaces(dropped, chars)
                yield PageObjects(index + 1, chars, lines, rects, images, geo.width, geo.height)
            finally:
                page.close()
    finally:
        pdf.close()
