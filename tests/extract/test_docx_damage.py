"""Damaged DOCX packages: one clean InputError naming the part or row, never a crash, wrong data or a memory blow-up.

Damaged copies of the published edition (raw/songzhuang-2025-07.docx) with one member changed or removed,
or of builders.write_docx's test edition. Expected parts and rows come from reading the package:
- word/_rels/document.xml.rels relates styles.xml (rId3, the first Relationship) and numbering.xml (rId2);
- [Content_Types].xml's fourth Override is /word/document.xml;
- every numbered paragraph of the edition is in table 2 row 74 (coordinated item 62), numbered with lists
  10-17 of word/numbering.xml, each an instance of w:abstractNum 9 (one level, 0, decimal "%1.").
"""

from __future__ import annotations

import re
import struct
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pytest

from builders import edit_member, rewrite_zip, without_numbering_part, write_docx, write_numbered_docx, zip_bomb
from helpers import EDITION_ID, RAW
from pipeline.cli import main
from pipeline.errors import EXIT_INPUT, InputError
from pipeline.extract import extract
from pipeline.limits import DEFAULT_MAX_INFLATE_MB, MiB, inflate_limit_mb

PUBLISHED = RAW / f"{EDITION_ID}.docx"
RELS = "word/_rels/document.xml.rels"
NUMBERING = "word/numbering.xml"


def _raises(path: Path, code: str) -> InputError:
    with pytest.raises(InputError) as err:
        extract(path)
    assert err.value.code == code, str(err.value)
    return err.value


def _cli_error(path: Path, tmp_path: Path, capsys, *options: str) -> str:
    """The one stderr line of `pipeline [options] extract path`, which must exit 2 and write nothing."""
    capsys.readouterr()
    out = tmp_path / "out"
    assert main([*options, "extract", str(path), "--out", str(out)]) == EXIT_INPUT
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert not out.exists()
    return lines[0]


# --------------------------------------------------------------------------- #
# 1. whatever python-docx fails on is docx_unreadable, naming the part


def _patch_central_directory(data: bytes, member: str, offset: int, value: int) -> bytes:
    """`data` (a zip) with the 2-byte field at `offset` of `member`'s central directory entry set to `value`."""
    out = bytearray(data)
    name = member.encode()
    entry = out.find(b"PK\x01\x02")
    while out[entry + 46 : entry + 46 + len(name)] != name or struct.unpack_from("<H", out, entry + 28)[0] != len(name):
        entry = out.find(b"PK\x01\x02", entry + 4)
    struct.pack_into("<H", out, entry + offset, value)
    return bytes(out)


def _unknown_compression(tmp: Path) -> Path:
    """word/document.xml declares compression method 99 (zipfile: NotImplementedError)."""
    path = tmp / "bad.docx"
    path.write_bytes(_patch_central_directory(PUBLISHED.read_bytes(), "word/document.xml", 10, 99))
    return path


def _corrupt_deflate(tmp: Path) -> Path:
    """Bytes in the middle of word/document.xml's compressed data overwritten (zlib error or bad CRC)."""
    data = bytearray(PUBLISHED.read_bytes())
    info = zipfile.ZipFile(PUBLISHED).getinfo("word/document.xml")
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    middle = info.header_offset + 30 + name_len + extra_len + info.compress_size // 2
    data[middle : middle + 64] = b"\xff" * 64
    path = tmp / "bad.docx"
    path.write_bytes(bytes(data))
    return path


def _edited(member: str, old: str, new: str, count: int = 1):
    return lambda tmp: edit_member(PUBLISHED, tmp / "bad.docx", member, old, new, count)


def _entity_in_title(tmp: Path) -> Path:
    """The cover title spelled with an entity a DTD declares: python-docx keeps the text before it only."""
    with zipfile.ZipFile(PUBLISHED) as archive:
        text = archive.read("word/document.xml").decode()
    text = text.replace("<w:document ", '<!DOCTYPE w:document [<!ENTITY duty "事项">]><w:document ', 1)
    text = text.replace("履行职责事项清单", "履行职责&duty;清单", 1)
    return rewrite_zip(PUBLISHED, tmp / "bad.docx", {"word/document.xml": text.encode()})


UNREADABLE = [
    # python-docx before: TypeError (join() argument must be str … not 'NoneType')
    pytest.param(_edited(RELS, 'Target="styles.xml"', 'Tagret="styles.xml"'),
                 f"{RELS}: Relationship 1 has no Target attribute", id="rels-target-misspelled"),
    # python-docx before: relationships dropped silently, numbering lost, exit 0 with merged clauses
    pytest.param(_edited(RELS, ' Id="rId', ' Ib="rId', -1), f"{RELS}: Relationship 1 has no Id attribute", id="rels-ids-misspelled"),
    # python-docx before: RecursionError (the styles part is looked up through itself)
    pytest.param(_edited(RELS, 'Target="styles.xml"', 'Target="/word/document.xml"'),
                 f"{RELS} relates word/document.xml, which is not a w:styles part", id="rels-styles-is-the-document"),
    # python-docx before: AttributeError ('NoneType' object has no attribute 'lower')
    pytest.param(_edited("[Content_Types].xml", 'PartName="/word/document.xml"', 'PartNmae="/word/document.xml"'),
                 "[Content_Types].xml: Override 4 has no PartName attribute", id="content-type-partname-misspelled"),
    # python-docx before: AttributeError (… has no attribute 'overrides')
    pytest.param(_edited("[Content_Types].xml", "2006/content-types", "2006/content-typos"),
                 "[Content_Types].xml: the root element is", id="content-types-namespace"),
    # python-docx before: AttributeError (… has no attribute 'body')
    pytest.param(_edited("word/document.xml", "w:body>", "w:bdy>", -1), "word/document.xml has no w:document/w:body",
                 id="no-body"),
    pytest.param(_edited("word/document.xml", "</w:document>", ""), "word/document.xml is not well-formed XML",
                 id="document-truncated"),
    pytest.param(_edited("word/styles.xml", "<w:style ", "<w:style <"), "word/styles.xml is not well-formed XML",
                 id="styles-not-xml"),
    # python-docx before: the title read as 履行职责 (no_title; inside a cell, text silently cut)
    pytest.param(_entity_in_title, "word/document.xml declares a DTD", id="dtd-entity"),
    pytest.param(lambda tmp: rewrite_zip(PUBLISHED, tmp / "bad.docx", {"word/document.xml": None}),
                 "no item named 'word/document.xml'", id="document-missing"),
    pytest.param(lambda tmp: rewrite_zip(PUBLISHED, tmp / "bad.docx", {"[Content_Types].xml": None}),
                 "the package has no [Content_Types].xml", id="content-types-missing"),
    # zipfile before: NotImplementedError
    pytest.param(_unknown_compression, "zip member word/document.xml cannot be inflated", id="unknown-compression"),
    pytest.param(_corrupt_deflate, "zip member word/document.xml cannot be inflated", id="corrupt-deflate"),
]  # fmt: skip


@pytest.mark.parametrize("build, message", UNREADABLE)
def test_a_package_python_docx_cannot_read_is_docx_unreadable_naming_the_part(tmp_path, capsys, build, message):
    path = build(tmp_path)
    err = _raises(path, "docx_unreadable")
    assert message in err.message
    line = _cli_error(path, tmp_path, capsys)
    assert line.startswith("error[docx_unreadable]: bad.docx: not a readable DOCX: ") and message in line


# --------------------------------------------------------------------------- #
# 2. a paragraph asking for numbering that cannot be resolved is docx_numbering, at its row


def _published_numbering(pattern: str, replacement: str):
    def build(tmp: Path) -> Path:
        with zipfile.ZipFile(PUBLISHED) as archive:
            text, n = re.subn(pattern, replacement, archive.read(NUMBERING).decode(), count=1)
        assert n == 1, pattern
        return rewrite_zip(PUBLISHED, tmp / "bad.docx", {NUMBERING: text.encode()})

    return build


NUMBERING_LOST = [
    pytest.param(lambda tmp: without_numbering_part(PUBLISHED, tmp / "bad.docx"),
                 f"but the document has no numbering part (no numbering relationship in {RELS})", id="no-numbering-part"),
    pytest.param(_edited(RELS, '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                               'relationships/numbering" Target="numbering.xml"/>', ""),
                 f"no numbering relationship in {RELS}", id="no-numbering-relationship"),
    pytest.param(_published_numbering(r'<w:num w:numId="10">.*?</w:num>', ""),
                 f"list 10 (w:numId), which {NUMBERING} does not define (no w:num)", id="num-missing"),
    pytest.param(_published_numbering(r'<w:abstractNum w:abstractNumId="9">.*?</w:abstractNum>', ""),
                 f"list 10 refers to w:abstractNum 9, which {NUMBERING} does not define", id="abstract-num-missing"),
    pytest.param(_published_numbering(r'(<w:abstractNum w:abstractNumId="9">.*?)<w:lvl w:ilvl="0">.*?</w:lvl>', r"\1"),
                 f"list 10 (w:numId) at level 0, which {NUMBERING} does not define (no w:lvl)", id="level-missing"),
]  # fmt: skip


@pytest.mark.parametrize("build, message", NUMBERING_LOST)
def test_numbering_that_cannot_be_resolved_is_docx_numbering_at_its_row(tmp_path, capsys, build, message):
    """Before: the "1." labels were lost and item 62's numbered clauses merged into one, exit 0."""
    path = build(tmp_path)
    err = _raises(path, "docx_numbering")
    assert err.where == "table 2 row 74" and message in err.message
    line = _cli_error(path, tmp_path, capsys)
    assert line.startswith("error[docx_numbering]: bad.docx, table 2 row 74: a paragraph is numbered with list ")


def test_numbering_through_a_paragraph_style_is_checked_too(tmp_path):
    path = write_docx(tmp_path / "styled.docx")
    document = docx.Document(str(path))
    document.tables[1].rows[3].cells[4].paragraphs[0].style = document.styles["List Number"]  # numId 5 via the style
    document.save(path)
    assert extract(path).tables[1].rows[3].cells[4] == "1.做好报名工作。"
    err = _raises(without_numbering_part(path, tmp_path / "bad.docx"), "docx_numbering")
    assert err.where == "table 2 row 4" and "list 5 (w:numId)" in err.message


def test_a_numbered_front_matter_paragraph_is_located_by_its_number(tmp_path):
    path = write_docx(tmp_path / "front.docx")
    document = docx.Document(str(path))
    document.paragraphs[1].style = document.styles["List Number"]  # 履行职责事项清单, the second paragraph
    document.save(path)
    err = _raises(without_numbering_part(path, tmp_path / "bad.docx"), "docx_numbering")
    assert err.where == "paragraph 2"


def test_num_id_zero_means_no_numbering_even_without_a_numbering_part(tmp_path):
    path = without_numbering_part(write_numbered_docx(tmp_path / "zero.docx", 0), tmp_path / "plain.docx")
    assert extract(path).tables[1].rows[3].cells[4] == "做好报名工作。"


def test_an_undefined_list_in_a_cell_is_docx_numbering(tmp_path, capsys):
    path = write_numbered_docx(tmp_path / "bad.docx", 999)  # the template defines lists 1-9
    line = _cli_error(path, tmp_path, capsys)
    assert line == ("error[docx_numbering]: bad.docx, table 2 row 4: a paragraph is numbered with list 999 (w:numId), "
                    "which word/numbering.xml does not define (no w:num)")


# --------------------------------------------------------------------------- #
# 3. sizes are checked before anything is inflated; nothing is inflated in one piece


def _traced_peak(path: Path) -> tuple[InputError, int]:
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as err:
            extract(path)
        return err.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_member_declaring_more_than_the_limit_is_too_large_before_inflating(tmp_path, capsys):
    size = 100 * MiB  # spaces: 100 KB on disk
    assert size > DEFAULT_MAX_INFLATE_MB * MiB
    path = zip_bomb(write_docx(tmp_path / "e.docx"), tmp_path / "bomb.docx", size)
    err, peak = _traced_peak(path)
    assert err.code == "too_large" and err.message.startswith("zip member word/document.xml is 100.0 MiB")
    assert peak < 16 * MiB  # before: python-docx inflated all 100 MiB
    line = _cli_error(path, tmp_path, capsys)
    assert line.startswith("error[too_large]: bomb.docx: zip member word/document.xml is 100.0 MiB")


def test_a_member_lying_about_its_size_is_never_inflated_past_it(tmp_path, capsys):
    """zipfile truncates to the declared size, but read() inflates up to 1 GiB before truncating."""
    path = zip_bomb(write_docx(tmp_path / "e.docx"), tmp_path / "bad.docx", 100 * MiB, declared=1_000_000)
    err, peak = _traced_peak(path)
    assert err.code == "docx_unreadable" and "zip member word/document.xml cannot be inflated (Bad CRC-32" in err.message
    assert peak < 16 * MiB  # before: over 100 MiB in one read
    assert "zip member word/document.xml cannot be inflated" in _cli_error(path, tmp_path, capsys)


def test_members_together_past_the_limit_are_too_large(tmp_path, capsys):
    path = zip_bomb(write_docx(tmp_path / "e.docx"), tmp_path / "one.docx", 600 * 1024)
    path = zip_bomb(path, tmp_path / "bomb.docx", 600 * 1024, member="word/styles.xml")  # each under 1 MiB
    total = sum(info.file_size for info in zipfile.ZipFile(path).infolist())  # 2 × 600 KiB and the template's parts
    with inflate_limit_mb(1):
        err = _raises(path, "too_large")
    assert err.message.startswith(f"the total of the zip's members is {total / MiB:.1f} MiB")
    line = _cli_error(path, tmp_path, capsys, "--max-inflate-mb", "1")
    assert line.startswith("error[too_large]: bomb.docx: the total of the zip's members")


def test_the_published_edition_still_reads(tmp_path):
    doc = extract(PUBLISHED)
    assert len(doc.tables) == 3  # word/document.xml holds three w:tbl, one per list
    assert doc.tables[1].rows[73].cells[0] == "62"
