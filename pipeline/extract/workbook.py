"""Workbooks (.xlsx, .xls, .ods): the county office's form, one sheet per list, read through python-calamine.

Reading rules:
- A sheet is a list sheet when one of its rows is a header row a list kind
  recognises (`pipeline.lists.kind_of_header`): never by the sheet's name or
  position. Its table's header is that row; its rows are all the sheet's rows
  in order, the title rows above the header too (the normaliser drops rows
  that only name a list, and rows repeating the header), each located as
  "sheet '基本履职事项' row 12" with the Excel row number. Empty rows are skipped.
- Sheets before the first list sheet are the preface (说明): each line of each
  non-empty cell, row by row, is a paragraph of the front matter (a 说明 sheet
  often holds its whole text in one merged cell). Sheets after it without a
  header are ignored (notes, lookup tables). Sheet order is reading order.
  A list with no sheet is the normaliser's list_missing, which names the
  sheets that hold the other lists.
- A cell is its text as displayed: numbers as Excel shows them (2, not 2.0),
  line breaks as "\\n" (\\r\\n and \\r too). Cells a merged range covers are ""
  (calamine leaves them empty; a value hidden under a merge is dropped), so a
  category row merged across the sheet is its text once. A row's trailing
  empty cells are dropped; text past the header's last column is kept, for the
  normaliser to name that row (too_many_cells).

Size: .xlsx and .ods are zip packages, inflated and checked by `zipped` before
calamine reads the stored copy. Calamine builds each sheet as a dense grid
from its first to its last cell, so a few bytes placing one cell at XFD1048576
would ask for hundreds of gigabytes (the process aborts): every sheet's extent
is measured in the package first, streaming, and checked against the limit.
An .xls is checked by the file's size, then its Workbook stream is read from
the compound file (olefile) and its records scanned for the same extents, and for the
grid a DIMENSIONS record declares (calamine reserves it: a lying one aborts
the process as surely).

Errors: a password (an .xlsx encrypted into an OLE file, an .xls with a
FILEPASS record, an .ods with encryption data) is workbook_encrypted;
whatever else calamine fails on is a damaged workbook (workbook_unreadable).
"""

from __future__ import annotations

import io
import re
import struct
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

import olefile
import python_calamine
from lxml import etree

from pipeline.errors import InputError
from pipeline.extract import zipped
from pipeline.extract.raw import RawDocument, RawRow, RawTable
from pipeline.limits import check_size
from pipeline.lists import kind_of_header

_ZIPPED = (".xlsx", ".ods")
# what one cell of calamine's dense grid costs (its Data enum: a String and a tag); the Python lists
# to_python() makes of them cost about as much again, so the limit bounds both within a small factor
_GRID_CELL_BYTES = 32


def _unreadable(detail: str) -> InputError:
    return InputError("workbook_unreadable", f"not a readable workbook: {detail}")


def _encrypted() -> InputError:
    return InputError("workbook_encrypted", "the workbook is protected by a password; save it without one")


# --------------------------------------------------------------------------- #
# Opening: size checks, then calamine on the stored copy


@contextmanager
def _calamine_errors() -> Iterator[None]:
    """Calamine's failures on bad input as InputErrors: a password, or a damaged workbook.

    A panic in calamine's Rust code (pyo3's PanicException, a BaseException) is a damaged
    workbook it did not expect, not a bug of ours: calamine meets only the file's bytes."""
    try:
        yield
    except python_calamine.PasswordError as err:
        raise _encrypted() from err
    except python_calamine.WorksheetNotFound as err:  # its message is the bare name
        raise _unreadable(f"sheet {str(err)!r} is listed in the workbook, but its part is missing") from err
    except python_calamine.CalamineError as err:
        raise _unreadable(str(err) or type(err).__name__) from err
    except BaseException as err:
        if type(err).__name__ != "PanicException":
            raise
        raise _unreadable(f"the workbook reader failed ({err})") from err


@contextmanager
def _workbook(path: Path) -> Iterator[python_calamine.CalamineWorkbook]:
    """The workbook open in calamine, once its size has been checked; calamine's errors while the
    caller reads its sheets are InputErrors too."""
    if path.suffix.lower() in _ZIPPED and not olefile.isOleFile(str(path)):  # OLE: an encrypted .xlsx
        with _stored_copy(path) as copy, _calamine_errors(), python_calamine.CalamineWorkbook.from_path(copy) as book:
            yield book
        return
    # an .xls, or an OLE file named .xlsx/.ods (encrypted): nothing to inflate, calamine reads it whole
    check_size(path.stat().st_size, "the file")
    check_biff_extents(path.read_bytes())
    with _calamine_errors(), python_calamine.CalamineWorkbook.from_path(path) as book:
        yield book


@contextmanager
def _stored_copy(path: Path) -> Iterator[str]:
    """The package inflated under the limit, each sheet's extent checked, as a temporary file of the same
    suffix (calamine picks its reader by suffix, and from a file object only guesses the format)."""
    try:
        package = zipped.inflated_copy(path)
    except zipped.Damaged as err:
        raise _unreadable(str(err)) from err
    check_extents(package, path.suffix.lower())
    with tempfile.NamedTemporaryFile(suffix=path.suffix.lower(), prefix="workbook-") as copy:
        copy.write(package.getbuffer())
        copy.flush()
        yield copy.name


# --------------------------------------------------------------------------- #
# Sheet extents, measured in the package before calamine builds its grids

_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})$")
# resolve_entities=False, no_network: as zipped's parser; huge_tree: text nodes past 10 MB stay legal
_ITERPARSE = {"resolve_entities": False, "no_network": True, "huge_tree": True}


def check_extents(package: IO[bytes], suffix: str) -> None:
    """InputError too_large for a sheet whose grid (rows × columns up to its last cell) is past the limit."""
    with zipfile.ZipFile(package) as archive:
        try:
            if suffix == ".ods":
                if "content.xml" in archive.namelist():
                    with archive.open("content.xml") as xml:
                        _check_ods_tables(xml)
            else:
                for name in archive.namelist():
                    if name.lower().endswith(".xml"):  # wherever the workbook's relationships put its sheets
                        with archive.open(name) as xml:
                            _check_grid(name, *_xlsx_extent(xml))
        except etree.XMLSyntaxError:
            pass  # calamine reports the damaged part in its own words
    package.seek(0)


def _check_grid(sheet: str, rows: int, columns: int) -> None:
    if rows and columns:
        size = f"{rows:,} row{'s' * (rows > 1)} × {columns:,} column{'s' * (columns > 1)}"
        check_size(rows * columns * _GRID_CELL_BYTES, f"the grid of {sheet} ({size})")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _xlsx_extent(xml: IO[bytes]) -> tuple[int, int]:
    """The last row and column of a worksheet part's cells (1-based), as calamine places them: a cell's
    reference, or without one the next column of its row, the row's number or the one after the last."""
    last_row = last_column = row = column = 0
    for event, element in etree.iterparse(xml, events=("start", "end"), tag=("{*}row", "{*}c"), **_ITERPARSE):
        if etree.QName(element).localname == "row":
            if event == "start":
                number = element.get("r", "")
                row, column = (int(number) if number.isdecimal() else row + 1), 0
            else:
                _forget(element)
        elif event == "start":
            ref = _CELL_REF.match(element.get("r", ""))
            row, column = (int(ref[2]), _column_number(ref[1])) if ref else (row, column + 1)
            last_row, last_column = max(last_row, row), max(last_column, column)
    return last_row, last_column


_ODS_MAX_ROWS = 1 << 20  # calamine stops counting repeated rows there
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _repeats(element, attribute: str) -> int:
    value = element.get(f"{_TABLE}{attribute}", "1")
    return int(value) if value.isdecimal() else 1


def _check_ods_tables(xml: IO[bytes]) -> None:
    """Each table's grid up to its last non-empty cell: repeated rows and columns count each time, empty
    ones only before a non-empty one (calamine drops trailing empty rows and columns)."""
    tags = (f"{_TABLE}table", f"{_TABLE}table-row", f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
    name, row, repeats, column, last_row, last_column = "", 0, [1], 0, 0, 0
    for event, element in etree.iterparse(xml, events=("start", "end"), tag=tags, **_ITERPARSE):
        tag = etree.QName(element).localname
        if tag == "table" and event == "start":
            name, row, last_row, last_column = element.get(f"{_TABLE}name", ""), 0, 0, 0
        elif tag == "table":
            _check_grid(f"sheet {name!r}", last_row, last_column)
        elif tag == "table-row" and event == "start":
            repeats.append(_repeats(element, "number-rows-repeated"))
            column = 0
        elif tag == "table-row":
            row += repeats.pop()
            _forget(element)
        elif event == "end":  # a cell: its content is parsed by now
            column += _repeats(element, "number-columns-repeated")
            if len(element) or element.get(f"{_OFFICE}value-type"):
                last_row, last_column = max(last_row, min(row + repeats[-1], _ODS_MAX_ROWS)), max(last_column, column)


_BIFF_BOF, _BIFF_BOUNDSHEET, _BIFF_DIMENSIONS, _BIFF_MULRK = 0x0809, 0x0085, 0x0200, 0x00BD
# records calamine makes a cell of, each opening with its row and column (u16): FORMULA, NUMBER, LABEL,
# BOOLERR, RK, LABELSST, RSTRING; MULRK ends with its last column
_BIFF_CELLS = {0x0006, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6, _BIFF_MULRK}


def check_biff_extents(data: bytes) -> None:
    """An .xls's sheets: each one's grid up to its last cell, and the grid its DIMENSIONS record declares
    (calamine reserves that much before reading a cell), checked against the limit. A file whose
    Workbook stream cannot be found is left to calamine, which says what is wrong with it."""
    stream = ole_stream(data, ("Workbook", "Book"))
    if stream is None:
        return
    names: dict[int, str] = {}  # a sheet's BOF offset -> its name, from the globals' BOUNDSHEET records
    sheet, rows, columns = "the workbook globals", 0, 0
    for at, typ, record in _biff_records(stream):
        if typ == _BIFF_BOUNDSHEET and len(record) >= 8:
            names[struct.unpack_from("<I", record)[0]] = _short_string(record[6:])
        elif typ == _BIFF_BOF:
            _check_grid(sheet, rows, columns)
            sheet, rows, columns = f"sheet {names.get(at, f'at offset {at}')!r}", 0, 0
        elif typ == _BIFF_DIMENSIONS and len(record) >= 14:  # BIFF8: rows as u32, columns as u16
            first_row, end_row, first_column, end_column = struct.unpack_from("<IIHH", record)
            _check_grid(f"{sheet} as its DIMENSIONS record declares", max(end_row - first_row, 0) + 1,
                        max(end_column - first_column, 0) + 1)
        elif typ in _BIFF_CELLS and len(record) >= 4:
            row, column = struct.unpack_from("<HH", record)
            if typ == _BIFF_MULRK and len(record) >= 6:
                column = struct.unpack_from("<H", record, len(record) - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, column + 1)
    _check_grid(sheet, rows, columns)


def _short_string(data: bytes) -> str:
    """A BIFF8 ShortXLUnicodeString: a count of characters, a flag (1: UTF-16, 0: Latin-1 bytes), the text."""
    count, wide = data[0], data[1] & 1
    return data[2: 2 + count * (2 if wide else 1)].decode("utf-16-le" if wide else "latin-1", "replace")


def _biff_records(stream: bytes) -> Iterator[tuple[int, int, bytes]]:
    """Each record's offset, type and data."""
    at = 0
    while at + 4 <= len(stream):
        typ, size = struct.unpack_from("<HH", stream, at)
        yield at, typ, stream[at + 4: at + 4 + size]
        at += 4 + size


def ole_stream(data: bytes, names: tuple[str, ...]) -> bytes | None:
    """The first of `names` among a compound file's root streams, read with olefile; None where the
    file is not a compound file or is damaged in a way calamine will report in its own words."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = next((n for n in names if ole.exists(n)), None)
            return ole.openstream(name).read() if name else None
    except Exception:  # noqa: BLE001 - olefile's many exceptions on damage: calamine reports it next
        return None


def _forget(element) -> None:
    """Drop a parsed row and the rows before it: memory follows one row, not the sheet."""
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]


# --------------------------------------------------------------------------- #
# Cells and sheets


def cell_text(value: object) -> str:
    """A cell's value as displayed: integral numbers without ".0", line breaks as \\n."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)  # other numbers, bool, dates and times


def _grid(sheet: python_calamine.CalamineSheet) -> list[list[str]]:
    """The sheet's cells from A1 as text, the cells merged ranges cover blanked."""
    grid = [[cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or ():  # None for .ods
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                if (r, c) != (top, left):
                    row[c] = ""
    return grid


def _trimmed(cells: list[str]) -> tuple[str, ...]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return tuple(cells[:end])


def _header_index(grid: list[list[str]]) -> int | None:
    return next((i for i, row in enumerate(grid) if kind_of_header(_trimmed(row))), None)


def _list_table(name: str, grid: list[list[str]], header_at: int) -> RawTable:
    where = f"sheet {name!r}"
    rows = [RawRow(cells, f"{where} row {n}") for n, row in enumerate(grid, 1) if (cells := _trimmed(row))]
    return RawTable(header=_trimmed(grid[header_at]), rows=rows, where=where)


def _paragraphs(grid: list[list[str]]) -> list[str]:
    """A preface sheet's text: each line of each cell, row by row."""
    return [line.strip() for row in grid for cell in row for line in cell.split("\n") if line.strip()]


def _worksheets(book: python_calamine.CalamineWorkbook) -> list[str]:
    """The names of the sheets that hold cells, in workbook order (chart and macro sheets hold none)."""
    return [m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]


def extract(path: Path) -> RawDocument:
    doc = RawDocument(path=path, format=path.suffix.lower().lstrip("."), front_matter=[])
    with _workbook(path) as book:
        names = _worksheets(book)
        for name in names:
            grid = _grid(book.get_sheet_by_name(name))  # its errors: see _workbook
            header_at = _header_index(grid)
            if header_at is not None:
                doc.tables.append(_list_table(name, grid, header_at))
            elif not doc.tables:
                doc.front_matter.extend(_paragraphs(grid))
    return doc
