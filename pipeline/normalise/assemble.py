"""Rows of the raw tables → headings and whole items, per list.

Works on what every format shares: column titles identify the list and the
columns; a row whose 序号 cell is empty continues the item above (a row broken
across a page); rows repeating the header are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.errors import InputError
from pipeline.extract.ocr_text import clause_ends, heading_cell, seq_cell
from pipeline.extract.raw import RawDocument, RawRow, RawTable, least
from pipeline.lists import KINDS, ListKind, column_role, kind_of_header, seq_titles, squash_title, titled
from pipeline.normalise.headings import HEADING_START_RE, Heading, column_heading, parse_heading
from pipeline.normalise.text import WRAP, clean


@dataclass
class ItemRow:
    seq: int
    cells: dict[str, str]  # column role -> raw cell text
    where: str
    extra: dict[str, str] = field(default_factory=dict)  # title -> raw cell text, columns the template lacks
    confidence: float | None = None  # read by OCR: the lowest confidence of its characters, over all its rows


@dataclass
class HeadingRow:
    heading: Heading
    where: str


@dataclass
class ListRows:
    kind: ListKind
    where: str
    entries: list[HeadingRow | ItemRow] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)  # titles of columns the template lacks, as printed
    broken: RawRow | None = None  # a heading's first part, its row broken by a page end (`_heading_part`)


@dataclass(frozen=True)
class Columns:
    """A table's columns: each title as printed and its role (None: a column the template does not have)."""

    titles: tuple[str, ...]
    roles: tuple[str | None, ...]

    @classmethod
    def of(cls, header: tuple[str, ...]) -> "Columns":
        return cls(tuple(clean(t) for t in header), tuple(column_role(t) for t in header))

    def index(self, role: str) -> int | None:
        return self.roles.index(role) if role in self.roles else None

    @property
    def seq(self) -> int:
        return self.roles.index("seq")

    @property
    def extra(self) -> list[str]:
        return [t for t, r in zip(self.titles, self.roles) if r is None]


def _is_header(cells: list[str], header: tuple[str, ...]) -> bool:
    """A row repeating the header (on a new page), or any row opening with the 序号 title."""
    titles = [squash_title(c) for c in cells]
    return bool(set(titles[:2]) & {squash_title(t) for t in seq_titles()}) or titles == [squash_title(h) for h in header]


def _is_title_row(cells: list[str]) -> bool:
    """A row holding only a list's title (`基本履职事项清单`): a title row printed inside the table."""
    text = _single_text(cells)
    return text is not None and titled(text) is not None


def _single_text(cells: list[str]) -> str | None:
    """The one text a row holds, whether merged across columns or in one cell."""
    texts = {clean(c) for c in cells} - {""}
    return texts.pop() if len(texts) == 1 else None


def _heading(cells: list[str]) -> Heading | None:
    """A category row: one heading text, whether merged across columns or in one cell."""
    text = _single_text(cells)
    return parse_heading(text) if text else None


def _not_a_heading(rows: ListRows, first: RawRow) -> InputError:
    return InputError("unexpected_row", f"unexpected row: {_single_text(list(first.cells))!r} is no category heading "
                      "(一、名称（N项）)", where=first.where, list_kind=rows.kind.key)


def _heading_part(rows: ListRows, row: RawRow, cells: list[str], cols: Columns | None = None) -> bool:
    """A heading broken by a page end (`二、经济发展` | `（3项）`): hold its first part, join the second to it.
    True when the row was such a part. Headings stand in the 序号 or the 事项名称 cell (or across the row)."""
    text = _single_text(cells)
    if rows.broken is not None:
        first, rows.broken = rows.broken, None
        joined = parse_heading(f"{_single_text(list(first.cells))}{text or ''}")
        if joined is None:
            raise _not_a_heading(rows, first)
        rows.entries.append(HeadingRow(joined, first.where))
        return True
    where_headings_stand = {cols.seq, cols.index("name")} if cols else set()
    in_place = all(i in where_headings_stand for i, c in enumerate(cells) if c.strip())
    if text and in_place and HEADING_START_RE.match(text) and parse_heading(text) is None:
        rows.broken = RawRow(tuple(cells), row.where)
        return True
    return False


def _item_number(cell: str) -> int | None:
    first = clean(cell)
    return int(first) if first.isdecimal() else None


def _next_category(rows: ListRows) -> int:
    """The number the list's next category heading should have."""
    current = _current_heading(rows)
    return current.category_no + 1 if current else 1


def _next_seq(rows: ListRows) -> int:
    """The item number the list's next item should have."""
    last = next((e.seq for e in reversed(rows.entries) if isinstance(e, ItemRow)), 0)
    return last + 1


def _current_heading(rows: ListRows) -> Heading | None:
    return next((e.heading for e in reversed(rows.entries) if isinstance(e, HeadingRow)), None)


def _current_category(rows: ListRows) -> str | None:
    heading = _current_heading(rows)
    return heading.category if heading else None


def _check_cell_count(rows: ListRows, row: RawRow, cols: Columns) -> None:
    """A row cannot hold more cells than its table has columns: the cells past the last column would be
    dropped, and the stray tab or split cell that made them has shifted the cells before into wrong columns."""
    if len(row.cells) <= len(cols.roles):
        return
    seq_cell = row.cells[cols.seq]
    seq = _item_number(seq_cell)
    if seq is None and not clean(seq_cell) and rows.entries and isinstance(rows.entries[-1], ItemRow):
        seq = rows.entries[-1].seq  # a continuation row: name the item it continues
    raise InputError("too_many_cells", f"{len(row.cells)} cells where the table has {len(cols.roles)} columns",
                     where=row.where, list_kind=rows.kind.key, category=_current_category(rows), seq=seq)


def _category_cell(rows: ListRows, cells: list[str], cols: Columns, where: str) -> None:
    """A 类别 column: a cell naming another category than the current one opens it (merged cells are "" below).
    In the rest of a row broken by a page end, its text is the rest of the current category's name: the
    merged cell was broken with the row (平 | 安法治)."""
    index = cols.index("category")
    if index is None:
        return
    text = clean(cells[index])
    cells[index] = ""
    current = _current_heading(rows)
    if not text or (current is not None and column_heading(text, 0).category == current.category):
        return
    continues = (not clean(cells[cols.seq]) and any(c.strip() for c in cells)  # the rest of an item's row
                 and rows.entries and isinstance(rows.entries[-1], ItemRow))
    if current is not None and continues:
        at = max(i for i, e in enumerate(rows.entries) if isinstance(e, HeadingRow))
        rows.entries[at] = HeadingRow(column_heading(current.category + text, current.category_no), rows.entries[at].where)
        return
    number = sum(isinstance(e, HeadingRow) for e in rows.entries) + 1
    rows.entries.append(HeadingRow(column_heading(text, number), where))


def _joined(above: str, rest: str) -> str:
    """A cell's part on the next page after its part above: on a new line, or run on where the
    extractor saw the line above was full (it ends with a wrap, see raw.py)."""
    return f"{above}{rest}" if above.endswith(WRAP) else f"{above}\n{rest}"


def _add_row(rows: ListRows, row: RawRow, cols: Columns) -> None:
    _check_cell_count(rows, row, cols)
    cells = list(row.cells) + [""] * (len(cols.roles) - len(row.cells))
    if row.confidence is not None:  # read by OCR: a heading that lost the 、 after its number, a clause end
        cells = [clause_ends(heading_cell(c, _next_category(rows))) for c in cells]
    if not any(c.strip() for c in cells) or _is_title_row(cells):
        return
    _category_cell(rows, cells, cols, row.where)
    if _heading_part(rows, row, cells, cols):
        return
    first = clean(cells[cols.seq])
    if row.confidence is not None:  # read by OCR: dust beside the number is not part of it
        first = seq_cell(first, _next_seq(rows))
    named = {role: cell for role, cell in zip(cols.roles, cells) if role not in (None, "seq", "category")}
    extra = {title: cell for title, role, cell in zip(cols.titles, cols.roles, cells) if role is None}
    if heading := _heading(cells):
        rows.entries.append(HeadingRow(heading, row.where))
    elif first.isdecimal():
        rows.entries.append(ItemRow(int(first), named, row.where, extra, row.confidence))
    elif first == "" and rows.entries and isinstance(rows.entries[-1], ItemRow):
        item = rows.entries[-1]
        item.confidence = least(item.confidence, row.confidence)
        for parts, more in ((item.cells, named), (item.extra, extra)):
            for key, cell in more.items():
                if cell.strip():
                    parts[key] = _joined(parts.get(key, ""), cell)
    elif first == "" and not any(c.strip() for c in cells):
        return  # the row held only a 类别 cell (merged down, its text drawn in this row)
    else:
        raise _unexpected(rows, row, first)


def _unexpected(rows: ListRows, row: RawRow, first: str) -> InputError:
    """A row that is no item, heading or item's rest, with what its 序号 cell was expected to hold."""
    seq = rows.kind.column("seq").title
    if first:
        said = f"{seq} cell is {first!r}: expected an item number or a category heading (一、名称（N项）)"
    else:  # only the rest of an item (a row broken by a page end, merged cells) leaves the number out
        above = "a category heading" if rows.entries else "the header"
        said = f"{seq} cell is empty after {above}: expected an item number (only the rest of an item leaves it empty)"
    return InputError("unexpected_row", f"unexpected row: {said}", where=row.where, list_kind=rows.kind.key)


def _check_columns(kind: ListKind, header: tuple[str, ...], where: str, roles: tuple[str | None, ...]) -> None:
    """A header with columns of another list (上级部门职责 in a list without 对应上级部门) fits no list whole:
    taking it for the smaller list would drop those columns silently."""
    own = kind.roles()
    stray = [(title, role) for title, role in zip(header, roles) if role and role not in own]
    if not stray:
        return
    # what the lists those columns belong to would also need
    owners = [k for k in KINDS.values() if {role for _, role in stray} <= k.roles()]
    missing = dict.fromkeys(c.title for k in owners for c in k.columns if c.role not in roles)
    raise InputError("header_mismatch", f"columns {'、'.join(t for t, _ in stray)} belong to no list with this header "
                     f"(missing {'、'.join(missing) or '?'})", where=where, list_kind=kind.key)


_TITLE_ROWS = 3  # rows a table may open with above its column titles (the list's title, a unit line)


def header_row(table: RawTable) -> tuple[tuple[str, ...], int]:
    """The column titles and the index of the first body row: the header may follow title rows."""
    if kind_of_header(table.header) is not None:
        return table.header, 0
    for i, row in enumerate(table.rows[:_TITLE_ROWS]):
        if kind_of_header(row.cells) is not None:
            return row.cells, i + 1
    return table.header, 0


def list_titles(doc: RawDocument) -> list[str]:
    """The list titles printed inside tables above their column titles (a workbook sheet's title row)."""
    titles = []
    for table in doc.tables:
        for row in table.rows[:_TITLE_ROWS]:
            if kind_of_header(row.cells) is not None:
                break
            if _is_title_row(list(row.cells)):
                titles.append(_single_text(list(row.cells)))
    return titles


def assemble(doc: RawDocument) -> dict[str, ListRows]:
    """Each list's headings and items (list key -> rows); every kind must have a table."""
    lists: dict[str, ListRows] = {}
    current: tuple[ListRows, Columns, tuple[str, ...]] | None = None
    for table in doc.tables:
        header, first_row = header_row(table)
        kind = kind_of_header(header)
        if kind is None:
            if current is None or len(table.header) != len(current[1].roles):
                continue  # not a duty-list table (e.g. a layout table on the cover)
            rows, cols, header = current  # a table continued without its header
        else:
            cols = Columns.of(header)
            _check_columns(kind, header, table.where, cols.roles)
            rows = lists.setdefault(kind.key, ListRows(kind, table.where))
            rows.extra_columns.extend(t for t in cols.extra if t not in rows.extra_columns)
        current = (rows, cols, header)
        for row in table.rows[first_row:]:
            if not _is_header(list(row.cells), header):
                _add_row(rows, row, cols)
    for rows in lists.values():
        if rows.broken is not None:  # a heading's first part was the list's last row
            raise _not_a_heading(rows, rows.broken)
    missing = [k.title for k in KINDS.values() if k.key not in lists]
    if missing:
        seq = "/".join(seq_titles())
        found = "; ".join(f"{rows.kind.title} at {rows.where}" for rows in lists.values()) or "none"
        raise InputError("list_missing", f"no {'、'.join(missing)} table found (looked for a header row starting {seq}); "
                         f"lists found: {found}")
    return lists
