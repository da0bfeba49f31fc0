"""Pydantic models: the one source of truth for the data's shape.

Two families:
- the nested edition (`Edition` → `DutyList` → `Category` → items → clauses),
  serialised as duties.json and validated against the preface's totals;
- the flat analyst tables (`*Row`), one model per output table: the writer
  takes column names and order from them, and the data dictionary, JSON Schema
  and data package take names, types and descriptions from them.

Every field's description is "English｜中文" so bilingual docs can be generated.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ListKind = Literal["basic", "coordinated", "reclaimed"]
Disposition = Literal["transferred", "discontinued"]
LIST_KINDS: tuple[ListKind, ...] = ("basic", "coordinated", "reclaimed")
LIST_TITLES: dict[str, str] = {
    "basic": "基本履职事项清单",
    "coordinated": "配合履职事项清单",
    "reclaimed": "上级部门收回事项清单",
}


def desc(en: str, zh: str) -> str:
    return f"{en}｜{zh}"


Seq = Annotated[int, Field(ge=1, description=desc("Item number within its list, as published", "序号"))]
ClauseNo = Annotated[int, Field(ge=1, description=desc("Clause number within its cell or department, 1..n", "条款序号"))]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_numbering(numbers: list[int], what: str) -> None:
    """Numbers must run 1..n with no gap or repeat; the message names the first break."""
    for expected, found in enumerate(numbers, 1):
        if found != expected:
            kind = "repeated" if found in numbers[: expected - 1] else "out of sequence"
            raise ValueError(f"{what}: expected number {expected}, found {found} ({kind})")


# ---------------------------------------------------------------- nested edition


class Clause(Strict):
    clause_no: ClauseNo
    text: Text = Field(description=desc("Clause text without its number or final ；/。", "条款内容"))


class MethodClause(Clause):
    department: str | None = Field(
        default=None, description=desc("Department the clause opens with, if any", "条款开头的承接部门")
    )


class DutyClause(Clause):
    label: str | None = Field(
        default=None,
        description=desc(
            "The label or sentence head the clause stood under, when it is not just this department's name",
            "原文标签（多部门共用时）",
        ),
    )


class DepartmentDuties(Strict):
    department: Text
    clauses: list[DutyClause] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbered(self) -> "DepartmentDuties":
        check_numbering([c.clause_no for c in self.clauses], f"clauses of {self.department}")
        return self


class BasicDuty(Strict):
    seq: Seq
    text: Text


class CoordinatedDuty(Strict):
    seq: Seq
    name: Text
    departments: list[Text] = Field(min_length=1)
    department_duties: list[DepartmentDuties]
    township_duties: list[Clause] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbered(self) -> "CoordinatedDuty":
        check_numbering([c.clause_no for c in self.township_duties], "township clauses")
        return self


class ReclaimedDuty(Strict):
    seq: Seq
    name: Text
    departments: list[Text]
    disposition: Disposition
    reason: str | None
    method: Text
    method_clauses: list[MethodClause] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbered(self) -> "ReclaimedDuty":
        check_numbering([c.clause_no for c in self.method_clauses], "method clauses")
        return self


Item = BasicDuty | CoordinatedDuty | ReclaimedDuty


class Category(Strict):
    category_no: int = Field(ge=1)
    category: Text
    declared_count: int = Field(ge=0)
    items: list[BasicDuty] | list[CoordinatedDuty] | list[ReclaimedDuty]

    @model_validator(mode="after")
    def _count(self) -> "Category":
        if len(self.items) != self.declared_count:
            raise ValueError(
                f"category {self.category_no} {self.category} declares {self.declared_count} items "
                f"but has {len(self.items)}"
            )
        return self


class DeclaredList(Strict):
    """What the preface (说明) declares for one list."""

    category_count: int = Field(ge=0)
    total: int = Field(ge=0)
    categories: list[str]


class DutyList(Strict):
    kind: ListKind
    title: str
    declared: DeclaredList
    categories: list[Category]

    @model_validator(mode="after")
    def _against_preface(self) -> "DutyList":
        names = [c.category for c in self.categories]
        if names != self.declared.categories:
            raise ValueError(f"categories {names} differ from the preface's {self.declared.categories}")
        if len(names) != self.declared.category_count:
            raise ValueError(f"preface declares {self.declared.category_count} categories, found {len(names)}")
        check_numbering([c.category_no for c in self.categories], "categories")
        seqs = [item.seq for c in self.categories for item in c.items]
        if len(seqs) != self.declared.total:
            raise ValueError(f"preface declares {self.declared.total} items, found {len(seqs)}")
        check_numbering(seqs, "items")
        return self


class Warning_(Strict):
    code: str = Field(description=desc("Machine-readable kind of warning", "警告类型"))
    list: ListKind | None = None
    seq: int | None = None
    message: str


class Source(Strict):
    file: str
    format: Literal["pdf", "docx", "text"]
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    pages: int | None = None


class EditionMeta(Strict):
    edition_id: str
    title: str
    province: str | None
    city: str | None
    district: str | None
    township: str
    published: str | None = Field(pattern=r"^\d{4}-\d{2}$", description=desc("Publication month", "发布年月"))


class Edition(EditionMeta):
    lists: dict[ListKind, DutyList]

    @model_validator(mode="after")
    def _all_lists(self) -> "Edition":
        missing = [k for k in LIST_KINDS if k not in self.lists]
        if missing:
            raise ValueError(f"missing lists: {missing}")
        return self


# ---------------------------------------------------------------- flat tables

EditionId = Annotated[str, Field(description=desc("Edition identifier: the source file stem", "版本标识"))]
CategoryNo = Annotated[int, Field(description=desc("Category number (一 = 1)", "类别序号"))]
CategoryName = Annotated[str, Field(description=desc("Category name as published", "类别名称"))]
Name = Annotated[str, Field(description=desc("Item name (事项名称) as published", "事项名称"))]
Departments = Annotated[
    list[str], Field(description=desc("Higher-level departments, in published order", "上级部门（按原文顺序）"))
]


class BasicDutyRow(Strict):
    """Basic duties: one row per item of the basic list｜基本履职事项：每项一行"""

    edition_id: EditionId
    seq: Seq
    category_no: CategoryNo
    category: CategoryName
    text: str = Field(description=desc("The duty as published, final punctuation kept", "事项名称（原文）"))


class CoordinatedDutyRow(Strict):
    """Coordinated duties: one row per item of the coordinated list｜配合履职事项：每项一行"""

    edition_id: EditionId
    seq: Seq
    category_no: CategoryNo
    category: CategoryName
    name: Name
    departments: Departments
    department_count: int = Field(description=desc("Number of departments", "对应上级部门数"))
    township_clause_count: int = Field(description=desc("Number of township clauses", "乡镇配合职责条数"))


class CoordinatedDepartmentDutyRow(Strict):
    """What each higher-level department does for a coordinated item: one row per clause｜配合履职事项的上级部门职责：每条一行"""

    edition_id: EditionId
    seq: Seq
    department: str = Field(description=desc("The higher-level department", "上级部门"))
    clause_no: ClauseNo
    text: str = Field(description=desc("What the department does (one clause)", "上级部门职责（一条）"))
    label: str | None = Field(
        description=desc("Label the clause stood under, when it names several departments or differs", "原文标签")
    )


class CoordinatedTownshipDutyRow(Strict):
    """What the township does in support of a coordinated item: one row per clause｜配合履职事项的乡镇配合职责：每条一行"""

    edition_id: EditionId
    seq: Seq
    clause_no: ClauseNo
    text: str = Field(description=desc("What the township does in support (one clause)", "乡镇（街道）配合职责（一条）"))


class ReclaimedDutyRow(Strict):
    """Items reclaimed by higher-level departments: one row per item｜上级部门收回事项：每项一行"""

    edition_id: EditionId
    seq: Seq
    category_no: CategoryNo
    category: CategoryName
    name: Name
    departments: list[str] = Field(
        description=desc("Departments that took the work over, in published order (empty when dropped)", "承接部门")
    )
    disposition: Disposition = Field(
        description=desc("transferred: a department does it now; discontinued: the work stops", "处置方式")
    )
    reason: str | None = Field(description=desc("Why the work stops, when given", "不再开展的原因"))
    method: str = Field(description=desc("工作方式 text, or the whole cell when no department", "工作方式"))


class ReclaimedMethodClauseRow(Strict):
    """The method (工作方式) of a reclaimed item: one row per clause｜收回事项的工作方式：每条一行"""

    edition_id: EditionId
    seq: Seq
    clause_no: ClauseNo
    text: str = Field(description=desc("One clause of the method", "工作方式（一条）"))
    department: str | None = Field(
        description=desc("The item's department the clause opens with, if any", "条款开头的承接部门")
    )


class CategoryRow(Strict):
    """Categories of every list, declared and extracted counts｜各清单的类别及声明、实际事项数"""

    edition_id: EditionId
    list: ListKind = Field(description=desc("Which list", "清单"))
    category_no: CategoryNo
    category: CategoryName
    declared_count: int = Field(description=desc("Count declared in the heading （N项）", "标题声明的事项数"))
    item_count: int = Field(description=desc("Items extracted", "实际事项数"))


class DepartmentRow(Strict):
    """Higher-level departments and how many items name them｜上级部门及涉及事项数"""

    edition_id: EditionId
    department: str = Field(description=desc("Department name", "部门名称"))
    coordinated_items: int = Field(description=desc("Coordinated items naming it", "涉及的配合履职事项数"))
    reclaimed_items: int = Field(description=desc("Reclaimed items it took over", "承接的收回事项数"))


# table name -> row model, in output order; the writer and the docs follow this
TABLES: dict[str, type[Strict]] = {
    "basic_duties": BasicDutyRow,
    "coordinated_duties": CoordinatedDutyRow,
    "coordinated_department_duties": CoordinatedDepartmentDutyRow,
    "coordinated_township_duties": CoordinatedTownshipDutyRow,
    "reclaimed_duties": ReclaimedDutyRow,
    "reclaimed_method_clauses": ReclaimedMethodClauseRow,
    "categories": CategoryRow,
    "departments": DepartmentRow,
}

# ---------------------------------------------------------------- diff tables

# where the changed item stands in each edition (null on the side where it does not exist)
OldList = Annotated[ListKind | None, Field(description=desc("List of the item in the old edition", "旧版本清单"))]
OldSeq = Annotated[int | None, Field(description=desc("Item number in the old edition", "旧版本序号"))]
NewList = Annotated[ListKind | None, Field(description=desc("List of the item in the new edition", "新版本清单"))]
NewSeq = Annotated[int | None, Field(description=desc("Item number in the new edition", "新版本序号"))]
Change = Literal["added", "removed", "modified", "renumbered", "recategorised", "moved_list"]


class ChangeRow(Strict):
    """One change between two editions｜版本间的一处变化"""

    change: Change = Field(description=desc("Kind of change", "变化类型"))
    old_list: OldList
    old_seq: OldSeq
    old_category: str | None = Field(description=desc("Category in the old edition", "旧版本类别"))
    new_list: NewList
    new_seq: NewSeq
    new_category: str | None = Field(description=desc("Category in the new edition", "新版本类别"))
    fields: list[str] = Field(description=desc("Fields that changed (for modified)", "变化的字段"))
    similarity: float | None = Field(description=desc("Similarity of the matched items, 0..1", "相似度"))
    summary: str = Field(description=desc("One-line summary of the change", "变化摘要"))


class FieldChangeRow(Strict):
    """One changed field or clause of a changed item｜变化事项中的一处字段或条款变化"""

    old_list: OldList
    old_seq: OldSeq
    new_list: NewList
    new_seq: NewSeq
    field: str = Field(description=desc("The changed field", "变化的字段"))
    department: str | None = Field(description=desc("Department whose clause changed", "条款所属部门"))
    action: str = Field(description=desc("added, removed, modified or reordered", "变化方式"))
    old_clause_no: int | None = Field(description=desc("Clause number in the old edition", "旧条款序号"))
    new_clause_no: int | None = Field(description=desc("Clause number in the new edition", "新条款序号"))
    old_value: str | None = Field(description=desc("Old value", "旧值"))
    new_value: str | None = Field(description=desc("New value", "新值"))
    similarity: float | None = Field(description=desc("Similarity of old and new value, 0..1", "相似度"))


DIFF_TABLES: dict[str, type[Strict]] = {"changes": ChangeRow, "field_changes": FieldChangeRow}


# primary keys of the flat tables (used by the data package and by tests)
PRIMARY_KEYS: dict[str, list[str]] = {
    "basic_duties": ["edition_id", "seq"],
    "coordinated_duties": ["edition_id", "seq"],
    "coordinated_department_duties": ["edition_id", "seq", "department", "clause_no"],
    "coordinated_township_duties": ["edition_id", "seq", "clause_no"],
    "reclaimed_duties": ["edition_id", "seq"],
    "reclaimed_method_clauses": ["edition_id", "seq", "clause_no"],
    "categories": ["edition_id", "list", "category_no"],
    "departments": ["edition_id", "department"],
}


# ---------------------------------------------------------------- edition.json


class ListSummary(Strict):
    title: str
    declared_category_count: int
    declared_total: int
    declared_categories: list[str]
    extracted_total: int
    extracted_categories: int


class EditionInfo(EditionMeta):
    """edition.json: metadata, declared vs extracted counts, provenance, warnings."""

    lists: dict[ListKind, ListSummary]
    sources: list[Source]
    pipeline_version: str
    warnings: list[Warning_]
