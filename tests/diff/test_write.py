"""The output directory is replaced whole or not at all."""

from __future__ import annotations

import pytest

from diff.diff_helpers import SAMPLE, write_edition
from pipeline.diff import run_diff
from pipeline.diff.write import replace_dir
from pipeline.errors import InputError


def test_rerun_replaces_a_previous_diff(tmp_path):
    a, b = write_edition(tmp_path / "a", SAMPLE), write_edition(tmp_path / "b", SAMPLE)
    out = tmp_path / "diffs" / "a__b"
    run_diff(a, b, out)
    (out / "stale.txt").write_text("from an older run")
    run_diff(a, b, out)
    assert not (out / "stale.txt").exists()
    assert [p.name for p in out.parent.iterdir()] == ["a__b"]  # no temporary siblings left


def test_failure_leaves_previous_output_and_no_temp(tmp_path):
    out = tmp_path / "out"
    replace_dir(out, lambda d: (d / "summary.json").write_text("{}"))

    def half_then_fail(d):
        (d / "summary.json").write_text('{"new": 1}')
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        replace_dir(out, half_then_fail)
    assert (out / "summary.json").read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_refuses_to_replace_a_directory_that_is_not_a_diff(tmp_path):
    a = write_edition(tmp_path / "a", SAMPLE)
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "precious.parquet").write_text("x")
    with pytest.raises(InputError, match="holds no summary.json: not an output of ours"):
        run_diff(a, a, tmp_path / "output")
    with pytest.raises(InputError, match="one of the editions"):
        run_diff(a, a, a)
    assert (tmp_path / "output" / "precious.parquet").exists()


def test_output_dir_is_readable(tmp_path):
    a = write_edition(tmp_path / "a", SAMPLE)
    run_diff(a, a, tmp_path / "out")
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755
