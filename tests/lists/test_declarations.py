"""The list-kind declarations: each kind's columns, tables and fields, and that no other module spells them.

Expected titles are the header rows of the published 2025-07 edition
(raw/songzhuang-2025-07.txt lines 21, 171 and 308) and the wordings other
editions use for the same columns.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline.lists import KINDS, all_titles, by_name, column_role, kind_of_header

PIPELINE = Path(__file__).resolve().parents[2] / "pipeline"


def test_the_three_kinds_in_published_order():
    assert [(k.key, k.name, k.title) for k in KINDS.values()] == [
        ("basic", "基本履职事项", "基本履职事项清单"),
        ("coordinated", "配合履职事项", "配合履职事项清单"),
        ("reclaimed", "上级部门收回事项", "上级部门收回事项清单"),
    ]


def test_each_kind_lists_its_columns_as_the_template_prints_them():
    columns = {k.key: [(c.role, c.title) for c in k.columns] for k in KINDS.values()}
    assert columns == {
        "basic": [("seq", "序号"), ("name", "事项名称")],
        "coordinated": [("seq", "序号"), ("name", "事项名称"), ("departments", "对应上级部门"),
                        ("department_duties", "上级部门职责"), ("township_duties", "乡镇（街道）配合职责")],
        "reclaimed": [("seq", "序号"), ("name", "事项名称"), ("method", "承接部门及工作方式")],
    }  # fmt: skip


def test_each_kind_declares_its_tables_and_compared_fields():
    assert {k.key: list(k.tables) for k in KINDS.values()} == {
        "basic": ["basic_duties"],
        "coordinated": ["coordinated_duties", "coordinated_department_duties", "coordinated_township_duties"],
        "reclaimed": ["reclaimed_duties", "reclaimed_method_clauses"],
    }
    assert {k.key: [f.name for f in k.fields] for k in KINDS.values()} == {
        "basic": ["text"],
        "coordinated": ["name", "departments", "department_duties", "township_duties"],
        "reclaimed": ["name", "departments", "disposition", "reason", "method"],
    }
    assert {k.key: k.match_threshold for k in KINDS.values()} == {"basic": 0.60, "coordinated": 0.60, "reclaimed": 0.82}


@pytest.mark.parametrize(
    "titles, kind",
    [
        (("序号", "事项名称"), "basic"),
        (("序号", "事项名称", "对应上级部门", "上级部门职责", "乡镇（街道）配合职责"), "coordinated"),
        (("序号", "事项名称", "承接部门及工作方式"), "reclaimed"),
        (("序 号", "履职事项", "上级主管部门", "上级部门职责", "镇（街道）配合职责"), "coordinated"),
        (("序号", "事项名称", "牵头部门", "上级部门职责", "乡镇(街道)配合职责"), "coordinated"),  # half-width brackets
        (("序号", "事项", "备注"), "basic"),  # a column the template lacks does not hide the list
        (("事项名称", "承接部门及工作方式"), None),  # no 序号
        (("序号", "会议时间"), None),
    ],
)
def test_header_rows_are_recognised_by_any_declared_wording(titles, kind):
    found = kind_of_header(titles)
    assert (found.key if found else None) == kind


def test_column_roles_and_unknown_columns():
    assert column_role("乡镇（街道） 配合职责") == "township_duties"
    assert column_role("备注") is None


def test_prefaces_may_name_a_list_by_an_alias():
    assert by_name("上级部门收回事项").key == "reclaimed"
    assert by_name("收回事项").key == "reclaimed"
    assert by_name("其他事项") is None


# --------------------------------------------------------------------------- #
# nothing outside pipeline/lists spells a list's key, name, column title or table


def _exempt(tree: ast.AST) -> set[int]:
    """Docstrings, and the bilingual descriptions of model fields (`desc("Item number", "序号")`)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "desc":
            ids.update(id(a) for a in node.args)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _string_constants(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _exempt(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def _spelled(value: str) -> str | None:
    for kind in KINDS.values():
        if value == kind.key:
            return f"list key {kind.key!r}"
        for name in (kind.name, *kind.aliases, *kind.tables):
            if len(name) > 2 and name in value:
                return f"{name!r} of {kind.key}"
    if value in all_titles():
        return f"column title {value!r}"
    return None


def test_no_module_outside_the_declarations_spells_a_list():
    found = [
        f"{path.relative_to(PIPELINE.parent)}:{line}: {what}"
        for path in sorted(PIPELINE.rglob("*.py"))
        if "lists" not in path.relative_to(PIPELINE).parts
        for line, value in _string_constants(path)
        if (what := _spelled(value))
    ]
    assert found == []

