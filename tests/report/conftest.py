"""Built outputs the report tests read: the published edition, and a small corpus of test data.

`published` runs raw/songzhuang-2025-07.docx through `pipeline extract` (which writes report.html);
`corpus` builds 8 fictional townships' editions (tests/fixtures/corpus/make_corpus.py, 测试数据),
one place with two editions, through `pipeline build`: editions, a diff and index.html. A failure
there fails the tests that use them, never skips them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import EDITION_ID, RAW


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """output/songzhuang-2025-07 as `pipeline extract` writes it."""
    from pipeline.cli import main

    out = tmp_path_factory.mktemp("published") / "output" / EDITION_ID
    assert main(["--debug", "extract", str(RAW / f"{EDITION_ID}.docx"), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    """An output directory built from 8 generated editions (test data); it holds one diff."""
    from fixtures.corpus.make_corpus import generate
    from pipeline.cli import main

    root = tmp_path_factory.mktemp("corpus")
    generate(root / "raw", 8, seed=0, formats=("txt",))
    assert main(["build", str(root / "raw"), "--out", str(root / "output"), "--jobs", "1"]) == 0
    return root / "output"


@pytest.fixture(scope="session")
def diff_dir(corpus) -> Path:
    diffs = sorted((corpus / "diffs").iterdir())
    assert len(diffs) == 1, diffs
    return diffs[0]
