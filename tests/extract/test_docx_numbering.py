"""Word automatic numbering (pipeline/extract/docx_numbering.py): labels rendered from numbering.xml.

Small DOCX documents are built with python-docx, with list definitions
(abstractNum + num) added to numbering.xml by hand: decimal `%1.`, restart
per numId, startOverride, several levels, Chinese, circled, letter and Roman
formats, bullets, style numbering. Expected labels are written out by hand.
"""

from __future__ import annotations

import re

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from pipeline.errors import InputError
from pipeline.extract import extract
from pipeline.extract.docx_numbering import Numbering, format_number


def add_list(document, num_id: int, levels: list[tuple[str, str]], start: int = 1, override: int | None = None) -> None:
    """Define list `num_id` in numbering.xml: levels [(numFmt, lvlText)], its own abstractNum (id = num_id)."""
    root = document.part.numbering_part.element
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{num_id}">{lvls}</w:abstractNum>')
    first_num = root.find(qn("w:num"))
    if first_num is not None:  # schema order: every abstractNum before the nums
        first_num.addprevious(abstract)
    else:
        root.append(abstract)
    overrides = (
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{override}"/></w:lvlOverride>' if override is not None else ""
    )
    root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/>{overrides}</w:num>'))


def numbered(paragraph, num_id: int, ilvl: int = 0):
    """Give a paragraph Word numbering (numId, ilvl) in its properties."""
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def labels(document) -> list[str]:
    """Every body paragraph's label, in document order (the counters advance as a reader reads)."""
    numbering = Numbering.of(document)
    return [numbering.label(p._p) for p in document.paragraphs]


def test_decimal_list():
    document = docx.Document()
    add_list(document, 101, [("decimal", "%1.")])
    for text in ("甲", "乙", "丙"):
        numbered(document.add_paragraph(text), 101)
    assert labels(document) == ["1.", "2.", "3."]


def test_unnumbered_paragraphs_have_no_label_and_do_not_break_the_count():
    document = docx.Document()
    add_list(document, 101, [("decimal", "%1.")])
    numbered(document.add_paragraph("甲"), 101)
    document.add_paragraph("说明文字")
    numbered(document.add_paragraph("乙"), 101)
    assert labels(document) == ["1.", "", "2."]


def test_each_num_id_counts_on_its_own():
    document = docx.Document()
    add_list(document, 101, [("decimal", "%1.")])
    add_list(document, 102, [("decimal", "%1.")])
    numbered(document.add_paragraph("a"), 101)
    numbered(document.add_paragraph("b"), 101)
    numbered(document.add_paragraph("c"), 102)  # another list starts at 1
    numbered(document.add_paragraph("d"), 101)  # the first one goes on
    numbered(document.add_paragraph("e"), 102)
    assert labels(document) == ["1.", "2.", "1.", "3.", "2."]


def test_start_value_and_start_override():
    document = docx.Document()
    add_list(document, 101, [("decimal", "%1、")], start=3)
    add_list(document, 102, [("decimal", "%1.")], override=5)
    numbered(document.add_paragraph("a"), 101)
    numbered(document.add_paragraph("b"), 101)
    numbered(document.add_paragraph("c"), 102)
    numbered(document.add_paragraph("d"), 102)
    assert labels(document) == ["3、", "4、", "5.", "6."]


def test_levels_restart_below_their_parent():
    document = docx.Document()
    add_list(document, 101, [("chineseCounting", "%1、"), ("decimal", "%2."), ("decimal", "（%3）")])
    for text, ilvl in [("一", 0), ("a", 1), ("b", 1), ("i", 2), ("ii", 2), ("c", 1), ("二", 0), ("a", 1), ("i", 2)]:
        numbered(document.add_paragraph(text), 101, ilvl)
    assert labels(document) == ["一、", "1.", "2.", "（1）", "（2）", "3.", "二、", "1.", "（1）"]


def test_multi_level_text_uses_every_level():
    document = docx.Document()
    add_list(document, 101, [("decimal", "%1."), ("decimal", "%1.%2")])
    for ilvl in (0, 1, 1, 0, 1):
        numbered(document.add_paragraph("x"), 101, ilvl)
    assert labels(document) == ["1.", "1.1", "1.2", "2.", "2.1"]


@pytest.mark.parametrize(
    "fmt, text, expected",
    [
        ("chineseCounting", "（%1）", ["（一）", "（二）", "（三）"]),
        ("decimalEnclosedCircle", "%1", ["①", "②", "③"]),
        ("lowerLetter", "%1)", ["a)", "b)", "c)"]),
        ("upperLetter", "%1.", ["A.", "B.", "C."]),
        ("lowerRoman", "%1.", ["i.", "ii.", "iii."]),
        ("upperRoman", "%1.", ["I.", "II.", "III."]),
        ("decimal", "第%1条", ["第1条", "第2条", "第3条"]),
        ("bullet", "\uf0b7", ["", "", ""]),  # a bullet is no number
        ("none", "", ["", "", ""]),
    ],
)
def test_formats(fmt, text, expected):
    document = docx.Document()
    add_list(document, 101, [(fmt, text)])
    for _ in range(3):
        numbered(document.add_paragraph("x"), 101)
    assert labels(document) == expected


@pytest.mark.parametrize(
    "n, fmt, label",
    [
        (1, "decimal", "1"), (10, "chineseCounting", "十"), (12, "chineseCounting", "十二"),
        (20, "chineseCounting", "二十"), (23, "chineseCountingThousand", "二十三"), (20, "decimalEnclosedCircle", "⑳"),
        (21, "decimalEnclosedCircle", "21"), (27, "lowerLetter", "a"), (4, "lowerRoman", "iv"),
        (9, "upperRoman", "IX"), (14, "upperRoman", "XIV"), (1994, "upperRoman", "MCMXCIV"), (7, "ordinalUnknown", "7"),
    ],
)  # fmt: skip
def test_format_number(n, fmt, label):
    assert format_number(n, fmt) == label


def test_num_id_zero_has_no_label():
    document = docx.Document()
    add_list(document, 101, [("decimal", "%1.")])
    numbered(document.add_paragraph("a"), 0)  # numId 0: numbering switched off
    numbered(document.add_paragraph("c"), 101)
    assert labels(document) == ["", "1."]


@pytest.mark.parametrize(
    "num_id, ilvl, message",
    [
        (999, 0, "list 999 (w:numId), which word/numbering.xml does not define (no w:num)"),
        (101, 3, "list 101 (w:numId) at level 3, which word/numbering.xml does not define (no w:lvl)"),
    ],
)
def test_a_list_or_level_that_is_not_defined_is_an_error(num_id, ilvl, message):
    """Rendering nothing would merge a numbered clause into the one before."""
    document = docx.Document()
    add_list(document, 101, [("decimal", "%1.")])
    numbered(document.add_paragraph("a"), num_id, ilvl)
    with pytest.raises(InputError, match=re.escape(message)) as err:
        labels(document)
    assert err.value.code == "docx_numbering"


def test_style_numbering_and_direct_numbering_override():
    document = docx.Document()
    add_list(document, 101, [("decimal", "%1.")])
    add_list(document, 102, [("decimal", "（%1）")])
    style = document.styles.add_style("DutyClause", 1)  # 1 = paragraph style
    style.element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="101"/></w:numPr>')
    )
    document.add_paragraph("a", style="DutyClause")
    document.add_paragraph("b", style="DutyClause")
    numbered(document.add_paragraph("c", style="DutyClause"), 102)  # the paragraph's own numPr wins
    document.add_paragraph("d", style="DutyClause")
    assert labels(document) == ["1.", "2.", "（1）", "3."]


def test_labels_in_an_extracted_docx(tmp_path):
    """Through the DOCX extractor: a numbered preface paragraph and numbered cell paragraphs."""
    document = docx.Document()
    add_list(document, 101, [("chineseCounting", "%1、")])
    add_list(document, 102, [("decimal", "%1.")])
    add_list(document, 103, [("decimal", "%1.")])
    document.add_paragraph("某镇履行职责事项清单")
    numbered(document.add_paragraph("基本履职事项"), 101)
    numbered(document.add_paragraph("配合履职事项"), 101)
    table = document.add_table(rows=2, cols=3)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text, table.rows[0].cells[2].text = "序号", "事项名称", "乡镇（街道）配合职责"
    cell = table.rows[1].cells[2]
    cell.paragraphs[0].text = "配合宣传；"
    numbered(cell.paragraphs[0], 102)
    numbered(cell.add_paragraph("上报线索。"), 102)
    other = table.rows[1].cells[1]
    other.paragraphs[0].text = "开展巡查"
    numbered(other.paragraphs[0], 103)
    path = tmp_path / "numbered.docx"
    document.save(path)

    doc = extract(path)
    assert doc.front_matter == ["某镇履行职责事项清单", "一、基本履职事项", "二、配合履职事项"]
    assert doc.tables[0].rows[1].cells == ("", "1.开展巡查", "1.配合宣传；\n2.上报线索。")
