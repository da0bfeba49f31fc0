"""docs/data-dictionary.md: generated from the row models, never stale, and saying what the tables hold.

The expected tables, keys, columns and types are written out here by hand from
pipeline/models.py, not read from the pipeline's own column helpers.
"""

from __future__ import annotations

from helpers import TABLE_NAMES
from pipeline.deliver.dictionary import DOC, main, render

TABLES = TABLE_NAMES
PRIMARY_KEYS = {
    "basic_duties": "`edition_id`, `seq`",
    "coordinated_duties": "`edition_id`, `seq`",
    "coordinated_department_duties": "`edition_id`, `seq`, `department`, `clause_no`",
    "coordinated_township_duties": "`edition_id`, `seq`, `clause_no`",
    "reclaimed_duties": "`edition_id`, `seq`",
    "reclaimed_method_clauses": "`edition_id`, `seq`, `clause_no`",
    "categories": "`edition_id`, `list`, `category_no`",
    "departments": "`edition_id`, `department`",
}
# table -> rows "| # | `column` | 中文 | type | null? | DuckDB |" (the description column follows)
EDITION_ID = "| 1 | `edition_id` | 版本标识 | string | no | `VARCHAR` |"
SEQ = "| 2 | `seq` | 序号 | integer ≥ 1 | no | `BIGINT` |"
COLUMNS = {
    "basic_duties": [
        EDITION_ID, SEQ,
        "| 3 | `category_no` | 类别序号 | integer | no | `BIGINT` |",
        "| 4 | `category` | 类别名称 | string | no | `VARCHAR` |",
        "| 5 | `text` | 事项名称（原文） | string | no | `VARCHAR` |",
        "| 6 | `extra` | 模板以外的列：列名→内容 | map string → string | may be empty | `MAP(VARCHAR, VARCHAR)` |",
        "| 7 | `ocr_confidence` | 文字识别置信度 | number ≥ 0 | yes | `DOUBLE` |",
    ],
    "coordinated_duties": [
        EDITION_ID, SEQ,
        "| 3 | `category_no` | 类别序号 | integer | no | `BIGINT` |",
        "| 4 | `category` | 类别名称 | string | no | `VARCHAR` |",
        "| 5 | `name` | 事项名称 | string | no | `VARCHAR` |",
        "| 6 | `departments` | 上级部门（按原文顺序） | list of string | may be empty | `VARCHAR[]` |",
        "| 7 | `department_count` | 对应上级部门数 | integer | no | `BIGINT` |",
        "| 8 | `township_clause_count` | 乡镇配合职责条数 | integer | no | `BIGINT` |",
        "| 9 | `extra` | 模板以外的列：列名→内容 | map string → string | may be empty | `MAP(VARCHAR, VARCHAR)` |",
        "| 10 | `ocr_confidence` | 文字识别置信度 | number ≥ 0 | yes | `DOUBLE` |",
    ],
    "coordinated_department_duties": [
        EDITION_ID, SEQ,
        "| 3 | `department` | 上级部门 | string | no | `VARCHAR` |",
        "| 4 | `clause_no` | 条款序号 | integer ≥ 1 | no | `BIGINT` |",
        "| 5 | `text` | 上级部门职责（一条） | string | no | `VARCHAR` |",
        "| 6 | `label` | 原文标签 | string | yes | `VARCHAR` |",
    ],
    "coordinated_township_duties": [
        EDITION_ID, SEQ,
        "| 3 | `clause_no` | 条款序号 | integer ≥ 1 | no | `BIGINT` |",
        "| 4 | `text` | 乡镇（街道）配合职责（一条） | string | no | `VARCHAR` |",
    ],
    "reclaimed_duties": [
        EDITION_ID, SEQ,
        "| 3 | `category_no` | 类别序号 | integer | no | `BIGINT` |",
        "| 4 | `category` | 类别名称 | string | no | `VARCHAR` |",
        "| 5 | `name` | 事项名称 | string | no | `VARCHAR` |",
        "| 6 | `departments` | 承接部门 | list of string | may be empty | `VARCHAR[]` |",
        "| 7 | `disposition` | 处置方式 | string: `transferred` / `discontinued` | no | `VARCHAR` |",
        "| 8 | `reason` | 不再开展的原因 | string | yes | `VARCHAR` |",
        "| 9 | `method` | 工作方式 | string | no | `VARCHAR` |",
        "| 10 | `extra` | 模板以外的列：列名→内容 | map string → string | may be empty | `MAP(VARCHAR, VARCHAR)` |",
        "| 11 | `ocr_confidence` | 文字识别置信度 | number ≥ 0 | yes | `DOUBLE` |",
    ],
    "reclaimed_method_clauses": [
        EDITION_ID, SEQ,
        "| 3 | `clause_no` | 条款序号 | integer ≥ 1 | no | `BIGINT` |",
        "| 4 | `text` | 工作方式（一条） | string | no | `VARCHAR` |",
        "| 5 | `department` | 条款开头的承接部门 | string | yes | `VARCHAR` |",
    ],
    "categories": [
        EDITION_ID,
        "| 2 | `list` | 清单 | string: `basic` / `coordinated` / `reclaimed` | no | `VARCHAR` |",
        "| 3 | `category_no` | 类别序号 | integer | no | `BIGINT` |",
        "| 4 | `category` | 类别名称 | string | no | `VARCHAR` |",
        "| 5 | `declared_count` | 标题声明的事项数 | integer | yes | `BIGINT` |",
        "| 6 | `item_count` | 实际事项数 | integer | no | `BIGINT` |",
    ],
    "departments": [
        EDITION_ID,
        "| 2 | `department` | 部门名称 | string | no | `VARCHAR` |",
        "| 3 | `coordinated_items` | 涉及的配合履职事项数 | integer | no | `BIGINT` |",
        "| 4 | `reclaimed_items` | 承接的收回事项数 | integer | no | `BIGINT` |",
    ],
}  # fmt: skip
VIEWS = ["v_duties_per_category", "v_department_clauses", "v_reclaimed_by_disposition", "v_changes", "v_change_counts"]


def _section(text: str, table: str) -> str:
    """The text of one table's section, from its heading to the next."""
    start = text.index(f"### {table}\n")
    end = text.find("\n### ", start + 1)
    return text[start:end if end != -1 else len(text)]


def test_committed_dictionary_is_up_to_date():
    assert DOC.exists(), "run: python -m pipeline.deliver.dictionary"
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/data-dictionary.md is stale: run python -m pipeline.deliver.dictionary"
    )


def test_table_list_in_output_order():
    text = render()
    index = [line.split("`")[1] for line in text.splitlines() if line.startswith("| [`")]
    assert index == TABLES
    headings = [line.removeprefix("### ") for line in text.splitlines() if line.startswith("### ") and "`" not in line]
    assert headings == TABLES
    assert "| [`basic_duties`](#basic_duties) | 基本履职事项：每项一行 | Basic duties: one row per item of the basic list | `edition_id`, `seq` |" in text
    assert ("- **Lists of an edition**: `basic` 基本履职事项清单, `coordinated` 配合履职事项清单, "
            "`reclaimed` 上级部门收回事项清单.") in text  # fmt: skip


def test_every_table_and_column_with_both_languages():
    text = render()
    for table in TABLES:
        section = _section(text, table)
        assert f"- Primary key: {PRIMARY_KEYS[table]}\n" in section, table
        rows = [line for line in section.splitlines() if line.startswith("| ") and line[2].isdigit()]
        assert len(rows) == len(COLUMNS[table]), table
        for row, expected in zip(rows, COLUMNS[table]):
            assert row.startswith(expected + " "), (table, row)
            assert row.removeprefix(expected).strip(" |"), (table, row)  # an English description follows
    assert "| 2 | `seq` | 序号 | integer ≥ 1 | no | `BIGINT` | Item number within its list, as published |" in text
    assert ("- Foreign key: `edition_id`, `seq` → [`coordinated_duties`](#coordinated_duties) (`edition_id`, `seq`); "
            "not checked where a value is null") in _section(text, "coordinated_department_duties")  # fmt: skip
    for view in VIEWS:
        assert f"| `{view}` |" in text
    assert ('one JSON object in CSV (`{"备注": "/"}`, `{}` when the edition has none), a native `map<string, string>` '
            "in Parquet, `MAP(VARCHAR, VARCHAR)` in DuckDB") in text
    assert "one `列名：内容` line per column in Excel" in text


def test_a_model_change_makes_it_stale(monkeypatch):
    from pipeline import models

    before = render()
    field = models.BasicDutyRow.model_fields["text"]
    monkeypatch.setattr(field, "description", "Changed｜改了")
    assert render() != before


def test_check_flag(tmp_path):
    out = tmp_path / "dd.md"
    assert main(["--check", "--out", str(out)]) == 1  # missing
    assert main(["--out", str(out)]) == 0
    assert main(["--check", "--out", str(out)]) == 0
    out.write_text(out.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    assert main(["--check", "--out", str(out)]) == 1
