"""DOCX: body paragraphs before the first table, then each table's cells.

python-docx's `row.cells` repeats a merged cell at every grid position it
spans, so rows are read from the XML: a horizontally merged cell once, a
vertically merged continuation as "". Word's automatic numbering lives in
numbering.xml, not in the text, so it is rendered here ("1.") as the reader
sees it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from pipeline.errors import InputError
from pipeline.extract.docx_numbering import Numbering
from pipeline.extract.raw import RawDocument, RawRow, RawTable


def _open(path: Path):
    try:
        return docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as err:
        raise InputError("docx_unreadable", "not a readable DOCX (corrupt, truncated or another format)") from err


def _paragraph_text(p, parent, numbering: Numbering) -> str:
    text = Paragraph(p, parent).text
    return numbering.label(p) + text


def _cell_text(tc, parent, numbering: Numbering) -> str:
    return "\n".join(_paragraph_text(p, parent, numbering) for p in tc.iter(qn("w:p")))


def _is_vmerge_continuation(tc) -> bool:
    vmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    return vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue"


def _row_cells(tr, parent, numbering: Numbering) -> tuple[str, ...]:
    cells = []
    for tc in tr.iterchildren(qn("w:tc")):
        text = _cell_text(tc, parent, numbering)  # read always: numbering counters advance
        cells.append("" if _is_vmerge_continuation(tc) else text)
    return tuple(cells)


def _table(tbl, parent, numbering: Numbering, index: int) -> RawTable:
    rows = [
        RawRow(_row_cells(tr, parent, numbering), f"table {index} row {n}")
        for n, tr in enumerate(tbl.iterchildren(qn("w:tr")), 1)
    ]
    header = rows[0].cells if rows else ()
    return RawTable(header=header, rows=rows, where=f"table {index}")


def extract(path: Path) -> RawDocument:
    document = _open(path)
    numbering = Numbering.of(document)
    body = document.element.body
    doc = RawDocument(path=path, format="docx", front_matter=[])
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            doc.tables.append(_table(child, document, numbering, len(doc.tables) + 1))
        elif child.tag == qn("w:p") and not doc.tables:
            text = _paragraph_text(child, document, numbering).strip()
            if text:
                doc.front_matter.append(text)
    return doc
