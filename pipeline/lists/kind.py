"""What a list kind declares: the one place each of the three lists is described.

A `ListKind` says everything the stages need to know about one list of the
national template — its names, its columns and every title spelling editions
print, its item model and how an item is built from cells, the fields a diff
compares, its flat tables and their keys, its analysis views. The stages
(extract, assemble, build, tables, diff, deliver) loop over `pipeline.lists.KINDS`
and never name a list themselves.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from pipeline.fields import Strict, Warning_


def squash_title(title: str) -> str:
    """A column title as compared: no whitespace, full-width forms folded (（）→ ())."""
    return "".join(unicodedata.normalize("NFKC", title).split())


@dataclass(frozen=True)
class Column:
    """One column of the printed table."""

    role: str  # the cell's role, the key of the cells dict an item is built from
    titles: tuple[str, ...]  # every spelling editions print; the first is the template's
    parts: tuple["Column", ...] = ()  # columns some editions print instead of this one (承接部门 | 工作方式)

    @property
    def title(self) -> str:
        return self.titles[0]


# the columns every list has
SEQ = Column("seq", ("序号", "编号"))
NAME = Column("name", ("事项名称", "履职事项名称", "履职事项", "事项", "事项内容", "职责事项", "工作事项"))
# a column some editions add to every list: the category, merged down over its items, instead of heading rows
CATEGORY = Column("category", ("类别", "事项类别", "类型", "分类", "事项分类", "类别名称", "领域"))
OPTIONAL_COLUMNS = (CATEGORY,)


@dataclass(frozen=True)
class ItemField:
    """A field of the item model as the diff and the checks see it."""

    name: str  # attribute of the item model
    zh: str  # how reports and messages name it
    shape: str  # "text" | "names" (list of str) | "clauses" | "department_clauses"
    published: bool = True  # False: a value we derive (disposition, reason), not text as printed
    labels: dict[str, str] = field(default_factory=dict)  # how reports show a coded value

    def label(self, value):
        return self.labels.get(value, value)


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    ref_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A flat table fed by one list: its row model and how an item becomes rows."""

    row: type[Strict]
    rows: Callable[..., Iterator[Strict]]  # (edition_id, category_no, category, item) -> rows
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    department_clauses: bool = False  # one row per clause a department is given (counted per department)


@dataclass
class ItemContext:
    """What building one item may use and report, edition-wide."""

    kind: "ListKind"
    known: set[str]  # department names the edition spells out whole
    warnings: list[Warning_]


@dataclass(frozen=True)
class DepartmentCount:
    """A column of the `departments` table counting this list's items per department."""

    en: str
    zh: str


@dataclass(frozen=True)
class ListKind:
    key: str  # "basic": the value of every `list` column
    name: str  # 基本履职事项: as the preface and the report name it
    en: str  # "basic duties"
    columns: tuple[Column, ...]
    item: type[Strict]
    build: Callable[[int, dict[str, str], ItemContext], Strict]  # (seq, cells by role, context) -> item
    fields: tuple[ItemField, ...]  # compared by the diff, in report order; the first is the item's title
    tables: dict[str, Table]  # the first holds one row per item
    match_threshold: float  # diff: least similarity of two items to be the same duty
    cluster_threshold: float  # duty_clusters: least similarity to a cluster's representative (pipeline.corpus.clusters)
    similarity_body: tuple[str, ...] = ()  # fields that, besides the title, make up an item's body
    body_weight: float = 0.0  # weight of the body in the similarity (0: a tie-breaker only)
    aliases: tuple[str, ...] = ()  # other names prefaces give the list
    department_count: DepartmentCount | None = None
    known_names: Callable[[dict[str, str]], Iterable[str]] | None = None  # names a cell spells out whole
    views: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (description, SQL)

    @property
    def title(self) -> str:
        """基本履职事项清单: the list's heading."""
        return f"{self.name}清单"

    @property
    def item_table(self) -> str:
        return next(iter(self.tables))

    @property
    def title_field(self) -> str:
        return self.fields[0].name

    def column(self, role: str) -> Column:
        return next(c for c in self.columns if c.role == role)

    def item_field(self, name: str) -> ItemField:
        return next(f for f in self.fields if f.name == name)

    def recognises(self, roles: Iterable[str | None]) -> bool:
        """Every column is printed, whole or as its parts."""
        found = set(roles)
        return all(c.role in found or (c.parts and all(p.role in found for p in c.parts)) for c in self.columns)

    def roles(self) -> set[str]:
        """Every role a header of this list may hold: its columns, their parts, the optional columns."""
        return {c.role for c in self.columns} | {p.role for c in self.columns for p in c.parts} | {
            c.role for c in OPTIONAL_COLUMNS}
