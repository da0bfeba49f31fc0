"""`make all`: every edition in raw/, every format of it, nothing redone when nothing changed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import builders
import pipeline.build as build
from builders import write_docx, write_text
from helpers import FORMAT_FIXTURES
from pipeline.cli import main
from pipeline.extract import FORMATS
from pipeline.errors import InputError


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_docx(raw / "testtown-2026-03.docx")
    write_text(raw / "testtown-2026-03.txt")
    (raw / "README.md").write_text("not an edition")
    return raw


def test_second_run_does_no_extraction(raw, tmp_path, monkeypatch):
    out = tmp_path / "output"
    assert build.build_all(raw, out) == ["testtown-2026-03"]  # one edition: its .docx and .txt
    calls = []
    monkeypatch.setattr(build, "extract_edition", lambda *a: calls.append(a))
    assert build.build_all(raw, out) == []
    assert calls == []


def test_changed_input_is_extracted_again(raw, tmp_path):
    out = tmp_path / "output"
    build.build_all(raw, out)
    write_text(raw / "testtown-2026-03.txt", encoding="gb18030")  # same records, other bytes
    assert build.build_all(raw, out) == ["testtown-2026-03"]


def test_empty_raw_dir_is_an_error(tmp_path):
    with pytest.raises(InputError, match="no published files") as err:
        build.build_all(tmp_path, tmp_path / "output")
    assert err.value.code == "no_editions"


def test_consecutive_editions_are_diffed_and_collected(raw, tmp_path):
    import json

    import builders

    rows = [*builders.BASIC[:2], ["2", "做好党员教育管理工作。"], *builders.BASIC[3:]]
    write_docx(raw / "testtown-2026-09.docx", tables=[(builders.BASIC_HEADER, rows), *builders.TABLES[1:]])
    out = tmp_path / "output"
    assert build.build_all(raw, out) == ["testtown-2026-03", "testtown-2026-09"]
    diff_dir = out / "diffs" / "testtown-2026-03__testtown-2026-09"
    changes = json.loads((diff_dir / "changes.json").read_text(encoding="utf-8"))
    assert [(c["change"], c["old_seq"], c["new_seq"], c["fields"]) for c in changes] == [("modified", 2, 2, ["text"])]
    assert (out / "duties.duckdb").is_file() and (out / "datapackage.json").is_file()
    # what an analyst runs first: the reference validator of Data Package, as a command, finds it valid
    frictionless = Path(sys.executable).with_name("frictionless")
    run = subprocess.run([frictionless, "validate", out / "datapackage.json"], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:]
    assert build.build_all(raw, out) == []  # and nothing to redo


# ---------------------------------------------------------------- which editions are diffed


def _front(place: str, date: str | None) -> list[str]:
    """The cover and preface of builders.FRONT with another place and date (None: undated)."""
    return [place, "履行职责事项清单", *([date] if date else []), "说 明", builders.PREFACE]


def _reworded_basic_2():
    rows = [*builders.BASIC[:2], ["2", "做好党员教育管理工作。"], *builders.BASIC[3:]]
    return [(builders.BASIC_HEADER, rows), *builders.TABLES[1:]]


def _database_rows(out, sql):
    import duckdb

    with duckdb.connect(str(out / "duties.duckdb"), read_only=True) as con:
        return [tuple(r) for r in con.execute(sql).fetchall()]


def test_editions_follow_the_documents_dates_not_the_file_names(tmp_path):
    """File names say 2025-07 then 2024-01, the covers say the reverse: the covers win, in diffs and edition_no."""
    raw, out = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    write_text(raw / "town-2025-07.txt", front=_front("某省某市某区测试镇", "2024年1月"))
    write_text(raw / "town-2024-01.txt", front=_front("某省某市某区测试镇", "2025年7月"), tables=_reworded_basic_2())
    assert main(["build", str(raw), "--out", str(out)]) == 0
    assert [d.name for d in sorted((out / "diffs").iterdir())] == ["town-2025-07__town-2024-01"]
    assert _database_rows(out, "SELECT edition_id, published, edition_no FROM editions ORDER BY edition_no") == [
        ("town-2025-07", "2024-01", 1), ("town-2024-01", "2025-07", 2)
    ]  # fmt: skip
    # the diff is between consecutive editions by edition_no, so the view shows it
    assert _database_rows(out, "SELECT old_edition, new_edition, old_published, new_published, change, new_seq FROM v_changes") == [
        ("town-2025-07", "town-2024-01", "2024-01", "2025-07", "modified", 2)
    ]  # fmt: skip


def test_one_township_name_in_two_provinces_is_not_diffed(tmp_path, capsys):
    """Two 城关镇, file names differing only in the month: two places, no diff, and the build succeeds."""
    raw, out = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    write_text(raw / "chengguan-2025-07.txt", front=_front("河南省洛阳市孟津区城关镇", "2025年7月"))
    write_text(raw / "chengguan-2025-08.txt", front=_front("陕西省汉中市勉县城关镇", "2025年8月"))
    assert main(["build", str(raw), "--out", str(out)]) == 0
    assert "error" not in capsys.readouterr().err
    assert (out / "duties.duckdb").is_file()
    assert not (out / "diffs").exists() or list((out / "diffs").iterdir()) == []
    assert _database_rows(out, "SELECT edition_id, province, township, edition_no FROM editions ORDER BY edition_id") == [
        ("chengguan-2025-07", "河南省", "城关镇", 1), ("chengguan-2025-08", "陕西省", "城关镇", 1)
    ]  # fmt: skip
    assert _database_rows(out, "SELECT count(*) FROM changes") == [(0,)]


def test_undated_edition_comes_last_and_one_month_goes_by_id(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    place = "某省某市某区测试镇"
    write_text(raw / "a-undated.txt", front=_front(place, None))
    write_text(raw / "town-2025-07b.txt", front=_front(place, "2025年7月"), tables=_reworded_basic_2())
    write_text(raw / "town-2025-07a.txt", front=_front(place, "2025年7月"))
    assert build.build_all(raw, out) == ["a-undated", "town-2025-07a", "town-2025-07b"]
    assert sorted(d.name for d in (out / "diffs").iterdir()) == ["town-2025-07a__town-2025-07b", "town-2025-07b__a-undated"]
    assert _database_rows(out, "SELECT edition_id, edition_no FROM editions ORDER BY edition_no") == [
        ("town-2025-07a", 1), ("town-2025-07b", 2), ("a-undated", 3)
    ]  # fmt: skip
    assert _database_rows(out, "SELECT DISTINCT old_edition, new_edition FROM v_changes ORDER BY 1") == [
        ("town-2025-07a", "town-2025-07b"), ("town-2025-07b", "a-undated")
    ]  # fmt: skip


def test_an_edition_extracted_by_hand_into_the_output_is_diffed_too(raw, tmp_path):
    """An edition directory written by `pipeline extract` (no build key) is paired by its edition.json like any other."""
    out = tmp_path / "output"
    build.build_all(raw, out)
    later = write_text(tmp_path / "by-hand.txt", front=_front("某省某市某区测试镇", "2026年9月"), tables=_reworded_basic_2())
    assert main(["extract", str(later), "--out", str(out / "by-hand")]) == 0
    assert build.build_all(raw, out) == []  # nothing extracted from raw/ ...
    assert sorted(d.name for d in (out / "diffs").iterdir()) == ["testtown-2026-03__by-hand"]  # ... but diffed
    assert _database_rows(out, "SELECT old_edition, new_edition, change FROM v_changes") == [
        ("testtown-2026-03", "by-hand", "modified")
    ]


def test_warnings_are_printed_with_their_code(tmp_path, capsys):
    import builders
    from pipeline.build import extract_to

    basic = [builders.BASIC[0], ["1", "加强党的建设and落实制度。"], *builders.BASIC[2:]]
    path = builders.write_docx(tmp_path / "e.docx", tables=[(builders.BASIC_HEADER, basic), *builders.TABLES[1:]])
    extract_to([path], tmp_path / "out")
    assert "warning[latin_word]: e: basic 1: Latin word 'and' in text" in capsys.readouterr().err


# ---------------------------------------------------------------- one consistent output/


def _catalogued(out) -> tuple[set[str], set[str]]:
    """Edition ids the database lists, and those datapackage.json describes."""
    import json

    in_database = {row[0] for row in _database_rows(out, "SELECT edition_id FROM editions")}
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    in_package = {r["path"].split("/")[0] for r in descriptor["resources"] if not r["path"].startswith("diffs/")}
    assert all((out / r["path"]).is_file() for r in descriptor["resources"])
    return in_database, in_package


def assert_consistent(out) -> None:
    """The database and the data package describe exactly the edition directories present, and no temporaries."""
    present = {d.name for d in out.iterdir() if (d / "edition.json").is_file() and not d.name.startswith(".")}
    assert _catalogued(out) == (present, present)
    hidden = sorted(p.relative_to(out).as_posix() for p in out.rglob(".*"))
    assert all(name.endswith((".build-key", ".catalogue-key")) for name in hidden), hidden


def test_database_follows_the_directories_present_not_what_the_run_did(raw, tmp_path):
    import shutil

    out = tmp_path / "output"
    write_text(raw / "testtown-2026-09.txt", tables=_reworded_basic_2())
    build.build_all(raw, out)
    assert_consistent(out)
    shutil.rmtree(out / "testtown-2026-09")  # removed by hand: the next run rebuilds it ...
    (raw / "testtown-2026-09.txt").unlink()  # ... unless its raw file went too
    assert build.build_all(raw, out) == []
    assert_consistent(out)
    assert list((out / "diffs").iterdir()) == []  # its diff went with it


def test_a_failed_run_leaves_the_next_run_to_rebuild_the_database(raw, tmp_path):
    out = tmp_path / "output"
    build.build_all(raw, out)
    write_text(raw / "zz-2026-09.txt", tables=_reworded_basic_2())
    write_text(raw / "zzz-2026-10.txt", tables=[(builders.BASIC_HEADER, builders.BASIC[:2]), *builders.TABLES[1:]])
    with pytest.raises(InputError):
        build.build_all(raw, out)  # zz is written, zzz fails
    (raw / "zzz-2026-10.txt").unlink()
    assert build.build_all(raw, out) == []  # nothing to extract, yet ...
    assert_consistent(out)  # ... the database now holds zz


def test_leftovers_of_a_killed_build_are_cleared_not_taken_for_editions(raw, tmp_path):
    out = tmp_path / "output"
    build.build_all(raw, out)
    import shutil

    shutil.copytree(out / "testtown-2026-03", out / ".testtown-2026-03.x1y2.tmp")  # killed mid-write
    (out / ".duties.duckdb.99.part").write_text("half a database")
    assert build.build_all(raw, out) == []
    assert_consistent(out)


def test_a_new_version_of_a_reading_library_re_extracts(raw, tmp_path, monkeypatch):
    out = tmp_path / "output"
    build.build_all(raw, out)
    assert {"pdfplumber", "pdfminer-six", "python-docx", "lxml"} <= set(build.dependency_versions())  # and what they use
    versions = build.dependency_versions()
    monkeypatch.setattr(build, "dependency_versions", lambda: {**versions, "python-docx": "99.0"})
    assert build.build_all(raw, out) == ["testtown-2026-03"]


BUILD = ["-m", "pipeline", "build"]


def _start_build(raw, out):
    import subprocess
    import sys

    from helpers import ROOT

    return subprocess.Popen([sys.executable, *BUILD, str(raw), "--out", str(out)], cwd=ROOT,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)


def _kill_after(raw, out, line_starts: str | None, delay: float) -> None:
    """Start a build, kill -9 it `delay` s after its first stderr line starting with `line_starts`."""
    import time

    proc = _start_build(raw, out)
    if line_starts is not None:
        for line in proc.stderr:
            if line.startswith(line_starts):
                break
    time.sleep(delay)
    proc.kill()
    proc.wait()
    proc.stderr.close()


@pytest.mark.parametrize("moment", [
    (None, 0.8),  # while importing or extracting the first edition
    ("a-2026-03:", 0.0),  # between editions
    ("b-2026-09:", 0.05),  # while extracting c
    ("diff ", 0.1),  # while diffing or writing the database or the package
])  # fmt: skip
def test_after_kill_9_the_next_build_restores_a_consistent_output(tmp_path, moment):
    raw, out = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    write_text(raw / "a-2026-03.txt")
    write_text(raw / "b-2026-09.txt", tables=_reworded_basic_2())
    assert main(["build", str(raw), "--out", str(out)]) == 0
    rows = [*builders.BASIC[:2], ["2", "做好党员教育管理服务工作。"], *builders.BASIC[3:]]
    write_text(raw / "b-2026-09.txt", tables=[(builders.BASIC_HEADER, rows), *builders.TABLES[1:]])  # b changed
    write_text(raw / "c-2026-12.txt", tables=_reworded_basic_2())  # and c is new
    _kill_after(raw, out, *moment)
    assert main(["build", str(raw), "--out", str(out)]) == 0
    assert_consistent(out)
    assert _database_rows(out, "SELECT edition_id, text FROM basic_duties WHERE seq = 2 ORDER BY 1") == [
        ("a-2026-03", "做好党员教育。"), ("b-2026-09", "做好党员教育管理服务工作。"), ("c-2026-12", "做好党员教育管理工作。")
    ]  # fmt: skip
    assert _database_rows(out, "SELECT old_edition, new_edition, change, new_seq FROM v_changes ORDER BY 1") == [
        ("a-2026-03", "b-2026-09", "modified", 2), ("b-2026-09", "c-2026-12", "modified", 2)
    ]  # fmt: skip


def test_two_builds_at_once_take_turns(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    write_text(raw / "a-2026-03.txt")
    write_text(raw / "b-2026-09.txt", tables=_reworded_basic_2())
    first, second = _start_build(raw, out), _start_build(raw, out)
    errors = [p.communicate()[1] for p in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), errors
    assert any("waiting for it to finish" in e for e in errors)
    assert sum("a-2026-03: basic" in e for e in errors) == 1  # extracted once; the other found it up to date
    assert_consistent(out)


def _tmpfs(mount, options: str):
    """A tmpfs mounted at `mount` (a real file system to fill up or make read-only), or a visible skip."""
    import subprocess

    mount.mkdir(exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): {done.stderr.strip()}")
    return mount


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MiB tmpfs: an edition fits, the database does not (a full disk, for real)."""
    import subprocess

    yield _tmpfs(tmp_path / "disk", "size=3m")
    subprocess.run(["umount", str(tmp_path / "disk")], check=True)


@pytest.fixture
def read_only_disk(tmp_path):
    """A read-only file system holding an empty output/ (root may write anywhere else)."""
    import subprocess

    mount = _tmpfs(tmp_path / "disk", "size=1m")
    (mount / "output").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_read_only_output_is_one_clean_line_naming_the_path(raw, read_only_disk, capsys):
    out = read_only_disk / "output"
    assert main(["build", str(raw), "--out", str(out)]) == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error == f"error[output_unwritable]: cannot write {out / 'testtown-2026-03'}: Read-only file system"


def test_a_full_disk_is_one_clean_line_naming_the_path(raw, small_disk, capsys):
    from helpers import EDITION_ID, RAW

    (raw / f"{EDITION_ID}.txt").write_bytes((RAW / f"{EDITION_ID}.txt").read_bytes())
    out = small_disk / "output"
    assert main(["build", str(raw), "--out", str(out)]) == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith("error[output_unwritable]: cannot write ") and error.endswith(": No space left on device")
    assert str(out) in error


def test_a_raw_file_named_dot_dot_txt_is_refused_and_the_rest_still_built(raw, tmp_path, capsys):
    out = tmp_path / "output"
    build.build_all(raw, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != "build-report.csv"}
    write_text(raw / "..txt")  # its stem is "."
    assert main(["build", str(raw), "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("error[bad_edition_id]: ..txt: edition id '.'") for line in err)
    assert err[-1].startswith("error[editions_failed]: 1 of 2 editions failed (see ")
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert {k: v for k, v in after.items() if k.name != "build-report.csv"} == before  # the good edition untouched
    report = _report(out)
    assert list(report[0]) == ["edition_id", "status", "files", "pages", "seconds", "warnings", "error"]
    assert [list(r.values())[:6] for r in report] == [
        ["..txt", "failed", "..txt", "", "0.00", "0"],
        ["testtown-2026-03", "unchanged", "testtown-2026-03.docx;testtown-2026-03.txt", "", "0.00", "0"],
    ]
    assert report[0]["error"].startswith("error[bad_edition_id]: ..txt: edition id '.' is a relative directory")
    assert report[1]["error"] == ""


def _report(out) -> list[dict]:
    import csv

    with (out / "build-report.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_make_all_reads_every_format_and_the_formats_of_one_edition_agree(tmp_path, capsys):
    """An edition published as a workbook, a web page (GBK), a Word 97 file and a DOCX: one edition."""
    raw = tmp_path / "raw"
    raw.mkdir()
    names = ["qingshi-2026-03.docx", "qingshi-2026-03.xlsx", "qingshi-2026-03.xls", "qingshi-2026-03-gbk.html"]
    names += ["qingshi-2026-03.doc"] if shutil.which("soffice") else []  # test_formats says so where it is skipped
    for name in names:
        shutil.copyfile(FORMAT_FIXTURES / name, raw / name.replace("-gbk", ""))
    assert main(["build", str(raw), "--out", str(tmp_path / "out")]) == 0
    info = json.loads((tmp_path / "out" / "qingshi-2026-03" / "edition.json").read_text(encoding="utf-8"))
    assert sorted(s["format"] for s in info["sources"]) == sorted(FORMATS[name[name.rindex("."):]] for name in names)
    assert "agree" in capsys.readouterr().err


# ---------------------------------------------------------------- a corpus: a folder tree, isolation, workers


def _corpus(raw):
    """Two 城关镇 of different counties (one stem, two folders), a flat edition, and a truncated PDF."""
    for county in ("甲县", "乙县"):
        folder = raw / "河南省" / "某市" / county
        folder.mkdir(parents=True)
        write_text(folder / "城关镇-2026-03.txt", front=_front(f"河南省某市{county}城关镇", "2026年3月"))
    write_text(raw / "testtown-2026-03.txt")
    from helpers import RAW

    pdf = (RAW / "songzhuang-2025-07.pdf").read_bytes()
    (raw / "河南省" / "某市" / "乙县" / "坏镇-2025-07.pdf").write_bytes(pdf[: len(pdf) // 2])


def test_a_folder_tree_is_read_recursively_and_ids_keep_the_folders(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "output"
    _corpus(raw)
    with pytest.raises(InputError) as err:
        build.build_all(raw, out)
    assert err.value.code == "editions_failed" and "1 of 4 editions failed" in str(err.value)
    assert sorted(p.parent.name for p in out.glob("*/edition.json")) == [
        "testtown-2026-03", "河南省-某市-乙县-城关镇-2026-03", "河南省-某市-甲县-城关镇-2026-03"]  # fmt: skip
    assert _database_rows(out, "SELECT edition_id, district, township FROM editions ORDER BY 1") == [
        ("testtown-2026-03", "某区", "测试镇"), ("河南省-某市-乙县-城关镇-2026-03", "乙县", "城关镇"),
        ("河南省-某市-甲县-城关镇-2026-03", "甲县", "城关镇"),
    ]  # fmt: skip
    assert not (out / "diffs").exists() or list((out / "diffs").iterdir()) == []  # three places, no diff
    rows = {r["edition_id"]: r for r in _report(out)}
    bad = rows["河南省-某市-乙县-坏镇-2025-07"]
    assert (bad["status"], bad["files"]) == ("failed", "河南省/某市/乙县/坏镇-2025-07.pdf")
    assert bad["error"].startswith("error[") and "坏镇-2025-07.pdf" in bad["error"]
    assert {k: r["status"] for k, r in rows.items()} == {
        "testtown-2026-03": "ok", "河南省-某市-乙县-城关镇-2026-03": "ok", "河南省-某市-甲县-城关镇-2026-03": "ok",
        "河南省-某市-乙县-坏镇-2025-07": "failed",
    }  # fmt: skip


def test_a_failed_edition_loses_its_previous_output_and_the_next_good_file_restores_it(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    write_text(raw / "a-2026-03.txt")
    write_text(raw / "b-2026-03.txt", front=_front("某省某市某区乙镇", "2026年3月"))
    build.build_all(raw, out)
    (raw / "b-2026-03.txt").write_text("")  # republished broken
    with pytest.raises(InputError, match="1 of 2 editions failed"):
        build.build_all(raw, out)
    assert not (out / "b-2026-03").exists()  # no data from bytes that are no longer there
    assert _database_rows(out, "SELECT edition_id FROM editions") == [("a-2026-03",)]
    write_text(raw / "b-2026-03.txt", front=_front("某省某市某区乙镇", "2026年3月"))
    assert build.build_all(raw, out) == ["b-2026-03"]


def test_two_jobs_write_exactly_what_one_job_writes(tmp_path):
    raw = tmp_path / "raw"
    _corpus(raw)
    for jobs in (1, 2):
        with pytest.raises(InputError, match="editions_failed|1 of 4"):
            build.build_all(raw, tmp_path / f"out{jobs}", jobs=jobs)
    one, two = (
        {p.relative_to(d): p.read_bytes() for p in d.rglob("*") if p.is_file() and p.name not in ("build-report.csv", "duties.duckdb")}
        for d in (tmp_path / "out1", tmp_path / "out2")
    )
    assert one == two and len(one) > 40


def test_a_bug_in_one_edition_is_exit_3_and_the_others_are_built(raw, tmp_path, monkeypatch, capsys):
    write_text(raw / "other-2026-03.txt", front=_front("某省某市某区乙镇", "2026年3月"))
    real = build.extract_edition

    def buggy(files, edition_id):
        if edition_id == "other-2026-03":
            raise KeyError("a bug")
        return real(files, edition_id)

    monkeypatch.setattr(build, "extract_edition", buggy)
    assert main(["build", str(raw), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 3
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith("error: internal: EditionBug: 1 of 2 editions hit a bug, first other-2026-03: KeyError: 'a bug'")
    assert (tmp_path / "out" / "testtown-2026-03" / "edition.json").is_file()
    assert [r["status"] for r in _report(tmp_path / "out")] == ["failed", "ok"]
