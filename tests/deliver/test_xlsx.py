"""The per-edition Excel workbook: sheets, two heading rows, frozen header, filters, values, widths, metadata sheet,
a text too long for a cell.

Sheet names and headings are written out below by hand from pipeline/models.py.
"""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

import builders
from builders import write_text
from helpers import TABLE_NAMES
from pipeline.cli import main
from pipeline.deliver.xlsx import MAX_WIDTH, display_width, write_workbook
from pipeline.errors import InputError
from pipeline.models import BasicDutyRow

FULL = "testtown-2025-07"

SHEETS = ["edition", *TABLE_NAMES]
# sheet -> (row 1: Chinese headings, row 2: column names)
HEADINGS = {
    "basic_duties": (
        ["版本标识", "序号", "类别序号", "类别名称", "事项名称（原文）", "模板以外的列：列名→内容", "文字识别置信度"],
        ["edition_id", "seq", "category_no", "category", "text", "extra", "ocr_confidence"],
    ),
    "coordinated_duties": (
        ["版本标识", "序号", "类别序号", "类别名称", "事项名称", "上级部门（按原文顺序）", "对应上级部门数", "乡镇配合职责条数",
         "模板以外的列：列名→内容", "文字识别置信度"],
        ["edition_id", "seq", "category_no", "category", "name", "departments", "department_count", "township_clause_count",
         "extra", "ocr_confidence"],
    ),
    "coordinated_department_duties": (
        ["版本标识", "序号", "上级部门", "条款序号", "上级部门职责（一条）", "原文标签"],
        ["edition_id", "seq", "department", "clause_no", "text", "label"],
    ),
    "coordinated_township_duties": (
        ["版本标识", "序号", "条款序号", "乡镇（街道）配合职责（一条）"],
        ["edition_id", "seq", "clause_no", "text"],
    ),
    "reclaimed_duties": (
        ["版本标识", "序号", "类别序号", "类别名称", "事项名称", "承接部门", "处置方式", "不再开展的原因", "工作方式", "模板以外的列：列名→内容",
         "文字识别置信度"],
        ["edition_id", "seq", "category_no", "category", "name", "departments", "disposition", "reason", "method", "extra",
         "ocr_confidence"],
    ),
    "reclaimed_method_clauses": (
        ["版本标识", "序号", "条款序号", "工作方式（一条）", "条款开头的承接部门"],
        ["edition_id", "seq", "clause_no", "text", "department"],
    ),
    "categories": (
        ["版本标识", "清单", "类别序号", "类别名称", "标题声明的事项数", "实际事项数"],
        ["edition_id", "list", "category_no", "category", "declared_count", "item_count"],
    ),
    "departments": (
        ["版本标识", "部门名称", "涉及的配合履职事项数", "承接的收回事项数"],
        ["edition_id", "department", "coordinated_items", "reclaimed_items"],
    ),
}


def stored_width(characters: int) -> float:
    """The <col width> Excel stores for a column `characters` digits wide as it shows it (ECMA-376
    Part 1, 18.3.1.13): truncate((characters * 7 + 5) / 7 * 256) / 256, 7 pixels being the widest
    digit of the default font (Calibri 11) and 5 the cell's padding."""
    return int((characters * 7 + 5) / 7 * 256) / 256


@pytest.fixture
def workbook(edition_dir):
    return load_workbook(write_workbook(edition_dir))


def test_written_under_the_edition_id_from_edition_json(edition_dir, tmp_path):
    # the build calls us on a temporary directory: the name must come from edition.json, not the directory
    tmp = tmp_path / ".testtown-2025-07.abc.tmp"
    shutil.copytree(edition_dir, tmp)
    path = write_workbook(tmp)
    assert path == tmp / f"{FULL}.xlsx"
    assert sorted(p.name for p in tmp.iterdir() if p.name.startswith(".")) == []  # no partial file left


def test_sheets_metadata_first_then_one_per_table(workbook):
    assert workbook.sheetnames == SHEETS
    assert all(len(name) <= 31 for name in workbook.sheetnames)


def test_headings_chinese_then_column_name(workbook):
    for table, (chinese, names) in HEADINGS.items():
        ws = workbook[table]
        assert [c.value for c in ws[1]] == chinese, table
        assert [c.value for c in ws[2]] == names, table
        assert ws["A2"].comment is not None and "Edition identifier" in ws["A2"].comment.text
    assert workbook["basic_duties"]["B1"].value == "序号"
    assert workbook["coordinated_duties"]["F1"].value == "上级部门（按原文顺序）"
    assert workbook["reclaimed_duties"]["G2"].comment is not None
    assert "transferred: a department does it now" in workbook["reclaimed_duties"]["G2"].comment.text


def test_frozen_header_and_autofilter_over_the_data(workbook):
    for table in HEADINGS:
        ws = workbook[table]
        assert ws.freeze_panes == "A3"
        assert ws.auto_filter.ref.startswith("A2:")
    # basic_duties: 7 columns, 3 rows of data below two heading rows
    assert workbook["basic_duties"].auto_filter.ref == "A2:G5"
    # coordinated_department_duties: 6 columns, 4 rows
    assert workbook["coordinated_department_duties"].auto_filter.ref == "A2:F6"


def test_values_lists_joined_nulls_empty_numbers_numeric(workbook):
    ws = workbook["coordinated_duties"]
    assert [c.value for c in ws[3]] == [FULL, 1, 1, "党的建设", "党员教育管理", "区委组织部、区委宣传部", 2, 2, None, None]
    ws = workbook["reclaimed_duties"]
    # seq 2: no department (empty list) and a reason; seq 1: no reason
    assert [c.value for c in ws[4]][4:8] == ["统计纸质台账", None, "discontinued", "已无政策依据"]
    assert ws.cell(row=3, column=8).value is None
    assert ws.max_row == 2 + 4
    assert isinstance(workbook["basic_duties"]["B3"].value, int)
    # a category from a 类别 column without （N项）: its declared count is an empty cell
    ws = workbook["categories"]
    assert [c.value for c in ws[8]] == [FULL, "reclaimed", 2, "平安法治", None, 2]


def test_map_cells_one_line_per_column_in_printed_order(workbook):
    ws = workbook["basic_duties"]
    assert [ws.cell(row=r, column=6).value for r in (3, 4, 5)] == [
        "备注：/\n法律依据：《中华人民共和国土地管理法》第六十七条",
        "备注：\n法律依据：",  # the edition printed both columns, empty for this item
        "备注：需区发展改革委配合\n法律依据：《优化营商环境条例》\n第八条",
    ]
    assert "map" in ws["F2"].comment.text
    # width: the widest line, not the whole cell
    assert ws.column_dimensions["F"].width == stored_width(display_width("法律依据：《中华人民共和国土地管理法》第六十七条") + 2)
    # lists without extra columns: an empty map is an empty cell
    assert [c.value for c in workbook["reclaimed_duties"]["J"]][2:] == [None] * 4


def test_widths_fitted_and_long_text_wrapped(workbook):
    ws = workbook["basic_duties"]
    text_col, seq_col = ws.column_dimensions["E"], ws.column_dimensions["B"]
    assert text_col.width == stored_width(MAX_WIDTH + 2)  # the 3rd duty is longer than MAX_WIDTH
    assert ws["E5"].alignment.wrap_text
    assert stored_width(6) <= seq_col.width <= stored_width(12)
    assert not ws["B3"].alignment.wrap_text
    # category: widest of 类别序号/类别名称 headings and values, CJK counted double
    assert ws.column_dimensions["D"].width == stored_width(max(display_width("类别名称"), display_width("category"), 8) + 2)


def test_metadata_sheet_has_edition_totals_sheets_and_warnings(workbook):
    ws = workbook["edition"]
    rows = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    flat = [v for row in rows for v in row]
    assert rows[0] == ["河南省测试市测试区测试镇 履行职责事项清单"]
    assert ["版本标识", "Edition", FULL] in rows
    assert ["发布年月", "Published", "2025-07"] in rows
    # totals: list, title, declared categories, extracted categories, declared items, extracted items, match
    assert ["basic", "基本履职事项清单", 2, 2, 3, 3, "是 yes", "备注、法律依据"] in rows  # and its extra columns
    assert ["reclaimed", "上级部门收回事项清单", 2, 2, 4, 4, "是 yes"] in rows
    # the sheets with their row counts
    assert ["coordinated_department_duties", "配合履职事项的上级部门职责：每条一行",
            "What each higher-level department does for a coordinated item: one row per clause", 4] in rows  # fmt: skip
    assert "警告 Warnings (2)" in flat
    assert ["department_label", "coordinated", 2, "label names two departments"] in rows
    assert ["ocr_spacing", "removed spaces between CJK characters"] in rows


def test_text_that_looks_like_a_formula_stays_text(edition_dir, helpers):
    from pipeline.models import BasicDutyRow

    rows = [BasicDutyRow(edition_id=FULL, seq=1, category_no=1, category="党的建设", text="=SUM(A1:A9)\x07")]
    helpers.write_table(edition_dir, "basic_duties", rows)
    ws = load_workbook(write_workbook(edition_dir))["basic_duties"]
    assert ws["E3"].value == "=SUM(A1:A9)"  # the control character is dropped
    assert ws["E3"].data_type == "s"


def test_missing_column_is_an_error(edition_dir):
    import pyarrow.parquet as pq

    path = edition_dir / "basic_duties.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["category"]), path)
    with pytest.raises(InputError) as err:
        write_workbook(edition_dir)
    assert err.value.code == "output_invalid"
    assert str(err.value) == (
        "testtown-2025-07: basic_duties.parquet: columns differ from the model's: missing ['category'], unexpected []"
    )


def test_real_edition(real_output):
    """The published 2025-07 edition: one row per item/clause, totals as declared."""
    edition = real_output / "songzhuang-2025-07"
    wb = load_workbook(edition / "songzhuang-2025-07.xlsx")  # written by the build itself
    assert wb.sheetnames == SHEETS
    import pyarrow.parquet as pq

    for table in HEADINGS:
        assert wb[table].max_row - 2 == pq.read_metadata(edition / f"{table}.parquet").num_rows, table
    assert wb["basic_duties"].max_row - 2 == 119
    assert wb["coordinated_duties"].max_row - 2 == 69
    assert wb["reclaimed_duties"].max_row - 2 == 126
    rows = [[c for c in row if c is not None] for row in wb["edition"].iter_rows(values_only=True)]
    assert ["basic", "基本履职事项清单", 9, 9, 119, 119, "是 yes"] in rows


# --------------------------------------------------------------------------- #
# a text longer than a cell holds: refused, never cut


def _basic_rows(helpers) -> list[BasicDutyRow]:
    """The fixture edition's basic_duties rows (tests/deliver/conftest.py), to change one of them."""
    return [BasicDutyRow(edition_id=FULL, seq=s, category_no=c, category=cat, text=t) for s, c, cat, t in helpers.BASIC]


def _basic_with_text(edition_dir, helpers, length: int) -> str:
    text = "优化营商环境。" * (length // 7) + "服" * (length % 7)
    rows = _basic_rows(helpers)
    rows[2] = rows[2].model_copy(update={"text": text})  # seq 3, 经济发展: row 5 of the sheet, column E (text)
    helpers.write_table(edition_dir, "basic_duties", rows)
    return text


def test_a_text_longer_than_a_cell_holds_is_refused_before_anything_is_written(edition_dir, helpers):
    _basic_with_text(edition_dir, helpers, 32_768)
    before = sorted(p.name for p in edition_dir.iterdir())
    with pytest.raises(InputError) as err:
        write_workbook(edition_dir)
    e = err.value
    assert (e.code, e.where, e.list_kind, e.category, e.seq) == (
        "cell_too_long", "sheet basic_duties cell E5", "basic", "经济发展", 3)
    assert str(e) == ("testtown-2025-07.xlsx, sheet basic_duties cell E5, basic list, 经济发展, item 3: "
                      "text of 32,768 characters in column text, more than an Excel cell holds (32,767)")
    assert sorted(p.name for p in edition_dir.iterdir()) == before  # no workbook, no partial file


def test_a_text_of_exactly_a_cells_length_is_written_whole(edition_dir, helpers):
    text = _basic_with_text(edition_dir, helpers, 32_767)
    assert load_workbook(write_workbook(edition_dir))["basic_duties"]["E5"].value == text


def test_a_map_longer_than_a_cell_holds_is_refused(edition_dir, helpers):
    """The map's cell counts its titles and line breaks too: `备注：` (3) + 32,764 characters is 32,767, one more is refused."""
    rows = _basic_rows(helpers)
    rows[0] = rows[0].model_copy(update={"extra": {"备注": "备" * 32_764}})
    helpers.write_table(edition_dir, "basic_duties", rows)
    assert load_workbook(write_workbook(edition_dir))["basic_duties"]["F3"].value == "备注：" + "备" * 32_764
    rows[0] = rows[0].model_copy(update={"extra": {"备注": "备" * 32_764, "法律依据": ""}})  # + "\n法律依据："
    helpers.write_table(edition_dir, "basic_duties", rows)
    with pytest.raises(InputError) as err:
        write_workbook(edition_dir)
    e = err.value
    assert (e.code, e.where, e.list_kind, e.category, e.seq) == (
        "cell_too_long", "sheet basic_duties cell F3", "basic", "党的建设", 1)
    assert "text of 32,773 characters in column extra" in str(e)


def test_a_text_longer_than_a_cell_on_the_command_line(tmp_path, capsys):
    """A basic duty of 40,000 characters extracts, validates and is written to Parquet and CSV, but no
    spreadsheet holds it: the edition fails as a whole and nothing is left in --out."""
    long_duty = "发展镇域经济，" * 5714 + "做好服务。"  # 40,003 characters
    rows = [*builders.BASIC[:4], ["3", long_duty]]
    path = write_text(tmp_path / "e.txt", tables=[(builders.BASIC_HEADER, rows), *builders.TABLES[1:]])
    assert main(["extract", str(path), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error[cell_too_long]: e.xlsx, sheet basic_duties cell E5, basic list, 经济发展, item 3: "
        "text of 40,003 characters in column text, more than an Excel cell holds (32,767)"]
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["e.txt"]  # no temporary directory left either
