"""Text form (web text / copy of the tables): tab-separated cells, one row per line."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError
from pipeline.extract.raw import RawDocument, RawRow, RawTable
from pipeline.lists import seq_titles, squash_title

_ENCODINGS = ("utf-8-sig", "gb18030")
_SEQ_TITLES = {squash_title(t) for t in seq_titles()}  # gb18030 is a superset of gbk and gb2312


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, detected by strict decoding."""
    if b"\x00" in data:
        raise InputError("not_text", "not a text file (binary data)")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("text_encoding", "text is neither UTF-8 nor GB18030")


def _cells(line: str) -> tuple[str, ...]:
    return tuple(line.split("\t"))


def _is_header(line: str) -> bool:
    """A header row opens with the 序号 column's title, in any spelling the list kinds declare."""
    return squash_title(_cells(line)[0]) in _SEQ_TITLES


def extract(path: Path) -> RawDocument:
    lines = decode(path.read_bytes()).splitlines()
    doc = RawDocument(path=path, format="text", front_matter=[])
    table: RawTable | None = None
    for number, line in enumerate(lines, 1):
        where = f"line {number}"
        if _is_header(line):
            table = RawTable(header=_cells(line), rows=[], where=where)
            doc.tables.append(table)
        elif not line.strip():
            continue
        elif table is None:
            doc.front_matter.append(line.strip())
        elif "\t" not in line and line.strip().endswith("清单"):
            table = None  # the next list's title: the table above has ended
        else:
            table.rows.append(RawRow(_cells(line), where))
    return doc
