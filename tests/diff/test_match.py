"""Matching by content: the thresholds, the optimal assignment, the cross-list pass.

The thresholds are justified here on data: rewordings that must still pair,
different duties of one category that must not, and the closest pairs of
different duties in the whole real 2025-07 edition.
"""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.diff.load import Item
from pipeline.diff.match import (
    CROSS_LIST_THRESHOLD,
    THRESHOLDS,
    assign,
    item_similarity,
    match,
    match_clauses,
    similarity,
)


def basic(seq: int, text: str, category: str = "综合政务") -> Item:
    return Item("basic", seq, 1, category, {"text": text})


def reclaimed(seq: int, name: str, category: str = "民生服务") -> Item:
    values = {"name": name, "departments": (), "disposition": "discontinued", "reason": "落实党中央精简优化基层考核有关要求",
              "method": "落实党中央精简优化基层考核有关要求，不再开展此项工作。"}  # fmt: skip
    return Item("reclaimed", seq, 1, category, values)


# rewordings seen in practice: a qualifier added or dropped, words expanded, clauses appended
MUST_MATCH = [
    ("basic", "负责地方史志、年鉴等资料的收集整理。", "负责地方史志、年鉴、村志等资料的收集、整理和编纂工作。"),
    ("basic", "负责档案的收集、归档、管理、移交等工作。", "负责档案的收集、整理、归档、保管、利用、移交等工作。"),
    ("basic", "负责内部财务审计和工程审计。", "负责内部财务审计。"),
    ("basic", "按照干部管理权限做好干部的选用、教育、考核、监督等工作，加强退休干部的管理及服务。",
     "按照干部管理权限做好干部的选拔任用、教育培训、考核评价、监督等工作，加强退休干部管理服务。"),
    ("reclaimed", "对违规领取80岁以上高龄津贴的追缴", "对违规领取高龄津贴的追缴"),
    ("reclaimed", "开展妇幼健康服务项目", "组织开展妇幼健康服务项目"),
    ("reclaimed", "对辖区内托育机构的监督管理", "对托育机构的监督管理"),
    ("reclaimed", "免费向已婚育龄夫妻提供避孕药具", "向已婚育龄夫妻免费提供避孕药具"),
]  # fmt: skip

# different duties of one category, each pair close in wording
MUST_NOT_MATCH = [
    ("basic", "抓好基层团组织建设，做好团员发展、教育、管理和服务等工作，维护青少年合法权益。",
     "指导基层妇联组织建设，强化宣传教育、服务保障，维护妇女儿童合法权益。"),
    ("basic", "开展城乡居民医疗保险政策宣传服务，做好参保登记、费用征缴、业务办理等工作。",
     "负责城乡居民基本养老保险政策宣传、资格认证、参保登记、注销登记、缴费管理、待遇管理等工作，做好城镇职工、灵活就业人员社会保险业务的查询工作。"),
    ("reclaimed", "对惠民保征缴工作的考核", "对完成平坟还田任务的考核"),
    ("reclaimed", "对未经批准进行采砂的处罚", "对未经批准进行临时建设的处罚"),
    ("reclaimed", "对未经批准进行临时建设的处罚", "未按照批准内容进行临时建设的处罚"),
    ("reclaimed", "计划生育家庭特别扶助金审核确认", "农村部分计划生育家庭奖励扶助金审核确认"),
    ("reclaimed", "特种设备事故应急处置", "特种设备事故调查处理"),
]  # fmt: skip

MAKE = {"basic": basic, "reclaimed": reclaimed}


@pytest.mark.parametrize(("kind", "old", "new"), MUST_MATCH)
def test_rewording_scores_above_threshold_and_pairs(kind, old, new):
    a, b = MAKE[kind](1, old), MAKE[kind](1, new)
    assert item_similarity(a, b) >= THRESHOLDS[kind]
    pairs, removed, added = match({kind: [a]}, {kind: [b]})
    assert [(p.old.title, p.new.title) for p in pairs] == [(old, new)] and not removed and not added


@pytest.mark.parametrize(("kind", "old", "new"), MUST_NOT_MATCH)
def test_different_duties_of_one_category_do_not_pair(kind, old, new):
    """One duty dropped and another added in its place must read as removed + added."""
    a, b = MAKE[kind](1, old), MAKE[kind](1, new)
    assert item_similarity(a, b) < THRESHOLDS[kind]
    pairs, removed, added = match({kind: [a]}, {kind: [b]})
    assert not pairs and removed == [a] and added == [b]


def test_coordinated_names_alone_are_not_enough(real_records, tmp_path):
    """水污染防治 vs 土壤污染防治 = 0.73 on names; their departments and clauses keep them apart."""
    from diff.diff_helpers import find, write_edition
    from pipeline.diff.load import load_edition

    items = load_edition(write_edition(tmp_path / "e", real_records)).items["coordinated"]
    water, soil = (items[find(real_records, "coordinated", n)] for n in ("水污染防治", "土壤污染防治"))
    assert similarity(water.title, soil.title) > THRESHOLDS["coordinated"]
    assert item_similarity(water, soil) < THRESHOLDS["coordinated"]


def test_closest_different_duties_of_the_real_edition_stay_below_threshold(real_records, tmp_path):
    """Measured on 2025-07: no two different items of a list pair up, except one known reclaimed pair."""
    from diff.diff_helpers import write_edition
    from pipeline.diff.load import load_edition

    items = load_edition(write_edition(tmp_path / "e", real_records)).items
    above = {}
    for kind, listed in items.items():
        above[kind] = sorted(
            (a.title, b.title)
            for i, a in enumerate(listed)
            for b in listed[i + 1 :]
            if item_similarity(a, b) >= THRESHOLDS[kind]
        )
    assert above["basic"] == [] and above["coordinated"] == []
    assert above["reclaimed"] == [("对烟花爆竹经营企业的监督检查", "对烟花爆竹生产企业的监督检查")]  # documented in match.py
    titles = [i for listed in items.values() for i in listed]
    cross = max(similarity(a.title, b.title) for a in titles for b in titles if a.list < b.list)
    assert cross < CROSS_LIST_THRESHOLD


def test_assignment_is_optimal_not_greedy():
    """Greedy would take the single best 0.9 pair and strand the other two items."""
    scores = np.array([[0.85, 0.90], [0.50, 0.85]])
    assert sorted(assign(scores, 0.6)) == [(0, 0), (1, 1)]


def test_assignment_never_forces_a_pair_below_threshold():
    scores = np.array([[0.95, 0.10], [0.20, 0.30]])
    assert assign(scores, 0.6) == [(0, 0)]
    assert assign(np.zeros((0, 3)), 0.6) == []


def test_exact_text_wins_over_a_closer_number():
    old = [basic(1, "负责内部财务审计和工程审计。"), basic(2, "负责档案的收集、归档、管理、移交等工作。")]
    new = [basic(1, "负责档案的收集、归档、管理、移交等工作。"), basic(2, "负责内部财务审计和工程审计。")]
    pairs, removed, added = match({"basic": old}, {"basic": new})
    assert sorted((p.old.seq, p.new.seq, p.similarity) for p in pairs) == [(1, 2, 1.0), (2, 1, 1.0)]


def test_reclaimed_duty_handed_back_pairs_across_lists():
    old = {"reclaimed": [reclaimed(4, "对辖区内托育机构的监督管理")], "basic": [basic(1, "负责档案的收集、归档、管理、移交等工作。")]}
    new = {"basic": [basic(1, "负责档案的收集、归档、管理、移交等工作。"), basic(2, "负责辖区内托育机构的监督管理工作。")]}
    pairs, removed, added = match(old, new)
    moved = [p for p in pairs if p.old.list != p.new.list]
    assert [(p.old.list, p.old.seq, p.new.list, p.new.seq) for p in moved] == [("reclaimed", 4, "basic", 2)]
    assert moved[0].similarity >= CROSS_LIST_THRESHOLD and not removed and not added


def test_same_list_is_preferred_to_another_list():
    """Within-list matching runs first, so a same-list rewording is not taken for a move."""
    old = {"basic": [basic(1, "负责内部财务审计和工程审计。")]}
    new = {"basic": [basic(1, "负责内部财务审计。")], "reclaimed": [reclaimed(1, "负责内部财务审计和工程审计")]}
    pairs, removed, added = match(old, new)
    assert [(p.old.list, p.new.list) for p in pairs] == [("basic", "basic")]
    assert [a.list for a in added] == ["reclaimed"]


def test_clauses_pair_by_content():
    old = ("开展征兵宣传发动", "做好积分定兵个人档案资料收集上报")
    new = ("建立适龄青年信息台账", "开展征兵宣传发动", "做好积分定兵个人档案资料的收集和上报")
    assert sorted(match_clauses(old, new), key=str) == sorted(
        [(0, 1, 1.0), (1, 2, pytest.approx(similarity(old[1], new[2]), abs=1e-4)), (None, 0, 0.0)], key=str
    )


def test_normalising_ignores_width_and_punctuation():
    assert similarity("负责（内部）审计。", "负责(内部)审计") == 1.0
    assert similarity("", "") == 1.0
