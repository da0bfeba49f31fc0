"""Every bad-input error code: one case each through the command line.

Each case asserts the exit status (2), the single stderr line `error[<code>]: …`
naming the file, and that nothing was written. The table must cover every
code of `pipeline.errors.CODES`, and every code must be raised somewhere.
"""

from __future__ import annotations

import ast
import json
import os
import zlib
import shutil
from pathlib import Path

import pytest

import builders
from builders import (HELVETICA, encrypted_pdf, flate_bomb, image_only_pdf, one_page_pdf, pdf_bytes, pdf_objects,
                      rewrite_pdf, stream_data, stream_object, write_docx, write_text)
from helpers import FORMAT_FIXTURES, RAW
from pipeline.cli import main
from pipeline.errors import CODES, EXIT_INPUT

PIPELINE = Path(__file__).resolve().parents[1] / "pipeline"


def _file(name: str, content: bytes):
    def make(tmp: Path) -> list[str]:
        (tmp / name).write_bytes(content)
        return ["extract", str(tmp / name), "--out", str(tmp / "out")]

    return make


def _docx(**kwargs):
    def make(tmp: Path) -> list[str]:
        return ["extract", str(write_docx(tmp / "bad.docx", **kwargs)), "--out", str(tmp / "out")]

    return make


def _basic(rows):
    return _docx(tables=[(builders.BASIC_HEADER, rows), *builders.TABLES[1:]])


def _formats_disagree(tmp: Path) -> list[str]:
    rows = [*builders.BASIC[:2], ["2", "做好党员教育工作。"], *builders.BASIC[3:]]
    text = write_text(tmp / "e.txt", tables=[(builders.BASIC_HEADER, rows), *builders.TABLES[1:]])
    return ["extract", str(write_docx(tmp / "e.docx")), str(text), "--out", str(tmp / "out")]


def _no_editions(tmp: Path) -> list[str]:
    (tmp / "raw").mkdir()
    return ["build", str(tmp / "raw"), "--out", str(tmp / "out")]


def _editions_failed(tmp: Path) -> list[str]:
    (tmp / "raw").mkdir()
    write_docx(tmp / "raw" / "good-2026-03.docx")
    (tmp / "raw" / "empty-2026-03.docx").write_bytes(b"")
    return ["build", str(tmp / "raw"), "--out", str(tmp / "out")]


def _cluster_unavailable(tmp: Path) -> list[str]:
    (tmp / "raw").mkdir()
    write_docx(tmp / "raw" / "good-2026-03.docx")
    return ["build", str(tmp / "raw"), "--out", str(tmp / "out"), "--scheduler", "tcp://127.0.0.1:9"]


def _bad_edition_id(tmp: Path) -> list[str]:
    return ["extract", str(write_docx(tmp / "e.docx")), "--out", str(tmp / "out"), "--edition-id", "../elsewhere"]


def _extracted(tmp: Path, name: str = "e", front=builders.FRONT) -> Path:
    out = tmp / "editions" / name
    assert main(["extract", str(write_docx(tmp / f"{name}.docx", front=front)), "--out", str(out)]) == 0
    return out


def _not_an_output(tmp: Path) -> list[str]:
    (tmp / "empty").mkdir()
    return ["validate", str(tmp / "empty")]


def _output_invalid(tmp: Path) -> list[str]:
    out = _extracted(tmp)
    duties = json.loads((out / "duties.json").read_text(encoding="utf-8"))
    duties["lists"]["basic"]["declared"]["total"] = 4  # the edition has 3
    (out / "duties.json").write_text(json.dumps(duties, ensure_ascii=False), encoding="utf-8")
    return ["validate", str(out)]


def _duplicate_edition(tmp: Path) -> list[str]:
    (tmp / "raw").mkdir()
    write_docx(tmp / "raw" / "town-2026-03.docx")
    assert main(["build", str(tmp / "raw"), "--out", str(tmp / "output")]) == 0
    shutil.copytree(tmp / "output" / "town-2026-03", tmp / "output" / "copy")  # a second directory, same edition id
    return ["build", str(tmp / "raw"), "--out", str(tmp / "output")]


def _different_townships(tmp: Path) -> list[str]:
    a = _extracted(tmp, "a")
    b = _extracted(tmp, "b", front=["某省某市某区另一镇", *builders.FRONT[1:]])
    return ["diff", str(a), str(b), "--out", str(tmp / "out")]


def _unreadable(tmp: Path) -> list[str]:
    """A file we may not read; root may read anything but a write-only kernel setting."""
    path = tmp / "e.txt"
    if os.geteuid() == 0:
        path.symlink_to("/proc/sys/vm/drop_caches")  # mode --w-------, even for root
    else:
        write_text(path).chmod(0)
    return ["extract", str(path), "--out", str(tmp / "out")]


def _bad_file_name(tmp: Path) -> list[str]:
    path = write_docx(tmp / os.fsdecode(b"e\xff.docx"))  # bytes that are not UTF-8, as Linux allows
    return ["extract", str(path), "--out", str(tmp / "out"), "--edition-id", "e"]


def _out_through_a_file(tmp: Path, out: str) -> list[str]:
    (tmp / "blocker").write_text("a file where the output directory should be")
    return ["extract", str(write_docx(tmp / "e.docx")), "--out", str(tmp / out)]


def _output_exists(tmp: Path) -> list[str]:
    (tmp / "thesis").mkdir()
    (tmp / "thesis" / "chapter1.docx").write_text("someone's work, not an edition output")
    return ["extract", str(write_docx(tmp / "e.docx")), "--out", str(tmp / "thesis")]


def _pdf_damaged(tmp: Path) -> list[str]:
    content = zlib.compress(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET")
    page = one_page_pdf(b"", b"<< /Font << /F1 5 0 R >> >>", [HELVETICA])
    path = tmp / "damaged.pdf"  # the content stream's checksum overwritten
    path.write_bytes(rewrite_pdf(page, {4: stream_object(content[:-4] + b"\0\0\0\0")}))
    return ["extract", str(path), "--out", str(tmp / "out")]


def _columns_lost(tmp: Path) -> list[str]:
    # page 2 goes on without a header; drawn at 0.8 of its width, its rules stand at none of page 1's columns
    fixture = Path(__file__).parent / "fixtures" / "pdf" / "no_header_repeat.pdf"
    return ["extract", str(builders.damaged(tmp, fixture, 2, builders.drawn_under(b"0.8 0 0 1 0 0"))),
            "--out", str(tmp / "out")]


def _text_crosses_column(tmp: Path) -> list[str]:
    edition = RAW / "songzhuang-2025-07.pdf"
    bodies, _ = pdf_objects(edition.read_bytes())
    page_11 = 32  # page 11's content stream: coordinated item 4's department 区工业和 moved over the rule at x 238.1
    text = zlib.decompress(stream_data(bodies[page_11])).replace(b"188.9 244.489 Td", b"220.4 244.489 Td")
    path = tmp / edition.name
    path.write_bytes(rewrite_pdf(edition.read_bytes(), {page_11: stream_object(zlib.compress(text))}))
    return ["extract", str(path), "--out", str(tmp / "out")]


def _too_large(tmp: Path) -> list[str]:
    page = one_page_pdf(b"", b"<< /Font << /F1 5 0 R >> >>", [HELVETICA])
    path = tmp / "bomb.pdf"  # a content stream inflating to 2 MiB of zeros, the limit set to 1 MiB
    path.write_bytes(rewrite_pdf(page, {4: stream_object(flate_bomb(2 << 20))}))
    return ["--max-inflate-mb", "1", "extract", str(path), "--out", str(tmp / "out")]


def _text_table(tmp: Path, basic_rows) -> list[str]:
    path = write_text(tmp / "bad.txt", tables=[(builders.BASIC_HEADER, basic_rows), *builders.TABLES[1:]])
    return ["extract", str(path), "--out", str(tmp / "out")]


OLE_JUNK = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000)  # an OLE compound-file header and nothing readable
NO_SOFFICE = {"program_missing"}  # cases run with a PATH on which LibreOffice is not found

CASES = {
    "file_missing": lambda tmp: ["extract", str(tmp / "missing.docx"), "--out", str(tmp / "out")],
    "file_empty": _file("bad.docx", b""),
    "unsupported_format": _file("bad.rtf", b"x"),
    "not_text": _file("bad.txt", b"\x00\x01binary"),
    "text_encoding": _file("bad.txt", b"\xff\xfe\x81\x81"),
    "docx_unreadable": _file("bad.docx", b"PK\x03\x04\x14\x00"),
    "pdf_not_pdf": _file("bad.pdf", "这不是 PDF 文件\n".encode()),
    "pdf_truncated": _file("bad.pdf", (RAW / "songzhuang-2025-07.pdf").read_bytes()[:3000]),
    "pdf_corrupt": _file("bad.pdf", b"%PDF-1.4\nthis is not a PDF body at all\n%%EOF\n"),
    "pdf_encrypted": _file("bad.pdf", encrypted_pdf()),
    "pdf_no_pages": _file("bad.pdf", pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])),
    "pdf_page_unreadable": _file("bad.pdf", one_page_pdf(
        b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET", b"<< /Font << /F1 5 0 R >> >>",
        [b"<< /Type /Font /Subtype /Type0 /BaseFont /X /DescendantFonts 7 >>"])),
    "no_text_layer": _file("bad.pdf", image_only_pdf()),
    "image_unreadable": _file("bad.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
    "no_table": _file("bad.pdf", one_page_pdf(
        b"BT /F1 12 Tf 72 700 Td (Just a letter, no table) Tj ET", b"<< /Font << /F1 5 0 R >> >>", [builders.HELVETICA])),
    "no_title": _docx(front=["会议纪要", "一、会议内容"], tables=[]),
    "no_front_matter": _docx(front=[]),
    "no_declared_totals": _docx(front=builders.FRONT[:-1]),
    "list_missing": _docx(tables=[]),
    "header_mismatch": _docx(tables=[builders.TABLES[0], (["序号", "事项名称", "上级部门职责", "乡镇（街道）配合职责"], [
        builders.COORDINATED[0], ["1", "兵役工作", "发布征兵公告。", "做好报名工作。"]]), builders.TABLES[2]]),
    "unexpected_row": _basic([*builders.BASIC, ["甲", "不是序号的行。"]]),
    "item_before_category": _basic(builders.BASIC[1:]),
    "item_invalid": _docx(tables=[builders.TABLES[0], (builders.COORDINATED_HEADER, [
        *builders.COORDINATED[:2], ["2", "兵役工作", "区人民武装部", "1.发布公告；\n3.承担工作。", "做好报名工作。"]]),
        builders.TABLES[2]]),
    "category_count": _basic([["一、党的建设（3项）"], *builders.BASIC[1:3], ["二、经济发展（0项）"], builders.BASIC[4]]),
    "list_totals": _docx(front=[*builders.FRONT[:-1], builders.PREFACE.replace("共 2 个类别 3 项", "共 2 个类别 4 项")]),
    "formats_disagree": _formats_disagree,
    "no_editions": _no_editions,
    "bad_edition_id": _bad_edition_id,
    "not_an_output": _not_an_output,
    "output_invalid": _output_invalid,
    "duplicate_edition": _duplicate_edition,
    "different_townships": _different_townships,
    "editions_failed": _editions_failed,
    "cluster_unavailable": _cluster_unavailable,
    "file_unreadable": _unreadable,
    "bad_file_name": _bad_file_name,
    "bad_output_path": lambda tmp: _out_through_a_file(tmp, "blocker"),
    "output_unwritable": lambda tmp: _out_through_a_file(tmp, "blocker/out"),
    "output_exists": _output_exists,
    "pdf_damaged": _pdf_damaged,
    "text_crosses_column": _text_crosses_column,
    "columns_lost": _columns_lost,
    "too_large": _too_large,
    "docx_numbering": lambda tmp: [  # table 2 row 4 numbered by a list the package does not define
        "extract", str(builders.write_numbered_docx(tmp / "bad.docx", 999)), "--out", str(tmp / "out")],
    "too_many_cells": lambda tmp: _text_table(tmp, [*builders.BASIC[:2], ["2", "做好党员教育。", "多出的一格"], *builders.BASIC[3:]]),
    # 35,005 characters: a valid item, but no spreadsheet cell holds it
    "workbook_unreadable": _file("bad.xlsx", b"PK\x03\x04\x14\x00"),
    "workbook_encrypted": lambda tmp: _copied(tmp, FORMAT_FIXTURES / "bad" / "encrypted.xlsx"),
    "html_unreadable": lambda tmp: _copied(tmp, FORMAT_FIXTURES / "bad" / "wrong-charset.html"),
    "program_missing": _file("bad.doc", OLE_JUNK),
    "conversion_failed": _file("bad.doc", OLE_JUNK),
    "cell_too_long": lambda tmp: _text_table(tmp, [*builders.BASIC[:4], ["3", "发展镇域经济，" * 5000 + "做好服务。"]]),
}  # fmt: skip


def _copied(tmp: Path, fixture: Path) -> list[str]:
    path = tmp / fixture.name
    shutil.copyfile(fixture, path)
    return ["extract", str(path), "--out", str(tmp / "out")]


@pytest.mark.parametrize("code", list(CASES))
def test_bad_input_gives_its_code_exit_2_and_one_line(code, tmp_path, capsys, monkeypatch):
    if code in NO_SOFFICE:
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    elif code == "conversion_failed" and shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    monkeypatch.setattr("pipeline.corpus.run.CONNECT_TIMEOUT_S", 1)  # cluster_unavailable: not the default 20 s
    argv = CASES[code](tmp_path)
    capsys.readouterr()  # what setting the case up printed
    assert main(argv) == EXIT_INPUT == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error")]  # build also logs progress
    assert errors == [err.splitlines()[-1]] and errors[0].startswith(f"error[{code}]: "), err
    if code == "editions_failed":  # the good edition is written whole, the failed one not at all
        assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == [
            "build-report.csv", "datapackage.json", "dataset", "duties.duckdb", "good-2026-03", "index.html"]
    else:
        assert not (tmp_path / "out").exists()  # nothing half-written


def test_every_code_has_a_case():
    assert sorted(CASES) == sorted(CODES)


def _raised_codes() -> set[str]:
    codes = set()
    for path in PIPELINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "InputError":
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant), f"{path}:{node.lineno}: InputError without a literal code"
                codes.add(first.value)
    return codes


def test_every_code_is_raised_and_every_raised_code_is_declared():
    assert _raised_codes() == set(CODES)


def test_an_unknown_code_is_a_bug():
    from pipeline.errors import InputError

    with pytest.raises(ValueError, match="unknown input-error code"):
        InputError("no_such_code", "message")


def test_readme_lists_every_code():
    readme = (PIPELINE.parent / "README.md").read_text(encoding="utf-8")
    assert [code for code in CODES if f"| `{code}` |" not in readme] == []
