"""Text form: encodings, repeated header lines, list titles."""

from __future__ import annotations

import pytest

from builders import write_text
from helpers import EDITION_ID, RAW
from pipeline.errors import InputError
from pipeline.extract import extract
from pipeline.extract.text import decode


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings_are_detected(tmp_path, encoding):
    path = write_text(tmp_path / "t.txt", encoding=encoding)
    doc = extract(path)
    assert doc.front_matter[0] == "某省某市某区测试镇"
    assert [t.header[:2] for t in doc.tables] == [("序号", "事项名称")] * 3


def test_undecodable_text_is_rejected():
    with pytest.raises(InputError, match="neither UTF-8 nor GB18030"):
        decode(b"\x81\x20\xff\xfe")


def test_binary_is_rejected():
    with pytest.raises(InputError, match="not a text file"):
        decode(b"\x00\x01\x02")


def test_published_text_form_page_breaks_start_new_tables():
    doc = extract(RAW / f"{EDITION_ID}.txt")
    # every `序号…` line is a repeated header (a page break of the PDF)
    headers = sum(1 for line in (RAW / f"{EDITION_ID}.txt").read_text(encoding="utf-8").splitlines() if line.startswith("序号"))
    assert len(doc.tables) == headers
    assert doc.tables[0].rows[0].cells[0] == "一、党的建设（29项）"
    assert doc.tables[0].rows[1].where == "line 23"
