"""The nested edition → the flat analyst tables (one row model per table).

Each list kind's tables come from its declaration (`pipeline.lists`); the two
edition-wide tables, `categories` and `departments`, are made here.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterator

from pipeline.lists import KINDS
from pipeline.models import TABLES, CategoryRow, DepartmentRow, Edition, Strict


def _categories(e: Edition) -> Iterator[CategoryRow]:
    for kind, duty_list in e.lists.items():
        for c in duty_list.categories:
            yield CategoryRow(
                edition_id=e.edition_id, list=kind, category_no=c.category_no, category=c.category,
                declared_count=c.declared_count, item_count=len(c.items),
            )


def _departments(e: Edition) -> Iterator[DepartmentRow]:
    """Each department, in order of first appearance, with the items of each list naming it."""
    counts = {
        k.key: Counter(d for c in e.lists[k.key].categories for item in c.items for d in dict.fromkeys(item.departments))
        for k in KINDS.values()
        if k.department_count
    }
    for dept in dict.fromkeys(d for counter in counts.values() for d in counter):
        yield DepartmentRow(
            edition_id=e.edition_id, department=dept, **{f"{key}_items": counter[dept] for key, counter in counts.items()}
        )


def flatten(edition: Edition) -> dict[str, list[Strict]]:
    """Every output table's rows, in TABLES order."""
    tables: dict[str, list[Strict]] = {name: [] for name in TABLES}
    for kind in KINDS.values():
        for category in edition.lists[kind.key].categories:
            for item in category.items:
                for name, table in kind.tables.items():
                    tables[name].extend(table.rows(edition.edition_id, category.category_no, category.category, item))
    tables["categories"] = list(_categories(edition))
    tables["departments"] = list(_departments(edition))
    return tables
