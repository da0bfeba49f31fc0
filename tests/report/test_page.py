"""The shared page: escaping, bilingual labels, bar charts, figure marks, the skeleton; and the browser
helper itself, which must catch a page's console errors (else every "no console errors" check is void)."""

from __future__ import annotations

import struct

import pytest
from lxml import etree, html

from pipeline.report.page import bar_chart, bilingual, document, esc, figure, heading, month, table, text_width
from report.browser import load, screenshot


def test_escaping_covers_text_and_attributes():
    assert esc('<a href="x">&</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
    assert esc(None) == "" and esc(3) == "3"


def test_labels_put_chinese_first_and_english_smaller():
    assert bilingual("清单 List") == '清单<span class="en" lang="en">List</span>'
    assert bilingual("清单") == "清单"
    assert heading(2, "警告", "Warnings", "w") == '<h2 id="w">警告<span class="en" lang="en">Warnings</span></h2>'
    assert heading(1, "甲 乙") == "<h1>甲 乙</h1>"  # a title with a space is not split
    assert month("2025-07") == "2025年7月" and month(None) == "未注明日期"


def test_a_figure_is_the_number_alone_with_its_name_and_key():
    assert figure(12, "basic.items") == '<span data-figure="basic.items">12</span>'
    assert figure(3, "department.x", '区"局') == '<span data-figure="department.x" data-key="区&quot;局">3</span>'
    assert figure(None, "x") == "—"  # no count, no figure


def test_a_table_escapes_nothing_twice_and_aligns_numbers():
    out = html.fragment_fromstring(table(["类别 Category", "事项 Items"], [["甲&amp;乙", "3"]], numeric={1}, total=["合计", "3"]))
    assert [th.text_content() for th in out.iter("th")] == ["类别Category", "事项Items"]
    assert [td.text_content() for td in out.iter("td")] == ["甲&乙", "3", "合计", "3"]
    assert [td.get("class") for td in out.iter("td")] == [None, "num", None, "num"]


def test_bar_chart_is_svg_with_one_bar_per_value_scaled_to_the_largest():
    svg = bar_chart(["党的建设", "经济发展", "一个很长很长很长很长很长很长很长很长很长很长的类别名称"], [("事项数", [29, 14, 0])], "各类别事项数",
                    label_max=120)
    root = etree.fromstring(svg.encode())  # well-formed XML as well as HTML
    ns = {"s": "http://www.w3.org/2000/svg"}
    bars = root.findall(".//s:rect", ns)
    assert [b.get("class") for b in bars] == ["bar0"] * 3
    widths = [float(b.get("width")) for b in bars]
    assert widths[1] == pytest.approx(widths[0] * 14 / 29, abs=0.1) and widths[2] == 0
    texts = ["".join(t.itertext()) for t in root.findall(".//s:svg/s:text", ns)]
    assert "29" in texts and "14" in texts and "0" in texts  # each value written at its bar
    labels = root.findall(".//s:svg/s:text/s:title", ns)
    assert labels[2].text.endswith("类别名称")  # the full label as a tooltip ...
    shown = labels[2].getparent().xpath("string()").removeprefix(labels[2].text)
    assert shown.endswith("…") and text_width(shown, 13) <= 120  # ... a clipped one drawn


def test_bar_chart_with_series_draws_a_legend_and_grouped_bars():
    svg = bar_chart(["甲", "乙"], [("配合", [3, 1]), ("条款", [5, 2]), ("收回", [0, 4])], "负荷")
    assert svg.count('class="bar0"') == 2 and svg.count('class="bar1"') == 2 and svg.count('class="bar2"') == 2
    assert svg.count('class="swatch') == 3


def test_document_is_self_contained_chinese_first_and_printable():
    page = document("标题", ["<p>正文</p>"], script="var a = 1;", footer="页脚")
    assert page.startswith('<!doctype html>\n<html lang="zh-CN">') and '<meta charset="utf-8">' in page
    assert "@media print" in page and "@page" in page
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no external URL: nothing fetched
    assert "<link" not in page and "src=" not in page and "url(" not in page and "@import" not in page
    print_rules = page.split("@media print")[1]
    assert "position: fixed" not in page and "position: sticky" not in page
    assert "break-inside: avoid" in print_rules and "table-header-group" in print_rules


# ---------------------------------------------------------------- the browser helper


def test_the_browser_reports_a_deliberate_script_error(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text(document("坏页", ["<p id='x'>中文</p>"], script="console.error('故意的错误'); undefinedFunction();"),
                    encoding="utf-8")
    loaded = load(page)
    assert any("故意的错误" in m for m in loaded.console), loaded.console
    assert any("Uncaught ReferenceError: undefinedFunction is not defined" in m for m in loaded.console), loaded.console
    assert '<p id="x">中文</p>' in loaded.dom


def test_a_clean_page_has_an_empty_console_and_its_script_runs(tmp_path):
    page = tmp_path / "clean.html"
    page.write_text(document("好页", ["<p id='x'>旧</p>"], script="document.getElementById('x').textContent = location.hash;"),
                    encoding="utf-8")
    loaded = load(page, "#q=1")
    assert loaded.console == []
    assert '<p id="x">#q=1</p>' in loaded.dom


def png_size(path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (and a check that it is one)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_screenshot_is_a_png_of_the_window(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(document("截图", ["<h1>截图测试</h1>"]), encoding="utf-8")
    png = tmp_path / "p.png"
    assert screenshot(page, png, width=800, height=600).console == []
    assert png_size(png) == (800, 600)
