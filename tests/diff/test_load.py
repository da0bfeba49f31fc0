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


@pytest.mark.parametrize("missing", ["edition.json", "duties.json"])
def test_missing_file_is_named(tmp_path, missing):
    directory = write_edition(tmp_path / "e", SAMPLE)
    (directory / missing).unlink()
    with pytest.raises(InputError, match=f"not an edition output directory: {missing} is missing") as err:
        load_edition(directory)
    assert err.value.code == "not_an_output"


def test_not_a_directory(tmp_path):
    with pytest.raises(InputError, match="not a directory") as err:
        load_edition(tmp_path / "nowhere")
    assert err.value.code == "not_an_output"


def test_bad_edition_json(tmp_path):
    directory = write_edition(tmp_path / "e", SAMPLE)
    (directory / "edition.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="edition.json is not valid") as err:
        load_edition(directory)
    assert err.value.code == "output_invalid"


def test_duties_json_is_validated_again(tmp_path):
    """The diff reads the nested edition and the models check it again: a broken total is refused."""
    directory = write_edition(tmp_path / "e", SAMPLE)
    duties = json.loads((directory / "duties.json").read_text(encoding="utf-8"))
    duties["lists"]["basic"]["declared"]["total"] = 14  # 13 items
    (directory / "duties.json").write_text(json.dumps(duties, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError, match="duties.json is not valid: lists.basic: .*declares 14 items, found 13") as err:
        load_edition(directory)
    assert err.value.code == "output_invalid"


def test_duties_json_of_another_edition_is_refused(tmp_path):
    directory = write_edition(tmp_path / "e", SAMPLE)
    other = write_edition(tmp_path / "f", SAMPLE, {"edition_id": "songzhuang-2026-01"})
    (directory / "duties.json").write_bytes((other / "duties.json").read_bytes())
    with pytest.raises(InputError, match="edition.json is for songzhuang-2025-07, duties.json for songzhuang-2026-01") as err:
        load_edition(directory)
    assert err.value.code == "output_invalid"


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
