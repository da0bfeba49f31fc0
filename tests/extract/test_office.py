"""Legacy Word and WPS files through LibreOffice (pipeline/extract/office.py).

The fixtures (测试数据, written by tests/fixtures/formats/make_legacy.py) giving exactly the records
of their source DOCX is tests/extract/test_formats.py's. These tests
start the real LibreOffice; without it they are skipped, with the reason shown (the missing program and
the size limit are tested everywhere).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers import FORMAT_FIXTURES
from pipeline.errors import InputError
from pipeline.extract import extract
from pipeline.limits import conversion_timeout_s


needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui")


@pytest.fixture(autouse=True)
def private_tmp(tmp_path, monkeypatch) -> Path:
    """Conversions make their temporary directories here, so that a test can see what is left."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


@needs_soffice
def test_two_conversions_at_once_both_succeed(private_tmp):
    """Each conversion has its own LibreOffice profile: two at once do not wait for or break each other."""
    path = FORMAT_FIXTURES / "qingshi-2026-03.doc"
    with ThreadPoolExecutor(2) as pool:
        docs = list(pool.map(extract, [path, FORMAT_FIXTURES / "qingshi-2026-03.wps"]))
    assert [len(d.tables) for d in docs] == [3, 3]
    assert docs[0].tables[0].rows == docs[1].tables[0].rows
    assert list(private_tmp.iterdir()) == []


def processes_naming(text: str) -> list[str]:
    """Command lines of running processes that contain `text` (a zombie's is empty: it is gone)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                continue
            if text in cmdline:
                found.append(cmdline)
    return found


@needs_soffice
@pytest.mark.parametrize("seconds", [0.01, 0.5])  # before LibreOffice is up, and while it converts
def test_past_the_time_limit_the_conversion_is_killed(seconds, private_tmp):
    with conversion_timeout_s(seconds), pytest.raises(InputError) as caught:
        extract(FORMAT_FIXTURES / "songzhuang-2025-07.doc")
    assert caught.value.code == "conversion_failed"
    assert f"did not finish within {seconds:g} s" in str(caught.value)
    assert str(caught.value).startswith("songzhuang-2025-07.doc: ")
    assert processes_naming(str(private_tmp)) == []  # soffice, oosplash and soffice.bin are all gone
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize("suffix, package", [(".doc", "libreoffice-writer-nogui"),
                                             (".wps", "libreoffice-writer-nogui"),
                                             (".et", "libreoffice-calc-nogui")])
def test_without_libreoffice_the_error_names_the_package(suffix, package, tmp_path, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    path = tmp_path / f"list{suffix}"
    path.write_bytes((FORMAT_FIXTURES / "qingshi-2026-03.doc").read_bytes())
    with pytest.raises(InputError) as caught:
        extract(path)
    assert caught.value.code == "program_missing"
    assert str(caught.value) == (f"list{suffix}: reading {suffix} needs LibreOffice (soffice), which is not "
                                 f"installed: apt-get install {package}")


@needs_soffice
def test_a_truncated_doc_is_a_failed_conversion(private_tmp):
    """LibreOffice does not load it: it says so, exits 0 and writes nothing."""
    with pytest.raises(InputError) as caught:
        extract(FORMAT_FIXTURES / "bad" / "truncated.doc")
    assert caught.value.code == "conversion_failed"
    assert str(caught.value) == ("truncated.doc: LibreOffice wrote no DOCX: the file is damaged or not a Word "
                                 "document (LibreOffice: source file could not be loaded)")
    assert list(private_tmp.iterdir()) == []


@needs_soffice
def test_text_under_a_doc_name_is_not_read_as_an_empty_document(tmp_path, private_tmp):
    """LibreOffice imports it as plain text, without tables: refused as such, not as "no table"."""
    path = tmp_path / "list.doc"
    path.write_text("某镇\n履行职责事项清单\n序号\t事项名称\n1\t测试数据\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        extract(path)
    assert caught.value.code == "conversion_failed"
    assert "not a Word document: the file has neither the header of an OLE compound file" in str(caught.value)
    assert "text under a .doc name" in str(caught.value)


def test_a_file_past_the_size_limit_is_refused_before_conversion(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # the size is checked before LibreOffice is even looked for
    from pipeline.limits import inflate_limit_mb

    path = tmp_path / "big.doc"
    path.write_bytes(b"\0" * (2 << 20))
    with inflate_limit_mb(1), pytest.raises(InputError) as caught:
        extract(path)
    assert caught.value.code == "too_large"
