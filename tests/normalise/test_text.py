"""Rule 1: published characters kept; markup and line-wrap whitespace removed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalise.text import clean, clean_with_breaks, placeholder_to_empty, strip_markup


@pytest.mark.parametrize(
    "raw, expected",
    [
        pytest.param("区人力资源和社会保障 局", "区人力资源和社会保障局", id="wrap-between-han"),
        pytest.param("全镇辖 17 个行政村", "全镇辖 17 个行政村", id="space-next-to-digits-kept"),
        pytest.param("（1000人以上、5000\n人以下）", "（1000人以上、5000人以下）", id="line-break-next-to-han-goes"),
        pytest.param("APP\nand", "APP and", id="line-break-between-latin-is-a-space"),
        pytest.param("遗体 and 人体器官", "遗体 and 人体器官", id="latin-word-keeps-spaces"),
        pytest.param("计划；\n2.承担", "计划；2.承担", id="break-after-cjk-punctuation"),
        pytest.param("区民政局：  做好", "区民政局：做好", id="space-after-colon"),
        pytest.param("“两个 确立”", "“两个确立”", id="quotes-are-cjk-punctuation"),
        pytest.param("a   b\t\nc", "a b c", id="other-whitespace-one-space"),
        pytest.param("  首尾  ", "首尾", id="trimmed"),
        pytest.param("<p>区教育体育局： 掌握</p> <p>区水利局：</p>", "区教育体育局：掌握区水利局：", id="p-tags"),
        pytest.param("A&amp;B", "A&B", id="entities"),
    ],
)
def test_clean(raw, expected):
    assert clean(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        pytest.param(
            '<ol style="list-style-type: none"> 负责甲； 组织乙，丙； 指导丁。 <p>区水利局：</p>',
            "1.负责甲；\n2.组织乙，丙；\n3.指导丁。",
            id="ol-without-numbers-is-numbered",
        ),
        pytest.param(
            '<ol style="list-style-type: none"> 1.建立甲； 2.签订乙；',
            "1.建立甲；\n2.签订乙；",
            id="ol-with-numbers-kept",
        ),
        pytest.param("<ol><li>甲；</li><li>乙。</li></ol>", "1.甲；\n2.乙。", id="ol-with-li"),
    ],
)
def test_strip_markup_numbers_ordered_lists(raw, expected):
    assert strip_markup(raw).strip().split("\n")[:3] == expected.split("\n")


def test_break_positions_are_remembered():
    cleaned = clean_with_breaks("做好甲\n区民政局：乙")
    assert cleaned.text == "做好甲区民政局：乙"
    assert cleaned.is_boundary(3)  # where 区 starts: a paragraph may have ended here
    assert not cleaned.is_boundary(2)


_han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


@given(st.lists(st.text(_han, min_size=1, max_size=8), min_size=1, max_size=6), st.sampled_from([" ", "\n", " \n ", "\u3000"]))
def test_wrapping_chinese_text_anywhere_changes_nothing(words, ws):
    assert clean(ws.join(words)) == "".join(words)


@given(st.text(max_size=60))
def test_clean_is_idempotent(text):
    assert clean(clean(text)) == clean(text)


@pytest.mark.parametrize("cell, expected", [("/", ""), ("—", ""), ("——", ""), (" － \n", ""), ("无", ""), ("／", ""),
                                            ("区民政局", "区民政局"), ("无线电管理", "无线电管理"), ("", "")])
def test_a_cell_that_says_none(cell, expected):
    assert placeholder_to_empty(cell) == expected


@pytest.mark.parametrize("raw, expected", [
    ("上级部⻔收回事项清单", "上级部门收回事项清单"),  # CJK Radicals Supplement U+2ED4
    ("承接部门及⼯作⽅式", "承接部门及工作方式"),  # Kangxi Radicals U+2F2F, U+2F45
    ("⼀、⺠⽣服务（3项）", "一、民生服务（3项）"),
    ("（１）：；，", "（１）：；，"),  # full-width forms are not folded
])
def test_radicals_are_read_as_the_ideographs_they_are_drawn_as(raw, expected):
    assert clean(raw) == expected
