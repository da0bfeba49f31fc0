"""Columns of the flat tables, derived from the row models in `pipeline.models`.

Everything about a column — name, order, type, nullability, allowed values,
minimum, bilingual description — is read off the model here, once, for the
writer (Arrow types) and every deliverable (Excel, DuckDB, data package,
data dictionary).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass

import annotated_types

from pipeline.models import TABLES, Strict


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
    kind: str  # "string" | "integer" | "number" | "boolean" | "list" | "map"
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
    def is_map(self) -> bool:
        """A map of string to string (column title → cell text), keys in printed order."""
        return self.kind == "map"

    @property
    def type_label(self) -> str:
        """Human-readable type for the data dictionary."""
        label = {"list": "list of string", "map": "map string → string"}.get(self.kind, self.kind)
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
    elif origin is dict:
        if typing.get_args(annotation) != (str, str):
            raise TypeError(f"{name}: only dict[str, str] is supported, got {annotation}")
        kind = "map"
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
