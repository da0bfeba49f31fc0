"""DOCX: body paragraphs before the first table, then each table's cells.

python-docx's `row.cells` repeats a merged cell at every grid position it
spans, so rows are read from the XML: a horizontally merged cell once, a
vertically merged continuation as "". Word's automatic numbering lives in
numbering.xml, not in the text, so it is rendered here ("1.") as the reader
sees it.

The package is inflated and checked by `zipped` (size limits, content types,
relationships) before python-docx sees it; whatever python-docx still fails on
is a damaged DOCX (docx_unreadable), never a bug of ours.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from pipeline.errors import InputError, locating
from pipeline.extract import zipped
from pipeline.extract.docx_numbering import Numbering
from pipeline.extract.raw import RawDocument, RawRow, RawTable

# What python-docx raises on a package that passed zipped's checks but is still
# damaged: a related part or its content type missing (KeyError: "There is no
# item named 'word/numbering.xml' in the archive"), a main part that is not a
# Word document (ValueError), a part that is not XML (XMLSyntaxError).
_LIBRARY_ERRORS = (KeyError, ValueError, etree.XMLSyntaxError, OpcError)


def _unreadable(detail: str) -> InputError:
    return InputError("docx_unreadable", f"not a readable DOCX: {detail}")


def _open(path: Path):
    try:
        package = zipped.inflated_copy(path)
        zipped.check_package(package)
    except zipped.Damaged as err:
        raise _unreadable(str(err)) from err
    try:
        document = docx.Document(package)
    except _LIBRARY_ERRORS as err:
        raise _unreadable(_library_failure(package, err)) from err
    _check_body(document)
    return document


def _library_failure(package, err: Exception) -> str:
    """What python-docx failed on, naming the part: its own messages name none for XML errors."""
    part = zipped.unparsable_part(package) if isinstance(err, etree.XMLSyntaxError) else None
    if part is not None:
        return f"{part} is not well-formed XML ({err})"
    return str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)


def _check_body(document) -> None:
    """The main part is a w:document with a w:body (python-docx reads whatever root it holds), and no DTD."""
    root = document.element
    name = document.part.partname.membername
    if root.tag != qn("w:document") or root.find(qn("w:body")) is None:
        raise _unreadable(f"{name} has no w:document/w:body (its root is {root.tag})")
    if zipped.declares_dtd(root):
        raise _unreadable(f"{name} declares a DTD (<!DOCTYPE>), which OOXML forbids: text in its entities would be lost")


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
    rows = []
    for n, tr in enumerate(tbl.iterchildren(qn("w:tr")), 1):
        where = f"table {index} row {n}"
        with locating(where=where):  # a numbering that cannot be resolved
            rows.append(RawRow(_row_cells(tr, parent, numbering), where))
    header = rows[0].cells if rows else ()
    return RawTable(header=header, rows=rows, where=f"table {index}")


def extract(path: Path) -> RawDocument:
    document = _open(path)
    numbering = Numbering.of(document)
    doc = RawDocument(path=path, format="docx", front_matter=[])
    paragraphs = 0
    for child in document.element.find(qn("w:body")).iterchildren():
        if child.tag == qn("w:tbl"):
            doc.tables.append(_table(child, document, numbering, len(doc.tables) + 1))
        elif child.tag == qn("w:p"):
            paragraphs += 1
            with locating(where=f"paragraph {paragraphs}"):
                text = _paragraph_text(child, document, numbering).strip()  # read always: counters advance
            if text and not doc.tables:
                doc.front_matter.append(text)
    return doc
