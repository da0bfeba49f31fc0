"""Rule 6: 承接部门及工作方式 → departments, method, disposition, reason."""

from __future__ import annotations

import pytest

from pipeline.normalise.methods import parse_method_cell


@pytest.mark.parametrize(
    "cell, departments, disposition, reason",
    [
        pytest.param("区民政局\n工作方式：组织实施评审。", ["区民政局"], "transferred", None, id="docx-transferred"),
        pytest.param("区卫生健康委员会、区财政局 工作方式：1.甲；2.乙。", ["区卫生健康委员会", "区财政局"], "transferred", None,
                     id="two-departments"),
        pytest.param("区人力资源和社\n会保障局、区住房和城乡建设局\n工作方式：甲。", ["区人力资源和社会保障局", "区住房和城乡建设局"],
                     "transferred", None, id="wrapped-name"),
        pytest.param("落实党中央为基层减负有关要求，不再开展此项工作。", [], "discontinued", "落实党中央为基层减负有关要求",
                     id="stop-with-reason"),
        pytest.param("落实党中央精简优化基层考核有关要求，不再对乡镇进行考核。", [], "discontinued",
                     "落实党中央精简优化基层考核有关要求", id="no-more-assessment"),
        pytest.param("区卫生健康委员会 工作方式：此项工作不再开展。", ["区卫生健康委员会"], "discontinued", None,
                     id="stop-without-reason"),
        pytest.param("区水利局 工作方式：根据《条例》（2023年修订），该处罚事项已取消。", ["区水利局"], "discontinued",
                     "根据《条例》（2023年修订）", id="cancelled"),
        pytest.param("区司法局 工作方式：已实行告知承诺制，不再要求出具证明。", ["区司法局"], "discontinued", "已实行告知承诺制",
                     id="no-certificate"),
        pytest.param("区水利局 工作方式：责令停止违法行为，并依法进行处罚。", ["区水利局"], "transferred", None,
                     id="stop-the-offence-is-not-a-stop"),
    ],
)
def test_parse_method_cell(cell, departments, disposition, reason):
    m = parse_method_cell(cell)
    assert (m.departments, m.disposition, m.reason) == (departments, disposition, reason)


def test_method_keeps_final_punctuation_and_clauses_name_their_department():
    m = parse_method_cell("区甲局、区乙局 工作方式：1.区甲局负责甲；\n2.区乙局协助乙。")
    assert m.method == "1.区甲局负责甲；2.区乙局协助乙。"
    assert m.clauses == [("区甲局负责甲", "区甲局"), ("区乙局协助乙", "区乙局")]


def test_whole_cell_is_the_method_without_departments():
    m = parse_method_cell("法律法规条款已失效，不再开展此项工作。")
    assert m.method == "法律法规条款已失效，不再开展此项工作。"
    assert m.clauses == [("法律法规条款已失效，不再开展此项工作", None)]
