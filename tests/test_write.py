"""Writers: Parquet with real list columns, CSV that Excel reads, all-or-nothing directories."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.models import TABLES
from pipeline.write import arrow_schema, atomic_directory, rows_table, write_arrow_table, write_edition


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
    (target / "edition.json").write_text("previous run")
    with pytest.raises(RuntimeError):
        with atomic_directory(target) as tmp:
            (tmp / "half").write_text("partial")
            raise RuntimeError("validation failed")
    assert [p.name for p in tmp_path.iterdir()] == ["t"]
    assert [p.name for p in target.iterdir()] == ["edition.json"]


# ---------------------------------------------------------------- leftovers of a killed writer


def test_leftovers_of_a_killed_writer_are_removed_and_an_interrupted_swap_is_undone(tmp_path):
    from pipeline.write import remove_leftovers

    (tmp_path / ".a.k3j_x9.tmp").mkdir()  # killed while filling a.
    (tmp_path / "b").mkdir()
    (tmp_path / ".b.4711.old").mkdir()  # killed after the swap's second rename: b is whole
    (tmp_path / ".c.4711.old").mkdir()  # killed between the two renames: the .old is the last c
    (tmp_path / ".c.4711.old" / "edition.json").write_text("{}")
    (tmp_path / ".duties.duckdb.4711.part").write_text("")
    (tmp_path / ".duties.duckdb.4711.part.wal").write_text("")
    (tmp_path / ".datapackage.json.4711.part").write_text("")
    (tmp_path / ".catalogue-key").write_text("k")  # ours, not a leftover
    (tmp_path / ".someone-elses.tmp").mkdir()  # not of our shape
    removed = remove_leftovers(tmp_path)
    assert sorted(removed) == [".a.k3j_x9.tmp", ".b.4711.old", ".c.4711.old", ".datapackage.json.4711.part",
                               ".duties.duckdb.4711.part", ".duties.duckdb.4711.part.wal"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".catalogue-key", ".someone-elses.tmp", "b", "c"]
    assert (tmp_path / "c" / "edition.json").is_file()


def test_leftovers_of_one_name_only(tmp_path):
    from pipeline.write import remove_leftovers

    (tmp_path / ".a.xyz.tmp").mkdir()
    (tmp_path / ".ab.xyz.tmp").mkdir()
    assert remove_leftovers(tmp_path, "a") == [".a.xyz.tmp"]
    assert [p.name for p in tmp_path.iterdir()] == [".ab.xyz.tmp"]


def test_a_read_only_target_is_a_clean_error_naming_the_path(tmp_path):
    from pipeline.errors import InputError

    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a directory should be")
    with pytest.raises(InputError) as err:
        with atomic_directory(blocker / "out"):
            pass
    assert err.value.code == "output_unwritable" and str(blocker) in str(err.value)


def test_a_full_disk_is_a_clean_error_naming_the_path(tmp_path):
    """/dev/full answers every write with ENOSPC, as a full disk does."""
    from pipeline.errors import InputError

    with pytest.raises(InputError) as err:
        with atomic_directory(tmp_path / "out") as tmp:
            (tmp / "duties.json").symlink_to("/dev/full")
            (tmp / "duties.json").write_text("x" * 100_000)
    assert err.value.code == "output_unwritable"
    assert str(err.value) == f"cannot write {tmp_path / 'out'}: No space left on device"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


ROWS_SCHEMA = pa.schema([
    pa.field("text", pa.string(), nullable=False), pa.field("n", pa.int64()), pa.field("share", pa.float64()),
    pa.field("ok", pa.bool_()), pa.field("departments", pa.list_(pa.string())),
    pa.field("extra", pa.map_(pa.string(), pa.string())),
])
ROWS = [
    {"text": "做好“三农”工作\n（一）\u2028续", "n": 3, "share": 0.1, "ok": True, "departments": ["区民政局", "区财政局"],
     "extra": {"备注": "/", "法律依据": "《土地管理法》"}},
    {"text": "", "n": None, "share": None, "ok": None, "departments": [], "extra": {}},
    {"text": "x", "n": -(2**62), "share": 1e-300, "ok": False, "departments": None, "extra": None},
]


def test_rows_table_keeps_every_value_and_the_order_of_a_map():
    table = rows_table(ROWS, ROWS_SCHEMA)
    assert table.schema == ROWS_SCHEMA
    assert table.to_pylist(maps_as_pydicts="strict") == ROWS
    assert table.column("extra").to_pylist()[0] == [("备注", "/"), ("法律依据", "《土地管理法》")]  # printed order
    assert rows_table([], ROWS_SCHEMA).num_rows == 0


def test_rows_table_refuses_a_value_of_another_type():
    with pytest.raises(pa.ArrowInvalid):
        rows_table([{**ROWS[0], "n": "3"}], ROWS_SCHEMA)
    with pytest.raises(pa.ArrowInvalid):
        rows_table([{**ROWS[0], "surplus": 1}], ROWS_SCHEMA)


def test_csv_spells_lists_maps_and_nulls(tmp_path):
    write_arrow_table(rows_table(ROWS, ROWS_SCHEMA), tmp_path, "t")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8-sig") == (
        "text,n,share,ok,departments,extra\n"
        '"做好“三农”工作\n（一）\u2028续",3,0.1,True,区民政局、区财政局,"{""备注"": ""/"", ""法律依据"": ""《土地管理法》""}"\n'
        ",,,,,{}\n"
        "x,-4611686018427387904,1e-300,False,,\n"
    )
