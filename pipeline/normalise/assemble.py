"""Rows of the raw tables → headings and whole items, per list.

Works on what every format shares: column titles identify the list and the
columns; a row whose 序号 cell is empty continues the item above (a row broken
across a page); rows repeating the header are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.errors import InputError
from pipeline.extract.raw import RawDocument, RawRow, RawTable
from pipeline.lists import KINDS, ListKind, column_role, kind_of_header, seq_titles, squash_title
from pipeline.normalise.headings import Heading, parse_heading
from pipeline.normalise.text import clean


@dataclass
class ItemRow:
    seq: int
    cells: dict[str, str]  # column role -> raw cell text
    where: str


@dataclass
class HeadingRow:
    heading: Heading
    where: str


@dataclass
class ListRows:
    kind: ListKind
    where: str
    entries: list[HeadingRow | ItemRow] = field(default_factory=list)


def _is_header(cells: list[str], header: tuple[str, ...]) -> bool:
    """A row repeating the header (on a new page), or any row opening with the 序号 title."""
    titles = [squash_title(c) for c in cells]
    return titles[:1] in ([squash_title(t)] for t in seq_titles()) or titles == [squash_title(h) for h in header]


def _heading(cells: list[str]) -> Heading | None:
    """A category row: one heading text, whether merged across columns or in the first cell."""
    texts = {clean(c) for c in cells} - {""}
    return parse_heading(texts.pop()) if len(texts) == 1 else None


def _item_number(cell: str) -> int | None:
    first = clean(cell)
    return int(first) if first.isdecimal() else None


def _current_category(rows: ListRows) -> str | None:
    return next((e.heading.category for e in reversed(rows.entries) if isinstance(e, HeadingRow)), None)


def _check_cell_count(rows: ListRows, row: RawRow, columns: int) -> None:
    """A row cannot hold more cells than its table has columns: the cells past the last column would be
    dropped, and the stray tab or split cell that made them has shifted the cells before into wrong columns."""
    if len(row.cells) <= columns:
        return
    seq = _item_number(row.cells[0])
    if seq is None and not clean(row.cells[0]) and rows.entries and isinstance(rows.entries[-1], ItemRow):
        seq = rows.entries[-1].seq  # a continuation row: name the item it continues
    raise InputError("too_many_cells", f"{len(row.cells)} cells where the table has {columns} columns",
                     where=row.where, list_kind=rows.kind.key, category=_current_category(rows), seq=seq)


def _add_row(rows: ListRows, row: RawRow, roles: list[str | None]) -> None:
    _check_cell_count(rows, row, len(roles))
    cells = list(row.cells) + [""] * (len(roles) - len(row.cells))
    first = clean(cells[0])
    if not any(c.strip() for c in cells):
        return
    if heading := _heading(cells):
        rows.entries.append(HeadingRow(heading, row.where))
    elif first.isdecimal():
        named = {role: cell for role, cell in zip(roles, cells) if role and role != "seq"}
        rows.entries.append(ItemRow(int(first), named, row.where))
    elif first == "" and rows.entries and isinstance(rows.entries[-1], ItemRow):
        item = rows.entries[-1]
        for role, cell in zip(roles, cells):
            if role and role != "seq" and cell.strip():
                item.cells[role] = f"{item.cells.get(role, '')}\n{cell}"
    else:
        seq = rows.kind.column("seq").title
        raise InputError("unexpected_row", f"unexpected row: {seq} cell is {first or 'empty'!r}", where=row.where,
                         list_kind=rows.kind.key)


def _check_columns(kind: ListKind, table: RawTable, roles: list[str | None]) -> None:
    """A header with columns of another list (上级部门职责 in a list without 对应上级部门) fits no list whole:
    taking it for the smaller list would drop those columns silently."""
    own = {c.role for c in kind.columns}
    stray = [(title, role) for title, role in zip(table.header, roles) if role and role not in own]
    if not stray:
        return
    # what the lists those columns belong to would also need
    owners = [k for k in KINDS.values() if {role for _, role in stray} <= {c.role for c in k.columns}]
    missing = dict.fromkeys(c.title for k in owners for c in k.columns if c.role not in roles)
    raise InputError("header_mismatch", f"columns {'、'.join(t for t, _ in stray)} belong to no list with this header "
                     f"(missing {'、'.join(missing) or '?'})", where=table.where, list_kind=kind.key)


def assemble(doc: RawDocument) -> dict[str, ListRows]:
    """Each list's headings and items (list key -> rows); every kind must have a table."""
    lists: dict[str, ListRows] = {}
    current: tuple[ListRows, list[str | None], RawTable] | None = None
    for table in doc.tables:
        kind = kind_of_header(table.header)
        if kind is None:
            if current is None or len(table.header) != len(current[1]):
                continue  # not a duty-list table (e.g. a layout table on the cover)
            rows, roles, header_table = current  # a table continued without its header
        else:
            roles, header_table = [column_role(t) for t in table.header], table
            _check_columns(kind, table, roles)
            rows = lists.setdefault(kind.key, ListRows(kind, table.where))
        current = (rows, roles, header_table)
        for row in table.rows:
            if not _is_header(list(row.cells), header_table.header):
                _add_row(rows, row, roles)
    missing = [k.title for k in KINDS.values() if k.key not in lists]
    if missing:
        seq = "/".join(seq_titles())
        raise InputError("list_missing", f"no {'、'.join(missing)} table found (looked for a header row starting {seq})")
    return lists
