"""配合履职事项: duties led by higher departments, with the township's supporting part.

Columns: 对应上级部门 (rule 4), 上级部门职责 (rule 5: clauses per department),
乡镇（街道）配合职责 (rule 3: numbered clauses).
"""

from __future__ import annotations

from typing import Iterator

from pydantic import Field, model_validator

from pipeline.fields import (
    CategoryName,
    CategoryNo,
    Clause,
    ClauseNo,
    Departments,
    EditionId,
    Extra,
    OcrConfidence,
    Name,
    Seq,
    Strict,
    Text,
    Warning_,
    check_numbering,
    desc,
)
from pipeline.lists.kind import NAME, SEQ, Column, DepartmentCount, ForeignKey, ItemContext, ItemField, ListKind, Table
from pipeline.normalise.clauses import split_clauses
from pipeline.normalise.departments import (
    DepartmentDutiesParse,
    known_names_in,
    parse_department_duties,
    split_department_column,
)
from pipeline.normalise.text import clean, clean_with_breaks, strip_markup

COLUMNS = (
    SEQ,
    NAME,
    Column("departments", ("对应上级部门", "上级部门", "上级主管部门", "对应上级主管部门", "上级对应部门", "牵头部门")),
    Column("department_duties", ("上级部门职责", "上级主管部门职责", "对应上级部门职责", "牵头部门职责", "部门职责")),
    Column(
        "township_duties",
        ("乡镇（街道）配合职责", "镇（街道）配合职责", "乡（镇、街道）配合职责", "乡镇配合职责", "街道配合职责",
         "镇配合职责", "乡配合职责", "配合职责"),
    ),
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


class CoordinatedDuty(Strict):
    seq: Seq
    name: Text
    departments: list[Text] = Field(min_length=1)
    department_duties: list[DepartmentDuties]
    township_duties: list[Clause] = Field(min_length=1)
    extra: Extra
    ocr_confidence: OcrConfidence

    @model_validator(mode="after")
    def _numbered(self) -> "CoordinatedDuty":
        check_numbering([c.clause_no for c in self.township_duties], "township clauses")
        return self


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
    extra: Extra
    ocr_confidence: OcrConfidence


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


def build(seq: int, cells: dict[str, str], ctx: ItemContext) -> CoordinatedDuty:
    departments = split_department_column(cells.get("departments", ""), ctx.known)
    parse = parse_department_duties(cells.get("department_duties", ""), departments, ctx.known)
    ctx.warnings.extend(department_warnings(ctx.kind, seq, parse))
    order = list(dict.fromkeys([*departments, *parse.unlisted]))
    duties = []
    for dept in order:
        mine = [cl for cl in parse.clauses if cl.department == dept]
        if mine:
            clauses = [DutyClause(clause_no=n, text=cl.text, label=cl.label) for n, cl in enumerate(mine, 1)]
            duties.append(DepartmentDuties(department=dept, clauses=clauses))
    township = split_clauses(clean_with_breaks(strip_markup(cells.get("township_duties", ""))))
    return CoordinatedDuty(
        seq=seq,
        name=clean(cells.get("name", "")),
        departments=departments,
        department_duties=duties,
        township_duties=[Clause(clause_no=n, text=t) for n, t in enumerate(township, 1)],
    )


def department_warnings(kind: ListKind, seq: int, parse: DepartmentDutiesParse) -> Iterator[Warning_]:
    """Rule 5's loose ends: labels and listed departments that do not match up."""
    listed, duties = kind.column("departments").title, kind.column("department_duties").title
    for dept in parse.unlisted:
        yield Warning_(
            code="department_not_listed", list=kind.key, seq=seq,
            message=f"{dept} is labelled in {duties} but missing from {listed}",
        )
    for dept in parse.without_duties:
        yield Warning_(
            code="department_without_duties", list=kind.key, seq=seq,
            message=f"{dept} is listed in {listed} but has no duties in {duties}",
        )
    if parse.unlabelled:
        yield Warning_(
            code="unlabelled_duties", list=kind.key, seq=seq,
            message=f"text in {duties} under no department label; given to every listed department",
        )


def known_names(cells: dict[str, str]) -> set[str]:
    """Department names the 上级部门职责 cell spells out whole (its labels): they rejoin wrapped names."""
    return known_names_in([cells.get("department_duties", "")])


def item_rows(edition_id: str, category_no: int, category: str, item: CoordinatedDuty) -> Iterator[CoordinatedDutyRow]:
    yield CoordinatedDutyRow(
        edition_id=edition_id, seq=item.seq, category_no=category_no, category=category, name=item.name,
        departments=item.departments, department_count=len(item.departments),
        township_clause_count=len(item.township_duties), extra=item.extra, ocr_confidence=item.ocr_confidence,
    )


def department_rows(edition_id: str, category_no: int, category: str, item: CoordinatedDuty):
    for duties in item.department_duties:
        for c in duties.clauses:
            yield CoordinatedDepartmentDutyRow(
                edition_id=edition_id, seq=item.seq, department=duties.department,
                clause_no=c.clause_no, text=c.text, label=c.label,
            )


def township_rows(edition_id: str, category_no: int, category: str, item: CoordinatedDuty):
    for c in item.township_duties:
        yield CoordinatedTownshipDutyRow(edition_id=edition_id, seq=item.seq, clause_no=c.clause_no, text=c.text)


_OF_ITEM = ForeignKey(("edition_id", "seq"), "coordinated_duties", ("edition_id", "seq"))

KIND = ListKind(
    key="coordinated",
    name="配合履职事项",
    en="coordinated duties",
    columns=COLUMNS,
    item=CoordinatedDuty,
    build=build,
    fields=(
        ItemField("name", "事项名称", "text"),
        ItemField("departments", "上级部门", "names"),
        ItemField("department_duties", "上级部门职责", "department_clauses"),
        ItemField("township_duties", "乡镇（街道）配合职责", "clauses"),
    ),
    tables={
        "coordinated_duties": Table(CoordinatedDutyRow, item_rows, ("edition_id", "seq")),
        "coordinated_department_duties": Table(
            CoordinatedDepartmentDutyRow, department_rows, ("edition_id", "seq", "department", "clause_no"),
            (_OF_ITEM, ForeignKey(("edition_id", "department"), "departments", ("edition_id", "department"))),
            department_clauses=True,
        ),
        "coordinated_township_duties": Table(
            CoordinatedTownshipDutyRow, township_rows, ("edition_id", "seq", "clause_no"), (_OF_ITEM,)
        ),
    },
    # names alone are too short (水污染防治 vs 土壤污染防治 = 0.73): name and body count half each;
    # in 2025-07 two different duties score at most 0.48, rewordings 0.76-0.91
    match_threshold=0.60,
    cluster_threshold=0.75,
    similarity_body=("departments", "department_duties", "township_duties"),
    body_weight=0.5,
    department_count=DepartmentCount("Coordinated items naming it", "涉及的配合履职事项数"),
    known_names=known_names,
)
