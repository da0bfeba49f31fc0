"""`duties.duckdb` across townships: canonical department names, duty clusters, and views per township.

Tables (filled from the edition tables once they are loaded)
- `department_canonical`: every department an edition names, beside one name for
  the organ whatever its place and level (pipeline.corpus.canonical, README
  "Across townships");
- `duty_clusters` and `duty_cluster_members`: the same duty worded differently in
  different townships, grouped (pipeline.corpus.clusters).

Views compare places by their latest edition (`v_latest_editions`: the highest
edition_no of each province, city, district and township).
"""

from __future__ import annotations

import duckdb

from pipeline.corpus.canonical import canonical_names
from pipeline.deliver import insert_rows
from pipeline.corpus.clusters import cluster_texts
from pipeline.lists import KINDS

PLACE = "province, city, district, township"

# name -> (description "English｜中文", DDL)
TABLES: dict[str, tuple[str, str]] = {
    "department_canonical": (
        "Every department an edition names, with one name for the organ whatever its place prefix or level"
        "｜部门规范名称（去掉地名和层级）",
        """CREATE TABLE department_canonical (
  edition_id VARCHAR NOT NULL,
  department VARCHAR NOT NULL,            -- as published
  department_canonical VARCHAR NOT NULL,  -- 市公安局孟津分局 -> 公安局 (README, Across townships)
  rule VARCHAR NOT NULL                   -- the rules that changed it, `+`-joined, or `unchanged`
  -- one row per (edition_id, department); no declared key: see database.table_ddl
)""",
    ),
    "duty_clusters": (
        "The same duty worded differently in different townships, one row per cluster｜相同事项的聚类",
        """CREATE TABLE duty_clusters (
  list VARCHAR NOT NULL,
  cluster_id VARCHAR NOT NULL,      -- <list>:<hash of the representative's normalised text>, stable across builds
  representative VARCHAR NOT NULL,  -- the commonest wording
  townships INTEGER NOT NULL,       -- distinct places with an item in it, over all editions
  editions INTEGER NOT NULL,
  items INTEGER NOT NULL,
  wordings INTEGER NOT NULL,        -- distinct wordings (whitespace and punctuation aside)
  PRIMARY KEY (list, cluster_id)
)""",
    ),
    "duty_cluster_members": (
        "Which cluster each item is in, and its similarity to the representative (1: same wording)｜事项所属聚类",
        """CREATE TABLE duty_cluster_members (
  edition_id VARCHAR NOT NULL,
  list VARCHAR NOT NULL,
  seq INTEGER NOT NULL,
  cluster_id VARCHAR NOT NULL,
  similarity DOUBLE NOT NULL
  -- one row per item (edition_id, list, seq); no declared key: see database.table_ddl
)""",
    ),
}

VIEWS: dict[str, tuple[str, str]] = {
    "v_latest_editions": (
        "The latest edition of each place (province, city, district, township)｜各乡镇最新版本",
        f"""
SELECT * FROM editions
QUALIFY edition_no = max(edition_no) OVER (PARTITION BY {PLACE})
ORDER BY {PLACE}
""",
    ),
    "v_items_by_township": (
        "Items per list and category of each place's latest edition｜各乡镇（最新版本）各清单各类别事项数",
        """
SELECT e.province, e.city, e.district, e.township, e.edition_id, e.published,
       d.list, d.list_title, d.category_no, d.category, d.items, d.declared_count
FROM v_latest_editions e
JOIN v_duties_per_category d USING (edition_id)
JOIN lists l USING (list)
ORDER BY e.province, e.city, e.district, e.township, l.list_no, d.category_no
""",
    ),
    "v_departments_by_township": (
        "Per place (latest edition) and organ: its published names and its load in each list｜各乡镇（最新版本）各部门的事项数",
        f"""
SELECT e.province, e.city, e.district, e.township, e.edition_id,
       coalesce(c.department_canonical, l.department) AS department_canonical,
       list(l.department ORDER BY l.department) AS departments,
       sum(l.coordinated_items) AS coordinated_items,
       sum(l.department_clauses) AS department_clauses,
       sum(l.reclaimed_items) AS reclaimed_items
FROM v_latest_editions e
JOIN v_department_clauses l USING (edition_id)
LEFT JOIN department_canonical c USING (edition_id, department)
GROUP BY ALL
ORDER BY {PLACE}, coordinated_items DESC, department_canonical
""",
    ),
    "v_department_coverage": (
        "Per organ: in how many places (latest editions) it is named, and its total load｜各部门涉及的乡镇数",
        """
SELECT department_canonical, count(*) AS townships,
       list_sort(list_distinct(flatten(list(departments)))) AS published_names,
       sum(coordinated_items) AS coordinated_items, sum(department_clauses) AS department_clauses,
       sum(reclaimed_items) AS reclaimed_items
FROM v_departments_by_township
GROUP BY department_canonical
ORDER BY townships DESC, department_canonical
""",
    ),
    "v_duty_coverage": (
        "Per duty cluster: in how many places (latest editions) it is, and their share (1: every place; "
        "one place: unique)｜各事项聚类覆盖的乡镇数与比例",
        """
WITH places AS (SELECT count(*) AS n FROM v_latest_editions),
present AS (
    SELECT m.list, m.cluster_id, count(DISTINCT m.edition_id) AS townships
    FROM duty_cluster_members m JOIN v_latest_editions e USING (edition_id)
    GROUP BY ALL
)
SELECT c.list, c.cluster_id, c.representative, p.townships, round(p.townships / places.n, 4) AS share,
       c.wordings
FROM duty_clusters c JOIN present p USING (list, cluster_id), places
ORDER BY c.list, p.townships DESC, c.cluster_id
""",
    ),
}


def fill(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the tables above from the loaded edition tables (editions, departments, the item tables)."""
    _fill_department_canonical(con)
    _fill_duty_clusters(con)


def _place(row) -> tuple:
    return tuple(row[-4:])


def _fill_department_canonical(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        """SELECT DISTINCT d.edition_id, d.department, e.province, e.city, e.district, e.township
           FROM (SELECT edition_id, department FROM departments
                 UNION SELECT edition_id, department FROM v_department_clauses) d
           JOIN editions e USING (edition_id) ORDER BY 1, 2"""
    ).fetchall()
    names = canonical_names((r[1], _place(r)) for r in rows)
    insert_rows(con, "department_canonical", [(r[0], r[1], n.canonical, n.rule) for r, n in zip(rows, names)])


def _items_sql() -> str:
    """Every item of every list as (edition_id, list, seq, text): a basic duty's text, the others' names."""
    return " UNION ALL ".join(
        f"SELECT edition_id, '{kind.key}' AS list, seq, \"{kind.title_field}\" AS text FROM \"{kind.item_table}\""
        for kind in KINDS.values()
    )


def _fill_duty_clusters(con: duckdb.DuckDBPyConnection) -> None:
    """Clusters of the distinct wordings (pipeline.corpus.clusters), joined back to the items in SQL:
    Python holds one row per distinct wording, never one per item of the corpus."""
    counts = {(kind, text): n for kind, text, n in con.execute(
        f"SELECT list, text, count(*) FROM ({_items_sql()}) GROUP BY ALL").fetchall()}
    placed = cluster_texts(counts)
    con.execute("CREATE TEMP TABLE _wordings (list VARCHAR, text VARCHAR, wording VARCHAR, cluster_id VARCHAR, similarity DOUBLE)")
    insert_rows(con, "_wordings", [(kind, text, *v) for (kind, text), v in placed.items()])
    try:
        con.execute(f"""INSERT INTO duty_cluster_members
            SELECT i.edition_id, i.list, i.seq, w.cluster_id, w.similarity
            FROM ({_items_sql()}) i JOIN _wordings w USING (list, text)""")
        # the representative is the commonest printing of the representative's own wording (similarity 1)
        con.execute(f"""INSERT INTO duty_clusters
            WITH printed AS (
                SELECT i.list, w.cluster_id, i.text, w.wording, w.similarity, count(*) AS n
                FROM ({_items_sql()}) i JOIN _wordings w USING (list, text) GROUP BY ALL
            ), named AS (
                SELECT list, cluster_id, first(text ORDER BY n DESC, text) AS representative
                FROM printed WHERE similarity = 1 GROUP BY ALL
            ), counted AS (
                SELECT m.list, m.cluster_id, count(DISTINCT (e.province, e.city, e.district, e.township)) AS townships,
                       count(DISTINCT m.edition_id) AS editions, count(*) AS items
                FROM duty_cluster_members m JOIN editions e USING (edition_id) GROUP BY ALL
            ), worded AS (
                SELECT list, cluster_id, count(DISTINCT wording) AS wordings FROM printed GROUP BY ALL
            )
            SELECT list, cluster_id, representative, townships, editions, items, wordings
            FROM counted JOIN named USING (list, cluster_id) JOIN worded USING (list, cluster_id)""")
    finally:
        con.execute("DROP TABLE _wordings")
