"""The contract every format extractor fulfils.

An extractor only recovers the document's *layout*: the front-matter paragraphs
and the table rows with one string per cell. It does not interpret anything
(category headings, clause numbers, departments): that is `pipeline.normalise`,
one implementation for every format.

Cell text conventions (shared by all extractors):
- `\\n` marks a break inside a cell: a paragraph end or a visual line wrap.
  Extractors do not need to tell the two apart; the normaliser treats both
  the same way (see README, "Normalisation rules").
- U+2028 (LINE SEPARATOR) marks a break the extractor saw was a wrap: the line
  was full, the next character did not fit (the PDF extractor). It is a break
  like `\\n` everywhere, and evidence for one name across it in the
  对应上级部门 column (rule 4). A cell part ending with it, at a page end, runs
  on into its rest on the next page.
- Automatic numbering that the reader sees but the text lacks (Word list
  numbering, PDF renders it as text anyway) is materialised as text, e.g.
  "1." at the start of the paragraph, exactly as it is rendered.
- A horizontally merged cell appears once (not repeated per grid column);
  a vertically merged continuation cell is "".
- A row that continues the previous one (a row broken across a page) keeps
  an empty 序号 cell; the normaliser appends it to the row above column by
  column.
- Repeated header rows may be left in: the normaliser drops rows that repeat
  the table's header.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class RawRow:
    cells: tuple[str, ...]
    where: str  # human location for error messages: "page 12", "line 230", "table 2 row 14"
    confidence: float | None = None  # read by OCR: the lowest confidence of its characters (else None)


@dataclass
class RawTable:
    header: tuple[str, ...]  # column titles as printed: ("序号", "事项名称", ...)
    rows: list[RawRow]  # body rows in reading order, header rows excluded or not
    where: str  # where the table starts: "page 3", "line 21", "table 1"


def least(a: float | None, b: float | None) -> float | None:
    """The lower of two OCR confidences, either missing (None: read from text)."""
    return b if a is None else a if b is None else min(a, b)


@dataclass(frozen=True)
class OcrRun:
    """Pages read by OCR (a scan, or the scanned pages of a mixed PDF), and with what."""

    engine: str
    version: str
    dpi: int
    pages: tuple[int, ...]  # 1-based
    proofread_below: float  # items whose least sure character is below this confidence are warned of


@dataclass
class RawDocument:
    path: Path
    format: str  # the file's format, a value of pipeline.extract.FORMATS ("pdf", "xlsx", "doc", …)
    front_matter: list[str]  # paragraphs before the first table: cover, 说明, 目录
    tables: list[RawTable] = field(default_factory=list)
    pages: int | None = None  # page count where the format has pages
    ocr: OcrRun | None = None
    read_past: list[str] = field(default_factory=list)  # damage the extractor read past (a PDF that PDFium
    # would repair otherwise than pdfminer reads it, read by pdfplumber): a warning each in edition.json
