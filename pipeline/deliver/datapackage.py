"""`output/datapackage.json`: a Frictionless Data Package (v2) for every CSV and Parquet file.

One resource per file: `<edition_id>/<table>.csv` and `.parquet` for every edition
and table, and every diff's `changes` / `field_changes` files.  A table's
fields (names, order, types, required, enums, minimums, Chinese title and
"English｜中文" description) come from its row model; its primary key from
`PRIMARY_KEYS`; its foreign keys from `FOREIGN_KEYS`, pointing at the same
edition's resource of the same format.

List columns: the published v2.0 profile has no `list` field type (the spec
text has it; the profile that validators use does not yet), so a list column
is declared as `string` in a CSV resource (items joined with 、, which its
description says) and as `array` in a Parquet resource (a native list).
A map column (`extra`: column title → cell text) is `object` in both: a JSON
object's text in the CSV (`{}` when empty), a native map in Parquet.

`check_package()` checks that the files conform to the descriptor: header,
types, required values, enums, minimums, primary-key uniqueness and that
foreign keys resolve.  `python -m pipeline.deliver.datapackage OUTPUT_DIR`
writes the descriptor; add `--check` to check the files too.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

from pipeline import __version__
from pipeline.deliver import (
    FOREIGN_KEYS,
    PRIMARY_KEYS,
    TABLES,
    Column,
    columns,
    diff_dirs,
    diff_editions,
    edition_dirs,
    read_edition_info,
    split_description,
    table_description,
)
from pipeline.errors import InputError
from pipeline.lists import KINDS
from pipeline.models import DIFF_TABLES
from pipeline.write import partial_path

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
DIALECT_PROFILE = "https://datapackage.org/profiles/2.0/tabledialect.json"
DESCRIPTOR = "datapackage.json"

MEDIATYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
LIST_NOTE = {"csv": "; items joined with 、", "parquet": "; a list of strings"}
MAP_NOTE = {"csv": "; a JSON object, keys in printed order", "parquet": "; a map string → string, keys in printed order"}

# the documented columns of a diff's changes file (the diff owns them; unknown columns are still described by type)
def slug(text: str) -> str:
    """A resource-name-safe form of an identifier: lowercase [a-z0-9._-], made unique by a hash when changed."""
    s = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-.") or "x"
    if s != text:
        s += "-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return s


def resource_name(edition_id: str, table: str, fmt: str) -> str:
    return f"{slug(edition_id)}.{table}.{fmt}"


def field_descriptor(c: Column, fmt: str) -> dict:
    field: dict = {"name": c.name, "title": c.zh or c.name}
    if c.is_list:
        field["type"] = "string" if fmt == "csv" else "array"
        field["description"] = f"{c.en} (list{LIST_NOTE[fmt]})｜{c.zh}"
    elif c.is_map:
        field["type"] = "object"
        field["description"] = f"{c.en} (map{MAP_NOTE[fmt]})｜{c.zh}"
    else:
        field["type"] = c.kind
        field["description"] = c.description
    constraints: dict = {}
    if not c.nullable and not c.is_list:  # an empty list is an empty CSV cell, i.e. missing (an empty map is `{}`)
        constraints["required"] = True
    if c.enum:
        constraints["enum"] = list(c.enum)
    if c.minimum is not None:
        constraints["minimum"] = c.minimum
    if constraints:
        field["constraints"] = constraints
    return field


def _file_facts(path: Path) -> dict:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"bytes": path.stat().st_size, "hash": f"sha256:{digest}"}


def _resource(name: str, path: Path, rel: str, fmt: str, title: str, description: str, schema: dict) -> dict:
    resource = {
        "$schema": RESOURCE_PROFILE,
        "name": name,
        "type": "table",
        "path": rel,
        "format": fmt,
        "mediatype": MEDIATYPES[fmt],
        "title": title,
        "description": description,
    }
    if fmt == "csv":
        resource["encoding"] = "utf-8"
        resource["dialect"] = {"$schema": DIALECT_PROFILE, "header": True, "delimiter": ",", "quoteChar": '"'}
    resource["schema"] = schema
    resource.update(_file_facts(path))
    return resource


def table_resources(edition_dir: Path, output_dir: Path, edition_id: str, table: str) -> list[dict]:
    en, zh = table_description(table)
    out = []
    for fmt in ("csv", "parquet"):
        path = edition_dir / f"{table}.{fmt}"
        if not path.exists():
            raise InputError("not_an_output", f"not an edition output directory: {path.name} is missing", file=edition_dir)
        schema: dict = {
            "$schema": SCHEMA_PROFILE,
            "fields": [field_descriptor(c, fmt) for c in columns(table)],
            "missingValues": [""],
            "primaryKey": list(PRIMARY_KEYS[table]),
        }
        fks = [
            {"fields": list(fields), "reference": {"resource": resource_name(edition_id, ref, fmt), "fields": list(ref_fields)}}
            for src, fields, ref, ref_fields in FOREIGN_KEYS
            if src == table
        ]
        if fks:
            schema["foreignKeys"] = fks
        out.append(
            _resource(
                resource_name(edition_id, table, fmt),
                path,
                path.relative_to(output_dir).as_posix(),
                fmt,
                f"{zh} {table} ({edition_id}, {fmt.upper()})",
                f"{en}. Edition {edition_id}.｜{zh}（{edition_id}）",
                schema,
            )
        )
    return out


def diff_resources(diff_dir: Path, output_dir: Path) -> list[dict]:
    old, new = diff_editions(diff_dir)
    out = []
    for stem, model in DIFF_TABLES.items():
        en, zh = split_description(model.__doc__)
        schema = {"$schema": SCHEMA_PROFILE, "missingValues": [""]}
        for fmt in ("csv", "parquet"):
            path = diff_dir / f"{stem}.{fmt}"
            fields = [field_descriptor(c, fmt) for c in columns(model)]
            out.append(
                _resource(
                    f"diff.{slug(old)}__{slug(new)}.{stem}.{fmt}",
                    path,
                    path.relative_to(output_dir).as_posix(),
                    fmt,
                    f"{zh} {stem} ({old} → {new}, {fmt.upper()})",
                    f"{en}, from edition {old} to {new}.｜{zh}（{old} → {new}）",
                    {**schema, "fields": fields},
                )
            )
    return out


def _resources(output_dir: Path, dirs: list[Path]) -> Iterator[dict]:
    """Every resource, one at a time: a corpus's descriptor is never held whole (16 resources an edition)."""
    for directory in dirs:
        edition_id = read_edition_info(directory).edition_id
        for table in TABLES:
            yield from table_resources(directory, output_dir, edition_id, table)
    for directory in diff_dirs(output_dir):
        yield from diff_resources(directory, output_dir)


def _head(output_dir: Path, dirs: list[Path]) -> dict:
    """The descriptor but its resources; an output without editions, or with one id twice, is refused."""
    if not dirs:
        raise InputError("no_editions", "holds no edition directory (no */edition.json)", file=output_dir)
    editions, sources = [], []
    for directory in dirs:
        info = read_edition_info(directory)
        editions.append(info.edition_id)
        sources += [{"title": f"{info.title} ({info.edition_id}): {s.file}"} for s in info.sources]
    if len(set(editions)) != len(editions):
        raise InputError("duplicate_edition", "resource names are not unique: two editions with one id?", file=output_dir)
    return {
        "$schema": PROFILE,
        "name": "duty-lists",
        "title": "乡镇履行职责事项清单 Township duty lists",
        "description": (
            f"Township duty lists (履行职责事项清单: {', '.join(k.en for k in KINDS.values())}) as flat tables, "
            "one directory per edition, in CSV (UTF-8 with BOM, list cells joined with 、, map cells as JSON objects) and Parquet. "
            "Editions: " + ", ".join(editions) + ". See docs/data-dictionary.md.｜"
            f"乡镇（街道）履行职责事项清单（{'、'.join(k.name for k in KINDS.values())}）的数据表，每个版本一个目录，"
            "CSV（带BOM的UTF-8，列表以“、”连接，键值对为JSON对象）和Parquet两种格式。"
        ),
        "version": __version__,
        "keywords": ["履行职责事项清单", "duty list", "township", "乡镇", "街道"],
        "sources": sources,
    }


def build_descriptor(output_dir: Path) -> dict:
    output_dir = Path(output_dir)
    dirs = edition_dirs(output_dir)
    return {**_head(output_dir, dirs), "resources": list(_resources(output_dir, dirs))}


def write_datapackage(output_dir: Path) -> Path:
    """Write `output_dir/datapackage.json` describing every CSV and Parquet file under it.

    Written resource by resource, as json.dumps(build_descriptor(…), indent=2) would write it whole,
    so that memory does not grow with the corpus.
    """
    output_dir = Path(output_dir)
    dirs = edition_dirs(output_dir)
    head = json.dumps(_head(output_dir, dirs), ensure_ascii=False, indent=2)
    target = output_dir / DESCRIPTOR
    partial = partial_path(target)
    try:
        with partial.open("w", encoding="utf-8") as f:
            f.write(head[: -len("\n}")] + ',\n  "resources": [')
            for n, resource in enumerate(_resources(output_dir, dirs)):
                f.write(("," if n else "") + "\n" + textwrap.indent(json.dumps(resource, ensure_ascii=False, indent=2), "    "))
            f.write("\n  ]\n}\n")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


# ---------------------------------------------------------------- conformance of the files

_INTEGER = re.compile(r"^[+-]?\d+$")
MAX_ERRORS_PER_RESOURCE = 20


def _parse_cell(field: dict, text: str, missing: set[str]):
    """A CSV cell -> a value of the field's type; raises ValueError."""
    if text in missing:
        return None
    kind = field.get("type", "string")
    if kind == "integer":
        if not _INTEGER.match(text):
            raise ValueError(f"{text!r} is not an integer")
        return int(text)
    if kind == "number":
        return float(text)
    if kind == "boolean":
        if text in ("true", "True", "TRUE", "1"):
            return True
        if text in ("false", "False", "FALSE", "0"):
            return False
        raise ValueError(f"{text!r} is not a boolean")
    if kind in ("array", "object"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = None
        expected = list if kind == "array" else dict
        if not isinstance(value, expected):
            raise ValueError(f"{text!r} is not a JSON {kind}")
        return value
    return text


def _read_csv(resource: dict, path: Path, errors: list[str]) -> list[dict]:
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    missing = set(resource["schema"].get("missingValues", [""]))
    rows = []
    # a UTF-8 byte-order mark is the encoding's signature, not data
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header != names:
            errors.append(f"{resource['name']}: header {header} differs from the fields {names}")
            return []
        for n, cells in enumerate(reader, start=2):
            if len(cells) != len(names):
                errors.append(f"{resource['name']}: line {n}: {len(cells)} cells, expected {len(names)}")
                continue
            row = {}
            for field, text in zip(fields, cells):
                try:
                    row[field["name"]] = _parse_cell(field, text, missing)
                except ValueError as err:
                    errors.append(f"{resource['name']}: line {n}: {field['name']}: {err}")
                    row[field["name"]] = None
            rows.append(row)
    return rows


def _read_parquet(resource: dict, path: Path, errors: list[str]) -> list[dict]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    found = [n for n in table.schema.names if not n.startswith("__index_level_")]
    if found != names:
        errors.append(f"{resource['name']}: columns {found} differ from the fields {names}")
        return []
    checks = {
        "integer": pa.types.is_integer,
        "number": lambda t: pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_decimal(t),
        "boolean": pa.types.is_boolean,
        "string": lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
        "array": lambda t: pa.types.is_list(t) or pa.types.is_large_list(t),
        "object": lambda t: pa.types.is_map(t) or pa.types.is_struct(t),
    }
    for field in fields:
        arrow_type = table.schema.field(field["name"]).type
        check = checks.get(field.get("type", "string"))
        if check and not pa.types.is_null(arrow_type) and not check(arrow_type):
            errors.append(f"{resource['name']}: {field['name']}: Parquet type {arrow_type} is not {field['type']}")
    return table.select(names).to_pylist(maps_as_pydicts="lossy")


def _where(resource: dict, i: int) -> str:
    """Where the i-th (0-based) data row is: a CSV line number (the header is line 1) or a Parquet row number."""
    return f"line {i + 2}" if resource["format"] == "csv" else f"row {i + 1}"


def _check_rows(resource: dict, rows: list[dict], errors: list[str]) -> None:
    name = resource["name"]
    for field in resource["schema"]["fields"]:
        c = field.get("constraints", {})
        for i, row in enumerate(rows):
            value = row.get(field["name"])
            where = f"{name}: {_where(resource, i)}: {field['name']}"
            if value is None:
                if c.get("required"):
                    errors.append(f"{where}: required value missing")
                continue
            if "enum" in c and value not in c["enum"]:
                errors.append(f"{where}: {value!r} not in {c['enum']}")
            if "minimum" in c and isinstance(value, (int, float)) and value < c["minimum"]:
                errors.append(f"{where}: {value} < minimum {c['minimum']}")
    pk = resource["schema"].get("primaryKey")
    if pk:
        pk = [pk] if isinstance(pk, str) else pk
        seen: dict[tuple, str] = {}
        for i, row in enumerate(rows):
            key = tuple(_hashable(row.get(k)) for k in pk)
            if any(v is None for v in key):
                errors.append(f"{name}: {_where(resource, i)}: primary key {dict(zip(pk, key))} has a null")
            elif key in seen:
                errors.append(f"{name}: {_where(resource, i)}: primary key {dict(zip(pk, key))} repeats {seen[key]}")
            else:
                seen[key] = _where(resource, i)


def _hashable(value):
    if isinstance(value, dict):
        return tuple(value.items())
    return tuple(value) if isinstance(value, list) else value


def check_package(descriptor_path: Path) -> list[str]:
    """Errors in the files a datapackage.json describes (empty when they all conform)."""
    descriptor_path = Path(descriptor_path)
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    base = descriptor_path.parent
    errors: list[str] = []
    rows_by_resource: dict[str, list[dict]] = {}
    for resource in descriptor["resources"]:
        path = base / resource["path"]
        own: list[str] = []
        if not path.exists():
            errors.append(f"{resource['name']}: {resource['path']} does not exist")
            continue
        if resource["format"] == "csv":
            rows = _read_csv(resource, path, own)
        elif resource["format"] == "parquet":
            rows = _read_parquet(resource, path, own)
        else:
            own.append(f"{resource['name']}: unsupported format {resource['format']}")
            rows = []
        _check_rows(resource, rows, own)
        rows_by_resource[resource["name"]] = rows
        errors += own[:MAX_ERRORS_PER_RESOURCE]
        if len(own) > MAX_ERRORS_PER_RESOURCE:
            errors.append(f"{resource['name']}: ... and {len(own) - MAX_ERRORS_PER_RESOURCE} more errors")
    for resource in descriptor["resources"]:
        for fk in resource["schema"].get("foreignKeys", []):
            fields = [fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"]
            ref = fk["reference"]
            ref_fields = [ref["fields"]] if isinstance(ref["fields"], str) else ref["fields"]
            target = ref.get("resource", resource["name"])
            if target not in rows_by_resource:
                errors.append(f"{resource['name']}: foreign key refers to unknown resource {target!r}")
                continue
            keys = {tuple(_hashable(r.get(f)) for f in ref_fields) for r in rows_by_resource[target]}
            dangling = 0
            for i, row in enumerate(rows_by_resource.get(resource["name"], [])):
                key = tuple(_hashable(row.get(f)) for f in fields)
                if any(v is None for v in key):
                    continue  # MATCH SIMPLE: a null in the key is not checked
                if key not in keys:
                    dangling += 1
                    if dangling <= MAX_ERRORS_PER_RESOURCE:
                        errors.append(
                            f"{resource['name']}: {_where(resource, i)}: {dict(zip(fields, key))} "
                            f"not found in {target} {ref_fields}"
                        )
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.deliver.datapackage", description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path)
    parser.add_argument("--check", action="store_true", help="also check that the files conform")
    args = parser.parse_args(argv)
    path = write_datapackage(args.output_dir)
    print(path)
    if args.check:
        errors = check_package(path)
        for e in errors:
            print(e, file=sys.stderr)
        return 1 if errors else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
