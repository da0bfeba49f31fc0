"""Writers: Parquet, CSV and JSON into a temporary directory, moved into place whole.

A run that fails leaves the previous output untouched and no partial directory.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from pipeline.columns import columns
from pipeline.errors import InputError, display_path, output_unwritable
from pipeline.lock import locked
from pipeline.models import TABLES, Edition, EditionInfo, Strict
from pipeline.tables import flatten

LIST_JOINER = "、"  # how list columns are shown in CSV and Excel


def map_text(pairs) -> str:
    """A map column's CSV cell: one JSON object, keys in printed order, Chinese kept as is (`{}` when empty).

    `pairs` is a dict or Arrow's list of (key, value) pairs."""
    return json.dumps(dict(pairs or ()), ensure_ascii=False)


# a map keeps its keys in printed order (an Arrow map is a list of key/value entries)
_ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
                "list": pa.list_(pa.string()), "map": pa.map_(pa.string(), pa.string())}


def arrow_schema(model: type[Strict]) -> pa.Schema:
    """Column names, order, types and nullability from the row model."""
    return pa.schema([pa.field(c.name, _ARROW_TYPES[c.kind], nullable=c.nullable) for c in columns(model)])


def write_arrow_table(table: pa.Table, directory: Path, stem: str) -> None:
    """<stem>.parquet (typed, list columns as lists, map columns as maps) and <stem>.csv for spreadsheets.

    In the CSV a list is its items joined with 、, a map one JSON object (`map_text`), a null an
    empty cell."""
    pq.write_table(table, directory / f"{stem}.parquet")
    shown = [_csv_cell(field.type) for field in table.schema]
    # UTF-8 with BOM: Excel and WPS then read the Chinese text correctly
    with open(directory / f"{stem}.csv", "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(table.column_names)
        out.writerows([cell(v) for cell, v in zip(shown, row)] for row in zip(*table.to_pydict().values()))


def _csv_cell(kind: pa.DataType):
    """How a value of the column's type is spelt in the CSV."""
    if pa.types.is_list(kind):
        return lambda v: LIST_JOINER.join(v) if v is not None else ""
    if pa.types.is_map(kind):
        return lambda v: map_text(v) if v is not None else ""
    return lambda v: "" if v is None else v


def arrow_table(model: type[Strict], rows: list[Strict]) -> pa.Table:
    """The rows as an Arrow table of the model's schema (what <table>.parquet holds)."""
    return rows_table([r.model_dump() for r in rows], arrow_schema(model))


def rows_table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """Plain rows (str, int, float, bool, None, lists, dicts for maps) as an Arrow table of `schema`.

    Read by Arrow's JSON reader, not converted by `pa.Table.from_pylist`: pyarrow's converter from
    Python objects first asks whether they are pandas objects, and so imports pandas (0.16 s,
    a seventh of extracting a PDF edition), which writing a table never needs. The JSON reader has
    no map type: a map column is read as its list of key/value entries, then made a map of them.
    """
    if not rows:
        return schema.empty_table()
    maps = [f.name for f in schema if pa.types.is_map(f.type)]
    as_read = pa.schema([pa.field(f.name, _entries(f.type), f.nullable) if f.name in maps else f for f in schema])
    lines = []
    for row in rows:
        for name in maps:
            if row.get(name) is not None:
                row = {**row, name: [{"key": k, "value": v} for k, v in row[name].items()]}
        lines.append(json.dumps(row, ensure_ascii=False, allow_nan=False))
    data = "\n".join(lines).encode()
    table = pa_json.read_json(
        io.BytesIO(data), read_options=pa_json.ReadOptions(use_threads=False, block_size=len(data) + 1),
        parse_options=pa_json.ParseOptions(explicit_schema=as_read, unexpected_field_behavior="error"),
    ).select(schema.names)
    for name in maps:
        table = table.set_column(schema.get_field_index(name), schema.field(name),
                                 _as_map(table.column(name).combine_chunks(), schema.field(name).type))
    # the schema's own fields (nullability, metadata) over the same columns; cast() would import pyarrow.compute
    return pa.Table.from_arrays(table.columns, schema=schema)


def _as_map(entries: pa.ListArray, kind: pa.MapType) -> pa.MapArray:
    """A list of {key, value} structs as the map it spells: the same buffers (a map is laid out as
    that list), so no copy, and no pyarrow.compute (0.08 s to import), which flatten() and
    is_null() would import."""
    pairs = entries.values  # the JSON reader's struct: its key is not marked non-null as the map's is
    pairs = pa.StructArray.from_arrays([pairs.field("key"), pairs.field("value")], fields=[kind.key_field, kind.item_field])
    mapped = pa.Array.from_buffers(kind, len(entries), entries.buffers()[:2], null_count=entries.null_count,
                                   offset=entries.offset, children=[pairs])
    mapped.validate()
    return mapped


def _entries(kind: pa.MapType) -> pa.DataType:
    """A map's entries as the JSON reader can read them: a list of {key, value}."""
    return pa.list_(pa.struct([pa.field("key", kind.key_type, nullable=False), pa.field("value", kind.item_type)]))


def write_table(directory: Path, name: str, model: type[Strict], rows: list[Strict]) -> None:
    write_arrow_table(arrow_table(model, rows), directory, name)


def write_json(path: Path, model: Strict) -> None:
    path.write_text(model.model_dump_json(indent=2) + "\n", encoding="utf-8")


def write_key(path: Path, key: str) -> None:
    """A build key file (what an output was made from); an OSError is a clean error."""
    try:
        path.write_text(key + "\n")
    except OSError as err:
        raise output_unwritable(err, path) from err


# what a directory must hold to be replaced without --force: it is one of our outputs
EDITION_MARKER = "edition.json"


def check_target(target: Path, marker: str, *, force: bool = False) -> Path:
    """`target` as an absolute path we may replace; InputError when it is unusable or someone else's.

    An existing directory is replaced only when it is empty, holds `marker`
    (one of our outputs) or `force` is given, so that `--out` pointed at the
    wrong place never deletes anything.
    """
    target = Path(os.path.abspath(target))  # `--out .` has a name once made absolute
    if target.parent == target:
        raise InputError("bad_output_path", f"cannot replace {display_path(target)}: the root directory")
    if target.exists() and not target.is_dir():
        raise InputError("bad_output_path", f"{display_path(target)} exists and is not a directory")
    if target.is_dir() and not force and not (target / marker).is_file() and any(target.iterdir()):
        raise InputError(
            "output_exists",
            f"{display_path(target)} is not empty and holds no {marker}: not an output of ours, "
            "so it is not replaced (use --force to replace it)",
        )
    return target


@contextmanager
def atomic_directory(target: Path, marker: str = EDITION_MARKER, *, force: bool = False) -> Iterator[Path]:
    """Yield a fresh temporary sibling of `target`; on success it replaces `target` whole.

    On failure (or a crash: see `remove_leftovers`) the temporary directory
    goes and `target` is left as it was. Writers of one parent directory take
    turns (pipeline.lock). An OSError (read-only, disk full) is a clean error.
    """
    target = check_target(target, marker, force=force)
    try:
        with locked(target.parent):
            remove_leftovers(target.parent, target.name)
            tmp = staged_directory(target.parent, target.name)
            try:
                yield tmp
                install(tmp, target)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    except OSError as err:
        raise output_unwritable(err, target) from err


def staged_directory(parent: Path, name: str) -> Path:
    """A fresh hidden directory in `parent` to fill before it becomes `parent/name` (install).

    A corpus build's workers fill these while the build holds the lock;
    one left by a killed writer is a leftover (remove_leftovers).
    """
    return Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=TMP_SUFFIX, dir=parent))


def install(tmp: Path, target: Path) -> None:
    """A filled staged directory becomes `target`, replacing the previous one whole."""
    os.chmod(tmp, 0o755)  # mkdtemp makes it private
    _swap_in(tmp, target)


def _swap_in(tmp: Path, target: Path) -> None:
    """Rename `tmp` to `target`; the previous `target` is kept as `.name.pid.old` until then."""
    old = target.with_name(f".{target.name}.{os.getpid()}{OLD_SUFFIX}")
    if target.exists():
        target.rename(old)
    try:
        tmp.rename(target)
    except OSError:
        if old.exists():
            old.rename(target)  # put the previous output back
        raise
    shutil.rmtree(old, ignore_errors=True)


# Temporary entries a writer leaves only when killed mid-write: `.name.XXXX.tmp`
# (being filled), `.name.PID.old` (the previous output during the swap),
# `.file.PID.part` (a database, descriptor or workbook being written: partial_path).
TMP_SUFFIX = ".tmp"
OLD_SUFFIX = ".old"
PART_SUFFIX = ".part"
_LEFTOVER = re.compile(r"^\.(?P<name>.+?)\.(?:[^.]+\.tmp|\d+\.old|\d+\.part(?:\.wal)?)$")


def partial_path(target: Path) -> Path:
    """Where a single-file output (database, descriptor, workbook) is written before it replaces `target`."""
    return target.with_name(f".{target.name}.{os.getpid()}{PART_SUFFIX}")


def remove_leftovers(directory: Path, name: str | None = None) -> list[str]:
    """Clear what a killed writer left in `directory` (only entries of `name` when given).

    A `.old` whose output is missing was killed between the two renames of
    the swap: it is the last complete output, so it is put back. Callers
    hold the directory's lock, so no live writer owns these entries.
    """
    removed = []
    for entry in sorted(Path(directory).iterdir()) if Path(directory).is_dir() else []:
        match = _LEFTOVER.match(entry.name)
        if not match or (name is not None and match["name"] != name):
            continue
        original = entry.with_name(match["name"])
        if entry.name.endswith(OLD_SUFFIX) and not original.exists():
            entry.rename(original)
        elif entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
        removed.append(entry.name)
    return removed


def fill_edition(edition: Edition, info: EditionInfo, directory: Path, extras: tuple[Callable[[Path], object], ...] = ()) -> None:
    """All tables and JSON of one edition into an empty `directory`; `extras` add files after them."""
    for name, rows in flatten(edition).items():
        write_table(directory, name, TABLES[name], rows)
    write_json(directory / "duties.json", edition)
    write_json(directory / "edition.json", info)
    for extra in extras:
        extra(directory)


def write_edition(
    edition: Edition, info: EditionInfo, target: Path, extras: tuple[Callable[[Path], object], ...] = (),
    *, force: bool = False,
) -> Path:
    """All tables and JSON of one edition into `target`, replaced atomically."""
    with atomic_directory(target, force=force) as tmp:
        fill_edition(edition, info, tmp, extras)
    return target
