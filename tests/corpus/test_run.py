"""Where edition tasks run: here, a process pool, a Dask cluster — each edition alone in its failures."""

from __future__ import annotations

import pytest

import builders
from builders import write_text
from corpus.workers import dies_on_crash
from pipeline.corpus import run
from pipeline.corpus.run import in_pool, run_tasks
from pipeline.corpus.task import EditionTask, run_task
from pipeline.errors import InputError
from pipeline.settings import Settings


def _tasks(names, out="/nonexistent"):
    return [EditionTask(n, (), str(out), "key", Settings.current()) for n in names]


def test_a_worker_that_dies_fails_only_its_own_edition():
    """A process killed mid-task breaks the whole pool; the others in flight are run again, alone."""
    results = {r.name: r for r in in_pool(_tasks(["a", "b", "crash", "c", "d", "e"]), 2, dies_on_crash)}
    assert sorted(results) == ["a", "b", "c", "crash", "d", "e"]
    assert {k for k, r in results.items() if r.status == "built"} == {"a", "b", "c", "d", "e"}
    crash = results["crash"]
    assert crash.status == "failed" and crash.bug
    assert crash.error.startswith("error: internal: RuntimeError: the worker process died while running it")


def _edition_task(tmp_path, name, **front):
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    path = write_text(raw / f"{name}.txt", **front)
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return EditionTask(name, (str(path),), str(out), "key-of-" + name, Settings.current())


def test_a_task_stages_the_edition_with_its_key_and_reports_it(tmp_path):
    result = run_task(_edition_task(tmp_path, "town-2026-03"))
    assert result.status == "built" and result.error is None
    staged = tmp_path / "out" / result.staged
    assert staged.parent == tmp_path / "out" and staged.name.startswith(".town-2026-03.")  # hidden until installed
    assert (staged / ".build-key").read_text() == "key-of-town-2026-03\n"
    assert {"edition.json", "duties.json", "basic_duties.parquet", "town-2026-03.xlsx", "report.html"} <= {p.name for p in staged.iterdir()}
    assert result.summary == "basic 3, coordinated 2, reclaimed 2 (txt agree)"  # builders' rows: 3, 2, 2 items


def test_a_task_of_bad_input_is_a_failed_result_with_the_error_line(tmp_path):
    task = _edition_task(tmp_path, "town-2026-03")
    (tmp_path / "raw" / "town-2026-03.txt").write_text("")
    result = run_task(task)
    assert result.status == "failed" and not result.bug and result.staged is None
    assert result.code and result.error.startswith(f"error[{result.code}]: town-2026-03.txt: ")
    assert [p.name for p in (tmp_path / "out").iterdir()] == []  # nothing staged is left behind


def test_the_tasks_carry_the_command_lines_settings_to_the_workers(tmp_path):
    """--max-inflate-mb 1 set in the parent holds in a pool's worker: a 2 MiB text edition is refused there."""
    task = _edition_task(tmp_path, "big", front=["某省某市某区测试镇", "履行职责事项清单", "2026年3月", "说 明", "长" * 700_000,
                                                 builders.PREFACE])
    assert run_task(task).status == "built"  # within the default limit
    with Settings(1, 120.0, "pdfium").applied():
        tasks = [EditionTask(name, task.files, task.out_dir, "k", Settings.current()) for name in ("one", "two")]
    results = list(run_tasks(tasks, jobs=2))
    assert [r.code for r in results] == ["too_large", "too_large"]


def test_an_unreachable_scheduler_is_a_clean_error(monkeypatch):
    monkeypatch.setattr(run, "CONNECT_TIMEOUT_S", 1)
    with pytest.raises(InputError) as err:
        run.cluster_client("tcp://127.0.0.1:9")
    assert err.value.code == "cluster_unavailable" and "tcp://127.0.0.1:9" in str(err.value)


# ---------------------------------------------------------------- on a Dask cluster


def _tree(raw):
    """Three townships in two provinces (two named 城关镇), and one damaged file."""
    for province, district in (("河南省", "甲县"), ("山东省", "乙县")):
        folder = raw / province / "某市" / district
        folder.mkdir(parents=True)
        write_text(folder / "城关镇-2026-03.txt", front=[f"{province}某市{district}城关镇", *builders.FRONT[1:]])
    write_text(raw / "河南省" / "某市" / "甲县" / "城关镇-2026-09.txt", front=["河南省某市甲县城关镇", *builders.FRONT[1:]])
    (raw / "山东省" / "某市" / "乙县" / "坏镇-2026-03.txt").write_text("")


def _files(out):
    return {p.relative_to(out): p.read_bytes() for p in out.rglob("*")
            if p.is_file() and p.name not in ("build-report.csv", "duties.duckdb")}


def test_the_cluster_path_builds_what_the_local_path_builds(tmp_path):
    """A real LocalCluster of 2 worker processes: same files as a one-process build, the same failure."""
    from distributed import LocalCluster

    from pipeline.cli import main

    raw = tmp_path / "raw"
    _tree(raw)
    assert main(["build", str(raw), "--out", str(tmp_path / "local"), "--jobs", "1"]) == 2
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        code = main(["build", str(raw), "--out", str(tmp_path / "cluster"), "--scheduler", cluster.scheduler_address])
    assert code == 2
    assert _files(tmp_path / "cluster") == _files(tmp_path / "local")
    assert sorted(p.name for p in (tmp_path / "cluster").iterdir() if not p.name.startswith(".")) == sorted([
        "build-report.csv", "datapackage.json", "dataset", "diffs", "duties.duckdb", "index.html",
        "河南省-某市-甲县-城关镇-2026-03", "河南省-某市-甲县-城关镇-2026-09", "山东省-某市-乙县-城关镇-2026-03",
    ])  # fmt: skip
    report = (tmp_path / "cluster" / "build-report.csv").read_text(encoding="utf-8")
    assert "山东省-某市-乙县-坏镇-2026-03,failed,山东省/某市/乙县/坏镇-2026-03.txt" in report
