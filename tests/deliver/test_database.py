"""output/duties.duckdb: tables, views (expected values counted by hand from conftest), atomic rebuild."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from pipeline.deliver.database import VIEWS, build_database
from pipeline.errors import InputError
from pipeline.models import TABLES

FIRST, MIDDLE, FULL = "testtown-2023-06", "testtown-2024-01", "testtown-2025-07"


@pytest.fixture
def con(output_dir):
    path = build_database(output_dir)
    assert path == output_dir / "duties.duckdb"
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def rows(con, sql, *params):
    return [tuple(r) for r in con.execute(sql, list(params)).fetchall()]


def test_every_edition_stacked_in_one_table_each(con):
    # basic: 1 + 2 + 3 items; coordinated 1 + 1 + 2; reclaimed 1 + 1 + 4
    assert rows(con, "SELECT edition_id, count(*) FROM basic_duties GROUP BY 1 ORDER BY 1") == [
        (FIRST, 1), (MIDDLE, 2), (FULL, 3)
    ]  # fmt: skip
    assert rows(con, "SELECT count(*) FROM coordinated_duties") == [(4,)]
    assert rows(con, "SELECT count(*) FROM reclaimed_method_clauses") == [(1 + 1 + 5,)]
    for table in TABLES:
        assert rows(con, f"SELECT count(DISTINCT edition_id) FROM {table}") == [(3,)], table


def test_editions_numbered_per_township_by_publication(con):
    assert rows(con, "SELECT edition_id, published, edition_no, warning_count FROM editions ORDER BY edition_no") == [
        (FIRST, "2023-06", 1, 0), (MIDDLE, "2024-01", 2, 0), (FULL, "2025-07", 3, 2)
    ]  # fmt: skip
    assert rows(con, "SELECT list, declared_total, extracted_total, extra_columns FROM edition_lists "
                     "WHERE edition_id = ? ORDER BY 1", FULL) == [
        ("basic", 3, 3, ["备注", "法律依据"]), ("coordinated", 2, 2, []), ("reclaimed", 4, 4, [])
    ]  # fmt: skip
    assert rows(con, "SELECT code, list, seq FROM warnings ORDER BY warning_no") == [
        ("department_label", "coordinated", 2), ("ocr_spacing", None, None)
    ]  # fmt: skip


def test_list_columns_are_lists_and_types_follow_the_models(con):
    assert rows(con, "SELECT departments FROM coordinated_duties WHERE edition_id = ? AND seq = 1", FULL) == [
        (["区委组织部", "区委宣传部"],)
    ]
    types = dict(rows(con, "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'reclaimed_duties'"))
    assert types["departments"] == "VARCHAR[]"
    assert types["seq"] == "BIGINT"
    assert types["reason"] == "VARCHAR"
    assert types["extra"] == "MAP(VARCHAR, VARCHAR)"


def test_extra_maps_keep_printed_order_and_are_empty_elsewhere(con):
    assert rows(con, "SELECT seq, map_keys(extra), extra['备注'], extra['法律依据'] FROM basic_duties "
                     "WHERE edition_id = ? ORDER BY seq", FULL) == [
        (1, ["备注", "法律依据"], "/", "《中华人民共和国土地管理法》第六十七条"),
        (2, ["备注", "法律依据"], "", ""),
        (3, ["备注", "法律依据"], "需区发展改革委配合", "《优化营商环境条例》\n第八条"),
    ]  # fmt: skip
    assert rows(con, "SELECT count(*) FROM basic_duties WHERE edition_id <> ? AND extra <> MAP {}", FULL) == [(0,)]
    assert rows(con, "SELECT count(*), count(*) FILTER (WHERE cardinality(extra) = 0) FROM reclaimed_duties") == [(6, 6)]


def test_descriptions_are_stored_as_comments(con):
    comment = rows(
        con,
        "SELECT comment FROM duckdb_columns() WHERE table_name = 'basic_duties' AND column_name = 'seq'",
    )
    assert comment == [("Item number within its list, as published｜序号",)]
    views = rows(con, "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal ORDER BY view_name")
    assert [v for v, _ in views] == sorted(VIEWS)
    assert all("｜" in c for _, c in views)


def test_v_duties_per_category(con):
    got = rows(
        con,
        "SELECT list, list_title, category_no, category, items, declared_count "
        "FROM v_duties_per_category WHERE edition_id = ?",
        FULL,
    )
    assert got == [
        ("basic", "基本履职事项清单", 1, "党的建设", 2, 2),
        ("basic", "基本履职事项清单", 2, "经济发展", 1, 1),
        ("coordinated", "配合履职事项清单", 1, "党的建设", 1, 1),
        ("coordinated", "配合履职事项清单", 2, "生态环保", 1, 1),
        ("reclaimed", "上级部门收回事项清单", 1, "民生服务", 2, 2),
        ("reclaimed", "上级部门收回事项清单", 2, "平安法治", 2, None),  # a 类别 column without （N项）
    ]
    # across editions: basic 党的建设 grows 1 → 2 → 2
    assert rows(
        con,
        "SELECT published, items FROM v_duties_per_category WHERE list = 'basic' AND category_no = 1",
    ) == [("2023-06", 1), ("2024-01", 2), ("2025-07", 2)]


def test_v_duties_per_category_keeps_an_empty_category(output_dir, helpers):
    from pipeline.models import CategoryRow

    cats = helpers.rows_for(FULL)["categories"] + [
        CategoryRow(edition_id=FULL, list="basic", category_no=3, category="综合政务", declared_count=1, item_count=0)
    ]
    helpers.write_table(output_dir / FULL, "categories", cats)
    build_database(output_dir)
    with duckdb.connect(str(output_dir / "duties.duckdb"), read_only=True) as c:
        assert rows(c, "SELECT items, declared_count FROM v_duties_per_category WHERE category = '综合政务'") == [(0, 1)]


def test_v_department_clauses(con):
    got = rows(
        con,
        "SELECT department, coordinated_items, department_clauses, reclaimed_items "
        "FROM v_department_clauses WHERE edition_id = ?",
        FULL,
    )
    # 区委组织部: item 1, clauses 1-2; 区委宣传部: item 1, clause 1; 区生态环境分局: item 2, clause 1;
    # 区民政局 took reclaimed 1 and 3; 区司法局 took reclaimed 3
    assert got == [
        ("区委组织部", 1, 2, 0),
        ("区委宣传部", 1, 1, 0),
        ("区生态环境分局", 1, 1, 0),
        ("区民政局", 0, 0, 2),
        ("区司法局", 0, 0, 1),
    ]
    # it agrees with the writer's departments table
    assert rows(
        con,
        "SELECT count(*) FROM departments d FULL JOIN v_department_clauses v USING (edition_id, department) "
        "WHERE d.coordinated_items IS DISTINCT FROM v.coordinated_items "
        "OR d.reclaimed_items IS DISTINCT FROM v.reclaimed_items",
    ) == [(0,)]


def test_v_reclaimed_by_disposition(con):
    got = rows(
        con, "SELECT disposition, reason, items, seqs FROM v_reclaimed_by_disposition WHERE edition_id = ?", FULL
    )
    assert got == [
        ("transferred", None, 2, [1, 3]),
        ("discontinued", "与其他报表重复", 1, [4]),
        ("discontinued", "已无政策依据", 1, [2]),
    ]
    assert rows(con, "SELECT edition_id, items FROM v_reclaimed_by_disposition WHERE edition_id <> ?", FULL) == [
        (FIRST, 1), (MIDDLE, 1)
    ]  # fmt: skip


def test_v_changes_only_consecutive_editions(con):
    assert rows(con, "SELECT count(*) FROM changes") == [(1 + 3 + 1,)]  # every diff is loaded
    got = rows(
        con,
        "SELECT old_edition, new_edition, change, coalesce(new_list, old_list), coalesce(new_seq, old_seq), fields "
        "FROM v_changes",
    )
    # 2023-06 → 2025-07 skips 2024-01, so it is not in the view
    assert got == [
        (FIRST, MIDDLE, "added", "basic", 2, []),
        (MIDDLE, FULL, "added", "basic", 3, []),
        (MIDDLE, FULL, "added", "coordinated", 2, []),
        (MIDDLE, FULL, "modified", "reclaimed", 1, ["method", "reason"]),
    ]
    assert rows(con, "SELECT old_published, new_published, similarity FROM v_changes WHERE change = 'modified'") == [
        ("2024-01", "2025-07", 0.82)
    ]
    assert rows(con, "SELECT old_edition, list, change, changes FROM v_change_counts") == [
        (FIRST, "basic", "added", 1),
        (MIDDLE, "basic", "added", 1),
        (MIDDLE, "coordinated", "added", 1),
        (MIDDLE, "reclaimed", "modified", 1),
    ]


def test_without_diffs_the_change_views_are_empty(output_dir):
    shutil.rmtree(output_dir / "diffs")
    build_database(output_dir)
    with duckdb.connect(str(output_dir / "duties.duckdb"), read_only=True) as c:
        assert rows(c, "SELECT count(*) FROM v_changes") == [(0,)]
        assert rows(c, "SELECT count(*) FROM basic_duties") == [(6,)]


def test_diff_tables_carry_the_editions_they_compare(output_dir):
    build_database(output_dir)
    with duckdb.connect(str(output_dir / "duties.duckdb"), read_only=True) as c:
        # the fixture's DIFFS: 1, 1 and 3 change rows, each written with its (old, new) pair
        assert rows(c, "SELECT old_edition, new_edition, count(*) FROM changes GROUP BY ALL ORDER BY ALL") == [
            (FIRST, MIDDLE, 1), (FIRST, FULL, 1), (MIDDLE, FULL, 3)
        ]
        assert rows(c, "SELECT count(*) FROM field_changes") == [(0,)]


def test_rebuild_is_atomic(output_dir):
    build_database(output_dir)
    before = (output_dir / "duties.duckdb").read_bytes()
    (output_dir / FULL / "basic_duties.parquet").write_bytes(b"not parquet")
    with pytest.raises(Exception):
        build_database(output_dir)
    assert (output_dir / "duties.duckdb").read_bytes() == before  # the old database is untouched
    assert [p.name for p in output_dir.iterdir() if p.name.startswith(".")] == []  # no partial file


def test_duplicate_key_is_refused(output_dir, helpers):
    rows_ = helpers.rows_for(FULL)["basic_duties"]
    helpers.write_table(output_dir / FULL, "basic_duties", rows_ + rows_[:1])
    with pytest.raises(InputError, match=r"basic_duties: two rows with one primary key \(edition_id='testtown-2025-07', seq=1\)"):
        build_database(output_dir)


def test_rows_of_another_edition_are_refused(output_dir, helpers):
    shutil.rmtree(output_dir / FIRST)
    rows_ = helpers.rows_for(FIRST)["basic_duties"]
    helpers.write_table(output_dir / MIDDLE, "basic_duties", helpers.rows_for(MIDDLE)["basic_duties"] + rows_)
    with pytest.raises(InputError, match="matches no edition.json"):
        build_database(output_dir)


def test_real_edition(real_output):
    path = build_database(real_output)
    with duckdb.connect(str(path), read_only=True) as c:
        # every list's categories add up to the totals the preface declares
        assert rows(
            c,
            "SELECT list, count(*), sum(items)::INT, sum(declared_count)::INT FROM v_duties_per_category "
            "GROUP BY list ORDER BY list",
        ) == [("basic", 9, 119, 119), ("coordinated", 12, 69, 69), ("reclaimed", 6, 126, 126)]
        assert rows(c, "SELECT sum(items)::INT FROM v_reclaimed_by_disposition") == [(126,)]
        assert rows(
            c,
            "SELECT count(*) FROM departments d FULL JOIN v_department_clauses v USING (edition_id, department) "
            "WHERE d.coordinated_items IS DISTINCT FROM v.coordinated_items "
            "OR d.reclaimed_items IS DISTINCT FROM v.reclaimed_items",
        ) == [(0,)]
