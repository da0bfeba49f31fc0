"""Formats of one edition must agree (pipeline/compare.py): `disagreements(a, b)` names each differing record.

Both editions are small synthetic editions written by tests/builders.py (test
data, not published editions), as DOCX and text, read back through
extract → build_edition; the second has one cell, heading or cover line
changed. Expected messages are written out by hand.
"""

from __future__ import annotations

import copy

import pytest

import builders
from pipeline.compare import disagreements
from pipeline.extract import extract
from pipeline.normalise.edition import build_edition

EDITION_ID = "testtown-2026-03"


@pytest.fixture
def make(tmp_path):
    """make(fmt, front=..., basic=..., coordinated=..., reclaimed=...) -> the validated Edition."""
    counter = iter(range(1000))

    def _make(fmt="txt", front=None, basic=None, coordinated=None, reclaimed=None, edition_id=EDITION_ID):
        tables = [
            (builders.BASIC_HEADER, basic or builders.BASIC),
            (builders.COORDINATED_HEADER, coordinated or builders.COORDINATED),
            (builders.RECLAIMED_HEADER, reclaimed or builders.RECLAIMED),
        ]
        writer = builders.write_docx if fmt == "docx" else builders.write_text
        path = writer(tmp_path / f"e{next(counter)}.{fmt}", front=front or builders.FRONT, tables=tables)
        edition, _ = build_edition(extract(path), edition_id)
        return edition

    return _make


@pytest.fixture
def base(make):
    return make()


def rows(name: str) -> list[list[str]]:
    """An editable copy of one of the builder's tables (row 0 is a category heading)."""
    return copy.deepcopy(getattr(builders, name))


def test_docx_and_text_forms_agree(make):
    assert disagreements(make("docx"), make("txt")) == []


def test_an_edition_agrees_with_itself_and_the_edition_id_is_not_compared(make, base):
    assert disagreements(base, base) == []
    assert disagreements(base, make(edition_id="another-id")) == []


def test_a_changed_basic_text(make, base):
    basic = rows("BASIC")
    basic[2][1] = "做好党员教育管理。"  # seq 2
    assert disagreements(base, make(basic=basic)) == ["basic 2 (text)"]


def test_a_changed_coordinated_department_clause(make, base):
    coordinated = rows("COORDINATED")
    coordinated[1][3] = "区人民政府办公室：\n做好防范工作。\n市公安局孟津分局：\n1.打击犯罪；\n2.开展宣传教育。"
    assert disagreements(base, make(coordinated=coordinated)) == ["coordinated 1 (department_duties)"]


def test_several_fields_of_one_item_in_field_order(make, base):
    coordinated = rows("COORDINATED")
    coordinated[2][1] = "兵役登记"  # seq 2: name ...
    coordinated[2][4] = "做好登记工作。"  # ... and township clause
    assert disagreements(base, make(coordinated=coordinated)) == ["coordinated 2 (name, township_duties)"]


def test_changed_departments_of_a_reclaimed_item(make, base):
    reclaimed = rows("RECLAIMED")
    reclaimed[2][2] = "区卫生健康委员会\n工作方式：1.区卫生健康委员会核实；\n2.区财政局协助。"
    # 区财政局 is no longer one of the item's departments, so its clause no longer names it either
    assert disagreements(base, make(reclaimed=reclaimed)) == ["reclaimed 2 (departments, method_clauses)"]


def test_a_renamed_category_is_a_difference_of_its_items(make, base):
    basic = rows("BASIC")
    basic[3][0] = "二、经济建设（1项）"
    front = [*builders.FRONT[:-1], builders.PREFACE.replace("经济发展", "经济建设")]
    assert disagreements(base, make(front=front, basic=basic)) == ["basic 3 (category)"]


def test_records_are_listed_by_list_then_number(make, base):
    basic = rows("BASIC")
    basic[1][1] = "加强党的全面建设。"  # basic 1
    basic[4][1] = "发展镇域特色经济。"  # basic 3
    reclaimed = rows("RECLAIMED")
    reclaimed[1][1] = "出具相关证明"  # reclaimed 1
    found = disagreements(make(basic=basic, reclaimed=reclaimed), base)
    assert found == ["basic 1 (text)", "basic 3 (text)", "reclaimed 1 (name)"]


def test_an_item_in_one_edition_only(make, base):
    basic = rows("BASIC")[:3]  # 党的建设 only: basic 1, 2
    front = [*builders.FRONT[:-1], builders.PREFACE.replace("党的建设、经济发展共 2 个类别 3 项", "党的建设共 1 个类别 2 项")]
    shorter = make(front=front, basic=basic)
    assert disagreements(base, shorter) == ["basic 3 (only in first)"]
    assert disagreements(shorter, base) == ["basic 3 (only in second)"]


def test_metadata_differences_come_first(make, base):
    front = ["某省某市某区另一镇", "履行职责事项清单", "2026年4月", *builders.FRONT[3:]]
    basic = rows("BASIC")
    basic[2][1] = "做好党员教育管理。"
    assert disagreements(base, make(front=front, basic=basic)) == [
        "title ('某省某市某区测试镇履行职责事项清单' vs '某省某市某区另一镇履行职责事项清单')",
        "township ('测试镇' vs '另一镇')",
        "published ('2026-03' vs '2026-04')",
        "basic 2 (text)",
    ]


def test_a_place_level_missing_in_one_edition(make, base):
    front = ["某市某区测试镇", *builders.FRONT[1:]]  # no province on the cover
    assert disagreements(base, make(front=front)) == [
        "title ('某省某市某区测试镇履行职责事项清单' vs '某市某区测试镇履行职责事项清单')",
        "province ('某省' vs None)",
    ]
