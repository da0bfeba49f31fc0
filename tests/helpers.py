"""Helpers shared by tests (importable as `helpers`: pyproject sets pythonpath)."""

from __future__ import annotations

from pathlib import Path

from pipeline.models import Edition

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
EDITION_ID = "songzhuang-2025-07"


def items_by_seq(edition: Edition, kind: str) -> dict[int, object]:
    return {item.seq: item for c in edition.lists[kind].categories for item in c.items}
