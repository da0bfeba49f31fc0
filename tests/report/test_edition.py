"""The edition report (output/<edition_id>/report.html), opened in headless Chromium.

Expected figures are counted here from the edition's own Parquet and CSV tables and edition.json
(pyarrow, csv), never with the report's functions, and for the published 2025-07 edition also
checked against numbers read off the document (README: 119, 69, 126 items; 党的建设 29; 市公安局孟津分局
named by 15 coordinated items, given 26 clauses, taking over 4 reclaimed items).
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
from lxml import html

from pipeline.report.edition import write_edition_report
from deliver.conftest import FULL, make_edition
from report.browser import external_references, load, page_figures, print_pdf, screenshot
from report.test_page import png_size

LISTS = ("basic", "coordinated", "reclaimed")


def expected_figures(edition_dir: Path) -> dict[tuple[str, str | None], int]:
    info = json.loads((edition_dir / "edition.json").read_text(encoding="utf-8"))
    rows = {key: pq.read_table(edition_dir / f"{key}_duties.parquet").to_pylist() for key in LISTS}
    expected: dict[tuple[str, str | None], int] = {("warnings", None): len(info["warnings"])}
    for key in LISTS:
        expected[(f"{key}.declared_categories", None)] = info["lists"][key]["declared_category_count"]
        expected[(f"{key}.declared_items", None)] = info["lists"][key]["declared_total"]
        expected[(f"{key}.items", None)] = len(rows[key])
        per_category = Counter(r["category_no"] for r in rows[key])
        expected[(f"{key}.categories", None)] = len(per_category)
        expected |= {(f"{key}.category_items", str(no)): n for no, n in per_category.items()}
    with (edition_dir / "categories.csv").open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["declared_count"]:  # an empty cell: no （N项） printed, no figure
                expected[(f"{row['list']}.category_declared", row["category_no"])] = int(row["declared_count"])
    clauses = Counter(r["department"] for r in pq.read_table(edition_dir / "coordinated_department_duties.parquet").to_pylist())
    named = {key: Counter(d for r in rows[key] for d in set(r["departments"])) for key in ("coordinated", "reclaimed")}
    for department in set(clauses) | set(named["coordinated"]) | set(named["reclaimed"]):
        expected[("department.coordinated_items", department)] = named["coordinated"][department]
        expected[("department.reclaimed_items", department)] = named["reclaimed"][department]
        expected[("department.coordinated_department_duties", department)] = clauses[department]
    dispositions = Counter(r["disposition"] for r in rows["reclaimed"])
    expected |= {("reclaimed.disposition", v): dispositions[v] for v in ("transferred", "discontinued")}
    return expected


def test_the_published_edition_report_opens_without_console_errors_and_its_figures_match_the_tables(published):
    page = published / "report.html"
    assert page.is_file(), "pipeline extract writes report.html"
    loaded = load(page)
    assert loaded.console == []
    assert external_references(loaded.dom) == []
    found = page_figures(loaded.dom)
    assert found == expected_figures(published)
    # and against the document itself
    assert [found[(f"{k}.items", None)] for k in LISTS] == [119, 69, 126]
    assert found[("basic.category_items", "1")] == 29 and found[("basic.category_declared", "1")] == 29
    assert [found[(f"department.{c}", "市公安局孟津分局")] for c in ("coordinated_items", "coordinated_department_duties",
                                                              "reclaimed_items")] == [15, 26, 4]
    assert found[("warnings", None)] == 6


def test_the_page_says_what_it_is_about_in_chinese_first(published):
    tree = html.fromstring((published / "report.html").read_text(encoding="utf-8"))
    assert tree.get("lang") == "zh-CN"
    assert tree.findtext(".//h1") == "河南省洛阳市孟津区送庄镇履行职责事项清单"
    meta = tree.xpath("string(//header)")
    assert "2025年7月" in meta and "songzhuang-2025-07.docx" in meta
    assert [h.xpath("string()") for h in tree.xpath("//h2")][:4] == [
        "清单总数Totals", "基本履职事项清单basic duties", "配合履职事项清单coordinated duties", "上级部门收回事项清单reclaimed items"]
    warnings = tree.xpath("//h2[@id='warnings']/following-sibling::table[1]//tr/td[4]")
    assert any("遗体 and 人体器官" in td.text_content() for td in warnings)  # the message, as edition.json has it
    # every department is in the table; the chart draws the heaviest
    table_rows = tree.xpath("//h2[@id='departments']/following-sibling::table[1]/tbody/tr")
    assert len(table_rows) == len(pq.read_table(published / "departments.parquet"))
    assert table_rows[0].xpath("string(td[1])") == "市公安局孟津分局"


def test_screenshot_and_print(published, tmp_path):
    png = tmp_path / "edition.png"
    assert screenshot(published / "report.html", png).console == []
    assert png_size(png) == (1280, 1600) and png.stat().st_size > 30_000  # a page of text and bars, not a blank
    pdf = tmp_path / "edition.pdf"
    assert print_pdf(published / "report.html", pdf).console == []
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        assert len(doc) >= 3
        first = doc[0].get_textpage().get_text_range()
        assert "送庄镇" in first and "119" in first
    finally:
        doc.close()


def test_writing_it_again_gives_the_same_bytes_and_touches_nothing_else(published, tmp_path):
    copy = shutil.copytree(published, tmp_path / published.name)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in copy.iterdir()}
    started = time.perf_counter()
    write_edition_report(copy)
    assert time.perf_counter() - started < 2
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in copy.iterdir()} == before


def test_an_edition_with_extra_columns_undeclared_counts_and_warnings(tmp_path):
    """The deliver tests' fixture edition: extra columns 备注、法律依据; a category without （N项）."""
    edition = make_edition(tmp_path / "output", FULL)
    page = write_edition_report(edition)
    text = page.read_text(encoding="utf-8")
    assert page_figures(text) == expected_figures(edition)
    tree = html.fromstring(text)
    totals = tree.xpath("//h2[@id='totals']/following-sibling::table[1]/tbody/tr")
    assert totals[0].xpath("string(td[8])") == "备注、法律依据"
    reclaimed = tree.xpath("//h2[@id='list-reclaimed']/following-sibling::div[1]/table/tbody/tr[2]")[0]
    assert [td.text_content() for td in reclaimed.xpath("td")] == ["2", "平安法治", "—", "2"]
    assert len(tree.xpath("//h2[@id='warnings']/following-sibling::table[1]/tbody/tr")) == 2
