"""Rule 7: category headings."""

from __future__ import annotations

import pytest

from pipeline.normalise.headings import Heading, chinese_number, column_heading, parse_heading


@pytest.mark.parametrize(
    "text, expected",
    [("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("十二", 12), ("二十", 20), ("二十三", 23), ("一百零五", 105), ("12", 12)],
)
def test_chinese_number(text, expected):
    assert chinese_number(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("一、党的建设（29项）", Heading(1, "党的建设", 29), id="basic"),
        pytest.param("十一、应急管理及消防（6项）", Heading(11, "应急管理及消防", 6), id="eleven"),
        pytest.param("十三、其他 （ 3 项 ）", Heading(13, "其他", 3), id="spaces-and-beyond-twelve"),
        pytest.param("二、经济发展(7项)", Heading(2, "经济发展", 7), id="half-width-brackets"),
        pytest.param("党的建设", None, id="no-number"),
        pytest.param("1", None, id="item-number"),
    ],
)
def test_parse_heading(text, expected):
    assert parse_heading(text) == expected


@pytest.mark.parametrize(
    "text, number, expected",
    [
        pytest.param("党的建设", 3, Heading(3, "党的建设", None), id="name-only-takes-its-place"),
        pytest.param("二、经济发展", 5, Heading(2, "经济发展", None), id="own-number-kept"),
        pytest.param("经济发展（7项）", 2, Heading(2, "经济发展", 7), id="count-without-number"),
        pytest.param("一、党的建设（29项）", 4, Heading(1, "党的建设", 29), id="a-whole-heading"),
    ],
)
def test_a_category_column_cell(text, number, expected):
    assert column_heading(text, number) == expected
