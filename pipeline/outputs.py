"""The layout of an output directory, and reading it back.

    output/<edition_id>/           one edition (edition.json, duties.json, tables)
    output/diffs/<old>__<new>/     one diff (summary.json, changes, field_changes)
    output/dataset/<table>/…       every edition's tables as one dataset (pipeline.deliver.dataset)
    output/build-report.csv, duties.duckdb, datapackage.json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from pipeline.errors import InputError, first_validation_error
from pipeline.models import EditionInfo

Model = TypeVar("Model", bound=BaseModel)

DIFFS = "diffs"
DATASET = "dataset"
RESERVED_NAMES = (DIFFS, DATASET)  # directories of the output that no edition id may take


def load_json_model(path: Path, model: type[Model]) -> Model:
    """A JSON file we wrote, validated again; InputError names the file and what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise InputError("not_an_output", f"not an edition output directory: {path.name} is missing", file=path.parent)
    try:
        return model.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as err:
        raise InputError("output_invalid", f"{path.name} is not valid: {first_validation_error(err)}", file=path.parent) from err
    except UnicodeDecodeError as err:
        raise InputError("output_invalid", f"{path.name} is not valid: not UTF-8", file=path.parent) from err


def read_edition_info(edition_dir: Path) -> EditionInfo:
    return load_json_model(Path(edition_dir) / "edition.json", EditionInfo)


def _visible(path: Path) -> bool:
    """Hidden entries are a writer's temporaries (pipeline.write), never outputs."""
    return not path.name.startswith(".")


def edition_dirs(output_dir: Path) -> list[Path]:
    """Edition directories of an output directory (those holding an edition.json), sorted by name."""
    return sorted(
        p.parent for p in Path(output_dir).glob("*/edition.json") if p.parent.name not in RESERVED_NAMES and _visible(p.parent)
    )


def diff_dirs(output_dir: Path) -> list[Path]:
    """Diff directories (`diffs/<old>__<new>/` holding a changes.parquet), sorted by name."""
    return sorted(p.parent for p in (Path(output_dir) / DIFFS).glob("*/changes.parquet") if _visible(p.parent))


def diff_editions(diff_dir: Path) -> tuple[str, str]:
    """(old, new) edition ids of a diff directory, from its summary.json."""
    summary = json.loads((Path(diff_dir) / "summary.json").read_text(encoding="utf-8"))
    return summary["old"]["edition_id"], summary["new"]["edition_id"]
