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

from typing import Annotated, Literal, Union

from pydantic import Field, create_model, model_validator

from pipeline.fields import CategoryName, CategoryNo, Clause, EditionId, Strict, Text, Warning_, check_numbering, desc  # noqa: F401 - Clause re-exported
from pipeline.extract import FORMATS
from pipeline.lists import KINDS
from pipeline.lists.basic import BasicDuty, BasicDutyRow  # noqa: F401 - re-exported
from pipeline.lists.coordinated import (  # noqa: F401 - re-exported
    CoordinatedDepartmentDutyRow,
    CoordinatedDuty,
    CoordinatedDutyRow,
    CoordinatedTownshipDutyRow,
    DepartmentDuties,
    DutyClause,
)
from pipeline.lists.reclaimed import Disposition, MethodClause, ReclaimedDuty, ReclaimedDutyRow, ReclaimedMethodClauseRow  # noqa: F401

# the list kinds' keys as a type: "basic" | "coordinated" | "reclaimed", read off the declarations
ListKind = Literal[tuple(KINDS)]  # type: ignore[valid-type]
Format = Literal[tuple(dict.fromkeys(FORMATS.values()))]  # type: ignore[valid-type]  # a published file's format

Item = Union[tuple(k.item for k in KINDS.values())]  # type: ignore[valid-type]


# ---------------------------------------------------------------- nested edition


class Category(Strict):
    category_no: int = Field(ge=1)
    category: Text
    declared_count: int | None = Field(ge=0, description=desc(
        "Items the heading declares （N项）; null when the category stands in a 类别 column without a count",
        "标题声明的事项数"))
    items: Union[tuple(list[k.item] for k in KINDS.values())]  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _count(self) -> "Category":
        if self.declared_count is not None and len(self.items) != self.declared_count:
            raise ValueError(
                f"category {self.category_no} {self.category} declares {self.declared_count} items "
                f"but has {len(self.items)}"
            )
        return self


class DeclaredList(Strict):
    """What the preface (说明) declares for one list; without a preface, what its category headings declare."""

    category_count: int = Field(ge=0)
    total: int = Field(ge=0)
    categories: list[str]
    source: Literal["preface", "headings"] = Field(default="preface", description=desc(
        "Where the declared counts come from: the preface (说明), or without one the category headings' （N项）",
        "声明数来源：说明，或（无说明时）类别标题"))


class DutyList(Strict):
    kind: ListKind
    title: str
    declared: DeclaredList
    categories: list[Category]
    extra_columns: list[str] = Field(default_factory=list, description=desc(
        "Titles of the columns the template does not have, as printed (their cells are each item's `extra`)",
        "模板以外的列"))

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


class OcrUse(Strict):
    """How a source's scanned pages were read."""

    engine: str = Field(description=desc("The OCR engine", "文字识别引擎"))
    version: str = Field(description=desc("Its version (the Python package's)", "版本"))
    dpi: int = Field(gt=0, description=desc("Resolution the pages were rendered at", "识别分辨率"))
    pages: list[int] = Field(description=desc("Pages read by OCR (1-based); the others had a text layer", "识别的页"))
    proofread_below: float = Field(description=desc(
        "Items whose least sure character has a lower confidence are warned of (ocr_low_confidence)", "校对阈值"))


class Source(Strict):
    file: str
    format: Format
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    pages: int | None = None
    ocr: OcrUse | None = Field(default=None, description=desc("Set when pages were read by OCR (a scan)", "文字识别"))


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
        missing = [k for k in KINDS if k not in self.lists]
        if missing:
            raise ValueError(f"missing lists: {missing}")
        return self


# ---------------------------------------------------------------- flat tables


class CategoryRow(Strict):
    """Categories of every list, declared and extracted counts｜各清单的类别及声明、实际事项数"""

    edition_id: EditionId
    list: ListKind = Field(description=desc("Which list", "清单"))
    category_no: CategoryNo
    category: CategoryName
    declared_count: int | None = Field(description=desc(
        "Count declared in the heading （N项）; null when the heading gives none (a 类别 column)", "标题声明的事项数"))
    item_count: int = Field(description=desc("Items extracted", "实际事项数"))


# Higher-level departments and, per list that names departments, how many of its items name each
DepartmentRow = create_model(
    "DepartmentRow",
    __base__=Strict,
    __doc__="Higher-level departments and how many items name them｜上级部门及涉及事项数",
    edition_id=(EditionId, ...),
    department=(str, Field(description=desc("Department name", "部门名称"))),
    **{
        f"{k.key}_items": (int, Field(description=desc(k.department_count.en, k.department_count.zh)))
        for k in KINDS.values()
        if k.department_count
    },
)

# table name -> row model, in output order; the writer and the docs follow this
TABLES: dict[str, type[Strict]] = {
    **{name: t.row for k in KINDS.values() for name, t in k.tables.items()},
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


# primary keys of the flat tables (used by the data package, the database and tests)
PRIMARY_KEYS: dict[str, list[str]] = {
    **{name: list(t.primary_key) for k in KINDS.values() for name, t in k.tables.items()},
    "categories": ["edition_id", "list", "category_no"],
    "departments": ["edition_id", "department"],
}


# ---------------------------------------------------------------- edition.json


class ListSummary(Strict):
    title: str
    declared_category_count: int
    declared_total: int
    declared_categories: list[str]
    declared_from: Literal["preface", "headings"] = Field(default="preface", description=desc(
        "Where the declared counts come from: the preface (说明), or without one the category headings' （N项）",
        "声明数来源"))
    extracted_total: int
    extracted_categories: int
    extra_columns: list[str] = Field(description=desc(
        "Columns the template does not have, as printed; kept per item in `extra`", "模板以外的列（逐项保存在 extra）"))


class EditionInfo(EditionMeta):
    """edition.json: metadata, declared vs extracted counts, provenance, warnings."""

    lists: dict[ListKind, ListSummary]
    sources: list[Source]
    pipeline_version: str
    warnings: list[Warning_]

    @model_validator(mode="after")
    def _warnings_name_known_lists(self) -> "EditionInfo":
        # Warning_ is built before the list kinds exist (pipeline.fields), so its list is checked here
        unknown = sorted({w.list for w in self.warnings if w.list is not None and w.list not in KINDS})
        if unknown:
            raise ValueError(f"warnings name unknown lists: {unknown}")
        return self
