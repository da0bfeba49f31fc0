"""Web pages: a government site's article holding the three lists as <table>s.

The page is parsed by lxml's HTML parser (a real parser, as forgiving as a
browser: unclosed tags, stray markup); nothing here reads markup with regular
expressions.

Encoding, as a browser decides it: a byte-order mark wins; else the charset a
`<meta charset>` or `<meta http-equiv="Content-Type" content="…; charset=…">`
declares, found by parsing the bytes read as Latin-1 (every byte one character,
so the ASCII markup parses whatever the real encoding); gb2312, gbk, x-gbk and
gb18030 all decode as GB18030, their superset, because sites declaring gb2312
print GBK characters. A declared charset must decode every byte (a wrong
declaration is refused, naming the charset and the byte); a label Python does
not know is ignored, as browsers ignore it. Undeclared, the page is UTF-8 or
else GB18030, like the text form.

List tables are found by their column titles, never by their place: a table
with a row that a list kind recognises (`kind_of_header`) among its first rows.
Old CMS pages put the whole article in a layout table: a table containing
tables is taken for a list only if it has the header itself, so the innermost
tables are the lists. Rows above the header (the list's title printed in the
table) are left out; rows from the header on are kept.

Cells follow raw.py: a cell spanning columns (colspan) appears once; the rows
a cell spans downwards (rowspan) get "" at its place in the grid, so the cells
after it keep their columns. A cell's text is what the browser shows: `<br>`
and block elements (p, div, li …) break lines ("\\n"); runs of HTML whitespace
(space, tab, newline) collapse to one space and line ends are trimmed, while
`&nbsp;` (U+00A0) and U+3000 stay for the normaliser; scripts, styles, comments
and elements hidden inline (`hidden`, `display:none`) are not shown. An <ol>
item gets the number the browser draws ("1.", after `start`, `value`,
`reversed`, `type` and an inline `list-style-type`; none with
`list-style-type: none`), materialised as text like Word numbering; bullets of
<ul> are not numbering and are left out. Style sheets are not evaluated.

Front matter: the text blocks before the first list table in document order
(one per block element: heading, paragraph, list item, layout-table cell …),
without the page furniture that frames every article of a site: the elements
of `_FURNITURE_TAGS` (nav, aside, form, select, button, iframe, menu), any
element whose class or id contains one of `_FURNITURE_MARKS` (nav, menu, crumb,
footer, sidebar, location, banner, logo: navigation bars, breadcrumbs 当前位置,
footers, the site's banner), and outside an <article>/<main> a <header> or
<footer> or an element whose class or id is `header` or `top` — never one
holding the list tables, as an ASP.NET page's <form> holds the whole body.
Text between the list tables (`配合履职事项清单`) is not front matter.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import lxml.html
from lxml import etree

from pipeline.errors import InputError
from pipeline.extract.raw import RawDocument, RawRow, RawTable
from pipeline.limits import check_size
from pipeline.lists import kind_of_header

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# labels that browsers decode as GBK, itself decoded as GB18030 (its superset) as the WHATWG standard does
_GB_LABELS = {"gb2312", "gb_2312", "gb_2312-80", "csgb2312", "csiso58gb231280", "iso-ir-58", "chinese", "gbk",
              "x-gbk", "cp936", "ms936", "windows-936", "gb18030"}
_UNDECLARED = ("utf-8", "gb18030")

_HEADER_ROWS = 4  # a header may follow title rows (the list's title, a unit line): see assemble.header_row
_BLOCKS = {"address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir",
           "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
           "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
           "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
_NEVER_SHOWN = {"head", "title", "script", "style", "noscript", "template", "object", "embed", "audio", "video"}
_FURNITURE_TAGS = {"nav", "aside", "form", "select", "button", "iframe", "menu"}
_FRAMES = {"header", "footer"}  # the page's furniture, but an <article>'s own header holds its title
_FURNITURE_MARKS = ("nav", "menu", "crumb", "footer", "sidebar", "location", "banner", "logo")  # in a class or id
_FRAME_NAMES = {"header", "top"}  # a whole class or id: the site's banner (not `article-header`)
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's collapsible whitespace: not U+00A0 nor U+3000


def _parsed(data: bytes, encoding: str):
    """The tree of bytes read in `encoding` whatever they declare (a parser each time: lxml's parsers are
    not to be shared between threads; huge_tree: check_size has bounded the page already)."""
    return lxml.html.document_fromstring(data, parser=lxml.html.HTMLParser(encoding=encoding, huge_tree=True))


def _unreadable(detail: str) -> InputError:
    return InputError("html_unreadable", f"not a readable web page: {detail}")


# --- encoding ---------------------------------------------------------------------------------------------


def _charset_in_content(content: str) -> str | None:
    """`text/html; charset=gbk` -> gbk (the attribute's value, not markup)."""
    for part in content.split(";"):
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \t'\""):
            return value.strip(" \t'\"")
    return None


def declared_charset(data: bytes) -> str | None:
    """The label the first <meta> declaring a charset gives, as printed."""
    try:
        root = _parsed(data, "iso-8859-1")
    except etree.ParserError:
        return None
    for meta in root.iter("meta"):
        if (label := (meta.get("charset") or "").strip()) or (
                (meta.get("http-equiv") or "").strip().lower() == "content-type"
                and (label := _charset_in_content(meta.get("content") or ""))):
            return label
    return None


def codec_of(label: str) -> str | None:
    """The Python codec a charset label names; None for a label that names no text encoding (ignored, as
    browsers ignore it)."""
    label = label.strip().lower()
    if label in _GB_LABELS:
        return "gb18030"
    if label.startswith("utf-16"):
        return "utf-8"  # a page that a <meta> can be read in is not UTF-16 (WHATWG: such a label means UTF-8)
    try:
        name = codecs.lookup(label).name
        b"a".decode(name, "ignore")  # rot13, base64, zip … are codecs but no text encodings (b"" passes)
    except LookupError:
        return None
    return name


def _strict(data: bytes, codec: str, declared: str, skipped: int = 0) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        byte = data[err.start]
        other = next((c for c in _UNDECLARED if c != codec and _decodes(data, c)), None)
        hint = f"; the bytes decode as {other.upper()}: the declaration is wrong" if other else ""
        raise _unreadable(f"{declared} does not decode byte {err.start + skipped} (0x{byte:02X}){hint}") from None


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def decoded(data: bytes) -> str:
    """The page's text, decoded by its byte-order mark, its declared charset, or else UTF-8 or GB18030."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], codec, f"its byte-order mark says {codec}, but it", len(bom))
    if b"\x00" in data:
        raise _unreadable("binary data (NUL bytes), not HTML")
    if (label := declared_charset(data)) and (codec := codec_of(label)):
        return _strict(data, codec, f"it declares charset={label}, which")
    for codec in _UNDECLARED:
        if _decodes(data, codec):
            return data.decode(codec)
    raise _unreadable("no charset declared, and the bytes are neither UTF-8 nor GB18030")


# --- what a browser shows ---------------------------------------------------------------------------------


def _style(el, prop: str) -> str | None:
    """An inline style's value for `prop` (`list-style-type`), lower-case."""
    for declaration in (el.get("style") or "").split(";"):
        name, _, value = declaration.partition(":")
        if name.strip().lower() == prop:
            return value.strip().lower()
    return None


def _hidden(el) -> bool:
    return (el.get("hidden") is not None or (_style(el, "display") or "").startswith("none")
            or (_style(el, "visibility") or "").startswith("hidden"))


def _never_shown(el) -> bool:
    return el.tag in _NEVER_SHOWN or _hidden(el)


@dataclass
class _Lines:
    """Text as laid out in lines: runs collapse like a browser's, blocks and <br> end lines."""

    lines: list[str] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)
    marker: str = ""  # an <ol> item's number, put before its first line of text

    def add(self, text: str) -> None:
        self.runs.append(text)

    def _line(self) -> str:
        line = _WHITESPACE.sub(" ", "".join(self.runs)).strip(" ")
        self.runs = []
        if line and self.marker:
            line, self.marker = self.marker + line, ""
        return line

    def end_block(self) -> None:
        """A block's edge: ends the line if it has text (blocks make no empty lines)."""
        if line := self._line():
            self.lines.append(line)

    def line_break(self) -> None:
        """<br>: ends the line, even an empty one."""
        self.lines.append(self._line())


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
_CJK_DIGITS = "零一二三四五六七八九"


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _alpha(n: int) -> str:
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def _cjk(n: int) -> str:
    """1 -> 一, 10 -> 十, 23 -> 二十三 (cjk-decimal past 99)."""
    if not 0 < n < 100:
        return "".join(_CJK_DIGITS[int(d)] for d in str(n))
    tens, ones = divmod(n, 10)
    return ((_CJK_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "") + (_CJK_DIGITS[ones] if ones else ""))


_TYPE_ATTRIBUTE = {"1": "decimal", "a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman", "I": "upper-roman"}


def marker(n: int, style: str) -> str:
    """The number a browser draws for item `n` in list-style `style`; "" for none (or a bullet style)."""
    if style in ("lower-alpha", "lower-latin") and n > 0:
        return f"{_alpha(n)}."
    if style in ("upper-alpha", "upper-latin") and n > 0:
        return f"{_alpha(n).upper()}."
    if style == "lower-roman" and n > 0:
        return f"{_roman(n)}."
    if style == "upper-roman" and n > 0:
        return f"{_roman(n).upper()}."
    if style in ("cjk-ideographic", "cjk-decimal", "simp-chinese-informal", "trad-chinese-informal"):
        return f"{_cjk(n)}、"
    return f"{n}." if style == "decimal" else ""


def _list_style(el, inherited: str) -> str:
    """An element's list-style-type: its inline style, else its type attribute, else its list's."""
    if value := _style(el, "list-style-type"):
        return value
    shorthand = (_style(el, "list-style") or "").split()  # `list-style: none`, `list-style: decimal inside`
    if "none" in shorthand:
        return "none"
    if kind := next((word for word in shorthand if marker(1, word) or word in _BULLETS), None):
        return kind
    return _TYPE_ATTRIBUTE.get(el.get("type", "").strip(), inherited)


_BULLETS = {"disc", "circle", "square"}


def _integer(value: str | None) -> int | None:
    """An attribute's integer as browsers read it: leading digits (and sign), the rest ignored."""
    digits = re.match(r"\s*([+-]?\d+)", value or "")
    return int(digits.group(1)) if digits else None


@dataclass
class _Numbers:
    """An <ol>'s counter."""

    style: str
    next: int
    step: int

    @classmethod
    def of(cls, ol) -> "_Numbers":
        step = -1 if ol.get("reversed") is not None else 1
        items = sum(1 for child in ol if child.tag == "li")
        start = _integer(ol.get("start"))
        return cls(_list_style(ol, "decimal"), start if start is not None else (items if step < 0 else 1), step)

    def take(self, li) -> str:
        value = _integer(li.get("value"))
        n = value if value is not None else self.next
        self.next = n + self.step
        return marker(n, _list_style(li, self.style))


class _Reached(Exception):
    """The walk came to the element it stops at (the first list table)."""


@dataclass
class _Renderer:
    """Renders elements into lines; `shown(el)` says whether an element is shown at all."""

    shown: Callable[[object], bool]
    stop: object | None = None
    out: _Lines = field(default_factory=_Lines)
    numbers: dict = field(default_factory=dict)  # <ol> element -> its counter
    pre: int = 0  # depth inside <pre>, where newlines are line breaks

    def children(self, el) -> None:
        if el.text:
            self.text(el.text)
        for child in el:
            if isinstance(child.tag, str):  # comments and processing instructions show nothing but their tail
                self.element(child)
            if child.tail:
                self.text(child.tail)

    def text(self, text: str) -> None:
        if not self.pre:
            self.out.add(text)
            return
        first, *rest = text.split("\n")
        self.out.add(first)
        for line in rest:
            self.out.line_break()
            self.out.add(line)

    def element(self, el) -> None:
        if el is self.stop:
            raise _Reached
        if not self.shown(el):
            return
        if el.tag == "br":
            self.out.line_break()
            return
        block = el.tag in _BLOCKS
        if block:
            self.out.end_block()
        if el.tag == "ol":
            self.numbers[el] = _Numbers.of(el)
        parent = el.getparent()
        if el.tag == "li" and parent is not None and parent in self.numbers:
            self.out.marker = self.numbers[parent].take(el)
        self.pre += el.tag == "pre"
        self.children(el)
        self.pre -= el.tag == "pre"
        if block:
            self.out.end_block()
        if el.tag == "li" and self.out.marker:  # an empty item still shows its number
            self.out.lines.append(self.out.marker)
            self.out.marker = ""

    def lines(self) -> list[str]:
        self.out.end_block()
        return self.out.lines


def cell_text(cell) -> str:
    """A table cell's text as shown, lines joined by "\\n"."""
    renderer = _Renderer(lambda el: not _never_shown(el))
    renderer.children(cell)
    return "\n".join(renderer.lines()).strip("\n")


# --- tables -----------------------------------------------------------------------------------------------


def _own_rows(table) -> list:
    """The table's rows in the order shown: <thead> first, <tfoot> last (not the rows of nested tables)."""
    head, body, foot = [], [], []
    for child in table:
        if child.tag == "tr":
            body.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows = [tr for tr in child if tr.tag == "tr"]
            {"thead": head, "tbody": body, "tfoot": foot}[child.tag].extend(rows)
    return [tr for tr in head + body + foot if not _hidden(tr)]


def _colspan(cell) -> int:
    """1 to 1000, as browsers clamp it (0 or junk: 1)."""
    value = _integer(cell.get("colspan"))
    return min(value, 1000) if value and value > 0 else 1


def _rowspan(cell, rows_left: int) -> int:
    """1 to the rows left in the table (0: all of them, as HTML5 reads it; junk: 1)."""
    value = _integer(cell.get("rowspan"))
    return rows_left if value == 0 else max(1, min(value or 1, rows_left))


@dataclass
class _Merged:
    """A cell merged down: the rows it still covers, and its width."""

    rows: int
    width: int


def grid(rows: list, text: Callable[[object], str] = cell_text) -> list[tuple[str, ...]]:
    """Each row's cells in column order: a cell once however wide, "" where a cell from above reaches down."""
    merged: dict[int, _Merged] = {}  # start column -> the cell from above covering it
    out = []
    for r, tr in enumerate(rows):
        cells = iter(c for c in tr if c.tag in ("td", "th") and not _hidden(c))
        row, col, reached = [], 0, set()
        while True:
            if col in merged:
                row.append("")
                reached.add(col)
                col += merged[col].width
                continue
            cell = next(cells, None)
            if cell is None:
                break
            width, height = _colspan(cell), _rowspan(cell, len(rows) - r)
            row.append(text(cell))
            if height > 1:
                merged[col] = _Merged(height, width)
            col += width
        for start in sorted(merged):  # cells from above right of the row's last cell
            if start >= col and start not in reached:
                row.append("")
        out.append(tuple(row))
        for start in list(merged):
            merged[start].rows -= 1
            if merged[start].rows <= 0:
                del merged[start]
    return out


def header_at(rows: list[tuple[str, ...]]) -> int | None:
    """Which of the table's first rows holds a list's column titles."""
    return next((i for i, cells in enumerate(rows[:_HEADER_ROWS]) if kind_of_header(cells) is not None), None)


def list_tables(root) -> Iterator[tuple[object, list, int]]:
    """(table, its rows, the header's index) for each list table in document order: a table with a list's
    header, not inside another list table (a layout table holding the lists has no such header itself)."""
    found: list = []
    for table in root.iter("table"):
        if any(ancestor in found for ancestor in table.iterancestors("table")):
            continue  # a table inside a list's cell is that cell's text
        rows = _own_rows(table)
        at = header_at(grid(rows[:_HEADER_ROWS]))
        if at is not None:
            found.append(table)
            yield table, rows, at


def _raw_table(rows: list, at: int, n: int) -> RawTable:
    cells = grid(rows)
    body = [RawRow(c, f"table {n} row {m}") for m, c in enumerate(cells[at:], at + 1)]
    return RawTable(header=cells[at], rows=body, where=f"table {n}")


# --- front matter -----------------------------------------------------------------------------------------


def _names(el) -> tuple[str, str]:
    """The element's class and id, lower-case, space-separated."""
    return (el.get("class") or "").lower(), (el.get("id") or "").lower()


def _marked(el) -> bool:
    """A class or id naming navigation, breadcrumbs, a footer or the site's banner."""
    return any(mark in name for name in _names(el) for mark in _FURNITURE_MARKS)


def _page_frame(el) -> bool:
    """The page's header or footer: a <header>/<footer>, or class or id `header`/`top`; inside an
    <article> or <main> they are the article's own (its title, its editor)."""
    named = any(set(name.split()) & _FRAME_NAMES for name in _names(el))
    return (el.tag in _FRAMES or named) and not any(a.tag in ("article", "main") for a in el.iterancestors())


def _furniture(el, frame: set) -> bool:
    """Page furniture (see the module docstring). `frame` holds the elements around the first list
    table: the page's body, however they are named."""
    if el in frame or el.tag in ("html", "body"):
        return False
    return el.tag in _FURNITURE_TAGS or _marked(el) or _page_frame(el)


def front_matter(root, first_table) -> list[str]:
    """The text blocks shown before the first list table, page furniture left out."""
    frame = set(first_table.iterancestors())
    renderer = _Renderer(lambda el: not _never_shown(el) and not _furniture(el, frame), stop=first_table)
    try:
        renderer.element(root)
    except _Reached:
        pass
    return [line for line in renderer.lines() if line]


# --- the page ---------------------------------------------------------------------------------------------


def parse(text: str):
    """The page's tree. Parsed from bytes in a named encoding: lxml refuses a str that holds an XML
    declaration naming an encoding (XHTML pages), and the one we decoded with is the one that counts."""
    try:
        return _parsed(text.encode("utf-8"), "utf-8")
    except etree.ParserError as err:
        raise _unreadable(f"the HTML parser found no document ({err})") from None


def _no_table(root) -> InputError:
    count = sum(1 for _ in root.iter("table"))
    found = f"{count} table{'s' if count != 1 else ''} found, none with those column titles" if count else "no <table> found"
    return InputError("no_table", "no duty-list table (a <table> whose header row starts 序号 | 事项名称 …) "
                      f"on the page; {found}")


def extract(path: Path) -> RawDocument:
    check_size(path.stat().st_size, "web page")
    root = parse(decoded(path.read_bytes()))
    tables = list(list_tables(root))
    if not tables:
        raise _no_table(root)
    doc = RawDocument(path=path, format="html", front_matter=front_matter(root, tables[0][0]))
    doc.tables = [_raw_table(rows, at, n) for n, (_, rows, at) in enumerate(tables, 1)]
    return doc
