"""Workbooks (.xlsx, .xls, .ods) through pipeline.extract.workbook.

Small workbooks written here with openpyxl (test data): expected cells are what the test wrote into
them, never the extractor's output. The committed fixtures of tests/fixtures/formats (made by
make_workbooks.py from the source DOCX editions) must give exactly the records of their DOCX.
"""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import olefile

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

import builders
from builders import edit_member, rewrite_zip
from helpers import FORMAT_FIXTURES
from pipeline.compare import disagreements
from pipeline.errors import InputError
from pipeline.extract import RawRow, extract
from pipeline.normalise.edition import build_edition

BAD = FORMAT_FIXTURES / "bad"

# the other two lists, as every workbook needs a sheet for each
OTHER_LISTS = {
    "配合履职事项": [builders.COORDINATED_HEADER, *builders.COORDINATED],
    "上级部门收回事项": [builders.RECLAIMED_HEADER, *builders.RECLAIMED],
}


def write_book(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook with one sheet per entry, rows from row 1 (None: an empty cell), `merges` per sheet."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    sheet.cell(r, c, value)
        for cells in (merges or {}).get(name, []):
            sheet.merge_cells(cells)
    book.save(path)
    return path


def raises(path: Path, code: str) -> str:
    with pytest.raises(InputError) as err:
        extract(path)
    assert err.value.code == code, str(err.value)
    return str(err.value)


# --------------------------------------------------------------------------- #
# the reading rules


BASIC_SHEET = [
    ["测试镇基本履职事项清单"],  # row 1, merged A1:C1
    [],  # row 2: empty, skipped
    ["序号", "事项名称", "备注"],  # row 3
    ["一、党的建设（2项）"],  # row 4, merged A4:C4
    [1, "加强党的建设：\r\n1.学习；\r2.宣传。", 2.5],  # row 5
    [2.0, "做好党员教育。", None],  # row 6
    [None, "（接上）", "每季度"],  # row 7
]


def test_list_sheet_rows_cells_and_locations(tmp_path):
    path = write_book(tmp_path / "w.xlsx", {"基本履职事项": BASIC_SHEET, **OTHER_LISTS},
                      merges={"基本履职事项": ["A1:C1", "A4:C4"]})
    doc = extract(path)
    assert doc.format == "xlsx" and doc.front_matter == []
    basic = doc.tables[0]
    assert basic.header == ("序号", "事项名称", "备注")
    assert basic.where == "sheet '基本履职事项'"
    assert [(row.where, row.cells) for row in basic.rows] == [
        ("sheet '基本履职事项' row 1", ("测试镇基本履职事项清单",)),
        ("sheet '基本履职事项' row 3", ("序号", "事项名称", "备注")),
        ("sheet '基本履职事项' row 4", ("一、党的建设（2项）",)),
        ("sheet '基本履职事项' row 5", ("1", "加强党的建设：\n1.学习；\n2.宣传。", "2.5")),
        ("sheet '基本履职事项' row 6", ("2", "做好党员教育。")),
        ("sheet '基本履职事项' row 7", ("", "（接上）", "每季度")),
    ]
    assert [t.header for t in doc.tables[1:]] == [tuple(builders.COORDINATED_HEADER), tuple(builders.RECLAIMED_HEADER)]
    coordinated = doc.tables[1].rows
    assert coordinated[2].cells == tuple(builders.COORDINATED[1])  # line breaks kept as written


def test_vertical_merge_continuation_is_empty_and_text_past_the_header_is_kept(tmp_path):
    rows = [["序号", "事项名称", "说明"], ["1", "甲", "同上"], ["2", "乙"], ["3", "丙", "", "", "表外的字"]]
    path = write_book(tmp_path / "w.xlsx", {"基本履职事项": rows, **OTHER_LISTS}, merges={"基本履职事项": ["C2:C3"]})
    cells = [row.cells for row in extract(path).tables[0].rows]
    assert cells == [("序号", "事项名称", "说明"), ("1", "甲", "同上"), ("2", "乙"), ("3", "丙", "", "", "表外的字")]


def test_preface_sheets_are_the_front_matter_and_lists_are_found_by_header_not_name(tmp_path):
    sheets = {
        "封面": [["某省某市某区测试镇"], [None, "履行职责事项清单"]],
        "基本履职事项": [["说 明\n测试镇基本履职事项清单包括……"], [None], ["2026年3月"]],  # a note named like a list
        "Sheet3": [["单位：测试镇人民政府"], [], [], ["序号", "事项名称"], ["一、党的建设（1项）"], [1, "加强党的建设。"]],
        **OTHER_LISTS,
        "配合履职事项说明": [["序号", "备注"], ["1", "不是清单"]],  # after the lists, no list header: ignored
    }
    doc = extract(write_book(tmp_path / "w.xlsx", sheets))
    assert doc.front_matter == ["某省某市某区测试镇", "履行职责事项清单", "说 明", "测试镇基本履职事项清单包括……", "2026年3月"]
    assert [t.where for t in doc.tables] == ["sheet 'Sheet3'", "sheet '配合履职事项'", "sheet '上级部门收回事项'"]
    assert doc.tables[0].header == ("序号", "事项名称")
    assert doc.tables[0].rows[0] == RawRow(("单位：测试镇人民政府",), "sheet 'Sheet3' row 1")


def test_a_workbook_of_the_builders_edition_builds_like_its_docx(tmp_path):
    """Title rows above the header and the header row itself are left to the normaliser, which drops them."""
    sheets, merges = {"说明": [[p] for p in builders.FRONT]}, {}
    for (header, rows), title in zip(builders.TABLES, ["基本履职事项清单", "配合履职事项清单", "上级部门收回事项清单"]):
        name, last = title.removesuffix("清单"), get_column_letter(len(header))
        sheets[name] = [[f"测试镇{title}"], header, *rows]
        merges[name] = [f"A{r}:{last}{r}" for r, row in enumerate(sheets[name], 1) if len(row) == 1]
    workbook, _ = build_edition(extract(write_book(tmp_path / "w.xlsx", sheets, merges)), "t")
    docx, _ = build_edition(extract(builders.write_docx(tmp_path / "w.docx")), "t")
    assert disagreements(workbook, docx) == []


# --------------------------------------------------------------------------- #
# bad workbooks


def test_bad_fixtures_give_their_code():
    assert raises(BAD / "truncated.xlsx", "workbook_unreadable") == (
        "truncated.xlsx: not a readable workbook: not a zip archive, or a damaged one (File is not a zip file)")
    assert raises(BAD / "encrypted.xlsx", "workbook_encrypted") == (
        "encrypted.xlsx: the workbook is protected by a password; save it without one")
    assert raises(BAD / "encrypted.xls", "workbook_encrypted") == (
        "encrypted.xls: the workbook is protected by a password; save it without one")
    # a list without its sheet: the normaliser's error, as for every format, names the sheets it found
    with pytest.raises(InputError) as err:
        build_edition(extract(BAD / "missing-sheet.xlsx"), "qingshi-2026-03")
    assert (err.value.code, str(err.value)) == ("list_missing", "no 配合履职事项清单 table found (looked for a header "
        "row starting 序号/编号); lists found: 基本履职事项清单 at sheet '青石镇基本履职事项清单'; "
        "上级部门收回事项清单 at sheet '青石镇上级部门收回事项清单'")


def test_not_a_workbook(tmp_path):
    (tmp_path / "w.xls").write_bytes("这不是工作簿\n".encode())
    assert "not a readable workbook: Cfb error: Invalid OLE" in raises(tmp_path / "w.xls", "workbook_unreadable")
    (tmp_path / "w.ods").write_bytes(b"PK\x03\x04\x14\x00")
    assert "not a zip archive" in raises(tmp_path / "w.ods", "workbook_unreadable")


def test_damaged_parts_name_the_part_or_sheet(tmp_path):
    source = FORMAT_FIXTURES / "qingshi-2026-03.xlsx"
    no_sheet = rewrite_zip(source, tmp_path / "a.xlsx", {"xl/worksheets/sheet2.xml": None})
    assert raises(no_sheet, "workbook_unreadable") == (
        "a.xlsx: not a readable workbook: sheet '青石镇基本履职事项清单' is listed in the workbook, but its part is missing")
    broken = edit_member(source, tmp_path / "b.xlsx", "xl/workbook.xml", "<sheets>", "<sheets")
    assert "b.xlsx: not a readable workbook: " in raises(broken, "workbook_unreadable")


def test_one_far_cell_is_refused_before_calamine_builds_its_grid(tmp_path):
    """A few bytes placing a cell at XFD1048576 would make calamine allocate a grid of 17 billion cells."""
    book = openpyxl.Workbook()
    book.active["A1"], book.active["XFD1048576"] = "序号", "x"
    book.save(tmp_path / "far.xlsx")
    assert raises(tmp_path / "far.xlsx", "too_large") == (
        "far.xlsx: the grid of xl/worksheets/sheet1.xml (1,048,576 rows × 16,384 columns) is 524,288.0 MiB, "
        "past the limit of 32 MiB (--max-inflate-mb)")
    row = ('<table:table-row table:number-rows-repeated="2000000"><table:table-cell office:value-type="string" '
           'table:number-columns-repeated="3"><text:p>x</text:p></table:table-cell></table:table-row></table:table>')
    ods = edit_member(FORMAT_FIXTURES / "qingshi-2026-03.ods", tmp_path / "far.ods", "content.xml", "</table:table>", row)
    assert raises(ods, "too_large") == (
        "far.ods: the grid of sheet '说明' (1,048,576 rows × 3 columns) is 96.0 MiB, past the limit of 32 MiB (--max-inflate-mb)")


def _xls_with_record_changed(tmp_path: Path, typ: int, fields: str, values: tuple) -> Path:
    """qingshi's .xls with the first record of type `typ` after the globals (in sheet 说明) given new values
    at its start, the stream keeping its size (olefile writes streams in place)."""
    path = tmp_path / "w.xls"
    shutil.copyfile(FORMAT_FIXTURES / "qingshi-2026-03.xls", path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream, at, bofs = bytearray(ole.openstream("Workbook").read()), 0, 0
        while (at := at + 4 + struct.unpack_from("<HH", stream, at)[1]) < len(stream):
            bofs += struct.unpack_from("<H", stream, at)[0] == 0x0809
            if bofs == 1 and struct.unpack_from("<H", stream, at)[0] == typ:
                struct.pack_into(fields, stream, at + 4, *values)
                break
        ole.write_stream("Workbook", bytes(stream))
    return path


def test_xls_far_cells_and_lying_dimensions_are_refused_before_calamine_reads_them(tmp_path):
    """Calamine reserves what DIMENSIONS declares and builds a grid up to the last cell: either aborts the process."""
    lying = _xls_with_record_changed(tmp_path, 0x0200, "<IIHH", (0, 0xFFFFFFFF, 0, 0xFFFF))
    assert raises(lying, "too_large") == (
        "w.xls: the grid of sheet '说明' as its DIMENSIONS record declares (4,294,967,296 rows × 65,536 columns) "
        "is 8,589,934,592.0 MiB, past the limit of 32 MiB (--max-inflate-mb)")
    far = _xls_with_record_changed(tmp_path, 0x00FD, "<HH", (0xFFFF, 0xFF))  # a LABELSST cell moved to IV65536
    assert raises(far, "too_large") == (
        "w.xls: the grid of sheet '说明' (65,536 rows × 256 columns) is 512.0 MiB, past the limit of 32 MiB (--max-inflate-mb)")


def test_the_empty_rows_and_columns_libreoffice_repeats_to_the_sheet_end_are_not_counted():
    assert extract(FORMAT_FIXTURES / "qingshi-2026-03.ods").tables  # 1,048,569 empty rows × 16,384 empty cells


# --------------------------------------------------------------------------- #
# the committed fixtures: exactly their source DOCX's records

def test_fixture_without_preface_has_no_front_matter():
    doc = extract(FORMAT_FIXTURES / "songzhuang-2025-07-no-preface.xlsx")
    assert doc.front_matter == []
    assert [t.where for t in doc.tables] == ["sheet '基本履职事项'", "sheet '配合履职事项'", "sheet '上级部门收回事项'"]
