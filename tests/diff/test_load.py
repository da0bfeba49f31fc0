"""Loading an edition directory, and the clear errors for what is not one."""

from __future__ import annotations

import json

import pytest

from diff.diff_helpers import SAMPLE, read_records, write_edition
from pipeline.diff import run_diff
from pipeline.diff.load import load_edition
from pipeline.errors import InputError


def test_loads_items_in_seq_order(tmp_path):
    edition = load_edition(write_edition(tmp_path / "e", SAMPLE))
    assert [len(edition.items[k]) for k in ("basic", "coordinated", "reclaimed")] == [13, 4, 6]
    fundraising = edition.items["coordinated"][1]
    assert fundraising.values["departments"] == ("区人民政府办公室", "市公安局孟津分局")
    assert dict(fundraising.values["department_duties"])["市公安局孟津分局"] == ("做好非法集资、传销刑事案件打击工作",)
    assert edition.items["reclaimed"][0].values["reason"] == "法律法规条款已失效"
    assert edition.meta.township == "送庄镇"


def test_real_output_loads_whole(real_dir, tmp_path):
    """The extractor's own output, and the test records rebuilt from it, read the same."""
    edition = load_edition(real_dir)
    assert [len(edition.items[k]) for k in ("basic", "coordinated", "reclaimed")] == [119, 69, 126]
    rebuilt = load_edition(write_edition(tmp_path / "e", read_records(real_dir)))
    for kind in edition.items:
        assert [i.values for i in rebuilt.items[kind]] == [i.values for i in edition.items[kind]]


@pytest.mark.parametrize("missing", ["edition.json", "basic_duties.parquet", "coordinated_department_duties.parquet"])
def test_missing_file_is_named(tmp_path, missing):
    directory = write_edition(tmp_path / "e", SAMPLE)
    (directory / missing).unlink()
    with pytest.raises(InputError, match=f"not an edition output directory: {missing} is missing"):
        load_edition(directory)


def test_not_a_directory(tmp_path):
    with pytest.raises(InputError, match="not a directory"):
        load_edition(tmp_path / "nowhere")


def test_bad_edition_json(tmp_path):
    directory = write_edition(tmp_path / "e", SAMPLE)
    (directory / "edition.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="edition.json is not valid"):
        load_edition(directory)


def test_table_without_a_needed_column(tmp_path):
    import pandas as pd

    directory = write_edition(tmp_path / "e", SAMPLE)
    pd.read_parquet(directory / "basic_duties.parquet").drop(columns="text").to_parquet(directory / "basic_duties.parquet")
    with pytest.raises(InputError, match="basic_duties.parquet lacks column"):
        load_edition(directory)


def test_different_townships_need_force(tmp_path):
    a = write_edition(tmp_path / "a", SAMPLE)
    b = write_edition(tmp_path / "b", SAMPLE, {"edition_id": "chengguan-2025-07", "township": "城关镇"})
    with pytest.raises(InputError, match="different townships.*送庄镇.*城关镇.*--force"):
        run_diff(a, b, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert run_diff(a, b, tmp_path / "out", force=True)["total"] == 0


def test_edition_json_of_another_shape_is_rejected(tmp_path):
    directory = write_edition(tmp_path / "e", SAMPLE)
    info = json.loads((directory / "edition.json").read_text(encoding="utf-8"))
    del info["township"]
    (directory / "edition.json").write_text(json.dumps(info), encoding="utf-8")
    with pytest.raises(InputError, match="edition.json is not valid: township"):
        load_edition(directory)
