"""Web pages: the raw contract on small pages written here, the bad pages, and the committed fixtures.

Every page in this file is test data (测试数据). Expected values are the texts written into the pages,
never the extractor's output. The fixtures (tests/fixtures/formats/make_html.py) must give exactly the
records of the DOCX they were rendered from.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from helpers import FORMAT_FIXTURES
from pipeline.errors import InputError
from pipeline.extract import extract



HEADER = "<tr><td>序号</td><td>事项名称</td></tr>"
COORDINATED = ("<tr><th>序号</th><th>事项名称</th><th>对应上级部门</th><th>上级部门职责</th>"
               "<th>乡镇（街道）配合职责</th></tr>")


def page(tmp_path: Path, body: str, *, head: str = '<meta charset="utf-8">', encoding: str = "utf-8",
         name: str = "p.html", prefix: bytes = b"") -> Path:
    path = tmp_path / name
    path.write_bytes(prefix + f"<!DOCTYPE html><html><head>{head}<title>测试数据</title></head>"
                     f"<body>{body}</body></html>".encode(encoding))
    return path


def one_table(tmp_path: Path, rows: str, header: str = HEADER) -> list[tuple[str, ...]]:
    """The cells of the page's one list table, from its header row on."""
    doc = extract(page(tmp_path, f"<p>封面</p><table>{header}{rows}</table>"))
    assert len(doc.tables) == 1
    return [row.cells for row in doc.tables[0].rows]


def raises(path: Path, code: str) -> str:
    with pytest.raises(InputError) as err:
        extract(path)
    assert err.value.code == code, err.value
    assert "\n" not in str(err.value)
    return str(err.value)


# --- the grid ---------------------------------------------------------------------------------------------


def test_a_cell_merged_down_leaves_an_empty_cell_in_its_column_below(tmp_path):
    rows = one_table(tmp_path, "<tr><td>1</td><td>兵役工作</td><td rowspan='2'>区人民武装部</td><td>甲</td><td>乙</td></tr>"
                               "<tr><td>2</td><td>征兵宣传</td><td>丙</td><td>丁</td></tr>", header=COORDINATED)
    assert rows[1:] == [("1", "兵役工作", "区人民武装部", "甲", "乙"), ("2", "征兵宣传", "", "丙", "丁")]


def test_a_cell_merged_across_appears_once(tmp_path):
    rows = one_table(tmp_path, "<tr><td colspan='2'>一、党的建设（1项）</td></tr><tr><td>1</td><td>加强党建。</td></tr>")
    assert rows[1:] == [("一、党的建设（1项）",), ("1", "加强党建。")]


def test_merged_cells_in_the_first_and_last_columns_and_both_ways(tmp_path):
    rows = one_table(tmp_path, "<tr><td rowspan='3'>一</td><td>1</td><td colspan='2' rowspan='2'>宽</td>"
                               "<td rowspan='0'>尾</td></tr>"
                               "<tr><td>2</td></tr>"
                               "<tr><td>3</td><td>x</td><td>y</td></tr>",
                     header="<tr><td>类别</td><td>序号</td><td>事项名称</td><td>备注</td><td>说明</td></tr>")
    assert rows[1:] == [("一", "1", "宽", "尾"), ("", "2", "", ""), ("", "3", "x", "y", "")]


def test_rows_of_thead_tbody_and_tfoot_in_the_order_shown_and_hidden_rows_left_out(tmp_path):
    rows = one_table(tmp_path, "<tfoot><tr><td>3</td><td>脚</td></tr></tfoot>"
                               "<tbody><tr><td>1</td><td>甲</td></tr><tr style='display: none'><td>9</td><td>藏</td></tr>"
                               "<tr><td>2</td><td>乙</td></tr></tbody>",
                     header=f"<thead>{HEADER}</thead>")
    assert rows == [("序号", "事项名称"), ("1", "甲"), ("2", "乙"), ("3", "脚")]


def test_title_rows_above_the_header_are_left_out_and_rows_keep_their_numbers(tmp_path):
    doc = extract(page(tmp_path, "<p>封面</p><table><tr><td colspan='2'>基本履职事项清单</td></tr>"
                                 f"{HEADER}<tr><td>1</td><td>甲</td></tr></table>"))
    table = doc.tables[0]
    assert (table.where, table.header) == ("table 1", ("序号", "事项名称"))
    assert [(r.where, r.cells) for r in table.rows] == [("table 1 row 2", ("序号", "事项名称")),
                                                        ("table 1 row 3", ("1", "甲"))]


# --- cell text ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell, text", [
    ("区人民政府办公室<br>市公安局孟津分局", "区人民政府办公室\n市公安局孟津分局"),
    ("<p>做好防范工作。</p>\n   <p>开展宣传。</p>", "做好防范工作。\n开展宣传。"),
    ("<div>甲</div><div><div>乙</div></div>丙", "甲\n乙\n丙"),
    ("\n   发布征兵\n   公告  ，  下达计划   \n", "发布征兵 公告 ， 下达计划"),
    ("区\u00a0\u00a0民政局\u3000", "区\u00a0\u00a0民政局\u3000"),
    ("甲<br><br>乙<br>", "甲\n\n乙"),
    ("<b>加强</b><span>党的</span>建设", "加强党的建设"),
    ("甲<script>document.write('乙')</script><style>td{}</style><!-- 注释 -->丙<span hidden>藏</span>",
     "甲丙"),
    ("<ol><li>配合宣传；</li><li>上报线索。</li></ol>", "1.配合宣传；\n2.上报线索。"),
    ("<ol start='3'><li>甲</li><li value='7'>乙</li><li>丙</li></ol>", "3.甲\n7.乙\n8.丙"),
    ("<ol style='list-style-type: none'><li>1.甲</li><li>2.乙</li></ol>", "1.甲\n2.乙"),
    ("<ol style='list-style: none inside'><li>甲</li></ol>", "甲"),
    ("<ol><li style='list-style-type:none'>甲</li><li>乙</li></ol>", "甲\n2.乙"),
    ("<ol type='a'><li>甲</li><li>乙</li></ol>", "a.甲\nb.乙"),
    ("<ol reversed><li>甲</li><li>乙</li></ol>", "2.甲\n1.乙"),
    ("<ol><li><p>甲</p><ul><li>子</li></ul></li><li>乙</li></ol>", "1.甲\n子\n2.乙"),
    ("<ul><li>甲</li><li>乙</li></ul>", "甲\n乙"),
    ("<pre>甲\n乙</pre>", "甲\n乙"),
])
def test_cell_text_is_what_the_browser_shows(tmp_path, cell, text):
    assert one_table(tmp_path, f"<tr><td>1</td><td>{cell}</td></tr>")[1] == ("1", text)


def test_a_header_split_over_lines_is_recognised(tmp_path):
    assert one_table(tmp_path, "", header="<tr><th><p>序</p><p>号</p></th><th>事项<br>名称</th></tr>") == [
        ("序\n号", "事项\n名称")]


# --- finding the list tables ------------------------------------------------------------------------------


def test_lists_inside_a_layout_table_are_the_innermost_tables(tmp_path):
    body = ("<table><tr><td>网站名称</td><td>序号</td></tr></table>"  # a layout table before the article
            "<table id='main'><tr><td><h1>某镇履行职责事项清单</h1>"
            f"<table>{HEADER}<tr><td>1</td><td>甲</td></tr></table>"
            "<p>配合履职事项清单</p>"
            f"<div><table>{COORDINATED}<tr><td>1</td><td>乙</td><td>部门</td><td>职责</td><td>配合</td></tr></table></div>"
            "</td></tr></table>")
    doc = extract(page(tmp_path, body))
    assert [(t.where, t.header[:2], t.rows[-1].cells[1]) for t in doc.tables] == [
        ("table 1", ("序号", "事项名称"), "甲"), ("table 2", ("序号", "事项名称"), "乙")]
    assert doc.front_matter == ["网站名称", "序号", "某镇履行职责事项清单"]


def test_a_table_with_the_header_is_a_list_even_holding_tables(tmp_path):
    doc = extract(page(tmp_path, f"<table>{HEADER}<tr><td>1</td><td>甲<table><tr><td>内</td></tr></table></td></tr>"
                                 "</table>"))
    assert [r.cells for r in doc.tables[0].rows] == [("序号", "事项名称"), ("1", "甲\n内")]


# --- front matter -----------------------------------------------------------------------------------------

ARTICLE = """
<header><div class="logo">某镇人民政府</div></header>
<div class="nav"><ul><li><a>2024年12月工作动态</a></li><li><a>权责清单</a></li></ul></div>
<div id="topmenu"><a>履行职责事项清单</a></div>
<div class="breadcrumb">当前位置：首页 &gt; 清单</div>
<div class="position-crumbs">首页</div>
<aside>相关清单</aside>
<script>document.write("2023年1月")</script><noscript>请开启脚本</noscript>
<form action="/s"><input name="q"><button>搜索</button><select><option>2022年5月</option></select></form>
<iframe src="/ad.html">广告</iframe>
<article>
  <header><h1>某省某市某区测试镇履行职责事项清单</h1></header>
  <div class="info">发布时间：2025-07-15 来源：测试镇</div>
  <p>测试数据</p>
  <div>某省某市某区测试镇<p>履行职责事项清单</p>2026年3月</div>
  <p>说 明</p>
  <p>测试镇基本履职事项清单
     包括党的建设共 1 个类别 1 项。</p>
  <table>{table}</table>
  <p>配合履职事项清单</p>
  <footer>责任编辑：某某</footer>
</article>
<div class="footer">版权所有 2025年7月</div>
"""


def test_front_matter_is_the_article_before_the_first_list_without_page_furniture(tmp_path):
    doc = extract(page(tmp_path, ARTICLE.format(table=f"{HEADER}<tr><td>1</td><td>甲</td></tr>")))
    assert doc.front_matter == ["某省某市某区测试镇履行职责事项清单", "发布时间：2025-07-15 来源：测试镇", "测试数据",
                                "某省某市某区测试镇", "履行职责事项清单", "2026年3月", "说 明",
                                "测试镇基本履职事项清单 包括党的建设共 1 个类别 1 项。"]


@pytest.mark.parametrize("furniture", [
    "<div class='header'><h2>某镇人民政府</h2></div>",
    "<table id='top'><tr><td>某镇人民政府</td></tr></table>",
    "<div class='site-banner'>某镇人民政府</div>",
    "<div class='dqwz location'>当前位置：首页</div>",
    "<ul class='subNav'><li>2024年12月工作动态</li></ul>",
    "<div id='left-sidebar'>权责清单</div>",
    "<footer>版权所有</footer>",
])
def test_page_furniture_is_no_front_matter(tmp_path, furniture):
    body = f"{furniture}<p>标题</p><table>{HEADER}</table>"
    assert extract(page(tmp_path, body)).front_matter == ["标题"]


def test_an_articles_own_header_is_front_matter(tmp_path):
    body = f"<main><div class='header'><h1>标题</h1></div><header>来源</header><table>{HEADER}</table></main>"
    assert extract(page(tmp_path, body)).front_matter == ["标题", "来源"]


def test_a_form_holding_the_whole_page_is_no_furniture(tmp_path):
    """An ASP.NET page: one <form> around the body, the lists inside it."""
    body = f"<form id='form1'><div class='nav'>2024年12月</div><h1>标题</h1><table>{HEADER}</table></form>"
    assert extract(page(tmp_path, body)).front_matter == ["标题"]


def test_a_list_inside_a_furniture_looking_frame_still_has_its_front_matter(tmp_path):
    body = f"<div class='main-nav-wrapper'><p>标题</p><p>说明</p><table>{HEADER}</table></div>"
    assert extract(page(tmp_path, body)).front_matter == ["标题", "说明"]


# --- encodings ----------------------------------------------------------------------------------------------

GBK_BODY = f"<p>某镇履行职责事项清单，张喆</p><table>{HEADER}</table>"  # 喆: in GBK, not in GB2312


@pytest.mark.parametrize("head", [
    '<meta charset="gbk">',
    "<meta charset='GB2312'>",
    '<meta charset=x-gbk>',
    '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
    "<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=\"GBK\"'>",
    '<meta http-equiv="Content-Type" content="text/html; charset=gb18030">',
    "",  # undeclared: not UTF-8, so GB18030
])
def test_gb_pages_decode_as_gb18030_whatever_label_they_declare(tmp_path, head):
    doc = extract(page(tmp_path, GBK_BODY, head=head, encoding="gbk"))
    assert doc.front_matter == ["某镇履行职责事项清单，张喆"]


def test_an_xhtml_page_with_an_xml_declaration(tmp_path):
    path = page(tmp_path, GBK_BODY, head='<meta http-equiv="Content-Type" content="text/html; charset=gbk" />',
                encoding="gbk", prefix=b'<?xml version="1.0" encoding="gbk"?>\n')
    assert extract(path).front_matter == ["某镇履行职责事项清单，张喆"]


def test_a_meta_in_the_body_declares_too(tmp_path):
    doc = extract(page(tmp_path, f'<meta charset="gbk">{GBK_BODY}', head="", encoding="gbk"))
    assert doc.front_matter == ["某镇履行职责事项清单，张喆"]


@pytest.mark.parametrize("bom, encoding", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                                           (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_a_byte_order_mark_wins_over_the_declaration(tmp_path, bom, encoding):
    path = page(tmp_path, GBK_BODY, head='<meta charset="gbk">', encoding=encoding, prefix=bom)
    assert extract(path).front_matter == ["某镇履行职责事项清单，张喆"]


@pytest.mark.parametrize("label", ["klingon", "base64", ""])
def test_an_unknown_label_is_ignored_as_browsers_ignore_it(tmp_path, label):
    assert extract(page(tmp_path, GBK_BODY, head=f'<meta charset="{label}">')).front_matter == [
        "某镇履行职责事项清单，张喆"]


def test_a_wrong_declaration_names_the_charset_and_the_byte(tmp_path):
    path = page(tmp_path, GBK_BODY, head='<meta charset="utf-8">', encoding="gbk")
    first = path.read_bytes().index("测".encode("gbk"))  # the <title>'s first character, B2 E2: B2 starts no UTF-8
    message = raises(path, "html_unreadable")
    assert f"declares charset=utf-8, which does not decode byte {first} (0xB2)" in message
    assert "decode as GB18030" in message


def test_gb2312_declared_and_bytes_that_no_gb_charset_decodes(tmp_path):
    path = page(tmp_path, "<p>a</p>", head='<meta charset="gb2312">')
    path.write_bytes(path.read_bytes() + b"\x81\x20")
    assert f"charset=gb2312, which does not decode byte {path.stat().st_size - 2} (0x81)" in raises(
        path, "html_unreadable")


def test_undeclared_bytes_neither_utf8_nor_gb18030(tmp_path):
    (tmp_path / "p.html").write_bytes(b"<html><body>\x81\x20\xff</body></html>")
    assert "no charset declared, and the bytes are neither UTF-8 nor GB18030" in raises(tmp_path / "p.html",
                                                                                         "html_unreadable")


def test_binary_data_is_no_web_page(tmp_path):
    (tmp_path / "p.html").write_bytes(b"PK\x03\x04\x14\x00\x00\x00<table>")
    assert "binary data" in raises(tmp_path / "p.html", "html_unreadable")


def test_a_page_of_only_whitespace(tmp_path):
    (tmp_path / "p.html").write_bytes(b" \n\t ")
    assert "no document" in raises(tmp_path / "p.html", "html_unreadable")


def test_a_page_without_tables(tmp_path):
    message = raises(page(tmp_path, "<p>某镇履行职责事项清单</p>"), "no_table")
    assert message.endswith("no duty-list table (a <table> whose header row starts 序号 | 事项名称 …) on the page; "
                            "no <table> found")


def test_the_size_limit_is_checked_before_reading(tmp_path):
    from pipeline.limits import inflate_limit_mb
    path = page(tmp_path, "<p>" + "甲" * 400_000 + "</p>")
    with inflate_limit_mb(1):
        assert "web page is 1.1 MiB, past the limit of 1 MiB" in raises(path, "too_large")


# --- the committed files ----------------------------------------------------------------------------------


def test_the_bad_pages():
    assert raises(FORMAT_FIXTURES / "bad" / "no-table.html", "no_table") == (
        "no-table.html: no duty-list table (a <table> whose header row starts 序号 | 事项名称 …) on the page; "
        "1 table found, none with those column titles")
    message = raises(FORMAT_FIXTURES / "bad" / "wrong-charset.html", "html_unreadable")
    assert message.startswith("wrong-charset.html: not a readable web page: it declares charset=utf-8, which does "
                              "not decode byte ")
    assert message.endswith("the bytes decode as GB18030: the declaration is wrong")


def test_the_old_cms_page_declares_gb2312_and_holds_gbk_characters():
    path = FORMAT_FIXTURES / "songzhuang-2025-07-gb2312.htm"
    assert b"charset=gb2312" in path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("gb2312")
    info = extract(path).front_matter[1]
    assert "作者：王堃" in info and "责任编辑：张喆" in info


def test_the_fixture_pages_front_matter_starts_at_the_article():
    doc = extract(FORMAT_FIXTURES / "qingshi-2026-03.html")
    assert doc.front_matter[:4] == ["某省某市某县青石镇履行职责事项清单",
                                    "发布时间：2026-03-20\u00a0\u00a0来源：青石镇党政办（虚构）\u00a0\u00a0浏览次数：0",
                                    "测试数据：本页由项目测试生成，仿照政府网站的文章页，不是政府网站发布的页面。",
                                    "某省某市某县青石镇"]
