"""`make all` on a generated corpus (测试数据): a province tree, broken files among good ones, two jobs.

Expected values are the generator's record of what it wrote (tests/fixtures/corpus/make_corpus.py), never
the pipeline's output: every good edition written with its counts, every broken one reported, exit 2, and
the corpus views answering per township.
"""

from __future__ import annotations

import csv

import duckdb
import pytest

from fixtures.corpus.make_corpus import generate
from pipeline.cli import main

N = 12


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpus-build")
    records = generate(tmp / "raw", N, seed=5, formats=("txt", "docx", "xlsx", "html"), broken=4)
    code = main(["build", str(tmp / "raw"), "--out", str(tmp / "out"), "--jobs", "2"])
    with (tmp / "out" / "build-report.csv").open(encoding="utf-8", newline="") as f:
        report = {row["edition_id"]: row for row in csv.DictReader(f)}
    return code, records, report, tmp / "out"


def _id(record) -> str:
    return record.key.replace("/", "-")  # the folders and stem joined by `-` (README, Two commands)


def test_every_good_edition_is_written_and_every_broken_one_reported(built):
    code, records, report, out = built
    assert code == 2
    assert sorted(report) == sorted(_id(r) for r in records)
    for r in records:
        row = report[_id(r)]
        if r.broken:
            assert (row["status"], row["error"].split("]")[0]) == ("failed", f"error[{r.error}"), (r.key, row)
            assert not (out / _id(r)).exists()
        else:
            assert row["status"] == "ok" and row["error"] == "", (r.key, row)
            assert row["files"] == ";".join(r.files)


def test_counts_per_list_and_category_are_what_the_generator_wrote(built):
    _, records, _, out = built
    with duckdb.connect(str(out / "duties.duckdb"), read_only=True) as con:
        lists = {(e, k): t for e, k, t in con.execute("SELECT edition_id, list, extracted_total FROM edition_lists").fetchall()}
        categories = {}
        for e, k, c, n in con.execute("SELECT edition_id, list, category, items FROM v_duties_per_category ORDER BY category_no").fetchall():
            categories.setdefault((e, k), []).append((c, n))
    for r in (r for r in records if not r.broken):
        for kind, expected in r.expected.items():
            assert lists[(_id(r), kind)] == expected["total"]
            assert categories[(_id(r), kind)] == list(zip(expected["categories"], expected["counts"]))


def test_two_townships_of_one_name_stay_apart_and_a_places_editions_are_diffed(built):
    _, records, _, out = built
    good = [r for r in records if not r.broken]
    places = {(r.province, r.city, r.district, r.township) for r in good}
    with duckdb.connect(str(out / "duties.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM v_latest_editions").fetchone()[0] == len(places)
        diffs = {tuple(r) for r in con.execute("SELECT DISTINCT old_edition, new_edition FROM changes").fetchall()}
    by_key = {r.key: r for r in good}
    expected = {(_id(by_key[r.derived_from]), _id(r)) for r in good if r.derived_from in by_key}
    assert expected and diffs == expected  # the later edition of a place differs from the earlier
    assert sum(r.township == "城关镇" for r in good) >= 2
