"""JSON Schema files in schemas/, generated from the models (`python -m pipeline.schemas`)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.models import TABLES, Edition, EditionInfo

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


def render() -> dict[str, str]:
    """File name → JSON Schema text for duties.json, edition.json and each table's rows."""
    models = {"duties": Edition, "edition": EditionInfo, **TABLES}
    return {
        f"{name}.schema.json": json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        for name, model in models.items()
    }


def write(directory: Path = SCHEMA_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (directory / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write()
