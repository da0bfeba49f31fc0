"""Helpers for the diff tests: editions built from plain records.

An edition is a dict of lists of records (see SAMPLE); `write_edition`
renders it as an edition output directory (duties.json, edition.json, tables),
numbering items 1..n within each list in category order, as published. Tests
edit records (delete, insert, reword, recategorise, move across lists) and
let the writer renumber, exactly as a new edition renumbers.

"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import LIST_TITLES
from pipeline import write
from pipeline.models import (
    BasicDuty,
    Category,
    Clause,
    CoordinatedDuty,
    DeclaredList,
    DepartmentDuties,
    DutyClause,
    DutyList,
    Edition,
    EditionInfo,
    MethodClause,
    ReclaimedDuty,
)


REPO = Path(__file__).resolve().parents[2]
RAW_DOCX = REPO / "raw" / "songzhuang-2025-07.docx"

META = {
    "edition_id": "songzhuang-2025-07",
    "title": "河南省洛阳市孟津区送庄镇履行职责事项清单",
    "province": "河南省",
    "city": "洛阳市",
    "district": "孟津区",
    "township": "送庄镇",
    "published": "2025-07",
}

# real 2025-07 records (a few per category), enough to exercise every rule
SAMPLE = {
    "basic": [
        {"category": "党的建设", "text": "加强镇党委自身建设，坚持民主集中制，抓好“三重一大”事项决策，落实党内政治生活、理论学习中心组学习、调查研究、党员领导干部普遍直接联系群众等制度。"},
        {"category": "党的建设", "text": "按照干部管理权限做好干部的选用、教育、考核、监督等工作，加强退休干部的管理及服务。"},
        {"category": "党的建设", "text": "负责基层工会组织建设，开展职工文化活动、困难职工帮扶等工作，维护职工合法权益。"},
        {"category": "党的建设", "text": "抓好基层团组织建设，做好团员发展、教育、管理和服务等工作，维护青少年合法权益。"},
        {"category": "党的建设", "text": "指导基层妇联组织建设，强化宣传教育、服务保障，维护妇女儿童合法权益。"},
        {"category": "经济发展", "text": "负责闲置、低效用地的排查与盘活，提高土地综合利用率。"},
        {"category": "经济发展", "text": "监测经济运行态势，做好经济数据的统计、分析和运用。"},
        {"category": "经济发展", "text": "组织开展经济普查、人口普查、农业普查等重大国情国力普查及专项调查工作。"},
        {"category": "民生服务", "text": "开展城乡居民医疗保险政策宣传服务，做好参保登记、费用征缴、业务办理等工作。"},
        {"category": "民生服务", "text": "负责城乡居民基本养老保险政策宣传、资格认证、参保登记、注销登记、缴费管理、待遇管理等工作，做好城镇职工、灵活就业人员社会保险业务的查询工作。"},
        {"category": "综合政务", "text": "负责档案的收集、归档、管理、移交等工作。"},
        {"category": "综合政务", "text": "负责内部财务审计和工程审计。"},
        {"category": "综合政务", "text": "负责地方史志、年鉴等资料的收集整理。"},
    ],
    "coordinated": [
        {"category": "党的建设", "name": "兵役工作", "departments": {"区人民武装部": ["发布征兵公告，下达年度征兵计划", "承担应征青年政审走访和役前教育相关保障工作", "做好入伍后跟踪服务及相关政策落实"]},
         "township": ["开展征兵宣传发动，做好适龄青年报名应征工作", "做好积分定兵个人档案资料收集上报"]},
        {"category": "平安法治", "name": "非法集资防范处置", "departments": {"区人民政府办公室": ["做好防范和处置非法集资工作"], "市公安局孟津分局": ["做好非法集资、传销刑事案件打击工作"]},
         "township": ["配合开展防范非法集资宣传教育，及时上报非法集资线索"]},
        {"category": "平安法治", "name": "常态化开展扫黑除恶工作", "departments": {"区委政法委": ["负责扫黑除恶工作的组织领导、统筹协调、督促检查"], "市公安局孟津分局": ["开展涉黑涉恶犯罪宣传教育，收集、研判、核查涉黑涉恶犯罪线索，办理涉黑涉恶犯罪案件"]},
         "township": ["配合摸排涉黑涉恶线索，并及时上报", "配合政法机关开展涉黑涉恶案件线索核查办理", "配合核查群众举报、上级交办的线索"]},
        {"category": "乡村振兴", "name": "农村土地承包经营纠纷仲裁", "departments": {"区农业农村局": ["组织成立农村土地承包仲裁委员会，受理土地承包经营纠纷仲裁申请，开展仲裁活动"]},
         "township": ["对土地权属纠纷调解未果的及时上报，配合做好调处仲裁工作"]},
    ],
    "reclaimed": [
        {"category": "民生服务", "name": "出具婚姻状况证明（婚姻关系证明、分居证明）", "departments": [], "disposition": "discontinued", "reason": "法律法规条款已失效", "method": "法律法规条款已失效，不再开展此项工作。"},
        {"category": "民生服务", "name": "对惠民保征缴工作的考核", "departments": [], "disposition": "discontinued", "reason": "落实党中央精简优化基层考核有关要求", "method": "落实党中央精简优化基层考核有关要求，不再开展此项工作。"},
        {"category": "民生服务", "name": "对完成平坟还田任务的考核", "departments": [], "disposition": "discontinued", "reason": "落实党中央精简优化基层考核有关要求", "method": "落实党中央精简优化基层考核有关要求，不再开展此项工作。"},
        {"category": "民生服务", "name": "对辖区内托育机构的监督管理", "departments": ["区卫生健康委员会"], "disposition": "transferred", "reason": None, "method": "区卫生健康委员会 工作方式：做好辖区内婴幼儿照护服务机构的摸底调查，发现违规托育机构及时依法依规进行处置。"},
        {"category": "平安法治", "name": "对烟花爆竹经营企业的监督检查", "departments": ["区应急管理局"], "disposition": "transferred", "reason": None, "method": "区应急管理局 工作方式：以《烟花爆竹经营许可实施办法》等法规为据，通过现场查看、抽问、查阅资料等，制定检查计划。"},
        {"category": "平安法治", "name": "建立微型消防站", "departments": ["区消防救援大队"], "disposition": "transferred", "reason": None, "method": "区消防救援大队 工作方式：开展消防安全宣传教育，加强日常监督检查，指导企业、社区建立微型消防站，推动业务开展。"},
    ],
}  # fmt: skip
for _r in SAMPLE["coordinated"]:  # departments as listed, and each one's clauses
    _r["duties"] = _r.pop("departments")
    _r["departments"] = list(_r["duties"])


def _item(kind: str, seq: int, r: dict):
    """One record as the list kind's item model."""
    if kind == "basic":
        return BasicDuty(seq=seq, text=r["text"])
    if kind == "coordinated":
        duties = [
            DepartmentDuties(department=dep, clauses=[DutyClause(clause_no=n, text=t) for n, t in enumerate(clauses, 1)])
            for dep, clauses in r["duties"].items()
        ]
        township = [Clause(clause_no=n, text=t) for n, t in enumerate(r["township"], 1)]
        return CoordinatedDuty(seq=seq, name=r["name"], departments=list(r["departments"]), department_duties=duties,
                               township_duties=township)  # fmt: skip
    return ReclaimedDuty(
        seq=seq, **{k: r[k] for k in ("name", "departments", "disposition", "reason", "method")},
        method_clauses=[MethodClause(clause_no=1, text=r["method"])],
    )


def _duty_list(kind: str, records: list[dict]) -> DutyList:
    """Records numbered 1..n in category order, as published; categories in order of first appearance."""
    order = list(dict.fromkeys(r["category"] for r in records))
    ranked = sorted(records, key=lambda r: order.index(r["category"]))  # stable: keeps order in a category
    categories, seq = [], 0
    for no, name in enumerate(order, 1):
        items = []
        for r in (r for r in ranked if r["category"] == name):
            seq += 1
            items.append(_item(kind, seq, r))
        categories.append(Category(category_no=no, category=name, declared_count=len(items), items=items))
    declared = DeclaredList(category_count=len(order), total=len(records), categories=order)
    return DutyList(kind=kind, title=LIST_TITLES[kind], declared=declared, categories=categories)


def write_edition(directory: Path, edition: dict, meta: dict | None = None) -> Path:
    """Render records as an edition output directory with the pipeline's own writer; returns it."""
    meta = {**META, **(meta or {})}
    model = Edition(**meta, lists={kind: _duty_list(kind, edition[kind]) for kind in ("basic", "coordinated", "reclaimed")})
    info = EditionInfo(**meta, lists={}, sources=[], pipeline_version="test", warnings=[])
    return write.write_edition(model, info, directory)


def read_records(directory: Path) -> dict:
    """The inverse of write_edition, for a real extractor output directory."""
    t = {name: pd.read_parquet(directory / f"{name}.parquet") for name in (
        "basic_duties", "coordinated_duties", "coordinated_department_duties",
        "coordinated_township_duties", "reclaimed_duties")}  # fmt: skip
    basic = [{"category": r.category, "text": r.text} for r in t["basic_duties"].sort_values("seq").itertuples()]
    deps = t["coordinated_department_duties"].sort_values(["seq", "clause_no"], kind="stable")
    town = t["coordinated_township_duties"].sort_values(["seq", "clause_no"])
    coordinated = []
    for r in t["coordinated_duties"].sort_values("seq").itertuples():
        mine = deps[deps["seq"] == r.seq]
        clauses = {d: list(mine[mine["department"] == d]["text"]) for d in dict.fromkeys(mine["department"])}
        coordinated.append({"category": r.category, "name": r.name, "departments": list(r.departments),
                            "duties": clauses, "township": list(town[town["seq"] == r.seq]["text"])})  # fmt: skip
    reclaimed = [
        {"category": r.category, "name": r.name, "departments": list(r.departments), "disposition": r.disposition,
         "reason": None if pd.isna(r.reason) else r.reason, "method": r.method}
        for r in t["reclaimed_duties"].sort_values("seq").itertuples()
    ]  # fmt: skip
    return {"basic": basic, "coordinated": coordinated, "reclaimed": reclaimed}


class Result:
    def __init__(self, summary: dict, changes: list[dict], fields: list[dict], out: Path) -> None:
        self.summary, self.changes, self.fields, self.out = summary, changes, fields, out

    def of(self, change: str) -> list[dict]:
        return [c for c in self.changes if c["change"] == change]

    def field_rows(self, **match) -> list[dict]:
        return [r for r in self.fields if all(r[k] == v for k, v in match.items())]

    def except_renumbered(self) -> list[dict]:
        return [c for c in self.changes if c["change"] != "renumbered"]


def find(edition: dict, kind: str, title: str) -> int:
    """Index of the record whose text/name is `title` (it is in SAMPLE and in the real edition)."""
    key = "text" if kind == "basic" else "name"
    (index,) = [i for i, r in enumerate(edition[kind]) if r[key] == title]
    return index
