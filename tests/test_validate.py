"""`pipeline validate DIR` catches a dataset edited after it was written."""

from __future__ import annotations

import pandas as pd
import pytest

from builders import write_docx
from pipeline.build import extract_to
from pipeline.errors import InputError
from pipeline.validate import validate_dir


@pytest.fixture
def written(tmp_path):
    out = tmp_path / "out"
    extract_to([write_docx(tmp_path / "e.docx")], out)
    return out


def test_valid(written):
    assert validate_dir(written).edition_id == "e"


def test_edited_table_is_caught(written):
    path = written / "basic_duties.parquet"
    frame = pd.read_parquet(path)
    frame.loc[0, "text"] = "改过的文字。"
    frame.to_parquet(path)
    with pytest.raises(InputError, match="does not match duties.json"):
        validate_dir(written)


def test_duties_json_that_breaks_the_counts_is_caught(written):
    path = written / "duties.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"declared_count": 2', '"declared_count": 5', 1), encoding="utf-8")
    with pytest.raises(InputError, match="declares 5 items"):
        validate_dir(written)
