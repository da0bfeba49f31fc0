"""Analyst deliverables built from an output directory's Parquet files.

- `xlsx.write_workbook(edition_dir)`: one Excel workbook per edition;
- `database.build_database(output_dir)`: `duties.duckdb` with every edition and diff;
- `datapackage.write_datapackage(output_dir)`: a Frictionless Data Package (v2) descriptor;
- `dictionary.render()`: `docs/data-dictionary.md`.

Everything about a column (name, order, type, nullability, bilingual description)
comes from the row models in `pipeline.models` via `columns()` below, so the four
deliverables cannot disagree with each other or with the writer.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass
from pathlib import Path

import annotated_types

from pipeline.models import LIST_TITLES, PRIMARY_KEYS, TABLES, EditionInfo, Strict

#: joins list cells in CSV and Excel, as the writer does
LIST_JOINER = "、"

#: foreign keys between the flat tables: (table, fields, referenced table, referenced fields).
#: Rows whose key fields hold a null are not checked (SQL's MATCH SIMPLE).
FOREIGN_KEYS: list[tuple[str, list[str], str, list[str]]] = [
    ("coordinated_department_duties", ["edition_id", "seq"], "coordinated_duties", ["edition_id", "seq"]),
    ("coordinated_department_duties", ["edition_id", "department"], "departments", ["edition_id", "department"]),
    ("coordinated_township_duties", ["edition_id", "seq"], "coordinated_duties", ["edition_id", "seq"]),
    ("reclaimed_method_clauses", ["edition_id", "seq"], "reclaimed_duties", ["edition_id", "seq"]),
    ("reclaimed_method_clauses", ["edition_id", "department"], "departments", ["edition_id", "department"]),
]


def split_description(description: str | None) -> tuple[str, str]:
    """"English｜中文" -> ("English", "中文")."""
    if not description:
        return "", ""
    en, sep, zh = description.partition("｜")
    return en.strip(), zh.strip() if sep else ""


def table_description(table: str) -> tuple[str, str]:
    """The row model's docstring, "English｜中文"."""
    return split_description(" ".join((TABLES[table].__doc__ or table).split()))


@dataclass(frozen=True)
class Column:
    """One column of a flat table, as every deliverable sees it."""

    name: str
    en: str  # English description
    zh: str  # Chinese heading
    kind: str  # "string" | "integer" | "number" | "boolean" | "list"
    nullable: bool
    enum: tuple[str, ...] | None = None
    minimum: int | None = None

    @property
    def description(self) -> str:
        return f"{self.en}｜{self.zh}" if self.zh else self.en

    @property
    def is_list(self) -> bool:
        return self.kind == "list"

    @property
    def type_label(self) -> str:
        """Human-readable type for the data dictionary."""
        label = "list of string" if self.is_list else self.kind
        if self.enum:
            label += ": " + " / ".join(f"`{v}`" for v in self.enum)
        if self.minimum is not None:
            label += f" ≥ {self.minimum}"
        return label


_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _column(name: str, field) -> Column:
    annotation = field.annotation
    nullable = False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(args) < len(typing.get_args(annotation))
        if len(args) != 1:
            raise TypeError(f"{name}: unsupported union {annotation}")
        annotation = args[0]
    enum = None
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        enum = tuple(str(a) for a in typing.get_args(annotation))
        kind = "string"
    elif origin is list:
        (item,) = typing.get_args(annotation)
        if item is not str:
            raise TypeError(f"{name}: only list[str] is supported, got {annotation}")
        kind = "list"
    elif annotation in _SCALARS:
        kind = _SCALARS[annotation]
    else:
        raise TypeError(f"{name}: unsupported type {annotation}")
    minimum = None
    for m in field.metadata:
        if isinstance(m, annotated_types.Ge):
            minimum = int(m.ge)
        elif isinstance(m, annotated_types.Gt):
            minimum = int(m.gt) + 1
    en, zh = split_description(field.description)
    return Column(name=name, en=en, zh=zh, kind=kind, nullable=nullable, enum=enum, minimum=minimum)


def columns(table_or_model: str | type[Strict]) -> list[Column]:
    """The columns of a flat table, in output order."""
    model = TABLES[table_or_model] if isinstance(table_or_model, str) else table_or_model
    return [_column(name, field) for name, field in model.model_fields.items()]


def list_title(kind: str) -> str:
    return LIST_TITLES.get(kind, kind)


# ---------------------------------------------------------------- reading an output directory


def read_edition_info(edition_dir: Path) -> EditionInfo:
    return EditionInfo.model_validate_json((Path(edition_dir) / "edition.json").read_text(encoding="utf-8"))


def edition_dirs(output_dir: Path) -> list[Path]:
    """Edition directories of an output directory (those holding an edition.json), sorted by name."""
    output_dir = Path(output_dir)
    return sorted(p.parent for p in output_dir.glob("*/edition.json") if p.parent.name != "diffs")


def diff_dirs(output_dir: Path) -> list[Path]:
    """Diff directories (`diffs/<old>__<new>/` holding a changes.parquet), sorted by name."""
    return sorted(p.parent for p in (Path(output_dir) / "diffs").glob("*/changes.parquet"))


def diff_editions(diff_dir: Path) -> tuple[str, str]:
    """(old, new) edition ids of a diff directory: its summary.json if it says, else its name."""
    summary = Path(diff_dir) / "summary.json"
    if summary.exists():
        try:
            data = json.loads(summary.read_text(encoding="utf-8"))
        except ValueError:
            data = {}
        for old_key, new_key in (("old_edition", "new_edition"), ("old", "new")):
            old, new = data.get(old_key), data.get(new_key)
            if isinstance(old, str) and isinstance(new, str):
                return old, new
            if isinstance(old, dict) and isinstance(new, dict) and "edition_id" in old and "edition_id" in new:
                return old["edition_id"], new["edition_id"]
    old, sep, new = Path(diff_dir).name.partition("__")
    if not sep:
        raise ValueError(f"diff directory {diff_dir} is not named <old>__<new>")
    return old, new


def read_rows(path: Path) -> list[dict]:
    """A Parquet file's rows as plain Python dicts (lists stay lists, nulls are None)."""
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def check_parquet_columns(table: str, path: Path) -> None:
    """The Parquet file must hold the model's columns and no others (a pandas index aside)."""
    import pyarrow.parquet as pq

    expected = [c.name for c in columns(table)]
    found = [n for n in pq.read_schema(path).names if not n.startswith("__index_level_")]
    missing = [n for n in expected if n not in found]
    extra = [n for n in found if n not in expected]
    if missing or extra:
        raise ValueError(f"{path}: columns differ from the model's: missing {missing}, unexpected {extra}")


__all__ = [
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
