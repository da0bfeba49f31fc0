"""PDF extractor: the Songzhuang edition, generated layout variants, bad files (by error code), bugs.

Expected values come from the published document (page images, the DOCX), not
from snapshots of the extractor's output. Cells are compared with the DOCX
after removing all whitespace: line wrapping is the only thing a format may
change.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from builders import HELVETICA, cjk_page_pdf, encrypted_pdf, image_only_pdf, one_page_pdf, pdf_bytes
from helpers import docx_rows
from pipeline import cli
from pipeline.errors import EXIT_INTERNAL, InputError
from pipeline.extract import pdf as pdf_module
from pipeline.extract.pdf import DEFAULT_SETTINGS, PdfSettings, extract
from pipeline.extract.pdf_page import PDF_READERS
from pipeline.extract.raw import RawDocument

ROOT = Path(__file__).resolve().parents[2]
EDITION_PDF = ROOT / "raw" / "songzhuang-2025-07.pdf"
EDITION_DOCX = ROOT / "raw" / "songzhuang-2025-07.docx"
VARIANTS = ROOT / "tests" / "fixtures" / "pdf"

BASIC = ("序号", "事项名称")
COORDINATED = ("序号", "事项名称", "对应上级部门", "上级部门职责", "乡镇（街道）配合职责")
RECALLED = ("序号", "事项名称", "承接部门及工作方式")


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def merged_rows(doc: RawDocument) -> list[tuple[tuple[str, ...], list[list[str]]]]:
    """Tables with continuation rows appended column by column (what the normaliser does)."""
    tables: list[tuple[tuple[str, ...], list[list[str]]]] = []
    for table in doc.tables:
        if not tables or tables[-1][0] != table.header:
            tables.append((table.header, []))
        rows = tables[-1][1]
        for row in table.rows:
            cells = list(row.cells)
            if tuple(squash(c) for c in cells) == tuple(squash(h) for h in table.header):
                continue
            if not cells[0].strip() and rows:
                rows[-1] = [a + "\n" + b if b else a for a, b in zip(rows[-1], cells)]
            else:
                rows.append(cells)
    return tables


def assert_same_cells(pdf_doc: RawDocument, docx_path: Path) -> None:
    expected = docx_rows(docx_path)
    got = merged_rows(pdf_doc)
    assert [h for h, _ in got] == [tuple(t[0]) for t in expected]
    for (header, rows), want in zip(got, expected):
        assert len(rows) == len(want) - 1, header
        for row, want_row in zip(rows, want[1:]):
            want_row = want_row + [""] * (len(header) - len(want_row))
            assert [squash(c) for c in row] == [squash(c) for c in want_row]


def item_numbers(rows: list[list[str]]) -> list[int]:
    return [int(r[0]) for r in rows if r[0].strip().isdigit()]


# --------------------------------------------------------------------------- #
# the published edition


@pytest.fixture(scope="module")
def edition() -> RawDocument:
    return extract(EDITION_PDF)


@pytest.fixture(scope="module")
def edition_tables(edition):
    return dict(merged_rows(edition))


def test_pages_and_headers(edition):
    assert edition.format == "pdf"
    assert edition.pages == 50
    assert [h for h, _ in merged_rows(edition)] == [BASIC, COORDINATED, RECALLED]
    assert edition.tables[0].where == "page 4"


@pytest.mark.parametrize("header, count", [(BASIC, 119), (COORDINATED, 69), (RECALLED, 126)])
def test_item_numbers_in_order(edition_tables, header, count):
    assert item_numbers(edition_tables[header]) == list(range(1, count + 1))


def test_category_rows(edition_tables):
    firsts = [r[0] for r in edition_tables[BASIC] if not r[0].isdigit()]
    assert len(firsts) == 9
    assert squash(firsts[0]) == "一、党的建设（29项）"
    assert squash(firsts[-1]) == "九、综合政务（9项）"
    assert len([r for r in edition_tables[COORDINATED] if not r[0].isdigit()]) == 12
    assert len([r for r in edition_tables[RECALLED] if not r[0].isdigit()]) == 6


def test_department_cut_across_page(edition_tables):
    row = next(r for r in edition_tables[COORDINATED] if r[0] == "9")
    assert squash(row[2]) == "区人民政府办公室市公安局孟津分局"
    assert squash(row[3]).endswith("做好非法集资、传销刑事案件打击工作。")


def test_auto_numbered_list_is_rendered(edition_tables):
    township = next(r for r in edition_tables[COORDINATED] if r[0] == "62")[4]
    assert township.startswith("1.")
    assert re.findall(r"(?:^|\n)(\d)\.", township) == ["1", "2", "3", "4", "5", "6"]


def test_wrapped_department_name(edition_tables):
    # printed on three lines 区发展和 / 改革委员 / 会: the first two are full, the column's width broke them
    row = next(r for r in edition_tables[COORDINATED] if r[0] == "6")
    assert row[2] == "区发展和\u2028改革委员\u2028会"


def test_a_paragraph_end_is_a_line_break_not_a_wrap(edition_tables):
    # item 12: 区委政法 / 委 / 市公安局 / 孟津分局: 委 ends its line short of the column's width
    row = next(r for r in edition_tables[COORDINATED] if r[0] == "12")
    assert row[2] == "区委政法\u2028委\n市公安局\u2028孟津分局"


def test_spaces_only_where_published(edition_tables, edition):
    basic = {r[0]: r[1] for r in edition_tables[BASIC]}
    coordinated = {r[0]: r for r in edition_tables[COORDINATED]}
    assert "遗体 and 人体器官" in coordinated["32"][3].replace("\n", "")
    # the 1/4-em gap LibreOffice puts between digits and Chinese is not a space
    assert "（1000人以上" in coordinated["10"][3]
    assert "  " not in "".join(basic.values())
    preface = "\n".join(edition.front_matter)
    assert "全镇辖 17 个行政村（社区）" in preface


def test_front_matter(edition):
    front = edition.front_matter
    assert front[:3] == ["河南省洛阳市孟津区送庄镇", "履行职责事项清单", "2025年7月"]
    preface = [p for p in front if "共 9 个类别 119 项" in p]
    assert len(preface) == 1 and preface[0].startswith("送庄镇基本履职事项清单包括")
    assert "共 12 个类别 69 项" in preface[0] and "共 6 个类别 126 项" in preface[0]
    assert any(p.startswith("1. 基本履职事项清单") for p in front)
    assert not any(re.fullmatch(r"[—\s\d]+", p) for p in front)  # no page footers


def test_no_footer_in_cells(edition):
    for table in edition.tables:
        for row in table.rows:
            assert not any("—" in c and re.search(r"—\s*\d+\s*—", c) for c in row.cells), row.where


def test_rows_located_by_page(edition):
    assert all(re.fullmatch(r"page \d+", r.where) for t in edition.tables for r in t.rows)
    last = edition.tables[-1].rows[-1]
    assert last.where == "page 50" and last.cells[0] == "126"


def test_cells_equal_docx(edition):
    assert_same_cells(edition, EDITION_DOCX)


# --------------------------------------------------------------------------- #
# layout variants generated by tests/fixtures/pdf/make_variants.py


@pytest.mark.parametrize(
    "name",
    ["landscape", "no_header_repeat", "category_in_cell", "no_inner_vertical", "font_widths", "no_rules"],
)
def test_layout_variant_matches_its_docx(name):
    doc = extract(VARIANTS / f"{name}.pdf")
    assert doc.pages and doc.pages >= 2  # every variant breaks the table across pages
    assert_same_cells(doc, VARIANTS / f"{name}.docx")


def test_variant_continuation_rows_have_empty_number():
    doc = extract(VARIANTS / "landscape.pdf")
    pages = {r.where for t in doc.tables for r in t.rows}
    assert len(pages) >= 2
    continuations = [r for t in doc.tables for r in t.rows if not r.cells[0].strip()]
    assert continuations and all(r.where != "page 1" for r in continuations)


# --------------------------------------------------------------------------- #
# bad input


def _raises(path: Path, code: str, match: str) -> InputError:
    with pytest.raises(InputError, match=match) as info:
        extract(path)
    err = info.value
    assert err.code == code
    assert err.file == path.name
    assert "\n" not in str(err)
    return err




def test_not_a_pdf(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_text("这不是 PDF 文件\n", encoding="utf-8")
    _raises(path, "pdf_not_pdf", "not a PDF file")


def test_truncated_pdf(tmp_path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(EDITION_PDF.read_bytes()[:3000])
    _raises(path, "pdf_truncated", "PDF is truncated")


def test_corrupt_pdf(tmp_path):
    # header and end marker present, nothing readable between them
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not a PDF body at all\n%%EOF\n")
    _raises(path, "pdf_corrupt", "not a readable PDF")


def test_corrupt_page_tree(tmp_path):
    # pdfplumber fails on the page list, and again when closing the file:
    # the first failure is the one reported
    path = tmp_path / "badbox.pdf"
    path.write_bytes(pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 (a) 842] /Resources << >> >>",
    ]))
    _raises(path, "pdf_corrupt", "Bounding box")


def test_unreadable_page_is_named(tmp_path):
    # a Type0 font whose descendant fonts are not an array: pdfminer fails
    # while parsing the page's content, which is the PDF's fault
    path = tmp_path / "badfont.pdf"
    font = b"<< /Type /Font /Subtype /Type0 /BaseFont /X /DescendantFonts 7 >>"
    path.write_bytes(one_page_pdf(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET", b"<< /Font << /F1 5 0 R >> >>", [font]))
    err = _raises(path, "pdf_page_unreadable", "cannot read page")
    assert err.where == "page 1"


def test_encrypted_pdf(tmp_path):
    # Standard security handler, revision 2 (RC4 40-bit) with a non-empty user
    # password: the O/U entries need not be valid, pdfminer rejects the empty password.
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted_pdf())
    _raises(path, "pdf_encrypted", "encrypted")


def test_scan_without_any_text(tmp_path):
    # a page of grey: the OCR reads it and finds nothing
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_only_pdf())
    err = _raises(path, "no_text_layer", "the OCR read no text")
    assert err.where == "page 1"


def test_pdf_without_duty_table(tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(one_page_pdf(b"BT /F1 12 Tf 72 700 Td (Just a letter, no table) Tj ET", b"<< /Font << /F1 5 0 R >> >>", [HELVETICA]))
    _raises(path, "no_table", "no duty-list table")


def test_a_header_that_opens_no_list_is_named_with_what_was_expected(tmp_path):
    # 测试数据: a row 序号 | 名称 | 部门 (名称 is no spelling of 事项名称) and one item under it
    path = tmp_path / "not-a-list.pdf"
    path.write_bytes(cjk_page_pdf([(72, 700, "某镇履行职责事项清单"), (72, 650, "序号"), (150, 650, "名称"),
                                   (250, 650, "部门"), (72, 620, "1"), (150, 620, "加强党的建设")]))
    for reader in PDF_READERS:
        with pytest.raises(InputError) as info:
            extract(path, reader=reader)
        err = info.value
        assert (err.code, err.where) == ("no_table", "page 1")
        assert "no header row of 序号 then 事项名称 (or 履职事项名称、" in err.message
        assert err.message.endswith("page 1 has a row starting 序号 that reads 序号 | 名称 | 部门")


def test_empty_page_list(tmp_path):
    path = tmp_path / "nopages.pdf"
    path.write_bytes(pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    _raises(path, "pdf_no_pages", "no pages")


# --------------------------------------------------------------------------- #
# bugs are not bad input


def _index_error(*args, **kwargs):
    raise IndexError("list index out of range (planted)")


def test_bug_in_geometry_propagates(monkeypatch):
    monkeypatch.setattr(pdf_module, "row_bands", _index_error)
    with pytest.raises(IndexError, match="planted"):
        extract(VARIANTS / "no_rules.pdf")


def test_bug_in_geometry_is_internal_error_on_the_command_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(pdf_module, "row_bands", _index_error)
    path = tmp_path / "variant-2025-07.pdf"
    shutil.copy(VARIANTS / "no_rules.pdf", path)
    status = cli.main(["extract", str(path), "--out", str(tmp_path / "out")])
    assert status == EXIT_INTERNAL == 3
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: internal: IndexError")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- #
# a 类别 cell broken by a page end (`split_start`), rows by hand: (top, bottom) in pt


def test_a_category_cell_going_on_starts_at_the_row_whose_top_its_text_starts_at():
    rows = [(73.0, 93.0), (93.0, 215.0), (215.0, 319.0), (319.0, 369.0)]
    assert pdf_module.split_start(rows, (218.4, 246.0), after=-1, reach=6.0) == 2  # 3.4 pt under row 2's top
    assert pdf_module.split_start(rows, (230.0, 258.0), after=-1, reach=6.0) is None  # 15 pt under it: centred
    assert pdf_module.split_start(rows, (218.4, 246.0), after=2, reach=6.0) is None  # the category before starts there


# --------------------------------------------------------------------------- #
# settings


def test_settings_are_frozen_and_passed_through():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_SETTINGS.line_slack = 1.0  # type: ignore[misc]
    assert extract(VARIANTS / "no_rules.pdf", DEFAULT_SETTINGS).tables
    # 号 never "on 序's line": no header row, so no table
    with pytest.raises(InputError) as info:
        extract(VARIANTS / "no_rules.pdf", PdfSettings(title_same_line=-1.0))
    assert info.value.code == "no_table"
