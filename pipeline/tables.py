"""The nested edition → the flat analyst tables (one row model per table)."""

from __future__ import annotations

from collections import Counter
from typing import Iterator

from pipeline.models import (
    BasicDutyRow,
    CategoryRow,
    CoordinatedDepartmentDutyRow,
    CoordinatedDutyRow,
    CoordinatedTownshipDutyRow,
    DepartmentRow,
    Edition,
    ReclaimedDutyRow,
    ReclaimedMethodClauseRow,
    Strict,
)


def _items(edition: Edition, kind: str) -> Iterator[tuple[int, str, object]]:
    for category in edition.lists[kind].categories:
        for item in category.items:
            yield category.category_no, category.category, item


def _basic(e: Edition) -> Iterator[BasicDutyRow]:
    for no, cat, item in _items(e, "basic"):
        yield BasicDutyRow(edition_id=e.edition_id, seq=item.seq, category_no=no, category=cat, text=item.text)


def _coordinated(e: Edition) -> Iterator[CoordinatedDutyRow]:
    for no, cat, item in _items(e, "coordinated"):
        yield CoordinatedDutyRow(
            edition_id=e.edition_id, seq=item.seq, category_no=no, category=cat, name=item.name,
            departments=item.departments, department_count=len(item.departments),
            township_clause_count=len(item.township_duties),
        )


def _department_duties(e: Edition) -> Iterator[CoordinatedDepartmentDutyRow]:
    for _, _, item in _items(e, "coordinated"):
        for duties in item.department_duties:
            for c in duties.clauses:
                yield CoordinatedDepartmentDutyRow(
                    edition_id=e.edition_id, seq=item.seq, department=duties.department,
                    clause_no=c.clause_no, text=c.text, label=c.label,
                )


def _township_duties(e: Edition) -> Iterator[CoordinatedTownshipDutyRow]:
    for _, _, item in _items(e, "coordinated"):
        for c in item.township_duties:
            yield CoordinatedTownshipDutyRow(edition_id=e.edition_id, seq=item.seq, clause_no=c.clause_no, text=c.text)


def _reclaimed(e: Edition) -> Iterator[ReclaimedDutyRow]:
    for no, cat, item in _items(e, "reclaimed"):
        yield ReclaimedDutyRow(
            edition_id=e.edition_id, seq=item.seq, category_no=no, category=cat, name=item.name,
            departments=item.departments, disposition=item.disposition, reason=item.reason, method=item.method,
        )


def _method_clauses(e: Edition) -> Iterator[ReclaimedMethodClauseRow]:
    for _, _, item in _items(e, "reclaimed"):
        for c in item.method_clauses:
            yield ReclaimedMethodClauseRow(
                edition_id=e.edition_id, seq=item.seq, clause_no=c.clause_no, text=c.text, department=c.department
            )


def _categories(e: Edition) -> Iterator[CategoryRow]:
    for kind, duty_list in e.lists.items():
        for c in duty_list.categories:
            yield CategoryRow(
                edition_id=e.edition_id, list=kind, category_no=c.category_no, category=c.category,
                declared_count=c.declared_count, item_count=len(c.items),
            )


def _departments(e: Edition) -> Iterator[DepartmentRow]:
    coordinated = Counter(d for _, _, item in _items(e, "coordinated") for d in dict.fromkeys(item.departments))
    reclaimed = Counter(d for _, _, item in _items(e, "reclaimed") for d in dict.fromkeys(item.departments))
    for dept in dict.fromkeys([*coordinated, *reclaimed]):
        yield DepartmentRow(
            edition_id=e.edition_id, department=dept,
            coordinated_items=coordinated[dept], reclaimed_items=reclaimed[dept],
        )


_FLATTENERS = {
    "basic_duties": _basic,
    "coordinated_duties": _coordinated,
    "coordinated_department_duties": _department_duties,
    "coordinated_township_duties": _township_duties,
    "reclaimed_duties": _reclaimed,
    "reclaimed_method_clauses": _method_clauses,
    "categories": _categories,
    "departments": _departments,
}


def flatten(edition: Edition) -> dict[str, list[Strict]]:
    """Every output table's rows, in TABLES order."""
    return {name: list(rows(edition)) for name, rows in _FLATTENERS.items()}
