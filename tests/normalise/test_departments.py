"""Rules 4 and 5: department lists and who does what."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalise.departments import parse_department_duties, split_department_column


@pytest.mark.parametrize(
    "cell, known, expected",
    [
        pytest.param("区人民政府办公室\n市公安局孟津分局", set(), ["区人民政府办公室", "市公安局孟津分局"], id="line-breaks"),
        pytest.param("区民政局 区财政局", set(), ["区民政局", "区财政局"], id="spaces"),
        pytest.param("区民政局、区财政局", set(), ["区民政局", "区财政局"], id="ideographic-comma"),
        pytest.param("区人力资源和社会保障 局", set(), ["区人力资源和社会保障局"], id="suffix-wrapped"),
        pytest.param("区发展和\n改革委员\n会", set(), ["区发展和改革委员会"], id="narrow-column-three-lines"),
        pytest.param("市自然资源和规 划局孟津分局 区农业农村局", set(), ["市自然资源和规划局孟津分局", "区农业农村局"],
                     id="wrapped-then-next"),
        pytest.param("区人力资源和社 会保障局", {"区人力资源和社会保障局"}, ["区人力资源和社会保障局"],
                     id="known-name-beats-shape"),
        pytest.param("市公安局\n孟津分局", {"市公安局孟津分局"}, ["市公安局孟津分局"], id="cut-across-page-known"),
        pytest.param("区工业和信息化局（区民营经济发展局）", set(), ["区工业和信息化局（区民营经济发展局）"], id="bracketed-alias"),
        pytest.param("团区委", set(), ["团区委"], id="short-name"),
        pytest.param("区工业和\n信息化局\n（区民营\n经济发展\n局）", set(), ["区工业和信息化局（区民营经济发展局）"],
                     id="bracket-continues-the-name"),
    ],
)
def test_split_department_column(cell, known, expected):
    assert split_department_column(cell, known) == expected


_DEPARTMENTS = ["区民政局", "区财政局", "区卫生健康委员会", "区交通运输局", "市公安局孟津分局", "区城市管理局",
                "区人力资源和社会保障局", "国家统计局孟津调查队", "区发展和改革委员会", "团区委"]


@given(st.lists(st.sampled_from(_DEPARTMENTS), min_size=1, max_size=6, unique=True), st.data())
def test_wrapping_names_anywhere_is_undone_when_the_edition_spells_them_out(names, data):
    pieces = []
    for name in names:
        cut = data.draw(st.integers(0, len(name) - 1))
        pieces.append(name[:cut] + ("\n" if cut else "") + name[cut:])
    assert split_department_column("\n".join(pieces), set(_DEPARTMENTS)) == names


def per_department(cell: str, departments: list[str], known: set[str] = frozenset()):
    parse = parse_department_duties(cell, departments, set(known))
    out: dict[str, list[tuple[str, str | None]]] = {}
    for c in parse.clauses:
        out.setdefault(c.department, []).append((c.text, c.label))
    return out, parse


def test_single_department_without_label():
    out, parse = per_department("1.发布公告；\n2.承担工作。", ["区人民武装部"])
    assert out == {"区人民武装部": [("发布公告", None), ("承担工作", None)]}
    assert not parse.unlabelled


def test_labels_open_each_departments_clauses():
    out, _ = per_department("区人民政府办公室：\n做好防范工作。\n市公安局孟津分局：\n1.打击；\n2.宣传。",
                            ["区人民政府办公室", "市公安局孟津分局"])
    assert out == {"区人民政府办公室": [("做好防范工作", None)], "市公安局孟津分局": [("打击", None), ("宣传", None)]}


def test_shared_label_gives_clauses_to_each():
    out, _ = per_department("区甲局：甲。\n区乙局、区丙局：\n1.一；\n2.二。", ["区甲局", "区乙局", "区丙局"])
    assert out["区乙局"] == out["区丙局"] == [("一", "区乙局、区丙局"), ("二", "区乙局、区丙局")]


def test_shared_sentence_is_one_clause_for_each_department():
    cell = "区甲局：甲。\n区乙局、区丙局和区丁大队等部门，根据职能履行监管职责。"
    out, _ = per_department(cell, ["区甲局", "区乙局", "区丙局", "区丁大队"])
    sentence = "区乙局、区丙局和区丁大队等部门，根据职能履行监管职责"
    for dept in ("区乙局", "区丙局", "区丁大队"):
        assert [text for text, _ in out[dept]] == [sentence]


def test_labels_without_line_breaks_text_form():
    out, _ = per_department("区委政法委： 1.推动甲； 2.组织乙。 市公安局孟津分局： 统筹丙。", ["区委政法委", "市公安局孟津分局"])
    assert [t for t, _ in out["区委政法委"]] == ["推动甲", "组织乙"]
    assert [t for t, _ in out["市公安局孟津分局"]] == ["统筹丙"]


def test_mismatches_between_column_and_labels_are_reported():
    _, parse = per_department("区甲局：甲。\n区丙局：丙。", ["区甲局", "区乙局"])
    assert parse.unlisted == ["区丙局"]
    assert parse.without_duties == ["区乙局"]


def test_unlabelled_text_in_multi_department_item_goes_to_all_and_is_flagged():
    out, parse = per_department("共同做好甲。", ["区甲局", "区乙局"])
    assert parse.unlabelled
    assert out == {"区甲局": [("共同做好甲", None)], "区乙局": [("共同做好甲", None)]}


def test_colon_inside_a_clause_is_not_a_label():
    out, _ = per_department("1.主要包括：甲、乙；\n2.工作方式：丙。", ["区甲局"])
    assert [t for t, _ in out["区甲局"]] == ["主要包括：甲、乙", "工作方式：丙"]


@pytest.mark.parametrize("cell, names", [
    # lines the extractor knows were full (U+2028, raw.py): joined when that makes one name, not otherwise
    ("国家税务总局\u2028洛阳市孟津区\u2028税务局", ["国家税务总局洛阳市孟津区税务局"]),
    ("区发展和改革委\u2028员会", ["区发展和改革委员会"]),
    ("区民族宗教事务局\u2028市公安局孟津分局\u2028区市场监督管理局", ["区民族宗教事务局", "市公安局孟津分局", "区市场监督管理局"]),
    # the same lines without that knowledge: two names that each look whole stay two
    ("国家税务总局\n洛阳市孟津区\n税务局", ["国家税务总局", "洛阳市孟津区税务局"]),
])
def test_a_wrap_the_extractor_knows_of_is_evidence_for_one_name(cell, names):
    assert split_department_column(cell, set()) == names
