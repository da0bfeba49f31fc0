"""One Excel workbook per edition: `<edition_dir>/<edition_id>.xlsx`.

Sheet 1 `edition`: the edition's metadata, declared vs extracted totals, the
sheets that follow with their row counts, and the extraction warnings.
Then one sheet per flat table (named as the table, so it matches the CSV,
Parquet and SQL names): row 1 the Chinese heading, row 2 the column name (its
English description as a cell comment), frozen below row 2, an autofilter,
widths fitted to the content and long text wrapped.  List cells are joined
with 、 as in the CSV; a map cell (`extra`: columns the template does not have)
is one line per column, `备注：/`, in printed order (`MAP_LINE`), empty when
the map is.

Everything is read from the directory passed in (the build calls this on a
temporary directory before moving it into place); the edition_id comes from
edition.json.

Written with XlsxWriter: a sheet's cells are gathered first (`_Sheet`), so that
a text too long for a cell is refused before anything is written and each
column's width and wrapping are known when its cells are; each combination of
styles is one format, made once (`_Formats`).
"""

from __future__ import annotations

import datetime

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from pipeline.deliver import (
    LIST_JOINER,
    TABLES,
    Column,
    check_parquet_columns,
    columns,
    list_title,
    read_edition_info,
    read_rows,
    table_description,
)
from pipeline.errors import InputError, locating
from pipeline.lists import KINDS
from pipeline.models import EditionInfo
from pipeline.write import partial_path

SHEET_NAME_MAX = 31  # Excel's limit
MAX_WIDTH = 60  # characters (a CJK character counts two); longer text wraps
MIN_WIDTH = 6
CELL_MAX = 32767  # Excel's limit on a cell's text
MAP_LINE = "{key}：{value}"  # a map entry in a cell: the column title as printed, then its text

# cell styles as XlsxWriter format properties; a cell's are merged into one format
HEADER_FILL = {"pattern": 1, "bg_color": "#DDEBF7"}
NAME_FILL = {"pattern": 1, "bg_color": "#F2F2F2"}
BOLD = {"bold": True}
NAME_FONT = {"italic": True, "font_color": "#595959"}
TITLE_FONT = {"bold": True, "font_size": 14}
SECTION_FONT = {"bold": True, "font_size": 12}
BOTTOM = {"bottom": 1, "bottom_color": "#808080"}
HEADING = {"text_wrap": True, "valign": "vcenter"}
WRAP = {"text_wrap": True, "valign": "top"}
TOP = {"valign": "top"}
# what XML 1.0 cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE): dropped, as Excel would refuse the file
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

META_SHEET = "edition"

# labels of edition.json's metadata fields: (key, 中文, English)
_META_LABELS = [
    ("edition_id", "版本标识", "Edition"),
    ("title", "标题", "Title"),
    ("province", "省", "Province"),
    ("city", "市", "City"),
    ("district", "区（县）", "District"),
    ("township", "乡镇（街道）", "Township"),
    ("published", "发布年月", "Published"),
    ("pipeline_version", "流水线版本", "Pipeline version"),
]


def display_width(text: str) -> int:
    """Width in Excel character units: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cell_value(column: Column, value):
    if value is None:
        return None
    if column.is_list:
        value = LIST_JOINER.join(str(v) for v in value)
        return value or None
    if column.is_map:
        pairs = value.items() if isinstance(value, dict) else value
        return "\n".join(MAP_LINE.format(key=k, value=v if v is not None else "") for k, v in pairs) or None
    return value


class _Formats:
    """One XlsxWriter format per combination of style properties, made on first use."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.made: dict[tuple, object] = {}

    def get(self, style: dict):
        key = tuple(sorted(style.items()))
        if key not in self.made:
            self.made[key] = self.book.add_format(style) if style else None
        return self.made[key]


def _looks_rich(text: str) -> bool:
    return text.startswith("<r>") and text.endswith("</r>")


@dataclass
class _Sheet:
    """A sheet's cells (1-based row and column, value, style), gathered before any is written."""

    name: str
    cells: list[tuple[int, int, object, dict]] = field(default_factory=list)
    widths: dict[int, int] = field(default_factory=dict)  # column -> widest measured text
    comments: list[tuple[int, int, str]] = field(default_factory=list)

    def put(self, row: int, col: int, value, style: dict | None = None, about: dict | None = None,
            measure: bool = True) -> None:
        """A value as data: never a formula, no illegal control characters, never cut short.

        `about` names what the value is (column, list, category, seq) for the error a too-long text raises."""
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if len(value) > CELL_MAX:
                raise _cell_too_long(self.name, row, col, len(value), about or {})
        self.cells.append((row, col, value, style or {}))
        if value is not None and measure:
            # a column's width is used only up to MAX_WIDTH (wider wraps): a line's first MAX_WIDTH + 1
            # characters measure past it whenever the whole line does
            width = max(display_width(line[:MAX_WIDTH + 1]) for line in str(value).split("\n"))
            self.widths[col] = max(self.widths.get(col, 0), width)

    def write(self, ws, formats: _Formats, first_data_row: int) -> None:
        """Every cell, with each measured column's width; from `first_data_row` on, a column's
        cells aligned to the top, and wrapped where its text is wider than MAX_WIDTH."""
        for col, width in self.widths.items():
            ws.set_column(col - 1, col - 1, max(MIN_WIDTH, min(width, MAX_WIDTH) + 2))
        for row, col, value, style in self.cells:
            if row >= first_data_row and col in self.widths:
                style = {**style, **(WRAP if self.widths[col] > MAX_WIDTH else TOP)}
            fmt = formats.get(style)
            if value is None:
                ws.write_blank(row - 1, col - 1, None, fmt)
            elif isinstance(value, str) and _looks_rich(value):
                # XlsxWriter takes such a text for rich-text XML of its own and copies it unescaped (the
                # cell reads empty, or the workbook breaks): written as two runs of the cell's format, escaped
                runs = [fmt, value[:1], fmt, value[1:]] if fmt else [value[:1], value[1:]]
                ws.write_rich_string(row - 1, col - 1, *runs, fmt)
            elif isinstance(value, str):
                ws.write_string(row - 1, col - 1, value, fmt)  # never a formula or a link
            elif isinstance(value, bool):
                ws.write_boolean(row - 1, col - 1, value, fmt)
            else:
                ws.write_number(row - 1, col - 1, value, fmt)
        for row, col, text in self.comments:
            ws.write_comment(row - 1, col - 1, text, {"author": "duty-lists"})


def _cell_too_long(sheet: str, row: int, col: int, length: int, about: dict) -> InputError:
    """Excel keeps a cell's first CELL_MAX characters and drops the rest: refuse rather than cut the text."""
    column = f" in column {about['column']}" if about.get("column") else ""
    return InputError("cell_too_long",
                      f"text of {length:,} characters{column}, more than an Excel cell holds ({CELL_MAX:,})",
                      where=f"sheet {sheet} cell {xl_col_to_name(col - 1)}{row}", list_kind=about.get("list"),
                      category=about.get("category"), seq=about.get("seq"))


_COMMENT_NOTES = {"list": "\n(list: items joined with 、)", "map": "\n(map: one line per column, 列名：内容)"}


def _list_feeding(table: str) -> str | None:
    """The list kind whose items make the table's rows; None for tables of every list (categories, departments)."""
    return next((k.key for k in KINDS.values() if table in k.tables), None)


def table_sheet(table: str, rows: list[dict]) -> _Sheet:
    sheet = _Sheet(table)
    cols = columns(table)
    for j, c in enumerate(cols, start=1):
        sheet.put(1, j, c.zh or c.name, {**BOLD, **HEADER_FILL, **HEADING})
        sheet.put(2, j, c.name, {**NAME_FONT, **NAME_FILL, **BOTTOM})
        sheet.comments.append((2, j, f"{c.en}\n{c.zh}" + _COMMENT_NOTES.get(c.kind, "")))
    list_key = _list_feeding(table)
    for i, row in enumerate(rows, start=3):
        about = {"list": list_key or row.get("list"), "category": row.get("category"), "seq": row.get("seq")}
        for j, c in enumerate(cols, start=1):
            sheet.put(i, j, cell_value(c, row.get(c.name)), about={**about, "column": c.name})
    return sheet


def meta_sheet(info: EditionInfo, counts: dict[str, int]) -> _Sheet:
    sheet = _Sheet(META_SHEET)
    r = 0

    def put(row: int, values: list, style: dict | None = None, measure: bool = True) -> None:
        for j, v in enumerate(values, start=1):
            sheet.put(row, j, v, style, measure=measure)

    def section(title: str) -> None:
        nonlocal r
        r += 2
        put(r, [title], SECTION_FONT, measure=False)  # titles may overflow into empty cells

    def header(values: list) -> None:
        nonlocal r
        r += 1
        put(r, values, {**BOLD, **HEADER_FILL})

    def line(values: list) -> None:
        nonlocal r
        r += 1
        put(r, values)

    r = 1
    put(r, [info.title], TITLE_FONT, measure=False)

    section("版本信息 Edition")
    header(["项目", "Item", "值 Value"])
    data = info.model_dump()
    for key, zh, en in _META_LABELS:
        line([zh, en, data.get(key)])
    for k, src in enumerate(info.sources, start=1):
        pages = f"; {src.pages} pages" if src.pages is not None else ""
        line(["来源文件", f"Source {k}", f"{src.file} ({src.format}{pages}); sha256 {src.sha256}"])

    section("清单总数 Totals (declared in the preface vs extracted)")
    header(
        ["清单 list", "清单名称 title", "声明类别数 declared categories", "实际类别数 extracted categories",
         "声明事项数 declared items", "实际事项数 extracted items", "一致 match", "模板以外的列 extra columns"]
    )  # fmt: skip
    for kind, s in info.lists.items():
        match = s.declared_total == s.extracted_total and s.declared_category_count == s.extracted_categories
        line([kind, s.title, s.declared_category_count, s.extracted_categories, s.declared_total,
              s.extracted_total, "是 yes" if match else "否 NO", LIST_JOINER.join(s.extra_columns) or None])  # fmt: skip

    section("工作表 Sheets")
    header(["工作表 sheet", "内容", "Contents", "行数 rows"])
    for table in TABLES:
        en, zh = table_description(table)
        line([table, zh, en, counts[table]])

    section(f"警告 Warnings ({len(info.warnings)})")
    if info.warnings:
        header(["类型 code", "清单 list", "序号 seq", "说明 message"])
        for w in info.warnings:
            line([w.code, w.list, w.seq, w.message])
    else:
        line(["无 none"])
    return sheet


def _read_tables(edition_dir: Path) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {}
    for table in TABLES:
        path = edition_dir / f"{table}.parquet"
        check_parquet_columns(table, path)
        tables[table] = read_rows(path)
    return tables


def _created(info: EditionInfo) -> datetime.datetime:
    """The workbook's creation date: the edition's month (else 1980, the zip epoch), never the clock,
    so that one edition always gives the same bytes (a corpus build on a cluster equals one on a laptop)."""
    year, month = map(int, info.published.split("-")) if info.published else (1980, 1)
    return datetime.datetime(year, month, 1, tzinfo=datetime.timezone.utc)


def write_workbook(edition_dir: Path) -> Path:
    """Write `<edition_dir>/<edition_id>.xlsx` from the directory's Parquet files and edition.json."""
    edition_dir = Path(edition_dir)
    info = read_edition_info(edition_dir)
    tables = _read_tables(edition_dir)
    with locating(file=f"{info.edition_id}.xlsx"):  # a text too long for a cell: the workbook, not the temporary directory
        sheets = [meta_sheet(info, {t: len(rows) for t, rows in tables.items()})]
        for table, rows in tables.items():
            if len(table) > SHEET_NAME_MAX:
                raise ValueError(f"table name {table!r} is longer than Excel's {SHEET_NAME_MAX}-character sheet names")
            sheets.append(table_sheet(table, rows))
    target = edition_dir / f"{info.edition_id}.xlsx"
    partial = partial_path(target)
    try:
        book = xlsxwriter.Workbook(str(partial), {"in_memory": True})
        formats = _Formats(book)
        for sheet in sheets:
            ws = book.add_worksheet(sheet.name)
            if sheet.name == META_SHEET:
                sheet.write(ws, formats, first_data_row=2)
                continue
            sheet.write(ws, formats, first_data_row=3)
            ws.freeze_panes(2, 0)
            ws.autofilter(1, 0, max(1, len(tables[sheet.name]) + 1), len(columns(sheet.name)) - 1)
        book.set_properties({
            "title": info.title,
            "subject": f"{info.edition_id}: {', '.join(list_title(k) for k in info.lists)}",
            "author": f"duty-lists {info.pipeline_version}",
            "created": _created(info),
        })
        book.close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target
