"""The page every report shares: one self-contained HTML file, Chinese first, printable.

Nothing is fetched: the CSS is inline, charts are inline SVG, the only script
(the index's filter) is inline, and fonts are the reader's own (a CJK stack
ending in the generic sans-serif). Every figure is a `<table>` cell first; a
chart only illustrates numbers a table beside it holds.

Figures are marked for machines: an element holding a count carries
`data-figure="<name>"` and, where the name needs one, `data-key="<what>"`
(a category number, a department, an edition id) on itself or on an
ancestor (a table row), and nothing but the number as its text. Tests read
them back from the page a browser rendered.

Header and label strings are written `中文 English`: `bilingual()` shows the
English part smaller, so a reader of Chinese reads Chinese first.
"""

from __future__ import annotations

import html
import os
import unicodedata
from pathlib import Path

from pipeline.write import partial_path

CSS = """
:root { --ink: #1a1a1a; --muted: #5f6368; --rule: #c8ccd0; --bar: #2f5d8a; --bar2: #8fb3d9; --bar3: #d9a441;
  --del: #fbe3e1; --ins: #e0f2e3; }
* { box-sizing: border-box; }
html { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  color: var(--ink); background: #fff; line-height: 1.6; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 32px 48px; font-size: 15px; }
h1 { font-size: 26px; margin: 0 0 4px; line-height: 1.3; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 17px; margin: 24px 0 8px; }
h4 { font-size: 15px; margin: 18px 0 6px; }
.en { font-size: 0.72em; font-weight: normal; color: var(--muted); margin-left: 0.5em; }
th .en, td .en { display: block; margin-left: 0; }
.meta { color: var(--muted); margin: 4px 0; }
.note { color: var(--muted); font-size: 13px; }
.testdata { display: inline-block; border: 1px solid #b00; color: #b00; padding: 0 6px; font-weight: bold; }
nav.toc { margin: 12px 0 0; font-size: 14px; }
nav.toc a { margin-right: 14px; }
a { color: #1f4e79; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }
table.wide { width: 100%; }
th, td { border: 1px solid var(--rule); padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #eef1f4; font-weight: bold; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 2px solid var(--ink); }
td.bad { color: #b00; font-weight: bold; }
.figure { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
.figure > table { flex: 0 1 auto; }
figure.chart { margin: 8px 0 16px; flex: 1 1 420px; max-width: 760px; }
figure.chart svg { width: 100%; height: auto; display: block; }
figure.chart figcaption { font-size: 13px; color: var(--muted); }
svg text { font-family: inherit; fill: var(--ink); }
svg .bar0 { fill: var(--bar); } svg .bar1 { fill: var(--bar2); } svg .bar2 { fill: var(--bar3); }
svg .axis { stroke: var(--rule); }
.legend { font-size: 13px; margin: 0 0 4px; }
.swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: -1px; }
.swatch.bar0 { background: var(--bar); } .swatch.bar1 { background: var(--bar2); } .swatch.bar2 { background: var(--bar3); }
del { background: var(--del); text-decoration: line-through; text-decoration-color: #b00; }
ins { background: var(--ins); text-decoration: underline; text-decoration-thickness: 2px; }
td.old, td.new { width: 42%; }
.filter { margin: 12px 0; padding: 12px; border: 1px solid var(--rule); background: #f8f9fa; }
.filter input { font: inherit; width: 100%; max-width: 520px; padding: 6px 8px; }
.results ol { padding-left: 1.6em; }
.results li { margin: 4px 0; }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--rule); padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav.toc, .filter, .results, .noprint { display: none !important; }
  a { color: inherit; text-decoration: none; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  /* a flex row split across pages shrinks the chart left behind: on paper the table, then its chart */
  .figure { display: block; }
  figure.chart { max-width: 170mm; }
  tr, figure.chart, .figure > table { break-inside: avoid; page-break-inside: avoid; }
  th { background: #e6e6e6 !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg .bar0 { fill: #222; } svg .bar1 { fill: #888; } svg .bar2 { fill: #c4c4c4; }
  .swatch.bar0 { background: #222; } .swatch.bar1 { background: #888; } .swatch.bar2 { background: #c4c4c4; }
  .swatch, del, ins { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  del { background: none; } ins { background: none; font-weight: bold; }
}
"""


def esc(value) -> str:
    """Text (or None, shown as empty) safe in an element or a quoted attribute."""
    return "" if value is None else html.escape(str(value), quote=True)


def bilingual(label: str) -> str:
    """`中文 English` as Chinese, then the English part smaller; a label without a space as it is."""
    zh, _, en = label.partition(" ")
    return esc(zh) + (f'<span class="en" lang="en">{esc(en)}</span>' if en else "")


def heading(level: int, zh: str, en: str = "", anchor: str | None = None) -> str:
    """A heading in Chinese, its English smaller after it."""
    ident = f' id="{esc(anchor)}"' if anchor else ""
    english = f'<span class="en" lang="en">{esc(en)}</span>' if en else ""
    return f"<h{level}{ident}>{esc(zh)}{english}</h{level}>"


def figure(value, name: str, key=None) -> str:
    """A count as a machine-readable figure (page docstring); None is shown as — and is no figure."""
    if value is None:
        return "—"
    attrs = f' data-figure="{esc(name)}"' + (f' data-key="{esc(key)}"' if key is not None else "")
    return f"<span{attrs}>{value}</span>"


def table(headers: list[str], rows: list[list[str]], *, numeric: set[int] = frozenset(), css: str = "",
          total: list[str] | None = None) -> str:
    """A table of already-escaped cells; `headers` are `中文 English` labels; columns in `numeric` align right."""
    def cell(tag: str, j: int, content: str) -> str:
        cls = ' class="num"' if j in numeric else ""
        return f"<{tag}{cls}>{content}</{tag}>"

    head = "".join(cell("th", j, bilingual(h)) for j, h in enumerate(headers))
    body = ["<tr>" + "".join(cell("td", j, c) for j, c in enumerate(row)) + "</tr>" for row in rows]
    if total is not None:
        body.append('<tr class="total">' + "".join(cell("td", j, c) for j, c in enumerate(total)) + "</tr>")
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def text_width(text: str, size: float) -> float:
    """Rough width in pixels of a text at a font size: wide (CJK) characters a full em, others 0.6."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.6 * size for ch in text)


def _clip(text: str, width: float, size: float) -> str:
    """The text cut with … to fit `width` pixels (the full text stays in the table and the tooltip)."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def bar_chart(labels: list[str], series: list[tuple[str, list[int]]], caption: str, *, width: int = 720,
              label_max: int = 260) -> str:
    """Horizontal bars, one group per label and one bar per series, each value written at its bar's end.

    Sized in a viewBox, so it scales to the column; print rules turn the bars to greys, and the numbers
    written beside them keep it legible in black and white.
    """
    size = 13
    bar_h = 16 if len(series) == 1 else 11
    group_h = bar_h * len(series) + 8
    label_w = min(label_max, max((text_width(t, size) for t in labels), default=0) + 10)
    top = 4
    peak = max((v for _, values in series for v in values), default=0) or 1
    value_w = text_width(str(peak), size) + 8
    plot_w = width - label_w - value_w
    height = top + group_h * len(labels) + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{esc(caption)}">',
             f'<line class="axis" x1="{label_w:.1f}" y1="0" x2="{label_w:.1f}" y2="{height}"/>']
    for i, label in enumerate(labels):
        y0 = top + i * group_h
        mid = y0 + (group_h - 8) / 2
        parts.append(f'<text x="{label_w - 6:.1f}" y="{mid + size * 0.36:.1f}" font-size="{size}" text-anchor="end">'
                     f"<title>{esc(label)}</title>{esc(_clip(label, label_w - 10, size))}</text>")
        for s, (name, values) in enumerate(series):
            value = values[i]
            y = y0 + s * bar_h
            w = plot_w * value / peak
            parts.append(f'<rect class="bar{s % 3}" x="{label_w:.1f}" y="{y:.1f}" width="{w:.1f}" height="{bar_h - 2}">'
                         f"<title>{esc(label)}｜{esc(name)}：{value}</title></rect>")
            parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 4.5:.1f}" font-size="{size - 2 if len(series) > 1 else size}">'
                         f"{value}</text>")
    parts.append("</svg>")
    legend = ""
    if len(series) > 1:
        legend = '<p class="legend">' + "".join(
            f'<span class="swatch bar{s % 3}"></span>{esc(name)}' for s, (name, _) in enumerate(series)) + "</p>"
    return f'<figure class="chart">{legend}{"".join(parts)}<figcaption>{esc(caption)}</figcaption></figure>'


def month(published: str | None) -> str:
    """2025-07 as 2025年7月; no month as 未注明日期."""
    if not published:
        return "未注明日期"
    year, mon = published.split("-")
    return f"{year}年{int(mon)}月"


def document(title: str, body: list[str], *, script: str = "", footer: str = "") -> str:
    """The whole page: doctype, zh-CN, inline CSS, the body parts, an optional inline script."""
    foot = f"<footer>{footer}</footer>" if footer else ""
    tail = f"<script>{script}</script>" if script else ""
    return (
        '<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body) + f"\n{foot}\n{tail}\n</body>\n</html>\n"
    )


def write_page(path: Path, text: str) -> Path:
    """A page written whole or not at all: a temporary file renamed over the target (pipeline.write.partial_path)."""
    partial = partial_path(path)
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path
