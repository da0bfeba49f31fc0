"""Analyst deliverables built from an output directory's Parquet files.

- `xlsx.write_workbook(edition_dir)`: one Excel workbook per edition;
- `database.build_database(output_dir)`: `duties.duckdb` with every edition and diff;
- `datapackage.write_datapackage(output_dir)`: a Frictionless Data Package (v2) descriptor;
- `dictionary.render()`: `docs/data-dictionary.md`.

Everything about a column (name, order, type, nullability, bilingual description)
comes from the row models via `pipeline.columns.columns()`, so the four
deliverables cannot disagree with each other or with the writer.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.columns import Column, columns, split_description, table_description
from pipeline.errors import InputError
from pipeline.lists import KINDS
from pipeline.models import PRIMARY_KEYS, TABLES
from pipeline.outputs import diff_dirs, diff_editions, edition_dirs, read_edition_info
from pipeline.write import LIST_JOINER

#: foreign keys between the flat tables, as the list kinds declare them:
#: (table, fields, referenced table, referenced fields).
#: Rows whose key fields hold a null are not checked (SQL's MATCH SIMPLE).
FOREIGN_KEYS: list[tuple[str, list[str], str, list[str]]] = [
    (name, list(fk.fields), fk.table, list(fk.ref_fields))
    for kind in KINDS.values()
    for name, table in kind.tables.items()
    for fk in table.foreign_keys
]


def list_title(key: str) -> str:
    """基本履职事项清单 for "basic"; an unknown key as it is."""
    return KINDS[key].title if key in KINDS else key


def read_rows(path: Path) -> list[dict]:
    """A Parquet file's rows as plain Python dicts (lists stay lists, maps become dicts in stored order, nulls are None)."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as f:  # not pq.read_table: its dataset layer imports pandas
        return f.read().to_pylist(maps_as_pydicts="strict")


def check_parquet_columns(table: str, path: Path) -> None:
    """The Parquet file must hold the model's columns and no others (a pandas index aside)."""
    import pyarrow.parquet as pq

    expected = [c.name for c in columns(table)]
    found = [n for n in pq.read_schema(path).names if not n.startswith("__index_level_")]
    missing = [n for n in expected if n not in found]
    extra = [n for n in found if n not in expected]
    if missing or extra:
        raise InputError("output_invalid", f"{path.name}: columns differ from the model's: missing {missing}, "
                         f"unexpected {extra}", file=path.parent)


def insert_rows(con, table: str, rows: list, chunk: int = 500) -> None:
    """Rows (tuples in the table's column order) into the DuckDB table `table`, `chunk` rows a statement.

    Not through Arrow: building Arrow arrays from Python objects, and DuckDB's reading of them, import
    pandas (0.4 s of every build); not executemany, which runs a statement per row (1-2 ms each).
    """
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        marks = "(" + ", ".join("?" * len(part[0])) + ")"
        con.execute(f'INSERT INTO "{table}" VALUES ' + ", ".join([marks] * len(part)), [v for row in part for v in row])


__all__ = [
    "insert_rows",
    "Column",
    "FOREIGN_KEYS",
    "LIST_JOINER",
    "PRIMARY_KEYS",
    "TABLES",
    "check_parquet_columns",
    "columns",
    "diff_dirs",
    "diff_editions",
    "edition_dirs",
    "list_title",
    "read_edition_info",
    "read_rows",
    "split_description",
    "table_description",
]
