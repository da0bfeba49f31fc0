"""PDF extractor: recover the duty-list tables from the page geometry.

pdfplumber gives us characters with boxes and the ruling lines; nothing more is
trusted (no full-page `extract_text`, no `extract_tables`). Each page is read
once, then:

1. the header row is found by its first two column titles, 序号 and 事项名称
   (every edition of the template has them), and the titles' x positions give
   the column boundaries (vertical rules refine them when drawn); a page
   without a header continues the open table with the last boundaries;
2. rows are the bands between horizontal rules spanning the table; without
   rules, each number or category heading in the 序号 column starts a row;
3. characters go to the cell their centre falls in; a row whose text crosses a
   column boundary (or has no rule at it) is a merged cell, e.g. a category;
4. a cell's characters are clustered into visual lines, joined with "\\n".

Everything above the first header row is front matter, grouped into
paragraphs. Page numbers in the margins (— 9 —, - 9 -, 第 9 页) are dropped.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from pipeline.errors import InputError
from pipeline.extract.raw import RawDocument, RawRow, RawTable

# Column titles this template prints (any order, some optional). Only used to
# tell a wrapped header line ("对应上级" / "部门") from the first body row when
# the header has no rule below it; unknown titles are still accepted.
KNOWN_TITLES = (
    "序号",
    "事项名称",
    "对应上级部门",
    "上级部门职责",
    "乡镇（街道）配合职责",
    "乡镇配合职责",
    "街道配合职责",
    "配合职责",
    "承接部门及工作方式",
    "承接部门",
    "工作方式",
    "备注",
)

_PAGE_NUMBER = re.compile(r"^[\s—–\-－―~·]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d+)?[\s—–\-－―~·]*$")
_LEADER = re.compile(r"(?:\s*[.·…․‥⋯]){4,}\s*")  # table-of-contents dot leaders
_ANCHOR = re.compile(r"^\s*(\d{1,4}|[一二三四五六七八九十]+\s*[、.．])")  # 序号 cell start
_WS = re.compile(r"\s+")

MARGIN = 0.12  # fraction of the page height at top/bottom where page numbers live


# --------------------------------------------------------------------------- #
# small geometry helpers


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

    def text(self, gap_spaces: bool) -> str:
        return _line_text(self.chars, gap_spaces)


def _mid_y(c: dict) -> float:
    return (c["top"] + c["bottom"]) / 2


def _mid_x(c: dict) -> float:
    return (c["x0"] + c["x1"]) / 2


def _cluster_lines(chars: Iterable[dict]) -> list[Line]:
    """Group characters into visual lines by vertical overlap.

    Fonts mixed on one line (serif digits, CJK) have different boxes, so a char
    joins a line when its vertical centre lies inside the line's extent.
    """
    lines: list[Line] = []
    for c in sorted(chars, key=_mid_y):
        m = _mid_y(c)
        if lines and lines[-1].top - 0.5 <= m <= lines[-1].bottom + 0.5:
            ln = lines[-1]
            ln.chars.append(c)
            ln.top, ln.bottom = min(ln.top, c["top"]), max(ln.bottom, c["bottom"])
        else:
            lines.append(Line([c], c["top"], c["bottom"]))
    for ln in lines:
        ln.chars.sort(key=lambda c: c["x0"])
    return lines


def _line_text(chars: Sequence[dict], gap_spaces: bool) -> str:
    """Characters of one line to text, spaces only where the document has them.

    Space glyphs are kept. Justification and the automatic CJK/Latin spacing
    widen gaps without any space in the text, so a gap becomes a space only when
    the page carries no space glyphs at all (some producers position words
    instead) and the gap clearly exceeds the line's usual spacing.
    """
    kept = []
    for c in chars:  # drop overprinted duplicates (fake bold, shadow)
        if kept and c["text"] == kept[-1]["text"] and abs(c["x0"] - kept[-1]["x0"]) < 0.15 * c["size"] and c["text"] != " ":
            continue
        kept.append(c)
    if gap_spaces and len(kept) > 2:
        gaps = [b["x0"] - a["x1"] for a, b in zip(kept, kept[1:])]
        usual = statistics.median(gaps)
    out: list[str] = []
    for i, c in enumerate(kept):
        if gap_spaces and i and c["x0"] - kept[i - 1]["x1"] - max(usual if len(kept) > 2 else 0, 0) > 0.3 * c["size"]:
            out.append(" ")
        out.append(" " if c["text"].isspace() else c["text"])
    return _WS.sub(" ", "".join(out)).strip()


def _is_page_number(line: Line, page_height: float, text: str) -> bool:
    in_margin = line.bottom < page_height * MARGIN or line.top > page_height * (1 - MARGIN)
    return in_margin and bool(_PAGE_NUMBER.match(text))


# --------------------------------------------------------------------------- #
# rules


@dataclass
class Rules:
    """Horizontal rules as (y, x0, x1) and vertical rules as (x, top, bottom)."""

    h: list[tuple[float, float, float]]
    v: list[tuple[float, float, float]]

    @classmethod
    def of(cls, page) -> "Rules":
        h, v = [], []
        for obj in page.lines:
            _add_segment(h, v, obj["x0"], obj["top"], obj["x1"], obj["bottom"])
        for r in page.rects:  # borders are often thin filled rectangles
            if r["width"] < 2.5 or r["height"] < 2.5:
                _add_segment(h, v, r["x0"], r["top"], r["x1"], r["bottom"])
            elif r.get("stroke"):
                for seg in ((r["x0"], r["top"], r["x1"], r["top"]), (r["x0"], r["bottom"], r["x1"], r["bottom"]),
                            (r["x0"], r["top"], r["x0"], r["bottom"]), (r["x1"], r["top"], r["x1"], r["bottom"])):
                    _add_segment(h, v, *seg)
        return cls(h, v)

    def h_at(self, left: float, right: float, top: float, bottom: float) -> list[float]:
        """y of rules spanning most of [left, right] between top and bottom, merged."""
        width = right - left
        by_y: dict[float, float] = {}
        for y, x0, x1 in self.h:
            if top - 1 <= y <= bottom + 1:
                overlap = min(x1, right) - max(x0, left)
                if overlap > 0:
                    key = next((k for k in by_y if abs(k - y) < 2), y)
                    by_y[key] = by_y.get(key, 0) + overlap
        return sorted(y for y, covered in by_y.items() if covered >= 0.5 * width)

    def v_covers(self, x: float, top: float, bottom: float) -> bool:
        """Is there a vertical rule at x over most of [top, bottom]?"""
        covered = sum(max(0.0, min(b, bottom) - max(t, top)) for vx, t, b in self.v if abs(vx - x) < 2.5)
        return covered >= 0.5 * (bottom - top)

    def v_xs(self, top: float, bottom: float) -> list[float]:
        """x of vertical rules crossing [top, bottom], merged."""
        xs: list[float] = []
        for x in sorted(vx for vx, t, b in self.v if t <= top + 2 and b >= bottom - 2):
            if not xs or x - xs[-1] > 2.5:
                xs.append(x)
        return xs


def _add_segment(h: list, v: list, x0: float, top: float, x1: float, bottom: float) -> None:
    if abs(bottom - top) < 2.5 and x1 - x0 > 2:
        h.append(((top + bottom) / 2, x0, x1))
    elif abs(x1 - x0) < 2.5 and bottom - top > 2:
        v.append(((x0 + x1) / 2, top, bottom))


# --------------------------------------------------------------------------- #
# the header row


@dataclass
class Layout:
    """A table's columns: titles and the x boundaries between them."""

    titles: tuple[str, ...]
    bounds: list[float]  # len(titles) - 1 inner boundaries
    ruled_v: bool  # inner vertical rules drawn: use them to detect merged cells
    ruled_h: bool  # rows separated by horizontal rules (the header has one below)
    size: float  # body font size
    centres: list[float] = field(default_factory=list)  # x centre of each title


@dataclass
class Header:
    top: float
    bottom: float
    layout: Layout
    left: float
    right: float


def _squash(s: str) -> str:
    return _WS.sub("", s)


def _find_headers(chars: list[dict], rules: Rules, width: float) -> list[Header]:
    """Every header row on the page, top to bottom."""
    headers: list[Header] = []
    for i, c in enumerate(chars):
        if c["text"] != "序":
            continue
        # 号 on the same line, at most a few em to the right (titles are often letter-spaced)
        if not any(d["text"] == "号" and abs(d["top"] - c["top"]) < 0.3 * c["size"] and 0 <= d["x0"] - c["x1"] < 4 * c["size"]
                   for d in chars[i + 1 : i + 40]):
            continue
        if any(h.top - 1 <= _mid_y(c) <= h.bottom + 1 for h in headers):
            continue
        header = _header_at(c, chars, rules, width)
        if header is not None:
            headers.append(header)
    return sorted(headers, key=lambda h: h.top)


def _header_at(xu: dict, chars: list[dict], rules: Rules, width: float) -> Header | None:
    size = xu["size"]
    mid = _mid_y(xu)
    # the header band: between the rules around 序号, else the lines near it
    # that still spell (part of) a known column title
    ys = rules.h_at(xu["x0"] - size, width, mid - 6 * size, mid + 6 * size)
    above = [y for y in ys if y < xu["top"]]
    below = [y for y in ys if y > xu["bottom"]]
    ruled_h = bool(above and below and below[0] - above[-1] < 6 * size)
    if ruled_h:
        top, bottom = above[-1], below[0]
        band = [d for d in chars if top < _mid_y(d) < bottom and d["x0"] >= xu["x0"] - size and abs(d["size"] - size) < 0.25 * size]
    else:
        band = _unruled_band(xu, chars)
        top = min(d["top"] for d in band) - 0.5
        bottom = max(d["bottom"] for d in band) + 0.5
    vxs = [x for x in rules.v_xs(top, bottom) if x > xu["x1"] - 0.5]
    columns = _title_columns(band, vxs, size)
    titles = tuple(_squash("".join(ln.text(False) for ln in _cluster_lines(col))) for col in columns)
    if len(titles) < 2 or titles[0] != "序号" or "事项名称" not in titles[1]:
        return None
    ruled_v = len(vxs) >= len(titles) - 1 and all(
        any(columns[i][-1]["x1"] - 1 <= x <= columns[i + 1][0]["x0"] + 1 for x in vxs) for i in range(len(columns) - 1)
    )
    if ruled_v:  # the rule between each pair of titles
        bounds = [next(x for x in vxs if columns[i][-1]["x1"] - 1 <= x <= columns[i + 1][0]["x0"] + 1) for i in range(len(columns) - 1)]
    else:  # refined against the body text in _fit_bounds
        bounds = [(columns[i][-1]["x1"] + columns[i + 1][0]["x0"]) / 2 for i in range(len(columns) - 1)]
    left, right = _table_extent(rules, bottom, vxs, width) if ruled_h else (0.0, width)
    return Header(top, bottom, Layout(titles, bounds, ruled_v, ruled_h, size, [(col[0]["x0"] + col[-1]["x1"]) / 2 for col in columns]), left, right)


def _table_extent(rules: Rules, y: float, vxs: list[float], width: float) -> tuple[float, float]:
    """The table's width: the rule under the header, widened by vertical rules."""
    segs = [(x0, x1) for hy, x0, x1 in rules.h if abs(hy - y) < 2]
    xs = [x for seg in segs for x in seg] + vxs
    return (min(xs) - 1, max(xs) + 1) if xs else (0.0, width)


def _unruled_band(xu: dict, chars: list[dict]) -> list[dict]:
    size = xu["size"]
    mid = _mid_y(xu)
    near = [d for d in chars if abs(_mid_y(d) - mid) < 3.5 * size and d["x0"] >= xu["x0"] - size and abs(d["size"] - size) < 0.25 * size]
    lines = _cluster_lines(near)
    keep = [ln for ln in lines if ln.top - 0.5 <= mid <= ln.bottom + 0.5]
    if not keep:
        return [xu]
    known = [_squash(t) for t in KNOWN_TITLES]
    for direction in (-1, 1):  # grow up and down while pieces fit a known title
        pool = sorted((ln for ln in lines if (ln.top - mid) * direction > 0), key=lambda ln: abs(_mid_y(ln.chars[0]) - mid))
        for ln in pool:
            pieces = _split_runs(ln.chars, size)
            if pieces and all(any(_squash(_line_text(p, False)) in k for k in known) for p in pieces):
                keep.append(ln)
            else:
                break
    return [c for ln in keep for c in ln.chars]


def _split_runs(chars: list[dict], size: float, gap: float = 1.0) -> list[list[dict]]:
    """Split a sorted line into runs separated by gaps wider than `gap` em."""
    runs: list[list[dict]] = []
    for c in chars:
        if runs and c["x0"] - runs[-1][-1]["x1"] < gap * size:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs


def _title_columns(band: list[dict], vxs: list[float], size: float) -> list[list[dict]]:
    """Header characters grouped per column: by vertical rules, else by x overlap."""
    if len(vxs) >= 1:
        cols: dict[int, list[dict]] = {}
        for d in band:
            cols.setdefault(sum(1 for x in vxs if x < _mid_x(d)), []).append(d)
        groups = [cols[k] for k in sorted(cols)]
    else:
        groups = []
        for d in sorted(band, key=lambda d: d["x0"]):
            if groups and d["x0"] - max(g["x1"] for g in groups[-1]) < 1.0 * size:
                groups[-1].append(d)
            else:
                groups.append([d])
    return [sorted(g, key=lambda d: d["x0"]) for g in groups if any(not d["text"].isspace() for d in g)]


def _fit_bounds(layout: Layout, body: list[dict]) -> list[float]:
    """Without inner rules, put each boundary in the emptiest gutter between titles.

    Column titles are usually centred, so the midpoint between two titles can
    cut through a wide column's text. The x crossed by the fewest body chars
    between the two titles' centres is the gutter (category rows that span the
    columns are few and cross every x alike).
    """
    if layout.ruled_v or not body:
        return layout.bounds
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
    for b, (c0, c1) in zip(layout.bounds, zip(layout.centres, layout.centres[1:])):
        xs = range(int(c0) + 1, int(c1) + 1)
        best = min(xs, key=lambda x: (cover[x - lo], abs(x - b)), default=b)
        bounds.append(float(best))
    return bounds


# --------------------------------------------------------------------------- #
# rows and cells


def _column_of(x: float, bounds: list[float]) -> int:
    return sum(1 for b in bounds if b < x)


def _row_cells(chars: list[dict], layout: Layout, bounds: list[float], rules: Rules,
               top: float, bottom: float, gap_spaces: bool) -> tuple[str, ...]:
    """Assign one row band's characters to cells, merging spanned columns."""
    n = len(layout.titles)
    owner = list(range(n))  # owner[i]: the leftmost column of i's merged cell
    if layout.ruled_v:
        for i, b in enumerate(bounds):
            if not rules.v_covers(b, top + 1, bottom - 1):
                owner[i + 1] = owner[i]
    else:
        for ln in _cluster_lines(chars):  # text running across a boundary
            for a, c in zip(ln.chars, ln.chars[1:]):
                ca, cc = _column_of(_mid_x(a), bounds), _column_of(_mid_x(c), bounds)
                if cc > ca and c["x0"] - a["x1"] < 0.5 * c["size"]:
                    for j in range(ca + 1, cc + 1):
                        owner[j] = owner[ca]
    cells: list[list[dict]] = [[] for _ in range(n)]
    for c in chars:
        cells[owner[_column_of(_mid_x(c), bounds)]].append(c)
    return tuple("\n".join(t for ln in _cluster_lines(cell) if (t := ln.text(gap_spaces))) for cell in cells)


def _row_bands(chars: list[dict], rules: Rules, layout: Layout, bounds: list[float],
               left: float, right: float, top: float, bottom: float) -> list[tuple[float, float]]:
    """Vertical extents of the body rows between top and bottom."""
    if layout.ruled_h:
        ys = rules.h_at(left, right, top, bottom)
        edges = [top] + [y for y in ys if top + 1 < y < bottom - 1] + [bottom]
        return [(a, b) for a, b in zip(edges, edges[1:]) if b - a > 1]
    return _anchor_bands(chars, bounds, top, bottom)


def _anchor_bands(chars: list[dict], bounds: list[float], top: float, bottom: float) -> list[tuple[float, float]]:
    """No rules: each number / category heading in the 序号 column starts a row.

    The row boundary is the widest empty horizontal strip between the previous
    anchor and this one when it is wider than the usual leading (cells centred
    vertically), else the anchor line's top (cells aligned to the top).
    """
    lines = _cluster_lines(chars)
    first_col = [ln for ln in _cluster_lines(c for c in chars if _column_of(_mid_x(c), bounds) == 0)]
    anchors = [ln for ln in first_col if _ANCHOR.match(ln.text(False))]
    if not anchors:
        return [(top, bottom)]
    leadings = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if b.top > a.bottom]
    usual = statistics.median(leadings) if leadings else 0.0
    edges = [top]
    prev = top
    for anchor in anchors:
        cut = anchor.top - 0.5
        gaps = [(b.top - a.bottom, (a.bottom + b.top) / 2) for a, b in zip(lines, lines[1:])
                if a.bottom >= prev and b.top <= anchor.top + 0.5 and b.top > a.bottom]
        if gaps:
            width, y = max(gaps)
            if width > 1.3 * usual + 0.5:
                cut = y
        if cut > edges[-1] + 0.5:
            edges.append(cut)
        prev = anchor.bottom
    edges.append(bottom)
    return [(a, b) for a, b in zip(edges, edges[1:]) if b - a > 0.5]


# --------------------------------------------------------------------------- #
# front matter


def _paragraphs(lines: list[Line], page_width: float, gap_spaces: bool) -> list[str]:
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
        text = _LEADER.sub("\t", ln.text(gap_spaces))
        size = ln.size
        new = (
            prev is None
            or abs(size - prev.size) > 0.1 * size
            or ln.x0 > left + 0.8 * size
            or prev.x1 < right - 1.5 * size
            or "\t" in text
            or "\t" in paras[-1][-1]
            or ln.top - prev.bottom > 1.5 * size
        )
        if new:
            paras.append([text])
        else:
            paras[-1].append(text)
        prev = ln
    return ["\n".join(p) for p in paras if any(p)]


# --------------------------------------------------------------------------- #
# the document


@dataclass
class _Open:
    table: RawTable
    layout: Layout
    bounds: list[float]
    left: float
    right: float


@dataclass
class _Builder:
    path: Path
    front_pages: list[tuple[list[Line], float, bool]] = field(default_factory=list)
    tables: list[RawTable] = field(default_factory=list)
    open: _Open | None = None
    text_chars: int = 0
    images: int = 0

    def add_page(self, page, number: int) -> None:
        where = f"page {number}"
        chars = [c for c in page.chars if c.get("upright", True) and c["text"]]
        self.text_chars += sum(1 for c in chars if not c["text"].isspace())
        self.images += len(page.images)
        gap_spaces = not any(c["text"] == " " for c in chars)
        chars = [c for c in chars if not c["text"].isspace() or c["text"] == " "]
        chars = self._drop_page_numbers(chars, page.height, gap_spaces)
        if not chars:
            return
        rules = Rules.of(page)
        headers = _find_headers(chars, rules, page.width)
        # regions: [page top, header 1), [header 1, header 2), ...
        marks = [h.top for h in headers] + [page.height]
        above = [c for c in chars if _mid_y(c) < marks[0]]
        if above:
            self._above_first_header(above, rules, page, where, gap_spaces)
        for k, h in enumerate(headers):
            body = [c for c in chars if h.bottom <= _mid_y(c) < marks[k + 1]]
            titles_above = k == 0 and self._has_title_above(above, h)
            if self.open is None or h.layout.titles != self.open.layout.titles or titles_above or k > 0:
                self.open = None
            body = self._strip_titles(body, h.layout.size)
            bounds = _fit_bounds(h.layout, body)
            if self.open is None:
                self.open = _Open(RawTable(h.layout.titles, [], where), h.layout, bounds, h.left, h.right)
                self.tables.append(self.open.table)
            else:
                self.open.layout, self.open.bounds, self.open.left, self.open.right = h.layout, bounds, h.left, h.right
            self._add_rows(body, rules, h.bottom, marks[k + 1], where, gap_spaces)

    def _drop_page_numbers(self, chars: list[dict], height: float, gap_spaces: bool) -> list[dict]:
        marginal = [c for c in chars if c["bottom"] < height * MARGIN or c["top"] > height * (1 - MARGIN)]
        if not marginal:
            return chars
        drop = set()
        for ln in _cluster_lines(marginal):
            if _is_page_number(ln, height, ln.text(gap_spaces)):
                drop.update(id(c) for c in ln.chars)
        return [c for c in chars if id(c) not in drop]

    def _strip_titles(self, chars: list[dict], size: float) -> list[dict]:
        """List titles (larger type) are not table text."""
        return [c for c in chars if c["size"] <= 1.2 * size]

    def _has_title_above(self, above: list[dict], h: Header) -> bool:
        if not above:
            return False
        return any(c["size"] > 1.2 * h.layout.size for c in above) or (
            self.open is not None and not self._looks_like_rows(above, h.layout.size)
        )

    def _looks_like_rows(self, chars: list[dict], size: float) -> bool:
        return any(abs(c["size"] - size) < 0.2 * size for c in chars)

    def _above_first_header(self, chars: list[dict], rules: Rules, page, where: str, gap_spaces: bool) -> None:
        if self.open is None and not self.tables:  # still in the front matter
            self.front_pages.append((_cluster_lines(chars), page.width, gap_spaces))
            return
        if self.open is None:
            return  # text between two tables: the next list's title
        size = self.open.layout.size
        body = self._strip_titles(chars, size)
        if body and self._looks_like_rows(body, size):  # header not repeated: the table goes on
            self._add_rows(body, rules, min(c["top"] for c in body) - 0.5,
                           max(c["bottom"] for c in body) + 0.5, where, gap_spaces, page_top=True)
        if len(body) < len(chars):  # a title ends the open table
            self.open = None

    def _add_rows(self, chars: list[dict], rules: Rules, top: float, bottom: float,
                  where: str, gap_spaces: bool, page_top: bool = False) -> None:
        if not chars or self.open is None:
            return
        o = self.open
        if page_top:  # reach up to the first rule over the body, if any
            ys = rules.h_at(o.left, o.right, 0, top + 1)
            top = ys[-1] if ys else top
        for y0, y1 in _row_bands(chars, rules, o.layout, o.bounds, o.left, o.right, top, bottom):
            # text outside the table's width (e.g. a note in the margin) is not a cell
            band = [c for c in chars if y0 <= _mid_y(c) < y1 and o.left - 1 <= _mid_x(c) <= o.right + 1]
            if not band:
                continue
            cells = _row_cells(band, o.layout, o.bounds, rules, y0, y1, gap_spaces)
            if any(cells):
                o.table.rows.append(RawRow(cells, where))

    def finish(self, pages: int) -> RawDocument:
        if self.text_chars == 0:
            msg = "no text layer: the PDF looks like a scan, and OCR is not supported" if self.images else "no text layer: the PDF contains no text"
            raise InputError("no_text_layer", msg, file=self.path, where="page 1")
        if not self.tables:
            raise InputError("no_table", "no duty-list table found (no header row starting 序号 | 事项名称)", file=self.path,
                             where=f"pages 1-{pages}" if pages > 1 else "page 1")
        front: list[str] = []
        for lines, width, gap_spaces in self.front_pages:
            front.extend(_paragraphs(lines, width, gap_spaces))
        return RawDocument(path=self.path, format="pdf", front_matter=front, tables=self.tables, pages=pages)


def _open(path: Path):
    import pdfplumber

    try:
        return pdfplumber.open(path)
    except Exception as err:  # pdfminer raises many types for broken files
        raise _input_error(err, path) from None


def _ends(path: Path) -> tuple[bytes, bytes]:
    with open(path, "rb") as f:
        head = f.read(1024)
        f.seek(max(0, path.stat().st_size - 2048))
        return head, f.read()


def _input_error(err: Exception, path: Path, where: str | None = None) -> InputError:
    """A pdfminer/pdfplumber failure as one clear line."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    cause = err.args[0] if type(err).__name__ == "PdfminerException" and err.args else err  # pdfplumber wraps
    if isinstance(cause, PDFPasswordIncorrect):
        return InputError("pdf_encrypted", "PDF is encrypted and needs a password", file=path, where=where)
    if isinstance(cause, PDFEncryptionError):
        return InputError("pdf_encrypted", f"PDF is encrypted with an unsupported method ({cause})", file=path, where=where)
    if where is None:
        head, tail = _ends(path)
        if not head.lstrip().startswith(b"%PDF-"):
            return InputError("pdf_not_pdf", "not a PDF file (no %PDF- header)", file=path)
        if b"%%EOF" not in tail:
            return InputError("pdf_truncated", f"PDF is truncated (no %%EOF marker; {type(cause).__name__}: {cause})".replace("\n", " "), file=path)
        return InputError("pdf_corrupt", f"not a readable PDF, truncated or corrupt ({type(cause).__name__}: {cause})".replace("\n", " "),
                          file=path)
    return InputError("pdf_page_unreadable", f"cannot read page ({type(cause).__name__}: {cause})".replace("\n", " "), file=path, where=where)


def extract(path: Path) -> RawDocument:
    """Read a duty-list PDF into its raw layout (see module docstring)."""
    path = Path(path)
    pdf = _open(path)
    builder = _Builder(path)
    number = 0
    try:
        try:
            pages = pdf.pages
        except Exception as err:
            raise _input_error(err, path) from None
        if not pages:
            raise InputError("pdf_no_pages", "PDF has no pages", file=path)
        for number, page in enumerate(pages, start=1):
            try:
                builder.add_page(page, number)
            except InputError:
                raise
            except Exception as err:  # a damaged page: name it instead of a traceback
                raise _input_error(err, path, f"page {number}") from None
            finally:
                page.close()
        return builder.finish(len(pages))
    finally:
        pdf.close()
