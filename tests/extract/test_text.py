"""Text form: encodings, repeated header lines, list titles, rows short of a cell, size limit, streaming."""

from __future__ import annotations

import tracemalloc

import pytest

import builders
from builders import write_text
from helpers import EDITION_ID, RAW, published_text_with
from pipeline.cli import main
from pipeline.errors import EXIT_INPUT, InputError
from pipeline.extract import extract
from pipeline.limits import DEFAULT_MAX_INFLATE_MB, MiB, max_inflate
from pipeline.normalise.edition import build_edition

REAL = RAW / f"{EDITION_ID}.txt"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings_are_detected(tmp_path, encoding):
    path = write_text(tmp_path / "t.txt", encoding=encoding)
    doc = extract(path)
    assert doc.front_matter[0] == "某省某市某区测试镇"
    assert [t.header[:2] for t in doc.tables] == [("序号", "事项名称")] * 3


def test_undecodable_text_is_rejected(tmp_path):
    (tmp_path / "t.txt").write_bytes(b"\x81\x20\xff\xfe")
    with pytest.raises(InputError, match="neither UTF-8 nor GB18030") as err:
        extract(tmp_path / "t.txt")
    assert err.value.code == "text_encoding"


def test_binary_is_rejected(tmp_path):
    (tmp_path / "t.txt").write_bytes(b"\x00\x01\x02")
    with pytest.raises(InputError, match="not a text file") as err:
        extract(tmp_path / "t.txt")
    assert err.value.code == "not_text"


def test_binary_data_late_in_the_file_is_found(tmp_path):
    """Read in chunks, the whole file is still checked: a NUL after the first megabyte."""
    (tmp_path / "t.txt").write_bytes(REAL.read_bytes() * 12 + b"\x00")
    with pytest.raises(InputError) as err:
        extract(tmp_path / "t.txt")
    assert err.value.code == "not_text"


def test_a_multibyte_character_split_across_chunks_decodes(tmp_path):
    """UTF-8 and GB18030 decoded chunk by chunk: a character cut at a chunk boundary is not an error."""
    for encoding in ("utf-8", "gb18030"):
        path = write_text(tmp_path / f"{encoding}.txt", front=[*builders.FRONT[:-1], "说" * 700_000, builders.PREFACE],
                          encoding=encoding)
        assert extract(path).front_matter[-2] == "说" * 700_000


def test_published_text_form_page_breaks_start_new_tables():
    doc = extract(RAW / f"{EDITION_ID}.txt")
    # every `序号…` line is a repeated header (a page break of the PDF)
    headers = sum(1 for line in (RAW / f"{EDITION_ID}.txt").read_text(encoding="utf-8").splitlines() if line.startswith("序号"))
    assert len(doc.tables) == headers
    assert doc.tables[0].rows[0].cells[0] == "一、党的建设（29项）"
    assert doc.tables[0].rows[1].where == "line 23"


# --------------------------------------------------------------------------- #
# a row short of a cell: the text form merges no cells


def test_a_row_with_a_tab_missing_is_an_error(tmp_path):
    """Line 230 is coordinated item 31 (被征地农民社保补贴): without the tab after its name, the name would swallow
    the departments and every cell after them would sit one column to the left."""
    path = published_text_with(tmp_path, 230, lambda line: line.replace("被征地农民社保补贴\t", "被征地农民社保补贴", 1))
    with pytest.raises(InputError) as err:
        extract(path)
    assert err.value.code == "unexpected_row"
    assert str(err.value).startswith("edited.txt, line 230, coordinated list, item 31: 4 cells where the table has 5 "
                                      "columns")


def test_a_short_row_in_a_table_with_an_extra_column_is_not_silently_shifted(tmp_path):
    """序号 | 事项名称 | 备注: without the tab before 备注 its text would run into the duty, and nothing else would
    notice (备注 is not a column of the list)."""
    rows = [["一、党的建设（2项）"], ["1", "加强党的建设。", "新增"], ["2", "做好党员教育。新增"], *builders.BASIC[3:]]
    path = write_text(tmp_path / "e.txt", tables=[(["序号", "事项名称", "备注"], rows), *builders.TABLES[1:]])
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[8] == "2\t做好党员教育。新增\t"  # write_text pads short rows: cut the padding off
    path.write_text("\n".join(lines[:8] + ["2\t做好党员教育。新增"] + lines[9:]), encoding="utf-8")
    with pytest.raises(InputError) as err:
        extract(path)
    assert (err.value.code, err.value.where, err.value.list_kind, err.value.seq) == ("unexpected_row", "line 9", "basic", 2)


def test_headings_with_their_trailing_tabs_trimmed_are_still_headings(tmp_path):
    """An editor that trims trailing whitespace leaves category headings as one cell: the same edition."""
    trimmed = "\n".join(line.rstrip("\t") for line in REAL.read_text(encoding="utf-8").split("\n"))
    (tmp_path / "t.txt").write_text(trimmed, encoding="utf-8")
    edition, _ = build_edition(extract(tmp_path / "t.txt"), EDITION_ID)
    published, _ = build_edition(extract(REAL), EDITION_ID)
    assert edition == published
    assert {k: sum(len(c.items) for c in lst.categories) for k, lst in edition.lists.items()} == {
        "basic": 119, "coordinated": 69, "reclaimed": 126}


def test_a_row_with_a_tab_missing_on_the_command_line(tmp_path, capsys):
    path = published_text_with(tmp_path, 230, lambda line: line.replace("被征地农民社保补贴\t", "被征地农民社保补贴", 1))
    assert main(["extract", str(path), "--out", str(tmp_path / "out")]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err.splitlines() == [err.rstrip("\n")]
    assert err.startswith("error[unexpected_row]: edited.txt, line 230, coordinated list, item 31: ")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- #
# size and memory


def _sparse(path, size: int):
    with path.open("wb") as f:
        f.truncate(size)  # no data written: reading it would find NULs (not_text), so too_large proves no read
    return path


def test_a_file_past_the_limit_is_refused_before_it_is_read(tmp_path):
    path = _sparse(tmp_path / "big.txt", max_inflate() + 1)
    with pytest.raises(InputError) as err:
        extract(path)
    assert (err.value.code, err.value.file) == ("too_large", "big.txt")
    assert err.value.message.startswith("text file ") and "(--max-inflate-mb)" in err.value.message  # limits.py words it


def test_a_file_past_the_limit_on_the_command_line(tmp_path, capsys):
    path = _sparse(tmp_path / "big.txt", 2 * MiB)
    assert main(["--max-inflate-mb", "1", "extract", str(path), "--out", str(tmp_path / "out")]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err.splitlines() == [err.rstrip("\n")] and err.startswith("error[too_large]: big.txt: text file ")
    assert max_inflate() == DEFAULT_MAX_INFLATE_MB * MiB  # the option held for that command only
    assert not (tmp_path / "out").exists()


def test_reading_holds_the_rows_not_the_file(tmp_path):
    """400,000 blank lines after the edition: read as a stream they cost nothing; read whole and split, they
    were a 400,000-entry list (3.2 MB) on top of the file's bytes and text."""
    path = tmp_path / "padded.txt"
    path.write_bytes(REAL.read_bytes() + b"\n" * 400_000)
    extract(REAL)  # modules imported and caches filled before measuring
    tracemalloc.start()
    try:
        doc = extract(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(doc.tables) == 53  # every `序号` line of the published file starts a table
    assert peak < 1_000_000, f"{peak:,} bytes"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_ends(tmp_path, newline):
    path = tmp_path / "t.txt"
    path.write_bytes(REAL.read_bytes().replace(b"\n", newline.encode()))
    doc, published = extract(path), extract(REAL)
    assert [(t.header, t.rows, t.where) for t in doc.tables] == [(t.header, t.rows, t.where) for t in published.tables]
