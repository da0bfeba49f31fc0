"""Reading output directories back (pipeline/outputs.py): JSON models with error codes, edition and diff directories.

Directories and files are made by hand in tmp_path; expected values are
written out literally.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from pipeline.errors import InputError
from pipeline.outputs import diff_dirs, diff_editions, edition_dirs, load_json_model, read_edition_info


class Small(BaseModel):
    """A stand-in model: load_json_model works for any pydantic model."""

    name: str
    count: int


# an edition.json written out by hand (the shape of EditionInfo)
EDITION_JSON = {
    "edition_id": "testtown-2026-03",
    "title": "某省某市某区测试镇履行职责事项清单",
    "province": "某省",
    "city": "某市",
    "district": "某区",
    "township": "测试镇",
    "published": "2026-03",
    "lists": {
        kind: {
            "title": title,
            "declared_category_count": 1,
            "declared_total": 2,
            "declared_categories": ["民生服务"],
            "extracted_total": 2,
            "extracted_categories": 1,
            "extra_columns": ["备注", "法律依据"] if kind == "basic" else [],
        }
        for kind, title in (("basic", "基本履职事项清单"), ("coordinated", "配合履职事项清单"), ("reclaimed", "上级部门收回事项清单"))
    },
    "sources": [{"file": "testtown-2026-03.docx", "format": "docx", "sha256": "0" * 64, "pages": None}],
    "pipeline_version": "0.1.0",
    "warnings": [{"code": "latin_word", "list": "basic", "seq": 2, "message": "Latin word 'and' in text: …"}],
}


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# ---------------------------------------------------------------- load_json_model


def test_load_json_model_reads_a_valid_file(tmp_path):
    path = write(tmp_path / "out" / "small.json", '{"name": "送庄镇", "count": 3}')
    assert load_json_model(path, Small) == Small(name="送庄镇", count=3)


def test_missing_file_is_not_an_output(tmp_path):
    with pytest.raises(InputError) as err:
        load_json_model(tmp_path / "somewhere" / "edition.json", Small)
    assert err.value.code == "not_an_output"
    assert err.value.file == "somewhere"  # the directory is named, not the file
    assert str(err.value) == "somewhere: not an edition output directory: edition.json is missing"


def test_a_directory_in_place_of_the_file_is_not_an_output(tmp_path):
    (tmp_path / "out" / "edition.json").mkdir(parents=True)
    with pytest.raises(InputError) as err:
        load_json_model(tmp_path / "out" / "edition.json", Small)
    assert err.value.code == "not_an_output"


@pytest.mark.parametrize(
    "content, message",
    [
        pytest.param('{"name": "送庄镇", "count": 3', "small.json is not valid: Invalid JSON: ", id="truncated-json"),
        pytest.param("", "small.json is not valid: Invalid JSON: ", id="empty"),
        pytest.param('{"name": "送庄镇"}', "small.json is not valid: count: Field required", id="missing-field"),
        pytest.param('{"name": "送庄镇", "count": "three"}', "small.json is not valid: count: ", id="wrong-type"),
        pytest.param("[1, 2]", "small.json is not valid: ", id="not-an-object"),
    ],
)
def test_invalid_json_or_model_is_output_invalid(tmp_path, content, message):
    path = write(tmp_path / "out" / "small.json", content)
    with pytest.raises(InputError) as err:
        load_json_model(path, Small)
    assert err.value.code == "output_invalid"
    assert err.value.file == "out"
    assert err.value.message.startswith(message), err.value.message


def test_non_utf8_is_output_invalid(tmp_path):
    path = write(tmp_path / "out" / "small.json", '{"name": "送庄镇", "count": 3}'.encode("gb18030"))
    with pytest.raises(InputError) as err:
        load_json_model(path, Small)
    assert err.value.code == "output_invalid"
    assert str(err.value) == "out: small.json is not valid: not UTF-8"


def test_read_edition_info(tmp_path):
    write(tmp_path / "testtown-2026-03" / "edition.json", json.dumps(EDITION_JSON, ensure_ascii=False))
    info = read_edition_info(tmp_path / "testtown-2026-03")
    assert (info.edition_id, info.township, info.published) == ("testtown-2026-03", "测试镇", "2026-03")
    assert info.lists["reclaimed"].title == "上级部门收回事项清单"
    assert (info.lists["basic"].extra_columns, info.lists["reclaimed"].extra_columns) == (["备注", "法律依据"], [])
    assert [(w.code, w.list, w.seq) for w in info.warnings] == [("latin_word", "basic", 2)]


def test_read_edition_info_rejects_a_bad_field(tmp_path):
    bad = {**EDITION_JSON, "published": "July 2026"}
    write(tmp_path / "e" / "edition.json", json.dumps(bad, ensure_ascii=False))
    with pytest.raises(InputError) as err:
        read_edition_info(tmp_path / "e")
    assert err.value.code == "output_invalid"
    assert err.value.message.startswith("edition.json is not valid: published: ")


def test_read_edition_info_of_a_directory_without_one(tmp_path):
    (tmp_path / "e").mkdir()
    with pytest.raises(InputError) as err:
        read_edition_info(tmp_path / "e")
    assert err.value.code == "not_an_output"


# ---------------------------------------------------------------- edition and diff directories


@pytest.fixture
def output(tmp_path) -> Path:
    """An output directory: two editions, two diffs, and things that are neither."""
    root = tmp_path / "output"
    write(root / "testtown-2026-03" / "edition.json", "{}")  # only its presence counts here
    write(root / "testtown-2025-07" / "edition.json", "{}")
    write(root / "stray" / "notes.txt", "not an edition")  # a folder without edition.json
    write(root / "nested" / "deeper" / "edition.json", "{}")  # two levels down: not an edition directory
    write(root / "edition.json", "{}")  # at the top: not an edition directory
    write(root / "duties.duckdb", b"")
    write(root / "diffs" / "edition.json", "{}")  # diffs/ is never an edition
    write(root / "diffs" / "testtown-2025-07__testtown-2026-03" / "changes.parquet", b"")
    write(root / "diffs" / "testtown-2025-07__testtown-2026-03" / "summary.json",
          '{"old": {"edition_id": "testtown-2025-07"}, "new": {"edition_id": "testtown-2026-03"}, "total": 4}')  # fmt: skip
    write(root / "diffs" / "testtown-2024-01__testtown-2025-07" / "changes.parquet", b"")
    write(root / "diffs" / "unfinished" / "summary.json", "{}")  # no changes.parquet: not a diff
    return root


def test_edition_dirs_sorted_ignoring_diffs_and_stray_folders(output):
    assert edition_dirs(output) == [output / "testtown-2025-07", output / "testtown-2026-03"]


def test_edition_dirs_of_an_empty_or_missing_directory(tmp_path):
    assert edition_dirs(tmp_path) == []
    assert edition_dirs(tmp_path / "missing") == []


def test_diff_dirs_sorted_only_those_with_changes(output):
    assert diff_dirs(output) == [
        output / "diffs" / "testtown-2024-01__testtown-2025-07",
        output / "diffs" / "testtown-2025-07__testtown-2026-03",
    ]


def test_diff_dirs_without_a_diffs_folder(tmp_path):
    (tmp_path / "testtown-2026-03").mkdir()
    assert diff_dirs(tmp_path) == []


def test_diff_editions_from_summary(output):
    diff = output / "diffs" / "testtown-2025-07__testtown-2026-03"
    assert diff_editions(diff) == ("testtown-2025-07", "testtown-2026-03")
