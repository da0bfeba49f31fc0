"""上级部门收回事项: a transferred item names the department that took it over."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

import builders
from builders import write_text
from helpers import published_text_with, replacing
from pipeline.cli import main
from pipeline.errors import InputError
from pipeline.extract import extract
from pipeline.lists import ItemContext
from pipeline.lists.reclaimed import KIND, method_cell
from pipeline.normalise.edition import build_edition

NO_DEPARTMENT = "transferred (the method does not say the work stops) but no 承接部门 is named before 工作方式："


def build(cell: str):
    return KIND.build(2, {"name": "追回资金", "method": cell}, ItemContext(KIND, set(), []))


def test_a_transferred_item_without_a_department_is_invalid():
    with pytest.raises(ValidationError, match=re.escape(NO_DEPARTMENT)):
        build("由区财政局负责追回。")


def test_a_discontinued_item_needs_no_department_and_a_transferred_one_keeps_its_own():
    assert build("法律法规条款已失效，不再开展此项工作。").departments == []
    assert build("区财政局 工作方式：负责追回。").departments == ["区财政局"]


# line 311: reclaimed item 2 对违规领取80岁以上高龄津贴的追缴, under 一、民生服务（35项）: 区民政局 工作方式：采取多种方式…
@pytest.mark.parametrize("old, new", [
    pytest.param("区民政局 工作方式：", "", id="department-and-label-lost"),
    pytest.param("区民政局 工作方式：", "区民政局 ", id="label-lost"),
])
def test_a_published_item_that_lost_its_department_is_item_invalid(tmp_path, old, new):
    with pytest.raises(InputError) as err:
        build_edition(extract(published_text_with(tmp_path, 311, replacing(old, new))), "edited")
    assert err.value.code == "item_invalid"
    assert str(err.value) == f"line 311, reclaimed list, 民生服务, item 2: {NO_DEPARTMENT}"


def test_a_transferred_item_without_a_department_on_the_command_line(tmp_path, capsys):
    rows = [*builders.RECLAIMED[:2], ["2", "追回资金", "由区财政局负责追回。"]]  # item 2, its department gone
    path = write_text(tmp_path / "e.txt", tables=[*builders.TABLES[:2], (builders.RECLAIMED_HEADER, rows)])
    assert path.read_text(encoding="utf-8").split("\n")[18] == "2\t追回资金\t由区财政局负责追回。"
    assert main(["extract", str(path), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error[item_invalid]: e.txt, line 19, reclaimed list, 民生服务, item 2: {NO_DEPARTMENT}"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("cells, combined", [
    ({"receivers": "区民政局", "way": "1.制定方案；\n2.组织评审。"}, "区民政局\n工作方式：1.制定方案；\n2.组织评审。"),
    ({"receivers": "—", "way": "不再开展此项工作。"}, "不再开展此项工作。"),
    ({"receivers": "", "way": "不再开展此项工作。"}, "不再开展此项工作。"),
    ({"method": "区民政局 工作方式：做好。"}, "区民政局 工作方式：做好。"),
])
def test_two_columns_stand_for_the_one_cell(cells, combined):
    assert method_cell(cells) == combined


def test_an_item_printed_in_two_columns_is_the_item_printed_in_one():
    ctx = ItemContext(KIND, set(), [])
    split = KIND.build(12, {"name": "追回资金", "receivers": "区卫生健康委员会、区财政局", "way": "1.核实；\n2.追回。"}, ctx)
    one = KIND.build(12, {"name": "追回资金", "method": "区卫生健康委员会、区财政局 工作方式：1.核实；\n2.追回。"}, ctx)
    assert split == one
    assert split.departments == ["区卫生健康委员会", "区财政局"] and split.disposition == "transferred"
