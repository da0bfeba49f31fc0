"""`output/duties.duckdb`: every edition's tables in one database, plus views.

Rebuilt from scratch from the Parquet files on every build (never edited by
hand), written to a temporary file and renamed into place.

Tables
- the flat tables of `pipeline.models.TABLES`, every edition's rows in one table
  (each row carries its edition_id), typed and keyed from the row models;
- `editions` (edition.json metadata, with `edition_no`: 1, 2, ... per township
  in order of publication), `edition_lists` (declared vs extracted totals),
  `warnings`, `lists` (list kinds and their Chinese titles);
- `changes` (every `diffs/<old>__<new>/changes.parquet`, with old_edition and
  new_edition added) and, when the diff wrote them, `field_changes`.

Views: see VIEWS below (their descriptions also go into the data dictionary).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipeline.deliver import townships
from pipeline.deliver import (
    insert_rows,
    PRIMARY_KEYS,
    TABLES,
    Column,
    check_parquet_columns,
    columns,
    diff_dirs,
    diff_editions,
    edition_dirs,
    read_edition_info,
    table_description,
)
from pipeline.editions import edition_numbers
from pipeline.errors import InputError, display_path
from pipeline.lists import KINDS
from pipeline.models import DIFF_TABLES, EditionMeta
from pipeline.write import partial_path

DATABASE = "duties.duckdb"

# DuckDB keeps what it has written in its buffer up to its memory limit (80% of RAM by default), so
# the database of a large corpus would take the build's memory with it: a fixed limit makes it write
# blocks out and spill aggregations instead (no table of a corpus's size declares a key, whose index
# could not spill), and not keeping insertion order lets large inserts stream
DUCKDB_CONFIG = {"memory_limit": "512MB", "preserve_insertion_order": False}

_SQL_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "list": "VARCHAR[]",
              "map": "MAP(VARCHAR, VARCHAR)"}


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def column_ddl(c: Column) -> str:
    ddl = f"{_q(c.name)} {_SQL_TYPES[c.kind]}"
    if not c.nullable:
        ddl += " NOT NULL"
    if c.enum:
        ddl += f" CHECK ({_q(c.name)} IN ({', '.join(_lit(v) for v in c.enum)}))"
    return ddl


def table_ddl(table: str) -> str:
    """The table of one row model. Its primary key is checked (check_unique), not declared: DuckDB holds
    a declared key's index in memory, which for a national corpus's items would not fit its memory limit."""
    cols = [column_ddl(c) for c in columns(table)]
    return f"CREATE TABLE {_q(table)} (\n  " + ",\n  ".join(cols) + "\n)"


def check_unique(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """InputError output_invalid when two rows of `table` share its primary key (an aggregation, which
    DuckDB spills to disk when it must)."""
    keys = ", ".join(_q(k) for k in PRIMARY_KEYS[table])
    twice = con.execute(f"SELECT {keys} FROM {_q(table)} GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL LIMIT 1").fetchone()
    if twice:
        shown = ", ".join(f"{k}={v!r}" for k, v in zip(PRIMARY_KEYS[table], twice))
        raise InputError("output_invalid", f"{table}: two rows with one primary key ({shown})")


# the extra tables: name -> (description, DDL); the tables across townships are filled last (townships.fill)
EXTRA_TABLES: dict[str, tuple[str, str]] = {
    "lists": (
        "The three lists, in published order｜三张清单",
        """CREATE TABLE lists (
  list VARCHAR PRIMARY KEY,   -- the list kind's key (pipeline.lists)
  list_no INTEGER NOT NULL,   -- 1, 2, 3 in published order
  title VARCHAR NOT NULL      -- the list's Chinese title
)""",
    ),
    "editions": (
        "One row per edition (edition.json); edition_no orders each township's editions by publication｜版本",
        """CREATE TABLE editions (
  edition_id VARCHAR PRIMARY KEY,
  title VARCHAR NOT NULL,
  province VARCHAR,
  city VARCHAR,
  district VARCHAR,
  township VARCHAR NOT NULL,
  published VARCHAR,          -- YYYY-MM
  edition_no INTEGER NOT NULL, -- 1, 2, ... within the township, by published then edition_id
  pipeline_version VARCHAR NOT NULL,
  source_files VARCHAR[] NOT NULL,
  warning_count INTEGER NOT NULL
)""",
    ),
    "edition_lists": (
        "Per edition and list: totals declared in the preface (说明) and extracted｜各版本各清单的声明数与实际数",
        """CREATE TABLE edition_lists (
  edition_id VARCHAR NOT NULL,
  list VARCHAR NOT NULL,
  title VARCHAR NOT NULL,
  declared_category_count INTEGER NOT NULL,
  extracted_category_count INTEGER NOT NULL,
  declared_total INTEGER NOT NULL,
  extracted_total INTEGER NOT NULL,
  extra_columns VARCHAR[] NOT NULL, -- columns the template does not have, as printed (each item's extra map)
  PRIMARY KEY (edition_id, list)
)""",
    ),
    "warnings": (
        "Warnings the extraction raised, per edition｜提取警告",
        """CREATE TABLE warnings (
  edition_id VARCHAR NOT NULL,
  warning_no INTEGER NOT NULL,
  code VARCHAR NOT NULL,
  list VARCHAR,
  seq INTEGER,
  message VARCHAR NOT NULL,
  PRIMARY KEY (edition_id, warning_no)
)""",
    ),
    **townships.TABLES,
}

def diff_table_ddl(stem: str) -> str:
    """A diff table: the two editions it compares, then the row model's columns."""
    cols = ["old_edition VARCHAR NOT NULL", "new_edition VARCHAR NOT NULL"] + [
        column_ddl(c) for c in columns(DIFF_TABLES[stem])
    ]
    return f"CREATE TABLE {_q(stem)} (\n  " + ",\n  ".join(cols) + "\n)"


def _items_per_category() -> str:
    """One UNION branch per list kind: its items counted per category."""
    return "\n    UNION ALL\n    ".join(
        f"SELECT edition_id, {_lit(k.key)} AS list, category_no, count(*) AS items FROM {_q(k.item_table)} GROUP BY ALL"
        for k in KINDS.values()
    )


def _department_load() -> str:
    """Per department, list by list: the items naming it, then the clauses it is given there.

    One CTE and one count column per list that names departments (`<list>_items`)
    and per table of clauses given to a department (`department_clauses`).
    """
    counts: list[tuple[str, str, str]] = []  # (CTE name, column, SELECT)
    for k in KINDS.values():
        if k.department_count:
            counts.append((f"{k.key}_load", f"{k.key}_items", f"SELECT edition_id, department, count(DISTINCT seq) AS {k.key}_items "
                           f"FROM (SELECT edition_id, unnest(departments) AS department, seq FROM {_q(k.item_table)}) GROUP BY ALL"))
        for name, table in k.tables.items():
            if table.department_clauses:
                counts.append((f"{name}_load", "department_clauses", f"SELECT edition_id, department, count(*) AS department_clauses "
                               f"FROM {_q(name)} GROUP BY ALL"))
    columns = [column for _, column, _ in counts]
    return (
        "\nWITH " + ",\n".join(f"{_q(cte)} AS (\n    {select}\n)" for cte, _, select in counts) + "\n"
        "SELECT edition_id, department,\n       "
        + ",\n       ".join(f"coalesce({c}, 0) AS {c}" for c in columns) + "\n"
        f"FROM {_q(counts[0][0])}\n" + "".join(f"FULL JOIN {_q(cte)} USING (edition_id, department)\n" for cte, _, _ in counts[1:])
        + "ORDER BY edition_id, " + ", ".join(f"{c} DESC" for c in columns) + ", department\n"
    )


# name -> (description "English｜中文", SQL); the list kinds add views of their own (ListKind.views)
VIEWS: dict[str, tuple[str, str]] = {
    "v_duties_per_category": (
        "Items per category, per edition and list, beside the count the heading declares｜各版本各清单每类事项数",
        f"""
WITH items AS (
    {_items_per_category()}
)
SELECT c.edition_id, e.township, e.published, c.list, l.title AS list_title,
       c.category_no, c.category, coalesce(i.items, 0) AS items, c.declared_count
FROM categories c
JOIN editions e USING (edition_id)
JOIN lists l USING (list)
LEFT JOIN items i USING (edition_id, list, category_no)
ORDER BY e.township, e.edition_no, l.list_no, c.category_no
""",
    ),
    "v_department_clauses": (
        "Per edition and department: items of each list naming it, and its clauses｜各版本各上级部门涉及的事项数、职责条数",
        _department_load(),
    ),
    **{name: view for k in KINDS.values() for name, view in k.views.items()},
    **townships.VIEWS,
    "v_changes": (
        "What changed between consecutive editions of a township (one row per change)｜相邻版本之间的变化",
        """
SELECT c.old_edition, c.new_edition, o.township, o.published AS old_published, n.published AS new_published,
       c.change, c.old_list, c.old_seq, c.old_category, c.new_list, c.new_seq, c.new_category,
       c.fields, c.similarity, c.summary
FROM changes c
JOIN editions o ON o.edition_id = c.old_edition
JOIN editions n ON n.edition_id = c.new_edition
WHERE o.township = n.township
  AND o.province IS NOT DISTINCT FROM n.province
  AND o.city IS NOT DISTINCT FROM n.city
  AND o.district IS NOT DISTINCT FROM n.district
  AND n.edition_no = o.edition_no + 1
ORDER BY o.township, o.edition_no, c.change,
         coalesce(c.new_list, c.old_list), coalesce(c.new_seq, c.old_seq)
""",
    ),
    "v_change_counts": (
        "Number of changes of each kind and list between consecutive editions｜相邻版本之间各类变化的数量",
        """
SELECT old_edition, new_edition, coalesce(new_list, old_list) AS list, change, count(*) AS changes
FROM v_changes
GROUP BY ALL
ORDER BY old_edition, new_edition, list, change
""",
    ),
}


def _comment(con, kind: str, name: str, text: str) -> None:
    con.execute(f"COMMENT ON {kind} {name} IS {_lit(text)}")


_PLACE_FIELDS = ("edition_id", "province", "city", "district", "township", "published")


def populate(con: duckdb.DuckDBPyConnection, output_dir: Path) -> None:
    """Create and fill every table and view in an open (empty) database."""
    output_dir = Path(output_dir)
    dirs = edition_dirs(output_dir)
    for name, (description, ddl) in EXTRA_TABLES.items():
        con.execute(ddl)
        _comment(con, "TABLE", _q(name), description)
    con.executemany("INSERT INTO lists VALUES (?, ?, ?)", [(k.key, n, k.title) for n, k in enumerate(KINDS.values(), 1)])
    # rows of the three tables edition.json gives, gathered (one edition.json in memory at a time) and
    # inserted at once: a statement per row costs 1-2 ms, minutes for a national corpus
    editions, edition_lists, warnings, metas = [], [], [], []
    for directory in dirs:
        info = read_edition_info(directory)
        metas.append(EditionMeta.model_construct(**{f: getattr(info, f) for f in _PLACE_FIELDS}))
        editions.append([info.edition_id, info.title, info.province, info.city, info.district, info.township,
                         info.published, None, info.pipeline_version, [s.file for s in info.sources], len(info.warnings)])
        edition_lists += [[info.edition_id, kind, s.title, s.declared_category_count, s.extracted_categories,
                           s.declared_total, s.extracted_total, s.extra_columns] for kind, s in info.lists.items()]
        warnings += [[info.edition_id, n, w.code, w.list, w.seq, w.message] for n, w in enumerate(info.warnings, 1)]
    numbers = edition_numbers(metas)  # per place, by published then edition_id (refuses a repeated id)
    for row in editions:
        row[7] = numbers[row[0]]
    insert_rows(con, "editions", editions)
    insert_rows(con, "edition_lists", edition_lists)
    insert_rows(con, "warnings", warnings)

    for table in TABLES:
        con.execute(table_ddl(table))
        en, zh = table_description(table)
        _comment(con, "TABLE", _q(table), f"{en}｜{zh}")
        for c in columns(table):
            _comment(con, "COLUMN", f"{_q(table)}.{_q(c.name)}", c.description)
        select = ", ".join(_q(c.name) for c in columns(table))
        paths = [str(directory / f"{table}.parquet") for directory in dirs]
        for path in paths:
            check_parquet_columns(table, Path(path))
        if paths:  # one statement for every edition's file: DuckDB reads them in parallel
            con.execute(f"INSERT INTO {_q(table)} SELECT {select} FROM read_parquet(?)", [paths])
        check_unique(con, table)
        stray = con.execute(
            f"SELECT DISTINCT edition_id FROM {_q(table)} WHERE edition_id NOT IN (SELECT edition_id FROM editions)"
        ).fetchall()
        if stray:
            raise InputError("output_invalid", f"{table}: rows whose edition_id matches no edition.json: "
                             f"{[r[0] for r in stray]}", file=output_dir)

    diffs = [(directory, *diff_editions(directory)) for directory in diff_dirs(output_dir)]
    for stem, model in DIFF_TABLES.items():
        con.execute(diff_table_ddl(stem))
        _comment(con, "TABLE", _q(stem), " ".join(model.__doc__.split()))
        select = ", ".join(_q(c.name) for c in columns(model))
        for directory, old, new in diffs:
            con.execute(
                f"INSERT INTO {_q(stem)} SELECT ?, ?, {select} FROM read_parquet(?)",
                [old, new, str(directory / f"{stem}.parquet")],
            )

    for name, (description, sql) in VIEWS.items():
        con.execute(f"CREATE VIEW {_q(name)} AS {sql}")
        _comment(con, "VIEW", _q(name), description)
    townships.fill(con)  # after the views: it reads v_department_clauses


def build_database(output_dir: Path) -> Path:
    """Write `output_dir/duties.duckdb` from every edition directory and diff, atomically."""
    output_dir = Path(output_dir)
    target = output_dir / DATABASE
    partial = partial_path(target)
    wal = partial.with_name(partial.name + ".wal")
    for leftover in (partial, wal):
        leftover.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(partial), config=DUCKDB_CONFIG)
        try:
            populate(con, output_dir)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(partial, target)
    except (duckdb.IOException, duckdb.FatalException) as err:
        if str(partial) not in str(err):
            raise  # not about writing our file: a bug
        # DuckDB's own I/O failure (disk full, read-only) is not an OSError
        raise InputError("output_unwritable", f"cannot write {display_path(target)}: {str(err).rsplit(': ', 1)[-1]}") from err
    finally:
        for leftover in (partial, wal):
            leftover.unlink(missing_ok=True)
    return target
