"""Rule 3: numbered clauses become rows; numbering must start at 1 and run on."""

from __future__ import annotations


import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import published_text_with, replacing
from pipeline.cli import main
from pipeline.errors import InputError
from pipeline.extract import extract
from pipeline.normalise.clauses import ClauseNumberError, split_clauses
from pipeline.normalise.edition import build_edition
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


@pytest.mark.parametrize(
    "raw, message",
    [
        pytest.param("7.甲；8.乙；9.丙。", "clauses numbered from 7, clause 1 expected first: 7.甲；8.乙；9.丙。",
                     id="starts-at-7"),
        pytest.param("2.乙；\n3.丙。", "clauses numbered from 2, clause 1 expected first: 2.乙；3.丙。",
                     id="clause-1-missing"),
        pytest.param("10、甲", "clauses numbered from 10, clause 1 expected first: 10、甲", id="ideographic-comma"),
        pytest.param("甲；2.乙；3.丙。", "clause number 2 after a clause end, in text that does not open with clause 1: "
                     "甲；2.乙；3.丙。", id="number-1-lost"),
        pytest.param("开展征兵宣传发动，做好适龄青年报名应征工作。\n2.做好积分定兵个人档案资料收集上报。",
                     "clause number 2 after a clause end, in text that does not open with clause 1: "
                     "…好适龄青年报名应征工作。2.做好积分定兵个人档案资料…", id="after-a-full-stop"),
    ],
)
def test_numbering_must_start_at_1(raw, message):
    """Read as text, these cells came out as one clause with its numbers inside."""
    with pytest.raises(ClauseNumberError) as err:
        clauses(raw)
    assert str(err.value) == message


# line 173: coordinated item 1 兵役工作, category 一、党的建设; line 180: coordinated item 5 金融服务, 二、经济发展
EDITS = {
    "clause-1-lost": (173, "\t1.开展征兵宣传发动", "\t开展征兵宣传发动", "line 173, coordinated list, 党的建设, item 1: "
                      "clause number 2 after a clause end, in text that does not open with clause 1: "
                      "…好适龄青年报名应征工作；2.做好积分定兵个人档案资料…"),
    "numbered-from-7": (173, "1.发布征兵公告，下达年度征兵计划； 2.承担", "7.发布征兵公告，下达年度征兵计划； 8.承担",
                        "line 173, coordinated list, 党的建设, item 1: clauses numbered from 7, clause 1 expected first: "
                        "7.发布征兵公告，下达年度征…"),
    "clause-1-dropped": (180, "1.服务企业对接资本市场，指导企业上市（挂牌）工作； 2.负责", "2.负责",
                         "line 180, coordinated list, 经济发展, item 5: clauses numbered from 2, clause 1 expected first: "
                         "2.负责农村金融工作，做好小…"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_broken_numbering_in_the_published_text_is_item_invalid(tmp_path, name):
    number, old, new, message = EDITS[name]
    with pytest.raises(InputError) as err:
        build_edition(extract(published_text_with(tmp_path, number, replacing(old, new))), "edited")
    assert err.value.code == "item_invalid"
    assert str(err.value) == message


def test_broken_numbering_on_the_command_line(tmp_path, capsys):
    number, old, new, message = EDITS["clause-1-lost"]
    assert main(["extract", str(published_text_with(tmp_path, number, replacing(old, new))), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.splitlines() == [f"error[item_invalid]: edited.txt, {message}"]
    assert not (tmp_path / "out").exists()


def test_the_published_editions_number_every_clause_from_1(edition):
    """pdf, docx and text: no cell is refused, and the clause counts are the published ones."""
    coordinated = {i.seq: i for c in edition.lists["coordinated"].categories for i in c.items}
    assert [c.text for c in coordinated[1].township_duties] == ["开展征兵宣传发动，做好适龄青年报名应征工作",
                                                                "做好积分定兵个人档案资料收集上报"]
    assert [len(d.clauses) for d in coordinated[5].department_duties] == [2]


_clause = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=12)


@given(st.lists(_clause, min_size=1, max_size=12), st.sampled_from(["； ", "；\n", "。\n", "；"]), st.sampled_from([".", "．", "、"]))
def test_numbered_clauses_round_trip(texts, separator, dot):
    raw = separator.join(f"{n}{dot}{t}" for n, t in enumerate(texts, 1)) + "。"
    assert clauses(raw) == texts
