"""DOCX extractor: merged cells, Word automatic numbering, header rows."""

from __future__ import annotations

import docx
import pytest

from builders import write_docx
from helpers import EDITION_ID, RAW
from pipeline.errors import InputError
from pipeline.extract import extract


@pytest.fixture(scope="module")
def published():
    return extract(RAW / f"{EDITION_ID}.docx")


def test_front_matter_is_the_paragraphs_before_the_tables(published):
    assert published.front_matter[:3] == ["河南省洛阳市孟津区送庄镇", "履行职责事项清单", "2025年7月"]
    assert any("共 9 个类别 119 项" in p for p in published.front_matter)


def test_merged_category_row_appears_once(published):
    basic = published.tables[0]
    assert basic.header == ("序号", "事项名称")
    assert basic.rows[1].cells == ("一、党的建设（29项）",)  # python-docx alone repeats it per column


def test_word_numbering_is_rendered_as_text(published):
    coordinated = published.tables[1]
    row = next(r for r in coordinated.rows if r.cells[0] == "62")
    township = row.cells[4].split("\n")
    assert [line[:2] for line in township] == ["1.", "2.", "3.", "4.", "5.", "6."]
    assert township[0] == "1.组建乡镇抢险救援力量，组织开展日常演练，做好人防、物防、技防等准备工作；"
    # a new list (another numId) restarts at 1 for the next department
    duties = row.cells[3].split("\n")
    assert duties[0] == "区应急管理局：" and duties[1].startswith("1.负责全区")
    assert duties[5] == "市自然资源和规划局孟津分局：" and duties[6].startswith("1.对地质灾害")


def test_style_numbering_and_vertical_merges(tmp_path):
    path = write_docx(tmp_path / "t.docx")
    document = docx.Document(str(path))
    table = document.tables[1]
    cell = table.rows[3].cells[4]
    cell.paragraphs[0].text = "配合做好甲；"
    cell.paragraphs[0].style = document.styles["List Number"]
    p = cell.add_paragraph("配合做好乙。", style="List Number")
    table.rows[2].cells[2].merge(table.rows[3].cells[2])  # a vertically merged department cell
    document.save(path)
    doc = extract(path)
    rows = doc.tables[1].rows
    assert rows[3].cells[4].split("\n") == ["1.配合做好甲；", "2.配合做好乙。"]
    assert rows[3].cells[2] == ""  # the continuation of a vertical merge carries no text
    assert p.text == "配合做好乙。"  # the number is not in the paragraph text itself


@pytest.mark.parametrize(
    "content, message",
    [
        pytest.param(b"PK\x03\x04 truncated", "not a readable DOCX", id="truncated-zip"),
        pytest.param(b"plain text, not a zip", "not a readable DOCX", id="not-a-zip"),
    ],
)
def test_bad_docx(tmp_path, content, message):
    path = tmp_path / "bad.docx"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        extract(path)
    assert "bad.docx" in str(err.value)
