"""Scanned pages read by OCR into the page data the PDF extractor reads (pdf_page.PageObjects).

A page of a scan is one image and no text. It is rendered (pypdfium2, `dpi`,
150 by default), straightened and its rules found and erased (ocr_image.py),
and read by RapidOCR (its ONNX models ship inside the `rapidocr-onnxruntime`
wheel: nothing is downloaded). Each recognised character, with its box from
the recogniser's decoding positions and its confidence, becomes one glyph; the
rules become ruling lines. From there the page goes through the same stages as
a page with a text layer (pdf.py): the header row gives the columns, rules or
text alignment the rows, and each glyph goes to the cell its centre falls in.
So a scan is read by the same rules as any PDF, and a mixed PDF page by page.

Known OCR confusions are undone by ocr_text.py's written rules; a bar standing
on a vertical rule is the rule (`_on_rule`). Sizes: a glyph's size is its
line's ink height scaled to the page's type size, and lines within `SAME_SIZE`
of the usual one share it (`_sizes`: the ink varies from line to line, the type
does not; a title stands out).
"""

from __future__ import annotations

import dataclasses
import statistics
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np

from pipeline.extract.ocr_image import Grid, despeckle, find_grid, straighten
from pipeline.extract.ocr_text import BARS, is_chinese, stray_marks, undo_confusions
from pipeline.extract.pdf_page import OcrSettings, PageObjects
from pipeline.extract.raw import OcrRun

ENGINE = "RapidOCR"
ENGINE_PACKAGE = "rapidocr-onnxruntime"
PROOFREAD_BELOW = 0.80  # an item whose least sure character is read with less confidence is listed to proofread
SAME_SIZE = 0.35  # ×: lines this near the page's usual height are one type size
LATIN_HEIGHT = 0.8  # ×: a page without Chinese text: its type size against its lines' height
MIN_PITCHES = 4  # Chinese characters a line needs for their pitch to give its type size
MISSED_JOIN = 0.3  # em: ink this near joins into one blot (a word's strokes, two digits)
MISSED_MIN, MISSED_MAX = 0.4, 1.6  # em: the height of a blot that may be missed text (not dust, not a stamp)
MISSED_PAD = 0.25  # em: white kept around a missed blot for the recogniser
JOIN_OVERLAP = 0.5  # ×: two pieces of one line overlap by more than this share of the lower one's height
JOIN_GAP = 1.0  # × height: ... and stand less than this far apart
INK_LEVEL = 128  # grey: darker is ink (a piece's extent)
MARK_REACH = 0.6  # × line height: ink this near beyond a box's right end may be a mark it left out
LINE_END_MARKS = frozenset("、，。；：")  # … one of these (Chinese typesetting may end a line with them)
MIN_PIECE = 0.25  # × line height: a piece of a line between rules narrower than this holds no character
BAR_ON_RULE = 0.5  # em: a bar whose centre is this near a vertical rule is the rule


def run_record(pages: list[int], settings: OcrSettings) -> OcrRun:
    """What edition.json records of the OCR: engine, version, resolution, pages."""
    return OcrRun(ENGINE, version(ENGINE_PACKAGE), settings.dpi, tuple(pages), PROOFREAD_BELOW)


_engine: list = []
_threads = [-1]  # ONNX Runtime's threads per model run: -1 all cores; a page worker of a pool takes one


def _recogniser():
    """One RapidOCR per process, made on first use (loading its models takes a tenth of a second)."""
    if not _engine:
        import logging

        from rapidocr_onnxruntime import RapidOCR

        _engine.append(RapidOCR(use_cls=False, print_verbose=False, intra_op_num_threads=_threads[0]))
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return _engine[0]


@dataclass(frozen=True)
class Glyph:
    """One recognised character, in pixels."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    conf: float


def recognise(gray: np.ndarray, grid: Grid | None = None) -> list[list[Glyph]]:
    """The page's text lines, each a list of glyphs left to right (known confusions undone): what the
    detector found — a line it found across a vertical rule read again cell by cell (`by_cell`) —
    then what it missed (`missed_lines`)."""
    import cv2

    result, _ = _recogniser()(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), use_cls=False, return_word_box=True)
    lines = []
    boxes_found = [r[0] for r in result or ()]
    for box, text, score, boxes, words, confs in result or ():
        cuts = _rules_across(box, grid) if grid else []
        if cuts:
            lines += by_cell(gray, box, cuts)
        else:
            line = _with_cut_start(gray, box, boxes_found, _glyphs(box, text, float(score), boxes, words, confs))
            lines.append(_with_cut_mark(gray, box, boxes_found, grid, line))
    lines = [ln for ln in lines if ln]
    inked = [_to_ink(gray, ln) for ln in lines + missed_lines(gray, lines)]
    return [_corrected(ln) for ln in _joined(inked)]


def _to_ink(gray: np.ndarray, line: list[Glyph]) -> list[Glyph]:
    """The line's glyphs with its ink's top and bottom: the detector's boxes are padded, and one box
    may take in a number set lower beside the line (the 序号 centred in its row)."""
    top, bottom = int(line[0].top), int(line[0].bottom) + 1
    rows = np.flatnonzero((gray[max(0, top):bottom, int(line[0].x0):int(line[-1].x1) + 1] < INK_LEVEL).any(axis=1))
    if len(rows) == 0:
        return line
    ink_top, ink_bottom = float(max(0, top) + rows[0]), float(max(0, top) + rows[-1] + 1)
    return [dataclasses.replace(g, top=ink_top, bottom=ink_bottom) for g in line]


def _bounds(box) -> tuple[int, int, int, int]:
    """A detected box (four corners) as left, top, right, bottom in whole pixels."""
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    return int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys)) + 1


def _beside(box, others: list) -> list[tuple[int, int, int, int]]:
    """The bounds of the other detected boxes on the same line as `box`."""
    _, top, _, bottom = _bounds(box)
    return [b for o in others if o is not box and (b := _bounds(o))[1] < bottom and b[3] > top]


def _read_again(gray: np.ndarray, wider: list, line: list[Glyph]) -> tuple[str, str, float]:
    """The line's text and the widened box's reading, both as the rules will make them, and the
    reading's least confidence (1 when it read nothing)."""
    read = [g for piece in by_cell(gray, wider, []) for g in piece]
    text = undo_confusions("".join(g.text for g in line))
    return text, undo_confusions("".join(g.text for g in read)), min((g.conf for g in read), default=1.0)


def _widened(gray: np.ndarray, box, others: list) -> list | None:
    """The box widened leftwards to the ink it cuts (the detector's box may cut off a flat first
    character, 一 of `一、平安法治`, which the recogniser then leaves out), never into another
    detected box; or None."""
    left, top, right, bottom = _bounds(box)
    dark = (gray[max(0, top):bottom, :left + 1] < INK_LEVEL).any(axis=0)
    stop = max([b[2] for b in _beside(box, others) if b[2] <= right and b[0] < left], default=0)
    new_left = left
    while new_left - 1 > stop and left - new_left < bottom - top and dark[new_left - 1:new_left + 1].any():
        new_left -= 1
    if new_left == left:
        return None
    return [[new_left, top], [right, top], [right, bottom], [new_left, bottom]]


def _with_cut_start(gray: np.ndarray, box, others: list, line: list[Glyph]) -> list[Glyph]:
    """The line with the character its box cut off at the left, when read again from the widened box
    it comes out as a prefix of the same reading (otherwise the re-reading is not trusted: the
    recogniser may invent a character at a crop's edge)."""
    wider = _widened(gray, box, others)
    if wider is None or not line:
        return line
    text, again, score = _read_again(gray, wider, line)
    if len(again) <= len(text) or not again.endswith(text):
        return line
    prefix = again[:len(again) - len(text)]
    left = float(wider[0][0])
    step = (line[0].x0 - left) / len(prefix)
    return [Glyph(c, left + i * step, left + (i + 1) * step, line[0].top, line[0].bottom, score)
            for i, c in enumerate(prefix)] + line


def _with_cut_mark(gray: np.ndarray, box, others: list, grid: Grid | None, line: list[Glyph]) -> list[Glyph]:
    """The line with the punctuation mark the recogniser left out at its end (a line-final 、 or ，,
    small and set apart at the crop's edge, is often dropped): when ink stands apart after the last
    character read, and the box widened past it reads as the same text and one Chinese punctuation
    mark more."""
    if not line:
        return line
    left, top, right, bottom = _bounds(box)
    height = bottom - top
    walls = [r.x0 for r in grid.vertical if r.top <= (top + bottom) / 2 <= r.bottom] if grid else []
    limit = int(min([b[0] for b in _beside(box, others) if b[0] > right] + [w for w in walls if w > right]
                    + [right + MARK_REACH * height, gray.shape[1] - 1]))
    start = int(line[-1].x1)
    dark = (gray[max(0, top):bottom + height // 4, start:limit] < INK_LEVEL).any(axis=0)  # a mark sits low
    blank = np.flatnonzero(~dark)
    after = np.flatnonzero(dark[blank[0]:]) + blank[0] if len(blank) else np.array([], int)
    if len(after) == 0:
        return line  # nothing stands apart after the last character
    end = max(start + int(after[-1]) + 2, right)
    text, again, score = _read_again(gray, [[left, top], [end, top], [end, bottom], [left, bottom]], line)
    if len(again) != len(text) + 1 or not again.startswith(text) or again[-1] not in LINE_END_MARKS:
        return line
    return line + [Glyph(again[-1], line[-1].x1, float(end), line[-1].top, line[-1].bottom, score)]


def _rules_across(box, grid: Grid) -> list[float]:
    """x of the vertical rules a detected line's box lies across (the rules are erased, the detector
    may join the text of two cells into one line)."""
    left, top, right, bottom = _bounds(box)
    return sorted(r.x0 for r in grid.vertical if left < r.x0 < right and r.top <= (top + bottom) / 2 <= r.bottom)


def by_cell(gray: np.ndarray, box, cuts: list[float]) -> list[list[Glyph]]:
    """A line lying across rules, each piece between two rules recognised alone: read as one line, the
    recogniser makes up characters where the rule stood (`43` read `433`). A piece's characters
    share its ink's width evenly, and its confidence."""
    import cv2

    left, top, right, bottom = _bounds(box)
    edges = [left, *cuts, right]
    pieces = []
    for a, b in zip(edges, edges[1:]):
        crop = gray[max(0, top):bottom, int(a) + 1:int(b)]
        inked = np.flatnonzero((crop < INK_LEVEL).any(axis=0))
        if len(inked) == 0 or inked[-1] - inked[0] < MIN_PIECE * (bottom - top):
            continue  # nothing, or a remnant of the rule: narrower than any character
        x0, x1 = int(a) + 1 + inked[0], int(a) + 2 + inked[-1]
        pad = max(2, (bottom - top) // 4)
        piece = gray[max(0, top - pad):bottom + pad, max(0, x0 - pad):x1 + pad]
        result, _ = _recogniser()(cv2.cvtColor(piece, cv2.COLOR_GRAY2BGR), use_det=False, use_cls=False)
        for text, score in result or ():
            chars = [c for c in text if not c.isspace()]
            step = (x1 - x0) / max(len(chars), 1)
            pieces.append([Glyph(c, x0 + i * step, x0 + (i + 1) * step, float(top), float(bottom), float(score))
                           for i, c in enumerate(chars)])
    return pieces


def missed_lines(gray: np.ndarray, lines: list[list[Glyph]]) -> list[list[Glyph]]:
    """Text the detector left out, read alone: a lone narrow mark such as the item number `1` in its
    cell is often not detected. Every blot of ink the size of a line of type that no detected line
    covers is cropped and recognised by itself."""
    import cv2

    from pipeline.extract.ocr_image import ink

    if not lines:
        return []
    em = statistics.median(ln[0].bottom - ln[0].top for ln in lines)
    near = np.zeros(gray.shape, np.uint8)  # what the detected lines cover
    for ln in lines:
        near[int(ln[0].top):int(ln[0].bottom) + 1, int(ln[0].x0):int(ln[-1].x1) + 1] = 1
    joined = cv2.dilate(ink(gray), cv2.getStructuringElement(cv2.MORPH_RECT, (max(1, round(MISSED_JOIN * em)), 1)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    found = []
    for x, y, w, h, _area in stats[1:count]:
        if not MISSED_MIN <= h / em <= MISSED_MAX or near[y:y + h, x:x + w].any():
            continue
        pad = round(MISSED_PAD * em)
        crop = gray[max(0, y - pad):y + h + pad, max(0, x - pad):x + w + pad]
        result, _ = _recogniser()(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR), use_det=False, use_cls=False)
        for text, score in result or ():
            chars = [c for c in text if not c.isspace()]
            step = w / max(len(chars), 1)
            found.append([Glyph(c, x + i * step, x + (i + 1) * step, float(y), float(y + h), float(score))
                          for i, c in enumerate(chars)])
    return [ln for ln in found if ln]


def _glyphs(box, text: str, score: float, boxes, words, confs) -> list[Glyph]:
    """A recognised line's characters with their boxes: from the decoding positions, else spread evenly;
    the characters of one line touch."""
    top = min(p[1] for p in box)
    bottom = max(p[1] for p in box)
    chars = [w for w in words if w.strip()] if words else []
    if chars and len(chars) == len(boxes):
        spans = [(min(p[0] for p in b), max(p[0] for p in b)) for b in boxes]
        # one run of text, as the recogniser read it: each glyph reaches to the next (the decoding
        # positions leave gaps where the type has none, and a gap parts a heading across columns)
        spans = [(x0, max(x1, spans[i + 1][0]) if i + 1 < len(spans) else x1) for i, (x0, x1) in enumerate(spans)]
        scores = list(confs) if confs and len(confs) == len(chars) else [score] * len(chars)
    else:  # no positions: an even share of the line each
        chars = [c for c in text if not c.isspace()]
        left, right = min(p[0] for p in box), max(p[0] for p in box)
        step = (right - left) / max(len(chars), 1)
        spans = [(left + i * step, left + (i + 1) * step) for i in range(len(chars))]
        scores = [score] * len(chars)
    return [Glyph(t, x0, x1, top, bottom, float(c)) for t, (x0, x1), c in zip(chars, spans, scores)]


def _joined(lines: list[list[Glyph]]) -> list[list[Glyph]]:
    """Pieces of one printed line read apart (the detector splits at wide gaps, `missed_lines` reads a
    blot alone) joined, so that the confusion rules see each character's neighbours: pieces that
    overlap by most of their height and stand less than `JOIN_GAP` apart (or overlap a little)."""
    out: list[list[Glyph]] = []
    for line in sorted(lines, key=lambda ln: (ln[0].top, ln[0].x0)):
        for other in out:
            if _one_line(other, line):
                # where two pieces overlap, that stretch was read twice: keep the first reading
                left, right = other[0].x0, other[-1].x1
                other.extend(g for g in line if not left < (g.x0 + g.x1) / 2 < right)
                other.sort(key=lambda g: g.x0)
                break
        else:
            out.append(list(line))
    return out


def _one_line(a: list[Glyph], b: list[Glyph]) -> bool:
    """Two pieces of one printed line: overlapping by most of their height, end to end or a little over."""
    (a_top, a_bottom), (b_top, b_bottom) = _extent(a), _extent(b)
    overlap = min(a_bottom, b_bottom) - max(a_top, b_top)
    low, high = sorted((a_bottom - a_top, b_bottom - b_top))  # a flat 一 is low
    gap = max(b[0].x0 - a[-1].x1, a[0].x0 - b[-1].x1)
    return overlap > JOIN_OVERLAP * low and -JOIN_OVERLAP * high < gap < JOIN_GAP * high


def _extent(line: list[Glyph]) -> tuple[float, float]:
    return min(g.top for g in line), max(g.bottom for g in line)


def _corrected(line: list[Glyph]) -> list[Glyph]:
    """The line with ocr_text.py's rules applied (one character for one: each keeps its box)."""
    fixed = undo_confusions("".join(g.text for g in line))
    drop = stray_marks(list(fixed))
    return [dataclasses.replace(g, text=t) if t != g.text else g
            for i, (g, t) in enumerate(zip(line, fixed)) if i not in drop]


def _on_rule(g: Glyph, grid: Grid) -> bool:
    """A bar read where a vertical rule stands (the rule's remains after erasing)."""
    if g.text not in BARS:
        return False
    mid_x, mid_y = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
    reach = BAR_ON_RULE * (g.bottom - g.top)
    return any(abs(s.x0 - mid_x) < reach and s.top <= mid_y <= s.bottom for s in grid.vertical)


def _pitch(line: list[Glyph]) -> float | None:
    """A line's type size (pixels) from the pitch of its Chinese characters (each as wide as the type
    is high), when it has enough of them to tell; the detector's box height varies with the ink."""
    pitches = [g.x1 - g.x0 for g in line if is_chinese(g.text) and g.text.isalpha()]
    return statistics.median(pitches) if len(pitches) >= MIN_PITCHES else None


def _sizes(lines: list[list[Glyph]]) -> list[float]:
    """Each line's type size (pixels): its height against the usual line's, scaled to the usual type
    size (the pitch of the page's Chinese text); the page's usual size when near it. Heights tell
    larger type (a title) apart; pitches measure the type, but not for a short or letter-spaced line."""
    if not lines:
        return []
    heights = [ln[0].bottom - ln[0].top for ln in lines]
    usual_height = statistics.median(heights)
    pitches = [p for p in map(_pitch, lines) if p is not None]
    usual = statistics.median(pitches) if pitches else usual_height * LATIN_HEIGHT
    sizes = [usual * h / usual_height for h in heights]
    return [usual if abs(size - usual) <= SAME_SIZE * usual else size for size in sizes]


def page_objects(gray: np.ndarray, number: int, dpi: float, width: float, height: float) -> PageObjects:
    """A page image (grey, `dpi`) as the glyphs and rules the PDF extractor reads; `width` and `height`
    the page's size in points."""
    straight, _angle = straighten(despeckle(gray, dpi))
    grid, erased = find_grid(straight, dpi)
    lines = recognise(erased, grid)
    pt = 72 / dpi
    chars = []
    for line, size in zip(lines, _sizes(lines)):
        for g in line:
            if not _on_rule(g, grid):
                chars.append({"text": g.text, "x0": g.x0 * pt, "x1": g.x1 * pt, "top": g.top * pt,
                              "bottom": g.bottom * pt, "size": size * pt, "upright": True, "conf": g.conf})
    rules = [{"x0": s.x0 * pt, "x1": s.x1 * pt, "top": s.top * pt, "bottom": s.bottom * pt}
             for s in (*grid.horizontal, *grid.vertical)]
    return PageObjects(number, chars, rules, [], 1, width, height, spaces_are_glyphs=True)


def render(path: Path, number: int, dpi: float) -> tuple[np.ndarray, float, float]:
    """Page `number` (1-based) of a PDF as a grey image at `dpi`, and its size in points; a page PDFium
    cannot draw is the file's fault, named by page."""
    import pypdfium2 as pdfium

    from pipeline.errors import InputError

    try:
        pdf = pdfium.PdfDocument(path)
        try:
            page = pdf[number - 1]
            width, height = page.get_size()
            pixels = page.render(scale=dpi / 72, grayscale=True).to_numpy()
            gray = (pixels if pixels.ndim == 2 else pixels[:, :, 0]).copy()  # ours before PDFium frees its bitmap
        finally:
            pdf.close()
    except pdfium.PdfiumError as err:
        raise InputError("pdf_page_unreadable", f"cannot draw the scanned page: {err}", file=path,
                         where=f"page {number}") from None
    return gray, width, height


def read_pdf_page(path: Path, number: int, dpi: float) -> PageObjects:
    gray, width, height = render(path, number, dpi)
    return page_objects(gray, number, dpi, width, height)


def read_image_page(path: Path, frame: int, number: int, dpi: float) -> PageObjects:
    from pipeline.extract.image import load_page

    gray, width, height = load_page(path, frame, number, dpi)
    return page_objects(gray, number, dpi, width, height)


def read_pdf_pages(path: Path, numbers: list[int], settings: OcrSettings) -> dict[int, PageObjects]:
    """The scanned pages `numbers` of a PDF, OCR'd, `settings.jobs` at a time."""
    return dict(zip(numbers, _each(read_pdf_page, [(path, n, settings.dpi) for n in numbers], settings.jobs)))


def read_image_pages(frames: list[tuple[Path, int]], settings: OcrSettings) -> list[PageObjects]:
    """Page images (file, frame), OCR'd as pages 1, 2, …, `settings.jobs` at a time."""
    tasks = [(path, frame, number, settings.dpi) for number, (path, frame) in enumerate(frames, start=1)]
    return _each(read_image_page, tasks, settings.jobs)


def _each(read, tasks: list[tuple], jobs: int) -> list[PageObjects]:
    """`read(*task)` for every task, in order: here, or over `jobs` worker processes."""
    if jobs <= 1 or len(tasks) <= 1:
        return [read(*task) for task in tasks]
    with ProcessPoolExecutor(min(jobs, len(tasks)), initializer=_one_thread) as pool:
        return list(pool.map(read, *zip(*tasks)))


def _one_thread() -> None:
    """A page worker uses one core: the pool spreads the pages over the others."""
    _threads[0] = 1
