"""Nested edition → flat tables: every row of the small test edition (tests/builders.py), written out by hand."""

from __future__ import annotations

import pytest

from builders import write_text
from helpers import TABLE_NAMES
from pipeline.extract import extract
from pipeline.normalise.edition import build_edition
from pipeline.tables import flatten


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    path = write_text(tmp_path_factory.mktemp("t") / "e.txt")
    edition, _ = build_edition(extract(path), "e")
    return {name: [row.model_dump() for row in rows] for name, rows in flatten(edition).items()}


def pick(rows, *fields):
    return [tuple(r[f] for f in fields) for r in rows]


def test_tables_in_output_order(tables):
    assert list(tables) == TABLE_NAMES
    assert all(r["edition_id"] == "e" for rows in tables.values() for r in rows)


def test_basic(tables):
    assert pick(tables["basic_duties"], "seq", "category_no", "category", "text") == [
        (1, 1, "党的建设", "加强党的建设。"),
        (2, 1, "党的建设", "做好党员教育。"),
        (3, 2, "经济发展", "发展镇域经济。"),
    ]


def test_coordinated(tables):
    assert pick(tables["coordinated_duties"], "seq", "category", "name", "departments", "department_count",
                "township_clause_count") == [
        (1, "平安法治", "非法集资防范处置", ["区人民政府办公室", "市公安局孟津分局"], 2, 2),
        (2, "平安法治", "兵役工作", ["区人民武装部"], 1, 1),
    ]  # fmt: skip
    assert pick(tables["coordinated_department_duties"], "seq", "department", "clause_no", "text", "label") == [
        (1, "区人民政府办公室", 1, "做好防范工作", None),
        (1, "市公安局孟津分局", 1, "打击犯罪", None),
        (1, "市公安局孟津分局", 2, "开展宣传", None),
        (2, "区人民武装部", 1, "发布征兵公告", None),
    ]
    assert pick(tables["coordinated_township_duties"], "seq", "clause_no", "text") == [
        (1, 1, "配合宣传"), (1, 2, "上报线索"), (2, 1, "做好报名工作"),
    ]


def test_reclaimed(tables):
    assert pick(tables["reclaimed_duties"], "seq", "name", "departments", "disposition", "reason") == [
        (1, "出具证明", [], "discontinued", "法律法规条款已失效"),
        (2, "追回资金", ["区卫生健康委员会", "区财政局"], "transferred", None),
    ]
    assert pick(tables["reclaimed_method_clauses"], "seq", "clause_no", "text", "department") == [
        (1, 1, "法律法规条款已失效，不再开展此项工作", None),
        (2, 1, "区卫生健康委员会核实", "区卫生健康委员会"),
        (2, 2, "区财政局协助", "区财政局"),
    ]


def test_categories(tables):
    assert pick(tables["categories"], "list", "category_no", "category", "declared_count", "item_count") == [
        ("basic", 1, "党的建设", 2, 2),
        ("basic", 2, "经济发展", 1, 1),
        ("coordinated", 1, "平安法治", 2, 2),
        ("reclaimed", 1, "民生服务", 2, 2),
    ]


def test_departments_in_order_of_first_appearance(tables):
    assert pick(tables["departments"], "department", "coordinated_items", "reclaimed_items") == [
        ("区人民政府办公室", 1, 0),
        ("市公安局孟津分局", 1, 0),
        ("区人民武装部", 1, 0),
        ("区卫生健康委员会", 0, 1),
        ("区财政局", 0, 1),
    ]


def test_no_extra_columns_give_empty_maps(tables):
    for name in ("basic_duties", "coordinated_duties", "reclaimed_duties"):
        assert [r["extra"] for r in tables[name]] == [{}] * len(tables[name]), name


# the basic list printed with a 类别 column instead of heading rows, and a 备注 column the template does not have
CATEGORY_COLUMN = (
    ["序号", "类别", "事项名称", "备注"],
    [["1", "党的建设", "加强党的建设。", "/"], ["2", "", "做好党员教育。", ""], ["3", "经济发展", "发展镇域经济。", "镇经济办负责"]],
)


@pytest.fixture(scope="module")
def category_column_tables(tmp_path_factory):
    from builders import TABLES

    path = write_text(tmp_path_factory.mktemp("t") / "e.txt", tables=[CATEGORY_COLUMN, *TABLES[1:]])
    edition, _ = build_edition(extract(path), "e")
    assert edition.lists["basic"].extra_columns == ["备注"] and edition.lists["reclaimed"].extra_columns == []
    return {name: [row.model_dump() for row in rows] for name, rows in flatten(edition).items()}


def test_extra_column_cells_per_item(category_column_tables):
    assert pick(category_column_tables["basic_duties"], "seq", "category", "text", "extra") == [
        (1, "党的建设", "加强党的建设。", {"备注": "/"}),
        (2, "党的建设", "做好党员教育。", {"备注": ""}),
        (3, "经济发展", "发展镇域经济。", {"备注": "镇经济办负责"}),
    ]
    assert [r["extra"] for r in category_column_tables["coordinated_duties"]] == [{}, {}]


def test_category_column_declares_no_count(category_column_tables):
    assert pick(category_column_tables["categories"], "list", "category_no", "category", "declared_count", "item_count") == [
        ("basic", 1, "党的建设", None, 2),
        ("basic", 2, "经济发展", None, 1),
        ("coordinated", 1, "平安法治", 2, 2),
        ("reclaimed", 1, "民生服务", 2, 2),
    ]
