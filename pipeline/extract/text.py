"""Text form (web text / copy of the tables): tab-separated cells, one row per line.

The file is streamed, never held whole: its size is checked against the limit
before anything is read, one pass finds the encoding, a second reads the rows
line by line, so memory follows the rows kept rather than a multiple of the file.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.errors import InputError
from pipeline.extract.raw import RawDocument, RawRow, RawTable
from pipeline.limits import check_size
from pipeline.lists import kind_of_header, seq_titles, squash_title

_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of gbk and gb2312
_SEQ_TITLES = {squash_title(t) for t in seq_titles()}
_CHUNK = 1 << 16  # bytes read at a time while checking the encoding


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            yield chunk


def _decodes(chunks: Iterable[bytes], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        for chunk in chunks:
            decoder.decode(chunk)
        decoder.decode(b"", final=True)  # a multi-byte character cut off at the end
    except UnicodeDecodeError:
        return False
    return True


def encoding_of(path: Path) -> str:
    """UTF-8 (with or without BOM) or GB18030, detected by strict decoding; binary data is refused."""
    if any(b"\x00" in chunk for chunk in _chunks(path)):
        raise InputError("not_text", "not a text file (binary data)")
    for encoding in _ENCODINGS:
        if _decodes(_chunks(path), encoding):
            return encoding
    raise InputError("text_encoding", "text is neither UTF-8 nor GB18030")


def _lines(path: Path, encoding: str) -> Iterator[str]:
    """The file's lines one at a time, split exactly as str.splitlines() splits the whole text."""
    with path.open(encoding=encoding, newline="") as f:  # "": \n, \r and \r\n end a line, untranslated
        for line in f:
            yield from line.splitlines()  # also \u2028, \x0c …, and drops the line end


def _cells(line: str) -> tuple[str, ...]:
    return tuple(line.split("\t"))


def _is_header(line: str) -> bool:
    """A header row opens with the 序号 column's title (in any spelling the list kinds declare), or is one
    that a list kind recognises (a 类别 column may come first)."""
    cells = _cells(line)
    return squash_title(cells[0]) in _SEQ_TITLES or kind_of_header(cells) is not None


def _check_short_row(cells: tuple[str, ...], table: RawTable, where: str) -> None:
    """The text form merges no cells, so a row holds every column — or is a category heading alone in
    its first cell, trailing tabs trimmed. Text past the first cell of a shorter row means a tab went
    missing and two cells ran together: every cell after them would sit in the wrong column."""
    if len(cells) >= len(table.header) or not any(c.strip() for c in cells[1:]):
        return
    kind = kind_of_header(table.header)
    first = cells[0].strip()
    raise InputError(
        "unexpected_row",
        f"{len(cells)} cells where the table has {len(table.header)} columns ({' | '.join(table.header)}): "
        "a tab is missing, two cells ran together",
        where=where, list_kind=kind.key if kind else None, seq=int(first) if first.isdecimal() else None,
    )


def _document(path: Path, lines: Iterable[str]) -> RawDocument:
    doc = RawDocument(path=path, format="text", front_matter=[])
    table: RawTable | None = None
    for number, line in enumerate(lines, 1):
        where = f"line {number}"
        if not line.strip():
            continue
        elif _is_header(line):
            table = RawTable(header=_cells(line), rows=[], where=where)
            doc.tables.append(table)
        elif table is None:
            doc.front_matter.append(line.strip())
        elif "\t" not in line and line.strip().endswith("清单"):
            table = None  # the next list's title: the table above has ended
        else:
            cells = _cells(line)
            _check_short_row(cells, table, where)
            table.rows.append(RawRow(cells, where))
    return doc


def extract(path: Path) -> RawDocument:
    check_size(path.stat().st_size, "text file")
    return _document(path, _lines(path, encoding_of(path)))
