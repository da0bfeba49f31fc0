"""The workbook as LibreOffice reads it: the same sheets in the same order, and every cell as openpyxl reads it.

The other workbook tests read it back with openpyxl only; Excel, WPS and LibreOffice each read a cell's type
and text from the file themselves.  Here the real LibreOffice (`soffice --headless`, Debian package
libreoffice-calc-nogui) opens each workbook and writes every sheet as CSV, one run for all the workbooks,
with every text cell quoted: a quoted field is a text cell, a bare one a number, an empty one an empty cell.
Every cell of every sheet must read as openpyxl reads it: text as text whatever it looks like (`=SUM(…)`,
`+86`, `-1`, `0012`, `2025-07-01`, `TRUE`), with every character (Chinese, 、-joined lists, the map cells'
`列名：内容` lines, line breaks, tabs, leading and trailing spaces, 32,767 characters); numbers as numbers,
written as LibreOffice writes them (`3`, not `3.0`); empty cells empty.

The workbooks:

- published: the published 2025-07 送庄镇 edition, as the build writes it (`real_output`);
- extra_columns: the small test edition testtown-2026-03 (tests/builders.py) through the real pipeline,
  its basic list printing a 类别 column without （N项） and a 备注 column the template does not have
  (as in test_extra_columns.py);
- hard_cells: that edition with its basic_duties replaced by the cells hardest to keep as written (HARD).

Without LibreOffice the tests that need it skip, saying so.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

import builders
from helpers import TABLE_NAMES
from pipeline import write
from pipeline.build import extract_to
from pipeline.deliver.xlsx import CELL_MAX, write_workbook
from pipeline.models import TABLES, BasicDutyRow

SOFFICE = shutil.which("soffice")
# on every test that runs LibreOffice: checked before any fixture is built
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) not installed: apt-get install libreoffice-calc-nogui")

TIMEOUT = 300  # seconds for one soffice run, a cold start with a new profile included
# LibreOffice's CSV export options, token by token (its "CSV Filter Options")
CSV_FILTER = "csv:Text - txt - csv (StarCalc):" + ",".join([
    "44",  # fields separated by ,
    "34",  # text between "
    "76",  # UTF-8
    "1",  # (import only) first line
    "",  # (import only) column formats
    "0",  # language: LibreOffice's default
    "true",  # quote every text cell: the text "1" and the number 1 differ
    "true",  # (import only) detect special numbers
    "false",  # cell contents as stored, not as shown
    "false",  # values, not formulas
    "false",  # (import only) trim spaces
    "-1",  # every sheet, each to its own <book>-<sheet>.csv (LibreOffice 7.2 and later)
])
# what soffice prints for each sheet it writes, in the workbook's order
WRITING_SHEET = re.compile(r"^Writing sheet (.+) -> (.+\.csv)$", re.M)

SHEETS = ["edition", *TABLE_NAMES]
# the columns of the flat tables that hold numbers (written out by hand from pipeline/models.py); every other is text
NUMBER_COLUMNS = {"seq", "category_no", "clause_no", "department_count", "township_clause_count", "declared_count",
                  "item_count", "coordinated_items", "reclaimed_items"}  # fmt: skip

SMALL = "testtown-2026-03"
LAW = "《中华人民共和国土地管理法》第六十七条"
LONG = ("1.优化营商环境，服务辖区企业发展。\n" + "协调解决企业生产经营中遇到的困难和问题，" * 40 + "\n\n2.做好统计工作。")
FULL_CELL = ("发展镇域经济，" * (CELL_MAX // 7 + 1))[:CELL_MAX]  # as long as a cell holds
# basic_duties of the hard_cells workbook, one row each from row 3: seq, category_no, category, text, extra
HARD = [
    (1, 1, "党的建设", "=SUM(A1:A9)", {"备注": "/", "法律依据": LAW}),
    (2, 1, "党的建设", "+86 379 6000 0000", {"备注": "-1", "法律依据": ""}),
    (3, 1, "党的建设", "-（一）加强基层党组织建设", {"备注": "@区委组织部", "法律依据": '=HYPERLINK("http://example.com")'}),
    (4, 2, "经济发展", LONG, {"备注": "需区发展改革委配合\n区财政局", "法律依据": "《优化营商环境条例》\n第八条"}),
    (5, 2, "经济发展", "0012", {"备注": "2025-07-01", "法律依据": "TRUE"}),
    (6, 2, "经济发展", "1.50", {"备注": "1E+5", "法律依据": "12%"}),
    (7, 2, "经济发展", "  前后有空格\t制表符  ", {"备注": '"引号", 逗号,comma', "法律依据": "_x0041_ 不是转义"}),
    (8, 2, "经济发展", "'单引号开头 𠮷 ✓", {"备注": "区委组织部、区委宣传部", "法律依据": " "}),
    (9, 2, "经济发展", "响铃\x07字符", {"备注": "", "法律依据": ""}),
    (10, 2, "经济发展", FULL_CELL, {"备注": "", "法律依据": LAW}),
]
# column E (text) of those rows as the workbook must hold it: as given, but the control character dropped
HARD_TEXTS = [t if seq != 9 else "响铃字符" for seq, _, _, t, _ in HARD]
HARD_MAPS = {  # column F (extra) of some of them: one `列名：内容` line per column, in printed order
    1: f"备注：/\n法律依据：{LAW}",
    2: "备注：-1\n法律依据：",
    3: '备注：@区委组织部\n法律依据：=HYPERLINK("http://example.com")',
    4: "备注：需区发展改革委配合\n区财政局\n法律依据：《优化营商环境条例》\n第八条",
    7: '备注："引号", 逗号,comma\n法律依据：_x0041_ 不是转义',
    8: "备注：区委组织部、区委宣传部\n法律依据： ",
}
# a text XlsxWriter takes for rich-text XML of its own making: it starts with <r> and ends with </r>
LOOKALIKE = [(1, 1, "党的建设", "<r>加强党的建设。</r>", {"备注": "", "法律依据": ""}),
             (2, 1, "党的建设", "<r>甲<乙 & 丙</r>", {"备注": "<r>/</r>", "法律依据": ""})]  # unescaped: invalid XML

# a cell as read: (kind, text), kind "text" (a quoted field), "value" (a bare one: a number or a truth value)
# or "empty"; a sheet: its rows, each as wide as the sheet; a book: its sheets in order
Cell = tuple[str, str]
Book = dict[str, list[list[Cell]]]
BOOKS = ["published", "extra_columns", "hard_cells"]


# --------------------------------------------------------------------------- #
# the workbooks


def _extra_columns_edition(directory: Path) -> Path:
    """testtown-2026-03 through the real pipeline: a 类别 column without （N项） and a 备注 column."""
    basic = (["序号", "类别", "事项名称", "备注"],
             [["1", "党的建设", "加强党的建设。", "/"], ["2", "", "做好党员教育。", ""],
              ["3", "经济发展", "发展镇域经济。", "镇经济办负责"]])  # fmt: skip
    source = builders.write_docx(directory / f"{SMALL}.docx", tables=[basic, *builders.TABLES[1:]])
    out = directory / "output" / SMALL
    extract_to([source], out)
    return out


def _with_basic_duties(edition: Path, out: Path, basic: list[tuple]) -> Path:
    """A copy of `edition` whose basic_duties are `basic` (as HARD), and its workbook written again."""
    shutil.copytree(edition, out)
    (out / f"{SMALL}.xlsx").unlink()
    rows = [BasicDutyRow(edition_id=SMALL, seq=s, category_no=n, category=c, text=t, extra=e)
            for s, n, c, t, e in basic]
    write.write_table(out, "basic_duties", TABLES["basic_duties"], rows)
    write_workbook(out)
    return out


@pytest.fixture(scope="module")
def workbooks(real_output, tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("lo_books")
    small = _extra_columns_edition(tmp)
    return {
        "published": real_output / "songzhuang-2025-07" / "songzhuang-2025-07.xlsx",
        "extra_columns": small / f"{SMALL}.xlsx",
        "hard_cells": _with_basic_duties(small, tmp / "hard" / SMALL, HARD) / f"{SMALL}.xlsx",
        # not among BOOKS: see test_text_shaped_like_xlsxwriters_rich_text_is_kept
        "rich_text_lookalike": _with_basic_duties(small, tmp / "lookalike" / SMALL, LOOKALIKE) / f"{SMALL}.xlsx",
    }


# --------------------------------------------------------------------------- #
# the workbooks as openpyxl and LibreOffice read them


def _number_text(value: int | float) -> str:
    """A number as LibreOffice writes it: whole numbers without a decimal point.  (LibreOffice keeps 15
    significant digits and writes 1E+020 and 0.0000001: no cell of the workbook is such a number.)"""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or abs(value) >= 10**15:
        raise AssertionError(f"a number this test does not know how LibreOffice writes: {value!r}")
    return str(value)


def _openpyxl_cell(value) -> Cell:
    if value is None:
        return ("empty", "")
    if isinstance(value, str):
        return ("text", value)
    if isinstance(value, bool):
        return ("value", "TRUE" if value else "FALSE")
    if isinstance(value, (int, float)):
        return ("value", _number_text(value))
    raise AssertionError(f"a cell this test does not know how LibreOffice writes: {value!r}")


def openpyxl_book(path: Path) -> Book:
    wb = load_workbook(path)
    try:
        return {
            ws.title: [[_openpyxl_cell(v) for v in row]
                       for row in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column,
                                               values_only=True)]
            for ws in wb.worksheets
        }  # fmt: skip
    finally:
        wb.close()


def parse_csv(text: str) -> list[list[Cell]]:
    """LibreOffice's CSV, keeping what `csv` drops: whether a field was quoted (a text cell) or bare.

    Fields are separated by `,` and records end with a line feed; a quoted field doubles its quotes
    and holds anything, line breaks included."""
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    i = 0
    while i < len(text):
        if text[i] == '"':
            parts, j = [], i + 1
            while True:
                k = text.index('"', j)
                parts.append(text[j:k])
                if text.startswith('"', k + 1):
                    parts.append('"')
                    j = k + 2
                else:
                    break
            i = k + 1
            row.append(("text", "".join(parts)))
        else:
            k = i
            while k < len(text) and text[k] not in ",\n":
                k += 1
            row.append(("value" if k > i else "empty", text[i:k]))
            i = k
        if i < len(text) and text[i] == ",":
            i += 1
            if i == len(text) or text[i] == "\n":
                row.append(("empty", ""))  # a last field that is empty
        if i == len(text) or text[i] == "\n":
            rows.append(row)
            row = []
            i += 1
        elif text[i - 1] != ",":
            raise AssertionError(f"unexpected {text[i]!r} after a field, at character {i}")
    return rows


def libreoffice_books(books: dict[str, Path], directory: Path) -> dict[str, Book]:
    """Every sheet of every book as LibreOffice reads it: one soffice run, its own profile, a timeout."""
    inputs = directory / "in"
    inputs.mkdir()
    for key, path in books.items():  # distinct names: soffice writes <name>-<sheet>.csv
        shutil.copyfile(path, inputs / f"{key}.xlsx")
    out = directory / "csv"
    command = [SOFFICE, f"-env:UserInstallation={(directory / 'profile').as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", CSV_FILTER, "--outdir", str(out),
               *(str(inputs / f"{key}.xlsx") for key in books)]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # soffice and the office process it started
        proc.communicate()
        raise AssertionError(f"soffice did not finish in {TIMEOUT} s: {' '.join(command)}") from None
    written = WRITING_SHEET.findall(stdout)
    if not written and any(out.glob("*.csv")):
        version = subprocess.run([SOFFICE, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
        pytest.skip(f"LibreOffice 7.2 or later needed to write every sheet as CSV; installed: {version}")
    assert proc.returncode == 0 and written, f"soffice failed ({proc.returncode}):\n{stdout}\n{stderr}"
    result: dict[str, Book] = {key: {} for key in books}
    for sheet, path in written:
        key = Path(path).name.removesuffix(f"-{sheet}.csv")
        result[key][sheet] = parse_csv(Path(path).read_text(encoding="utf-8"))
    assert sorted(p.name for p in out.iterdir()) == sorted(Path(p).name for _, p in written)
    return result


@pytest.fixture(scope="module")
def openpyxl_reads(workbooks) -> dict[str, Book]:
    return {key: openpyxl_book(path) for key, path in workbooks.items()}


@pytest.fixture(scope="module")
def libreoffice_reads(workbooks, openpyxl_reads, tmp_path_factory) -> dict[str, Book]:
    """After openpyxl's reads (`openpyxl_reads`): LibreOffice opens the files openpyxl has read."""
    return libreoffice_books(workbooks, tmp_path_factory.mktemp("libreoffice"))


def _where(sheet: str, row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{sheet}!{get_column_letter(col)}{row}"


def _show(cell: Cell) -> str:
    kind, text = cell
    return kind if kind == "empty" else f"{kind} {text[:60]!r}{'…' if len(text) > 60 else ''}"


# --------------------------------------------------------------------------- #
# LibreOffice reads what openpyxl reads


@needs_libreoffice
@pytest.mark.parametrize("book", BOOKS)
def test_same_sheets_in_the_same_order(book, openpyxl_reads, libreoffice_reads):
    assert list(libreoffice_reads[book]) == list(openpyxl_reads[book]) == SHEETS


@needs_libreoffice
@pytest.mark.parametrize("book", BOOKS)
def test_same_number_of_rows_and_columns(book, openpyxl_reads, libreoffice_reads):
    for sheet, expected in openpyxl_reads[book].items():
        got = libreoffice_reads[book][sheet]
        assert len(got) == len(expected), sheet
        assert {len(r) for r in got} == {len(r) for r in expected} == {len(expected[0])}, sheet


@needs_libreoffice
@pytest.mark.parametrize("book", BOOKS)
def test_every_cell_reads_the_same(book, openpyxl_reads, libreoffice_reads):
    differences = []
    for sheet, expected in openpyxl_reads[book].items():
        got = libreoffice_reads[book][sheet]
        for r, (want_row, got_row) in enumerate(zip(expected, got), start=1):
            for c, (want, cell) in enumerate(zip(want_row, got_row), start=1):
                if cell != want:
                    differences.append(f"{_where(sheet, r, c)}: openpyxl {_show(want)}, LibreOffice {_show(cell)}")
    assert differences == [], f"{len(differences)} cells differ:\n" + "\n".join(differences[:20])


@needs_libreoffice
@pytest.mark.parametrize("book", BOOKS)
def test_numbers_are_numbers_and_text_is_text(book, libreoffice_reads):
    """Each table's number columns hold numbers (or nothing), every other column text (or nothing)."""
    for table in TABLE_NAMES:
        rows = libreoffice_reads[book][table]
        names = [text for _, text in rows[1]]
        for r, row in enumerate(rows[2:], start=3):
            for c, (name, (kind, text)) in enumerate(zip(names, row), start=1):
                want = "value" if name in NUMBER_COLUMNS else "text"
                assert kind in (want, "empty"), f"{_where(table, r, c)} ({name}): {kind} {text!r}"
                if kind == "value":
                    assert text.isdigit(), f"{_where(table, r, c)} ({name}): {text!r}"


# --------------------------------------------------------------------------- #
# what the workbooks hold, as LibreOffice reads it


@needs_libreoffice
def test_published_edition(libreoffice_reads):
    book = libreoffice_reads["published"]
    assert [len(book[t]) - 2 for t in ("basic_duties", "coordinated_duties", "reclaimed_duties")] == [119, 69, 126]
    assert book["basic_duties"][1] == [("text", n) for n in ("edition_id", "seq", "category_no", "category", "text",
                                                               "extra", "ocr_confidence")]  # fmt: skip
    assert book["basic_duties"][2][:3] == [("text", "songzhuang-2025-07"), ("value", "1"), ("value", "1")]
    assert {row[5] for row in book["basic_duties"][2:]} == {("empty", "")}  # no extra column: empty maps
    assert {row[6] for row in book["basic_duties"][2:]} == {("empty", "")}  # read from text: no OCR confidence
    # departments: lists joined with 、
    assert any("、" in text for kind, text in (row[5] for row in book["coordinated_duties"][2:]) if kind == "text")


@needs_libreoffice
def test_extra_columns_and_categories_without_a_count(libreoffice_reads):
    book = libreoffice_reads["extra_columns"]
    assert [row[5] for row in book["basic_duties"][2:]] == [("text", "备注：/"), ("text", "备注："),
                                                             ("text", "备注：镇经济办负责")]  # fmt: skip
    # the 类别 column printed no （N项）: an empty declared count
    assert [row[2:] for row in book["categories"][2:4]] == [
        [("value", "1"), ("text", "党的建设"), ("empty", ""), ("value", "2")],
        [("value", "2"), ("text", "经济发展"), ("empty", ""), ("value", "1")],
    ]
    totals = next(row for row in book["edition"] if row[0] == ("text", "basic"))
    assert totals[-1] == ("text", "备注")  # the metadata sheet names the extra column


@needs_libreoffice
def test_hard_cells_stay_text_as_written(libreoffice_reads):
    rows = libreoffice_reads["hard_cells"]["basic_duties"][2:]
    assert len(rows) == len(HARD)
    assert [row[4] for row in rows] == [("text", t) for t in HARD_TEXTS]  # never a formula, a number or a date
    assert len(rows[9][4][1]) == CELL_MAX
    for seq, text in HARD_MAPS.items():
        assert rows[seq - 1][5] == ("text", text), seq
    assert [row[1] for row in rows] == [("value", str(seq)) for seq, *_ in HARD]


@needs_libreoffice
def test_text_shaped_like_xlsxwriters_rich_text_is_kept(openpyxl_reads, libreoffice_reads):
    """Written as XlsxWriter writes it, the first text reads empty and the second makes the workbook unreadable."""
    for reads in (openpyxl_reads, libreoffice_reads):
        rows = reads["rich_text_lookalike"]["basic_duties"]
        assert [row[4] for row in rows[2:4]] == [("text", "<r>加强党的建设。</r>"), ("text", "<r>甲<乙 & 丙</r>")]


# --------------------------------------------------------------------------- #
# the reader


def test_parse_csv_keeps_quoting_and_empty_fields():
    text = '"a","",1,,"x ""y""\nz",\n,\n"=1",TRUE\n'
    assert parse_csv(text) == [
        [("text", "a"), ("text", ""), ("value", "1"), ("empty", ""), ("text", 'x "y"\nz'), ("empty", "")],
        [("empty", ""), ("empty", "")],
        [("text", "=1"), ("value", "TRUE")],
    ]
