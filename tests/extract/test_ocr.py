"""Scanned editions read by OCR (pipeline/extract/ocr.py, ocr_image.py, ocr_text.py, image.py).

The scans are made here from PDF editions (test data, 测试数据: tests/fixtures/scan/make_scans.py
renders each page at 200 dpi, turns it by a fraction of a degree, speckles it and compresses it as
JPEG, then binds the pages into a PDF of images): the fictional 青石镇 (qingshi-2026-03.pdf, printed
by LibreOffice from tests/fixtures/formats/qingshi-2026-03.docx) whole, and three pages of the
published 送庄镇 edition among its text pages (a mixed PDF). Each must come out with every list,
category, item, clause and department in its place — the DOCX's structure — and at least 99% of
the characters right, measured against the DOCX. The whole published edition scanned is
`make bench` (bench/ocr.py), a few minutes of OCR.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from helpers import FORMAT_FIXTURES, RAW, items_by_seq
from pipeline.build import extract_edition
from pipeline.cli import main
from pipeline.errors import EXIT_INPUT, InputError
from pipeline.extract import extract
from pipeline.extract.pdf_page import OcrSettings, ocr_with
from pipeline.normalise.edition import build_edition

SCANS = Path(__file__).resolve().parents[1] / "fixtures" / "scan"
sys.path.insert(0, str(SCANS))
from make_scans import scan  # noqa: E402

QINGSHI_PDF = SCANS / "qingshi-2026-03.pdf"
SONGZHUANG = RAW / "songzhuang-2025-07"
MIXED_PAGES = (5, 14, 40)  # a page of each list: basic 17-35, coordinated 11, reclaimed


@cache
def docx_lists(docx: Path) -> dict:
    return build_edition(extract(docx), docx.stem)[0].model_dump(mode="json")["lists"]


def shape(value):
    """The structure with every text blanked: every list, category, item, clause and department, the
    numbers and counts (not the OCR's confidence)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items() if k != "ocr_confidence"}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return "·" if isinstance(value, str) else value


def texts(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from texts(v)
    elif isinstance(value, str):
        yield value


def characters_right(reference: dict, read: dict) -> float:
    """1 - edit distance over every text / the reference's characters."""
    pairs = list(zip(texts(reference), texts(read)))
    return 1 - sum(Levenshtein.distance(a, b) for a, b in pairs) / sum(len(a) for a, _ in pairs)


@pytest.fixture(scope="module")
def qingshi_scan(tmp_path_factory) -> Path:
    return scan(QINGSHI_PDF, tmp_path_factory.mktemp("scan") / "qingshi-2026-03.pdf", dpi=200, angle=0.4)


@pytest.fixture(scope="module")
def mixed_scan(tmp_path_factory) -> Path:
    return scan(SONGZHUANG.with_suffix(".pdf"), tmp_path_factory.mktemp("scan") / "songzhuang-2025-07.pdf",
                dpi=200, angle=-0.5, pages=set(MIXED_PAGES), seed=1)


@pytest.fixture(scope="module")
def qingshi_read(qingshi_scan):
    return extract_edition([qingshi_scan], "qingshi-2026-03")


@pytest.fixture(scope="module")
def mixed_read(mixed_scan):
    return extract_edition([mixed_scan], "songzhuang-2025-07")


def test_scanned_edition_has_the_docx_structure(qingshi_read):
    reference = docx_lists(FORMAT_FIXTURES / "qingshi-2026-03.docx")
    read = qingshi_read.edition.model_dump(mode="json")["lists"]
    assert shape(read) == shape(reference)
    counts = {k: v.extracted_total for k, v in qingshi_read.info.lists.items()}
    assert counts == {"basic": 3, "coordinated": 2, "reclaimed": 2}  # as its preface declares
    assert characters_right(reference, read) >= 0.99


def test_edition_json_says_how_it_was_read(qingshi_read):
    (source,) = qingshi_read.info.sources
    assert source.format == "pdf" and source.pages == 2
    assert source.ocr.engine == "RapidOCR" and source.ocr.version.startswith("1.")
    assert source.ocr.dpi == 150 and source.ocr.pages == [1, 2]
    items = [i for duty_list in qingshi_read.edition.lists.values() for c in duty_list.categories for i in c.items]
    assert all(0 < i.ocr_confidence <= 1 for i in items)
    warned = {(w.list, w.seq) for w in qingshi_read.info.warnings if w.code == "ocr_low_confidence"}
    below = {(k, i.seq) for k, duty_list in qingshi_read.edition.lists.items() for c in duty_list.categories
             for i in c.items if i.ocr_confidence < source.ocr.proofread_below}
    assert warned == below


def test_mixed_pdf_reads_scanned_pages_by_ocr(mixed_read):
    (source,) = mixed_read.info.sources
    assert source.ocr.pages == list(MIXED_PAGES)
    counts = {k: v.extracted_total for k, v in mixed_read.info.lists.items()}
    assert counts == {"basic": 119, "coordinated": 69, "reclaimed": 126}  # as the document's preface declares
    reference = docx_lists(SONGZHUANG.with_suffix(".docx"))
    read = mixed_read.edition.model_dump(mode="json")["lists"]
    assert shape(read) == shape(reference)
    assert characters_right(reference, read) >= 0.999  # 3 pages of 50 read by OCR
    # items of text pages carry no confidence; those of scanned pages do: basic 17-35 are on page 5
    basic = items_by_seq(mixed_read.edition, "basic")
    assert basic[1].ocr_confidence is None and basic[119].ocr_confidence is None
    assert all(basic[seq].ocr_confidence is not None for seq in range(17, 36))
    on_page_5 = [i["text"] for c in reference["basic"]["categories"] for i in c["items"] if 17 <= i["seq"] <= 35]
    assert characters_right(on_page_5, [basic[seq].text for seq in range(17, 36)]) >= 0.99


def test_page_images_are_one_edition(qingshi_scan, tmp_path):
    """The same scan as one picture per page (`<edition>.<page>.png`, given in any order) and as a
    multi-page TIFF: the records of the scanned PDF."""
    from pipeline.extract.ocr import render

    names = []
    for number in (2, 1):
        gray, _, _ = render(qingshi_scan, number, 200)
        path = tmp_path / f"qingshi-2026-03.{number}.png"
        Image.fromarray(gray).save(path, dpi=(200, 200))
        names.append(path)
    frames = [Image.open(p) for p in sorted(names)]
    tiff = tmp_path / "tiff" / "qingshi-2026-03.tif"
    tiff.parent.mkdir()
    frames[0].save(tiff, save_all=True, append_images=frames[1:], dpi=(200, 200), compression="tiff_lzw")
    out = tmp_path / "out"
    assert main(["extract", *map(str, names), "--out", str(out)]) == 0
    info = json.loads((out / "edition.json").read_text(encoding="utf-8"))
    assert info["edition_id"] == "qingshi-2026-03"
    assert [s["file"] for s in info["sources"]] == ["qingshi-2026-03.1.png", "qingshi-2026-03.2.png"]
    assert info["sources"][0]["ocr"]["pages"] == [1, 2]
    reference = docx_lists(FORMAT_FIXTURES / "qingshi-2026-03.docx")
    for read in (json.loads((out / "duties.json").read_text(encoding="utf-8"))["lists"],
                 build_edition(extract(tiff), "qingshi-2026-03")[0].model_dump(mode="json")["lists"]):
        assert shape(read) == shape(reference)
        assert characters_right(reference, read) >= 0.99


def test_pages_in_parallel_read_the_same(qingshi_scan, qingshi_read):
    with ocr_with(OcrSettings(jobs=2)):
        again = extract_edition([qingshi_scan], "qingshi-2026-03")
    assert again.edition == qingshi_read.edition


def test_damaged_page_image_is_named(tmp_path, capsys):
    good = tmp_path / "x.1.png"
    Image.new("L", (100, 140), 255).save(good)
    bad = tmp_path / "x.2.png"
    bad.write_bytes(good.read_bytes()[:60])  # the picture's data cut off
    assert main(["extract", str(good), str(bad), "--out", str(tmp_path / "out")]) == EXIT_INPUT
    err = capsys.readouterr().err.strip()
    assert err.startswith("error[image_unreadable]: x.2.png, page 2:") and "\n" not in err
    assert not (tmp_path / "out").exists()


def test_unreadable_scan_fails_naming_the_page(tmp_path):
    """A scan whose table cannot be read whole (here: page 2's item numbers scratched out, so its items
    run into one) fails validation with the place named, never with silently different data."""
    import io

    import pypdfium2 as pdfium
    from PIL import ImageDraw
    from pypdf import PdfReader, PdfWriter

    pdf = pdfium.PdfDocument(QINGSHI_PDF)
    page = pdf[1].render(scale=200 / 72, grayscale=True).to_pil().convert("L")
    pdf.close()
    ImageDraw.Draw(page).rectangle((0, 0, 300, page.height), fill=255)  # the 序号 column, blank
    scratched = io.BytesIO()
    page.save(scratched, "PDF", resolution=200)
    writer = PdfWriter()
    writer.add_page(PdfReader(scan(QINGSHI_PDF, tmp_path / "scan.pdf")).pages[0])
    writer.add_page(PdfReader(scratched).pages[0])
    path = tmp_path / "scratched.pdf"
    with path.open("wb") as f:
        writer.write(f)
    with pytest.raises(InputError) as caught:
        build_edition(extract(path), "scratched")
    assert caught.value.code == "category_count" and caught.value.where.startswith("page ")


def test_a_build_reads_a_scanned_edition_as_one_task(qingshi_scan, tmp_path):
    """In a corpus build a scan is one edition like any other (one task, here in a worker process):
    its page images in the input tree are one edition, named by the stem without the page number."""
    from pipeline.build import build_all
    from pipeline.extract.ocr import render

    raw = tmp_path / "raw" / "某省" / "某市"
    raw.mkdir(parents=True)
    for number in (1, 2):
        gray, _, _ = render(qingshi_scan, number, 200)
        Image.fromarray(gray).save(raw / f"青石镇-2026-03.{number}.jpg", dpi=(200, 200), quality=85)
    out = tmp_path / "out"
    assert build_all(tmp_path / "raw", out, jobs=2) == ["某省-某市-青石镇-2026-03"]
    info = json.loads((out / "某省-某市-青石镇-2026-03" / "edition.json").read_text(encoding="utf-8"))
    assert {k: v["extracted_total"] for k, v in info["lists"].items()} == {"basic": 3, "coordinated": 2, "reclaimed": 2}
    assert [s["format"] for s in info["sources"]] == ["image", "image"]
