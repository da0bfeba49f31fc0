"""`output/datapackage.json`: a Frictionless Data Package (v2) for every CSV and Parquet file.

One resource per file: `<edition_id>/<table>.csv` and `.parquet` for every edition
and table, and every diff's `changes` / `field_changes` files.  A table's
fields (names, order, types, required, enums, minimums, Chinese title and
"English｜中文" description) come from its row model; its primary key from
`PRIMARY_KEYS`; its foreign keys from `FOREIGN_KEYS`, pointing at the same
edition's resource of the same format.

The package is valid under frictionless-py (`frictionless validate
output/datapackage.json`, the reference implementation; the tests run it).
What that asks of the descriptor:

- foreign keys between one edition's files leave out `edition_id`: each file
  holds one edition, so the key is the same, and frictionless checks a key
  unless *all* its fields are null (`reclaimed_method_clauses.department` is
  null where a clause names no department: SQL's MATCH SIMPLE, as intended);
- list columns: the published v2.0 profile has no `list` field type, so a list
  column is `string` in a CSV resource (items joined with 、, which its
  description says); a map column (`extra`) is `object` there (a JSON object's
  text, `{}` when empty);
- in a Parquet resource list and map columns, and integer columns that may
  hold a null, are `any`: frictionless reads Parquet through pandas, which
  hands it a numpy array for a list cell, a list of pairs for a map cell, and
  floats (NaN for the null) for integers with a null among them; its `array`,
  `object` and `integer` types refuse each. The description names the Arrow
  type (`list<string>`, `map<string, string>`, `int64`), and the tests check
  the files' Arrow types against the models;
- a Parquet resource has no `bytes`: frictionless reads Parquet through
  pyarrow, never as a byte stream, so it cannot count them and reports any
  declared count as wrong. Its `hash` is declared (sha256, for analysts to
  check a copy) though frictionless does not check it either.

`python -m pipeline.deliver.datapackage OUTPUT_DIR` writes the descriptor.
"""

from __future__ import annotations

import argparse
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
# what a column's type becomes, per format, where it is not the model's own (see the module's docstring)
NOTES = {
    ("csv", "list"): ("string", "list; items joined with 、"),
    ("csv", "map"): ("object", "map; a JSON object, keys in printed order"),
    ("parquet", "list"): ("any", "list; Parquet list<string>"),
    ("parquet", "map"): ("any", "map; Parquet map<string, string>, keys in printed order"),
    # pandas, through which frictionless reads Parquet, turns integers with a null among them into floats
    ("parquet", "nullable integer"): ("any", "Parquet int64, null where missing"),
    # … and nulls among numbers into NaN, which a minimum then rejects
    ("parquet", "nullable number"): ("any", "Parquet double, null where missing"),
}


# the documented columns of a diff's changes file (the diff owns them; unknown columns are still described by type)
def slug(text: str) -> str:
    """A resource-name-safe form of an identifier: lowercase [a-z0-9._-], made unique by a hash when changed."""
    s = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-.") or "x"
    if s != text:
        s += "-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return s


def resource_name(edition_id: str, table: str, fmt: str) -> str:
    return f"{slug(edition_id)}.{table}.{fmt}"


def _type_and_note(c: Column, fmt: str) -> tuple[str, str | None]:
    """The Table Schema type of a column in a file of `fmt`, and the note its description then carries."""
    kind = f"nullable {c.kind}" if c.kind in ("integer", "number") and c.nullable else c.kind
    return NOTES.get((fmt, kind), (c.kind, None))


def field_descriptor(c: Column, fmt: str) -> dict:
    kind, note = _type_and_note(c, fmt)
    description = f"{c.en} ({note})｜{c.zh}" if note else c.description
    field: dict = {"name": c.name, "title": c.zh or c.name, "type": kind, "description": description}
    constraints: dict = {}
    if not c.nullable and not c.is_list:  # an empty list is an empty CSV cell, i.e. missing (an empty map is `{}`)
        constraints["required"] = True
    if c.enum:
        constraints["enum"] = list(c.enum)
    if c.minimum is not None and kind != "any":  # a type frictionless cannot check takes no bounds
        constraints["minimum"] = c.minimum
    if constraints:
        field["constraints"] = constraints
    return field


def _file_facts(path: Path, fmt: str) -> dict:
    """sha256 of every file; its size only where frictionless can count it (not Parquet: see above)."""
    facts = {"hash": f"sha256:{hashlib.sha256(path.read_bytes()).hexdigest()}"}
    return {"bytes": path.stat().st_size, **facts} if fmt == "csv" else facts


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
    resource.update(_file_facts(path, fmt))
    return resource


def _within_edition(fields: list[str]) -> list[str]:
    """A key between two files of one edition, without `edition_id` (the same in every row of both)."""
    return [f for f in fields if f != "edition_id"]


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
            {"fields": _within_edition(fields), "reference": {"resource": resource_name(edition_id, ref, fmt),
                                                              "fields": _within_edition(ref_fields)}}
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.deliver.datapackage", description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path)
    print(write_datapackage(parser.parse_args(argv).output_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
