"""Self-contained HTML reports for briefings (issue 16): charts as inline SVG, every figure in a table.

- `edition.write_edition_report(edition_dir)`: `<edition_dir>/report.html`;
- `diff.write_diff_report(directory, summary, diff, old, new)`: `diffs/<old>__<new>/report.html`;
- `index.write_index(output_dir)`: `output/index.html`, every edition and diff, with a filter over all duties.

`page.py` is the skeleton they share (CSS with print rules, escaping, bar charts, figure marks).
"""
