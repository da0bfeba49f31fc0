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


@pytest.fixture(scope="session")
def pdf_result():
    return build_edition(extract(RAW / f"{EDITION_ID}.pdf"), EDITION_ID)


@pytest.fixture(scope="session", params=["pdf", "docx", "txt"])
def edition(request) -> Edition:
    """The edition as each published format gives it: every expectation must hold for all three."""
    fixture = {"pdf": "pdf_result", "docx": "docx_result", "txt": "text_result"}[request.param]
    return request.getfixturevalue(fixture)[0]
