"""上级部门收回事项: work taken back by higher departments, or stopped (rule 6).

Column 承接部门及工作方式: the departments that took the work over before
`工作方式：`, the method after it; or, with no department, why the work stops.
Some editions print it as two columns, 承接部门 and 工作方式 (`method_cell`).
"""

from __future__ import annotations

from typing import Iterator, Literal

from pydantic import Field, model_validator

from pipeline.fields import CategoryName, CategoryNo, Clause, ClauseNo, EditionId, Extra, OcrConfidence, Name, Seq, Strict, Text, check_numbering, desc
from pipeline.lists.kind import NAME, SEQ, Column, DepartmentCount, ForeignKey, ItemContext, ItemField, ListKind, Table
from pipeline.normalise.methods import parse_method_cell
from pipeline.normalise.text import clean, placeholder_to_empty

Disposition = Literal["transferred", "discontinued"]

COLUMNS = (
    SEQ,
    NAME,
    Column(
        "method",
        ("承接部门及工作方式", "承接部门和工作方式", "承接部门及承接方式", "收回后承接部门及工作方式"),
        # or two columns: the departments, and the method without its `工作方式：` label
        parts=(Column("receivers", ("承接部门", "承接单位", "收回后承接部门", "承接主体")),
               Column("way", ("工作方式", "承接方式", "收回后工作方式"))),
    ),
)


class MethodClause(Clause):
    department: str | None = Field(
        default=None, description=desc("Department the clause opens with, if any", "条款开头的承接部门")
    )


class ReclaimedDuty(Strict):
    seq: Seq
    name: Text
    departments: list[Text]
    disposition: Disposition
    reason: str | None
    method: Text
    method_clauses: list[MethodClause] = Field(min_length=1)
    extra: Extra
    ocr_confidence: OcrConfidence

    @model_validator(mode="after")
    def _numbered(self) -> "ReclaimedDuty":
        check_numbering([c.clause_no for c in self.method_clauses], "method clauses")
        return self

    @model_validator(mode="after")
    def _transferred_to_someone(self) -> "ReclaimedDuty":
        # work that does not stop goes to a department: with none named, the cell lost its 承接部门
        # (or its `工作方式：` label), and the item would count as transferred to nobody
        if self.disposition == "transferred" and not self.departments:
            raise ValueError("transferred (the method does not say the work stops) but no 承接部门 is named "
                             "before 工作方式：")
        return self


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
    extra: Extra
    ocr_confidence: OcrConfidence


class ReclaimedMethodClauseRow(Strict):
    """The method (工作方式) of a reclaimed item: one row per clause｜收回事项的工作方式：每条一行"""

    edition_id: EditionId
    seq: Seq
    clause_no: ClauseNo
    text: str = Field(description=desc("One clause of the method", "工作方式（一条）"))
    department: str | None = Field(
        description=desc("The item's department the clause opens with, if any", "条款开头的承接部门")
    )


def method_cell(cells: dict[str, str]) -> str:
    """The 承接部门及工作方式 cell; printed as two columns, the one cell they stand for."""
    if "method" in cells:
        return cells["method"]
    receivers, way = placeholder_to_empty(cells.get("receivers", "")), cells.get("way", "")
    return f"{receivers}\n工作方式：{way}" if receivers.strip() else way


def build(seq: int, cells: dict[str, str], ctx: ItemContext) -> ReclaimedDuty:
    m = parse_method_cell(method_cell(cells))
    return ReclaimedDuty(
        seq=seq,
        name=clean(cells.get("name", "")),
        departments=m.departments,
        disposition=m.disposition,
        reason=m.reason,
        method=m.method,
        method_clauses=[
            MethodClause(clause_no=n, text=text, department=dept) for n, (text, dept) in enumerate(m.clauses, 1)
        ],
    )


def item_rows(edition_id: str, category_no: int, category: str, item: ReclaimedDuty) -> Iterator[ReclaimedDutyRow]:
    yield ReclaimedDutyRow(
        edition_id=edition_id, seq=item.seq, category_no=category_no, category=category, name=item.name,
        departments=item.departments, disposition=item.disposition, reason=item.reason, method=item.method,
        extra=item.extra, ocr_confidence=item.ocr_confidence,
    )


def method_rows(edition_id: str, category_no: int, category: str, item: ReclaimedDuty):
    for c in item.method_clauses:
        yield ReclaimedMethodClauseRow(
            edition_id=edition_id, seq=item.seq, clause_no=c.clause_no, text=c.text, department=c.department
        )


VIEWS = {
    "v_reclaimed_by_disposition": (
        "Reclaimed items per edition by disposition (transferred / discontinued) and reason｜收回事项按处置方式和原因统计",
        """
SELECT edition_id, disposition, reason, count(*) AS items,
       list(seq ORDER BY seq) AS seqs, list(name ORDER BY seq) AS names
FROM reclaimed_duties
GROUP BY ALL
ORDER BY edition_id, disposition DESC, items DESC, reason NULLS FIRST
""",
    ),
}

KIND = ListKind(
    key="reclaimed",
    name="上级部门收回事项",
    en="reclaimed items",
    aliases=("上级部门收回履职事项", "上级收回事项", "收回事项"),
    columns=COLUMNS,
    item=ReclaimedDuty,
    build=build,
    fields=(
        ItemField("name", "事项名称", "text"),
        ItemField("departments", "上级部门", "names"),
        ItemField("disposition", "处置方式", "text", published=False,
                  labels={"transferred": "移交承接部门", "discontinued": "不再开展"}),
        ItemField("reason", "不再开展原因", "text", published=False),
        ItemField("method", "工作方式", "text"),
    ),
    tables={
        "reclaimed_duties": Table(ReclaimedDutyRow, item_rows, ("edition_id", "seq")),
        "reclaimed_method_clauses": Table(
            ReclaimedMethodClauseRow, method_rows, ("edition_id", "seq", "clause_no"),
            (ForeignKey(("edition_id", "seq"), "reclaimed_duties", ("edition_id", "seq")),
             ForeignKey(("edition_id", "department"), "departments", ("edition_id", "department"))),
        ),
    },
    # names are short and formulaic (对…的处罚/考核): different duties reach 0.80 in 2025-07,
    # rewordings that drop or add a qualifier still score >= 0.82
    match_threshold=0.82,
    cluster_threshold=0.86,
    similarity_body=("departments", "reason", "method"),
    department_count=DepartmentCount("Reclaimed items it took over", "承接的收回事项数"),
    views=VIEWS,
)
