"""Writers: Parquet with real list columns, CSV that Excel reads, all-or-nothing directories."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.models import TABLES
from pipeline.write import arrow_schema, atomic_directory, write_edition


@pytest.fixture(scope="module")
def written(tmp_path_factory, docx_result):
    from pipeline.build import _info

    edition, warnings = docx_result
    out = tmp_path_factory.mktemp("w") / "edition"
    return write_edition(edition, _info(edition, [], warnings), out)


def test_every_table_in_both_formats(written):
    for name in TABLES:
        assert (written / f"{name}.parquet").is_file() and (written / f"{name}.csv").is_file()


def test_parquet_list_columns_are_lists(written):
    table = pq.read_table(written / "coordinated_duties.parquet")
    assert table.schema.field("departments").type == pa.list_(pa.string())
    row = table.filter(pa.compute.equal(table["seq"], 9)).to_pylist()[0]
    assert row["departments"] == ["区人民政府办公室", "市公安局孟津分局"]


def test_csv_has_bom_and_joins_lists(written):
    raw = (written / "coordinated_duties.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "区人民政府办公室、市公安局孟津分局" in raw.decode("utf-8-sig")


def test_reclaimed_reason_is_null_when_none(written):
    table = pq.read_table(written / "reclaimed_duties.parquet").to_pylist()
    by_seq = {r["seq"]: r for r in table}
    assert by_seq[15]["reason"] is None and by_seq[3]["reason"] == "法律法规条款已失效"
    assert by_seq[3]["departments"] == []


def test_arrow_schema_follows_the_row_model():
    schema = arrow_schema(TABLES["reclaimed_duties"])
    assert schema.names == list(TABLES["reclaimed_duties"].model_fields)
    assert schema.field("reason").nullable and schema.field("seq").type == pa.int64()


def test_failure_leaves_target_untouched(tmp_path):
    target = tmp_path / "t"
    target.mkdir()
    (target / "keep").write_text("previous run")
    with pytest.raises(RuntimeError):
        with atomic_directory(target) as tmp:
            (tmp / "half").write_text("partial")
            raise RuntimeError("validation failed")
    assert [p.name for p in tmp_path.iterdir()] == ["t"]
    assert [p.name for p in target.iterdir()] == ["keep"]
