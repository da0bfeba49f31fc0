"""The diff report (output/diffs/<old>__<new>/report.html), opened in headless Chromium.

The diff is the one `pipeline build` writes for the generated corpus's place with two editions
(test data). Expected figures are counted from changes.parquet, texts read from field_changes.parquet
and the new edition's tables; the renumbered runs must be report.md's.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter

import pyarrow.parquet as pq
from lxml import html

from pipeline.report.diff import mark_changes
from report.browser import external_references, load, page_figures, screenshot
from report.test_page import png_size

LISTS = ("basic", "coordinated", "reclaimed")
CHANGES = ("added", "removed", "modified", "recategorised", "moved_list", "renumbered")
TITLE = {"basic": "text", "coordinated": "name", "reclaimed": "name"}  # the column naming an item
LABELS = {"transferred": "移交承接部门", "discontinued": "不再开展"}  # how the report shows a disposition


def expected_figures(diff_dir) -> dict:
    changes = pq.read_table(diff_dir / "changes.parquet").to_pylist()
    counts = Counter((r["new_list"] or r["old_list"], r["change"]) for r in changes)
    expected = {(f"{k}.{c}", None): counts[(k, c)] for k in LISTS for c in CHANGES}
    expected |= {(f"total.{c}", None): sum(counts[(k, c)] for k in LISTS) for c in CHANGES}
    shifted = sum(counts[(k, "renumbered")] for k in LISTS)
    expected |= {("total", None): len(changes), ("shifted", None): shifted, ("substantive", None): len(changes) - shifted}
    return expected


def test_the_diff_report_opens_without_console_errors_and_its_counts_match_the_changes(diff_dir):
    loaded = load(diff_dir / "report.html")
    assert loaded.console == []
    assert external_references(loaded.dom) == []
    found = page_figures(loaded.dom)
    assert found == expected_figures(diff_dir)
    assert found[("total.added", None)] > 0 and found[("total.modified", None)] > 0  # the fixture has both


def test_added_and_removed_duties_are_shown_in_full(diff_dir, corpus):
    summary = json.loads((diff_dir / "summary.json").read_text(encoding="utf-8"))
    tables = {side: {k: {r["seq"]: r[TITLE[k]] for r in pq.read_table(corpus / summary[side]["edition_id"] / f"{k}_duties.parquet").to_pylist()}
                     for k in LISTS} for side in ("old", "new")}
    changes = pq.read_table(diff_dir / "changes.parquet").to_pylist()
    tree = html.fromstring((diff_dir / "report.html").read_text(encoding="utf-8"))
    for change, side in (("added", "new"), ("removed", "old")):
        for k in LISTS:
            rows = tree.xpath(f"//section[@id='list-{k}']/div[@data-change='{change}']//tbody/tr")
            shown = [(int(r.xpath("string(td[1])")), r.xpath("string(td[3])")) for r in rows]
            want = [(r[f"{side}_seq"], tables[side][k][r[f"{side}_seq"]]) for r in changes
                    if r["change"] == change and (r["new_list"] or r["old_list"]) == k]
            assert shown == want, (change, k)


def test_modified_fields_stand_side_by_side_with_the_changed_characters_marked(diff_dir):
    fields = pq.read_table(diff_dir / "field_changes.parquet").to_pylist()
    tree = html.fromstring((diff_dir / "report.html").read_text(encoding="utf-8"))
    rows = tree.xpath("//tr[@data-field]")
    assert len(rows) == len(fields) > 0
    for row, want in zip(rows, fields):
        assert (row.get("data-list"), int(row.get("data-seq")), row.get("data-field")) == (
            want["new_list"], want["new_seq"], want["field"])
        old, new = row.xpath("td[@class='old']")[0], row.xpath("td[@class='new']")[0]
        if want["action"] in ("modified", "removed"):
            assert old.text_content() == LABELS.get(want["old_value"], want["old_value"])
        if want["action"] in ("modified", "added"):
            assert new.text_content() == LABELS.get(want["new_value"], want["new_value"])
        if want["action"] == "modified":
            assert old.xpath(".//del") or new.xpath(".//ins")  # a change is marked on some side
            assert not old.xpath(".//ins") and not new.xpath(".//del")


def test_renumbering_is_folded_into_report_md_runs(diff_dir):
    runs, heading = [], ""
    for line in (diff_dir / "report.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = line
        elif heading.startswith("### 序号变动") and line.startswith("- "):
            runs.append(line[2:])
    tree = html.fromstring((diff_dir / "report.html").read_text(encoding="utf-8"))
    assert [li.text_content() for li in tree.xpath("//div[@data-change='renumbered']//li")] == runs
    assert len(runs) > 0


def test_screenshot(diff_dir, tmp_path):
    png = tmp_path / "diff.png"
    assert screenshot(diff_dir / "report.html", png).console == []
    assert png_size(png) == (1280, 1600) and png.stat().st_size > 30_000


def test_identical_editions_say_so(published, tmp_path):
    from pipeline.diff import run_diff

    other = shutil.copytree(published, tmp_path / "again")
    run_diff(published, other, tmp_path / "diff")
    text = (tmp_path / "diff" / "report.html").read_text(encoding="utf-8")
    assert "两版清单内容一致" in text and page_figures(text) == {("total", None): 0}


def _sides(old: str, new: str) -> tuple:
    a, b = (html.fragment_fromstring(h, create_parent="div") for h in mark_changes(old, new))
    return (a.text_content(), [d.text for d in a.iter("del")], [i.tag for i in a.iter("ins")],
            b.text_content(), [i.text for i in b.iter("ins")], [d.tag for d in b.iter("del")])


def test_marks_keep_each_side_whole_and_group_a_rewording():
    old, new = "制定、实施经济及产业发展规划，优化产业空间布局", "制定、储备及培育，优化产业空间布局"
    # the shared 及 inside the reworded phrase is folded into the change, not left as a kept character
    assert _sides(old, new) == (old, ["实施经济及产业发展规划"], [], new, ["储备及培育"], [])
    assert _sides("甲乙丙", "甲乙丁丙") == ("甲乙丙", [], [], "甲乙丁丙", ["丁"], [])
    assert _sides("同样", "同样") == ("同样", [], [], "同样", [], [])
    assert _sides("", "新") == ("", [], [], "新", ["新"], [])
    old_html, new_html = mark_changes("a<b&c", "a<d&c")
    assert old_html == "a&lt;<del>b</del>&amp;c" and new_html == "a&lt;<ins>d</ins>&amp;c"


def test_every_kind_of_change_has_its_place_on_the_page(tmp_path):
    """The diff tests' SAMPLE with one edit of each kind (tests/diff/test_changes.py's)."""
    import copy

    from diff.diff_helpers import SAMPLE, find, write_edition
    from pipeline.diff import run_diff

    new = copy.deepcopy(SAMPLE)
    b = new["basic"]
    b[find(new, "basic", "负责地方史志、年鉴等资料的收集整理。")]["text"] = "负责地方史志、年鉴、村志等资料的收集、整理和编纂工作。"
    b[find(new, "basic", "监测经济运行态势，做好经济数据的统计、分析和运用。")]["category"] = "民生服务"
    item = new["reclaimed"].pop(find(new, "reclaimed", "对辖区内托育机构的监督管理"))
    b.append({"category": item["category"], "text": "负责辖区内托育机构的监督管理工作。"})
    c = new["coordinated"][find(new, "coordinated", "非法集资防范处置")]
    c["departments"].append("区委政法委")
    c["duties"]["区委政法委"] = ["统筹协调防范和处置非法集资工作"]
    old_dir = write_edition(tmp_path / "a" / "songzhuang-2025-07", SAMPLE)
    new_dir = write_edition(tmp_path / "b" / "songzhuang-2026-01", new, {"edition_id": "songzhuang-2026-01", "published": "2026-01"})
    run_diff(old_dir, new_dir, tmp_path / "diff")
    loaded = load(tmp_path / "diff" / "report.html")
    assert loaded.console == []
    assert page_figures(loaded.dom) == expected_figures(tmp_path / "diff")
    tree = html.fromstring(loaded.dom)
    assert {d.get("data-change") for d in tree.xpath("//section[@id='list-basic']/div")} >= {
        "modified", "recategorised", "moved_list"}
    moved = tree.xpath("//section[@id='list-basic']/div[@data-change='moved_list']//tbody/tr")[0]
    assert "上级部门收回事项清单" in moved.xpath("string(td[1])")
    assert "调出至其他清单" in tree.xpath("string(//section[@id='list-reclaimed'])")  # a pointer where it left
    added = tree.xpath("//tr[@data-list='coordinated'][@data-field='departments']")
    assert [r.xpath("string(td[@class='new'])") for r in added] == ["区委政法委"]
