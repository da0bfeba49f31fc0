"""Step 5: write the diff's files, all or nothing.

Everything is written into a temporary sibling of the output directory that
is renamed into place at the end, so a reader (or `make`) never sees a
half-written diff, and a failed run leaves the previous diff untouched.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pyarrow as pa

from pipeline.models import ChangeRow, FieldChangeRow
from pipeline.write import arrow_schema, atomic_directory, rows_table, write_arrow_table

# a file that marks a directory as one of ours, safe to replace
MARKER = "summary.json"

CHANGES_SCHEMA = arrow_schema(ChangeRow)
FIELD_CHANGES_SCHEMA = arrow_schema(FieldChangeRow)


def write_table(rows: list[dict], schema: pa.Schema, directory: Path, stem: str) -> None:
    """<stem>.parquet and <stem>.csv, as every table of the project is written."""
    write_arrow_table(rows_table(rows, schema), directory, stem)


def write_json(data, path: Path) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def replace_dir(out_dir: Path, fill: Callable[[Path], None]) -> None:
    """Call fill(tmp) on a fresh sibling directory, then swap it in as out_dir.

    Only a previous diff (holding summary.json) or an empty directory is replaced.
    """
    with atomic_directory(out_dir, marker=MARKER) as tmp:
        fill(tmp)
