"""Fixtures for the diff tests (helpers live in diff_helpers.py).

`base` gives each test two starting points: a small hand-copied SAMPLE of
2025-07 records, and the whole real 2025-07 edition extracted from
raw/songzhuang-2025-07.docx. A broken extractor fails those tests; it never
turns them into skips.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from diff.diff_helpers import RAW_DOCX, SAMPLE, Result, read_records, write_edition


@pytest.fixture(scope="session")
def real_dir(tmp_path_factory) -> Path:
    """The real 2025-07 edition output, made by the CLI; any extraction failure fails the tests using it."""
    from pipeline.cli import main

    out = tmp_path_factory.mktemp("real") / "songzhuang-2025-07"
    status = main(["--debug", "extract", str(RAW_DOCX), "--out", str(out)])  # --debug: errors propagate
    assert status == 0, f"pipeline extract {RAW_DOCX.name} exited with {status}"
    assert (out / "edition.json").is_file(), "pipeline extract wrote no edition.json"
    return out


@pytest.fixture(scope="session")
def real_records(real_dir) -> dict:
    """The real 2025-07 edition as editable records."""
    return read_records(real_dir)


@pytest.fixture(params=["sample", "real"])
def base(request) -> dict:
    """A fresh, editable copy of the starting edition."""
    if request.param == "sample":
        return copy.deepcopy(SAMPLE)
    return copy.deepcopy(request.getfixturevalue("real_records"))


@pytest.fixture
def edition_dir(tmp_path):
    """write_edition into tmp_path/<name>."""
    return lambda name, edition, **meta: write_edition(tmp_path / name, edition, meta or None)


@pytest.fixture
def run(tmp_path):
    """run(old_records, new_records) -> Result of run_diff on two freshly written editions."""
    from pipeline.diff import run_diff

    counter = iter(range(1000))

    def _run(old: dict, new: dict, **new_meta) -> Result:
        n = next(counter)
        a = write_edition(tmp_path / f"e{n}" / "songzhuang-2025-07", old)
        b = write_edition(tmp_path / f"e{n}" / "songzhuang-2026-01",
                          new, {"edition_id": "songzhuang-2026-01", "published": "2026-01", **new_meta})  # fmt: skip
        out = tmp_path / f"e{n}" / "diff"
        summary = run_diff(a, b, out)
        changes = json.loads((out / "changes.json").read_text(encoding="utf-8"))
        fields = pq.read_table(out / "field_changes.parquet").to_pylist()
        return Result(summary, changes, fields, out)

    return _run
