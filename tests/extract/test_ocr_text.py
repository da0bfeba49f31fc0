"""The OCR confusion rules (pipeline/extract/ocr_text.py), one by one: each undoes its confusion where
the OCR makes it, and leaves alone what the document really printed. Cases written by hand."""

from __future__ import annotations

import pytest

from pipeline.extract.ocr import Glyph
from pipeline.extract.ocr_text import clause_ends, dash, dun_hao, full_width, heading_cell, seq_cell, stray_marks, undo_confusions


def _apply(rule, text: str) -> str:
    chars = list(text)
    return "".join(rule(chars, i) for i in range(len(chars)))


@pytest.mark.parametrize("read, meant", [
    ("教育丶管理", "教育、管理"),  # between Chinese characters
    ("党务丶村务丶财务", "党务、村务、财务"),
    ("村（社区）丶", "村（社区）、"),  # after CJK punctuation, at the line's end
    ("丶", "丶"),  # alone: nothing says it is a comma
    ("A丶B", "A丶B"),  # between Latin letters
    ("生产～收购", "生产、收购"),
    ("指导~服务", "指导、服务"),
    ("3～5人", "3～5人"),  # a range
])
def test_dun_hao(read, meant):
    assert _apply(dun_hao, read) == meant


@pytest.mark.parametrize("read, meant", [
    ("村(居)民委员会", "村（居）民委员会"),
    ("工作方式:由区", "工作方式：由区"),
    ("建设;2.做好", "建设；2.做好"),
    ("宣传,组织", "宣传，组织"),
    ("(1000人以上)", "（1000人以上）"),  # the bracket touches Chinese on one side only: still Chinese text
    ("version (2.0)", "version (2.0)"),  # Latin text keeps its punctuation
    ("12:30", "12:30"),
    ("1,000", "1,000"),
])
def test_full_width(read, meant):
    assert _apply(full_width, read) == meant


@pytest.mark.parametrize("read, meant", [
    ("送庄镇-孟津区", "送庄镇—孟津区"),
    ("说明--内容", "说明——内容"),  # a double dash between Chinese
    ("2025-07", "2025-07"),  # dates and numbers keep the hyphen
    ("- 9 -", "- 9 -"),  # a page number (dropped later by its position)
    ("COVID-19", "COVID-19"),
    ("一11一", "—11—"),  # a page number's dashes read as 一
    ("—11一", "—11—"),
    ("十一1", "十一1"),  # 一 with a Chinese numeral beside it stays
    ("一、党的建设", "一、党的建设"),
    ("第一2", "第一2"),
])
def test_dash(read, meant):
    assert _apply(dash, read) == meant


def test_rules_see_the_line_as_read():
    # each rule looks at the line as the OCR gave it, so one rule's output never feeds another
    assert undo_confusions("党务丶村务(社区);") == "党务、村务（社区）；"
    assert undo_confusions("2025-07:12") == "2025-07:12"


@pytest.mark.parametrize("cell, expected, meant", [
    ("21", 21, "21"),
    (".21", 21, "21"),  # dust before the number
    ("33.", 33, "33"),
    ("3 4·", 34, "34"),
    ("·", 5, ""),  # marks only: the row continues the item above
    ("", 5, ""),
    ("22", 21, "22"),  # another number stays as read: the sequence check reports it
    (".22", 21, ".22"),
    ("一、党的建设（29项）", 1, "一、党的建设（29项）"),  # a heading is not a number with dust
    ("1O", 10, "1O"),  # a letter: not dust
])
def test_seq_cell(cell, expected, meant):
    assert seq_cell(cell, expected) == meant


@pytest.mark.parametrize("cell, expected, meant", [
    ("九综合政务（9项）", 9, "九、综合政务（9项）"),
    ("十一平安法治（12项）", 11, "十一、平安法治（12项）"),
    ("九、综合政务（9项）", 9, "九、综合政务（9项）"),  # already whole
    ("十一~应急管理及消防（6项）", 11, "十一、应急管理及消防（6项）"),
    ("九综合政务（9项）", 8, "九综合政务（9项）"),  # not the next category: left for validation to report
    ("二、经济发展（14项）.", 2, "二、经济发展（14项）"),  # dust after the count
    ("、平安法治（2项）", 1, "一、平安法治（2项）"),  # the number not read: the next category's
    ("、市场监管（3项）", 12, "十二、市场监管（3项）"),
    ("、市场监管（3项）", 10, "十、市场监管（3项）"),
    ("、市场监管", 2, "、市场监管"),  # no count: not a heading
    ("二、经济发展（14项）·", 2, "二、经济发展（14项）"),
    ("一站式服务", 1, "一站式服务"),  # no count: not a heading
    ("三产业深度融合（3项）", 2, "三产业深度融合（3项）"),
])
def test_heading_cell(cell, expected, meant):
    assert heading_cell(cell, expected) == meant


@pytest.mark.parametrize("line, kept", [
    ("·乡镇（街道）配合职责", "乡镇（街道）配合职责"),  # a speck before a column title
    (".,开展", "开展"),
    ("做好群众工作·", "做好群众工作"),
    ("（14项）·", "（14项）"),
    ("1.建立健全", "1.建立健全"),  # a clause number's point: after a digit, not at the start
    (".NET框架", ".NET框架"),  # before a Latin letter
    ("习近平·新时代", "习近平·新时代"),  # inside the line
    ("·", "·"),
])
def test_stray_marks(line, kept):
    drop = stray_marks(list(line))
    assert "".join(c for i, c in enumerate(line) if i not in drop) == kept


@pytest.mark.parametrize("cell, meant", [
    ("1.落实实名制管理，2.及时受理", "1.落实实名制管理；2.及时受理"),
    ("工作方式：1.严格依据，2.组织实施", "工作方式：1.严格依据；2.组织实施"),
    ("区民政局：\n1.甲，2.乙；3.丙，4.丁", "区民政局：\n1.甲；2.乙；3.丙；4.丁"),
    ("区甲局：\n1.甲；2.乙\n区乙局：\n1.丙，2.丁", "区甲局：\n1.甲；2.乙\n区乙局：\n1.丙；2.丁"),  # numbering per department
    ("1.甲，3.乙", "1.甲，3.乙"),  # not the next number: left for the numbering rule to report
    ("做好甲，2.乙", "做好甲，2.乙"),  # no clause begun before it
    ("增长43，2.5倍", "增长43，2.5倍"),  # a decimal
])
def test_clause_ends(cell, meant):
    assert clause_ends(cell) == meant


def test_bar_standing_on_a_rule_is_the_rule():
    """`bar_at_rule` (done by position in ocr.py): | or 丨 read where a vertical rule stands goes; a bar
    away from the rules, or another character on one, stays."""
    from pipeline.extract.ocr import _on_rule
    from pipeline.extract.ocr_image import Grid, Segment

    grid = Grid(horizontal=[], vertical=[Segment(100, 50, 100, 400)])
    bar = dict(top=200, bottom=220, conf=0.9)
    assert _on_rule(Glyph("|", 97, 103, **bar), grid)
    assert _on_rule(Glyph("丨", 95, 104, **bar), grid)
    assert not _on_rule(Glyph("|", 140, 146, **bar), grid)  # in a cell: text
    assert not _on_rule(Glyph("|", 97, 103, top=450, bottom=470, conf=0.9), grid)  # below the rule's end
    assert not _on_rule(Glyph("1", 97, 103, **bar), grid)
