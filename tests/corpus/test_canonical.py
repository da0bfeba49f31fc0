"""Canonical department names (pipeline.corpus.canonical): each written rule on its own, then the edition's names.

Every expected value is written out by hand from reading the published edition
(raw/songzhuang-2025-07.txt: the 对应上级部门 column, the 上级部门职责 labels and
the 承接部门 column), never taken from the code's output.
"""

from __future__ import annotations

import regex as re
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import RAW, EDITION_ID
from pipeline.corpus.canonical import Canonical, canonical_department, canonical_names, place_names

MENGJIN = ("河南省", "洛阳市", "孟津区", "送庄镇")
JINSHUI = ("河南省", "郑州市", "金水区", "丰产路街道")
TUMOTE = ("内蒙古自治区", "呼和浩特市", "土默特左旗", "察素齐镇")
CHABUCHAER = ("新疆维吾尔自治区", "伊犁哈萨克自治州", "察布查尔锡伯自治县", "孙扎齐镇")
YANBIAN = ("吉林省", "延边朝鲜族自治州", "延吉市", "依兰镇")
NONE = (None, None, None, None)


def canon(name: str, place=MENGJIN) -> str:
    return canonical_department(name, place).canonical


# ---------------------------------------------------------------- rule 1: text


@pytest.mark.parametrize(
    "name, expected",
    [
        pytest.param("区人力资源和社会保障 局", "人力资源和社会保障局", id="wrap-space"),
        pytest.param(" 区民政局\n", "民政局", id="outer-whitespace"),
        pytest.param("区\u3000民政局", "民政局", id="ideographic-space"),
        pytest.param("区工业和信息化局（区民营经济发展局）", "工业和信息化局(民营经济发展局)", id="full-width-brackets"),
        pytest.param("区工业和信息化局(区民营经济发展局)", "工业和信息化局(民营经济发展局)", id="half-width-brackets"),
        pytest.param("区\u2ea0政局", "民政局", id="radical-as-ideograph"),  # ⺠ (CJK Radicals Supplement) is 民
    ],
)
def test_rule1_text_is_normalised(name, expected):
    assert canon(name) == expected


def test_rule1_alone_is_reported():
    assert canonical_department("民政 局") == Canonical("民政局", "normalised")


# ---------------------------------------------------------------- rule 2: place names


@pytest.mark.parametrize(
    "place, expected",
    [
        pytest.param(MENGJIN, {"河南省", "河南", "洛阳市", "洛阳", "孟津区", "孟津", "送庄镇"}, id="province-city-district"),
        pytest.param(("河北省", "邯郸市", "涉县", "井店镇"), {"河北省", "河北", "邯郸市", "邯郸", "涉县", "井店镇"},
                     id="one-character-county-has-no-short-form"),
        pytest.param(TUMOTE, {"内蒙古自治区", "内蒙古", "呼和浩特市", "呼和浩特", "土默特左旗", "土默特左", "察素齐镇"},
                     id="autonomous-region-banner"),
        pytest.param(CHABUCHAER, {"新疆维吾尔自治区", "新疆维吾尔", "新疆", "伊犁哈萨克自治州", "伊犁哈萨克", "伊犁",
                                  "察布查尔锡伯自治县", "察布查尔锡伯", "察布查尔", "孙扎齐镇"}, id="peoples-without-zu"),
        pytest.param(("广西壮族自治区", "百色市", "隆林各族自治县", None),
                     {"广西壮族自治区", "广西壮族", "广西", "百色市", "百色", "隆林各族自治县", "隆林各族", "隆林"},
                     id="peoples-with-zu"),
        pytest.param(("上海市", "上海市", "浦东新区", "陆家嘴街道"), {"上海市", "上海", "浦东新区", "浦东", "陆家嘴街道"},
                     id="new-area"),
        pytest.param(("新疆维吾尔自治区", "阿克苏地区", "库车市", None),
                     {"新疆维吾尔自治区", "新疆维吾尔", "新疆", "阿克苏地区", "阿克苏", "库车市", "库车"}, id="prefecture"),
        pytest.param(NONE, set(), id="no-place"),
    ],
)
def test_rule2_place_names_full_and_short(place, expected):
    names = place_names(place)
    assert set(names) == expected
    assert list(names) == sorted(names, key=len, reverse=True)  # longest first: 孟津区 before 孟津


@pytest.mark.parametrize(
    "name, place, expected",
    [
        pytest.param("孟津区民政局", MENGJIN, "民政局", id="district-full"),
        pytest.param("孟津民政局", MENGJIN, "民政局", id="district-short"),
        pytest.param("洛阳市民政局", MENGJIN, "民政局", id="city-full"),
        pytest.param("河南省民政厅", MENGJIN, "民政厅", id="province-full"),
        pytest.param("河南省洛阳市孟津区民政局", MENGJIN, "民政局", id="several-in-a-row"),
        pytest.param("郑州市金水区民政局", JINSHUI, "民政局", id="city-then-district"),
        pytest.param("孟津黄河河务局", MENGJIN, "黄河河务局", id="short-form-before-organ"),
        pytest.param("送庄镇派出所", MENGJIN, "派出所", id="township-full"),
        pytest.param("土默特左旗民政局", TUMOTE, "民政局", id="banner"),
        pytest.param("内蒙古自治区民政厅", TUMOTE, "民政厅", id="autonomous-region"),
        pytest.param("延边州民政局", YANBIAN, "民政局", id="short-prefecture-then-level"),
    ],
)
def test_rule2_place_opening_the_name_goes(name, place, expected):
    c = canonical_department(name, place)
    assert c.canonical == expected
    assert "place_prefix" in c.rule


@pytest.mark.parametrize(
    "name, place, expected",
    [
        pytest.param("国家统计局孟津调查队", MENGJIN, "国家统计局调查队", id="after-an-organ"),
        pytest.param("国家税务总局洛阳市孟津区税务局", MENGJIN, "国家税务总局税务局", id="two-after-an-organ"),
        pytest.param("国网孟津供电公司", MENGJIN, "国网供电公司", id="before-a-unit-word"),
        pytest.param("黄河湿地孟津管理中心", MENGJIN, "黄河湿地管理中心", id="before-management-centre"),
        pytest.param("中国人民银行洛阳市中心支行", MENGJIN, "中国人民银行中心支行", id="bank-branch"),
    ],
)
def test_rule2_place_inside_the_name_goes(name, place, expected):
    c = canonical_department(name, place)
    assert c.canonical == expected
    assert c.rule == "place_inside"


@pytest.mark.parametrize(
    "name, place",
    [
        pytest.param("金水河管理处", JINSHUI, id="short-form-begins-a-river-name"),
        pytest.param("郑州市民政局", MENGJIN, id="another-places-name"),
        pytest.param("孟津区", MENGJIN, id="nothing-would-remain"),
        pytest.param("孟津区局", MENGJIN, id="one-character-would-remain"),
        pytest.param("孟津区领导小组会议", MENGJIN, id="remainder-not-an-organ"),  # ends in 议
        pytest.param("住房和城乡建设局", ("辽宁省", "沈阳市", "和平区", "建设街道"), id="township-short-form-is-a-word"),
        pytest.param("人民法院", ("吉林省", "长春市", "朝阳区", "人民街道"), id="township-short-form-人民"),
    ],
)
def test_rule2_guards_leave_the_name(name, place):
    assert canonical_department(name, place) == Canonical(name, "unchanged")


def test_rule2_organ_word_after_a_river_character_is_an_organ():
    assert canonical_department("洛阳海关", MENGJIN) == Canonical("海关", "place_prefix")


def test_rule2_place_ending_where_a_word_goes_on():
    # 市中区 (济南): 市中心医院 is 市 + 中心医院, never 市中 + 心医院
    assert canon("市中心医院", ("山东省", "济南市", "市中区", "大观园街道")) == "中心医院"
    assert canon("市中区民政局", ("山东省", "济南市", "市中区", "大观园街道")) == "民政局"


def test_rule2_needs_the_edition_place():
    assert canonical_department("市公安局孟津分局", NONE) == Canonical("公安局孟津分局", "level_prefix")


# ---------------------------------------------------------------- rule 3: level prefix


@pytest.mark.parametrize(
    "name, expected",
    [
        ("区民政局", "民政局"),
        ("县民政局", "民政局"),
        ("市民政局", "民政局"),
        ("省民政厅", "民政厅"),
        ("旗民政局", "民政局"),
        ("州民政局", "民政局"),
        ("盟民政局", "民政局"),
        ("自治区民政厅", "民政厅"),
        ("自治州民政局", "民政局"),
        ("自治县民政局", "民政局"),
        ("自治旗民政局", "民政局"),
        ("区市场监督管理局", "市场监督管理局"),
        ("县城市管理局", "城市管理局"),
        ("区乡村振兴局", "乡村振兴局"),
        ("市政府办公室", "政府办公室"),
        ("市政协", "政协"),
        ("市民族宗教事务局", "民族宗教事务局"),
        ("市直属机关工委", "直属机关工委"),
        ("区人民政府", "人民政府"),
    ],
)
def test_rule3_level_prefix_goes(name, expected):
    assert canonical_department(name, NONE) == Canonical(expected, "level_prefix")


@pytest.mark.parametrize(
    "name",
    [
        "市场监督管理局",
        "市政工程管理处",
        "市容环境卫生管理局",
        "市民服务中心",
        "市直机关工委",
        "区域协调发展中心",
        "区划地名办公室",
        "县域经济发展服务中心",
        "省级财政监督站",
        "区领导",  # not an organ's ending
        "区局",  # one character would remain
        "镇江市民政局",  # 镇 is no level prefix: 镇江 is a city
        "乡村振兴局",
        "乡宁县民政局",
        "街道办事处",
    ],
)
def test_rule3_guards_leave_the_name(name):
    assert canonical_department(name, NONE) == Canonical(name, "unchanged")


# ---------------------------------------------------------------- rule 4: party committee


@pytest.mark.parametrize(
    "name, expected",
    [
        ("区委", "党委"),
        ("县委组织部", "党委组织部"),
        ("区委宣传部", "党委宣传部"),
        ("区委政法委", "党委政法委"),
        ("孟津区委宣传部", "党委宣传部"),
        ("中共孟津区委宣传部", "党委宣传部"),
        ("中共洛阳市委员会", "党委"),
        ("团区委", "团委"),
        ("团县委", "团委"),
        ("共青团孟津区委", "团委"),
    ],
)
def test_rule4_party_committee(name, expected):
    assert canonical_department(name, MENGJIN) == Canonical(expected, "party_committee")


def test_rule4_leaves_other_committees_to_rule3():
    assert canon("区纪委监委") == "纪委监委"  # 区 + 纪委监委: a level prefix, not 区委


# ---------------------------------------------------------------- rule 5: branch


@pytest.mark.parametrize(
    "name, place, expected",
    [
        pytest.param("公安局孟津分局", MENGJIN, "公安局", id="bureau-branch"),
        pytest.param("市公安局金水分局", JINSHUI, "公安局", id="other-district"),
        pytest.param("洛阳市生态环境局孟津分局", MENGJIN, "生态环境局", id="city-named"),
        pytest.param("呼和浩特市公安局土默特左旗分局", TUMOTE, "公安局", id="banner-branch"),
        pytest.param("市消防救援支队孟津大队", MENGJIN, "消防救援大队", id="detachment-brigade"),
        pytest.param("省消防救援总队洛阳支队", MENGJIN, "消防救援支队", id="corps-detachment"),
        pytest.param("区公安分局", MENGJIN, "公安局", id="bare-branch"),
        pytest.param("市公安局孟津分局交通警察大队", MENGJIN, "公安局交通警察大队", id="sub-unit-stays"),
    ],
)
def test_rule5_branch_is_the_places_organ(name, place, expected):
    c = canonical_department(name, place)
    assert c.canonical == expected
    assert c.rule.endswith("branch_suffix")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("公安局交通警察大队", "公安局交通警察大队"),  # a sub-unit of 公安局, not 公安局
        ("市公安局交警分局", "公安局交警分局"),  # a branch by function, not by place
        ("分局", "分局"),
        ("第一分局", "第一分局"),
    ],
)
def test_rule5_leaves_sub_units(name, expected):
    assert canon(name) == expected


# ---------------------------------------------------------------- rule 6: second name


def test_rule6_each_name_in_its_own_right():
    assert canon("区工业和信息化局（区民营经济发展局）") == "工业和信息化局(民营经济发展局)"
    assert canon("孟津区卫生健康委员会（孟津区疾病预防控制局）") == "卫生健康委员会(疾病预防控制局)"
    assert canon("区工业和信息化局（区民营经济发展局）") != canon("区工业和信息化局")


def test_rule6_a_bracket_that_is_no_name_stays():
    assert canon("区政务服务中心（筹）") == "政务服务中心(筹)"


# ---------------------------------------------------------------- rule 7: the rest


@pytest.mark.parametrize("name", ["国家统计局", "国家税务总局", "黄河水利委员会", "Bureau", "局"])
def test_rule7_unrecognised_stays(name):
    assert canonical_department(name, MENGJIN) == Canonical(name, "unchanged")


@pytest.mark.parametrize(
    "a, b",
    [
        ("区民政局", "区人力资源和社会保障局"),
        ("区交通运输局", "区交通运输管理局"),
        ("区市场监管局", "区市场监督管理局"),
        ("区政府办公室", "区人民政府办公室"),
        ("区税务局", "国家税务总局洛阳市孟津区税务局"),
        ("市公安局孟津分局", "市公安局孟津分局交通警察大队"),
        ("区工业和信息化局", "区工业和信息化局（区民营经济发展局）"),
        ("区委宣传部", "区委统战部"),
    ],
)
def test_rule7_different_organs_and_abbreviations_stay_apart(a, b):
    assert canon(a) != canon(b)


@pytest.mark.parametrize("name", ["", " ", "\n\t\u3000"])
def test_rule7_no_name_is_an_error(name):
    with pytest.raises(ValueError, match="no department name"):
        canonical_department(name, MENGJIN)


# ---------------------------------------------------------------- the published edition


# every department the 2025-07 送庄镇 edition names → its canonical name, and the rules that apply
SONGZHUANG = {
    # the district's organs: 区 + organ
    "区交通运输局": ("交通运输局", "level_prefix"),
    "区交通运输管理局": ("交通运输管理局", "level_prefix"),  # an organ of its own beside 交通运输局
    "区人力资源和社会保障局": ("人力资源和社会保障局", "level_prefix"),
    "区人民政府办公室": ("人民政府办公室", "level_prefix"),
    "区人民武装部": ("人民武装部", "level_prefix"),
    "区人民法院": ("人民法院", "level_prefix"),
    "区住房和城乡建设局": ("住房和城乡建设局", "level_prefix"),
    "区农业农村局": ("农业农村局", "level_prefix"),
    "区医疗保障局": ("医疗保障局", "level_prefix"),
    "区卫生健康委员会": ("卫生健康委员会", "level_prefix"),
    "区发展和改革委员会": ("发展和改革委员会", "level_prefix"),
    "区司法局": ("司法局", "level_prefix"),
    "区城市管理局": ("城市管理局", "level_prefix"),
    "区妇女联合会": ("妇女联合会", "level_prefix"),
    "区工业和信息化局": ("工业和信息化局", "level_prefix"),
    "区工业和信息化局（区民营经济发展局）": ("工业和信息化局(民营经济发展局)", "normalised+level_prefix"),
    "区市场监督管理局": ("市场监督管理局", "level_prefix"),
    "区应急管理局": ("应急管理局", "level_prefix"),
    "区总工会": ("总工会", "level_prefix"),
    "区教育体育局": ("教育体育局", "level_prefix"),
    "区文化广电和旅游局": ("文化广电和旅游局", "level_prefix"),
    "区文物局": ("文物局", "level_prefix"),
    "区林业局": ("林业局", "level_prefix"),
    "区民政局": ("民政局", "level_prefix"),
    "区民族宗教事务局": ("民族宗教事务局", "level_prefix"),
    "区气象局": ("气象局", "level_prefix"),
    "区水利局": ("水利局", "level_prefix"),
    "区消防救援大队": ("消防救援大队", "level_prefix"),
    "区疾病预防控制中心": ("疾病预防控制中心", "level_prefix"),
    "区科学技术局": ("科学技术局", "level_prefix"),
    "区粮食和物资储备保障中心": ("粮食和物资储备保障中心", "level_prefix"),
    "区红十字会": ("红十字会", "level_prefix"),
    "区财政局": ("财政局", "level_prefix"),
    "区退役军人事务局": ("退役军人事务局", "level_prefix"),
    # the district's Party and Youth League committees
    "区委宣传部": ("党委宣传部", "party_committee"),
    "区委政法委": ("党委政法委", "party_committee"),
    "团区委": ("团委", "party_committee"),
    # the city's bureaus' branches in the district: the district's bureau
    "市公安局孟津分局": ("公安局", "level_prefix+place_inside+branch_suffix"),
    "市生态环境局孟津分局": ("生态环境局", "level_prefix+place_inside+branch_suffix"),
    "市自然资源和规划局孟津分局": ("自然资源和规划局", "level_prefix+place_inside+branch_suffix"),
    # national and basin organs' units in the district: the place goes, the owner stays
    "国家税务总局洛阳市孟津区税务局": ("国家税务总局税务局", "place_inside"),
    "国家统计局孟津调查队": ("国家统计局调查队", "place_inside"),
    "孟津黄河河务局": ("黄河河务局", "place_prefix"),
    "黄河湿地孟津管理中心": ("黄河湿地管理中心", "place_inside"),
}

# named in the text of a clause (上级部门职责), not as a department of an item
IN_CLAUSES = {"市民政局": "民政局"}  # coordinated item: “医院以及市民政局”


@pytest.mark.parametrize("name", sorted(SONGZHUANG))
def test_published_name(name):
    expected, rule = SONGZHUANG[name]
    assert canonical_department(name, MENGJIN) == Canonical(expected, rule)


@pytest.mark.parametrize("name", sorted(IN_CLAUSES))
def test_name_in_a_clause(name):
    assert canon(name) == IN_CLAUSES[name]


def _flat_raw_text() -> str:
    text = (RAW / f"{EDITION_ID}.txt").read_text(encoding="utf-8")
    return re.sub(r"\s+|</?p>", "", text)


def test_every_name_of_the_table_is_printed_in_the_edition():
    flat = _flat_raw_text()
    assert [n for n in [*SONGZHUANG, *IN_CLAUSES] if n not in flat] == []


def _departments_named(edition) -> set[str]:
    names: set[str] = set()
    for kind in ("coordinated", "reclaimed"):
        for category in edition.lists[kind].categories:
            for item in category.items:
                names.update(item.departments)
                names.update(d.department for d in getattr(item, "department_duties", []))
                names.update(c.department for c in getattr(item, "method_clauses", []) if c.department)
    return names


def test_the_table_is_every_department_the_edition_names(text_result):
    assert _departments_named(text_result[0]) == set(SONGZHUANG)


def test_canonical_names_of_the_edition_in_order(text_result):
    edition = text_result[0]
    rows = [(d, MENGJIN) for c in edition.lists["coordinated"].categories for i in c.items for d in i.departments]
    assert [c.canonical for c in canonical_names(rows)] == [SONGZHUANG[d][0] for d, _ in rows]


# ---------------------------------------------------------------- the same organs elsewhere


@pytest.mark.parametrize(
    "name, place, expected",
    [
        ("县民政局", ("河南省", "洛阳市", "宜阳县", "柳泉镇"), "民政局"),
        ("宜阳县民政局", ("河南省", "洛阳市", "宜阳县", "柳泉镇"), "民政局"),
        ("郑州市金水区民政局", JINSHUI, "民政局"),
        ("金水区人力资源和社会保障局", JINSHUI, "人力资源和社会保障局"),
        ("市公安局金水分局", JINSHUI, "公安局"),
        ("郑州市生态环境局金水分局", JINSHUI, "生态环境局"),
        ("国家税务总局郑州市金水区税务局", JINSHUI, "国家税务总局税务局"),
        ("金水区人民政府办公室", JINSHUI, "人民政府办公室"),
        ("金水区人民武装部", JINSHUI, "人民武装部"),
        ("区委政法委", JINSHUI, "党委政法委"),
        ("旗民政局", TUMOTE, "民政局"),
        ("旗公安局", TUMOTE, "公安局"),
        ("自治区生态环境厅", TUMOTE, "生态环境厅"),
        ("团旗委", TUMOTE, "团委"),
        ("州民政局", CHABUCHAER, "民政局"),
        ("伊犁州民政局", CHABUCHAER, "民政局"),
        ("察布查尔县民政局", CHABUCHAER, "民政局"),
        ("自治县民政局", CHABUCHAER, "民政局"),
        ("延边朝鲜族自治州民政局", YANBIAN, "民政局"),
        ("延吉市市场监督管理局", YANBIAN, "市场监督管理局"),
    ],
)
def test_same_organ_other_places(name, place, expected):
    assert canon(name, place) == expected


# ---------------------------------------------------------------- properties

_PIECES = [
    "区", "市", "县", "旗", "州", "盟", "省", "自治区", "自治州", "镇", "乡", "街道", "委", "团", "中共", "国家", "国网",
    "河南省", "河南", "洛阳市", "洛阳", "孟津区", "孟津", "送庄镇", "金水", "内蒙古自治区",
    "民政", "公安", "市场", "监督管理", "政府", "人民", "生态环境", "交通警察", "消防救援", "中心", "河", "海关",
    "局", "分局", "支队", "大队", "中队", "委员会", "办公室", "部", "供电公司", "调查队", "管理中心",
    "（", "）", "(", ")", " ", "\n", "\u3000", "、", "⺠", "第一",
]
_NAMES = st.one_of(
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8).map("".join),
    st.text(min_size=1, max_size=20),
).filter(lambda s: s.strip())
_PLACES = st.one_of(
    st.sampled_from([MENGJIN, JINSHUI, TUMOTE, CHABUCHAER, YANBIAN, NONE]),
    st.tuples(*[st.one_of(st.none(), st.text(max_size=6))] * 4),
)


@settings(max_examples=600, deadline=None)
@given(_NAMES, _PLACES)
def test_canonical_is_never_empty_and_is_its_own_canonical(name, place):
    c = canonical_department(name, place)
    assert c.canonical
    assert c.rule
    assert canonical_department(c.canonical, place).canonical == c.canonical


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_NAMES, _PLACES), max_size=20))
def test_canonical_names_is_canonical_department_of_each_row(rows):
    assert canonical_names(rows) == [canonical_department(n, p) for n, p in rows]


def test_townships_of_one_district_share_the_work():
    other_township = ("河南省", "洛阳市", "孟津区", "朝阳镇")
    for name in ("区民政局", "市公安局孟津分局"):
        assert canonical_department(name, MENGJIN) is canonical_department(name, other_township)
