"""`pipeline validate DIR`: re-check a written edition dataset."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline.errors import InputError
from pipeline.models import TABLES, Edition
from pipeline.outputs import load_json_model, read_edition_info
from pipeline.tables import flatten
from pipeline.write import table_frame


def _same(expected: pd.DataFrame, actual: pd.DataFrame) -> bool:
    normalise = lambda f: f.astype(object).where(f.notna(), None).map(  # noqa: E731
        lambda v: list(v) if hasattr(v, "tolist") and not isinstance(v, str) else v
    )
    return expected.shape == actual.shape and normalise(expected).values.tolist() == normalise(actual).values.tolist()


def validate_dir(directory: Path) -> Edition:
    """Re-run the model validation on duties.json and check every table agrees with it."""
    directory = Path(directory)
    edition = load_json_model(directory / "duties.json", Edition)
    info = read_edition_info(directory)
    if info.edition_id != edition.edition_id:
        raise InputError("output_invalid", f"edition.json is for {info.edition_id}, duties.json for {edition.edition_id}", file=directory)
    for name, rows in flatten(edition).items():
        path = directory / f"{name}.parquet"
        if not path.is_file():
            raise InputError("not_an_output", f"missing {path.name}", file=directory)
        expected = table_frame(TABLES[name], rows)
        actual = pd.read_parquet(path)
        if list(actual.columns) != list(expected.columns) or not _same(expected, actual):
            raise InputError("output_invalid", "table does not match duties.json", file=path)
        if not (directory / f"{name}.csv").is_file():
            raise InputError("not_an_output", f"missing {name}.csv", file=directory)
    return edition
