"""output/dataset/: every edition's tables as one hive-partitioned Parquet dataset, read by the usual readers."""

from __future__ import annotations

import os

import duckdb
import pytest

import builders
import pipeline.build as build
from builders import write_text


def _front(place: str) -> list[str]:
    return [place, "履行职责事项清单", "2026年3月", "说 明", builders.PREFACE]


@pytest.fixture
def corpus(tmp_path):
    """Three townships: two in 河南省 (two counties), one in 山东省; builders' rows: 3 basic, 2 coordinated, 2 reclaimed each."""
    raw, out = tmp_path / "raw", tmp_path / "output"
    for path, place in [("河南省/甲县/城关镇-2026-03.txt", "河南省某市甲县城关镇"), ("河南省/乙县/城关镇-2026-03.txt", "河南省某市乙县城关镇"),
                        ("山东省/丙县/东镇-2026-03.txt", "山东省某市丙县东镇")]:
        (raw / path).parent.mkdir(parents=True, exist_ok=True)
        write_text(raw / path, front=_front(place))
    build.build_all(raw, out)
    return raw, out


def test_one_file_per_edition_and_table_under_its_province(corpus):
    _, out = corpus
    files = sorted(str(p.relative_to(out / "dataset")) for p in (out / "dataset").rglob("*.parquet"))
    assert "basic_duties/province=河南省/河南省-甲县-城关镇-2026-03.parquet" in files
    assert "basic_duties/province=山东省/山东省-丙县-东镇-2026-03.parquet" in files
    assert "editions/province=山东省/editions.parquet" in files
    assert len(files) == 3 * 8 + 2  # eight tables of three editions, and the editions table of two provinces
    linked = out / "dataset" / "basic_duties" / "province=河南省" / "河南省-甲县-城关镇-2026-03.parquet"
    assert os.path.samefile(linked, out / "河南省-甲县-城关镇-2026-03" / "basic_duties.parquet")  # no second copy


def test_duckdb_pandas_and_polars_read_a_table_across_the_corpus_with_its_province(corpus):
    import pandas as pd
    import polars as pl

    _, out = corpus
    table = out / "dataset" / "basic_duties"
    rows = duckdb.sql(f"SELECT province, count(*) FROM read_parquet('{table}/*/*.parquet', hive_partitioning = true) "
                      "GROUP BY ALL ORDER BY 1").fetchall()
    assert rows == [("山东省", 3), ("河南省", 6)]
    frame = pd.read_parquet(table)
    assert sorted(frame.groupby("province", observed=True).size().items()) == [("山东省", 3), ("河南省", 6)]
    lazy = pl.scan_parquet(str(table / "**" / "*.parquet"), hive_partitioning=True)
    assert sorted(lazy.group_by("province").len().collect().rows()) == [("山东省", 3), ("河南省", 6)]
    editions = duckdb.sql(f"SELECT province, district, township FROM read_parquet('{out}/dataset/editions/*/*.parquet', "
                          "hive_partitioning = true) ORDER BY 2").fetchall()
    assert editions == [("山东省", "丙县", "东镇"), ("河南省", "乙县", "城关镇"), ("河南省", "甲县", "城关镇")]


def test_an_edition_without_a_province_reads_as_null(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    write_text(raw / "town-2026-03.txt", front=_front("测试镇"))  # the cover names no province
    build.build_all(raw, out)
    table = out / "dataset" / "basic_duties"
    assert [p.name for p in table.iterdir()] == ["province=__HIVE_DEFAULT_PARTITION__"]
    assert duckdb.sql(f"SELECT DISTINCT province FROM read_parquet('{table}/*/*.parquet', hive_partitioning = true)").fetchall() == [(None,)]


def test_the_dataset_follows_the_editions_present(corpus):
    raw, out = corpus
    (raw / "山东省" / "丙县" / "东镇-2026-03.txt").unlink()
    import shutil

    shutil.rmtree(out / "山东省-丙县-东镇-2026-03")
    write_text(raw / "河南省" / "甲县" / "城关镇-2026-03.txt", front=_front("河南省某市甲县城关镇"), encoding="gb18030")  # rebuilt
    build.build_all(raw, out)
    assert not (out / "dataset" / "basic_duties" / "province=山东省").exists()
    assert not (out / "dataset" / "editions" / "province=山东省").exists()
    linked = out / "dataset" / "basic_duties" / "province=河南省" / "河南省-甲县-城关镇-2026-03.parquet"
    assert os.path.samefile(linked, out / "河南省-甲县-城关镇-2026-03" / "basic_duties.parquet")  # the new file, not the old


def test_an_edition_id_may_not_take_the_datasets_name(tmp_path):
    from pipeline.editions import check_edition_id
    from pipeline.errors import InputError

    for name in ("dataset", "diffs"):
        with pytest.raises(InputError, match="the name of a directory the output holds"):
            check_edition_id(name)
