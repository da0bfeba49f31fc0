"""Helpers shared by tests (importable as `helpers`: pyproject sets pythonpath)."""

from __future__ import annotations

from pathlib import Path

import docx

from pipeline.errors import InputError
from pipeline.extract.pdf import extract
from pipeline.extract.pdf_page import PDF_READERS
from pipeline.models import Edition
from pipeline.normalise.edition import build_edition

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
FORMAT_FIXTURES = ROOT / "tests" / "fixtures" / "formats"  # other formats rendered from source editions (test data)
EDITION_ID = "songzhuang-2025-07"

# Expected values written out by hand (never read from the pipeline), shared by the tests:
# the output tables in output order, and each list's published title.
TABLE_NAMES = [
    "basic_duties",
    "coordinated_duties",
    "coordinated_department_duties",
    "coordinated_township_duties",
    "reclaimed_duties",
    "reclaimed_method_clauses",
    "categories",
    "departments",
]
LIST_TITLES = {"basic": "基本履职事项清单", "coordinated": "配合履职事项清单", "reclaimed": "上级部门收回事项清单"}


def items_by_seq(edition: Edition, kind: str) -> dict[int, object]:
    return {item.seq: item for c in edition.lists[kind].categories for item in c.items}


def docx_rows(path: Path) -> list[list[list[str]]]:
    """Every table of a DOCX as rows of cell texts: merged cells once, list numbers as text."""
    counters: dict[int, int] = {}
    tables = []
    for table in docx.Document(path).tables:
        rows = []
        for tr in table.rows:
            cells, seen = [], set()
            for tc in tr.cells:
                if id(tc._tc) in seen:
                    continue
                seen.add(id(tc._tc))
                paras = []
                for p in tc.paragraphs:
                    num = p._p.pPr.numPr if p._p.pPr is not None else None
                    text = p.text
                    if num is not None and num.numId is not None:  # Word auto-numbering "%1."
                        counters[num.numId.val] = counters.get(num.numId.val, 0) + 1
                        text = f"{counters[num.numId.val]}.{text}"
                    paras.append(text)
                cells.append("\n".join(paras))
            rows.append(cells)
        tables.append(rows)
    return tables


def published_text_with(tmp_path: Path, number: int, edit) -> Path:
    """A copy of the published text form with line `number` (1-based) changed by `edit(line) -> line`."""
    lines = (RAW / f"{EDITION_ID}.txt").read_text(encoding="utf-8").split("\n")
    lines[number - 1] = edit(lines[number - 1])
    path = tmp_path / "edited.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def replacing(old: str, new: str):
    """An edit for published_text_with: `old` (which must be on the line) replaced by `new`."""

    def edit(line: str) -> str:
        assert old in line, f"{old!r} is not on the line"
        return line.replace(old, new)

    return edit


def same_reading(path: Path, raw: bool = True) -> None:
    """Both PDF readers: the same records, and with `raw` the same raw document (Chromium's space
    glyphs at line ends, which PDFium's text page drops, make front-matter text differ there)."""
    docs = {reader: extract(path, reader=reader) for reader in PDF_READERS}
    ours, reference = docs["pdfium"], docs["pdfplumber"]
    if raw:
        assert ours.front_matter == reference.front_matter
        assert [(t.header, [r.cells for r in t.rows]) for t in ours.tables] == \
            [(t.header, [r.cells for r in t.rows]) for t in reference.tables]
    assert records(ours, path) == records(reference, path)


def records(doc, path: Path):
    """The edition and its warnings, or the normaliser's error (the layout fixtures have no cover)."""
    try:
        return build_edition(doc, path.stem)
    except InputError as err:
        return str(err)
