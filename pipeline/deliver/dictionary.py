"""`docs/data-dictionary.md`, generated from the row models (names, order, types, descriptions).

    python -m pipeline.deliver.dictionary           # (re)write docs/data-dictionary.md
    python -m pipeline.deliver.dictionary --check   # exit 1 if it is stale

tests/deliver/test_dictionary.py fails when the committed file differs from render().
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.deliver import FOREIGN_KEYS, LIST_JOINER, PRIMARY_KEYS, TABLES, columns, table_description
from pipeline.deliver.database import _SQL_TYPES, EXTRA_TABLES, VIEWS
from pipeline.deliver.xlsx import MAP_LINE
from pipeline.models import DIFF_TABLES
from pipeline.lists import KINDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _code(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


def _bilingual(description: str) -> str:
    en, _, zh = description.partition("｜")
    return f"{en} — {zh}" if zh else en


def _source_columns() -> list[str]:
    """The printed columns each list kind recognises, every spelling (pipeline/lists)."""
    out = [
        "## Source columns · 原表列标题",
        "",
        "The column titles by which each list's table is recognised in a published edition, first as the "
        "national template prints them, then the other wordings editions use (compared without whitespace, "
        "full-width and half-width brackets alike). Declared in `pipeline/lists/`.",
        "",
        "| list | column | role | titles accepted |",
        "| --- | --- | --- | --- |",
    ]
    for kind in KINDS.values():
        for column in kind.columns:
            others = "、".join(column.titles[1:]) or "—"
            out.append(f"| `{kind.key}` {kind.name} | {column.title} | `{column.role}` | {_cell(others)} |")
    return out + [""]


def render() -> str:
    out: list[str] = []
    add = out.append
    add("# Data dictionary · 数据字典")
    add("")
    add(
        "<!-- Generated from pipeline/models.py and pipeline/lists/ by `python -m pipeline.deliver.dictionary`. "
        "Do not edit by hand: tests/deliver/test_dictionary.py fails when this file is stale. -->"
    )
    add("")
    add(
        "Every column's name, order, type and description below comes from the row models in "
        "`pipeline/models.py`, the same source the CSV/Parquet writer, the Excel workbook, the DuckDB "
        "database and `datapackage.json` use."
    )
    add("")
    add("## Files · 文件")
    add("")
    add("| path | what |")
    add("| --- | --- |")
    add("| `output/<edition_id>/<table>.csv` | one file per table below: UTF-8 with BOM, comma-separated, one header row of column names |")
    add("| `output/<edition_id>/<table>.parquet` | the same table in Parquet; list columns are native lists, map columns native maps |")
    add("| `output/<edition_id>/<edition_id>.xlsx` | Excel workbook: sheet `edition` (metadata, declared vs extracted totals, warnings), then one sheet per table |")
    add("| `output/<edition_id>/duties.json` | the nested edition (lists → categories → items → clauses) |")
    add("| `output/<edition_id>/edition.json` | metadata, declared vs extracted counts, sources, warnings |")
    add("| `output/diffs/<old>__<new>/` | changes between two editions: `changes.*`, `field_changes.*`, `summary.json`, `report.md` |")
    add("| `output/duties.duckdb` | every edition's tables and every diff in one DuckDB database, with views (below) |")
    add("| `output/datapackage.json` | Frictionless Data Package (v2) describing every CSV and Parquet file |")
    add("")
    add("## Conventions · 约定")
    add("")
    add(f"- **Lists** (type *list of string*): joined with `{LIST_JOINER}` in CSV and Excel, native lists in Parquet, `VARCHAR[]` in DuckDB; an empty list is an empty cell.")
    add(
        "- **Maps** (type *map string → string*, the column `extra`): the columns an edition prints that the "
        "national template does not have (备注, 法律依据, …), column title → cell text, keys in printed order; "
        "one JSON object in CSV (`{\"备注\": \"/\"}`, `{}` when the edition has none), a native "
        "`map<string, string>` in Parquet, `MAP(VARCHAR, VARCHAR)` in DuckDB, a JSON object in duties.json, "
        f"one `{MAP_LINE.format(key='列名', value='内容')}` line per column in Excel (empty when the map is). "
        "The titles of an edition's extra columns are in edition.json (`lists.<list>.extra_columns`)."
    )
    add("- **Null**: an empty CSV cell, an empty Excel cell, SQL `NULL`.")
    add("- **edition_id** is the source file's stem (e.g. `songzhuang-2025-07`); every table carries it, so editions stack.")
    add("- **seq** is the item number as published, unique within its list and edition; clauses are numbered 1..n within their item (and department).")
    add("- **Lists of an edition**: " + ", ".join(f"`{k.key}` {k.title}" for k in KINDS.values()) + ".")
    add("- **Excel headings**: row 1 the Chinese heading (中文列名), row 2 the column name; hover the column name for its English description.")
    add("")
    out.extend(_source_columns())
    add("## Tables · 数据表")
    add("")
    add("| table | 中文 | rows | primary key |")
    add("| --- | --- | --- | --- |")
    for table in TABLES:
        en, zh = table_description(table)
        add(f"| [`{table}`](#{table}) | {_cell(zh)} | {_cell(en)} | {_code(PRIMARY_KEYS[table])} |")
    add("")
    for table in TABLES:
        en, zh = table_description(table)
        add(f"### {table}")
        add("")
        add(f"{en}. {zh}。" if not en.endswith(".") else f"{en} {zh}。")
        add("")
        add(f"- Primary key: {_code(PRIMARY_KEYS[table])}")
        for src, fields, ref, ref_fields in FOREIGN_KEYS:
            if src == table:
                add(f"- Foreign key: {_code(fields)} → [`{ref}`](#{ref}) ({_code(ref_fields)}); not checked where a value is null")
        for src, fields, ref, ref_fields in FOREIGN_KEYS:
            if ref == table:
                add(f"- Referenced by: [`{src}`](#{src}) ({_code(fields)})")
        add("")
        add("| # | column | 中文 | type | null? | DuckDB | description |")
        add("| --- | --- | --- | --- | --- | --- | --- |")
        for i, c in enumerate(columns(table), start=1):
            null = "yes" if c.nullable else ("may be empty" if c.is_list or c.is_map else "no")
            add(
                f"| {i} | `{c.name}` | {_cell(c.zh)} | {_cell(c.type_label)} | {null} | "
                f"`{_SQL_TYPES[c.kind]}` | {_cell(c.en)} |"
            )
        add("")
    add("## Diffs · 版本比较")
    add("")
    add(
        "`output/diffs/<old>__<new>/`: `changes.{parquet,csv,json}`, one row per change between two editions, "
        "and `field_changes.{parquet,csv}`, one row per changed field or clause."
    )
    for stem, model in DIFF_TABLES.items():
        add("")
        add(f"### `{stem}`")
        add("")
        add("| column | 中文 | type | description |")
        add("| --- | --- | --- | --- |")
        for c in columns(model):
            add(f"| `{c.name}` | {_cell(c.zh)} | {c.type_label} | {_cell(c.en)} |")
    add("")
    add("## DuckDB: `output/duties.duckdb`")
    add("")
    add(
        "Rebuilt from the Parquet files by every build (never edit it by hand). It holds every table above "
        "with all editions stacked (same names, `edition_id` in each, primary keys enforced), and:"
    )
    add("")
    add("| table | description |")
    add("| --- | --- |")
    for name, (description, _) in EXTRA_TABLES.items():
        add(f"| `{name}` | {_cell(_bilingual(description))} |")
    for stem, model in DIFF_TABLES.items():
        add(f"| `{stem}` | {_cell(_bilingual(model.__doc__))}; columns `old_edition`, `new_edition`, then those of {stem}.parquet |")
    add("| `field_changes` | every diff's field_changes.parquet, with `old_edition`, `new_edition` (only when a diff wrote one) |")
    add("")
    add("| view | description |")
    add("| --- | --- |")
    for name, (description, _) in VIEWS.items():
        add(f"| `{name}` | {_cell(_bilingual(description))} |")
    add("")
    add("Table and column descriptions are stored as comments: `SELECT table_name, column_name, comment FROM duckdb_columns()`.")
    add("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.deliver.dictionary", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/data-dictionary.md is stale")
    parser.add_argument("--out", type=Path, default=DOC)
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        if current != text:
            print(f"{args.out} is stale: run python -m pipeline.deliver.dictionary", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
