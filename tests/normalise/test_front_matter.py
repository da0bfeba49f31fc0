"""The cover and preface (说明): title, place split into province/city/district/township, month, declared totals.

Inputs are hand-written paragraph lists, as an extractor hands them over;
expected values are written out by hand.
"""

from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.normalise.front_matter import parse_front_matter

# the 2025-07 edition's preface sentence (raw/songzhuang-2025-07.txt), Arabic numerals
PREFACE = (
    "送庄镇基本履职事项清单包括党的建设、经济发展、民生服务、平安法治、乡村振兴、生态环保、城乡建设、文化和旅游、"
    "综合政务共 9 个类别 119 项；配合履职事项清单包括党的建设、经济发展、平安法治、乡村振兴、社会管理、社会保障、"
    "自然资源、生态环保、城乡建设、卫生健康、应急管理及消防、市场监管共 12 个类别 69 项；上级部门收回事项清单包括"
    "民生服务、平安法治、乡村振兴、生态环保、城乡建设、文化和旅游共 6 个类别 126 项。"
)
# the same totals in Chinese numerals, shorter category lists
PREFACE_CHINESE = (
    "基本履职事项清单包括党的建设、经济发展共九个类别一百一十九项；"
    "配合履职事项清单包括平安法治共十二个类别六十九项；"
    "上级部门收回事项清单包括民生服务、城乡建设共六个类别一百二十六项。"
)


def cover(place: str, preface: str = PREFACE, month: str | None = "2025年7月") -> list[str]:
    paragraphs = [place, "履行职责事项清单"]
    if month:
        paragraphs.append(month)
    return [*paragraphs, "说 明", preface]


def test_published_edition_front_matter():
    # the text form's first lines: title in one paragraph with a space, month, 说 明, the preface
    fm = parse_front_matter(["河南省洛阳市孟津区送庄镇 履行职责事项清单", "2025年7月", "说 明", PREFACE])
    assert fm.title == "河南省洛阳市孟津区送庄镇履行职责事项清单"
    assert (fm.province, fm.city, fm.district, fm.township) == ("河南省", "洛阳市", "孟津区", "送庄镇")
    assert fm.published == "2025-07"
    basic, coordinated, reclaimed = fm.declared["basic"], fm.declared["coordinated"], fm.declared["reclaimed"]
    assert sorted(fm.declared) == ["basic", "coordinated", "reclaimed"]
    assert (basic.category_count, basic.total) == (9, 119)
    assert basic.categories == ["党的建设", "经济发展", "民生服务", "平安法治", "乡村振兴", "生态环保", "城乡建设", "文化和旅游", "综合政务"]
    assert (coordinated.category_count, coordinated.total) == (12, 69)
    assert coordinated.categories == [
        "党的建设", "经济发展", "平安法治", "乡村振兴", "社会管理", "社会保障",
        "自然资源", "生态环保", "城乡建设", "卫生健康", "应急管理及消防", "市场监管",
    ]  # fmt: skip
    assert (reclaimed.category_count, reclaimed.total) == (6, 126)
    assert reclaimed.categories == ["民生服务", "平安法治", "乡村振兴", "生态环保", "城乡建设", "文化和旅游"]


def test_title_split_over_two_paragraphs_is_joined():
    fm = parse_front_matter(cover("河南省洛阳市孟津区送庄镇"))
    assert fm.title == "河南省洛阳市孟津区送庄镇履行职责事项清单"


@pytest.mark.parametrize(
    "place, province, city, district, township",
    [
        pytest.param("河南省洛阳市孟津区送庄镇", "河南省", "洛阳市", "孟津区", "送庄镇", id="省市区镇"),
        pytest.param("广西壮族自治区百色市隆林各族自治县者浪乡", "广西壮族自治区", "百色市", "隆林各族自治县", "者浪乡", id="自治区-自治县-乡"),
        pytest.param("四川省凉山彝族自治州昭觉县竹核乡", "四川省", "凉山彝族自治州", "昭觉县", "竹核乡", id="自治州-县-乡"),
        pytest.param("内蒙古自治区锡林郭勒盟正蓝旗上都镇", "内蒙古自治区", "锡林郭勒盟", "正蓝旗", "上都镇", id="盟-旗"),
        pytest.param("河南省洛阳市西工区王城路街道办事处", "河南省", "洛阳市", "西工区", "王城路街道办事处", id="街道办事处"),
        pytest.param("河南省洛阳市西工区王城路街道", "河南省", "洛阳市", "西工区", "王城路街道", id="街道"),
        pytest.param("送庄镇", None, None, None, "送庄镇", id="township-only"),
    ],
)  # fmt: skip
def test_place_split(place, province, city, district, township):
    fm = parse_front_matter(cover(place))
    assert fm.title == f"{place}履行职责事项清单"
    assert (fm.province, fm.city, fm.district, fm.township) == (province, city, district, township)


@pytest.mark.parametrize(
    "place, province, district, township",
    [
        pytest.param("北京市朝阳区建外街道", "北京市", "朝阳区", "建外街道", id="北京市"),
        pytest.param("上海市浦东新区张江镇", "上海市", "浦东新区", "张江镇", id="上海市"),
    ],
)
def test_direct_administered_municipality_is_the_province(place, province, district, township):
    fm = parse_front_matter(cover(place))
    assert (fm.province, fm.city, fm.district, fm.township) == (province, None, district, township)


def test_direct_administered_municipality_keeps_district_and_township():
    """What holds today, bug or not: the district and the street office are found."""
    fm = parse_front_matter(cover("北京市朝阳区建外街道"))
    assert fm.title == "北京市朝阳区建外街道履行职责事项清单"
    assert (fm.district, fm.township) == ("朝阳区", "建外街道")


@pytest.mark.parametrize(
    "month, published",
    [("2025年7月", "2025-07"), ("2024年12月", "2024-12"), ("2025 年 3 月", "2025-03"), (None, None)],
)
def test_published_month(month, published):
    assert parse_front_matter(cover("河南省洛阳市孟津区送庄镇", month=month)).published == published


def test_declared_totals_in_chinese_numerals():
    fm = parse_front_matter(cover("河南省洛阳市孟津区送庄镇", PREFACE_CHINESE))
    basic, coordinated, reclaimed = fm.declared["basic"], fm.declared["coordinated"], fm.declared["reclaimed"]
    assert (basic.category_count, basic.total, basic.categories) == (9, 119, ["党的建设", "经济发展"])
    assert (coordinated.category_count, coordinated.total, coordinated.categories) == (12, 69, ["平安法治"])
    assert (reclaimed.category_count, reclaimed.total, reclaimed.categories) == (6, 126, ["民生服务", "城乡建设"])


def test_declared_totals_without_个():
    preface = (
        "基本履职事项清单包括党的建设共2类3项；"
        "配合履职事项清单包括平安法治共1类2项；"
        "上级部门收回事项清单包括民生服务共1类2项。"
    )
    fm = parse_front_matter(cover("某镇", preface))
    assert (fm.declared["basic"].category_count, fm.declared["basic"].total) == (2, 3)
    assert (fm.declared["reclaimed"].category_count, fm.declared["reclaimed"].total) == (1, 2)


def test_no_front_matter():
    with pytest.raises(InputError) as err:
        parse_front_matter([])
    assert err.value.code == "no_front_matter"
    assert str(err.value) == "no cover or preface before the tables: is this a duty list?"


@pytest.mark.parametrize(
    "paragraphs",
    [
        pytest.param(["说 明", PREFACE], id="preface-only"),
        pytest.param(["河南省洛阳市孟津区送庄镇", "2025年7月", "说 明", PREFACE], id="no-title-words"),
        pytest.param(["一", "二", "三", "四", "五", "六", "送庄镇履行职责事项清单", PREFACE], id="title-too-late"),
    ],
)
def test_no_title(paragraphs):
    with pytest.raises(InputError) as err:
        parse_front_matter(paragraphs)
    assert err.value.code == "no_title"
    assert "履行职责事项清单" in str(err.value)


def test_no_declared_totals_names_the_missing_lists():
    preface = "基本履职事项清单包括党的建设共 1 个类别 2 项。"
    with pytest.raises(InputError) as err:
        parse_front_matter(cover("河南省洛阳市孟津区送庄镇", preface))
    assert err.value.code == "no_declared_totals"
    assert str(err.value) == "the preface (说明) declares no totals for 配合履职事项清单、上级部门收回事项清单"


def test_no_preface_at_all_leaves_the_totals_to_the_headings():
    fm = parse_front_matter(["河南省洛阳市孟津区送庄镇", "履行职责事项清单", "2025年7月"])
    assert fm.declared == {}
    assert (fm.township, fm.published) == ("送庄镇", "2025-07")


def test_a_preface_heading_that_declares_nothing_is_still_an_error():
    # 说 明 is there but its wording is not one we read: guessing from the headings would hide that
    with pytest.raises(InputError) as err:
        parse_front_matter(["河南省洛阳市孟津区送庄镇", "履行职责事项清单", "说 明", "本清单共三张表。"])
    assert err.value.code == "no_declared_totals"
    assert str(err.value) == "the preface (说明) declares no totals for 基本履职事项清单、配合履职事项清单、上级部门收回事项清单"


def test_without_a_cover_the_place_comes_from_a_list_title():
    # a workbook of three sheets, each opening with its title row: no cover, no month, no preface
    fm = parse_front_matter([], ["河南省洛阳市孟津区送庄镇基本履职事项清单", "送庄镇配合履职事项清单"])
    assert fm.title == "河南省洛阳市孟津区送庄镇履行职责事项清单"
    assert (fm.province, fm.city, fm.district, fm.township) == ("河南省", "洛阳市", "孟津区", "送庄镇")
    assert (fm.published, fm.declared) == (None, {})


def test_a_cover_title_wins_over_list_titles():
    fm = parse_front_matter(cover("河南省洛阳市孟津区送庄镇"), ["某县城关镇基本履职事项清单"])
    assert fm.township == "送庄镇"


def test_list_titles_without_a_place_name_no_title():
    with pytest.raises(InputError) as err:
        parse_front_matter([], ["基本履职事项清单", "配合履职事项清单"])
    assert err.value.code == "no_front_matter"
    with pytest.raises(InputError) as err:
        parse_front_matter(["某某会议纪要"], ["基本履职事项清单"])
    assert err.value.code == "no_title"
