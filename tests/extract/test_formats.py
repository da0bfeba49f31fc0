"""Every format of one edition gives the same records: the cross-format agreement test.

The renderings in tests/fixtures/formats (test data, 测试数据) are made from two source DOCX editions —
the published 送庄镇 one and a fictional 青石镇 — by the make_*.py generators there: workbooks, web
pages in three encodings, legacy Word and WPS files. Each must extract to exactly the records of the
DOCX it came from; the published edition's own PDF and text forms are checked in
tests/normalise/test_edition.py. Legacy files need LibreOffice: without it those cases are skipped
and say so (CI installs it).
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import pytest

from helpers import FORMAT_FIXTURES, RAW
from pipeline.compare import disagreements
from pipeline.cli import main
from pipeline.errors import EXIT_INPUT
from pipeline.extract import FORMATS, READERS, extract
from pipeline.normalise.edition import build_edition

SOURCE_IDS = ("songzhuang-2025-07", "qingshi-2026-03")
WITHOUT_PREFACE = "songzhuang-2025-07-no-preface.xlsx"
RENDERINGS = sorted(p for p in FORMAT_FIXTURES.iterdir()
                    if p.suffix in FORMATS and p.suffix != ".docx" and p.name != WITHOUT_PREFACE)
NO_SOFFICE = "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui"


def _source_id(path: Path) -> str:
    return next(i for i in SOURCE_IDS if path.name.startswith(i))


@cache
def source_edition(edition_id: str):
    docx = RAW / f"{edition_id}.docx" if (RAW / f"{edition_id}.docx").exists() else FORMAT_FIXTURES / f"{edition_id}.docx"
    return build_edition(extract(docx), edition_id)[0]


def _needs_soffice(path: Path) -> list:
    converted = READERS[FORMATS[path.suffix]] == "office"
    return [pytest.mark.skipif(converted and shutil.which("soffice") is None, reason=NO_SOFFICE)]


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name, marks=_needs_soffice(p)) for p in RENDERINGS])
def test_a_rendering_gives_exactly_the_records_of_its_docx(path):
    edition_id = _source_id(path)
    doc = extract(path)
    assert doc.format == FORMATS[path.suffix]
    assert disagreements(build_edition(doc, edition_id)[0], source_edition(edition_id)) == []


@pytest.mark.parametrize("edition_id", SOURCE_IDS)
def test_each_source_is_rendered_in_every_format_but_pdf_and_text(edition_id):
    # (page images are scans, read by OCR to at least 99% of characters: tests/extract/test_ocr.py)
    rendered = {FORMATS[p.suffix] for p in RENDERINGS if _source_id(p) == edition_id}
    everywhere = set(FORMATS.values()) - {"pdf", "text", "docx", "image"}
    assert rendered == (everywhere if edition_id == "qingshi-2026-03" else everywhere - {"ods", "odt"})


def test_a_workbook_without_preface_gives_the_same_items_and_says_what_it_lacks():
    # three sheets, each opening with the title row 送庄镇<list>清单: no 说明 sheet, no cover, no month
    edition, warnings = build_edition(extract(FORMAT_FIXTURES / WITHOUT_PREFACE), "songzhuang-2025-07")
    assert disagreements(edition, source_edition("songzhuang-2025-07")) == [
        "title ('送庄镇履行职责事项清单' vs '河南省洛阳市孟津区送庄镇履行职责事项清单')",
        "province (None vs '河南省')", "city (None vs '洛阳市')", "district (None vs '孟津区')",
        "published (None vs '2025-07')"]  # the place as far as the title rows name it; every record the same
    assert {kind: duty_list.declared.source for kind, duty_list in edition.lists.items()} == {
        "basic": "headings", "coordinated": "headings", "reclaimed": "headings"}
    # the headings' （N项） add up to what the published preface declares: 119, 69, 126
    assert [edition.lists[k].declared.total for k in ("basic", "coordinated", "reclaimed")] == [119, 69, 126]
    assert {"no_preface", "published_unknown"} <= {w.code for w in warnings}


ONE_PER_FORMAT = sorted({FORMATS[p.suffix]: p for p in RENDERINGS if p.name.startswith("songzhuang")}.values())


@pytest.mark.parametrize("fraction", [0.5, 0.9])
@pytest.mark.parametrize("path", [pytest.param(p, id=p.name, marks=_needs_soffice(p)) for p in ONE_PER_FORMAT])
def test_a_truncated_rendering_is_one_clean_error(path, fraction, tmp_path, capsys):
    """Cut short in the middle or near the end (an interrupted download): one error line naming the
    file, exit 2, nothing written — never data."""
    cut = tmp_path / path.name
    data = path.read_bytes()
    cut.write_bytes(data[: int(len(data) * fraction)])
    assert main(["extract", str(cut), "--out", str(tmp_path / "out")]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("error[") and f"]: {cut.name}" in err, err
    assert not (tmp_path / "out").exists()
