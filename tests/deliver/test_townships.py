"""duties.duckdb across townships: canonical departments, duty clusters, and the views per place.

The corpus is built from builders' rows (3 basic, 2 coordinated, 2 reclaimed items) with other places'
department names; expected values are counted by hand from the rows written here.
"""

from __future__ import annotations

import duckdb
import pytest

import builders
import pipeline.build as build
from builders import write_text

PREFACE = builders.PREFACE


def _tables(county: str, basic_rows=None):
    """builders.TABLES with the county's own department names (县…, 市公安局<county>分局)."""
    short = county[:-1]
    coordinated = [[cell.replace("区人民政府办公室", "县人民政府办公室").replace("市公安局孟津分局", f"市公安局{short}分局")
                    .replace("区人民武装部", "县人民武装部") for cell in row] for row in builders.COORDINATED]
    reclaimed = [[cell.replace("区卫生健康委员会", "县卫生健康委员会").replace("区财政局", "县财政局") for cell in row]
                 for row in builders.RECLAIMED]
    return [(builders.BASIC_HEADER, basic_rows or builders.BASIC), (builders.COORDINATED_HEADER, coordinated),
            (builders.RECLAIMED_HEADER, reclaimed)]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """青山县城关镇 (2026-03, then 2026-09 with basic 2 reworded), 松林县城关镇, 山东省 柏树县东镇 (a unique basic 3)."""
    tmp = tmp_path_factory.mktemp("townships")
    raw, out = tmp / "raw", tmp / "output"
    editions = [
        ("河南省/青山县/城关镇-2026-03.txt", "河南省某市青山县城关镇", "2026年3月", _tables("青山县")),
        ("河南省/青山县/城关镇-2026-09.txt", "河南省某市青山县城关镇", "2026年9月",
         _tables("青山县", [*builders.BASIC[:2], ["2", "做好党员教育管理工作。"], *builders.BASIC[3:]])),
        ("河南省/松林县/城关镇-2026-03.txt", "河南省某市松林县城关镇", "2026年3月", _tables("松林县")),
        ("山东省/柏树县/东镇-2026-03.txt", "山东省某市柏树县东镇", "2026年3月",
         _tables("柏树县", [*builders.BASIC[:4], ["3", "建设智慧农业示范园区。"]])),
    ]
    for path, place, month, tables in editions:
        (raw / path).parent.mkdir(parents=True, exist_ok=True)
        write_text(raw / path, front=[place, "履行职责事项清单", month, "说 明", PREFACE], tables=tables)
    build.build_all(raw, out)
    with duckdb.connect(str(out / "duties.duckdb"), read_only=True) as con:
        yield con


def rows(con, sql):
    return [tuple(r) for r in con.execute(sql).fetchall()]


def test_latest_editions_are_one_per_place(database):
    assert rows(database, "SELECT province, district, township, published FROM v_latest_editions ORDER BY 2") == [
        ("河南省", "松林县", "城关镇", "2026-03"), ("山东省", "柏树县", "东镇", "2026-03"), ("河南省", "青山县", "城关镇", "2026-09"),
    ]  # fmt: skip


def test_items_per_list_and_category_per_township(database):
    got = rows(database, "SELECT district, list, category, items, declared_count FROM v_items_by_township "
                         "WHERE district = '松林县'")
    assert got == [("松林县", "basic", "党的建设", 2, 2), ("松林县", "basic", "经济发展", 1, 1),
                   ("松林县", "coordinated", "平安法治", 2, 2), ("松林县", "reclaimed", "民生服务", 2, 2)]
    assert rows(database, "SELECT count(DISTINCT edition_id) FROM v_items_by_township") == [(3,)]


def test_each_department_is_kept_beside_its_canonical_name(database):
    got = rows(database, "SELECT department, department_canonical FROM department_canonical "
                         "WHERE edition_id = '河南省-松林县-城关镇-2026-03' ORDER BY 1")
    assert got == [("县人民政府办公室", "人民政府办公室"), ("县人民武装部", "人民武装部"), ("县卫生健康委员会", "卫生健康委员会"),
                   ("县财政局", "财政局"), ("市公安局松林分局", "公安局")]


def test_an_organ_is_counted_across_townships_whatever_its_place_name(database):
    got = rows(database, "SELECT department_canonical, townships, published_names, coordinated_items FROM v_department_coverage "
                         "WHERE department_canonical IN ('公安局', '人民武装部') ORDER BY 1")
    assert got == [("人民武装部", 3, ["县人民武装部"], 3),
                   ("公安局", 3, ["市公安局松林分局", "市公安局柏树分局", "市公安局青山分局"], 3)]


def test_departments_by_township_adds_up_each_organs_load(database):
    got = rows(database, "SELECT department_canonical, departments, coordinated_items, department_clauses, reclaimed_items "
                         "FROM v_departments_by_township WHERE district = '柏树县' ORDER BY 1")
    # builders: item 1 names 县人民政府办公室 (1 clause) and 公安局 (2 clauses), item 2 人民武装部 (1);
    # reclaimed item 2 is taken over by 县卫生健康委员会 and 县财政局
    assert got == [("人民政府办公室", ["县人民政府办公室"], 1, 1, 0), ("人民武装部", ["县人民武装部"], 1, 1, 0),
                   ("公安局", ["市公安局柏树分局"], 1, 2, 0), ("卫生健康委员会", ["县卫生健康委员会"], 0, 0, 1),
                   ("财政局", ["县财政局"], 0, 0, 1)]


def test_a_duty_every_township_has_and_one_only_one_has(database):
    coverage = {r[0]: r[1:] for r in rows(database, "SELECT representative, townships, share FROM v_duty_coverage WHERE list = 'basic'")}
    assert coverage["加强党的建设。"] == (3, 1.0)
    assert coverage["发展镇域经济。"] == (2, 0.6667)  # 柏树县 replaced it
    assert coverage["建设智慧农业示范园区。"] == (1, 0.3333)


def test_a_reworded_duty_joins_its_cluster(database):
    got = rows(database, "SELECT m.edition_id, m.similarity, c.representative FROM duty_cluster_members m "
                         "JOIN duty_clusters c USING (list, cluster_id) WHERE m.list = 'basic' AND m.seq = 2 ORDER BY 1")
    assert [r[0] for r in got] == ["山东省-柏树县-东镇-2026-03", "河南省-松林县-城关镇-2026-03", "河南省-青山县-城关镇-2026-03",
                                   "河南省-青山县-城关镇-2026-09"]
    assert {r[2] for r in got} == {"做好党员教育。"}  # one cluster, named by its commonest wording
    assert [r[1] for r in got] == [1.0, 1.0, 1.0, pytest.approx(2 * 6 / (6 + 10))]  # Indel: 6 shared of 6 and 10 characters
    assert rows(database, "SELECT townships, editions, items, wordings FROM duty_clusters WHERE representative = '做好党员教育。'") == [
        (3, 4, 4, 2)]
