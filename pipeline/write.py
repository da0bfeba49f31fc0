"""Writers: Parquet, CSV and JSON into a temporary directory, moved into place whole.

A run that fails leaves the previous output untouched and no partial directory.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.columns import columns
from pipeline.models import TABLES, Edition, EditionInfo, Strict
from pipeline.tables import flatten

LIST_JOINER = "、"  # how list columns are shown in CSV and Excel


_ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
                "list": pa.list_(pa.string())}


def arrow_schema(model: type[Strict]) -> pa.Schema:
    """Column names, order, types and nullability from the row model."""
    return pa.schema([pa.field(c.name, _ARROW_TYPES[c.kind], nullable=c.nullable) for c in columns(model)])


def table_frame(model: type[Strict], rows: list[Strict]) -> pd.DataFrame:
    return pd.DataFrame([r.model_dump() for r in rows], columns=list(model.model_fields))


def write_arrow_table(table: pa.Table, directory: Path, stem: str) -> None:
    """<stem>.parquet (typed, list columns as lists) and <stem>.csv for spreadsheets."""
    pq.write_table(table, directory / f"{stem}.parquet")
    frame = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)  # nullable ints stay ints
    for field in table.schema:
        if pa.types.is_list(field.type):
            frame[field.name] = frame[field.name].map(lambda v: LIST_JOINER.join(v) if v is not None else "")
    # UTF-8 with BOM: Excel and WPS then read the Chinese text correctly
    frame.to_csv(directory / f"{stem}.csv", index=False, encoding="utf-8-sig")


def write_table(directory: Path, name: str, model: type[Strict], rows: list[Strict]) -> None:
    frame = table_frame(model, rows)
    write_arrow_table(pa.Table.from_pandas(frame, schema=arrow_schema(model), preserve_index=False), directory, name)


def write_json(path: Path, model: Strict) -> None:
    path.write_text(model.model_dump_json(indent=2) + "\n", encoding="utf-8")


@contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a fresh temporary sibling of `target`; on success it replaces `target` whole.

    On failure the temporary directory goes and `target` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o755)  # mkdtemp makes it private
        old = target.with_name(f".{target.name}.{os.getpid()}.old")
        if target.exists():
            target.rename(old)
        try:
            tmp.rename(target)
        except OSError:
            if old.exists():
                old.rename(target)  # put the previous output back
            raise
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_edition(
    edition: Edition, info: EditionInfo, target: Path, extras: tuple[Callable[[Path], object], ...] = ()
) -> Path:
    """All tables and JSON of one edition into `target`; `extras` add files before the move."""
    with atomic_directory(target) as tmp:
        for name, rows in flatten(edition).items():
            write_table(tmp, name, TABLES[name], rows)
        write_json(tmp / "duties.json", edition)
        write_json(tmp / "edition.json", info)
        for extra in extras:
            extra(tmp)
    return target
