"""Raw rows → headings and items per list: header recognition, continuation rows, repeated headers, rows with
more cells than columns, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ROOT, published_text_with
from pipeline.cli import main
from pipeline.errors import InputError
from pipeline.extract import extract
from pipeline.extract.raw import RawDocument, RawRow, RawTable
from pipeline.normalise.assemble import HeadingRow, ItemRow, assemble
from pipeline.normalise.edition import build_edition

BASIC = ("序号", "事项名称")
COORDINATED = ("序号", "事项名称", "对应上级部门", "上级部门职责", "乡镇（街道）配合职责")
RECLAIMED = ("序号", "事项名称", "承接部门及工作方式")


def table(header, *rows, where="page 1"):
    return RawTable(tuple(header), [RawRow(tuple(r), f"{where} row {n}") for n, r in enumerate(rows, 1)], where)


def doc(*tables):
    return RawDocument(path=Path("t.pdf"), format="pdf", front_matter=[], tables=list(tables))


MINIMAL_COORDINATED = table(COORDINATED, ["一、平安法治（1项）"], ["1", "兵役工作", "区人民武装部", "发布公告。", "做好报名。"])
MINIMAL_RECLAIMED = table(RECLAIMED, ["一、民生服务（1项）"], ["1", "出具证明", "不再开展此项工作。"])


def entries(lists, key):
    out = []
    for e in lists[key].entries:
        if isinstance(e, HeadingRow):
            out.append(("heading", e.heading.category_no, e.heading.category, e.heading.declared_count, e.where))
        else:
            out.append(("item", e.seq, e.cells, e.where))
    return out


def test_lists_are_recognised_by_their_column_titles():
    basic = table(BASIC, ["一、党的建设（1项）"], ["1", "加强党的建设。"])
    lists = assemble(doc(MINIMAL_RECLAIMED, basic, MINIMAL_COORDINATED))  # any order
    assert {k: rows.kind.key for k, rows in lists.items()} == {
        "reclaimed": "reclaimed", "basic": "basic", "coordinated": "coordinated"}
    assert entries(lists, "basic") == [
        ("heading", 1, "党的建设", 1, "page 1 row 1"),
        ("item", 1, {"name": "加强党的建设。"}, "page 1 row 2"),
    ]
    assert entries(lists, "coordinated")[1][2] == {
        "name": "兵役工作", "departments": "区人民武装部", "department_duties": "发布公告。", "township_duties": "做好报名。"}


def test_continuation_rows_repeated_headers_and_tables_without_header():
    basic = table(BASIC, ["一、党的建设（2项）"], ["1", "加强党的"], ["", "建设。"], where="page 1")
    again = table(("序号", "事项名称"), ["序号", "事项名称"], ["2", "做好党员教育。"], where="page 2")
    headless = table(("2", "x"), ["", "（续）"], where="page 3")  # same column count, no header: continues
    lists = assemble(doc(basic, again, headless, MINIMAL_COORDINATED, MINIMAL_RECLAIMED))
    assert entries(lists, "basic") == [
        ("heading", 1, "党的建设", 2, "page 1 row 1"),
        ("item", 1, {"name": "加强党的\n建设。"}, "page 1 row 2"),
        ("item", 2, {"name": "做好党员教育。\n（续）"}, "page 2 row 2"),
    ]


def test_heading_in_the_first_cell_alone_and_merged_across_the_row():
    basic = table(BASIC, ["一、党的建设（1项）", ""], ["1", "加强党的建设。"], ["二、经济发展（1项）"], ["2", "发展经济。"])
    lists = assemble(doc(basic, MINIMAL_COORDINATED, MINIMAL_RECLAIMED))
    assert [e[:3] for e in entries(lists, "basic") if e[0] == "heading"] == [
        ("heading", 1, "党的建设"), ("heading", 2, "经济发展")]


def test_a_column_the_template_lacks_is_kept_apart_from_the_known_ones():
    basic = table(("序号", "事项名称", "法律\n依据", "备注"), ["一、党的建设（2项）"], ["1", "加强党的建设。", "《党章》", "新增"],
                  ["2", "做好党员", "", "/"], ["", "教育。", "", "续"])
    lists = assemble(doc(basic, MINIMAL_COORDINATED, MINIMAL_RECLAIMED))
    items = [e for e in lists["basic"].entries if isinstance(e, ItemRow)]
    assert [i.cells for i in items] == [{"name": "加强党的建设。"}, {"name": "做好党员\n教育。"}]
    assert [i.extra for i in items] == [{"法律依据": "《党章》", "备注": "新增"}, {"法律依据": "", "备注": "/\n续"}]
    assert lists["basic"].extra_columns == ["法律依据", "备注"]
    assert lists["coordinated"].extra_columns == []


def test_column_titles_in_the_wordings_editions_print():
    basic = table(("序号", "履职事项"), ["一、党的建设（1项）"], ["1", "加强党的建设。"])
    coordinated = table(("编号", "事项", "牵头部门", "上级主管部门职责", "乡镇配合职责"), ["一、平安法治（1项）"],
                        ["1", "兵役工作", "区人民武装部", "发布公告。", "做好报名。"])
    lists = assemble(doc(basic, coordinated, MINIMAL_RECLAIMED))
    assert entries(lists, "basic")[1][2] == {"name": "加强党的建设。"}
    assert entries(lists, "coordinated")[1][2] == {
        "name": "兵役工作", "departments": "区人民武装部", "department_duties": "发布公告。", "township_duties": "做好报名。"}


def test_the_reclaimed_method_printed_as_two_columns():
    reclaimed = table(("序号", "事项名称", "承接部门", "工作方式"), ["一、民生服务（2项）"],
                      ["1", "出具证明", "—", "不再开展此项工作。"], ["2", "追回资金", "区卫生健康委员会、区财政局", "1.核实；\n2.追回。"])
    lists = assemble(doc(table(BASIC, ["一、党的建设（1项）"], ["1", "加强。"]), MINIMAL_COORDINATED, reclaimed))
    assert [e[2] for e in entries(lists, "reclaimed")[1:]] == [
        {"name": "出具证明", "receivers": "—", "way": "不再开展此项工作。"},
        {"name": "追回资金", "receivers": "区卫生健康委员会、区财政局", "way": "1.核实；\n2.追回。"}]


@pytest.mark.parametrize("header", [("类别", "序号", "事项名称"), ("序号", "事项类别", "事项名称")])
def test_categories_in_their_own_column_merged_down(header):
    at = header.index("序号"), next(i for i, t in enumerate(header) if "类别" in t)

    def row(category, seq, name):
        cells = ["", "", ""]
        cells[at[0]], cells[at[1]], cells[2] = seq, category, name
        return cells

    basic = table(header, row("党的建设", "1", "加强党的建设。"), row("", "2", "做好党员"), row("", "", "教育。"),
                  row("二、经济发展（1项）", "3", "发展经济。"), row("社会治理", "", ""), row("", "4", "化解矛盾。"))
    lists = assemble(doc(basic, MINIMAL_COORDINATED, MINIMAL_RECLAIMED))
    assert entries(lists, "basic") == [
        ("heading", 1, "党的建设", None, "page 1 row 1"),
        ("item", 1, {"name": "加强党的建设。"}, "page 1 row 1"),
        ("item", 2, {"name": "做好党员\n教育。"}, "page 1 row 2"),
        ("heading", 2, "经济发展", 1, "page 1 row 4"),
        ("item", 3, {"name": "发展经济。"}, "page 1 row 4"),
        ("heading", 3, "社会治理", None, "page 1 row 5"),  # the merged cell's text drawn in a row of its own
        ("item", 4, {"name": "化解矛盾。"}, "page 1 row 6"),
    ]


def test_a_title_row_above_the_column_titles():
    # the title row merged across the table, repeated on the next page with the column titles
    basic = table(("基本履职事项清单",), ["序号", "事项名称"], ["一、党的建设（2项）"], ["1", "加强党的建设。"],
                  ["基本履职事项清单", ""], ["序号", "事项名称"], ["2", "续页。"])
    lists = assemble(doc(basic, MINIMAL_COORDINATED, MINIMAL_RECLAIMED))
    assert [e[:3] for e in entries(lists, "basic")] == [
        ("heading", 1, "党的建设"), ("item", 1, {"name": "加强党的建设。"}), ("item", 2, {"name": "续页。"})]


def test_layout_tables_before_the_lists_are_ignored():
    cover = table(("单位", "日期"), ["某镇", "2026年3月"])
    basic = table(BASIC, ["一、党的建设（1项）"], ["1", "加强党的建设。"])
    assert len(assemble(doc(cover, basic, MINIMAL_COORDINATED, MINIMAL_RECLAIMED))["basic"].entries) == 2


def test_an_unexpected_row_names_where_it_is():
    basic = table(BASIC, ["一、党的建设（1项）"], ["甲", "不是序号"], where="page 4")
    with pytest.raises(InputError, match="unexpected row: 序号 cell is '甲': expected an item number or a category") as err:
        assemble(doc(basic, MINIMAL_COORDINATED, MINIMAL_RECLAIMED))
    assert (err.value.code, err.value.where, err.value.list_kind) == ("unexpected_row", "page 4 row 2", "basic")


def test_an_empty_number_after_a_heading_says_an_item_number_was_expected():
    basic = table(BASIC, ["一、党的建设（1项）"], ["", "没有序号"], where="page 4")
    with pytest.raises(InputError) as err:
        assemble(doc(basic, MINIMAL_COORDINATED, MINIMAL_RECLAIMED))
    assert err.value.message == ("unexpected row: 序号 cell is empty after a category heading: expected an item number "
                                 "(only the rest of an item leaves it empty)")


def test_a_missing_list_is_named():
    with pytest.raises(InputError, match="no 基本履职事项清单 table found") as err:
        assemble(doc(MINIMAL_COORDINATED, MINIMAL_RECLAIMED))
    assert err.value.code == "list_missing"


def test_a_header_with_columns_of_another_list_is_refused():
    """序号 | 事项名称 | 上级部门职责 | 乡镇配合职责 without 对应上级部门: not a basic list with two columns dropped."""
    odd = table(("序号", "事项名称", "上级部门职责", "乡镇配合职责"), ["一、平安法治（1项）"], ["1", "兵役", "发布公告。", "做好报名。"],
                where="page 9")
    basic = table(BASIC, ["一、党的建设（1项）"], ["1", "加强党的建设。"])
    with pytest.raises(InputError, match="columns 上级部门职责、乡镇配合职责 belong to no list with this header "
                                         r"\(missing 对应上级部门\)") as err:
        assemble(doc(basic, odd, MINIMAL_RECLAIMED))
    assert (err.value.code, err.value.where) == ("header_mismatch", "page 9")


# --------------------------------------------------------------------------- #
# a row cannot hold more cells than its table has columns (every format)


def test_a_row_with_more_cells_than_columns_is_refused():
    """A stray cell shifts the cells after it: 配合职责 would be dropped and 上级部门职责 read as the departments."""
    coordinated = table(COORDINATED, ["一、平安法治（2项）"], ["1", "兵役工作", "区人民武装部", "发布公告。", "做好报名。"],
                        ["2", "防汛", "", "区水利局", "巡查河道。", "上报险情。"], where="page 7")
    basic = table(BASIC, ["一、党的建设（1项）"], ["1", "加强党的建设。"])
    with pytest.raises(InputError) as err:
        assemble(doc(basic, coordinated, MINIMAL_RECLAIMED))
    e = err.value
    assert (e.code, e.where, e.list_kind, e.category, e.seq) == ("too_many_cells", "page 7 row 3", "coordinated", "平安法治", 2)
    assert str(e) == "page 7 row 3, coordinated list, 平安法治, item 2: 6 cells where the table has 5 columns"


def test_a_continuation_row_with_too_many_cells_names_the_item_it_continues():
    basic = table(BASIC, ["一、党的建设（2项）"], ["1", "加强党的建设。"], ["2", "做好党员"], where="page 2")
    headless = table(("", "教育。"), ["", "教育", "工作。"], where="page 3")  # continued on the next page
    with pytest.raises(InputError) as err:
        assemble(doc(basic, headless, MINIMAL_COORDINATED, MINIMAL_RECLAIMED))
    e = err.value
    assert (e.code, e.where, e.list_kind, e.category, e.seq) == ("too_many_cells", "page 3 row 1", "basic", "党的建设", 2)


def test_the_published_editions_have_no_row_longer_than_its_table(edition):
    """pdf, docx and text: the check never fires on the real rows, and every list keeps its declared items."""
    assert {k: sum(len(c.items) for c in lst.categories) for k, lst in edition.lists.items()} == {
        "basic": 119, "coordinated": 69, "reclaimed": 126}


@pytest.mark.parametrize("name", ["landscape", "no_header_repeat", "category_in_cell", "no_inner_vertical",
                                  "font_widths", "no_rules"])
def test_the_pdf_layout_variants_have_no_row_longer_than_its_table(name):
    """The variants hold one list each: the other two are added empty so that assembly runs to the end."""
    variant = extract(ROOT / "tests" / "fixtures" / "pdf" / f"{name}.pdf")
    stubs = [table(h) for h in (BASIC, COORDINATED, RECLAIMED) if not any(t.header == h for t in variant.tables)]
    lists = assemble(doc(*variant.tables, *stubs))
    assert sum(isinstance(e, ItemRow) for rows in lists.values() for e in rows.entries) > 0


def _one_tab_too_many(line: str) -> str:
    """Coordinated item 31 (六、社会保障（7项）), its 配合职责 cell split in two by a stray tab."""
    assert line.startswith("31\t被征地农民社保补贴\t") and line.endswith("凭证进行初审并上报。")
    return line.replace("凭证进行初审并上报。", "凭证\t进行初审并上报。")


def test_a_text_row_with_one_tab_too_many_is_refused(tmp_path):
    """Line 230 of the published text form with a stray tab in its last cell: 进行初审并上报 was dropped silently."""
    path = published_text_with(tmp_path, 230, _one_tab_too_many)
    with pytest.raises(InputError) as err:
        build_edition(extract(path), "edited")
    assert err.value.code == "too_many_cells"
    assert str(err.value) == "line 230, coordinated list, 社会保障, item 31: 6 cells where the table has 5 columns"


def test_one_tab_too_many_on_the_command_line(tmp_path, capsys):
    path = published_text_with(tmp_path, 230, _one_tab_too_many)
    assert main(["extract", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "error[too_many_cells]: edited.txt, line 230, coordinated list, 社会保障, item 31: "
        "6 cells where the table has 5 columns"]
    assert not (tmp_path / "out").exists()


def test_a_superscript_number_is_an_unexpected_row_not_a_crash():
    """`²`.isdigit() is true but int() refuses it: only decimal digits make an item number."""
    basic = table(BASIC, ["一、党的建设（1项）"], ["²", "加强党的建设。"], where="page 4")
    with pytest.raises(InputError) as err:
        assemble(doc(basic, MINIMAL_COORDINATED, MINIMAL_RECLAIMED))
    assert (err.value.code, err.value.where, err.value.list_kind) == ("unexpected_row", "page 4 row 2", "basic")


@pytest.mark.parametrize("first, second", [(["二、经济发展", ""], ["（3项）", ""]), (["", "二、经济发展（3"], ["", "项）"])])
def test_a_heading_broken_by_a_page_end_is_joined(first, second):
    basic = table(BASIC, ["一、党的建设（1项）"], ["1", "加强党的建设。"], first, where="page 1")
    rest = table(BASIC, second, ["2", "发展经济。"], ["3", "优化营商环境。"], ["4", "打造特色街区。"], where="page 2")
    lists = assemble(doc(basic, rest, MINIMAL_COORDINATED, MINIMAL_RECLAIMED))
    assert [e[:4] for e in entries(lists, "basic") if e[0] == "heading"] == [
        ("heading", 1, "党的建设", 1), ("heading", 2, "经济发展", 3)]


def test_a_heading_that_never_completes_is_refused():
    basic = table(BASIC, ["一、党的建设（1项）"], ["1", "加强党的建设。"], ["二、经济发展"], ["2", "发展经济。"])
    with pytest.raises(InputError, match="'二、经济发展' is no category heading") as err:
        assemble(doc(basic, MINIMAL_COORDINATED, MINIMAL_RECLAIMED))
    assert (err.value.code, err.value.where) == ("unexpected_row", "page 1 row 3")


def test_a_category_cell_broken_by_a_page_end_is_one_name():
    # the 类别 cell merged down over items 1-2 breaks with item 2's row: 平 on one page, 安法治 on the next
    basic = table(("序号", "类别", "事项名称"), ["1", "党的建设", "加强党的建设。"], ["2", "平", "维护"], where="page 1")
    rest = table(("序号", "类别", "事项名称"), ["", "安法治", "稳定。"], ["3", "", "化解矛盾。"], where="page 2")
    lists = assemble(doc(basic, rest, MINIMAL_COORDINATED, MINIMAL_RECLAIMED))
    assert [e[:3] for e in entries(lists, "basic")] == [
        ("heading", 1, "党的建设"), ("item", 1, {"name": "加强党的建设。"}), ("heading", 2, "平安法治"),
        ("item", 2, {"name": "维护\n稳定。"}), ("item", 3, {"name": "化解矛盾。"})]
