"""Small output directories built from records made with the row models.

Three editions of one township, "testtown":

- testtown-2023-06: basic 1; coordinated 1; reclaimed 1
- testtown-2024-01: basic 1-2; coordinated 1; reclaimed 1
- testtown-2025-07 (the full fixture below): basic 1-3; coordinated 1-2; reclaimed 1-4

and three diffs: 2023-06→2024-01 and 2024-01→2025-07 (consecutive) and
2023-06→2025-07 (not consecutive).  Expected values in the tests are counted by
hand from the literals here.

`real_output` runs the published 2025-07 edition through the real pipeline;
an extractor failure there fails the tests that use it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import LIST_TITLES
from pipeline import write
from pipeline.diff import write as diff_write
from pipeline.diff.changes import CHANGE_COLUMNS
from pipeline.models import (
    TABLES,
    BasicDutyRow,
    CategoryRow,
    CoordinatedDepartmentDutyRow,
    CoordinatedDutyRow,
    CoordinatedTownshipDutyRow,
    DepartmentRow,
    EditionInfo,
    ListSummary,
    ReclaimedDutyRow,
    ReclaimedMethodClauseRow,
    Source,
    Warning_,
)

FULL = "testtown-2025-07"
MIDDLE = "testtown-2024-01"
FIRST = "testtown-2023-06"

BASIC = [  # seq, category_no, category, text
    (1, 1, "党的建设", "加强基层党组织建设，落实“三会一课”制度。"),
    (2, 1, "党的建设", "组织党员开展学习教育。"),
    (3, 2, "经济发展", "优化营商环境，服务辖区企业发展，协调解决企业生产经营中遇到的困难和问题，" * 2),
]
COORDINATED = [  # seq, category_no, category, name, departments
    (1, 1, "党的建设", "党员教育管理", ["区委组织部", "区委宣传部"]),
    (2, 2, "生态环保", "秸秆禁烧", ["区生态环境分局"]),
]
DEPARTMENT_DUTIES = [  # seq, department, clause_no, text, label
    (1, "区委组织部", 1, "制定党员教育培训计划", None),
    (1, "区委组织部", 2, "指导乡镇开展培训", None),
    (1, "区委宣传部", 1, "开展宣传教育", None),
    (2, "区生态环境分局", 1, "监督检查秸秆焚烧", "区生态环境分局、区农业农村局"),
]
TOWNSHIP_DUTIES = [  # seq, clause_no, text
    (1, 1, "组织党员参加学习"),
    (1, 2, "及时上报学习情况"),
    (2, 1, "开展日常巡查"),
]
RECLAIMED = [  # seq, category_no, category, name, departments, disposition, reason, method
    (1, 1, "民生服务", "发放困难群众补贴", ["区民政局"], "transferred", None, "区民政局负责审核发放。"),
    (2, 1, "民生服务", "统计纸质台账", [], "discontinued", "已无政策依据", "不再开展。"),
    (3, 2, "平安法治", "普法宣传", ["区司法局", "区民政局"], "transferred", None, "区司法局负责组织；区民政局配合。"),
    (4, 2, "平安法治", "重复报送报表", [], "discontinued", "与其他报表重复", "不再开展。"),
]
METHOD_CLAUSES = [  # seq, clause_no, text, department
    (1, 1, "区民政局负责审核发放", "区民政局"),
    (2, 1, "不再开展", None),
    (3, 1, "区司法局负责组织", "区司法局"),
    (3, 2, "区民政局配合", "区民政局"),
    (4, 1, "不再开展", None),
]


# FULL's basic list prints two columns the template does not have (every item carries both keys, in printed
# order); the other lists and editions have none, so their items' `extra` is {}
EXTRA_COLUMNS = ["备注", "法律依据"]
BASIC_EXTRA = {  # seq -> extra
    1: {"备注": "/", "法律依据": "《中华人民共和国土地管理法》第六十七条"},
    2: {"备注": "", "法律依据": ""},
    3: {"备注": "需区发展改革委配合", "法律依据": "《优化营商环境条例》\n第八条"},
}
# FULL's reclaimed category 2 stands in a 类别 column without （N项）: its declared_count is null
UNDECLARED = {(FULL, "reclaimed", 2)}

# how many items of each list an edition keeps (it keeps seq 1..n)
SIZES = {FIRST: (1, 1, 1), MIDDLE: (2, 1, 1), FULL: (3, 2, 4)}
PUBLISHED = {FIRST: "2023-06", MIDDLE: "2024-01", FULL: "2025-07"}

DIFFS = {
    (FIRST, MIDDLE): [
        ("added", None, None, None, "basic", 2, "党的建设", [], None, "新增：组织党员开展学习教育。"),
    ],
    (MIDDLE, FULL): [
        ("added", None, None, None, "basic", 3, "经济发展", [], None, "新增：优化营商环境"),
        ("added", None, None, None, "coordinated", 2, "生态环保", [], None, "新增：秸秆禁烧"),
        ("modified", "reclaimed", 1, "民生服务", "reclaimed", 1, "民生服务", ["method", "reason"], 0.82, "修改：发放困难群众补贴"),
    ],
    (FIRST, FULL): [
        ("added", None, None, None, "basic", 2, "党的建设", [], None, "新增：组织党员开展学习教育。"),
    ],
}


def rows_for(edition_id: str) -> dict[str, list]:
    """The flat tables of one fixture edition, as row-model instances."""
    n_basic, n_coord, n_recl = SIZES[edition_id]
    e = edition_id
    basic = [
        BasicDutyRow(edition_id=e, seq=s, category_no=c, category=cat, text=t,
                     extra=BASIC_EXTRA[s] if e == FULL else {})
        for s, c, cat, t in BASIC[:n_basic]
    ]  # fmt: skip
    coordinated = [
        CoordinatedDutyRow(
            edition_id=e, seq=s, category_no=c, category=cat, name=name, departments=deps,
            department_count=len(deps),
            township_clause_count=sum(1 for t in TOWNSHIP_DUTIES if t[0] == s),
        )
        for s, c, cat, name, deps in COORDINATED[:n_coord]
    ]  # fmt: skip
    dept_duties = [
        CoordinatedDepartmentDutyRow(edition_id=e, seq=s, department=d, clause_no=n, text=t, label=label)
        for s, d, n, t, label in DEPARTMENT_DUTIES
        if s <= n_coord
    ]
    township = [
        CoordinatedTownshipDutyRow(edition_id=e, seq=s, clause_no=n, text=t) for s, n, t in TOWNSHIP_DUTIES if s <= n_coord
    ]
    reclaimed = [
        ReclaimedDutyRow(
            edition_id=e, seq=s, category_no=c, category=cat, name=name, departments=deps,
            disposition=disp, reason=reason, method=method,
        )
        for s, c, cat, name, deps, disp, reason, method in RECLAIMED[:n_recl]
    ]  # fmt: skip
    methods = [
        ReclaimedMethodClauseRow(edition_id=e, seq=s, clause_no=n, text=t, department=d)
        for s, n, t, d in METHOD_CLAUSES
        if s <= n_recl
    ]
    categories = []
    for kind, items in (("basic", basic), ("coordinated", coordinated), ("reclaimed", reclaimed)):
        seen: dict[int, list] = {}
        for item in items:
            seen.setdefault(item.category_no, []).append(item)
        for no, its in seen.items():
            categories.append(
                CategoryRow(
                    edition_id=e, list=kind, category_no=no, category=its[0].category,
                    declared_count=None if (e, kind, no) in UNDECLARED else len(its), item_count=len(its),
                )
            )  # fmt: skip
    names: list[str] = []
    for item in coordinated + reclaimed:
        names += [d for d in item.departments if d not in names]
    departments = [
        DepartmentRow(
            edition_id=e, department=d,
            coordinated_items=sum(d in i.departments for i in coordinated),
            reclaimed_items=sum(d in i.departments for i in reclaimed),
        )
        for d in names
    ]  # fmt: skip
    return {
        "basic_duties": basic,
        "coordinated_duties": coordinated,
        "coordinated_department_duties": dept_duties,
        "coordinated_township_duties": township,
        "reclaimed_duties": reclaimed,
        "reclaimed_method_clauses": methods,
        "categories": categories,
        "departments": departments,
    }


def write_table(directory: Path, table: str, rows: list) -> None:
    """Write one table with the pipeline's own writer."""
    write.write_table(directory, table, TABLES[table], rows)


def make_edition(root: Path, edition_id: str) -> Path:
    directory = root / edition_id
    directory.mkdir(parents=True)
    tables = rows_for(edition_id)
    assert list(tables) == list(TABLES)
    for table, rows in tables.items():
        write_table(directory, table, rows)
    lists = {}
    for kind, table in (("basic", "basic_duties"), ("coordinated", "coordinated_duties"), ("reclaimed", "reclaimed_duties")):
        cats = [c for c in tables["categories"] if c.list == kind]
        lists[kind] = ListSummary(
            title=LIST_TITLES[kind],
            declared_category_count=len(cats),
            declared_total=len(tables[table]),
            declared_categories=[c.category for c in cats],
            extracted_total=len(tables[table]),
            extracted_categories=len(cats),
            extra_columns=EXTRA_COLUMNS if (edition_id, kind) == (FULL, "basic") else [],
        )
    warnings = []
    if edition_id == FULL:
        warnings = [
            Warning_(code="department_label", list="coordinated", seq=2, message="label names two departments"),
            Warning_(code="ocr_spacing", list=None, seq=None, message="removed spaces between CJK characters"),
        ]
    info = EditionInfo(
        edition_id=edition_id,
        title="河南省测试市测试区测试镇 履行职责事项清单",
        province="河南省",
        city="测试市",
        district="测试区",
        township="测试镇",
        published=PUBLISHED[edition_id],
        lists=lists,
        sources=[Source(file=f"{edition_id}.docx", format="docx", sha256="0" * 64, pages=None)],
        pipeline_version="0.1.0",
        warnings=warnings,
    )
    (directory / "edition.json").write_text(info.model_dump_json(indent=2), encoding="utf-8")
    (directory / "duties.json").write_text("{}", encoding="utf-8")
    return directory


def make_diff(root: Path, old: str, new: str, rows: list[tuple]) -> Path:
    directory = root / "diffs" / f"{old}__{new}"
    directory.mkdir(parents=True)
    records = [dict(zip(CHANGE_COLUMNS, r)) for r in rows]
    diff_write.write_table(records, diff_write.CHANGES_SCHEMA, directory, "changes")
    diff_write.write_table([], diff_write.FIELD_CHANGES_SCHEMA, directory, "field_changes")
    (directory / "changes.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    summary = {"old": {"edition_id": old}, "new": {"edition_id": new}, "total": len(records)}
    (directory / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    (directory / "report.md").write_text("# report\n", encoding="utf-8")
    return directory


@pytest.fixture
def output_dir(tmp_path: Path) -> Path:
    root = tmp_path / "output"
    for edition_id in (FIRST, MIDDLE, FULL):
        make_edition(root, edition_id)
    for (old, new), rows in DIFFS.items():
        make_diff(root, old, new, rows)
    return root


@pytest.fixture
def edition_dir(tmp_path: Path) -> Path:
    return make_edition(tmp_path / "output", FULL)


@pytest.fixture
def helpers():
    """This module, for tests that build variants of the fixture (pytest runs with --import-mode=importlib)."""
    import sys

    return sys.modules[__name__]


@pytest.fixture(scope="session")
def real_output(tmp_path_factory) -> Path:
    """The published 2025-07 送庄镇 edition run through the real pipeline into a fresh output directory."""
    root = Path(__file__).resolve().parents[2]
    raw = root / "raw" / "songzhuang-2025-07.docx"
    from pipeline.build import extract_to  # a missing or broken extractor fails the test, never skips it

    out = tmp_path_factory.mktemp("real") / "output"
    extract_to([raw], out / "songzhuang-2025-07")
    return out
