"""`make all`: every edition in raw/, every format of it, nothing redone when nothing changed."""

from __future__ import annotations

import pytest

import pipeline.build as build
from builders import write_docx, write_text
from pipeline.errors import InputError


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_docx(raw / "testtown-2026-03.docx")
    write_text(raw / "testtown-2026-03.txt")
    (raw / "README.md").write_text("not an edition")
    return raw


def test_groups_formats_by_stem(raw):
    assert {k: [p.suffix for p in v] for k, v in build.editions_in(raw).items()} == {"testtown-2026-03": [".docx", ".txt"]}


def test_second_run_does_no_extraction(raw, tmp_path, monkeypatch):
    out = tmp_path / "output"
    assert build.build_all(raw, out) == ["testtown-2026-03"]
    calls = []
    monkeypatch.setattr(build, "extract_edition", lambda *a: calls.append(a))
    assert build.build_all(raw, out) == []
    assert calls == []


def test_changed_input_is_extracted_again(raw, tmp_path):
    out = tmp_path / "output"
    build.build_all(raw, out)
    write_text(raw / "testtown-2026-03.txt", encoding="gb18030")  # same records, other bytes
    assert build.build_all(raw, out) == ["testtown-2026-03"]


def test_empty_raw_dir_is_an_error(tmp_path):
    with pytest.raises(InputError, match="no published files"):
        build.editions_in(tmp_path)


def test_consecutive_editions_are_diffed_and_collected(raw, tmp_path):
    import json

    import builders

    rows = [*builders.BASIC[:2], ["2", "做好党员教育管理工作。"], *builders.BASIC[3:]]
    write_docx(raw / "testtown-2026-09.docx", tables=[(builders.BASIC_HEADER, rows), *builders.TABLES[1:]])
    out = tmp_path / "output"
    assert build.build_all(raw, out) == ["testtown-2026-03", "testtown-2026-09"]
    diff_dir = out / "diffs" / "testtown-2026-03__testtown-2026-09"
    changes = json.loads((diff_dir / "changes.json").read_text(encoding="utf-8"))
    assert [(c["change"], c["old_seq"], c["new_seq"], c["fields"]) for c in changes] == [("modified", 2, 2, ["text"])]
    assert (out / "duties.duckdb").is_file() and (out / "datapackage.json").is_file()
    assert build.build_all(raw, out) == []  # and nothing to redo
