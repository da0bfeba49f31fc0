"""Rule 3: numbered clauses become rows."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalise.clauses import ClauseNumberError, split_clauses
from pipeline.normalise.text import clean_with_breaks, strip_markup


def clauses(raw: str) -> list[str]:
    return split_clauses(clean_with_breaks(strip_markup(raw)))


@pytest.mark.parametrize(
    "raw, expected",
    [
        pytest.param("1.发布征兵公告，下达年度征兵计划； 2.承担政审走访工作； 3.做好跟踪服务。",
                     ["发布征兵公告，下达年度征兵计划", "承担政审走访工作", "做好跟踪服务"], id="text-form"),
        pytest.param("1.发布公告；\n2.承担工作。", ["发布公告", "承担工作"], id="docx-paragraphs"),
        pytest.param("负责企业申报材料初审、备案。", ["负责企业申报材料初审、备案"], id="unnumbered-is-one-clause"),
        pytest.param("1.开展排查；并按照方案实施；\n2.做好值守。", ["开展排查；并按照方案实施", "做好值守"],
                     id="semicolon-without-number-stays"),
        pytest.param("1.总面积43.3平方公里；2.日光温室4000余座。", ["总面积43.3平方公里", "日光温室4000余座"],
                     id="decimals-are-not-numbers"),
        pytest.param("1.（1000人以上、5000人以下）申请；\n2.制定预案", ["（1000人以上、5000人以下）申请", "制定预案"],
                     id="numbers-inside-text"),
        pytest.param("1、甲；2、乙", ["甲", "乙"], id="ideographic-comma-numbers"),
        pytest.param("1.甲\n2.乙", ["甲", "乙"], id="no-punctuation-between-paragraphs"),
        pytest.param("做好甲，2.乙", ["做好甲，2.乙"], id="not-starting-at-1-is-text"),
        pytest.param("", [], id="empty"),
    ],
)
def test_split_clauses(raw, expected):
    assert clauses(raw) == expected


def test_numbering_gap_is_an_error():
    with pytest.raises(ClauseNumberError, match="clause 3 expected"):
        clauses("1.甲；2.乙；4.丁。")


_clause = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=12)


@given(st.lists(_clause, min_size=1, max_size=12), st.sampled_from(["； ", "；\n", "。\n", "；"]), st.sampled_from([".", "．", "、"]))
def test_numbered_clauses_round_trip(texts, separator, dot):
    raw = separator.join(f"{n}{dot}{t}" for n, t in enumerate(texts, 1)) + "。"
    assert clauses(raw) == texts
