"""`pipeline validate DIR`: re-check a written edition dataset."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from pipeline.errors import InputError
from pipeline.models import TABLES, Edition
from pipeline.outputs import load_json_model, read_edition_info
from pipeline.tables import flatten
from pipeline.write import arrow_table


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
        expected = arrow_table(TABLES[name], rows)
        actual = pq.read_table(path)
        # rows as Python values: lists as lists, maps as (key, value) pairs in stored order, nulls as None
        if actual.column_names != expected.column_names or actual.to_pylist() != expected.to_pylist():
            raise InputError("output_invalid", "table does not match duties.json", file=path)
        if not (directory / f"{name}.csv").is_file():
            raise InputError("not_an_output", f"missing {name}.csv", file=directory)
    return edition
