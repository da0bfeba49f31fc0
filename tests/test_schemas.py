"""schemas/ holds the JSON Schema of every model, generated; this fails when it is stale."""

from __future__ import annotations

from pipeline.schemas import SCHEMA_DIR, render


def test_schema_files_are_current():
    expected = render()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in SCHEMA_DIR.glob("*.schema.json")}
    assert on_disk == expected, "run: python -m pipeline.schemas"
