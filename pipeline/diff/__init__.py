"""Compare two editions of one township's duty lists (issue #4).

    run_diff(old_dir, new_dir, out_dir)   -> summary dict; writes out_dir atomically
    diff_into(old_dir, new_dir, directory) -> the same, into an empty directory (a corpus build's workers)

Steps, one module each: load (edition dir → items), match (pair items by
content), changes (pairs → change and field rows), report (summary.json and
report.md; report.html is pipeline.report.diff's), write (files, all or
nothing). Which editions `make all` diffs (consecutive editions of one place)
is pipeline.editions' answer, not this package's.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.diff.changes import diff
from pipeline.diff.load import check_same_township, load_edition
from pipeline.diff.match import CROSS_LIST_THRESHOLD, THRESHOLDS, match
from pipeline.diff.report import render, summarise
from pipeline.diff.write import CHANGES_SCHEMA, FIELD_CHANGES_SCHEMA, replace_dir, write_json, write_table
from pipeline.errors import InputError

__all__ = ["run_diff", "diff_into", "THRESHOLDS", "CROSS_LIST_THRESHOLD"]


def run_diff(old_dir: Path, new_dir: Path, out_dir: Path, *, force: bool = False) -> dict:
    """Diff two edition output directories into out_dir; returns summary.json's content.

    Raises InputError when a directory is not an edition output, when the
    editions are of different townships (unless force), or when out_dir is
    an existing directory that is not a previous diff.
    """
    old_dir, new_dir, out_dir = Path(old_dir), Path(new_dir), Path(out_dir)
    for edition_dir in (old_dir, new_dir):
        if out_dir.resolve() == edition_dir.resolve():
            raise InputError("not_an_output", "output directory is one of the editions being compared", file=out_dir)
    summary: dict = {}
    replace_dir(out_dir, lambda tmp: summary.update(diff_into(old_dir, new_dir, tmp, force=force)))
    return summary


def diff_into(old_dir: Path, new_dir: Path, directory: Path, *, force: bool = False) -> dict:
    """The diff of two edition directories written into the empty `directory`; returns summary.json's content."""
    from pipeline.report.diff import write_diff_report  # here: it imports this package's modules
    old, new = load_edition(Path(old_dir)), load_edition(Path(new_dir))
    if not force:
        check_same_township(old.meta, new.meta)
    result = diff(*match(old.items, new.items))
    summary = summarise(result.changes, result.field_changes, old.meta, new.meta)
    write_table(result.changes, CHANGES_SCHEMA, directory, "changes")
    write_json(result.changes, directory / "changes.json")
    write_table(result.field_changes, FIELD_CHANGES_SCHEMA, directory, "field_changes")
    write_json(summary, directory / "summary.json")
    (directory / "report.md").write_text(render(summary, result, old.meta, new.meta), encoding="utf-8")
    write_diff_report(directory, summary, result, old.meta, new.meta)
    return summary
