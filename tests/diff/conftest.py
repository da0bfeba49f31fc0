"""Fixtures for the diff tests (helpers live in diff_helpers.py).

`base` gives each test two starting points: a small hand-copied SAMPLE of
2025-07 records, and, once the extractor runs, the whole real 2025-07 edition.
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
    """The real 2025-07 edition output, made by the CLI; skipped until the extractor works."""
    try:
        from pipeline.cli import main
    except ImportError as err:
        pytest.skip(f"extractor CLI not available yet: {err}")
    out = tmp_path_factory.mktemp("real") / "songzhuang-2025-07"
    try:
        status = main(["extract", str(RAW_DOCX), "--out", str(out)])
    except (Exception, SystemExit) as err:  # noqa: BLE001 - any failure means "not ready yet"
        pytest.skip(f"extractor not ready: {err!r}")
    if status not in (0, None) or not (out / "edition.json").exists():
        pytest.skip(f"extractor exited with {status} or wrote no edition")
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
