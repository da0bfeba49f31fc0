"""`output/dataset/`: every edition's tables as one Parquet dataset, partitioned hive-style by province.

    output/dataset/<table>/province=<省>/<edition_id>.parquet    one file per edition and table
    output/dataset/editions/province=<省>/editions.parquet       one row per edition (edition.json)

Any Parquet reader takes a whole table across the corpus, with `province` as a
column from the folder names: DuckDB `read_parquet('output/dataset/basic_duties/*/*.parquet',
hive_partitioning = true)`, pandas `read_parquet('output/dataset/basic_duties')`,
Polars `scan_parquet('output/dataset/basic_duties/**/*.parquet', hive_partitioning=True)`,
Spark `spark.read.parquet('output/dataset/basic_duties')`. An edition whose cover
names no province is in `province=__HIVE_DEFAULT_PARTITION__`, which those
readers take as null.

The per-edition files are hard links to the edition directories' own Parquet
files (no second copy on disk; a copy where the file system has no hard
links), so the dataset is always exactly those files. It is brought up to
date with the edition directories present on every build: files of editions
that went are removed, those of rebuilt editions relinked.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from pipeline.models import TABLES, EditionInfo
from pipeline.outputs import DATASET
from pipeline.write import partial_path, rows_table

EDITIONS = "editions"
PARTITION = "province"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"  # what Hive, Spark, Arrow and DuckDB read as null

# the editions table: edition.json's identity, place and publication, one row per edition
EDITION_COLUMNS = ("edition_id", "title", "city", "district", "township", "published")


def partition(province: str | None) -> str:
    return f"{PARTITION}={province or NULL_PARTITION}"


def sync_dataset(out_dir: Path, editions: Iterable[tuple[Path, EditionInfo]]) -> Path:
    """Make out_dir/dataset/ hold exactly the given editions' tables (edition directory, its edition.json)."""
    root = Path(out_dir) / DATASET
    wanted: dict[Path, Path] = {}
    by_province: dict[str, list[dict]] = defaultdict(list)
    for directory, info in editions:
        part = partition(info.province)
        for table in TABLES:
            wanted[root / table / part / f"{info.edition_id}.parquet"] = directory / f"{table}.parquet"
        by_province[part].append({c: getattr(info, c) for c in EDITION_COLUMNS})
    for table_dir in [root / t for t in TABLES]:
        for path in table_dir.glob("*/*.parquet"):
            if path not in wanted:
                path.unlink()
    for target, source in wanted.items():
        if not _same_file(target, source):
            _link(source, target)
    _write_editions(root / EDITIONS, by_province)
    _remove_empty_folders(root)
    return root


def _same_file(target: Path, source: Path) -> bool:
    try:
        if os.path.samefile(target, source):
            return True
        a, b = target.stat(), source.stat()
    except FileNotFoundError:
        return False
    return (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns)  # a copy made by _link


def _link(source: Path, target: Path) -> None:
    """`target` replaced by a hard link to `source` (or a copy keeping its mtime), never half-written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(target)
    partial.unlink(missing_ok=True)
    try:
        os.link(source, partial)
    except OSError:
        shutil.copy2(source, partial)
    os.replace(partial, target)


def _write_editions(folder: Path, by_province: dict[str, list[dict]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.string()) for c in EDITION_COLUMNS])
    for stale in folder.glob("*/editions.parquet"):
        if stale.parent.name not in by_province:
            stale.unlink()
    for part, rows in by_province.items():
        target = folder / part / "editions.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = partial_path(target)
        pq.write_table(rows_table(sorted(rows, key=lambda r: r["edition_id"]), schema), partial)
        os.replace(partial, target)


def _remove_empty_folders(root: Path) -> None:
    for folder in sorted((p for p in root.glob("*/*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
