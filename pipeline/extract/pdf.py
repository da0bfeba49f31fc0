"""PDF extractor: recover the duty-list tables from the page geometry.

A page reader gives us characters with boxes and the ruling lines; nothing more is
trusted (no full-page `extract_text`, no `extract_tables`). A page goes through
these stages, each a function below, in this order:

0. the page as plain data (pdf_page.py's `PageObjects`: characters, ruling
   lines, rectangles, image count, size), from the reader `--pdf-reader` names:
   pdf_pdfium.py (pypdfium2, the default, after pdf_check.py's check of the
   file; a file PDFium would repair otherwise than pdfminer reads it goes to
   the reference, and `read_past` says so) or pdf_plumber.py (pdfplumber, the
   reference). The readers' calls into their
   library are the only places where an exception means a damaged PDF (an
   InputError naming the page); whatever is raised after them is a bug here and
   propagates as is. The whole extraction runs `watched()` (pdf_streams.py): no
   stream inflates past the size limit, lost data is an error (pdf_damaged), and
   the library's log records never reach stderr. A page that is an image and no
   text (a scan) is read by OCR (ocr.py) into the same `PageObjects`, its glyphs
   carrying the OCR's confidence (`conf`), so it goes through the stages below
   like any page.
1. chars -- `page_chars`: upright glyphs, without the page numbers in the
   margins (— 9 —, - 9 -, 第 9 页). `visual_lines` groups glyphs into lines,
   `line_text` spells one line (spaces only where the document has them).
2. ruling lines -- `find_rules`: horizontal and vertical rules, thin filled
   rectangles included.
3. columns -- `find_headers`: each header row, found by its titles 序号 (序
   and 号 side by side or stacked) and 事项名称, a 类别 column maybe before
   them (`header_at`, `title_columns`); the titles' x positions give the
   column boundaries, taken from the vertical rules when drawn, else from
   `column_bounds` (the emptiest gutter between two titles, measured again
   on each page). A page without a header continues the open table: ruled,
   at this page's rules (where they were, or all moved alike: `_follow_rules`,
   else columns_lost); unruled, at its own gutters.
4. rows -- `row_bands`: the bands between horizontal rules spanning the
   table, a cell with no rule above it merged down (`merged_down`); without
   rules, `anchor_bands`: each number or category heading in the 序号 column
   (or a heading in the 事项名称 column) starts a row, and the cuts between
   rows are the gaps that fit every cell's text best, read as aligned to the
   top or centred, column by column (`_fit_rows`). A 类别 column without
   rules takes the spans that centre its texts (`category_starts`); the
   page's last one starts at its row's top instead when the next page shows
   it went on (`split_start`, `_SplitCategory`).
5. cells -- `row_cells`: each character goes to the column its centre falls
   in; `merged_columns` joins the columns that have no rule between them, or
   (without rules) that a category heading runs across; `cell_text` joins a
   cell's visual lines with "\\n", or U+2028 where the line was full
   (`wrapped`: the producer had to wrap). A run of glyphs (one line, no gap)
   lying in two cells is text a damaged file moved across a column boundary:
   `run_across` finds it, and it is an error (text_crosses_column).

Everything above the first header row is front matter, grouped into paragraphs
by `paragraphs`. `_Builder` carries the open table from page to page. Every
tolerance is a field of `PdfSettings`.
"""

from __future__ import annotations

import bisect
import importlib
import re
import statistics
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from pipeline.errors import InputError, locating
from pipeline.extract.pdf_page import PDF_READERS, PageObjects, ocr_settings, pdf_reader
from pipeline.extract.pdf_streams import watched
from pipeline.extract.raw import RawDocument, RawRow, RawTable, least
from pipeline.normalise.radicals import TABLE as RADICALS
from pipeline.normalise.headings import parse_heading
from pipeline.normalise.text import WRAP
from pipeline.lists import EXTRA_COLUMN_TITLES, all_titles, column_role, list_opening, opens_list, squash_title, titled

# Every column title the list kinds declare, and the extra columns editions add:
# only used to tell a wrapped header line ("对应上级" / "部门") from the first body
# row when the header has no rule below it; unknown titles are still accepted.
KNOWN_TITLES = tuple(squash_title(t) for t in (*all_titles(), *EXTRA_COLUMN_TITLES))

_PAGE_NUMBER = re.compile(r"^[\s—–\-－―~·]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d+)?[\s—–\-－―~·]*$")
_LEADER = re.compile(r"(?:\s*[.·…․‥⋯]){4,}\s*")  # table-of-contents dot leaders
# 序号 cell start: a number (not the `29项）` of a heading wrapped in the cell), or 一、
_ANCHOR = re.compile(r"^\s*(\d{1,4}(?![\d项）)])|[一二三四五六七八九十]+\s*[、.．])")
_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")  # a category heading: 一、党的建设（29项）
_HEADING_UNNUMBERED = re.compile(r"^\s*、.*[（(]\s*\d+\s*项\s*[）)]\s*$")
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class PdfSettings:
    """Every tolerance of the extractor (in the spirit of pdfplumber's TableSettings).

    Units: pt = PDF points (1/72 inch); em = times the font size of the text
    concerned; × = a plain factor.
    """

    # chars and visual lines
    line_slack: float = 0.5  # pt: a char joins a visual line when its vertical centre is within the line's extent ± this
    overprint: float = 0.15  # em: the same glyph again less than this further right is an overprint (fake bold, shadow)
    word_gap: float = 0.3  # em: on a page without space glyphs, a gap this much wider than the line's usual one is a space
    page_margin: float = 0.12  # × page height: the strips at top and bottom where page numbers live
    # ruling lines
    rule_thickness: float = 2.5  # pt: a stroke or filled rectangle thinner than this is a rule
    rule_min_length: float = 2.0  # pt: shorter strokes are dots, not rules
    h_rule_merge: float = 2.0  # pt: horizontal rules less than this apart in y are one rule
    v_rule_merge: float = 2.5  # pt: vertical rules less than this apart in x are one rule (also: one this near a boundary is at it)
    v_rule_reach: float = 2.0  # pt: a vertical rule may stop this short of the header's top or bottom and still cross it
    rule_cover: float = 0.5  # ×: a horizontal rule spans this share of the table's width, a vertical one of the row's height
    rule_slack: float = 1.0  # pt: rules, and chars, this far outside the band or table searched still count
    # the header row: 序号 | 事项名称 | …
    title_same_line: float = 0.3  # em: 号 is on 序's line when their tops differ by less than this
    title_spread: float = 4.0  # em: the widest gap between 序 and 号 (titles are often letter-spaced)
    title_stack: float = 1.0  # em: 号 wrapped below 序 (a narrow column) starts at most this far below 序's bottom
    header_height: float = 9.0  # em: a ruled header is less tall than this (titles stacked four lines high in narrow columns); its rules are looked for this far above and below 序
    header_indent: float = 1.0  # em: the header's text and rules start at most this far left of 序
    header_font: float = 0.25  # em: header chars' font size is within this of 序's
    unruled_reach: float = 3.5  # em: without rules, the title lines are looked for this far above and below 序
    title_gap: float = 1.0  # em: a horizontal gap this wide separates two pieces of text on a header line
    title_column_gap: float = 0.5  # em: without rules, a gap this wide between stacks of header text may separate two columns
    text_pad: float = 0.5  # pt: margin around a band of text so that its own first and last chars fall inside
    # rows and cells
    run_on_gap: float = 0.5  # em: glyphs closer than this on one line are one run (a heading across columns, or damage)
    cell_gap: float = 1.0  # pt: a gap this wide with a column boundary in it parts two cells, however tight
    wrap_slack: float = 0.5  # × the next line's first glyph: a line is full when that glyph would overrun the column's widest line by more
    min_row_height: float = 1.0  # pt: a band between two horizontal rules is a row only when taller than this
    list_title_size: float = 1.2  # ×: chars larger than this × the body's font size are a list title, not table text
    body_font: float = 0.2  # em: chars above a header within this of the body's font size continue the open table
    split_reach: float = 0.5  # em: a 类别 cell broken by a page end has its text at most this far below its first row's top
    # front matter: a line starts a new paragraph when
    para_font_change: float = 0.1  # em: its font size differs from the line above by more than this
    para_indent: float = 0.8  # em: it starts more than this right of the text's left edge
    para_short_line: float = 1.5  # em: the line above stopped more than this short of the right edge
    para_gap: float = 1.5  # em: more than this empty space lies above it


DEFAULT_SETTINGS = PdfSettings()


# --------------------------------------------------------------------------- #
# 1. chars and visual lines


@dataclass
class Line:
    """One visual line of characters (already sorted left to right)."""

    chars: list[dict]
    top: float
    bottom: float

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @property
    def x1(self) -> float:
        return self.chars[-1]["x1"]

    @property
    def size(self) -> float:
        return statistics.median(c["size"] for c in self.chars)


@dataclass
class PageText:
    chars: list[dict]  # upright glyphs; blanks other than " " and page numbers removed
    gap_spaces: bool  # the page has no space glyphs: a wide gap stands for a space
    letters: int  # non-blank glyphs, page numbers included (none on every page: no text layer)


def _mid_y(c: dict) -> float:
    return (c["top"] + c["bottom"]) / 2


def _mid_x(c: dict) -> float:
    return (c["x0"] + c["x1"]) / 2


def page_chars(page: PageObjects, s: PdfSettings) -> PageText:
    """The page's text as glyphs, without page numbers; radicals as the ideographs they are drawn as."""
    chars: list[dict] = []
    letters = 0
    space_glyphs = False
    for c in page.chars:  # one pass: a page has thousands of glyphs
        text = c["text"]
        if not text or not c.get("upright", True):
            continue
        if len(text) == 1 and ord(text) in RADICALS:  # ⻔ for 门: see normalise/radicals.py
            c["text"] = text = RADICALS[ord(text)]
        if not text.isspace():
            letters += 1
        elif text == " ":
            space_glyphs = True
        else:
            continue  # other whitespace (line ends, tabs) is no glyph
        chars.append(c)
    gap_spaces = not page.spaces_are_glyphs and not space_glyphs
    return PageText(drop_page_numbers(chars, page.height, gap_spaces, s), gap_spaces, letters)


def drop_page_numbers(chars: list[dict], height: float, gap_spaces: bool, s: PdfSettings) -> list[dict]:
    """Chars without the lines in the top and bottom margins that are page numbers."""
    top_margin, bottom_margin = height * s.page_margin, height * (1 - s.page_margin)
    marginal = [c for c in chars if c["bottom"] < top_margin or c["top"] > bottom_margin]
    if not marginal:
        return chars
    drop = set()
    for ln in visual_lines(marginal, s):
        in_margin = ln.bottom < top_margin or ln.top > bottom_margin
        if in_margin and _PAGE_NUMBER.match(line_text(ln.chars, gap_spaces, s)):
            drop.update(id(c) for c in ln.chars)
    return [c for c in chars if id(c) not in drop]


def visual_lines(chars: Iterable[dict], s: PdfSettings) -> list[Line]:
    """Group characters into visual lines by vertical overlap.

    Fonts mixed on one line (serif digits, CJK) have different boxes, so a char
    joins a line when its vertical centre lies inside the line's extent.
    """
    slack = s.line_slack
    lines: list[Line] = []
    ln = None
    # each centre computed once: this runs for every row band and column of every page
    for m, c in sorted((((c["top"] + c["bottom"]) / 2, c) for c in chars), key=_FIRST):
        if ln is not None and ln.top - slack <= m <= ln.bottom + slack:
            ln.chars.append(c)
            if c["top"] < ln.top:
                ln.top = c["top"]
            if c["bottom"] > ln.bottom:
                ln.bottom = c["bottom"]
        else:
            ln = Line([c], c["top"], c["bottom"])
            lines.append(ln)
    for ln in lines:
        ln.chars.sort(key=_X0)
    return lines


_FIRST, _X0 = itemgetter(0), itemgetter("x0")


def line_text(chars: Sequence[dict], gap_spaces: bool, s: PdfSettings) -> str:
    """Characters of one line to text, spaces only where the document has them.

    Space glyphs are kept. Justification and the automatic CJK/Latin spacing
    widen gaps without any space in the text, so a gap becomes a space only when
    the page carries no space glyphs at all (some producers position words
    instead) and the gap clearly exceeds the line's usual spacing.
    """
    kept: list[dict] = []
    for c in chars:  # drop overprinted duplicates (fake bold, shadow)
        if kept and c["text"] == kept[-1]["text"] and abs(c["x0"] - kept[-1]["x0"]) < s.overprint * c["size"] and c["text"] != " ":
            continue
        kept.append(c)
    usual = 0.0  # the line's usual gap; a median needs three glyphs to mean anything
    if gap_spaces and len(kept) > 2:
        usual = max(statistics.median(b["x0"] - a["x1"] for a, b in zip(kept, kept[1:])), 0)
    out: list[str] = []
    for i, c in enumerate(kept):
        if gap_spaces and i and c["x0"] - kept[i - 1]["x1"] - usual > s.word_gap * c["size"]:
            out.append(" ")
        out.append(" " if c["text"].isspace() else c["text"])
    return _WS.sub(" ", "".join(out)).strip()


# --------------------------------------------------------------------------- #
# 2. ruling lines


@dataclass
class Rules:
    """Horizontal rules as (y, x0, x1) and vertical rules as (x, top, bottom)."""

    h: list[tuple[float, float, float]]
    v: list[tuple[float, float, float]]
    settings: PdfSettings

    def h_at(self, left: float, right: float, top: float, bottom: float) -> list[float]:
        """y of rules spanning most of [left, right] between top and bottom, merged."""
        s = self.settings
        width = right - left
        by_y: dict[float, float] = {}
        for y, x0, x1 in self.h:
            if top - s.rule_slack <= y <= bottom + s.rule_slack:
                overlap = min(x1, right) - max(x0, left)
                if overlap > 0:  # a rule drawn in pieces adds up
                    key = next((k for k in by_y if abs(k - y) < s.h_rule_merge), y)
                    by_y[key] = by_y.get(key, 0) + overlap
        return sorted(y for y, covered in by_y.items() if covered >= s.rule_cover * width)

    def h_cover(self, y: float, spans: list[tuple[float, float]]) -> list[bool]:
        """For each [left, right]: is there a horizontal rule at y over most of it?"""
        s = self.settings
        at = [(x0, x1) for hy, x0, x1 in self.h if abs(hy - y) < s.h_rule_merge]
        return [sum(max(0.0, min(x1, right) - max(x0, left)) for x0, x1 in at) >= s.rule_cover * (right - left)
                for left, right in spans]

    def v_covers(self, x: float, top: float, bottom: float) -> bool:
        """Is there a vertical rule at x over most of [top, bottom]?"""
        s = self.settings
        covered = sum(max(0.0, min(b, bottom) - max(t, top)) for vx, t, b in self.v if abs(vx - x) < s.v_rule_merge)
        return covered >= s.rule_cover * (bottom - top)

    def v_xs(self, top: float, bottom: float) -> list[float]:
        """x of vertical rules crossing [top, bottom], merged."""
        reach = self.settings.v_rule_reach
        return self._merged(vx for vx, t, b in self.v if t <= top + reach and b >= bottom - reach)

    def v_within(self, top: float, bottom: float) -> list[float]:
        """x of vertical rules with a piece between top and bottom, merged (rules drawn row by row)."""
        return self._merged(vx for vx, t, b in self.v if t < bottom and b > top)

    def _merged(self, xs: Iterable[float]) -> list[float]:
        """The x positions in order, those closer than v_rule_merge to the one before left out (one rule)."""
        out: list[float] = []
        for x in sorted(xs):
            if not out or x - out[-1] > self.settings.v_rule_merge:
                out.append(x)
        return out


def find_rules(page: PageObjects, s: PdfSettings) -> Rules:
    """The page's horizontal and vertical rules, from strokes and rectangles."""
    h: list[tuple[float, float, float]] = []
    v: list[tuple[float, float, float]] = []
    for obj in page.lines:
        _add_segment(h, v, obj["x0"], obj["top"], obj["x1"], obj["bottom"], s)
    for r in page.rects:
        if r["width"] < s.rule_thickness or r["height"] < s.rule_thickness:  # borders are often thin filled rectangles
            _add_segment(h, v, r["x0"], r["top"], r["x1"], r["bottom"], s)
        elif r.get("stroke"):  # a stroked box: its four sides
            for seg in ((r["x0"], r["top"], r["x1"], r["top"]), (r["x0"], r["bottom"], r["x1"], r["bottom"]),
                        (r["x0"], r["top"], r["x0"], r["bottom"]), (r["x1"], r["top"], r["x1"], r["bottom"])):
                _add_segment(h, v, *seg, s)
    return Rules(h, v, s)


def _add_segment(h: list, v: list, x0: float, top: float, x1: float, bottom: float, s: PdfSettings) -> None:
    if abs(bottom - top) < s.rule_thickness and x1 - x0 > s.rule_min_length:
        h.append(((top + bottom) / 2, x0, x1))
    elif abs(x1 - x0) < s.rule_thickness and bottom - top > s.rule_min_length:
        v.append(((x0 + x1) / 2, top, bottom))


# --------------------------------------------------------------------------- #
# 3. columns: the header row


@dataclass
class Layout:
    """A table's columns: titles and the x boundaries between them."""

    titles: tuple[str, ...]
    bounds: list[float]  # len(titles) - 1 inner boundaries
    ruled_v: bool  # inner vertical rules drawn: use them to detect merged cells
    ruled_h: bool  # rows separated by horizontal rules (the header has one below)
    size: float  # body font size
    centres: list[float] = field(default_factory=list)  # x centre of each title
    roles: tuple[str | None, ...] = field(init=False)  # what each column holds, read off its title

    def __post_init__(self) -> None:
        self.roles = tuple(column_role(t) for t in self.titles)

    def column(self, role: str) -> int | None:
        """Index of the column holding `role` ("seq", "name", …), if the table has it."""
        return self.roles.index(role) if role in self.roles else None


@dataclass
class Header:
    top: float
    bottom: float
    layout: Layout
    left: float
    right: float


def _squash(s: str) -> str:
    return _WS.sub("", s)


def _same_font(d: dict, size: float, s: PdfSettings) -> bool:
    return abs(d["size"] - size) < s.header_font * size


def find_headers(chars: list[dict], rules: Rules, width: float, s: PdfSettings,
                 misses: list[tuple[str, ...]] | None = None) -> list[Header]:
    """Every header row on the page, top to bottom; the titles of rows that start with 序号 but open no
    list go to `misses` (for the error when no table is found)."""
    headers: list[Header] = []
    hao = [d for d in chars if d["text"] == "号"]
    for c in chars:
        if c["text"] != "序" or not _hao_follows(c, hao, s):
            continue
        if any(h.top - s.rule_slack <= _mid_y(c) <= h.bottom + s.rule_slack for h in headers):
            continue  # a 序 inside a header already found
        header = header_at(c, chars, rules, width, s, misses)
        if header is not None:
            headers.append(header)
    return sorted(headers, key=lambda h: h.top)


def _hao_follows(xu: dict, hao: list[dict], s: PdfSettings) -> bool:
    """One of the page's 号 (`hao`) on the same line as 序, a few em at most to its right (titles are
    often letter-spaced), or wrapped right below it in a narrow column."""
    size = xu["size"]
    for d in hao:
        if abs(d["top"] - xu["top"]) < s.title_same_line * size and -s.text_pad <= d["x0"] - xu["x1"] < s.title_spread * size:
            return True
        if 0 <= d["top"] - xu["bottom"] < s.title_stack * size and min(d["x1"], xu["x1"]) > max(d["x0"], xu["x0"]):
            return True
    return False


def header_at(xu: dict, chars: list[dict], rules: Rules, width: float, s: PdfSettings,
              misses: list[tuple[str, ...]] | None = None) -> Header | None:
    """The header row whose 序 is `xu`, or None when its titles do not open with 序号 | 事项名称 (or 类别 | 序号 | 事项名称)."""
    size = xu["size"]
    mid = _mid_y(xu)
    left = xu["x0"] - s.header_indent * size
    reach = s.header_height * size
    # the header band: between the rules around 序号, else the lines near it
    # that still spell (part of) a known column title
    ys = rules.h_at(left, width, mid - reach, mid + reach)
    above = [y for y in ys if y < xu["top"]]
    below = [y for y in ys if y > xu["bottom"]]
    ruled_h = bool(above and below and below[0] - above[-1] < reach)
    unruled = None  # the titles found as if there were no rules, read once
    if ruled_h:
        top, bottom = above[-1], below[0]
        band = [d for d in chars if top < _mid_y(d) < bottom and _same_font(d, size, s)]
        # a frame round a short table (only its outer rules) is no header's rules: text under the titles
        unruled = _unruled_band(xu, chars, s)
        titles = {id(d) for d in unruled}
        ruled_h = not any(d["top"] > xu["bottom"] and id(d) not in titles for d in band)
    if not ruled_h:
        band = unruled if unruled is not None else _unruled_band(xu, chars, s)
        top = min(d["top"] for d in band) - s.text_pad
        bottom = max(d["bottom"] for d in band) + s.text_pad
    # rules between titles (a frame's sides around them are not column boundaries)
    lo, hi = min(d["x0"] for d in band) + s.text_pad, max(d["x1"] for d in band) - s.text_pad
    vxs = [x for x in rules.v_xs(top, bottom) if lo < x < hi]
    columns = _from_seq_column(title_columns(band, vxs, size, s), xu, s)
    titles = tuple(_title_text(col, s) for col in columns)
    if not opens_list(titles):  # 序号 | 事项名称 open every list (a 类别 column may stand before them)
        if misses is not None:
            misses.append(titles)
        return None
    # between two titles: where a rule between them may stand
    gutters = [(a[-1]["x1"] - s.rule_slack, b[0]["x0"] + s.rule_slack) for a, b in zip(columns, columns[1:])]
    ruled_v = len(vxs) >= len(titles) - 1 and all(any(g0 <= x <= g1 for x in vxs) for g0, g1 in gutters)
    if ruled_v:  # the rule between each pair of titles
        bounds = [next(x for x in vxs if g0 <= x <= g1) for g0, g1 in gutters]
    else:  # refined against the body text by column_bounds
        bounds = [(a[-1]["x1"] + b[0]["x0"]) / 2 for a, b in zip(columns, columns[1:])]
    table_left, table_right = _table_extent(rules, bottom, vxs, width, s) if ruled_h else (0.0, width)
    centres = [(col[0]["x0"] + col[-1]["x1"]) / 2 for col in columns]
    return Header(top, bottom, Layout(titles, bounds, ruled_v, ruled_h, size, centres), table_left, table_right)


def _from_seq_column(columns: list[list[dict]], xu: dict, s: PdfSettings) -> list[list[dict]]:
    """The header's columns from 序号 on, or from the 类别 column just before it; text further left is not the table's."""
    first = next(i for i, col in enumerate(columns) if any(d is xu for d in col))
    if first and column_role(_title_text(columns[first - 1], s)) == "category":
        first -= 1
    return columns[first:]


def _table_extent(rules: Rules, y: float, vxs: list[float], width: float, s: PdfSettings) -> tuple[float, float]:
    """The table's width: the rule under the header, widened by vertical rules."""
    segs = [(x0, x1) for hy, x0, x1 in rules.h if abs(hy - y) < s.h_rule_merge]
    xs = [x for seg in segs for x in seg] + vxs
    return (min(xs) - s.rule_slack, max(xs) + s.rule_slack) if xs else (0.0, width)


def _unruled_band(xu: dict, chars: list[dict], s: PdfSettings) -> list[dict]:
    """Without rules: 序's line, grown up and down by lines that are pieces of known titles."""
    size = xu["size"]
    mid = _mid_y(xu)
    near = [d for d in chars if abs(_mid_y(d) - mid) < s.unruled_reach * size and _same_font(d, size, s)]
    lines = visual_lines(near, s)
    keep = [ln for ln in lines if ln.top - s.line_slack <= mid <= ln.bottom + s.line_slack]
    if not keep:
        return [xu]
    for direction in (-1, 1):  # grow up and down while pieces fit a known title
        pool = sorted((ln for ln in lines if (ln.top - mid) * direction > 0 and ln not in keep), key=lambda ln: abs(_mid_y(ln.chars[0]) - mid))
        for ln in pool:
            # tight producers set two titles' pieces less than title_gap apart: part them as the stacks are
            pieces = _split_runs(ln.chars, s.title_column_gap * size)
            if pieces and all(_continues_title(p, keep, direction, s) for p in pieces):
                keep.append(ln)
            else:
                break
    return [c for ln in keep for c in ln.chars]


def _continues_title(piece: list[dict], kept: list[Line], direction: int, s: PdfSettings) -> bool:
    """Does a piece of a header line, with the header text already kept above or below it (the lines of
    its stack), still spell (part of) a known title? `责任科` + `室` does; `责任科室` + `室` (the rest of a
    body cell, right under the header) does not."""
    gap = s.title_column_gap * piece[0]["size"]
    runs = [(ln.top, run) for ln in kept for run in _split_runs(ln.chars, gap)]
    x0, x1 = piece[0]["x0"], piece[-1]["x1"]
    found: list[tuple[float, list[dict]]] = []
    grown = True
    while grown:  # the runs overlapping the piece, and those overlapping them (a title's lines are centred)
        grown = False
        for top, run in runs:
            if run[-1]["x1"] > x0 and run[0]["x0"] < x1 and not any(run is r for _, r in found):
                found.append((top, run))
                x0, x1, grown = min(x0, run[0]["x0"]), max(x1, run[-1]["x1"]), True
    stack = [line_text(run, False, s) for _, run in sorted(found, key=_FIRST)]
    own = line_text(piece, False, s)
    text = squash_title("".join([own, *stack] if direction < 0 else [*stack, own]))
    return any(text in k for k in KNOWN_TITLES)


def _split_runs(chars: list[dict], gap: float) -> list[list[dict]]:
    """Split a sorted line into runs separated by gaps of at least `gap` (pt)."""
    runs: list[list[dict]] = []
    for c in chars:
        if runs and c["x0"] - runs[-1][-1]["x1"] < gap:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs


def title_columns(band: list[dict], vxs: list[float], size: float, s: PdfSettings) -> list[list[dict]]:
    """Header characters grouped per column: by vertical rules, else by x overlap (see `_title_pieces`)."""
    if vxs:
        cols: dict[int, list[dict]] = {}
        for d in band:
            cols.setdefault(sum(1 for x in vxs if x < _mid_x(d)), []).append(d)
        groups = [cols[k] for k in sorted(cols)]
    else:
        groups = _title_pieces(band, size, s)
    return [sorted(g, key=lambda d: d["x0"]) for g in groups if any(not d["text"].isspace() for d in g)]


def _title_pieces(band: list[dict], size: float, s: PdfSettings) -> list[list[dict]]:
    """Without rules: stacks of header text set apart by a gap, then neighbours joined while each alone is
    no known title but together they are (part of) one: titles wrapped in narrow columns stand closer
    than a letter-spaced title's characters (序  号)."""
    stacks: list[list[dict]] = []
    for d in sorted(band, key=lambda d: d["x0"]):
        if stacks and d["x0"] - max(g["x1"] for g in stacks[-1]) < s.title_column_gap * size:
            stacks[-1].append(d)
        else:
            stacks.append([d])
    groups: list[list[dict]] = []
    for stack in stacks:
        if groups and _title_of(groups[-1], s) not in KNOWN_TITLES and any(
                _title_of(groups[-1] + stack, s) in t for t in KNOWN_TITLES):
            groups[-1] = groups[-1] + stack
        else:
            groups.append(stack)
    return groups


def _title_text(chars: list[dict], s: PdfSettings) -> str:
    """A column title as printed: its lines joined, whitespace removed."""
    return _squash("".join(line_text(ln.chars, False, s) for ln in visual_lines(chars, s)))


def _title_of(chars: list[dict], s: PdfSettings) -> str:
    """A column title as compared with the declared titles (see `squash_title`)."""
    return squash_title(_title_text(chars, s))


def column_bounds(layout: Layout, body: list[dict], prefer: list[float] | None = None) -> list[float]:
    """Without inner rules, put each boundary in the emptiest gutter between titles.

    Column titles are usually centred, so the midpoint between two titles can
    cut through a wide column's text. The x crossed by the fewest body chars
    between the two titles' centres is the gutter (category rows that span the
    columns are few and cross every x alike); of equally empty ones, the one
    nearest `prefer` (the page before's, when the header is not repeated: a
    page holding little text leaves wide empty strips), else the midpoint.
    """
    if layout.ruled_v or not body:
        return prefer or layout.bounds
    lo = int(min(layout.centres))
    hi = int(max(layout.centres)) + 2
    cover = [0] * (hi - lo + 2)  # chars covering each 1-pt step, via a difference array
    for d in body:
        a, b = max(lo, int(d["x0"]) + 1), min(hi, int(d["x1"]))
        if a <= b:
            cover[a - lo] += 1
            cover[b - lo + 1] -= 1
    for i in range(1, len(cover)):
        cover[i] += cover[i - 1]
    bounds = []
    for b, (c0, c1) in zip(prefer or layout.bounds, zip(layout.centres, layout.centres[1:])):
        xs = range(int(c0) + 1, int(c1) + 1)
        best = min(xs, key=lambda x: (cover[x - lo], abs(x - b)), default=b)
        bounds.append(float(best))
    return bounds


# --------------------------------------------------------------------------- #
# 4. rows


def _by_band(chars: list[dict], bands: list[tuple[float, float]]) -> list[list[dict]]:
    """The chars whose vertical centre lies in each band (bands in order, not overlapping)."""
    starts = [y0 for y0, _ in bands]
    held: list[list[dict]] = [[] for _ in bands]
    for c in chars:
        y = _mid_y(c)
        i = bisect.bisect_right(starts, y) - 1
        if i >= 0 and y < bands[i][1]:
            held[i].append(c)
    return held


def merged_down(rules: Rules, o: "_Open", y: float) -> set[int]:
    """Columns with no rule at y, the top of a row, where other columns have one: their cell goes on from
    the row above (merged down). With no rule at y at all (text at the top of a page) nothing is merged."""
    edges = [o.left, *o.bounds, o.right]
    covered = rules.h_cover(y, list(zip(edges, edges[1:])))
    return {j for j, ruled in enumerate(covered) if not ruled} if any(covered) else set()


def text_blocks(chars: list[dict], s: PdfSettings) -> list[list[dict]]:
    """Chars grouped into blocks of lines that follow each other without a blank line between."""
    blocks: list[list[dict]] = []
    last: Line | None = None
    for ln in visual_lines(chars, s):
        if last is not None and ln.top - last.bottom < ln.size:
            blocks[-1].extend(ln.chars)
        else:
            blocks.append(list(ln.chars))
        last = ln
    return blocks


def category_starts(bands: list[tuple[float, float]], blocks: list[tuple[float, float]], carried: bool) -> list[int]:
    """For each text block of a 类别 column without rules, the row (index into `bands`) its merged cell starts at.

    The cells span consecutive rows, one after the other, the last to the end of the page (it may go
    on). Producers centre the text in the cell, or set it at the top: of the spans that centre each
    block best and those that start at each block's top, the better fitting are taken. `carried`: the
    rows above the first block may belong to the category of the page before.
    """
    n, k = len(bands), len(blocks)
    if k == 0 or k > n:
        return list(range(min(k, n)))
    def centred(j: int, a: int, b: int) -> float:  # block j centred in rows a..b-1
        return abs((blocks[j][0] + blocks[j][1]) / 2 - (bands[a][0] + bands[b - 1][1]) / 2)
    inf = float("inf")
    # best[j][a]: least cost of blocks 0..j-1 placed, block j starting at row a
    best = [[inf] * n for _ in range(k)]
    back = [[0] * n for _ in range(k)]
    for a in range(n if carried else 1):
        inside = bands[a][0] <= (blocks[0][0] + blocks[0][1]) / 2 < bands[a][1]
        if a or not carried or inside:  # the rest of a row from the page before holds no new category
            best[0][a] = 0.0
    for j in range(1, k):
        for a in range(j, n):
            for p in range(j - 1, a):
                cost = best[j - 1][p] + centred(j - 1, p, a)
                if cost < best[j][a]:
                    best[j][a], back[j][a] = cost, p
    last = min(range(k - 1, n), key=lambda a: best[k - 1][a] + centred(k - 1, a, n))
    centre_cost = best[k - 1][last] + centred(k - 1, last, n)
    starts = [last]
    for j in range(k - 1, 0, -1):
        starts.append(back[j][starts[-1]])
    starts.reverse()
    # aligned to the top: each block starts the row its first line is in
    tops = [max((i for i, (y0, _) in enumerate(bands) if y0 <= top + 1.0), default=0) for top, _ in blocks]
    top_cost = sum(abs(bands[i][0] - top) for i, (top, _) in zip(tops, blocks))
    fits = tops == sorted(set(tops)) and (carried or tops[0] == 0)  # the first category opens a new table
    return tops if fits and top_cost < centre_cost else starts


def split_start(bands: list[tuple[float, float]], block: tuple[float, float], after: int, reach: float) -> int | None:
    """The row whose top a block of a 类别 column without rules starts at (within `reach`), after row
    `after`: where the page's last category cell starts if it goes on over the page. LibreOffice and
    Chromium alike set the text of a merged cell broken by a page end at the top of its first part,
    not in its middle, so the centring `category_starts` reads may place it a row or more too early."""
    top = block[0]
    i = max((i for i, (y0, _) in enumerate(bands) if y0 <= top + 1.0), default=None)
    return i if i is not None and i > after and top - bands[i][0] <= reach else None


def row_bands(chars: list[dict], rules: Rules, layout: Layout, bounds: list[float],
              left: float, right: float, top: float, bottom: float, s: PdfSettings,
              carried: bool = False) -> list[tuple[float, float]]:
    """Vertical extents of the body rows between top and bottom."""
    if layout.ruled_h:
        ys = rules.h_at(left, right, top, bottom)
        edges = [top] + [y for y in ys if top + s.rule_slack < y < bottom - s.rule_slack] + [bottom]
        return [(a, b) for a, b in zip(edges, edges[1:]) if b - a > s.min_row_height]
    return anchor_bands(chars, layout, bounds, top, bottom, s, carried)


def row_anchors(chars: list[dict], layout: Layout, bounds: list[float], s: PdfSettings) -> list[Line]:
    """Lines that start a row: an item number or a heading in the 序号 column, or a heading
    (`一、…`) in the 事项名称 column where the 序号 column is empty."""
    seq_col, name_col = layout.column("seq"), layout.column("name")
    seq_lines = visual_lines((c for c in chars if _column_of(_mid_x(c), bounds) == seq_col), s)
    name_lines = visual_lines((c for c in chars if _column_of(_mid_x(c), bounds) == name_col), s)
    anchors = [_whole_heading(ln, seq_lines, chars, s) for ln in seq_lines if _ANCHOR.match(line_text(ln.chars, False, s))]
    for ln in name_lines:
        beside = any(a.top - s.line_slack <= _mid_y(ln.chars[0]) <= a.bottom + s.line_slack for a in seq_lines)
        if not beside and _HEADING.match(line_text(ln.chars, False, s)):
            anchors.append(_whole_heading(ln, name_lines, chars, s))
    return sorted(anchors, key=lambda ln: ln.top)


_HEADING_LINES = 8  # a heading wrapped in a narrow cell takes at most this many lines


def _whole_heading(anchor: Line, column: list[Line], chars: list[dict], s: PdfSettings) -> Line:
    """A heading anchor with the lines it wraps onto in its cell (一、党的 / 建设（3 / 项）), as one line;
    any other anchor as it is."""
    if not _HEADING.match(line_text(anchor.chars, False, s)):
        return anchor
    across = [c for c in chars if anchor.top - s.line_slack <= _mid_y(c) <= anchor.bottom + s.line_slack]
    if parse_heading(_squash(line_text(sorted(across, key=lambda c: c["x0"]), False, s))):
        return anchor  # whole on its line (a heading across the row)
    below = [ln for ln in column if ln.top >= anchor.bottom][: _HEADING_LINES - 1]
    for n in range(1, len(below) + 1):
        lines = [anchor, *below[:n]]
        if parse_heading("".join(_squash(line_text(ln.chars, False, s)) for ln in lines)):
            return Line([c for ln in lines for c in ln.chars], anchor.top, lines[-1].bottom)
    return anchor


def anchor_bands(chars: list[dict], layout: Layout, bounds: list[float], top: float, bottom: float,
                 s: PdfSettings, carried: bool = False) -> list[tuple[float, float]]:
    """No rules: each number / category heading in the 序号 column starts a row (see `row_anchors`).

    Where one row ends and the next begins is chosen among the horizontal gaps
    between lines so that every row holds its anchor and the text of its cells
    sits in it the way the producer set it: aligned to the top of the row, or
    centred in it (`_row_fit`); the anchor, and separately the other cells, may
    be set either way, and the four readings are scored and the best taken.
    Cells packed tight (no wider gap between rows than between lines) are read
    right this way too. `carried`: the text above the first anchor continues a
    row from the page before.
    """
    anchors = row_anchors(chars, layout, bounds, s)
    if not anchors:
        return [(top, bottom)]
    headings = [a for a in anchors if _HEADING.match(line_text(a.chars, False, s))]
    on_heading = lambda c: any(h.top - s.line_slack <= _mid_y(c) <= h.bottom + s.line_slack for h in headings)  # noqa: E731
    # the 序号 column's other text (the rest of a heading from the page before) counts like a cell's;
    # a 类别 column's cells span rows
    in_anchor = {id(c) for a in anchors for c in a.chars}
    category_col = layout.column("category")
    columns: dict[int, list[Line]] = {}
    for c in chars:
        col = _column_of(_mid_x(c), bounds)
        if col != category_col and id(c) not in in_anchor and not on_heading(c):
            columns.setdefault(col, []).append(c)
    cells = [visual_lines(cs, s) for cs in columns.values()]
    cuts = _gaps([(ln.top, ln.bottom) for ls in cells for ln in ls] + [(a.top, a.bottom) for a in anchors])
    end = max(c["bottom"] for c in chars) + s.text_pad
    best: tuple[float, list[float]] | None = None
    best_key = (0.0, 0)
    for anchor_centred in (False, True):
        readings = [[False] * len(cells), [True] * len(cells)]
        for aligned in readings:
            fit = _fit_rows(anchors, headings, cells, cuts, top, end, carried, anchor_centred, aligned)
            if fit is None:
                continue
            # of readings that fit equally well, the one setting most cells like the anchor
            key = (round(fit[0], 1), sum(a != anchor_centred for a in aligned))
            if best is None or key < best_key:
                best, best_key = fit, key
            # columns set differently (序号 and names centred, long texts at the top): each column as it
            # fits these rows best, then the rows again
            mixed = _column_alignments(anchors, headings, cells, fit[1], end, anchor_centred)
            if mixed not in readings:
                readings.append(mixed)
    if best is None:  # no gap between two anchors: cut at the anchors' tops
        edges = [top, *(a.top - s.text_pad for a in anchors[1:])]
    else:  # the rows; above the first, the rest of a row carried from the page before
        edges = best[1] if best[1][0] <= top else [top, *best[1]]
    edges = [e for i, e in enumerate(edges) if i == 0 or e > edges[i - 1]] + [bottom]
    return [(a, b) for a, b in zip(edges, edges[1:]) if b - a > s.text_pad]


def _gaps(spans: list[tuple[float, float]]) -> list[float]:
    """The middle of each empty horizontal strip between the given vertical spans."""
    out: list[float] = []
    reach = None
    for t, b in sorted(spans):
        if reach is not None and t > reach:
            out.append((reach + t) / 2)
        reach = b if reach is None else max(reach, b)
    return out


def _column_alignments(anchors: list[Line], headings: list[Line], cells: list[list[Line]], edges: list[float],
                       end: float, anchor_centred: bool) -> list[bool]:
    """For each column, whether its text sits better centred than at the top of the rows `edges` give."""
    heading_ids = {id(h) for h in headings}
    rows = list(zip(edges[-len(anchors):], [*edges[-len(anchors) + 1:], end]))
    out = []
    for lines in cells:
        costs = [sum(_row_fit(a, id(a) in heading_ids, [lines], y0, y1, anchor_centred, [centred])
                     for a, (y0, y1) in zip(anchors, rows)) for centred in (False, True)]
        out.append(costs[1] < costs[0])
    return out


def _fit_rows(anchors: list[Line], headings: list[Line], cells: list[list[Line]], cuts: list[float],
              top: float, end: float, carried: bool, anchor_centred: bool, cells_centred: list[bool]
              ) -> tuple[float, list[float]] | None:
    """The row edges (top first) that fit the text best under one reading (see `anchor_bands`), with
    their cost; None when no choice of gaps puts each anchor in a row of its own."""
    n = len(anchors)
    # the possible tops of row i: the region's top for the first (or a gap above it after a carried row)
    starts: list[list[float]] = []
    for i, a in enumerate(anchors):
        lo = anchors[i - 1].bottom if i else top
        options = [y for y in cuts if lo <= y <= a.top] if i or carried else []
        starts.append(options + ([top] if i == 0 else []))
        if not starts[-1]:
            return None
    heading_ids = {id(h) for h in headings}
    # best[i][y]: least cost of rows 0..i-1 with row i starting at y; back-pointers to rebuild
    best: dict[float, tuple[float, list[float]]] = {y: (0.0, [y]) for y in starts[0]}
    for i in range(n):
        following = starts[i + 1] if i + 1 < n else [None]
        nxt: dict[float, tuple[float, list[float]]] = {}
        for y0, (cost, path) in best.items():
            for y1 in following:
                stop = end if y1 is None else y1
                if stop <= anchors[i].bottom:
                    continue
                fit = _row_fit(anchors[i], id(anchors[i]) in heading_ids, cells, y0, stop, anchor_centred, cells_centred)
                if y1 is None:  # the page's last row may go on over the page: its part here set at the top
                    fit = min(fit, _row_fit(anchors[i], False, cells, y0, stop, False, [False] * len(cells), y0))
                c = cost + fit
                key = stop if y1 is not None else float("inf")
                if key not in nxt or c < nxt[key][0]:
                    nxt[key] = (c, path + ([y1] if y1 is not None else []))
        best = nxt
        if not best:
            return None
    cost, path = min(best.values(), key=lambda cp: cp[0])
    return cost, path


_OFF_HEADING = 4.0  # × a line's height: the cost of text in a heading's row


def _row_fit(anchor: Line, heading: bool, cells: list[list[Line]], y0: float, y1: float,
             anchor_centred: bool, cells_centred: list[bool], top: float | None = None) -> float:
    """How far the row [y0, y1) is from holding its cells' text as read. The anchor shows where the row
    starts (aligned to the top) or its middle (centred); what it does not show is taken from the row's
    edges, which stand anywhere in the gaps. A heading's row holds nothing else."""
    row_top = top if top is not None else y0 if anchor_centred else anchor.top
    row_mid = (anchor.top + anchor.bottom) / 2 if anchor_centred else (y0 + y1) / 2
    # a centred anchor stands in the middle of its row: that ties the row's edges to it
    cost = abs((y0 + y1) / 2 - row_mid) if anchor_centred else abs(anchor.top - row_top) if top is not None else 0.0
    for lines, centred in zip(cells, cells_centred):
        inside = [ln for ln in lines if y0 <= (ln.top + ln.bottom) / 2 < y1]
        if not inside:
            continue
        t, b = inside[0].top, inside[-1].bottom
        if heading:  # nothing else shares a heading's row: any text there is far off
            cost += _OFF_HEADING * (b - t)
        elif centred:  # an anchor set at the top of its row has no text of its row above it
            cost += abs((t + b) / 2 - row_mid) + (0.0 if anchor_centred else max(0.0, row_top - t))
        else:
            cost += abs(t - row_top)
    return cost


# --------------------------------------------------------------------------- #
# 5. cells


def _column_of(x: float, bounds: list[float]) -> int:
    """How many boundaries lie left of x (bounds ascend: each lies between two columns' titles)."""
    return bisect.bisect_left(bounds, x)


def row_cells(chars: list[dict], layout: Layout, bounds: list[float], rules: Rules,
              top: float, bottom: float, gap_spaces: bool, s: PdfSettings,
              widths: list[float] | None = None, trailing: bool = False) -> tuple[str, ...]:
    """One row band's characters as cell texts, a merged cell once in its leftmost column.

    `widths`: per column, how wide a line of its cells can be (`line_widths`), to tell wraps from breaks."""
    lines = visual_lines(chars, s)
    # a row going on over the page has rules only as far as its text: the page's foot is no part of it
    bottom = min(bottom, max(ln.bottom for ln in lines) + s.text_pad) if lines else bottom
    owner = merged_columns(lines, layout, bounds, rules, top, bottom, s)
    crossing = run_across(lines, owner, bounds, s)
    if crossing is not None:
        run, left, right = crossing
        raise InputError("text_crosses_column", f"text “{line_text(run, False, s)}” runs across the boundary between columns "
                         f"{layout.titles[left]} and {layout.titles[right]} (x={bounds[right - 1]:.0f}): the PDF is damaged")
    cells: list[list[dict]] = [[] for _ in layout.titles]
    for c in chars:
        cells[owner[_column_of(_mid_x(c), bounds)]].append(c)
    # a merged cell is wider than its column; 序号 holds numbers, as wide as its widest line
    seq_col = layout.column("seq")
    alone = [owner.count(j) == 1 and j != seq_col for j in range(len(cells))]
    return tuple(cell_text(cell, gap_spaces, s, widths[j] if widths and alone[j] else None, trailing)
                 for j, cell in enumerate(cells))


def merged_columns(lines: list[Line], layout: Layout, bounds: list[float], rules: Rules,
                   top: float, bottom: float, s: PdfSettings) -> list[int]:
    """owner[i]: the leftmost column of the cell that column i belongs to in this row."""
    owner = list(range(len(layout.titles)))
    if layout.ruled_v:  # a missing rule joins two columns
        for i, b in enumerate(bounds):
            if not rules.v_covers(b, top + s.rule_slack, bottom - s.rule_slack):
                owner[i + 1] = owner[i]
    else:  # a category heading running across boundaries joins them: the one merged cell of the template
        for ln in lines:
            for run in text_runs(ln.chars, s):
                first, last = _column_of(_mid_x(run[0]), bounds), _column_of(_mid_x(run[-1]), bounds)
                if last > first and _heading_run(run, s):
                    for j in range(first + 1, last + 1):
                        owner[j] = owner[first]
    return owner


def _heading_run(run: list[dict], s: PdfSettings) -> bool:
    """A run of glyphs that is a category heading; read by OCR, also one whose number was not read
    (`、平安法治（2项）`: a lone flat 一 is often not detected; assemble gives it the next number)."""
    text = line_text(run, False, s)
    return bool(_HEADING.match(text) or ("conf" in run[0] and _HEADING_UNNUMBERED.match(text)))


def text_runs(chars: list[dict], s: PdfSettings) -> list[list[dict]]:
    """A sorted line cut where two glyphs are further apart than run_on_gap: what was set as one piece of text."""
    runs: list[list[dict]] = []
    for c in chars:
        if runs and c["x0"] - runs[-1][-1]["x1"] < s.run_on_gap * c["size"]:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs


def run_across(lines: list[Line], owner: list[int], bounds: list[float], s: PdfSettings) -> tuple[list[dict], int, int] | None:
    """A run of glyphs lying in two cells of the row, and the columns it spans, if there is one.

    Cells are set apart by padding (and a rule), so a run without a gap never
    crosses into the next cell unless the cells are merged: when it does, a
    damaged content stream has moved it, and assigning its glyphs to columns
    would split one text between two cells (a department ending in the next
    column's first character). Tight producers leave only a point or two
    between cells: a boundary standing in such a gap (`cell_gap`) parts the run.
    """
    for ln in lines:
        for run in text_runs(ln.chars, s):
            if "conf" in run[0]:  # read by OCR: it reads a row across its cells, and its boxes are estimates
                continue
            for piece in _parted(run, bounds, s):
                first, last = _column_of(_mid_x(piece[0]), bounds), _column_of(_mid_x(piece[-1]), bounds)
                if owner[first] != owner[last]:
                    return piece, first, last
    return None


def _parted(run: list[dict], bounds: list[float], s: PdfSettings) -> list[list[dict]]:
    """A run cut where a column boundary stands in a gap of at least `cell_gap` between two glyphs."""
    pieces = [[run[0]]]
    for a, b in zip(run, run[1:]):
        if b["x0"] - a["x1"] >= s.cell_gap and any(a["x1"] - s.rule_slack <= x <= b["x0"] + s.rule_slack for x in bounds):
            pieces.append([b])
        else:
            pieces[-1].append(b)
    return pieces


def cell_text(chars: list[dict], gap_spaces: bool, s: PdfSettings, width: float | None = None,
              trailing: bool = False) -> str:
    """A cell's visual lines joined with "\\n", or with U+2028 where a line was full and the producer
    had to wrap (`wrapped`): the normaliser may then read a name broken by the column's width as one."""
    lines = [(ln, t) for ln in visual_lines(chars, s) if (t := line_text(ln.chars, gap_spaces, s))]
    out: list[str] = []
    for i, (ln, t) in enumerate(lines):
        if i:
            out.append(WRAP if width is not None and wrapped(lines[i - 1][0], ln, width, s) else "\n")
        out.append(t)
    # full at the page's end (a glyph like its own first would not fit): the cell goes on over the page
    if trailing and lines and width is not None and wrapped(lines[-1][0], lines[-1][0], width, s):
        out.append(WRAP)
    return "".join(out)


def line_widths(chars: list[dict], bounds: list[float], s: PdfSettings) -> list[float]:
    """Per column, its widest visual line in this part of the page: as wide as its cells' text can be."""
    columns: dict[int, list[dict]] = {}
    for c in chars:
        columns.setdefault(_column_of(_mid_x(c), bounds), []).append(c)
    widths = [0.0] * (len(bounds) + 1)
    for j, cs in columns.items():
        widths[j] = max(ln.x1 - ln.x0 for ln in visual_lines(cs, s))
    return widths


def wrapped(line: Line, nxt: Line, width: float, s: PdfSettings) -> bool:
    """Did the producer break the line above only because the next character did not fit?

    Likely, not certain: a paragraph may end exactly where the line is full (names of one length
    in a column that fits them), so the normaliser takes it as evidence, never as a rule.
    """
    glyph = nxt.chars[0]["x1"] - nxt.chars[0]["x0"]
    return line.x1 - line.x0 + glyph > width + s.wrap_slack * glyph


# --------------------------------------------------------------------------- #
# front matter


def paragraphs(lines: list[Line], gap_spaces: bool, s: PdfSettings) -> list[str]:
    """Join wrapped lines into paragraphs ("\\n" between lines, like cells).

    A line starts a paragraph when it is indented or centred, changes font
    size, follows a line that stopped short of the right margin, or is a
    table-of-contents entry.
    """
    if not lines:
        return []
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    paras: list[list[str]] = []
    prev: Line | None = None
    for ln in lines:
        text = _LEADER.sub("\t", line_text(ln.chars, gap_spaces, s))
        size = ln.size
        new = (
            prev is None
            or abs(size - prev.size) > s.para_font_change * size
            or ln.x0 > left + s.para_indent * size
            or prev.x1 < right - s.para_short_line * size
            or "\t" in text
            or "\t" in paras[-1][-1]
            or ln.top - prev.bottom > s.para_gap * size
        )
        if new:
            paras.append([text])
        else:
            paras[-1].append(text)
        prev = ln
    return ["\n".join(p) for p in paras if any(p)]


def least_confidence(chars: list[dict]) -> float | None:
    """The OCR's lowest confidence among the chars (None: none was read by OCR)."""
    return min((c["conf"] for c in chars if "conf" in c), default=None)


# --------------------------------------------------------------------------- #
# the document: tables carried across pages


@dataclass
class _Open:
    """The table the next rows belong to, with the columns last seen."""

    table: RawTable
    layout: Layout
    bounds: list[float]
    left: float
    right: float
    spans: dict[int, int] = field(default_factory=dict)  # column -> row (index in table.rows) whose cell is merged down
    goes_on: bool = False  # it repeats the columns of the table before (a title row above each page's header)


@dataclass
class _SplitCategory:
    """A page's last 类别 cell, read as centred in rows `centred` on, that starts at row `top` instead if
    it goes on over the page (`split_start`): the next page tells (rows index table.rows)."""

    table: RawTable
    column: int
    centred: int
    top: int

    def starts_at_top(self) -> None:
        rows, j = self.table.rows, self.column
        text = rows[self.centred].cells[j]
        for i, cell in ((self.centred, ""), (self.top, text)):
            cells = list(rows[i].cells)
            cells[j] = cell
            rows[i] = RawRow(tuple(cells), rows[i].where, rows[i].confidence)


@dataclass
class _Builder:
    path: Path
    settings: PdfSettings
    front_pages: list[tuple[list[Line], bool]] = field(default_factory=list)
    tables: list[RawTable] = field(default_factory=list)
    open: _Open | None = None
    last: _Open | None = None  # the last table's columns, kept when it closes (see `_gutters_of`)
    split: _SplitCategory | None = None  # decided by the next page of the table
    letters: int = 0
    images: int = 0
    missed: str | None = None  # the first row starting with 序号 that opened no list: where, and how it read

    def add_page(self, page: PageObjects) -> None:
        s = self.settings
        where = f"page {page.number}"
        text = page_chars(page, s)
        self.letters += text.letters
        self.images += page.images
        chars = text.chars
        if not chars:
            return
        rules = find_rules(page, s)
        misses: list[tuple[str, ...]] = []
        headers = find_headers(chars, rules, page.width, s, misses)
        if misses and self.missed is None:
            self.missed = f"{where} has a row starting 序号 that reads {' | '.join(misses[0])}"
        # regions: [page top, header 1), [header 1, header 2), ...
        marks = [h.top for h in headers] + [page.height]
        above = [c for c in chars if _mid_y(c) < marks[0]]
        if above:
            self._above_first_header(above, rules, where, text.gap_spaces, ends_page=not headers)
        for k, h in enumerate(headers):
            body = [c for c in chars if h.bottom <= _mid_y(c) < marks[k + 1]]
            # a new table unless the same columns go on with nothing between
            titles_above = k == 0 and self._has_title_above(above, h)
            if self.open is None or h.layout.titles != self.open.layout.titles or titles_above or k > 0:
                self.open = None
            body = self._strip_titles(body, h.layout.size)
            bounds = column_bounds(h.layout, body, self._gutters_of(h.layout))
            if self.open is None:
                goes_on = bool(self.tables) and self.tables[-1].header == h.layout.titles
                self.open = _Open(RawTable(h.layout.titles, [], where), h.layout, bounds, h.left, h.right, goes_on=goes_on)
                self.tables.append(self.open.table)
            else:
                self.open.layout, self.open.bounds, self.open.left, self.open.right = h.layout, bounds, h.left, h.right
            self.last = self.open
            self._add_rows(body, rules, h.bottom, marks[k + 1], where, text.gap_spaces, ends_page=k == len(headers) - 1)

    def _gutters_of(self, layout: Layout) -> list[float] | None:
        """The last table's column boundaries when this header prints the same columns at the same
        places (a header repeated on every page): a page holding little text leaves wide empty strips
        between titles, and the boundary is then the one the fuller page before showed."""
        last = self.last
        if last is None or layout.ruled_v or last.layout.titles != layout.titles:  # drawn rules are this page's own
            return None
        same = all(abs(a - b) < layout.size for a, b in zip(last.layout.centres, layout.centres))
        return last.bounds if same else None

    def _strip_titles(self, chars: list[dict], size: float) -> list[dict]:
        """List titles (larger type, or a line naming a list: 配合履职事项清单) are not table text."""
        s = self.settings
        chars = [c for c in chars if c["size"] <= s.list_title_size * size]
        if not any(c["text"] == "单" for c in chars):  # every list's title ends with 清单
            return chars
        titles = [ln for ln in visual_lines(chars, s) if titled(line_text(ln.chars, False, s))]
        drop = {id(c) for ln in titles for c in ln.chars}
        return [c for c in chars if id(c) not in drop] if drop else chars

    def _has_title_above(self, above: list[dict], h: Header) -> bool:
        if not above:
            return False
        return len(self._strip_titles(above, h.layout.size)) < len(above) or (
            self.open is not None and not self._looks_like_rows(above, h.layout.size)
        )

    def _looks_like_rows(self, chars: list[dict], size: float) -> bool:
        return any(abs(c["size"] - size) < self.settings.body_font * size for c in chars)

    def _above_first_header(self, chars: list[dict], rules: Rules, where: str, gap_spaces: bool,
                            ends_page: bool = False) -> None:
        if self.open is None and not self.tables:  # still in the front matter
            self.front_pages.append((visual_lines(chars, self.settings), gap_spaces))
            return
        if self.open is None:
            return  # text between two tables: the next list's title
        size = self.open.layout.size
        body = self._strip_titles(chars, size)
        if body and self._looks_like_rows(body, size):  # header not repeated: the table goes on
            pad = self.settings.text_pad
            if self.open.layout.ruled_v:
                self._follow_rules(body, rules, where)
            self.open.bounds = column_bounds(self.open.layout, body, self.open.bounds)  # this page's gutters
            self._add_rows(body, rules, min(c["top"] for c in body) - pad,
                           max(c["bottom"] for c in body) + pad, where, gap_spaces, page_top=True, ends_page=ends_page)
        if len(body) < len(chars):  # a title ends the open table
            self.open = None

    def _follow_rules(self, body: list[dict], rules: Rules, where: str) -> None:
        """A ruled table going on without its header: its columns are where this page's rules stand, at the
        page before's boundaries or all moved alike, the least (another margin). Rules elsewhere are another table's,
        and reading this page by the old boundaries would put text in the wrong columns: an error that
        says which boundary has no rule."""
        o, s = self.open, self.settings
        xs = rules.v_within(min(c["top"] for c in body), max(c["bottom"] for c in body))
        if not any(o.left + s.v_rule_merge < x < o.right - s.v_rule_merge for x in xs):
            return  # no column rules drawn here (a row merged across the table): nothing moved
        for dx in sorted((x - o.bounds[0] for x in xs), key=abs):  # the least move (a frame's side may fit too)
            if all(any(abs(x - b - dx) < s.v_rule_merge for x in xs) for b in o.bounds):
                o.bounds, o.left, o.right = [b + dx for b in o.bounds], o.left + dx, o.right + dx
                return
        j, b = next((j, b) for j, b in enumerate(o.bounds) if not any(abs(x - b) < s.v_rule_merge for x in xs))
        before = o.table.rows[-1].where if o.table.rows else o.table.where
        raise InputError("columns_lost", f"a table continues from {before} but no column rule stands near x={b:.0f} "
                         f"(between {o.layout.titles[j]} and {o.layout.titles[j + 1]}); this page's rules stand at "
                         f"x={', '.join(f'{x:.0f}' for x in xs)}", file=self.path, where=where)

    def _add_rows(self, chars: list[dict], rules: Rules, top: float, bottom: float,
                  where: str, gap_spaces: bool, page_top: bool = False, ends_page: bool = False) -> None:
        if not chars or self.open is None:
            return
        s = self.settings
        o = self.open
        if page_top:  # reach up to the first rule over the body, if any
            ys = rules.h_at(o.left, o.right, 0, top + s.rule_slack)
            top = ys[-1] if ys else top
        # text outside the table's width (e.g. a note in the margin) is not a cell
        inside = [c for c in chars if o.left - s.rule_slack <= _mid_x(c) <= o.right + s.rule_slack]
        widths = line_widths(inside, o.bounds, s)
        carried = self._row_may_go_on()
        bands = row_bands(inside, rules, o.layout, o.bounds, o.left, o.right, top, bottom, s, carried)
        inside, categories, split = self._category_cells(inside, bands, gap_spaces, carried)
        held = _by_band(inside, bands)
        last = max((i for i, band in enumerate(held) if band), default=-1)
        row_of: dict[int, int] = {}  # band -> index of its row in the table
        for i, ((y0, y1), band) in enumerate(zip(bands, held)):
            if not band and i not in categories:
                continue
            with locating(file=self.path, where=where):
                # the page's last row may go on over the page: a full last line is then a wrap
                cells = list(row_cells(band, o.layout, o.bounds, rules, y0, y1, gap_spaces, s, widths,
                                       trailing=ends_page and i == last))
            if i in categories:
                cells[o.layout.column("category")] = categories[i]
            if any(cells):
                self._add_row(cells, merged_down(rules, o, y0) if o.layout.ruled_h else set(), where,
                              least_confidence(band))
                row_of[i] = len(o.table.rows) - 1
        if split is not None and split[0] in row_of and split[1] in row_of:
            self.split = _SplitCategory(o.table, o.layout.column("category"), row_of[split[0]], row_of[split[1]])

    def _row_may_go_on(self) -> bool:
        """May the text above the first row here be the rest of the open table's last row (or, in a
        table that goes on, the last row of the one before)? Not when that row is a whole category
        heading: a heading's row holds nothing else."""
        o = self.open
        rows = o.table.rows or (self.tables[-2].rows if o.goes_on else [])
        if not rows:
            return False
        filled = [c for c in rows[-1].cells if c]
        return not (len(filled) == 1 and parse_heading(_squash(filled[0])))

    def _category_cells(self, chars: list[dict], bands: list[tuple[float, float]], gap_spaces: bool,
                        carried: bool) -> tuple[list[dict], dict[int, str], tuple[int, int] | None]:
        """Without rules, a 类别 column's merged cells: the other chars, each category's text by the row
        its cell starts at (`category_starts`), and for the page's last one the (centred, top) rows to
        choose between when the next page shows whether it went on (`split_start`). With rules, a
        missing rule shows the merge (`merged_down`)."""
        o, s = self.open, self.settings
        col = o.layout.column("category")
        if col is None or o.layout.ruled_h:
            return chars, {}, None
        own = [c for c in chars if _column_of(_mid_x(c), o.bounds) == col]
        blocks = text_blocks(own, s)
        extents = [(min(c["top"] for c in b), max(c["bottom"] for c in b)) for b in blocks]
        # the last row ends with its text, not at the foot of the page
        end = max(c["bottom"] for c in chars) + s.text_pad
        rows = [*bands[:-1], (bands[-1][0], min(bands[-1][1], end))] if bands else bands
        starts = category_starts(rows, extents, carried)
        self._decide_split(carried and (not starts or starts[0] > 0))
        split = None
        if starts:
            top = split_start(rows, extents[-1], starts[-2] if len(starts) > 1 else -1, s.split_reach * blocks[-1][0]["size"])
            split = (starts[-1], top) if top is not None and top != starts[-1] else None
        ids = {id(c) for c in own}
        return [c for c in chars if id(c) not in ids], {i: cell_text(b, gap_spaces, s) for i, b in zip(starts, blocks)}, split

    def _decide_split(self, went_on: bool) -> None:
        """The page before's last category cell starts at the top of its row if it went on to this page
        (this page's first rows are still its own), else where its centring put it."""
        split, self.split = self.split, None
        o = self.open
        if split is not None and went_on and (split.table is o.table or (o.goes_on and split.table is self.tables[-2])):
            split.starts_at_top()

    def _add_row(self, cells: list[str], continued: set[int], where: str, confidence: float | None = None) -> None:
        """A row; the cells of columns merged down from the row above go into that row's cell (raw.py: "" here)."""
        o = self.open
        rows = o.table.rows
        for col in continued & o.spans.keys():
            if cells[col]:
                owner = rows[o.spans[col]]
                merged = list(owner.cells)
                merged[col] = f"{merged[col]}\n{cells[col]}" if merged[col] else cells[col]
                rows[o.spans[col]] = RawRow(tuple(merged), owner.where, least(owner.confidence, confidence))
                cells[col] = ""
        rows.append(RawRow(tuple(cells), where, confidence))
        o.spans = {col: o.spans[col] if col in continued and col in o.spans else len(rows) - 1 for col in range(len(cells))}

    def finish(self, pages: int) -> RawDocument:
        if self.letters == 0:
            msg = "no text: the pages are images (a scan) and the OCR read no text on them" if self.images else "no text layer: the PDF contains no text"
            raise InputError("no_text_layer", msg, file=self.path, where="page 1")
        if not self.tables:
            seen = f"; {self.missed}" if self.missed else ""
            raise InputError("no_table", f"no duty-list table found: no header row of {list_opening()}{seen}",
                             file=self.path, where=f"pages 1-{pages}" if pages > 1 else "page 1")
        front = [p for lines, gap_spaces in self.front_pages for p in paragraphs(lines, gap_spaces, self.settings)]
        return RawDocument(path=self.path, format="pdf", front_matter=front, tables=self.tables, pages=pages)


def document_of(path: Path, pages: Iterable[PageObjects], settings: PdfSettings = DEFAULT_SETTINGS) -> RawDocument:
    """The raw layout of a document's pages, in order (a PDF's, or a scan's pages read by OCR)."""
    builder = _Builder(path, settings)
    count = 0
    for page in pages:
        builder.add_page(page)
        count += 1
    return builder.finish(count)


def _scans_read(path: Path, pages: Iterable[PageObjects], scanned: list[int]) -> Iterator[PageObjects]:
    """The pages in order, each handed on as it is read (one page's glyphs in memory at a time);
    from a first scanned page on they are held, and the scanned ones read by OCR together (a scan,
    or scanned pages among text pages), their numbers added to `scanned`."""
    held: list[PageObjects] = []
    for page in pages:
        if held or page.scanned:
            held.append(page)
        else:
            yield page
    scanned.extend(p.number for p in held if p.scanned)
    if scanned:
        from pipeline.extract import ocr

        read = ocr.read_pdf_pages(path, scanned, ocr_settings())
        held = [read.get(p.number, p) for p in held]
    yield from held


def extract(path: Path, settings: PdfSettings = DEFAULT_SETTINGS, reader: str | None = None) -> RawDocument:
    """Read a duty-list PDF into its raw layout (see module docstring), its pages read by `reader`
    (a key of pdf_page.PDF_READERS; by default `pdf_reader()`, the command line's --pdf-reader).

    Only the readers' calls into their library (each a `library_call`) turn
    exceptions into InputError; anything our own stages raise is a bug and
    propagates unchanged.
    """
    path = Path(path)
    module = importlib.import_module(f"pipeline.extract.{PDF_READERS[reader or pdf_reader()]}")
    scanned: list[int] = []
    with watched() as watch:
        doc = document_of(path, _scans_read(path, module.read_pages(path, watch), scanned), settings)
    if scanned:
        from pipeline.extract import ocr

        doc.ocr = ocr.run_record(scanned, ocr_settings())
    if watch.read_by_reference is not None:
        doc.read_past.append(f"the PDF is damaged ({watch.read_by_reference}), in a way PDFium would repair "
                             "otherwise than pdfminer reads it: read by pdfplumber, the reference reader")
    return doc
