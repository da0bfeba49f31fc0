"""Rows of the raw tables → headings and whole items, per list.

Works on what every format shares: column titles identify the list and the
columns; a row whose 序号 cell is empty continues the item above (a row broken
across a page); rows repeating the header are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex as re

from pipeline.errors import InputError
from pipeline.extract.raw import RawDocument, RawRow, RawTable
from pipeline.models import LIST_TITLES, ListKind
from pipeline.normalise.headings import Heading, parse_heading
from pipeline.normalise.text import clean

_WS_RE = re.compile(r"\s+")


@dataclass
class ItemRow:
    seq: int
    cells: dict[str, str]  # column role -> raw cell text
    where: str


@dataclass
class ListRows:
    kind: ListKind
    where: str
    entries: list[Heading | ItemRow] = field(default_factory=list)


def column_role(title: str) -> str | None:
    """What a column holds, from its printed title."""
    t = _WS_RE.sub("", title)
    if t == "序号":
        return "seq"
    if "配合职责" in t:
        return "township_duties"
    if "上级部门职责" in t:
        return "department_duties"
    if "承接部门" in t or "工作方式" in t:
        return "method"
    if "上级部门" in t:
        return "departments"
    if "事项" in t:
        return "name"
    return None


def list_kind(roles: list[str | None]) -> ListKind | None:
    if "seq" not in roles or "name" not in roles:
        return None
    if "method" in roles:
        return "reclaimed"
    if {"departments", "department_duties", "township_duties"} & set(roles):
        return "coordinated"
    return "basic"


def _is_header(cells: list[str], header: tuple[str, ...]) -> bool:
    stripped = [_WS_RE.sub("", c) for c in cells]
    return stripped[:1] == ["序号"] or stripped == [_WS_RE.sub("", h) for h in header]


def _heading(cells: list[str]) -> Heading | None:
    """A category row: one heading text, whether merged across columns or in the first cell."""
    texts = {clean(c) for c in cells} - {""}
    return parse_heading(texts.pop()) if len(texts) == 1 else None


def _add_row(rows: ListRows, row: RawRow, roles: list[str | None]) -> None:
    cells = list(row.cells) + [""] * (len(roles) - len(row.cells))
    first = clean(cells[0])
    if not any(c.strip() for c in cells):
        return
    if heading := _heading(cells):
        rows.entries.append(heading)
    elif first.isdigit():
        named = {role: cell for role, cell in zip(roles, cells) if role and role != "seq"}
        rows.entries.append(ItemRow(int(first), named, row.where))
    elif first == "" and rows.entries and isinstance(rows.entries[-1], ItemRow):
        item = rows.entries[-1]
        for role, cell in zip(roles, cells):
            if role and role != "seq" and cell.strip():
                item.cells[role] = f"{item.cells.get(role, '')}\n{cell}"
    else:
        raise InputError("unexpected_row", f"unexpected row: 序号 cell is {first or 'empty'!r}", where=row.where, list_kind=rows.kind)


def assemble(doc: RawDocument) -> dict[ListKind, ListRows]:
    lists: dict[ListKind, ListRows] = {}
    current: tuple[ListRows, list[str | None], RawTable] | None = None
    for table in doc.tables:
        roles = [column_role(t) for t in table.header]
        kind = list_kind(roles)
        if kind is None:
            if current is None or len(table.header) != len(current[1]):
                continue  # not a duty-list table (e.g. a layout table on the cover)
            rows, roles, header_table = current  # a table continued without its header
        else:
            rows = lists.setdefault(kind, ListRows(kind, table.where))
            header_table = table
        current = (rows, roles, header_table)
        for row in table.rows:
            if not _is_header(list(row.cells), header_table.header):
                _add_row(rows, row, roles)
    missing = [LIST_TITLES[k] for k in LIST_TITLES if k not in lists]
    if missing:
        raise InputError("list_missing", f"no {'、'.join(missing)} table found (looked for a header row starting 序号)")
    return lists
