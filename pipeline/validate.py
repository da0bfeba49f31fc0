"""`pipeline validate DIR`: re-check a written edition dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from pipeline.errors import InputError, first_validation_error
from pipeline.models import TABLES, Edition, EditionInfo
from pipeline.tables import flatten
from pipeline.write import table_frame


def _load(path: Path, model):
    if not path.is_file():
        raise InputError(f"missing {path.name}: not an edition output directory", file=path.parent)
    try:
        return model.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as err:
        raise InputError(f"invalid: {first_validation_error(err)}", file=path) from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"not JSON: {err}", file=path) from err


def _same(expected: pd.DataFrame, actual: pd.DataFrame) -> bool:
    normalise = lambda f: f.astype(object).where(f.notna(), None).map(  # noqa: E731
        lambda v: list(v) if hasattr(v, "tolist") and not isinstance(v, str) else v
    )
    return expected.shape == actual.shape and normalise(expected).values.tolist() == normalise(actual).values.tolist()


def validate_dir(directory: Path) -> Edition:
    """Re-run the model validation on duties.json and check every table agrees with it."""
    directory = Path(directory)
    edition = _load(directory / "duties.json", Edition)
    info = _load(directory / "edition.json", EditionInfo)
    if info.edition_id != edition.edition_id:
        raise InputError(f"edition.json is for {info.edition_id}, duties.json for {edition.edition_id}", file=directory)
    for name, rows in flatten(edition).items():
        path = directory / f"{name}.parquet"
        if not path.is_file():
            raise InputError(f"missing {path.name}", file=directory)
        expected = table_frame(TABLES[name], rows)
        actual = pd.read_parquet(path)
        if list(actual.columns) != list(expected.columns) or not _same(expected, actual):
            raise InputError("table does not match duties.json", file=path)
        if not (directory / f"{name}.csv").is_file():
            raise InputError(f"missing {name}.csv", file=directory)
    return edition
