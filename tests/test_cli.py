"""The command line: success, and one clear line for each class of bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import builders
from builders import write_docx, write_text
from helpers import ROOT
from pipeline.cli import EXIT_INPUT, main


def run(*args: str):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=ROOT)


def test_extract_writes_every_table_and_validates(tmp_path):
    out = tmp_path / "out"
    assert main(["extract", str(write_docx(tmp_path / "e.docx")), str(write_text(tmp_path / "e.txt")), "--out", str(out)]) == 0
    info = json.loads((out / "edition.json").read_text(encoding="utf-8"))
    assert info["edition_id"] == "e"
    assert {s["format"] for s in info["sources"]} == {"docx", "text"}
    assert {k: v["extracted_total"] for k, v in info["lists"].items()} == {"basic": 3, "coordinated": 2, "reclaimed": 2}
    assert main(["validate", str(out)]) == 0


def test_extract_replaces_a_previous_edition_output(tmp_path):
    out = tmp_path / "out"
    assert main(["extract", str(write_docx(tmp_path / "e.docx")), "--out", str(out)]) == 0
    (out / "stale.csv").write_text("old")
    assert main(["extract", str(write_docx(tmp_path / "e.docx")), "--out", str(out)]) == 0
    assert not (out / "stale.csv").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left behind


def test_extract_refuses_to_replace_a_directory_that_is_not_an_edition_output(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.docx").write_text("someone's work")
    assert main(["extract", str(write_docx(tmp_path / "e.docx")), "--out", str(out)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err.startswith("error[output_exists]: ") and "--force" in err and err.count("\n") == 1
    assert (out / "thesis.docx").read_text() == "someone's work"
    assert main(["extract", str(write_docx(tmp_path / "e.docx")), "--out", str(out), "--force"]) == 0
    assert not (out / "thesis.docx").exists() and (out / "edition.json").is_file()


def test_extract_into_an_empty_directory(tmp_path):
    (tmp_path / "out").mkdir()
    assert main(["extract", str(write_docx(tmp_path / "e.docx")), "--out", str(tmp_path / "out")]) == 0


def test_out_dot_is_the_current_directory_by_its_name(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    docx = write_docx(tmp_path / "e.docx")
    monkeypatch.chdir(work)
    assert main(["extract", str(docx), "--out", "."]) == 0  # empty: replaced by the edition
    assert (tmp_path / "work" / "edition.json").is_file()


@pytest.mark.parametrize("out, code", [("/", "bad_output_path"), ("file.txt", "bad_output_path"),
                                       ("file.txt/sub", "output_unwritable")])
def test_an_unusable_out_path_is_one_clean_line(tmp_path, monkeypatch, capsys, out, code):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.txt").write_text("in the way")
    assert main(["extract", str(write_docx(tmp_path / "e.docx")), "--out", out]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err.startswith(f"error[{code}]: ") and err.count("\n") == 1
    assert (tmp_path / "file.txt").read_text() == "in the way"


def test_a_file_name_that_is_not_utf8_is_a_clean_error(tmp_path, capsys):
    name = os.fsdecode(b"e\xff.docx")  # bytes that are not UTF-8, as Linux allows
    path = write_docx(tmp_path / name)
    assert main(["extract", str(path), "--out", str(tmp_path / "out"), "--edition-id", "e"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err == "error[bad_file_name]: e\\xff.docx: the file name is not valid UTF-8; rename the file\n"
    assert main(["extract", str(path), "--out", str(tmp_path / "out")]) == EXIT_INPUT  # the id from it, too
    assert capsys.readouterr().err.startswith("error[bad_edition_id]: e\\xff.docx: edition id 'e\\\\xff'")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("edition_id", ["../../x", "/tmp/abs", ".", "..", ".hidden", "a\tb", "镇" * 41])
def test_an_edition_id_that_is_not_a_plain_name_writes_nothing(tmp_path, capsys, edition_id):
    out = tmp_path / "a" / "b" / "out"
    assert main(["extract", str(write_docx(tmp_path / "e.docx")), "--out", str(out), "--edition-id", edition_id]) == 2
    assert capsys.readouterr().err.startswith("error[bad_edition_id]: ")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["e.docx"]


def test_chinese_edition_ids_are_plain_names(tmp_path):
    out = tmp_path / "out"
    assert main(["extract", str(write_docx(tmp_path / "e.docx")), "--out", str(out), "--edition-id", "送庄镇-2025-07"]) == 0
    assert json.loads((out / "edition.json").read_text(encoding="utf-8"))["edition_id"] == "送庄镇-2025-07"


def _bad_preface_total(tmp_path):
    front = builders.FRONT[:-1] + [builders.PREFACE.replace("共 2 个类别 3 项", "共 2 个类别 4 项")]
    return write_docx(tmp_path / "bad.docx", front=front)


def _bad_category_count(tmp_path):
    basic = [["一、党的建设（3项）"], *builders.BASIC[1:3], ["二、经济发展（0项）"], builders.BASIC[4]]
    tables = [(builders.BASIC_HEADER, basic), *builders.TABLES[1:]]
    return write_docx(tmp_path / "bad.docx", tables=tables)


def _bad_item_numbers(tmp_path):
    basic = [*builders.BASIC[:4], ["4", "发展镇域经济。"]]
    return write_docx(tmp_path / "bad.docx", tables=[(builders.BASIC_HEADER, basic), *builders.TABLES[1:]])


def _bad_clause_numbers(tmp_path):
    row = ["2", "兵役工作", "区人民武装部", "1.发布公告；\n3.承担工作。", "做好报名工作。"]
    coordinated = [*builders.COORDINATED[:2], row]
    return write_docx(tmp_path / "bad.docx", tables=[builders.TABLES[0], (builders.COORDINATED_HEADER, coordinated), builders.TABLES[2]])


def _not_a_duty_list(tmp_path):
    return write_docx(tmp_path / "bad.docx", front=["会议纪要", "一、会议内容"], tables=[])


def _no_tables(tmp_path):
    return write_docx(tmp_path / "bad.docx", tables=[])


def _write(name: str, content: bytes):
    def make(tmp_path):
        path = tmp_path / name
        path.write_bytes(content)
        return path

    return make


@pytest.mark.parametrize(
    "make, code, message",
    [
        pytest.param(_write("bad.docx", b""), "file_empty", "bad.docx: file is empty", id="empty"),
        pytest.param(_write("bad.docx", b"PK\x03\x04\x14\x00"), "docx_unreadable", "bad.docx: not a readable DOCX", id="truncated-docx"),
        pytest.param(_write("bad.txt", b"\xff\xfe\x81\x81"), "text_encoding", "bad.txt: text is neither UTF-8 nor GB18030", id="bad-encoding"),
        pytest.param(_write("bad.rtf", b"x"), "unsupported_format", "bad.rtf: unsupported file type", id="unsupported"),
        pytest.param(_not_a_duty_list, "no_title", "bad.docx: no title `…履行职责事项清单`", id="not-a-duty-list"),
        pytest.param(_no_tables, "list_missing", "bad.docx: no 基本履职事项清单", id="no-tables"),
        pytest.param(_bad_preface_total, "list_totals", "bad.docx, table 1, basic list: preface declares 4 items, found 3", id="preface-total"),
        pytest.param(_bad_category_count, "category_count", "bad.docx, table 1 row 2, basic list, 党的建设: category 1 党的建设 declares 3 items but has 2",
                     id="category-count"),
        pytest.param(_bad_item_numbers, "list_totals", "bad.docx, table 1, basic list: items: expected number 3, found 4", id="item-gap"),
        pytest.param(_bad_clause_numbers, "item_invalid", "bad.docx, table 2 row 4, coordinated list, 平安法治, item 2: clause 2 expected",
                     id="clause-gap"),
    ],
)
def test_bad_input_is_one_line_and_leaves_no_output(tmp_path, make, code, message):
    path = make(tmp_path)
    out = tmp_path / "out"
    result = run("extract", str(path), "--out", str(out))
    assert result.returncode == EXIT_INPUT
    assert result.stderr.startswith(f"error[{code}]: {message}"), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_bad_input_keeps_the_previous_output(tmp_path):
    out = tmp_path / "out"
    assert main(["extract", str(write_docx(tmp_path / "good.docx")), "--out", str(out)]) == 0
    before = sorted(p.name for p in out.iterdir())
    assert main(["extract", str(_bad_item_numbers(tmp_path)), "--out", str(out)]) == EXIT_INPUT
    assert sorted(p.name for p in out.iterdir()) == before


def test_formats_that_disagree_are_listed(tmp_path):
    rows = [*builders.BASIC[:2], ["2", "做好党员教育工作。"], *builders.BASIC[3:]]
    text = write_text(tmp_path / "e.txt", tables=[(builders.BASIC_HEADER, rows), *builders.TABLES[1:]])
    result = run("extract", str(write_docx(tmp_path / "e.docx")), str(text), "--out", str(tmp_path / "out"))
    assert result.returncode == EXIT_INPUT
    assert "e.txt: formats disagree with e.docx on 1 records: basic 2 (text)" in result.stderr


def test_debug_shows_the_traceback(tmp_path):
    result = run("--debug", "extract", str(tmp_path / "missing.docx"), "--out", str(tmp_path / "o"))
    assert "Traceback" in result.stderr and "InputError" in result.stderr


def test_validate_rejects_a_directory_that_is_not_an_edition(tmp_path):
    result = run("validate", str(tmp_path))
    assert result.returncode == EXIT_INPUT
    assert "duties.json is missing" in result.stderr


DUTYLISTS = Path(sys.executable).with_name("dutylists")  # the console command pyproject.toml declares


def dutylists(*args: str):
    return subprocess.run([DUTYLISTS, *args], capture_output=True, text=True, cwd=ROOT)


# each command's help names it in Chinese and in English
@pytest.mark.parametrize("command, zh", [("extract", "提取"), ("validate", "校验"), ("build", "构建"), ("diff", "比较")])
def test_help_in_chinese_and_english(command, zh):
    top = dutylists("--help")
    assert top.returncode == 0 and top.stdout.startswith("usage: dutylists ")
    assert f"{zh} {command}:" in top.stdout and "退出状态 exit status" in top.stdout
    result = dutylists(command, "--help")
    assert result.returncode == 0 and result.stdout.startswith(f"usage: dutylists {command} ")
    assert "显示帮助 show this help" in result.stdout and "退出状态 exit status" in result.stdout


def test_version_is_the_packages():
    declared = re.search(r'^version = "(.+)"$', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)[1]
    for result in (dutylists("--version"), run("--version")):
        assert (result.returncode, result.stdout) == (0, f"dutylists {declared}\n")


def test_the_console_command_runs_the_pipeline(tmp_path):
    out = tmp_path / "out"
    result = dutylists("extract", str(write_docx(tmp_path / "e.docx")), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("e: basic 3, coordinated 2, reclaimed 2 → ")
    assert dutylists("validate", str(out)).stdout == "e: valid\n"


def test_exit_status_for_scripts(tmp_path, monkeypatch, capsys):
    """0 done, 2 bad input or a bad command line, 3 a bug, 130 interrupted: what a shell script can test."""
    assert dutylists("extract", "--out", str(tmp_path / "o")).returncode == 2  # no files: a bad command line
    assert dutylists("frobnicate").returncode == 2
    assert dutylists("validate", str(tmp_path)).returncode == 2  # not an edition directory

    def interrupted(args):
        raise KeyboardInterrupt

    def bug(args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("pipeline.cli._validate", interrupted)
    assert main(["validate", str(tmp_path)]) == 130
    assert capsys.readouterr().err == "interrupted\n"
    monkeypatch.setattr("pipeline.cli._validate", bug)
    assert main(["validate", str(tmp_path)]) == 3
    assert capsys.readouterr().err == "error: internal: ZeroDivisionError: division by zero (rerun with --debug)\n"


def test_max_inflate_mb_sets_the_size_limit(tmp_path, capsys):
    from helpers import EDITION_ID, RAW

    text = RAW / f"{EDITION_ID}.txt"  # 107 kB: within 1 MiB
    assert main(["--max-inflate-mb", "1", "extract", str(text), "--out", str(tmp_path / "a")]) == 0
    capsys.readouterr()  # its warnings
    big = tmp_path / "big.txt"
    big.write_bytes(text.read_bytes() + b"\n" * (1 << 20))  # the same edition with 1 MiB of blank lines
    assert main(["--max-inflate-mb", "1", "extract", str(big), "--out", str(tmp_path / "b")]) == EXIT_INPUT
    assert capsys.readouterr().err.startswith("error[too_large]: big.txt: ")
    with pytest.raises(SystemExit) as usage:
        main(["--max-inflate-mb", "0", "extract", str(text), "--out", str(tmp_path / "c")])
    assert usage.value.code == 2 and "must be positive" in capsys.readouterr().err


def test_extracting_a_pdf_imports_only_what_it_needs(tmp_path):
    """pdfplumber (the reference reader), pandas, openpyxl, DuckDB, the diff's libraries, the OCR's
    and Arrow's compute kernels cost start-up time that reading, checking and writing one PDF
    edition never needs."""
    script = ("import sys; from pipeline.cli import main; "
              f"code = main(['extract', {str(ROOT / 'raw' / 'songzhuang-2025-07.pdf')!r}, '--out', {str(tmp_path / 'out')!r}]); "
              "print(sorted(m for m in ('pandas', 'openpyxl', 'duckdb', 'scipy', 'rapidfuzz', 'pdfplumber', 'docx', "
              "'python_calamine', 'lxml', 'pyarrow.compute', 'cv2', 'rapidocr_onnxruntime', 'PIL') "
              "if m in sys.modules)); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
