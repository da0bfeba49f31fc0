"""`diffs/<old>__<new>/report.html`: what changed between two editions, for a briefing.

The same content as report.md (pipeline.diff.report, whose names and run
folding it reuses), as a page: counts by list and kind of change (table and
bars), then per list the added and removed duties in full, the modified ones
field by field with old and new side by side and the changed characters
marked (`<del>` in the old text, `<ins>` in the new), recategorised and moved
items, and renumbering folded into runs.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from pathlib import Path

from pipeline.diff.changes import CHANGES, Diff
from pipeline.diff.report import CHANGE_NAMES, list_of, renumbered_runs
from pipeline.lists import KINDS
from pipeline.models import EditionMeta
from pipeline.report.page import bar_chart, bilingual, document, esc, figure, heading, month, table, write_page

REPORT = "report.html"
# report.md's order: substantive changes first, renumbering last
ORDER = tuple(sorted(CHANGES, key=lambda c: c == "renumbered"))
CHANGE_EN = {"added": "added", "removed": "removed", "modified": "modified", "recategorised": "recategorised",
             "moved_list": "moved from another list", "renumbered": "renumbered"}
# an unchanged run this short between two changes is part of the change: Chinese shares single characters
# (的, 和, 工作) between unrelated phrases, and marking them as kept shreds a rewording into confetti
SHORT_EQUAL = 2


def write_diff_report(directory: Path, summary: dict, diff: Diff, old: EditionMeta, new: EditionMeta) -> Path:
    """Write `<directory>/report.html` (the diff being written there: pipeline.diff.diff_into)."""
    return write_page(Path(directory) / REPORT, render_diff(summary, diff, old, new))


def render_diff(summary: dict, diff: Diff, old: EditionMeta, new: EditionMeta) -> str:
    title = f"{new.township}履行职责事项清单变化情况（{month(old.published)} → {month(new.published)}）"
    body = [
        f"<header>{heading(1, title)}",
        f'<p class="meta">{bilingual("原版本 Old")}：{esc(old.title)}（<code>{esc(old.edition_id)}</code>）</p>',
        f'<p class="meta">{bilingual("新版本 New")}：{esc(new.title)}（<code>{esc(new.edition_id)}</code>）</p></header>',
        '<nav class="toc"><a href="#overview">概览</a>'
        + "".join(f'<a href="#list-{k.key}">{esc(k.name)}</a>' for k in KINDS.values()) + "</nav>",
    ]
    if not diff.changes:
        body.append(f'<p>两版清单内容一致，未发现变化（{figure(0, "total")} 处）。</p>')
    else:
        body.append(_overview(summary))
        fields = _fields_by_item(diff.field_changes)
        body += [_list_section(kind, diff, fields) for kind in KINDS]
    footer = ("事项按内容而非序号比对；“序号变动”仅指内容未变、因前面事项增删而改变编号的事项。"
              "删去的文字<del>如此标示</del>，加入的文字<ins>如此标示</ins>。Items are matched by content, not by number.")
    return document(title, body, footer=footer)


def _overview(summary: dict) -> str:
    rows = [[esc(KINDS[k].title) + f'<span class="en" lang="en">{esc(KINDS[k].en)}</span>',
             *(figure(summary["by_list"][k][c], f"{k}.{c}") for c in ORDER)] for k in KINDS]
    totals = ["合计", *(figure(summary["by_change"][c], f"total.{c}") for c in ORDER)]
    grid = table(["清单 List", *(f"{CHANGE_NAMES[c]} {CHANGE_EN[c]}" for c in ORDER)], rows,
                 numeric=set(range(1, len(ORDER) + 1)), total=totals)
    shifted = summary["by_change"]["renumbered"]
    note = (f'<p>实质变化 {figure(summary["total"] - shifted, "substantive")} 处，另有 {figure(shifted, "shifted")} 项仅序号变动，'
            f'共 {figure(summary["total"], "total")} 条变化记录（调整清单的事项计入调入的清单）。</p>')
    shown = ORDER[:3]  # added, removed, modified: what a briefing asks first
    chart = bar_chart([KINDS[k].name for k in KINDS], [(CHANGE_NAMES[c], [summary["by_list"][k][c] for k in KINDS]) for c in shown],
                      "各清单新增、删除、修改的事项数 Items added, removed and modified per list")
    return heading(2, "概览", "Overview", "overview") + grid + note + f'<div class="figure">{chart}</div>'


def _fields_by_item(field_rows: list[dict]) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = {}
    for row in field_rows:
        out.setdefault((row["new_list"], row["new_seq"]), []).append(row)
    return out


def _list_section(kind: str, diff: Diff, fields: dict) -> str:
    rows = [r for r in diff.changes if list_of(r) == kind]
    moved_out = [r for r in diff.changes if r["change"] == "moved_list" and r["old_list"] == kind]
    parts = [f'<section id="list-{kind}">', heading(2, KINDS[kind].title, KINDS[kind].en)]
    if not rows and not moved_out:
        parts.append("<p>本清单无变化。</p>")
    for change in ORDER:
        picked = [r for r in rows if r["change"] == change]
        if picked:
            parts.append(f'<div data-change="{change}">'
                         + heading(3, f"{CHANGE_NAMES[change]}（{len(picked)}项）", CHANGE_EN[change])
                         + SECTIONS[change](picked, diff.titles, fields) + "</div>")
    if moved_out:  # listed in full under the receiving list; a pointer here
        parts.append(heading(3, f"调出至其他清单（{len(moved_out)}项）", "moved to another list"))
        parts.append(table(["原序号 Old No.", "事项 Item", "现为 Now"], [
            [str(r["old_seq"]), esc(diff.titles[("old", kind, r["old_seq"])]),
             f'{esc(KINDS[r["new_list"]].title)}第{r["new_seq"]}项'] for r in moved_out], numeric={0}, css="wide"))
    return "".join(parts) + "</section>"


def _title(row: dict, titles: dict) -> str:
    """The full title as it is now (as it was, for a removed item)."""
    if row["new_list"] is not None:
        return titles[("new", row["new_list"], row["new_seq"])]
    return titles[("old", row["old_list"], row["old_seq"])]


def _added(rows: list[dict], titles: dict, fields: dict) -> str:
    return table(["序号 No.", "类别 Category", "事项 Item"],
                 [[str(r["new_seq"]), esc(r["new_category"]), esc(_title(r, titles))] for r in rows], numeric={0}, css="wide")


def _removed(rows: list[dict], titles: dict, fields: dict) -> str:
    return table(["原序号 Old No.", "类别 Category", "事项 Item"],
                 [[str(r["old_seq"]), esc(r["old_category"]), esc(_title(r, titles))] for r in rows], numeric={0}, css="wide")


def _recategorised(rows: list[dict], titles: dict, fields: dict) -> str:
    return table(["序号 No.", "原类别 Old category", "现类别 New category", "事项 Item"],
                 [[f'{r["new_seq"]}' + (f'（原{r["old_seq"]}）' if r["old_seq"] != r["new_seq"] else ""),
                   esc(r["old_category"]), esc(r["new_category"]), esc(_title(r, titles))] for r in rows], css="wide")


def _moved(rows: list[dict], titles: dict, fields: dict) -> str:
    out = []
    for r in rows:
        old_html, new_html = mark_changes(titles[("old", r["old_list"], r["old_seq"])], _title(r, titles))
        out.append([f'{esc(KINDS[r["old_list"]].title)}第{r["old_seq"]}项（{esc(r["old_category"])}）',
                    f'第{r["new_seq"]}项（{esc(r["new_category"])}）', old_html, new_html])
    return table(["原清单 From", "现序号 Now", "原文 Old", "现文 New"], out, css="wide")


def _modified(rows: list[dict], titles: dict, fields: dict) -> str:
    """Per item, each changed field or clause: old and new side by side, the changed characters marked."""
    out = []
    for r in rows:
        was = f"（原第{r['old_seq']}项）" if r["old_seq"] != r["new_seq"] else ""
        out.append(f"<h4>第{r['new_seq']}项{was}：{esc(_title(r, titles))}</h4>")
        lines = []
        for f in fields.get((r["new_list"], r["new_seq"]), []):
            old_html, new_html = _field_cells(f)
            attrs = f' data-list="{esc(f["new_list"])}" data-seq="{f["new_seq"]}" data-field="{esc(f["field"])}"'
            lines.append(f'<tr{attrs}><td>{_field_label(f)}</td><td class="old">{old_html}</td><td class="new">{new_html}</td></tr>')
        out.append('<table class="wide sidebyside"><thead><tr>'
                   f'<th>{bilingual("字段 Field")}</th><th>{bilingual("原文 Old")}</th><th>{bilingual("现文 New")}</th>'
                   f'</tr></thead><tbody>{"".join(lines)}</tbody></table>')
    return "".join(out)


def _field_label(row: dict) -> str:
    """事项内容, 上级部门职责（区民政局） 第2条 新增: the field, its department and clause, how it changed."""
    label = esc(KINDS[row["new_list"]].item_field(row["field"]).zh)
    if row["department"]:
        label += f"（{esc(row['department'])}）"
    clause = row["new_clause_no"] or row["old_clause_no"]
    action = {"added": "新增", "removed": "删除", "reordered": "调整顺序"}.get(row["action"], "")
    return label + (f" 第{clause}条" if clause else "") + (f" {action}" if action else "")


def _field_cells(row: dict) -> tuple[str, str]:
    """The old and new cell of a field row; coded values (disposition) by their Chinese label."""
    field = KINDS[row["new_list"]].item_field(row["field"])
    old, new = field.label(row["old_value"]), field.label(row["new_value"])
    if row["action"] == "added":
        return "", f"<ins>{esc(new)}</ins>"
    if row["action"] == "removed":
        return f"<del>{esc(old)}</del>", ""
    if row["action"] == "reordered":
        return esc(old) or "—", esc(new) or "—"
    return mark_changes(old or "", new or "")


def mark_changes(old: str, new: str) -> tuple[str, str]:
    """Old and new text as HTML, what was taken out `<del>` in the old, what was put in `<ins>` in the new.

    A character-level diff (Chinese has no spaces to split words on), with short kept runs between two
    changes folded into the change (SHORT_EQUAL), so a reworded phrase reads as one replacement.
    """
    ops = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    merged: list[list] = []
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        changing = bool(merged) and merged[-1][0] != "equal"
        short_gap = tag == "equal" and i2 - i1 <= SHORT_EQUAL and n < len(ops) - 1
        if changing and (tag != "equal" or short_gap):
            merged[-1] = ["replace", merged[-1][1], i2, merged[-1][3], j2]
        else:
            merged.append([tag, i1, i2, j1, j2])
    old_html, new_html = [], []
    for tag, i1, i2, j1, j2 in merged:
        if tag == "equal":
            old_html.append(esc(old[i1:i2]))
            new_html.append(esc(new[j1:j2]))
            continue
        if i2 > i1:
            old_html.append(f"<del>{esc(old[i1:i2])}</del>")
        if j2 > j1:
            new_html.append(f"<ins>{esc(new[j1:j2])}</ins>")
    return "".join(old_html), "".join(new_html)


def _renumbered_runs(rows: list[dict], titles: dict, fields: dict) -> str:
    """report.md's runs, one line per shift, as a list."""
    return "<ul>" + "".join(f"<li>{esc(line.removeprefix('- '))}</li>" for line in renumbered_runs(rows, titles)) + "</ul>"


SECTIONS = {"added": _added, "removed": _removed, "modified": _modified, "recategorised": _recategorised,
            "moved_list": _moved, "renumbered": _renumbered_runs}
