"""fuzz/mutate.py and fuzz/explain.py: deterministic operators that always change the bytes; the explanation rules."""

from __future__ import annotations

import copy
import random
import sys

import pytest

from helpers import EDITION_ID, RAW, ROOT

sys.path.insert(0, str(ROOT))  # fuzz/ sits beside pipeline/ like bench/, and is not installed

from fuzz import explain  # noqa: E402
from fuzz.mutate import OPERATORS, mutant, operator_for  # noqa: E402

CASES = [(fmt, op) for fmt, ops in OPERATORS.items() for op in ops]


@pytest.fixture(scope="module")
def published() -> dict[str, bytes]:
    return {fmt: (RAW / f"{EDITION_ID}.{fmt}").read_bytes() for fmt in OPERATORS}


@pytest.mark.parametrize("fmt, op", CASES, ids=[f"{fmt}-{op.name}" for fmt, op in CASES])
def test_operator_is_deterministic_and_changes_the_bytes(published, fmt, op):
    data = published[fmt]
    for seed in range(5):
        first = op.fn(data, random.Random(seed))
        again = op.fn(data, random.Random(seed))
        assert first == again
        assert first.data != data, f"{op.name} seed {seed} left the file unchanged ({first.note})"
        assert first.note and first.sites >= 1


def test_operators_take_turns_and_a_seed_gives_the_same_mutants(published):
    ops = OPERATORS["txt"]
    assert [operator_for("txt", i).name for i in range(len(ops))] == [op.name for op in ops]
    a = [mutant("txt", published["txt"], 7, i)[1] for i in range(20)]
    b = [mutant("txt", published["txt"], 7, i)[1] for i in range(20)]
    c = [mutant("txt", published["txt"], 8, i)[1] for i in range(20)]
    assert a == b
    assert a != c


# ---------------------------------------------------------------- explain

REFERENCE = {
    "edition_id": "x", "title": "送庄镇 履行职责事项清单", "township": "送庄镇",
    "lists": {"basic": {"title": "基本履职事项清单", "declared": {"total": 2},
                        "categories": [{"category_no": 1, "category": "党的建设", "declared_count": 2,
                                        "items": [{"seq": 1, "text": "加强党的建设，推进全面从严治党。"},
                                                  {"seq": 2, "text": "做好组织工作。"}]}]}},
}


def _with(seq: int, text: str) -> dict:
    dump = copy.deepcopy(REFERENCE)
    dump["lists"]["basic"]["categories"][0]["items"][seq - 1]["text"] = text
    return dump


def test_one_changed_character_of_one_item_is_explained_by_a_flipped_byte():
    changed = _with(1, "加强党的建没，推进全面从严治党。")
    assert explain.explained(REFERENCE, changed, "chars", 1, None) is None
    assert "basic 1" in explain.describe(REFERENCE, changed)


def test_unconfined_differences_are_not_explained():
    two_items = _with(1, "加强党的建没，推进全面从严治党。")
    two_items["lists"]["basic"]["categories"][0]["items"][1]["text"] = "做好组织工做。"
    assert explain.explained(REFERENCE, two_items, "chars", 1, None)  # two records, one flip
    assert explain.explained(REFERENCE, _with(1, "加强"), "chars", 1, None)  # a long edit
    assert explain.explained(REFERENCE, _with(1, "加强"), "chars", 1, None, flagged={("basic", 1)}) is None  # warned
    assert explain.explained(REFERENCE, _with(1, "加强党的建没，推进全面从严治党。"), "none", 1, None)  # operator may not change data
    assert explain.explained(REFERENCE, _with(1, "加强"), "lines", 1, {("basic", 2)})  # not the touched line's item
    assert explain.explained(REFERENCE, _with(1, "加强"), "lines", 1, {("basic", 1)}) is None
    dropped = copy.deepcopy(REFERENCE)
    dropped["lists"]["basic"]["categories"][0]["items"].pop()
    assert explain.explained(REFERENCE, dropped, "lines", 1, None) == "lists, categories or item numbers changed"


def test_line_owners_follow_the_text_forms_tables():
    text = "送庄镇 履行职责事项清单\n序号\t事项名称\n一、党的建设（2项）\t\n1\t甲\n\t续\n2\t乙\n"
    assert explain.line_owners(text) == [
        {("front",)}, set(), set(), {("basic", 1)}, {("basic", 1)}, {("basic", 2)},
    ]
