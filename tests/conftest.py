"""Shared fixtures: the published 2025-07 送庄镇 edition, extracted once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract import extract
from helpers import EDITION_ID, RAW
from pipeline.models import Edition
from pipeline.normalise.edition import build_edition



@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW


@pytest.fixture(scope="session")
def docx_result():
    return build_edition(extract(RAW / f"{EDITION_ID}.docx"), EDITION_ID)


@pytest.fixture(scope="session")
def text_result():
    return build_edition(extract(RAW / f"{EDITION_ID}.txt"), EDITION_ID)


@pytest.fixture(scope="session", params=["docx", "txt"])
def edition(request, docx_result, text_result) -> Edition:
    """The edition as each non-PDF format gives it: every expectation must hold for both."""
    return (docx_result if request.param == "docx" else text_result)[0]
