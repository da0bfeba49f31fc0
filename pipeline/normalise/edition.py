"""Raw document → the nested, validated `Edition` plus warnings."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from pipeline.errors import InputError, first_validation_error
from pipeline.extract.raw import RawDocument
from pipeline.models import (
    LIST_KINDS,
    LIST_TITLES,
    BasicDuty,
    Category,
    Clause,
    CoordinatedDuty,
    DepartmentDuties,
    DutyClause,
    DutyList,
    Edition,
    Item,
    ListKind,
    MethodClause,
    ReclaimedDuty,
    Warning_,
)
from pipeline.normalise.assemble import ItemRow, ListRows, assemble
from pipeline.normalise.clauses import ClauseNumberError, split_clauses
from pipeline.normalise.departments import known_names_in, parse_department_duties, split_department_column
from pipeline.normalise.front_matter import parse_front_matter
from pipeline.normalise.headings import Heading
from pipeline.normalise.methods import parse_method_cell
from pipeline.normalise.text import clean, clean_with_breaks, strip_markup
from pipeline.normalise import checks


@dataclass
class Context:
    known: set[str]  # department names the edition spells out whole
    warnings: list[Warning_]


def _basic(row: ItemRow, ctx: Context) -> BasicDuty:
    return BasicDuty(seq=row.seq, text=clean(row.cells.get("name", "")))


def _coordinated(row: ItemRow, ctx: Context) -> CoordinatedDuty:
    departments = split_department_column(row.cells.get("departments", ""), ctx.known)
    parse = parse_department_duties(row.cells.get("department_duties", ""), departments, ctx.known)
    ctx.warnings.extend(checks.department_warnings(row.seq, parse))
    order = list(dict.fromkeys([*departments, *parse.unlisted]))
    duties = []
    for dept in order:
        mine = [cl for cl in parse.clauses if cl.department == dept]
        if mine:
            clauses = [DutyClause(clause_no=n, text=cl.text, label=cl.label) for n, cl in enumerate(mine, 1)]
            duties.append(DepartmentDuties(department=dept, clauses=clauses))
    township = split_clauses(clean_with_breaks(strip_markup(row.cells.get("township_duties", ""))))
    return CoordinatedDuty(
        seq=row.seq,
        name=clean(row.cells.get("name", "")),
        departments=departments,
        department_duties=duties,
        township_duties=[Clause(clause_no=n, text=t) for n, t in enumerate(township, 1)],
    )


def _reclaimed(row: ItemRow, ctx: Context) -> ReclaimedDuty:
    m = parse_method_cell(row.cells.get("method", ""))
    return ReclaimedDuty(
        seq=row.seq,
        name=clean(row.cells.get("name", "")),
        departments=m.departments,
        disposition=m.disposition,
        reason=m.reason,
        method=m.method,
        method_clauses=[
            MethodClause(clause_no=n, text=text, department=dept) for n, (text, dept) in enumerate(m.clauses, 1)
        ],
    )


_BUILDERS = {"basic": _basic, "coordinated": _coordinated, "reclaimed": _reclaimed}


def _item(kind: ListKind, row: ItemRow, category: str, ctx: Context) -> Item:
    try:
        return _BUILDERS[kind](row, ctx)
    except (ValidationError, ClauseNumberError) as err:
        raise InputError("item_invalid", _first_error(err), where=row.where, list_kind=kind, category=category, seq=row.seq) from err


def _first_error(err: Exception) -> str:
    return first_validation_error(err) if isinstance(err, ValidationError) else str(err)


def _categories(rows: ListRows, ctx: Context) -> list[Category]:
    categories: list[Category] = []
    heading: Heading | None = None
    items: list[Item] = []

    def close() -> None:
        if heading is None:
            return
        try:
            categories.append(Category(**vars(heading), items=items))
        except ValidationError as err:
            raise InputError("category_count", _first_error(err), list_kind=rows.kind, category=heading.category) from err

    for entry in rows.entries:
        if isinstance(entry, Heading):
            close()
            heading, items = entry, []
        elif heading is None:
            raise InputError("item_before_category", "item before any category heading", where=entry.where, list_kind=rows.kind, seq=entry.seq)
        else:
            items.append(_item(rows.kind, entry, heading.category, ctx))
    close()
    return categories


def _known_departments(lists: dict[ListKind, ListRows]) -> set[str]:
    items = [e for rows in lists.values() for e in rows.entries if isinstance(e, ItemRow)]
    return known_names_in(e.cells.get("department_duties", "") for e in items)


def build_edition(doc: RawDocument, edition_id: str) -> tuple[Edition, list[Warning_]]:
    """Interpret and validate one document; InputError names what is wrong and where."""
    front = parse_front_matter(doc.front_matter)
    lists_rows = assemble(doc)
    ctx = Context(known=_known_departments(lists_rows), warnings=[])
    lists = {}
    for kind in LIST_KINDS:
        categories = _categories(lists_rows[kind], ctx)
        try:
            lists[kind] = DutyList(
                kind=kind, title=LIST_TITLES[kind], declared=front.declared[kind], categories=categories
            )
        except ValidationError as err:
            raise InputError("list_totals", _first_error(err), list_kind=kind) from err
    edition = Edition(
        edition_id=edition_id,
        title=front.title,
        province=front.province,
        city=front.city,
        district=front.district,
        township=front.township,
        published=front.published,
        lists=lists,
    )
    return edition, ctx.warnings + checks.text_warnings(edition)
