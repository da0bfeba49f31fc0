"""PDF damage: lost data, text moved across a column, broken structure, compression bombs.

Each damaged file is built here, from the published edition or from
tests/builders.py: test data, not editions. The expected page, object and text
come from reading the edition (page 11 holds coordinated items 1-5; item 4's
department 区工业和 / 信息化局 … starts at x 188.9 in the column between the
rules at x 181.4 and 238.1).
"""

from __future__ import annotations

import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from builders import (
    HELVETICA, contents_of_page, damaged, drawn_under, flate_bomb, lzw_encode, one_page_pdf, pdf_bytes, rewrite_pdf,
    stream_data, stream_object,
)
from pipeline import cli
from pipeline.errors import EXIT_INPUT, InputError
from pipeline.extract.pdf import extract
from pipeline.limits import DEFAULT_MAX_INFLATE_MB, inflate_limit_mb

ROOT = Path(__file__).resolve().parents[2]
EDITION_PDF = ROOT / "raw" / "songzhuang-2025-07.pdf"
NO_RULES_PDF = ROOT / "tests" / "fixtures" / "pdf" / "no_rules.pdf"
NO_HEADER_REPEAT_PDF = ROOT / "tests" / "fixtures" / "pdf" / "no_header_repeat.pdf"  # page 2 goes on without a header
FONT = b"<< /Font << /F1 5 0 R >> >>"


def moved_text(old: bytes, new: bytes):
    """Damage: one text position operand changed, the stream compressed again."""
    def damage(body: bytes) -> bytes:
        text = zlib.decompress(stream_data(body))
        assert text.count(old) == 1
        return stream_object(zlib.compress(text.replace(old, new)))
    return damage


def raises(path: Path, code: str, where: str | None, reader: str | None = None) -> InputError:
    with pytest.raises(InputError) as info:
        extract(path, reader=reader)
    err = info.value
    assert (err.code, err.file, err.where) == (code, path.name, where)
    assert "\n" not in str(err)
    return err


def one_error_line(capsys, argv: list[str], code: str, where: str) -> str:
    assert cli.main(argv) == EXIT_INPUT
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"error[{code}]: ") and f", {where}: " in lines[0]
    return lines[0]


# --------------------------------------------------------------------------- #
# 1. lost data: a damaged stream is an error, never a page with characters missing


def corrupt_checksum(body: bytes) -> bytes:
    data = stream_data(body)  # same length: the /Length object stays right
    return body.replace(data, data[:-4] + bytes(b ^ 0xFF for b in data[-4:]))


def zero_second_half(body: bytes) -> bytes:
    data = stream_data(body)
    half = len(data) // 2
    return body.replace(data, data[:half] + bytes(len(data) - half))


@pytest.mark.parametrize("damage", [corrupt_checksum, zero_second_half])
def test_damaged_content_stream_is_pdf_damaged_on_its_page(tmp_path, damage):
    path = damaged(tmp_path, EDITION_PDF, 11, damage)
    err = raises(path, "pdf_damaged", "page 11")
    assert f"PDF stream {contents_of_page(EDITION_PDF, 11)} 0 obj" in err.message


def test_text_the_library_drops_is_pdf_damaged(tmp_path):
    # a TJ array holding a name: pdfminer logs "Cannot render …" and draws nothing
    path = tmp_path / "letter.pdf"
    path.write_bytes(one_page_pdf(b"BT /F1 12 Tf 72 700 Td [(Hel) /X (lo)] TJ ET", FONT, [HELVETICA]))
    err = raises(path, "pdf_damaged", "page 1", reader="pdfplumber")
    assert "Cannot render" in err.message


def test_text_pdfium_keeps_is_read(tmp_path):
    # the same array: PDFium skips the name and draws both strings, so nothing is lost
    from pipeline.extract.pdf_pdfium import read_pages
    from pipeline.extract.pdf_streams import watched

    path = tmp_path / "letter.pdf"
    path.write_bytes(one_page_pdf(b"BT /F1 12 Tf 72 700 Td [(Hel) /X (lo)] TJ ET", FONT, [HELVETICA]))
    with watched() as watch:
        (page,) = read_pages(path, watch)
    assert "".join(c["text"] for c in page.chars) == "Hello"


def test_damage_is_one_line_on_stderr_and_no_library_log(tmp_path):
    # a separate process: stderr as a user sees it, no test harness logging in between
    path = damaged(tmp_path, EDITION_PDF, 11, corrupt_checksum)
    run = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(path), "--out", str(tmp_path / "out")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == EXIT_INPUT
    assert run.stderr.splitlines() == [run.stderr.strip()]
    assert run.stderr.startswith("error[pdf_damaged]: songzhuang-2025-07.pdf, page 11: PDF stream ")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- #
# 2. text moved across a column boundary


def test_text_moved_across_a_ruled_column_is_refused(tmp_path, capsys):
    # 区工业和 moved from x 188.9 to 220.4: 区工 stay left of the rule at 238.1, 业和 land in 上级部门职责
    path = damaged(tmp_path, EDITION_PDF, 11, moved_text(b"188.9 244.489 Td", b"220.4 244.489 Td"))
    err = raises(path, "text_crosses_column", "page 11")
    assert "区工业和" in err.message and "对应上级部门 and 上级部门职责 (x=238)" in err.message
    one_error_line(capsys, ["extract", str(path), "--out", str(tmp_path / "out")], "text_crosses_column", "page 11")


def test_text_moved_across_an_unruled_column_is_refused(tmp_path):
    # no rules: item 30's first line (x 209.9) moved left over the gutter into the 序号 column
    path = damaged(tmp_path, NO_RULES_PDF, 1, moved_text(b"209.9 473.803 Td", b"110 473.803 Td"))
    err = raises(path, "text_crosses_column", "page 1")
    assert "贯彻落实" in err.message and "序号 and 事项名称" in err.message


def _cells(path: Path) -> list:
    return [(t.header, [r.cells for r in t.rows]) for t in extract(path).tables]


def test_a_table_going_on_with_its_columns_moved_alike_is_read_by_its_rules(tmp_path):
    # page 2, without a header, drawn 30 pt further right (another margin): the same table
    path = damaged(tmp_path, NO_HEADER_REPEAT_PDF, 2, drawn_under(b"1 0 0 1 30 0"))
    assert _cells(path) == _cells(NO_HEADER_REPEAT_PDF)


def test_a_table_going_on_under_other_columns_names_the_page_and_the_boundary(tmp_path, capsys):
    # page 2 drawn at 0.8 of its width: no rule of page 1's columns stands where it did, nor all moved alike
    path = damaged(tmp_path, NO_HEADER_REPEAT_PDF, 2, drawn_under(b"0.8 0 0 1 0 0"))
    err = raises(path, "columns_lost", "page 2")
    assert "continues from page 1" in err.message and "(between 序号 and 事项名称)" in err.message
    one_error_line(capsys, ["extract", str(path), "--out", str(tmp_path / "out")], "columns_lost", "page 2")


# --------------------------------------------------------------------------- #
# 3. broken structure: the library's exceptions are pdf_corrupt / pdf_page_unreadable


def deep_page_tree(depth: int) -> bytes:
    """The one page under `depth` nested /Pages nodes."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for n in range(2, depth + 2):
        parent = b"/Parent %d 0 R " % (n - 1) if n > 2 else b""
        objects.append(b"<< /Type /Pages %s/Kids [%d 0 R] /Count 1 >>" % (parent, n + 1))
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % (depth + 1))
    return pdf_bytes(objects)


def nested_forms(depth: int) -> bytes:
    """A page drawing a form that draws a form … `depth` deep."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /X 5 0 R >> >> >>",
        b"<< /Length 5 >>\nstream\n/X Do\nendstream",
    ]
    for n in range(5, depth + 5):
        objects.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 9 9] /Resources << /XObject << /X %d 0 R >> >>"
                       b" /Length 5 >>\nstream\n/X Do\nendstream" % (n + 1))
    objects.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 9 9] /Length 0 >>\nstream\n\nendstream")
    return pdf_bytes(objects)


def deep_arrays() -> bytes:
    return one_page_pdf(b"BT /F1 12 Tf 72 700 Td " + b"[" * 5000 + b"(x)" + b"]" * 5000 + b" TJ ET", FONT, [HELVETICA])


@pytest.mark.parametrize("reader", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("build, code, where", [
    (lambda: deep_page_tree(5000), "pdf_corrupt", None),  # RecursionError listing the pages
    (lambda: nested_forms(5000), "pdf_page_unreadable", "page 1"),  # RecursionError drawing the page
])
def test_library_failures_are_input_errors(tmp_path, build, code, where, reader):
    path = tmp_path / "broken.pdf"
    path.write_bytes(build())
    raises(path, code, where, reader)


@pytest.mark.parametrize("reader, code", [
    ("pdfplumber", "pdf_page_unreadable"),  # pdfminer's parser: RecursionError
    ("pdfium", "no_text_layer"),  # PDFium's parser gives up on the array and draws nothing: a page without text
])
def test_arrays_nested_too_deep_are_input_errors(tmp_path, reader, code):
    path = tmp_path / "broken.pdf"
    path.write_bytes(deep_arrays())
    raises(path, code, "page 1", reader)


# --------------------------------------------------------------------------- #
# 4. compression bombs: refused before they inflate, naming the stream


@pytest.fixture
def limit_1_mb():
    with inflate_limit_mb(1):
        yield


def bomb_pdf(encoded: bytes, filters: bytes) -> bytes:
    """One page whose content stream (object 4) is `encoded`, declared with `filters`."""
    page = one_page_pdf(b"", FONT, [HELVETICA])
    return rewrite_pdf(page, {4: stream_object(encoded, filters)})


@pytest.mark.parametrize("encode, filters", [
    (lambda: flate_bomb(64 << 20), b"/FlateDecode"),
    (lambda: zlib.compress(flate_bomb(64 << 20)), b"[/FlateDecode /FlateDecode]"),  # the second stage is the bomb
    (lambda: lzw_encode(bytes(4_000_000)), b"/LZWDecode"),
    (lambda: bytes([129, 0]) * 100_000, b"/RunLengthDecode"),  # 2 bytes → 128
], ids=["flate", "flate-twice", "lzw", "run-length"])
def test_bomb_is_too_large(tmp_path, limit_1_mb, encode, filters):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(bomb_pdf(encode(), filters))
    err = raises(path, "too_large", "page 1")
    assert err.message == "PDF stream 4 0 obj inflates past the limit of 1 MiB (--max-inflate-mb)"


def test_bomb_is_refused_without_inflating_it(tmp_path):
    # 512 MiB of zeros against the default limit: memory stays near the limit
    # (zlib's output blocks and their joined copy: twice the limit at most)
    import tracemalloc

    path = tmp_path / "bomb.pdf"
    path.write_bytes(bomb_pdf(flate_bomb(512 << 20), b"/FlateDecode"))
    tracemalloc.start()
    try:
        raises(path, "too_large", "page 1")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2.5 * (DEFAULT_MAX_INFLATE_MB << 20)


def test_bomb_on_the_command_line(tmp_path, capsys, limit_1_mb):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(bomb_pdf(flate_bomb(16 << 20), b"/FlateDecode"))
    line = one_error_line(capsys, ["--max-inflate-mb", "1", "extract", str(path), "--out", str(tmp_path / "out")],
                          "too_large", "page 1")
    assert "PDF stream 4 0 obj" in line
    assert not (tmp_path / "out").exists()
