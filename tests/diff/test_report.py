"""summary.json, report.md and the output files."""

from __future__ import annotations

import copy
import csv as csvlib
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq

from diff.diff_helpers import find
from pipeline.diff.changes import CHANGE_COLUMNS, CHANGES, FIELD_CHANGE_COLUMNS


def edited(base: dict) -> dict:
    new = copy.deepcopy(base)
    b = new["basic"]
    b[find(new, "basic", "负责地方史志、年鉴等资料的收集整理。")]["text"] = "负责地方史志、年鉴、村志等资料的收集、整理和编纂工作。"
    b[find(new, "basic", "监测经济运行态势，做好经济数据的统计、分析和运用。")]["category"] = "民生服务"
    b.insert(0, {"category": b[0]["category"], "text": "建立镇级数据资源目录，做好公共数据归集、共享和安全管理工作。"})
    item = new["reclaimed"].pop(find(new, "reclaimed", "对辖区内托育机构的监督管理"))
    b.append({"category": item["category"], "text": "负责辖区内托育机构的监督管理工作。"})
    c = new["coordinated"][find(new, "coordinated", "非法集资防范处置")]
    c["departments"].append("区委政法委")
    c["duties"]["区委政法委"] = ["统筹协调防范和处置非法集资工作"]
    del new["coordinated"][find(new, "coordinated", "兵役工作")]
    return new


def test_summary_counts_per_list_and_change(base, run):
    result = run(base, edited(base))
    s = result.summary
    assert s["old"]["edition_id"] == "songzhuang-2025-07" and s["new"]["edition_id"] == "songzhuang-2026-01"
    assert set(s["by_list"]) == {"basic", "coordinated", "reclaimed"}
    assert all(set(counts) == set(CHANGES) for counts in s["by_list"].values())
    basic = s["by_list"]["basic"]
    assert (basic["added"], basic["modified"], basic["recategorised"], basic["moved_list"]) == (1, 1, 1, 1)
    assert (s["by_list"]["coordinated"]["removed"], s["by_list"]["coordinated"]["modified"]) == (1, 1)
    assert s["total"] == len(result.changes) == sum(s["by_change"].values())
    assert s["moves"] == {"reclaimed->basic": 1}
    assert json.loads((result.out / "summary.json").read_text(encoding="utf-8")) == s


def test_report_renders_in_chinese_grouped_by_list(base, run):
    report = (run(base, edited(base)).out / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# 送庄镇履行职责事项清单变化情况（2025年7月 → 2026年1月）")
    sections = [line for line in report.splitlines() if line.startswith("## ")]
    assert sections == ["## 概览", "## 基本履职事项清单", "## 配合履职事项清单", "## 上级部门收回事项清单"]
    assert "### 新增（1项）" in report and "建立镇级数据资源目录" in report
    assert "原为“负责地方史志、年鉴等资料的收集整理。”，现为“负责地方史志、年鉴、村志等资料的收集、整理和编纂工作。”" in report
    assert "由“经济发展”调整至“民生服务”" in report
    assert "由上级部门收回事项清单原第" in report and "### 调出至其他清单（1项）" in report
    assert "上级部门职责（区委政法委）：新增第1条“统筹协调防范和处置非法集资工作”" in report
    assert "### 删除（1项）" in report and "兵役工作" in report
    assert "顺延1位" in report  # renumbered runs are folded


def test_renumbered_runs_are_folded(base, run):
    new = copy.deepcopy(base)
    new["basic"].insert(0, {"category": new["basic"][0]["category"], "text": "建立镇级数据资源目录，做好公共数据归集、共享和安全管理工作。"})
    result = run(base, new)
    report = (result.out / "report.md").read_text(encoding="utf-8")
    n = len(base["basic"])
    assert f"- 原第1—{n}项 → 第2—{n + 1}项（顺延1位，共{n}项，内容未变）" in report
    assert len(result.of("renumbered")) == n  # the table still lists every item


def test_identical_editions_report(base, run):
    result = run(base, copy.deepcopy(base))
    assert "两版清单内容一致，未发现变化。" in (result.out / "report.md").read_text(encoding="utf-8")
    assert pq.read_table(result.out / "changes.parquet").num_rows == 0
    assert pq.read_table(result.out / "changes.parquet").schema.names == CHANGE_COLUMNS


def test_output_files_and_formats(base, run):
    result = run(base, edited(base))
    names = sorted(p.name for p in result.out.iterdir())
    assert names == sorted(["changes.parquet", "changes.csv", "changes.json", "field_changes.parquet",
                            "field_changes.csv", "summary.json", "report.md", "report.html"])  # fmt: skip
    table = pq.read_table(result.out / "changes.parquet")
    assert table.schema.names == CHANGE_COLUMNS
    assert pa.types.is_list(table.schema.field("fields").type)
    assert table.to_pylist() == result.changes  # parquet and json agree
    assert pq.read_table(result.out / "field_changes.parquet").schema.names == FIELD_CHANGE_COLUMNS
    for stem, columns in (("changes", CHANGE_COLUMNS), ("field_changes", FIELD_CHANGE_COLUMNS)):
        raw = (result.out / f"{stem}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
        assert raw.decode("utf-8-sig").splitlines()[0] == ",".join(columns)
    csv = (result.out / "changes.csv").read_text(encoding="utf-8-sig")
    assert "departments、department_duties" in csv  # list cells joined like the other tables
    rows = list(csvlib.DictReader(io.StringIO(csv)))
    assert all("." not in r["old_seq"] + r["new_seq"] for r in rows)  # integers stay integers despite nulls
    for row in result.changes:
        assert row["change"] in CHANGES and row["summary"]
        assert row["similarity"] is None or 0 <= row["similarity"] <= 1
        assert (row["old_seq"] is None) == (row["change"] == "added")
        assert (row["new_seq"] is None) == (row["change"] == "removed")
