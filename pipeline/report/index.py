"""`output/index.html`: every edition and diff of an output directory, and a filter over all duties.

The editions table (one row per edition: place, month, items per list,
warnings, links to its report.html and workbook) and the diffs table are
plain HTML: they work without script and print. The filter box above them
is progressive: a small inline script, shown only when it runs, searches an
embedded JSON of every duty's title (a basic duty's text, the other lists'
item names) and hides the editions without a match. `index.html#q=秸秆`
opens with the filter filled in (a link to share, and what the tests load).

At national scale (40,000 editions × ~300 items) the titles are mostly the
province's template wording, so each distinct title is embedded once, with
the editions it occurs in as runs of row numbers (`encode_editions`), not
once per item.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from pipeline.lists import KINDS
from pipeline.models import EditionInfo
from pipeline.outputs import diff_dirs, edition_dirs, read_edition_info
from pipeline.report.page import bilingual, document, esc, figure, heading, month, table, write_page

INDEX = "index.html"
REPORT = "report.html"
SHOWN = 200  # matching titles listed under the filter; the counts cover all of them

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def write_index(output_dir: Path) -> Path:
    """Write `<output_dir>/index.html` for the edition and diff directories present."""
    output_dir = Path(output_dir)
    editions = [(d, read_edition_info(d)) for d in edition_dirs(output_dir)]
    diffs = [(d, json.loads((d / "summary.json").read_text(encoding="utf-8"))) for d in diff_dirs(output_dir)]
    return write_page(output_dir / INDEX, render_index(editions, diffs, duty_titles([d for d, _ in editions])))


def duty_titles(edition_dirs_: list[Path]) -> list[tuple[int, str, list[int]]]:
    """(list number, title, editions holding it) for each distinct title of each list, the commonest first.

    Editions are numbered as given (the rows of the editions table); only the title column is read."""
    import pyarrow.parquet as pq

    keys = list(KINDS)
    seen: dict[tuple[int, str], list[int]] = {}
    for i, directory in enumerate(edition_dirs_):
        for k, key in enumerate(keys):
            kind = KINDS[key]
            with pq.ParquetFile(directory / f"{kind.item_table}.parquet") as f:
                titles = f.read(columns=[kind.title_field]).column(0).to_pylist()
            for title in titles:
                holders = seen.setdefault((k, title), [])
                if not holders or holders[-1] != i:  # an edition printing one duty twice counts once
                    holders.append(i)
    return sorted(((k, t, e) for (k, t), e in seen.items()), key=lambda x: (-len(x[2]), x[0], x[1]))


def _base36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _DIGITS[r] + out
        if not n:
            return out


def encode_editions(indices: list[int]) -> str:
    """Ascending edition numbers as runs: `gap[.more]` tokens in base 36, comma-separated.

    `gap` counts the numbers skipped since the previous run, `more` the run's length less one:
    [0, 1, 2, 5] is "0.2,2"; every edition of 40,000 is "0.uv3". The page's script decodes it.
    """
    tokens = []
    last = -1
    i = 0
    while i < len(indices):
        start = indices[i]
        j = i
        while j + 1 < len(indices) and indices[j + 1] == indices[j] + 1:
            j += 1
        token = _base36(start - last - 1)
        if j > i:
            token += "." + _base36(j - i)
        tokens.append(token)
        last = indices[j]
        i = j + 1
    return ",".join(tokens)


def _href(*parts: str) -> str:
    """A relative link: ASCII that would end or bend a URL (#, ?, %, space) escaped, Chinese kept as it is
    (an IRI: a third of the bytes of its percent-encoding, in a table of 40,000 rows)."""
    return esc("".join(c if ord(c) > 127 else quote(c) for c in "/".join(parts)))


def _place(info: EditionInfo) -> str:
    return "".join(p for p in (info.province, info.city, info.district, info.township) if p)


def _editions_table(editions: list[tuple[Path, EditionInfo]]) -> str:
    keys = list(KINDS)
    head = ["版本 Edition", "地方 Place", "发布 Published", *(f"{KINDS[k].name} {KINDS[k].en}" for k in keys),
            "警告 Warnings", "工作簿 Workbook"]
    rows = []
    for i, (directory, info) in enumerate(editions):
        book = f"{info.edition_id}.xlsx"
        cells = [
            f'<a href="{_href(directory.name, REPORT)}">{esc(info.edition_id)}</a>',
            esc(_place(info)),
            esc(month(info.published)),
            *(figure(info.lists[k].extracted_total, f"{k}.items") if k in info.lists else "—" for k in keys),
            figure(len(info.warnings), "warnings"),
            f'<a href="{_href(directory.name, book)}">xlsx</a>' if (directory / book).is_file() else "—",
        ]
        rows.append(f'<tr data-i="{i}" data-key="{esc(info.edition_id)}">' + "".join(
            f'<td class="num">{c}</td>' if 3 <= j < 4 + len(keys) else f"<td>{c}</td>" for j, c in enumerate(cells)) + "</tr>")
    header = "".join(f'<th class="num">{bilingual(h)}</th>' if 3 <= j < 4 + len(keys) else f"<th>{bilingual(h)}</th>"
                     for j, h in enumerate(head))
    return f'<table class="wide" id="editions"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _diffs_table(diffs: list[tuple[Path, dict]]) -> str:
    if not diffs:
        return "<p>没有可比较的版本（每个地方只有一个版本）。No place has two editions yet.</p>"
    rows = []
    for directory, summary in diffs:
        shifted = summary["by_change"]["renumbered"]
        rows.append([
            f'<a href="{_href("diffs", directory.name, REPORT)}">{esc(summary["old"]["edition_id"])} → '
            f'{esc(summary["new"]["edition_id"])}</a>',
            esc(summary["new"]["township"]),
            figure(summary["total"] - shifted, "diff.substantive", directory.name),
            figure(shifted, "diff.shifted", directory.name),
        ])
    return table(["比较 Diff", "乡镇 Township", "实质变化 Substantive changes", "仅序号变动 Renumbered only"], rows,
                 numeric={2, 3}, css="wide")


def _duties_json(titles: list[tuple[int, str, list[int]]]) -> str:
    """The filter's data, safe inside a <script> element: no `<` at all, so neither `</script>` nor `<!--`
    in a duty's text can end or bend it (JSON reads \\u003c as <)."""
    data = {"lists": [KINDS[k].name for k in KINDS], "titles": [[k, t, encode_editions(e)] for k, t, e in titles]}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


FILTER = """
<section class="filter" id="filter" hidden>
<label for="q">筛选事项<span class="en" lang="en">Filter all duties</span></label><br>
<input id="q" type="search" autocomplete="off" placeholder="输入事项中的文字，如：秸秆禁烧（空格分隔多个词）">
<p id="filter-summary" class="note"></p>
<div class="results" id="results"></div>
</section>
<noscript><p class="note">筛选框需要运行脚本；下面的表格不需要。The filter needs script; the tables below do not.</p></noscript>
"""

# ES5 on purpose: nothing to transpile, any browser a government office runs
SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById("duties").textContent);
  var rows = document.querySelectorAll("#editions tbody tr[data-i]");
  var box = document.getElementById("q"), results = document.getElementById("results");
  var summary = document.getElementById("filter-summary");
  var SHOWN = %(shown)d, EDITIONS_SHOWN = 8;
  document.getElementById("filter").hidden = false;
  function decode(runs) {
    var out = [], last = -1;
    runs.split(",").forEach(function (token) {
      var p = token.split("."), start = last + 1 + parseInt(p[0], 36), n = p.length > 1 ? parseInt(p[1], 36) + 1 : 1;
      for (var k = 0; k < n; k++) out.push(start + k);
      last = start + n - 1;
    });
    return out;
  }
  function add(parent, tag, text, cls) {
    var el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    if (cls) el.className = cls;
    parent.appendChild(el);
    return el;
  }
  function figure(parent, name, value) {
    add(parent, "span", String(value)).setAttribute("data-figure", name);
  }
  function run(query) {
    var terms = query.toLowerCase().split(/\\s+/).filter(function (t) { return t; });
    results.textContent = "";
    summary.textContent = "";
    if (!terms.length) {
      for (var r = 0; r < rows.length; r++) rows[r].hidden = false;
      return;
    }
    var items = 0, titles = 0, editions = {}, count = 0, list = add(results, "ol");
    data.titles.forEach(function (entry) {
      var text = entry[1].toLowerCase();
      for (var t = 0; t < terms.length; t++) if (text.indexOf(terms[t]) < 0) return;
      var holders = decode(entry[2]);
      titles += 1;
      items += holders.length;
      holders.forEach(function (e) { if (!editions[e]) { editions[e] = true; count += 1; } });
      if (titles > SHOWN) return;
      var li = add(list, "li");
      add(li, "span", "【" + data.lists[entry[0]] + "】", "note");
      add(li, "span", entry[1]);
      var where = add(li, "div", "", "note");
      add(where, "span", holders.length + " 个版本：");
      holders.slice(0, EDITIONS_SHOWN).forEach(function (e, k) {
        var link = rows[e].querySelector("a");
        if (k) add(where, "span", "、");
        add(where, "a", link.textContent).setAttribute("href", link.getAttribute("href"));
      });
      if (holders.length > EDITIONS_SHOWN) add(where, "span", " 等");
    });
    for (var i = 0; i < rows.length; i++) rows[i].hidden = !editions[rows[i].getAttribute("data-i")];
    add(summary, "span", "共 ");
    figure(summary, "filter.items", items);
    add(summary, "span", " 项事项、");
    figure(summary, "filter.titles", titles);
    add(summary, "span", " 种表述，见于 ");
    figure(summary, "filter.editions", count);
    add(summary, "span", " 个版本" + (titles > SHOWN ? "（下面列出最常见的 " + SHOWN + " 种）" : "") + "。");
  }
  box.addEventListener("input", function () {
    run(box.value);
    if (history.replaceState) history.replaceState(null, "", box.value ? "#q=" + encodeURIComponent(box.value) : "#");
  });
  var match = /^#q=(.*)$/.exec(location.hash);
  if (match) box.value = decodeURIComponent(match[1]);
  run(box.value);
})();
"""


def render_index(editions: list[tuple[Path, EditionInfo]], diffs: list[tuple[Path, dict]],
                 titles: list[tuple[int, str, list[int]]]) -> str:
    places = len({(i.province, i.city, i.district, i.township) for _, i in editions})
    items = sum(s.extracted_total for _, i in editions for s in i.lists.values())
    body = [
        f"<header>{heading(1, '履行职责事项清单总览', 'Township duty lists: every edition')}",
        f'<p class="meta">共 {figure(len(editions), "editions")} 个版本，{figure(places, "places")} 个地方，'
        f'{figure(len(diffs), "diffs")} 份版本比较；事项 {figure(items, "items")} 项，'
        f'不同表述 {figure(len(titles), "titles")} 种。</p></header>',
        FILTER,
        heading(2, "版本", "Editions", "editions"),
        '<p class="note">点击版本标识打开该版本的数据报告。Each edition links to its report.</p>',
        _editions_table(editions),
        heading(2, "版本比较", "Diffs", "diffs"),
        _diffs_table(diffs),
        f'<script type="application/json" id="duties">{_duties_json(titles)}</script>',
    ]
    return document("履行职责事项清单总览", body, script=SCRIPT % {"shown": SHOWN},
                    footer="由 duty-lists 根据 output/ 中的各版本目录生成。Generated from the edition directories of output/.")
