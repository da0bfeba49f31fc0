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
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NAME_FILL = PatternFill("solid", fgColor="F2F2F2")
BOLD = Font(bold=True)
NAME_FONT = Font(italic=True, color="595959")
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12)
BOTTOM = Border(bottom=Side(style="thin", color="808080"))
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

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


def _set(ws: Worksheet, row: int, col: int, value, about: dict | None = None):
    """Write a value as data: never a formula, no illegal control characters, never cut short.

    `about` names what the value is (column, list, category, seq) for the error a too-long text raises."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > CELL_MAX:
            raise _cell_too_long(ws, row, col, len(value), about or {})
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _cell_too_long(ws: Worksheet, row: int, col: int, length: int, about: dict) -> InputError:
    """Excel keeps a cell's first CELL_MAX characters and drops the rest: refuse rather than cut the text."""
    column = f" in column {about['column']}" if about.get("column") else ""
    return InputError("cell_too_long",
                      f"text of {length:,} characters{column}, more than an Excel cell holds ({CELL_MAX:,})",
                      where=f"sheet {ws.title} cell {get_column_letter(col)}{row}", list_kind=about.get("list"),
                      category=about.get("category"), seq=about.get("seq"))


_COMMENT_NOTES = {"list": "\n(list: items joined with 、)", "map": "\n(map: one line per column, 列名：内容)"}


def _list_feeding(table: str) -> str | None:
    """The list kind whose items make the table's rows; None for tables of every list (categories, departments)."""
    return next((k.key for k in KINDS.values() if table in k.tables), None)


def _fit(ws: Worksheet, widths: dict[int, int], first_data_row: int) -> None:
    """Set column widths; wrap the cells of columns whose content is wider than MAX_WIDTH."""
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(MIN_WIDTH, min(width, MAX_WIDTH) + 2)
        wrap = width > MAX_WIDTH
        for (cell,) in ws.iter_rows(min_row=first_data_row, min_col=col, max_col=col):
            cell.alignment = WRAP if wrap else TOP


def write_table_sheet(ws: Worksheet, table: str, rows: list[dict]) -> None:
    cols = columns(table)
    widths: dict[int, int] = {}
    for j, c in enumerate(cols, start=1):
        zh = _set(ws, 1, j, c.zh or c.name)
        zh.font, zh.fill = BOLD, HEADER_FILL
        zh.alignment = Alignment(wrap_text=True, vertical="center")
        name = _set(ws, 2, j, c.name)
        name.font, name.fill, name.border = NAME_FONT, NAME_FILL, BOTTOM
        name.comment = Comment(f"{c.en}\n{c.zh}" + _COMMENT_NOTES.get(c.kind, ""), "duty-lists")
        widths[j] = max(display_width(c.zh or ""), display_width(c.name))
    list_key = _list_feeding(table)
    for i, row in enumerate(rows, start=3):
        about = {"list": list_key or row.get("list"), "category": row.get("category"), "seq": row.get("seq")}
        for j, c in enumerate(cols, start=1):
            value = cell_value(c, row.get(c.name))
            _set(ws, i, j, value, {**about, "column": c.name})
            if value is not None:
                widths[j] = max(widths[j], *(display_width(line) for line in str(value).split("\n")))
    _fit(ws, widths, first_data_row=3)
    ws.freeze_panes = "A3"
    last = get_column_letter(len(cols))
    ws.auto_filter.ref = f"A2:{last}{max(2, len(rows) + 2)}"


def write_meta_sheet(ws: Worksheet, info: EditionInfo, counts: dict[str, int]) -> None:
    widths: dict[int, int] = {}
    r = 0

    def put(row: int, values: list, font=None, fill=None, measure: bool = True) -> None:
        for j, v in enumerate(values, start=1):
            cell = _set(ws, row, j, v)
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
            if v is not None and measure:
                widths[j] = max(widths.get(j, 0), display_width(str(v)))

    def section(title: str) -> None:
        nonlocal r
        r += 2
        put(r, [title], font=SECTION_FONT, measure=False)  # titles may overflow into empty cells

    def header(values: list) -> None:
        nonlocal r
        r += 1
        put(r, values, font=BOLD, fill=HEADER_FILL)

    def line(values: list) -> None:
        nonlocal r
        r += 1
        put(r, values)

    r = 1
    put(r, [info.title], font=TITLE_FONT, measure=False)

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

    _fit(ws, widths, first_data_row=2)
    ws.freeze_panes = None


def build_workbook(edition_dir: Path) -> tuple[Workbook, EditionInfo]:
    edition_dir = Path(edition_dir)
    info = read_edition_info(edition_dir)
    tables: dict[str, list[dict]] = {}
    for table in TABLES:
        path = edition_dir / f"{table}.parquet"
        check_parquet_columns(table, path)
        tables[table] = read_rows(path)

    wb = Workbook()
    meta = wb.active
    meta.title = META_SHEET
    with locating(file=f"{info.edition_id}.xlsx"):  # a text too long for a cell: the workbook, not the temporary directory
        write_meta_sheet(meta, info, {t: len(rows) for t, rows in tables.items()})
        for table, rows in tables.items():
            if len(table) > SHEET_NAME_MAX:
                raise ValueError(f"table name {table!r} is longer than Excel's {SHEET_NAME_MAX}-character sheet names")
            write_table_sheet(wb.create_sheet(table), table, rows)
    wb.properties.title = info.title
    wb.properties.subject = f"{info.edition_id}: {', '.join(list_title(k) for k in info.lists)}"
    wb.properties.creator = f"duty-lists {info.pipeline_version}"
    return wb, info


def write_workbook(edition_dir: Path) -> Path:
    """Write `<edition_dir>/<edition_id>.xlsx` from the directory's Parquet files and edition.json."""
    edition_dir = Path(edition_dir)
    wb, info = build_workbook(edition_dir)
    target = edition_dir / f"{info.edition_id}.xlsx"
    partial = partial_path(target)
    try:
        wb.save(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target
