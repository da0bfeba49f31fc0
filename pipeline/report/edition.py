"""`<edition_dir>/report.html`: one edition in figures, for briefing officials.

Sections: the edition (place, month, sources); per list the declared and
extracted totals and the items per category; higher departments by load
(items of each list naming them, clauses of 上级部门职责 given to them);
coded outcomes (a reclaimed item's 处置方式: transferred or discontinued);
the extraction warnings. Every number is read from the edition directory's
Parquet files and edition.json (as pipeline.deliver.xlsx reads them), so the
build can write it into the staged directory before moving it into place.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.deliver import check_parquet_columns, read_edition_info, read_rows
from pipeline.lists import KINDS
from pipeline.models import EditionInfo
from pipeline.report.page import bar_chart, bilingual, document, esc, figure, heading, month, table, write_page

REPORT = "report.html"
TOP_DEPARTMENTS = 15  # bars drawn; the table below the chart lists every department
CATEGORIES = "categories"
DEPARTMENTS = "departments"


def write_edition_report(edition_dir: Path) -> Path:
    """Write `<edition_dir>/report.html` from the directory's tables and edition.json."""
    edition_dir = Path(edition_dir)
    info = read_edition_info(edition_dir)
    return write_page(edition_dir / REPORT, render_edition(info, _read(edition_dir)))


def _read(edition_dir: Path) -> dict[str, list[dict]]:
    """The tables the report counts from: categories, departments, department clauses, item tables."""
    names = [CATEGORIES, DEPARTMENTS]
    for kind in KINDS.values():
        names.append(kind.item_table)
        names += [name for name, t in kind.tables.items() if t.department_clauses]
    tables = {}
    for name in dict.fromkeys(names):
        path = edition_dir / f"{name}.parquet"
        check_parquet_columns(name, path)
        tables[name] = read_rows(path)
    return tables


def render_edition(info: EditionInfo, tables: dict[str, list[dict]]) -> str:
    body = [_header(info), _toc(), _totals(info)]
    body += [_list_section(info, key, tables[CATEGORIES]) for key in info.lists]
    body += [_departments(tables), _outcomes(tables), _warnings(info)]
    footer = (f"由 duty-lists {esc(info.pipeline_version)} 根据 {esc(info.edition_id)}/ 目录中的数据表生成；"
              "图表中的每个数字均见于旁边的表格。Generated from the edition's tables; every number in a chart is in a table.")
    return document(f"{info.title}｜数据报告", body, footer=footer)


def _header(info: EditionInfo) -> str:
    place = "".join(p for p in (info.province, info.city, info.district, info.township) if p)
    sources = "；".join(
        f"{esc(s.file)}（{esc(s.format)}{f'，{s.pages}页' if s.pages is not None else ''}，sha256 {esc(s.sha256[:12])}…）"
        for s in info.sources)
    return (f"<header>{heading(1, info.title)}"
            f'<p class="meta">{bilingual("地方 Place")}：{esc(place)}　{bilingual("发布 Published")}：{esc(month(info.published))}'
            f'　{bilingual("版本 Edition")}：<code>{esc(info.edition_id)}</code></p>'
            f'<p class="meta">{bilingual("来源文件 Sources")}：{sources}</p></header>')


def _toc() -> str:
    links = [("totals", "清单总数"), *((f"list-{k.key}", k.name) for k in KINDS.values()),
             ("departments", "上级部门负荷"), ("outcomes", "处置方式"), ("warnings", "警告")]
    return '<nav class="toc">' + "".join(f'<a href="#{a}">{esc(t)}</a>' for a, t in links) + "</nav>"


def _totals(info: EditionInfo) -> str:
    """Declared (preface or headings) against extracted, per list."""
    rows = []
    for key, s in info.lists.items():
        match = s.declared_total == s.extracted_total and s.declared_category_count == s.extracted_categories
        rows.append([
            esc(s.title) + f'<span class="en" lang="en">{esc(KINDS[key].en)}</span>',
            figure(s.declared_category_count, f"{key}.declared_categories"),
            figure(s.extracted_categories, f"{key}.categories"),
            figure(s.declared_total, f"{key}.declared_items"),
            figure(s.extracted_total, f"{key}.items"),
            "一致" if match else '<span class="bad">不一致</span>',
            "说明" if s.declared_from == "preface" else "类别标题",
            esc("、".join(s.extra_columns)) or "—",
        ])
    grid = table(["清单 List", "声明类别数 Declared categories", "实际类别数 Categories", "声明事项数 Declared items",
                  "实际事项数 Items", "核对 Check", "声明来源 Declared in", "模板以外的列 Extra columns"],
                 rows, numeric={1, 2, 3, 4})
    chart = bar_chart([s.title for s in info.lists.values()], [("事项数", [s.extracted_total for s in info.lists.values()])],
                      "各清单事项数（实际）Items per list")
    return heading(2, "清单总数", "Totals", "totals") + grid + f'<div class="figure">{chart}</div>'


def _list_section(info: EditionInfo, key: str, categories: list[dict]) -> str:
    """Items per category: the category table (declared （N项） and found) and its bars."""
    summary = info.lists[key]
    rows = sorted((c for c in categories if c["list"] == key), key=lambda c: c["category_no"])
    grid = table(
        ["序号 No.", "类别 Category", "声明 Declared", "实际 Items"],
        [[str(c["category_no"]), esc(c["category"]), figure(c["declared_count"], f"{key}.category_declared", c["category_no"]),
          figure(c["item_count"], f"{key}.category_items", c["category_no"])] for c in rows],
        numeric={0, 2, 3},
        total=["", "合计", "", str(sum(c["item_count"] for c in rows))],
    )
    chart = bar_chart([c["category"] for c in rows], [("事项数", [c["item_count"] for c in rows])],
                      f"{summary.title}：各类别事项数 Items per category", label_max=200)
    return (heading(2, summary.title, KINDS[key].en, f"list-{key}")
            + f'<div class="figure">{grid}{chart}</div>')


def _load_columns() -> list[tuple[str, str, str]]:
    """(figure name, table column, label) of each department count: items of each list naming it, then
    clauses of each table giving clauses to departments."""
    cols = [(f"department.{k.key}_items", f"{k.key}_items", f"{k.department_count.zh} {k.department_count.en}")
            for k in KINDS.values() if k.department_count]
    cols += [(f"department.{name}", name, f"{_clause_field(k)}条数 Clauses")
             for k in KINDS.values() for name, t in k.tables.items() if t.department_clauses]
    return cols


def _clause_field(kind) -> str:
    """How the list names the clauses it gives departments (上级部门职责)."""
    return next((f.zh for f in kind.fields if f.shape == "department_clauses"), kind.name)


def department_load(tables: dict[str, list[dict]]) -> list[tuple[str, dict[str, int]]]:
    """Every department with its counts (departments table, clause tables), heaviest first."""
    cols = _load_columns()
    load: dict[str, dict[str, int]] = {}
    for row in tables[DEPARTMENTS]:
        load[row["department"]] = {c: row[c] for _, c, _ in cols if c in row}
    for _, name, _ in cols:
        if name not in tables:
            continue
        for row in tables[name]:
            counts = load.setdefault(row["department"], {})
            counts[name] = counts.get(name, 0) + 1
    order = [c for _, c, _ in cols]
    return sorted(((d, {c: counts.get(c, 0) for c in order}) for d, counts in load.items()),
                  key=lambda p: ([-p[1][c] for c in order], p[0]))


def _departments(tables: dict[str, list[dict]]) -> str:
    cols = _load_columns()
    load = department_load(tables)
    if not load:
        return heading(2, "上级部门负荷", "Departments by load", "departments") + "<p>本版本未列出上级部门。</p>"
    top = load[:TOP_DEPARTMENTS]
    chart = bar_chart([d for d, _ in top], [(label.partition(" ")[0], [c[col] for _, c in top]) for _, col, label in cols],
                      f"负担最重的 {len(top)} 个上级部门（共 {len(load)} 个）Departments by load, top {len(top)}")
    grid = table(["部门 Department", *(label for _, _, label in cols)],
                 [[esc(d), *(figure(c[col], name, d) for name, col, _ in cols)] for d, c in load],
                 numeric=set(range(1, len(cols) + 1)), css="wide")
    return (heading(2, "上级部门负荷", "Departments by load", "departments")
            + '<p class="note">按涉及的事项数排序。Sorted by the items naming each department, then its clauses.</p>'
            + chart + heading(3, f"全部 {len(load)} 个部门", "All departments") + grid)


def _outcomes(tables: dict[str, list[dict]]) -> str:
    """Each coded field (a reclaimed item's disposition): items per value, with the value's Chinese label."""
    parts = [heading(2, "处置方式", "Outcomes", "outcomes")]
    for kind in KINDS.values():
        items = tables[kind.item_table]
        for f in kind.fields:
            if not f.labels:
                continue
            counts = {value: sum(1 for i in items if i.get(f.name) == value) for value in f.labels}
            counts |= {v: sum(1 for i in items if i.get(f.name) == v) for v in sorted({i.get(f.name) for i in items} - set(f.labels), key=str)}
            total = sum(counts.values())
            grid = table([f"{f.zh} {f.name}", "事项数 Items", "占比 Share"],
                         [[esc(f.label(v)) + f'<span class="en" lang="en">{esc(v)}</span>',
                           figure(n, f"{kind.key}.{f.name}", v), f"{100 * n / total:.0f}%" if total else "—"]
                          for v, n in counts.items()],
                         numeric={1, 2}, total=["合计", str(total), ""])
            chart = bar_chart([f.label(v) for v in counts], [("事项数", list(counts.values()))],
                              f"{kind.title}：{f.zh} {f.name}")
            parts.append(heading(3, kind.title, kind.en) + f'<div class="figure">{grid}{chart}</div>')
    return "".join(parts)


def _warnings(info: EditionInfo) -> str:
    head = heading(2, "警告", "Warnings", "warnings")
    count = f'<p>共 {figure(len(info.warnings), "warnings")} 条。</p>'
    if not info.warnings:
        return head + count
    rows = [[esc(w.code), esc(KINDS[w.list].name if w.list in KINDS else w.list or "—"), esc(w.seq if w.seq is not None else "—"),
             esc(w.message)] for w in info.warnings]
    return head + count + table(["类型 Code", "清单 List", "序号 No.", "说明 Message"], rows, css="wide")
