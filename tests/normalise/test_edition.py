"""The 2025-07 送庄镇 edition, checked against values read off the published document by hand.

Every test runs on each format (see the `edition` fixture in tests/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import items_by_seq
from pipeline.errors import InputError
from pipeline.extract.raw import RawDocument, RawRow, RawTable
from pipeline.normalise.edition import build_edition

# The preface (说明): "…共 9 个类别 119 项；…共 12 个类别 69 项；…共 6 个类别 126 项。"
DECLARED = {
    "basic": (9, 119, ["党的建设", "经济发展", "民生服务", "平安法治", "乡村振兴", "生态环保", "城乡建设", "文化和旅游", "综合政务"]),
    "coordinated": (
        12,
        69,
        ["党的建设", "经济发展", "平安法治", "乡村振兴", "社会管理", "社会保障", "自然资源", "生态环保", "城乡建设",
         "卫生健康", "应急管理及消防", "市场监管"],
    ),
    "reclaimed": (6, 126, ["民生服务", "平安法治", "乡村振兴", "生态环保", "城乡建设", "文化和旅游"]),
}
# category headings （N项）, in order
HEADING_COUNTS = {
    "basic": [29, 14, 16, 15, 15, 6, 8, 7, 9],
    "coordinated": [1, 7, 8, 3, 7, 7, 6, 8, 7, 5, 6, 4],
    "reclaimed": [35, 38, 19, 17, 13, 4],
}


def test_metadata(edition):
    assert edition.title == "河南省洛阳市孟津区送庄镇履行职责事项清单"
    assert (edition.province, edition.city, edition.district, edition.township) == ("河南省", "洛阳市", "孟津区", "送庄镇")
    assert edition.published == "2025-07"


@pytest.mark.parametrize("kind", ["basic", "coordinated", "reclaimed"])
def test_totals_and_categories(edition, kind):
    category_count, total, names = DECLARED[kind]
    duty_list = edition.lists[kind]
    assert duty_list.declared.total == total
    assert duty_list.declared.category_count == category_count
    assert [c.category for c in duty_list.categories] == names
    assert [c.declared_count for c in duty_list.categories] == HEADING_COUNTS[kind]
    assert [len(c.items) for c in duty_list.categories] == HEADING_COUNTS[kind]
    assert [i.seq for c in duty_list.categories for i in c.items] == list(range(1, total + 1))


def test_basic_first_and_last(edition):
    basic = items_by_seq(edition, "basic")
    assert basic[11].text == "落实党代表联络服务制度，做好党代表推选补选、服务保障等工作。"
    assert basic[119].text == "负责12345政务服务热线等网民诉求、百姓呼声接收、流转、处置、反馈和回访工作。"


def test_coordinated_4_single_department_numbered_clauses(edition):
    item = items_by_seq(edition, "coordinated")[4]
    assert item.name == "工信领域试点示范建设和优质中小企业梯度培育"
    assert item.departments == ["区工业和信息化局（区民营经济发展局）"]
    (duties,) = item.department_duties
    assert duties.department == "区工业和信息化局（区民营经济发展局）"
    assert [c.text for c in duties.clauses] == [
        "加强对优质中小企业梯度培育工作的指导，做好专精特新等企业培育及推荐工作",
        "做好智能工厂（车间）、中小企业数字化转型标杆、服务型制造示范企业（平台）、绿色工厂（园区）等工业和信息化领域试点示范的培育及推荐工作",
    ]
    assert [c.text for c in item.township_duties] == [
        "对优质中小企业梯度培育、工信领域试点示范等申报政策进行宣传",
        "配合做好优质中小企业梯度培育和工信领域试点示范建设相关工作",
        "督促有申报意向的企业按时间节点提交申报资料",
    ]


def test_coordinated_10_six_labelled_departments(edition):
    item = items_by_seq(edition, "coordinated")[10]
    assert item.departments == ["市公安局孟津分局", "区应急管理局", "区卫生健康委员会", "区交通运输局", "区城市管理局", "区文化广电和旅游局"]
    per_department = {d.department: [c.text for c in d.clauses] for d in item.department_duties}
    assert [len(per_department[d]) for d in item.departments] == [6, 3, 1, 2, 2, 2]
    assert per_department["市公安局孟津分局"][0] == "负责审核承办者提交的大型群众性活动（1000人以上、5000人以下）申请材料，实施安全许可"
    assert per_department["区卫生健康委员会"] == ["准备必要的医疗救护力量和物资，及时处理活动中可能出现的健康问题或紧急医疗情况"]
    assert per_department["区文化广电和旅游局"][1] == "宣传推广大型活动，吸引更多公众参与，引导文明观赏"
    assert [c.clause_no for c in item.township_duties] == [1, 2, 3]
    assert item.township_duties[2].text == "按照活动预案安排，及时做好突发事件应对处置"


def test_coordinated_26_shared_label_and_shared_sentence(edition):
    item = items_by_seq(edition, "coordinated")[26]
    assert len(item.departments) == 10
    per_department = {d.department: d.clauses for d in item.department_duties}
    assert list(per_department) == item.departments  # every listed department has duties, in published order
    shared = "分别负责科技类、文化艺术类校外培训机构的准入审核、日常监管、风险防范处置、行政执法等工作，配合区教育体育局等相关部门对校外培训机构开展综合执法、联合执法"
    for dept in ("区科学技术局", "区文化广电和旅游局"):
        assert [(c.clause_no, c.text, c.label) for c in per_department[dept]] == [
            (1, shared, "区科学技术局、区文化广电和旅游局")
        ]
    sentence = "区民政局、区住房和城乡建设局、区卫生健康委员会和区消防救援大队等部门，根据自身业务职能履行好登记、安全、卫生等监管职责"
    for dept in ("区民政局", "区住房和城乡建设局", "区卫生健康委员会", "区消防救援大队"):
        assert [c.text for c in per_department[dept]] == [sentence]
    assert [c.text for c in per_department["区人力资源和社会保障局"]] == ["负责职业类培训机构（包括无证照机构）的日常监管和治理"]
    assert per_department["区人力资源和社会保障局"][0].label is None


def test_coordinated_31_wrapped_department_names(edition):
    # the text form wraps them: "市自然资源和规 划局孟津分局", "区人力资源和社 会保障局"
    item = items_by_seq(edition, "coordinated")[31]
    assert item.departments == ["市自然资源和规划局孟津分局", "区农业农村局", "区人力资源和社会保障局"]
    per_department = {d.department: [c.text for c in d.clauses] for d in item.department_duties}
    assert per_department["区农业农村局"] == ["对征地时实际享有土地承包权益进行审核"]
    assert per_department["区人力资源和社会保障局"] == [
        "对补贴对象情况登记表、审定表、补贴标准复审",
        "对补贴对象参加基本养老保险情况进行审核，核算补贴资金，申请资金拨付",
    ]
    assert [c.text for c in item.township_duties] == [
        "对被征地农民补贴对象、征地面积、补贴标准、养老保险参保情况和被征地社会保险费凭证进行初审并上报"
    ]


def test_coordinated_33_label_for_two_departments(edition):
    item = items_by_seq(edition, "coordinated")[33]
    assert item.departments == ["区民政局", "区财政局", "区卫生健康委员会", "区交通运输局", "市公安局孟津分局", "区城市管理局"]
    per_department = {d.department: d.clauses for d in item.department_duties}
    assert len(per_department["区民政局"]) == 3
    assert per_department["区民政局"][2].text == "建立健全救助工作协调机制"
    for dept in ("市公安局孟津分局", "区城市管理局"):
        assert [c.text for c in per_department[dept]] == [
            "工作人员在执行职务时发现流浪乞讨人员，告知其向救助站求助",
            "对其中的残疾人、未成年人、老年人和行动不便的其他人员，引导、护送到救助站",
        ]
        assert {c.label for c in per_department[dept]} == {"市公安局孟津分局、区城市管理局"}


def test_coordinated_62_automatic_numbering(edition):
    # DOCX: Word list numbering (numbers in numbering.xml); text form: <ol> without numbers
    item = items_by_seq(edition, "coordinated")[62]
    assert len(item.departments) == 7
    per_department = {d.department: [c.text for c in d.clauses] for d in item.department_duties}
    assert [len(per_department[d]) for d in item.departments] == [4, 2, 2, 2, 2, 2, 2]
    assert per_department["区应急管理局"][3] == "协调调度各类应急资源，确保灾害发生时能够快速响应"
    assert per_department["区住房和城乡建设局"] == ["指导受损房屋的安全评估和修复工作", "参与灾后重建规划的制定和实施"]
    township = [c.text for c in item.township_duties]
    assert len(township) == 6
    # a ； not followed by a new number stays inside the clause
    assert township[1] == (
        "开展辖区内低洼易涝点、江河堤防、山塘水库、山洪、建筑工地、井盖和地质灾害危险区等各类风险隐患点巡查巡护、隐患排查；"
        "并按照度汛方案做好实施"
    )
    assert township[5] == "组织开展灾后受灾群众的生产生活恢复工作"


def test_reclaimed_3_discontinued_without_department(edition):
    item = items_by_seq(edition, "reclaimed")[3]
    assert item.name == "出具婚姻状况证明（婚姻关系证明、分居证明）"
    assert item.departments == []
    assert item.method == "法律法规条款已失效，不再开展此项工作。"
    assert (item.disposition, item.reason) == ("discontinued", "法律法规条款已失效")
    assert [(c.text, c.department) for c in item.method_clauses] == [("法律法规条款已失效，不再开展此项工作", None)]


def test_reclaimed_12_clauses_open_with_departments(edition):
    item = items_by_seq(edition, "reclaimed")[12]
    assert item.departments == ["区卫生健康委员会", "区财政局"]
    assert item.disposition == "transferred" and item.reason is None
    assert [c.department for c in item.method_clauses] == ["区卫生健康委员会", "区财政局"]
    assert item.method_clauses[1].text == (
        "区财政局协助卫健部门加强对计划生育扶助补助资金审核筛查力度，对超领、冒领的计划生育扶助补贴资金，"
        "督促卫健部门及时追回，并上缴国库，同时不断完善资金监管长效机制，确保资金安全运行"
    )


def test_reclaimed_15_department_and_stop_without_reason(edition):
    item = items_by_seq(edition, "reclaimed")[15]
    assert item.departments == ["区卫生健康委员会"]
    assert item.method == "此项工作不再开展。"
    assert (item.disposition, item.reason) == ("discontinued", None)


def test_reclaimed_25_five_departments(edition):
    item = items_by_seq(edition, "reclaimed")[25]
    assert item.departments == ["区人力资源和社会保障局", "区住房和城乡建设局", "市公安局孟津分局", "区人民法院", "区总工会"]
    assert [c.department for c in item.method_clauses] == item.departments
    assert item.method_clauses[3].text == "区人民法院建立欠薪案件“快立快审快执”通道"


def test_reclaimed_39_reason_before_no_longer_required(edition):
    item = items_by_seq(edition, "reclaimed")[39]
    assert item.departments == ["区司法局"]
    assert item.disposition == "discontinued"
    assert item.reason == "已实行告知承诺制，由申请人填写法律援助申请人经济困难状况诚信承诺书"


def test_reclaimed_73_cancelled_by_regulation(edition):
    item = items_by_seq(edition, "reclaimed")[73]
    assert item.departments == ["区水利局"]
    assert item.method == "根据《河南省水利工程管理条例》（2023年修订），该处罚事项已取消。"
    assert (item.disposition, item.reason) == ("discontinued", "根据《河南省水利工程管理条例》（2023年修订）")


def test_reclaimed_1_transferred_with_numbered_method(edition):
    item = items_by_seq(edition, "reclaimed")[1]
    assert item.departments == ["区民政局"]
    assert item.disposition == "transferred"
    assert [c.text for c in item.method_clauses] == [
        "严格依据《老年人权益保障法》及地方配套法规，制定表彰或奖励方案，明确范围、条件和程序",
        "组织实施评审、监督、奖励",
    ]


def test_disposition_counts(edition):
    # counted in the source (grep 不再|已取消 over the 承接部门及工作方式 column): 29 cells with no
    # department, plus 区水利局 (该处罚事项已取消), 区林业局, 区司法局 (不再要求出具证明),
    # 区卫生健康委员会 (此项工作不再开展), 减少审批环节…, 事项依据已失效… = 35
    reclaimed = items_by_seq(edition, "reclaimed")
    discontinued = [s for s, i in reclaimed.items() if i.disposition == "discontinued"]
    assert len(discontinued) == 35
    assert sum(1 for i in reclaimed.values() if not i.departments) == 29 + 2


def test_warnings_flag_latin_words(docx_result):
    _, warnings = docx_result
    latin = {(w.list, w.seq) for w in warnings if w.code == "latin_word"}
    assert latin == {("coordinated", 32), ("reclaimed", 30), ("reclaimed", 97)}
    assert not [w for w in warnings if w.code.startswith("department_")]


def test_formats_agree_record_for_record(pdf_result, docx_result, text_result):
    from pipeline.compare import disagreements

    assert disagreements(docx_result[0], text_result[0]) == []
    assert disagreements(docx_result[0], pdf_result[0]) == []
    assert pdf_result[1] == docx_result[1] == text_result[1]  # and warn alike


# ------------------------------------------------- an edition without cover or preface (test data)


def _sheet(where: str, title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> RawTable:
    body = [RawRow((title,), f"{where} row 1"), RawRow(header, f"{where} row 2")]
    body += [RawRow(cells, f"{where} row {n}") for n, cells in enumerate(rows, 3)]
    return RawTable(header=header, rows=body, where=where)


_BASIC = (("序号", "事项名称"), [("一、党的建设（2项）",), ("1", "加强党的建设。"), ("2", "做好党员教育。")])


def _workbook_without_preface(basic=_BASIC) -> RawDocument:
    """Three sheets, each a title row naming the place, the header, headings with （N项） and items."""
    return RawDocument(path=Path("测试数据.xlsx"), format="xlsx", front_matter=[], tables=[
        _sheet("sheet '基本'", "某省某市某县青石镇基本履职事项清单", *basic),
        _sheet("sheet '配合'", "青石镇配合履职事项清单", ("序号", "事项名称", "对应上级部门", "上级部门职责", "乡镇（街道）配合职责"),
               [("一、平安法治（1项）",), ("1", "兵役工作", "县人民武装部", "发布征兵公告。", "做好报名工作。")]),
        _sheet("sheet '收回'", "青石镇上级部门收回事项清单", ("序号", "事项名称", "承接部门及工作方式"),
               [("一、民生服务（1项）",), ("1", "出具证明", "法律法规条款已失效，不再开展此项工作。")]),
    ])


def test_without_a_preface_the_headings_declare_the_totals():
    edition, warnings = build_edition(_workbook_without_preface(), "qingshi")
    assert (edition.title, edition.province, edition.township, edition.published) == (
        "某省某市某县青石镇履行职责事项清单", "某省", "青石镇", None)
    basic = edition.lists["basic"].declared
    assert (basic.source, basic.category_count, basic.total, basic.categories) == ("headings", 1, 2, ["党的建设"])
    assert {w.code for w in warnings} >= {"no_preface", "published_unknown"}


def test_without_a_preface_a_heading_count_still_checks_its_items():
    with pytest.raises(InputError) as err:
        build_edition(_workbook_without_preface((_BASIC[0], [("一、党的建设（3项）",), *_BASIC[1][1:]])), "qingshi")
    assert err.value.code == "category_count"


def test_without_a_preface_a_category_column_declares_no_total():
    # a 类别 column names each category without （N项）: nothing is left to check the items against
    basic = (("类别", "序号", "事项名称"), [("党的建设", "1", "加强党的建设。"), ("", "2", "做好党员教育。")])
    with pytest.raises(InputError) as err:
        build_edition(_workbook_without_preface(basic), "qingshi")
    assert err.value.code == "no_declared_totals"
    assert str(err.value) == ("sheet '基本', basic list: no preface (说明), and the category 党的建设 gives no count "
                              "（N项）: nothing declares the list's total")
