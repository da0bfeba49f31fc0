"""`OUT/build-report.csv`: one row per edition of the last build, what happened to it and why.

Columns: edition_id; status (`ok` extracted now, `unchanged` its output is up
to date, `failed`); files (its files below the input folder, `;` between);
pages (of its PDF and workbook files, empty when no file has pages); seconds
(its extraction, 0 when unchanged); warnings (how many); error (the one line
the command line prints for it, empty unless failed). Rows are sorted by
edition_id, so two builds of one tree give the same file but for seconds.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from pipeline.errors import output_unwritable
from pipeline.write import partial_path

REPORT = "build-report.csv"
STATUSES = ("ok", "unchanged", "failed")


@dataclass
class ReportRow:
    edition_id: str
    status: str
    files: str
    pages: int | None
    seconds: float
    warnings: int
    error: str = ""


def columns() -> list[str]:
    return [f.name for f in fields(ReportRow)]


def write_report(out_dir: Path, rows: list[ReportRow]) -> Path:
    """The report, written whole to a temporary file and renamed into place."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns())
    for row in sorted(rows, key=lambda r: r.edition_id):
        values = astuple(row)
        writer.writerow(["" if v is None else f"{v:.2f}" if isinstance(v, float) else v for v in values])
    target = Path(out_dir) / REPORT
    partial = partial_path(target)
    try:
        partial.write_text(buffer.getvalue(), encoding="utf-8")
        os.replace(partial, target)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise output_unwritable(err, target) from err
    return target
