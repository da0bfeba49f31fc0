"""Small synthetic editions for tests: DOCX and text files built from rows.

Test data only: these are not published editions.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

PREFACE = (
    "测试镇基本履职事项清单包括党的建设、经济发展共 2 个类别 3 项；"
    "配合履职事项清单包括平安法治共 1 个类别 2 项；"
    "上级部门收回事项清单包括民生服务共 1 个类别 2 项。"
)
FRONT = ["某省某市某区测试镇", "履行职责事项清单", "2026年3月", "说 明", PREFACE]
BASIC_HEADER = ["序号", "事项名称"]
COORDINATED_HEADER = ["序号", "事项名称", "对应上级部门", "上级部门职责", "乡镇（街道）配合职责"]
RECLAIMED_HEADER = ["序号", "事项名称", "承接部门及工作方式"]
BASIC = [
    ["一、党的建设（2项）"],
    ["1", "加强党的建设。"],
    ["2", "做好党员教育。"],
    ["二、经济发展（1项）"],
    ["3", "发展镇域经济。"],
]
COORDINATED = [
    ["一、平安法治（2项）"],
    ["1", "非法集资防范处置", "区人民政府办公室\n市公安局孟津分局",
     "区人民政府办公室：\n做好防范工作。\n市公安局孟津分局：\n1.打击犯罪；\n2.开展宣传。", "1.配合宣传；\n2.上报线索。"],
    ["2", "兵役工作", "区人民武装部", "发布征兵公告。", "做好报名工作。"],
]
RECLAIMED = [
    ["一、民生服务（2项）"],
    ["1", "出具证明", "法律法规条款已失效，不再开展此项工作。"],
    ["2", "追回资金", "区卫生健康委员会、区财政局\n工作方式：1.区卫生健康委员会核实；\n2.区财政局协助。"],
]
TABLES = [(BASIC_HEADER, BASIC), (COORDINATED_HEADER, COORDINATED), (RECLAIMED_HEADER, RECLAIMED)]


def _merge_row(table, row_index: int) -> None:
    row = table.rows[row_index]
    row.cells[0].merge(row.cells[-1])


def _fill(cell, text: str) -> None:
    lines = text.split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def write_docx(path: Path, front: list[str] = FRONT, tables=TABLES) -> Path:
    """A DOCX edition: category rows merged across the table, cells with several paragraphs."""
    document = docx.Document()
    for text in front:
        document.add_paragraph(text)
    for header, rows in tables:
        table = document.add_table(rows=1 + len(rows), cols=len(header))
        for cell, title in zip(table.rows[0].cells, header):
            cell.text = title
        for r, values in enumerate(rows, 1):
            if len(values) == 1:
                _merge_row(table, r)
                table.rows[r].cells[0].text = values[0]
            else:
                for cell, value in zip(table.rows[r].cells, values):
                    _fill(cell, value)
    document.save(path)
    return Path(path)


def write_text(path: Path, front: list[str] = FRONT, tables=TABLES, encoding: str = "utf-8") -> Path:
    """The text form: tab-separated cells, line breaks inside cells become spaces."""
    lines = list(front)
    for header, rows in tables:
        lines.append("\t".join(header))
        for values in rows:
            cells = values + [""] * (len(header) - len(values))
            lines.append("\t".join(v.replace("\n", " ") for v in cells))
    Path(path).write_bytes("\n".join(lines).encode(encoding))
    return Path(path)


def number_paragraphs(cell, num_id: int) -> None:
    """Give every paragraph of `cell` Word automatic numbering `num_id`, level 0."""
    for p in cell.paragraphs:
        p_pr = p._p.get_or_add_pPr()
        num_pr = OxmlElement("w:numPr")
        ilvl = OxmlElement("w:ilvl")
        ilvl.set(qn("w:val"), "0")
        num = OxmlElement("w:numId")
        num.set(qn("w:val"), str(num_id))
        num_pr.append(ilvl)
        num_pr.append(num)
        p_pr.append(num_pr)


# --------------------------------------------------------------------------- #
# hand-built PDFs (test data): damaged and degenerate files for the error paths


def pdf_bytes(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A minimal well-formed PDF from numbered object bodies (1 is the catalog)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


def one_page_pdf(content: bytes, resources: bytes = b"<< >>", extra: list[bytes] | None = None) -> bytes:
    """One A4 page with `content` as its content stream; `extra` objects are numbered from 5."""
    stream = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources " + resources + b" >>",
            stream,
        ]
        + (extra or [])
    )


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def encrypted_pdf() -> bytes:
    """Standard security handler, revision 2, with a user password the file does not give."""
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <" + b"00" * 32 + b"> /U <" + b"11" * 32 + b"> >>"
    body = one_page_pdf(b"BT ET", extra=[encrypt])
    file_id = b"<00112233445566778899aabbccddeeff>"
    return body.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Encrypt 5 0 R /ID [" + file_id + b" " + file_id + b"] ")


def image_only_pdf() -> bytes:
    """One page holding only a grey image: what a scan looks like."""
    image = zlib.compress(bytes([128]) * 64)
    image_obj = (b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8"
                 b" /Filter /FlateDecode /Length %d >>\nstream\n" % len(image) + image + b"\nendstream")
    return one_page_pdf(b"q 500 0 0 700 40 60 cm /Im1 Do Q", b"<< /XObject << /Im1 5 0 R >> >>", [image_obj])


# --------------------------------------------------------------------------- #
# editing a real PDF (classic xref table, as LibreOffice writes): damaged copies


def pdf_objects(pdf: bytes) -> tuple[dict[int, bytes], bytes]:
    """The object bodies (between `N 0 obj` and `endobj`) by number, and the trailer dictionary."""
    import re

    start = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    table = re.match(rb"xref\s+(\d+)\s+(\d+)\s+", pdf[start:])
    assert table, "not a classic xref table"
    first, count = int(table.group(1)), int(table.group(2))
    rows = re.findall(rb"(\d{10}) \d{5} ([nf])", pdf[start + table.end():])[:count]
    offsets = {first + i: int(off) for i, (off, kind) in enumerate(rows) if kind == b"n"}
    bodies = {}
    for number, off in offsets.items():
        head = re.match(rb"\s*\d+\s+\d+\s+obj\s?", pdf[off:])
        end = pdf.index(b"endobj", off)
        bodies[number] = pdf[off + head.end():end].rstrip(b"\r\n ")
    trailer = re.search(rb"trailer\s*(<<.*?>>)\s*startxref", pdf[start:], re.S).group(1)
    return bodies, trailer


def rewrite_pdf(pdf: bytes, replace: dict[int, bytes]) -> bytes:
    """`pdf` with some object bodies replaced (or added), written out again with a fresh xref table."""
    bodies, trailer = pdf_objects(pdf)
    bodies.update(replace)
    size = max(bodies) + 1
    out = bytearray(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(bodies):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + bodies[number] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    import re

    trailer = re.sub(rb"/Size\s+\d+", b"/Size %d" % size, trailer)
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream_object(encoded: bytes, filters: bytes = b"/FlateDecode", extra: bytes = b"") -> bytes:
    """A stream object body holding `encoded` as is, declared with `filters` (e.g. b"[/FlateDecode /FlateDecode]")."""
    head = b"<< /Length %d" % len(encoded) + (b" /Filter " + filters if filters else b"") + extra + b" >>"
    return head + b"\nstream\n" + encoded + b"\nendstream"


def contents_of_page(pdf: Path, number: int) -> int:
    """The object number of a page's content stream."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    with open(pdf, "rb") as f:
        for i, page in enumerate(PDFPage.create_pages(PDFDocument(PDFParser(f))), start=1):
            if i == number:
                return page.attrs["Contents"].objid
    raise AssertionError(f"no page {number}")


def damaged(tmp: Path, source: Path, page: int, damage) -> Path:
    """A copy of `source` (same name) whose page's content stream body is `damage(body)`."""
    objid = contents_of_page(source, page)
    original = source.read_bytes()
    bodies, _ = pdf_objects(original)
    path = tmp / source.name
    path.write_bytes(rewrite_pdf(original, {objid: damage(bodies[objid])}))
    return path


def drawn_under(matrix: bytes):
    """Damage: the page's whole content drawn under another matrix (its rules and text moved alike)."""
    def damage(body: bytes) -> bytes:
        text = zlib.decompress(stream_data(body))
        return stream_object(zlib.compress(b"q " + matrix + b" cm\n" + text + b"\nQ"))
    return damage


def stream_data(body: bytes) -> bytes:
    """The encoded bytes of a stream object body, as its /Length says (direct or `N 0 R`) or up to endstream."""
    start = body.index(b"stream", body.index(b">>")) + len(b"stream")
    start += 2 if body[start:start + 2] == b"\r\n" else 1
    end = body.rindex(b"endstream")
    return body[start:end].rstrip(b"\r\n")


def flate_bomb(size: int, chunk: int = 1 << 24) -> bytes:
    """zlib data inflating to `size` zero bytes (about 1000:1), compressed a chunk at a time."""
    deflater = zlib.compressobj(9)
    zeros = bytes(min(chunk, size))
    parts = []
    for start in range(0, size, len(zeros)):
        parts.append(deflater.compress(zeros[: size - start]))
    parts.append(deflater.flush())
    return b"".join(parts)


def lzw_encode(data: bytes) -> bytes:
    """LZWDecode data (early change, as PDF readers expect); no table resets, so keep it under ~4000 codes."""
    table = {bytes([i]): i for i in range(256)}
    out, acc, nbits = bytearray(), [0, 0], 9  # acc: bit buffer, bits in it
    decoder_size, first = 258, True

    def emit(code: int) -> None:
        nonlocal nbits, decoder_size, first
        acc[0], acc[1] = (acc[0] << nbits) | code, acc[1] + nbits
        while acc[1] >= 8:
            acc[1] -= 8
            out.append((acc[0] >> acc[1]) & 0xFF)
        if not first:  # the decoder adds an entry for every code after the first
            decoder_size += 1
        first = False
        nbits = 9 if decoder_size < 511 else 10 if decoder_size < 1023 else 11 if decoder_size < 2047 else 12

    emit(256)  # clear table
    first = True
    word = b""
    for byte in data:
        grown = word + bytes([byte])
        if grown in table:
            word = grown
            continue
        emit(table[word])
        table[grown] = len(table) + 2  # 256 and 257 are clear and end
        word = bytes([byte])
    if word:
        emit(table[word])
    emit(257)
    if acc[1]:
        out.append((acc[0] << (8 - acc[1])) & 0xFF)
    return bytes(out)


# --------------------------------------------------------------------------- #
# damaged DOCX packages (test data): members changed, numbering lost, zip bombs


def rewrite_zip(source: Path, path: Path, changes: dict[str, bytes | None]) -> Path:
    """A copy of the zip `source` with members replaced (bytes) or removed (None), in the same order."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = changes.get(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
    return Path(path)


def edit_member(source: Path, path: Path, member: str, old: str, new: str, count: int = 1) -> Path:
    """A copy of the zip `source` whose text member `member` has `old` replaced by `new` (`count` times, -1: all)."""
    import zipfile

    with zipfile.ZipFile(source) as archive:
        text = archive.read(member).decode("utf-8")
    if old not in text:
        raise ValueError(f"{old!r} is not in {member}")  # the test's premise is wrong: say so
    return rewrite_zip(source, path, {member: text.replace(old, new, count).encode("utf-8")})


def without_numbering_part(source: Path, path: Path) -> Path:
    """A copy of DOCX `source` with no numbering part: word/numbering.xml, its relationship and content type gone.

    A consistent package (python-docx opens it), only the list definitions are lost.
    """
    import re
    import zipfile

    with zipfile.ZipFile(source) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode("utf-8")
        types = archive.read("[Content_Types].xml").decode("utf-8")
    rels = re.sub(r'<Relationship [^>]*Target="numbering.xml"/>', "", rels)
    types = re.sub(r'<Override PartName="/word/numbering.xml"[^>]*/>', "", types)
    changes = {"word/numbering.xml": None, "word/_rels/document.xml.rels": rels.encode(), "[Content_Types].xml": types.encode()}
    return rewrite_zip(source, path, changes)


def write_numbered_docx(path: Path, num_id: int) -> Path:
    """write_docx's edition with the township cell of coordinated item 2 (table 2 row 4) numbered by list `num_id`."""
    write_docx(path)
    document = docx.Document(str(path))
    number_paragraphs(document.tables[1].rows[3].cells[4], num_id)
    document.save(path)
    return Path(path)


def zip_bomb(source: Path, path: Path, size: int, member: str = "word/document.xml", declared: int | None = None) -> Path:
    """A copy of zip `source` whose `member` inflates to `size` spaces, streamed in chunks (about 1 KB on disk per MB).

    `declared`: the size the zip headers claim instead, for a member that lies about its size.
    """
    import struct
    import zipfile

    chunk = b" " * (1 << 20)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != member:
                new.writestr(info.filename, old.read(info.filename))
                continue
            with new.open(member, "w", force_zip64=size >= zipfile.ZIP64_LIMIT) as out:
                for start in range(0, size, len(chunk)):
                    out.write(chunk[: size - start])
    if declared is not None:
        data = bytearray(Path(path).read_bytes())
        header = zipfile.ZipFile(path).getinfo(member).header_offset
        struct.pack_into("<I", data, header + 22, declared)  # local file header: uncompressed size
        name = member.encode()
        entry = data.find(b"PK\x01\x02")  # central directory entries: name length at 28, name at 46
        while struct.unpack_from("<H", data, entry + 28)[0] != len(name) or data[entry + 46 : entry + 46 + len(name)] != name:
            entry = data.find(b"PK\x01\x02", entry + 4)
        struct.pack_into("<I", data, entry + 24, declared)  # central directory entry: uncompressed size
        Path(path).write_bytes(bytes(data))
    return Path(path)


# a CJK font every PDF reader knows without embedding (Adobe's GB1 collection, UCS-2 codes)
SONG = (b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [<< /Type /Font"
        b" /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1)"
        b" /Supplement 4 >> /FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6"
        b" /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
        b" /DW 1000 >>] >>")


def cjk_page_pdf(texts: list[tuple[float, float, str]], size: float = 12) -> bytes:
    """One A4 page of Chinese texts, each (x, y from the bottom, text), set in STSong-Light."""
    content = b"".join(b"BT /F1 %g Tf %g %g Td <%s> Tj ET\n" % (size, x, y, text.encode("utf-16-be").hex().encode())
                       for x, y, text in texts)
    return one_page_pdf(content, b"<< /Font << /F1 5 0 R >> >>", [SONG])
