"""Step 4: summary.json counts and report.md, a Chinese briefing grouped by list.

The report is written for pasting into a briefing: full texts for added and
removed duties, old and new wording for modified ones, and renumbering folded
into runs ("第12—30项 → 第13—31项") instead of one line per shifted item.
"""

from __future__ import annotations

from itertools import groupby

from pipeline.diff.changes import CHANGES, Diff
from pipeline.diff.match import CROSS_LIST_THRESHOLD, THRESHOLDS
from pipeline.lists import KINDS
from pipeline.models import EditionMeta

CHANGE_NAMES = {
    "added": "新增",
    "removed": "删除",
    "modified": "内容修改",
    "recategorised": "调整类别",
    "moved_list": "调整清单",
    "renumbered": "序号变动",
}
ACTIONS = {"added": "新增", "removed": "删除", "modified": "修改", "reordered": "调整顺序"}


def list_of(row: dict) -> str:
    """The list a change row is counted and reported under: where the item is now, else where it was."""
    return row["new_list"] or row["old_list"]


def summarise(changes: list[dict], field_rows: list[dict], old: EditionMeta, new: EditionMeta) -> dict:
    """summary.json: counts per list and change (every key present, zeros included)."""
    counts = {kind: dict.fromkeys(CHANGES, 0) for kind in KINDS}
    moves: dict[str, int] = {}
    for row in changes:
        counts[list_of(row)][row["change"]] += 1
        if row["change"] == "moved_list":
            key = f"{row['old_list']}->{row['new_list']}"
            moves[key] = moves.get(key, 0) + 1
    return {
        "old": _meta(old),
        "new": _meta(new),
        "total": len(changes),
        "by_change": {c: sum(counts[k][c] for k in KINDS) for c in CHANGES},
        "by_list": counts,
        "moves": moves,
        "field_changes": len(field_rows),
        "thresholds": {**THRESHOLDS, "cross_list": CROSS_LIST_THRESHOLD},
    }


def _meta(meta: EditionMeta) -> dict:
    return {k: getattr(meta, k) for k in ("edition_id", "title", "township", "published")}


def render(summary: dict, diff: Diff, old: EditionMeta, new: EditionMeta) -> str:
    """report.md in Chinese."""
    changes, field_rows = diff.changes, diff.field_changes
    lines = [
        f"# {new.township}履行职责事项清单变化情况（{_month(old.published)} → {_month(new.published)}）",
        "",
        f"- 原版本：{old.title}（{old.edition_id}）",
        f"- 新版本：{new.title}（{new.edition_id}）",
        "",
    ]
    if not changes:
        return "\n".join(lines + ["两版清单内容一致，未发现变化。", ""])
    lines += _overview(summary)
    by_item = _group_fields(field_rows)
    for kind in KINDS:
        rows = [r for r in changes if list_of(r) == kind]
        moved_out = [r for r in changes if r["change"] == "moved_list" and r["old_list"] == kind]
        lines += [f"## {KINDS[kind].title}", ""]
        if not rows and not moved_out:
            lines += ["本清单无变化。", ""]
            continue
        for change in ("added", "removed", "modified", "recategorised", "moved_list", "renumbered"):
            picked = [r for r in rows if r["change"] == change]
            if picked:
                lines += [f"### {CHANGE_NAMES[change]}（{len(picked)}项）", ""]
                lines += _section(change, picked, by_item, diff.titles)
                lines.append("")
        if moved_out:  # listed in full under the receiving list; a pointer here
            lines += [f"### 调出至其他清单（{len(moved_out)}项）", ""]
            lines += [
                f"- 原第{r['old_seq']}项（{r['old_category']}）“{diff.titles[('old', kind, r['old_seq'])]}”"
                f"调整为{KINDS[r['new_list']].title}第{r['new_seq']}项"
                for r in moved_out
            ]
            lines.append("")
    lines += [
        "---",
        "",
        "说明：事项按内容而非序号比对；相似度达到阈值"
        f"（{'、'.join(f'{k.name} {THRESHOLDS[k.key]}' for k in KINDS.values())}、跨清单 {CROSS_LIST_THRESHOLD}）视为同一事项。"
        "“序号变动”仅指内容未变、因前面事项增删而改变编号的事项。",
        "",
    ]
    return "\n".join(lines)


def _month(published: str | None) -> str:
    if not published:
        return "未注明日期"
    year, month = published.split("-")
    return f"{year}年{int(month)}月"


def _overview(summary: dict) -> list[str]:
    order = ["added", "removed", "modified", "recategorised", "moved_list", "renumbered"]
    lines = ["## 概览", "", "| 清单 | " + " | ".join(CHANGE_NAMES[c] for c in order) + " |"]
    lines.append("|" + "---|" * (len(order) + 1))
    for kind in KINDS:
        counts = summary["by_list"][kind]
        lines.append(f"| {KINDS[kind].title} | " + " | ".join(str(counts[c]) for c in order) + " |")
    shifted = summary["by_change"]["renumbered"]
    lines += ["", f"实质变化 {summary['total'] - shifted} 处，另有 {shifted} 项仅序号变动（调整清单的事项计入调入的清单）。", ""]
    return lines


def _group_fields(field_rows: list[dict]) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = {}
    for row in field_rows:
        out.setdefault((row["new_list"], row["new_seq"]), []).append(row)
    return out


def _section(change: str, rows: list[dict], by_item: dict, titles: dict) -> list[str]:
    if change == "renumbered":
        return renumbered_runs(rows, titles)
    out = []
    for r in rows:
        title = _title(r, titles)
        if change == "added":
            out.append(f"- 第{r['new_seq']}项（{r['new_category']}）：{title}")
        elif change == "removed":
            out.append(f"- 原第{r['old_seq']}项（{r['old_category']}）：{title}")
        elif change == "recategorised":
            out.append(f"- 第{r['new_seq']}项（原第{r['old_seq']}项）由“{r['old_category']}”调整至“{r['new_category']}”：{title}")
        elif change == "moved_list":
            was = titles[("old", r["old_list"], r["old_seq"])]
            out.append(
                f"- 由{KINDS[r['old_list']].title}原第{r['old_seq']}项（{r['old_category']}）调整为"
                f"本清单第{r['new_seq']}项（{r['new_category']}）：{title}" + (f"（原为“{was}”）" if was != title else "")
            )
        else:
            was = f"（原第{r['old_seq']}项）" if r["old_seq"] != r["new_seq"] else ""
            out.append(f"- 第{r['new_seq']}项{was}：{title}")
            out += [f"  - {line}" for line in _field_lines(by_item.get((r["new_list"], r["new_seq"]), []))]
    return out


def _title(row: dict, titles: dict) -> str:
    """The full title as it is now (as it was, for a removed item)."""
    if row["new_list"] is not None:
        return titles[("new", row["new_list"], row["new_seq"])]
    return titles[("old", row["old_list"], row["old_seq"])]


def _field_lines(rows: list[dict]) -> list[str]:
    lines = []
    for r in rows:
        label = _field(r).zh
        if r["department"]:
            label += f"（{r['department']}）"
        clause = r["new_clause_no"] or r["old_clause_no"]
        where = f"第{clause}条" if clause else ""
        old, new = _value(r, r["old_value"]), _value(r, r["new_value"])
        if r["action"] == "modified":
            lines.append(f"{label}{where}：原为“{old}”，现为“{new}”")
        elif r["action"] == "added":
            lines.append(f"{label}：新增{where}“{new}”")
        elif r["action"] == "removed":
            lines.append(f"{label}：删除{where}“{old}”")
        else:
            lines.append(f"{label}：调整顺序" + (f"（原为“{old}”，现为“{new}”）" if old else ""))
    return lines


def _field(row: dict):
    return KINDS[row["new_list"]].item_field(row["field"])


def _value(row: dict, value: str | None) -> str | None:
    """A value as the report shows it: coded values by their Chinese label."""
    return _field(row).label(value)


def renumbered_runs(rows: list[dict], titles: dict) -> list[str]:
    """Fold runs of consecutive items that shifted by the same amount into one line."""
    out = []
    rows = sorted(rows, key=lambda r: r["old_seq"])
    runs = groupby(enumerate(rows), key=lambda p: (p[1]["new_seq"] - p[1]["old_seq"], p[1]["old_seq"] - p[0]))
    for (shift, _), group in runs:
        run = [r for _, r in group]
        first, last = run[0], run[-1]
        how = f"顺延{shift}位" if shift > 0 else f"提前{-shift}位"
        if first is last:
            out.append(f"- 原第{first['old_seq']}项 → 第{first['new_seq']}项（{how}）：{_title(first, titles)}")
        else:
            out.append(
                f"- 原第{first['old_seq']}—{last['old_seq']}项 → 第{first['new_seq']}—{last['new_seq']}项"
                f"（{how}，共{len(run)}项，内容未变）"
            )
    return out
