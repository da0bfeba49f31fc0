"""Columns the template does not have (`extra`) and categories without （N项）, through every deliverable.

Two editions are run through the real pipeline (`extract_to`) into one output
directory:

- songzhuang-2025-07: a copy of raw/songzhuang-2025-07.txt whose basic list
  prints two more columns, 备注 and 法律依据 (item 1: `/` and a law, item 2: a
  备注 only, every other item: both empty);
- testtown-2026-03: the small test edition (tests/builders.py) whose basic list
  prints a 类别 column without （N项） and a 备注 column.

Each round-trips through Parquet (pyarrow and DuckDB), CSV (json.loads of the
cell), duties.json, the workbook, duties.duckdb and the data package; the
published edition, which has no extra column, gives {} everywhere.  Expected
values are written by hand.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

import builders
from pipeline.build import extract_to
from pipeline.deliver.database import build_database
from pipeline.deliver.datapackage import write_datapackage
from pipeline.diff.load import load_edition
from pipeline.validate import validate_dir

SONGZHUANG = "songzhuang-2025-07"
SMALL = "testtown-2026-03"
LAW = "《中华人民共和国土地管理法》第六十七条"
ITEM_TABLES = ("basic_duties", "coordinated_duties", "reclaimed_duties")
# the extra cells of songzhuang's basic items 1-3, in printed order (items 3-119 alike)
SONGZHUANG_EXTRA = [
    [("备注", "/"), ("法律依据", LAW)],
    [("备注", "镇党委负责"), ("法律依据", "")],
    [("备注", ""), ("法律依据", "")],
]


def _songzhuang_with_extra_columns(directory: Path) -> Path:
    """raw/songzhuang-2025-07.txt with 备注 and 法律依据 added to every table of the basic list."""
    raw = Path(__file__).resolve().parents[2] / "raw" / f"{SONGZHUANG}.txt"
    lines, in_basic = [], False
    for line in raw.read_text(encoding="utf-8").split("\n"):
        if line == "序号\t事项名称":  # the basic list's header, repeated on every page
            in_basic, line = True, line + "\t备注\t法律依据"
        elif line.startswith("序号\t"):  # another list's header
            in_basic = False
        elif in_basic and "\t" in line:  # an item or a category heading
            seq = line.split("\t")[0]
            line += {"1": f"\t/\t{LAW}", "2": "\t镇党委负责\t"}.get(seq, "\t\t")
        lines.append(line)
    path = directory / f"{SONGZHUANG}.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("extra")
    out = tmp / "output"
    extract_to([_songzhuang_with_extra_columns(tmp)], out / SONGZHUANG)
    basic = (["序号", "类别", "事项名称", "备注"],
             [["1", "党的建设", "加强党的建设。", "/"], ["2", "", "做好党员教育。", ""],
              ["3", "经济发展", "发展镇域经济。", "镇经济办负责"]])  # fmt: skip
    extract_to([builders.write_text(tmp / f"{SMALL}.txt", tables=[basic, *builders.TABLES[1:]])], out / SMALL)
    build_database(out)
    write_datapackage(out)
    return out


def _csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _pairs(text: str) -> list[tuple[str, str]]:
    """A CSV map cell as its JSON object's (key, value) pairs, in the order written."""
    return json.loads(text, object_pairs_hook=list)


def test_parquet_map_column_read_with_pyarrow(output):
    table = pq.read_table(output / SONGZHUANG / "basic_duties.parquet")
    assert table.schema.field("extra").type == pa.map_(pa.string(), pa.string())
    extra = table.column("extra").to_pylist()  # a map reads as its (key, value) entries, in stored order
    assert extra[:3] == SONGZHUANG_EXTRA
    assert len(extra) == 119 and all(e == [("备注", ""), ("法律依据", "")] for e in extra[3:])
    for name in ("coordinated_duties", "reclaimed_duties"):
        assert set(map(len, pq.read_table(output / SONGZHUANG / f"{name}.parquet").column("extra").to_pylist())) == {0}


def test_parquet_map_column_read_with_duckdb(output):
    path = str(output / SONGZHUANG / "basic_duties.parquet")
    with duckdb.connect() as con:
        got = con.execute("SELECT seq, typeof(extra), map_keys(extra), extra['备注'], extra['法律依据'] "
                          "FROM read_parquet(?) WHERE seq <= 2 ORDER BY seq", [path]).fetchall()
    assert got == [
        (1, "MAP(VARCHAR, VARCHAR)", ["备注", "法律依据"], "/", LAW),
        (2, "MAP(VARCHAR, VARCHAR)", ["备注", "法律依据"], "镇党委负责", ""),
    ]


def test_csv_map_cell_is_a_json_object(output):
    rows = _csv(output / SONGZHUANG / "basic_duties.csv")
    assert [_pairs(r["extra"]) for r in rows[:3]] == SONGZHUANG_EXTRA
    assert rows[0]["extra"] == '{"备注": "/", "法律依据": "《中华人民共和国土地管理法》第六十七条"}'  # Chinese as is
    for name in ("coordinated_duties", "reclaimed_duties"):
        assert {r["extra"] for r in _csv(output / SONGZHUANG / f"{name}.csv")} == {"{}"}


def test_duties_and_edition_json(output):
    duties = json.loads((output / SONGZHUANG / "duties.json").read_text(encoding="utf-8"))
    basic = duties["lists"]["basic"]
    assert basic["extra_columns"] == ["备注", "法律依据"]
    assert list(basic["categories"][0]["items"][0]["extra"].items()) == SONGZHUANG_EXTRA[0]
    assert duties["lists"]["coordinated"]["extra_columns"] == []
    assert duties["lists"]["coordinated"]["categories"][0]["items"][0]["extra"] == {}
    info = json.loads((output / SONGZHUANG / "edition.json").read_text(encoding="utf-8"))
    assert [info["lists"][k]["extra_columns"] for k in ("basic", "coordinated", "reclaimed")] == [["备注", "法律依据"], [], []]


def test_read_back_by_validate_and_the_diff(output):
    assert validate_dir(output / SONGZHUANG).edition_id == SONGZHUANG
    assert validate_dir(output / SMALL).edition_id == SMALL
    assert len(load_edition(output / SONGZHUANG).items["basic"]) == 119


def test_workbook_map_cells(output):
    ws = load_workbook(output / SONGZHUANG / f"{SONGZHUANG}.xlsx")["basic_duties"]
    assert [ws.cell(row=2, column=c).value for c in (5, 6)] == ["text", "extra"]
    assert [ws.cell(row=r, column=6).value for r in (3, 4, 5)] == [f"备注：/\n法律依据：{LAW}", "备注：镇党委负责\n法律依据：",
                                                                   "备注：\n法律依据："]
    ws = load_workbook(output / SMALL / f"{SMALL}.xlsx")["categories"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_row=4)] == [
        [SMALL, "basic", 1, "党的建设", None, 2], [SMALL, "basic", 2, "经济发展", None, 1]]


def test_database_map_column_and_null_counts(output):
    with duckdb.connect(str(output / "duties.duckdb"), read_only=True) as con:
        types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'basic_duties'").fetchall())
        assert types["extra"] == "MAP(VARCHAR, VARCHAR)"
        assert con.execute("SELECT seq, map_keys(extra), extra['法律依据'] FROM basic_duties "
                           "WHERE edition_id = ? AND seq = 1", [SONGZHUANG]).fetchall() == [(1, ["备注", "法律依据"], LAW)]
        assert con.execute("SELECT edition_id, seq, extra FROM basic_duties WHERE edition_id = ? ORDER BY seq",
                           [SMALL]).fetchall() == [
            (SMALL, 1, {"备注": "/"}), (SMALL, 2, {"备注": ""}), (SMALL, 3, {"备注": "镇经济办负责"})]
        assert con.execute("SELECT count(*) FROM reclaimed_duties WHERE cardinality(extra) > 0").fetchall() == [(0,)]
        # a category without （N项）: NULL in the table and in the view, whose item counts still hold
        assert con.execute("SELECT list, category_no, category, items, declared_count FROM v_duties_per_category "
                           "WHERE edition_id = ?", [SMALL]).fetchall() == [
            ("basic", 1, "党的建设", 2, None), ("basic", 2, "经济发展", 1, None),
            ("coordinated", 1, "平安法治", 2, 2), ("reclaimed", 1, "民生服务", 2, 2)]
        assert con.execute("SELECT count(*) FROM categories WHERE declared_count IS NULL").fetchall() == [(2,)]
        assert con.execute("SELECT sum(items), count(declared_count) FROM v_duties_per_category WHERE edition_id = ?",
                           [SONGZHUANG]).fetchall() == [(119 + 69 + 126, 9 + 9 + 9)]


def test_data_package_is_valid_under_frictionless(output):
    import frictionless

    report = frictionless.validate(str(output / "datapackage.json"))
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])[:10]
    descriptor = json.loads((output / "datapackage.json").read_text(encoding="utf-8"))
    fields = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in descriptor["resources"]}
    assert fields[f"{SMALL}.basic_duties.csv"]["extra"]["type"] == "object"
    assert fields[f"{SMALL}.basic_duties.parquet"]["extra"]["type"] == "any"  # a map: frictionless reads it as pairs
    assert "constraints" not in fields[f"{SMALL}.categories.csv"]["declared_count"]


def test_published_edition_has_empty_maps_everywhere(real_output):
    """raw/songzhuang-2025-07.docx prints only the template's columns."""
    edition = real_output / SONGZHUANG
    for name in ITEM_TABLES:
        assert set(map(len, pq.read_table(edition / f"{name}.parquet").column("extra").to_pylist())) == {0}, name
        assert {r["extra"] for r in _csv(edition / f"{name}.csv")} == {"{}"}, name
        ws = load_workbook(edition / f"{SONGZHUANG}.xlsx")[name]
        column = [c.value for c in ws[2]].index("extra") + 1
        assert {ws.cell(row=r, column=column).value for r in range(3, ws.max_row + 1)} == {None}, name
    duties = json.loads((edition / "duties.json").read_text(encoding="utf-8"))
    for kind, duty_list in duties["lists"].items():
        assert duty_list["extra_columns"] == [], kind
        assert {json.dumps(i["extra"]) for c in duty_list["categories"] for i in c["items"]} == {"{}"}, kind
    build_database(real_output)
    with duckdb.connect(str(real_output / "duties.duckdb"), read_only=True) as con:
        for name in ITEM_TABLES:
            assert con.execute(f"SELECT count(*) FROM {name} WHERE cardinality(extra) > 0").fetchall() == [(0,)], name
        assert con.execute("SELECT count(*) FROM categories WHERE declared_count IS NULL").fetchall() == [(0,)]
