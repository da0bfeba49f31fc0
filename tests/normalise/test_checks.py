"""Warnings (pipeline/normalise/checks.py): Latin words, half-width punctuation, duplicate items, department mismatches.

Small synthetic editions are written as DOCX by tests/builders.py (test data,
not published editions), with one cell changed, and read back through the
public entry points: extract → build_edition. Expected warnings are written
out by hand.
"""

from __future__ import annotations

import copy

import pytest

import builders
from pipeline.extract import extract
from pipeline.normalise import checks
from pipeline.normalise.edition import build_edition


@pytest.fixture
def make(tmp_path):
    """make(basic=..., coordinated=..., reclaimed=...) -> (edition, warnings) of a DOCX built from those rows."""
    counter = iter(range(1000))

    def _make(basic=None, coordinated=None, reclaimed=None):
        tables = [
            (builders.BASIC_HEADER, basic or builders.BASIC),
            (builders.COORDINATED_HEADER, coordinated or builders.COORDINATED),
            (builders.RECLAIMED_HEADER, reclaimed or builders.RECLAIMED),
        ]
        path = builders.write_docx(tmp_path / f"edition{next(counter)}.docx", tables=tables)
        return build_edition(extract(path), "testtown-2026-03")

    return _make


def rows(name: str) -> list[list[str]]:
    """An editable copy of one of the builder's tables (row 0 and 3 of BASIC are category headings)."""
    return copy.deepcopy(getattr(builders, name))


def as_tuples(warnings) -> list[tuple]:
    return [(w.code, w.list, w.seq, w.message) for w in warnings]


def test_a_clean_edition_has_no_warnings(make):
    edition, warnings = make()
    assert warnings == []
    assert checks.text_warnings(edition) == []


def test_latin_word_once_per_word_and_item_uppercase_acronyms_allowed(make):
    basic = rows("BASIC")
    basic[2][1] = "做好遗体 and 人体器官捐献宣传，and 推广政务APP使用。"  # seq 2: `and` twice, `APP` is normal usage
    edition, warnings = make(basic=basic)
    expected = [("latin_word", "basic", 2, "Latin word 'and' in text: …做好遗体 and 人体器官捐献宣…")]
    assert as_tuples(checks.text_warnings(edition)) == expected
    assert as_tuples(warnings) == expected


def test_latin_word_in_a_method_is_reported_once_for_the_item(make):
    reclaimed = rows("RECLAIMED")
    reclaimed[2][2] = "区卫生健康委员会、区财政局\n工作方式：1.区卫生健康委员会核实and上报；\n2.区财政局协助。"
    edition, _ = make(reclaimed=reclaimed)
    # the word is in `method` and again in its first method clause: one warning
    assert as_tuples(checks.text_warnings(edition)) == [
        ("latin_word", "reclaimed", 2, "Latin word 'and' in method: …生健康委员会核实and上报；2.区财政…"),
    ]


def test_halfwidth_punctuation_between_chinese_characters_only(make):
    basic = rows("BASIC")
    basic[1][1] = "加强党的建设,落实制度;筹集资金1,000元。"  # seq 1: `,` and `;` between Han; `1,000` is a number
    edition, _ = make(basic=basic)
    assert as_tuples(checks.text_warnings(edition)) == [
        ("halfwidth_punctuation", "basic", 1, "half-width punctuation ',' in text: …加强党的建设,落实制度;筹集资…"),
        ("halfwidth_punctuation", "basic", 1, "half-width punctuation ';' in text: …的建设,落实制度;筹集资金1,00…"),
    ]


def test_halfwidth_punctuation_in_clauses_names_the_field(make):
    coordinated = rows("COORDINATED")
    coordinated[1][4] = "1.配合宣传,上报线索；\n2.上报线索。"  # seq 1, 乡镇（街道）配合职责
    coordinated[2][3] = "发布征兵公告:做好宣传。"  # seq 2, 上级部门职责
    edition, _ = make(coordinated=coordinated)
    assert as_tuples(checks.text_warnings(edition)) == [
        ("halfwidth_punctuation", "coordinated", 1, "half-width punctuation ',' in township_duties: …配合宣传,上报线索…"),
        ("halfwidth_punctuation", "coordinated", 2, "half-width punctuation ':' in department_duties: …发布征兵公告:做好宣传…"),
    ]


def test_duplicate_items_are_each_reported(make):
    basic = rows("BASIC")
    basic[4][1] = "加强党的建设。"  # seq 3 repeats seq 1 (in another category)
    edition, warnings = make(basic=basic)
    expected = [
        ("duplicate_item", "basic", 1, "same text as another item: 加强党的建设。"),
        ("duplicate_item", "basic", 3, "same text as another item: 加强党的建设。"),
    ]
    assert as_tuples(checks.text_warnings(edition)) == expected
    assert as_tuples(warnings) == expected


def test_duplicate_coordinated_names(make):
    coordinated = rows("COORDINATED")
    coordinated[2][1] = "非法集资防范处置"  # seq 2 takes seq 1's name; departments and clauses differ
    edition, _ = make(coordinated=coordinated)
    assert as_tuples(checks.text_warnings(edition)) == [
        ("duplicate_item", "coordinated", 1, "same text as another item: 非法集资防范处置"),
        ("duplicate_item", "coordinated", 2, "same text as another item: 非法集资防范处置"),
    ]


def test_department_labelled_but_not_listed(make):
    coordinated = rows("COORDINATED")
    coordinated[1][2] = "区人民政府办公室"  # 对应上级部门 drops 市公安局孟津分局, whose label stays in 上级部门职责
    _, warnings = make(coordinated=coordinated)
    assert as_tuples(warnings) == [
        ("department_not_listed", "coordinated", 1, "市公安局孟津分局 is labelled in 上级部门职责 but missing from 对应上级部门"),
    ]


def test_department_listed_without_duties(make):
    coordinated = rows("COORDINATED")
    coordinated[1][3] = "区人民政府办公室：\n做好防范工作。"  # 市公安局孟津分局 is listed but has no label
    _, warnings = make(coordinated=coordinated)
    assert as_tuples(warnings) == [
        ("department_without_duties", "coordinated", 1, "市公安局孟津分局 is listed in 对应上级部门 but has no duties in 上级部门职责"),
    ]


def test_unlabelled_duties_in_a_several_department_item(make):
    coordinated = rows("COORDINATED")
    coordinated[1][3] = "做好协调工作。\n区人民政府办公室：\n做好防范工作。\n市公安局孟津分局：\n1.打击犯罪；\n2.开展宣传。"
    edition, warnings = make(coordinated=coordinated)
    assert as_tuples(warnings) == [
        ("unlabelled_duties", "coordinated", 1, "text in 上级部门职责 under no department label; given to every listed department"),
    ]
    # and the unlabelled sentence went to both departments
    item = edition.lists["coordinated"].categories[0].items[0]
    assert [(d.department, [c.text for c in d.clauses]) for d in item.department_duties] == [
        ("区人民政府办公室", ["做好协调工作", "做好防范工作"]),
        ("市公安局孟津分局", ["做好协调工作", "打击犯罪", "开展宣传"]),
    ]


def test_unlabelled_text_in_a_single_department_item_is_no_warning(make):
    _, warnings = make()  # coordinated 2: one department, cell without a label
    assert [w for w in warnings if w.code == "unlabelled_duties"] == []
