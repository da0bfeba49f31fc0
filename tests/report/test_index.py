"""output/index.html, opened in headless Chromium: every edition and diff, and the filter over all duties.

Expected figures and filter results are computed here from each edition's Parquet tables, edition.json
and each diff's changes.parquet, never with the index's functions.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, unquote

import pyarrow.parquet as pq
from lxml import html

from pipeline.report.index import encode_editions
from report.browser import external_references, load, page_figures, screenshot
from report.test_page import png_size

LISTS = ("basic", "coordinated", "reclaimed")
TITLE = {"basic": "text", "coordinated": "name", "reclaimed": "name"}


def editions_of(corpus: Path) -> list[str]:
    return sorted(p.parent.name for p in corpus.glob("*/edition.json") if p.parent.name not in ("diffs", "dataset"))


def duties(corpus: Path) -> set[tuple[str, str, str]]:
    """(edition, list, title) of every duty of every edition."""
    return {(e, k, r[TITLE[k]]) for e in editions_of(corpus) for k in LISTS
            for r in pq.read_table(corpus / e / f"{k}_duties.parquet").to_pylist()}


def expected_figures(corpus: Path) -> dict:
    expected: dict = {}
    items = 0
    places = set()
    for e in editions_of(corpus):
        info = json.loads((corpus / e / "edition.json").read_text(encoding="utf-8"))
        places.add((info["province"], info["city"], info["district"], info["township"]))
        expected[("warnings", e)] = len(info["warnings"])
        for k in LISTS:
            expected[(f"{k}.items", e)] = n = pq.read_metadata(corpus / e / f"{k}_duties.parquet").num_rows
            items += n
    diffs = sorted((corpus / "diffs").iterdir())
    for d in diffs:
        changes = [r["change"] for r in pq.read_table(d / "changes.parquet").to_pylist()]
        expected[("diff.shifted", d.name)] = changes.count("renumbered")
        expected[("diff.substantive", d.name)] = len(changes) - changes.count("renumbered")
    expected |= {("editions", None): len(editions_of(corpus)), ("places", None): len(places), ("diffs", None): len(diffs),
                 ("items", None): items, ("titles", None): len({(k, t) for _, k, t in duties(corpus)})}
    return expected


def test_the_index_lists_every_edition_and_diff_with_their_counts(corpus):
    loaded = load(corpus / "index.html")
    assert loaded.console == []
    assert external_references(loaded.dom) == []
    assert page_figures(loaded.dom) == expected_figures(corpus)  # no filter figures without a query
    tree = html.fromstring(loaded.dom)
    assert [r.get("hidden") for r in tree.xpath("//table[@id='editions']/tbody/tr")] == [None] * len(editions_of(corpus))


def test_every_link_leads_to_a_file(corpus):
    tree = html.fromstring((corpus / "index.html").read_text(encoding="utf-8"))
    links = tree.xpath("//a/@href")
    targets = [corpus / unquote(h) for h in links]
    assert [t for t in targets if not t.is_file()] == []
    assert {t.name for t in targets} == {"report.html"} | {f"{e}.xlsx" for e in editions_of(corpus)}
    assert sum(t.name == "report.html" for t in targets) == len(editions_of(corpus)) + 1  # every edition and the diff


def _filtered(corpus: Path, query: str):
    loaded = load(corpus / "index.html", "#q=" + quote(query))
    assert loaded.console == []
    tree = html.fromstring(loaded.dom)
    shown = [r.xpath("string(td[1])") for r in tree.xpath("//table[@id='editions']/tbody/tr") if r.get("hidden") is None]
    return page_figures(loaded.dom), shown, tree


def test_the_filter_fragment_filters_every_duty(corpus):
    every = duties(corpus)
    editions = editions_of(corpus)
    # a wording some editions print and others do not (the generator rewords and drops items)
    holders: dict[tuple[str, str], set[str]] = {}
    for e, k, t in every:
        holders.setdefault((k, t), set()).add(e)
    query = min(t for (k, t), eds in holders.items() if 1 < len(eds) < len(editions) and len(t) > 8)[:6]
    matching = {(e, k, t) for e, k, t in every if query in t}
    figures, shown, tree = _filtered(corpus, query)
    assert figures[("filter.items", None)] == len(matching)
    assert figures[("filter.titles", None)] == len({(k, t) for _, k, t in matching})
    assert figures[("filter.editions", None)] == len({e for e, _, _ in matching})
    assert shown == sorted({e for e, _, _ in matching})
    listed = [li.xpath("string(span[2])") for li in tree.xpath("//div[@id='results']/ol/li")]
    assert sorted(listed) == sorted(t for _, t in {(k, t) for _, k, t in matching})


def test_several_words_must_all_match_and_no_match_hides_every_edition(corpus):
    every = duties(corpus)
    figures, _, _ = _filtered(corpus, "组织 安全")
    assert figures[("filter.items", None)] == sum(1 for _, _, t in every if "组织" in t and "安全" in t) > 0
    figures, shown, _ = _filtered(corpus, "没有这样的事项")
    assert figures[("filter.items", None)] == 0 and shown == []


def test_without_script_the_tables_are_all_there_and_the_filter_hides(corpus):
    tree = html.fromstring((corpus / "index.html").read_text(encoding="utf-8"))
    assert tree.xpath("//section[@id='filter'][@hidden]")  # shown by the script only
    assert len(tree.xpath("//table[@id='editions']/tbody/tr")) == len(editions_of(corpus))
    assert tree.xpath("//noscript")


def test_screenshot(corpus, tmp_path):
    png = tmp_path / "index.png"
    assert screenshot(corpus / "index.html", png, fragment="#q=" + quote("秸秆")).console == []
    assert png_size(png) == (1280, 1600) and png.stat().st_size > 30_000


def test_edition_sets_are_runs_of_row_numbers():
    assert encode_editions([0]) == "0"
    assert encode_editions([0, 1, 2, 5]) == "0.2,2"  # 0..2, then 2 skipped, then 5
    assert encode_editions([3, 4, 40, 41, 42]) == "3.1,z.2"  # 35 skipped: "z"
    assert encode_editions(list(range(40_000))) == "0.uv3"


def test_a_duty_holding_markup_cannot_break_the_embedded_data(tmp_path):
    from deliver.conftest import FULL, make_edition
    from pipeline.outputs import read_edition_info
    from pipeline.report.index import render_index

    edition = make_edition(tmp_path, FULL)
    page = tmp_path / "index.html"
    page.write_text(render_index([(edition, read_edition_info(edition))], [], [(0, "甲</script><!--<script>乙", [0])]),
                    encoding="utf-8")
    loaded = load(page, "#q=" + quote("</script>"))
    assert loaded.console == []
    assert page_figures(loaded.dom)[("filter.titles", None)] == 1
