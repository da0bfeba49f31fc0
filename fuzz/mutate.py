"""Mutation operators: each `(data, rng) -> Mutation`, deterministic for a given rng state.

An operator always changes the bytes. Each format's operators are listed in
OPERATORS together with what the mutation may legitimately do to the data
(`legit`, used by fuzz/explain.py):

- "none":  nothing — any different data with exit 0 is unexplained;
- "chars": a few characters of a few records (a flipped byte inside text);
- "lines": the records on or next to the touched lines of a text file.
"""

from __future__ import annotations

import bisect
import functools
import io
import random
import re
import zipfile
from dataclasses import dataclass
from typing import Callable, NamedTuple


class Mutation(NamedTuple):
    data: bytes
    note: str  # what was done, for the report
    sites: int = 1  # how many places were edited (flipped bytes, touched lines)


@dataclass(frozen=True)
class Operator:
    name: str
    fn: Callable[[bytes, random.Random], Mutation]
    legit: str  # "none" | "chars" | "lines"


# ---------------------------------------------------------------- any format


def truncate(data: bytes, rng: random.Random) -> Mutation:
    cut = rng.randrange(1, len(data))
    return Mutation(data[:cut], f"truncated at byte {cut} of {len(data)}")


def _flip_at(data: bytearray, offset: int, rng: random.Random) -> None:
    """Flip one bit (half the time: keeps UTF-8 lead/continuation bytes plausible) or the whole byte."""
    mask = 1 << rng.randrange(8) if rng.random() < 0.5 else rng.randrange(1, 256)
    data[offset] ^= mask


def _flip_in(data: bytes, rng: random.Random, spans: list[tuple[int, int]], what: str) -> Mutation:
    """Flip 1..4 bytes at offsets drawn from the given [start, end) spans (weighted by length)."""
    out = bytearray(data)
    count = rng.randint(1, 4)
    weights = [end - start for start, end in spans]
    offsets = set()
    while len(offsets) < count:
        start, end = rng.choices(spans, weights)[0]
        offsets.add(rng.randrange(start, end))
    for offset in sorted(offsets):
        _flip_at(out, offset, rng)
    return Mutation(bytes(out), f"flipped {what} bytes at {sorted(offsets)}", sites=count)


def flip_bytes(data: bytes, rng: random.Random) -> Mutation:
    return _flip_in(data, rng, [(0, len(data))], "")


# ---------------------------------------------------------------- text: tab-separated rows, one per line


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8").splitlines(keepends=True)


def _join(lines: list[str]) -> bytes:
    return "".join(lines).encode("utf-8")


def _row_numbers(lines: list[str]) -> list[int]:
    """Lines that are table rows (cells separated by tabs)."""
    return [n for n, line in enumerate(lines) if "\t" in line]


def insert_tab(data: bytes, rng: random.Random) -> Mutation:
    lines = _lines(data)
    n = rng.choice(_row_numbers(lines))
    line = lines[n].rstrip("\n")
    at = rng.randrange(len(line) + 1)
    lines[n] = line[:at] + "\t" + line[at:] + lines[n][len(line):]
    return Mutation(_join(lines), f"line {n + 1}: tab inserted at character {at}")


def delete_tab(data: bytes, rng: random.Random) -> Mutation:
    lines = _lines(data)
    n = rng.choice(_row_numbers(lines))
    tabs = [i for i, ch in enumerate(lines[n]) if ch == "\t"]
    at = rng.choice(tabs)
    lines[n] = lines[n][:at] + lines[n][at + 1:]
    return Mutation(_join(lines), f"line {n + 1}: tab at character {at} deleted")


def delete_line(data: bytes, rng: random.Random) -> Mutation:
    lines = _lines(data)
    n = rng.randrange(len(lines))
    del lines[n]
    return Mutation(_join(lines), f"line {n + 1} deleted")


def duplicate_line(data: bytes, rng: random.Random) -> Mutation:
    lines = _lines(data)
    n = rng.randrange(len(lines))
    lines.insert(n, lines[n])
    return Mutation(_join(lines), f"line {n + 1} duplicated")


def swap_lines(data: bytes, rng: random.Random) -> Mutation:
    """Two adjacent lines that differ (swapping equal lines would change nothing)."""
    lines = _lines(data)
    candidates = [n for n in range(len(lines) - 1) if lines[n] != lines[n + 1]]
    n = rng.choice(candidates)
    lines[n], lines[n + 1] = lines[n + 1], lines[n]
    return Mutation(_join(lines), f"lines {n + 1} and {n + 2} swapped", sites=2)


_SEQ_CELL = re.compile(r"^\d+(?=\t)")  # an item row's 序号 cell
_HEADING_COUNT = re.compile(r"（(\d+)项）")  # a category heading's declared count


def change_digit(data: bytes, rng: random.Random) -> Mutation:
    """One digit of a 序号 cell or of a heading's （N项） count becomes another digit."""
    lines = _lines(data)
    digits = []  # (line, character offset)
    for n, line in enumerate(lines):
        if "\t" not in line:
            continue
        for m in (_SEQ_CELL.match(line), _HEADING_COUNT.search(line)):
            if m:
                span = m.span(1) if m.re is _HEADING_COUNT else m.span()
                digits += [(n, i) for i in range(*span)]
    n, i = rng.choice(digits)
    old = lines[n][i]
    new = rng.choice([d for d in "0123456789" if d != old])
    lines[n] = lines[n][:i] + new + lines[n][i + 1:]
    return Mutation(_join(lines), f"line {n + 1}: digit {old} at character {i} → {new}")


# ---------------------------------------------------------------- DOCX: a zip of XML parts


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(info, z.read(info)) for info in z.infolist()]


def _zip(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info, body in members:
            z.writestr(info, body, compress_type=info.compress_type)
    return out.getvalue()


def _member_index(members, name: str) -> int:
    return next(i for i, (info, _) in enumerate(members) if info.filename == name)


def _xml_member(members, rng: random.Random) -> int:
    """An XML part: the document itself half the time (it holds the tables), else any part."""
    if rng.random() < 0.5:
        return _member_index(members, "word/document.xml")
    return rng.choice([i for i, (info, _) in enumerate(members) if info.filename.endswith((".xml", ".rels"))])


def drop_member(data: bytes, rng: random.Random) -> Mutation:
    members = _members(data)
    i = rng.randrange(len(members))
    name = members.pop(i)[0].filename
    return Mutation(_zip(members), f"member {name} dropped")


def truncate_member(data: bytes, rng: random.Random) -> Mutation:
    members = _members(data)
    i = _xml_member(members, rng)
    info, body = members[i]
    cut = rng.randrange(len(body))
    members[i] = (info, body[:cut])
    return Mutation(_zip(members), f"member {info.filename} truncated at byte {cut} of {len(body)}")


_MARKUP = re.compile(rb"<[^<>]*>")  # a tag, from < to >
_MARKUP_CHARS = b'<>="/'
_REPLACEMENTS = b'<>="/ abcxyz019:'


def flip_markup(data: bytes, rng: random.Random) -> Mutation:
    """One of `<>="/` inside a tag of an XML member becomes another character."""
    members = _members(data)
    i = _xml_member(members, rng)
    info, body = members[i]
    tags = [m.span() for m in _MARKUP.finditer(body)]
    while True:
        start, end = rng.choice(tags)
        offsets = [o for o in range(start, end) if body[o] in _MARKUP_CHARS]
        if offsets:
            break
    at = rng.choice(offsets)
    new = rng.choice([c for c in _REPLACEMENTS if c != body[at]])
    members[i] = (info, body[:at] + bytes([new]) + body[at + 1:])
    return Mutation(_zip(members), f"member {info.filename}: byte {at} {chr(body[at])!r} → {chr(new)!r}")


_ATTRIBUTE = re.compile(rb"\s([A-Za-z:]+)=")
_RELS_OR_TYPES = ("word/_rels/document.xml.rels", "[Content_Types].xml")


def rename_attribute(data: bytes, rng: random.Random) -> Mutation:
    """An attribute name in the document's relationships or content types is misspelt."""
    members = _members(data)
    i = _member_index(members, rng.choice(_RELS_OR_TYPES))
    info, body = members[i]
    m = rng.choice(list(_ATTRIBUTE.finditer(body)))
    old = m.group(1)
    k = rng.randrange(len(old))
    letter = rng.choice([c for c in b"abcdefghijklmnopqrstuvwxyzX" if c != old[k]])
    new = old[:k] + bytes([letter]) + old[k + 1:]
    members[i] = (info, body[:m.start(1)] + new + body[m.end(1):])
    return Mutation(_zip(members), f"member {info.filename}: attribute {old.decode()} at {m.start(1)} → {new.decode()}")


_NUMBERING_REL = re.compile(rb"<Relationship [^>]*Target=\"numbering\.xml\"[^>]*/>")
_NUMBERING_TYPE = re.compile(rb"<Override [^>]*PartName=\"/word/numbering\.xml\"[^>]*/>")
_WITHOUT_NUMBERING = {  # what is removed: (the part, its relationship, its content type)
    "the part": (True, False, False),
    "its relationship": (False, True, False),
    "the part and its relationship": (True, True, False),
    "the part, its relationship and content type": (True, True, True),
}


def drop_numbering(data: bytes, rng: random.Random) -> Mutation:
    """Word numbering (numbering.xml) gone in part: the numbered paragraphs still refer to it."""
    what = rng.choice(sorted(_WITHOUT_NUMBERING))
    part, rel, content_type = _WITHOUT_NUMBERING[what]
    members = []
    for info, body in _members(data):
        if part and info.filename == "word/numbering.xml":
            continue
        if rel and info.filename == "word/_rels/document.xml.rels":
            body = _NUMBERING_REL.sub(b"", body, count=1)
        if content_type and info.filename == "[Content_Types].xml":
            body = _NUMBERING_TYPE.sub(b"", body, count=1)
        members.append((info, body))
    return Mutation(_zip(members), f"numbering.xml: {what} dropped")


def _compressed_spans(data: bytes) -> list[tuple[str, int, int]]:
    """(member, start, end) of each member's compressed bytes in the zip file itself."""
    spans = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            header = info.header_offset
            name_len = int.from_bytes(data[header + 26:header + 28], "little")
            extra_len = int.from_bytes(data[header + 28:header + 30], "little")
            start = header + 30 + name_len + extra_len
            if info.compress_size:
                spans.append((info.filename, start, start + info.compress_size))
    return spans


def flip_compressed(data: bytes, rng: random.Random) -> Mutation:
    """One byte of a member's compressed data (the zip's own CRC should catch it)."""
    name, start, end = rng.choice(_compressed_spans(data))
    at = rng.randrange(start, end)
    out = bytearray(data)
    _flip_at(out, at, rng)
    return Mutation(bytes(out), f"compressed data of {name}: byte {at} flipped")


# ---------------------------------------------------------------- PDF


@dataclass(frozen=True)
class PdfLayout:
    """Where things are in a PDF's bytes: stream data by role, and the uncompressed structure."""

    streams: dict[str, list[tuple[int, int]]]  # role -> [(start, end)] of stream data
    xref: list[tuple[int, int]]  # the xref table, trailer and startxref
    headers: list[tuple[int, int]]  # `N 0 obj` object headers
    dictionaries: list[tuple[int, int]]  # `<< … >>` outside streams


_STREAM = re.compile(rb">>\s*stream\r?\n")
_OBJ = re.compile(rb"(\d+) 0 obj")
_REFS = {"content": rb"/Contents (\d+) 0 R", "tounicode": rb"/ToUnicode (\d+) 0 R", "font": rb"/FontFile\d? (\d+) 0 R"}
_DICT = re.compile(rb"<<.*?>>", re.S)


def _object_at(data: bytes, headers: list[tuple[int, int]], offset: int) -> int:
    """The number of the object whose header comes last before `offset` (-1: none)."""
    k = bisect.bisect_right(headers, (offset, offset)) - 1
    return int(_OBJ.match(data, headers[k][0]).group(1)) if k >= 0 else -1


@functools.lru_cache(maxsize=4)
def pdf_layout(data: bytes) -> PdfLayout:
    roles = {int(n): role for role, ref in _REFS.items() for n in re.findall(ref, data)}
    headers = [m.span() for m in _OBJ.finditer(data)]
    streams: dict[str, list[tuple[int, int]]] = {"content": [], "tounicode": [], "font": [], "other": []}
    outside, pos = [], 0  # the bytes that are not stream data
    for m in _STREAM.finditer(data):
        if m.start() < pos:
            continue
        end = data.index(b"endstream", m.end())
        number = _object_at(data, headers, m.start())
        streams[roles.get(number, "other")].append((m.end(), end))
        outside.append((pos, m.end()))
        pos = end
    outside.append((pos, len(data)))
    xref_at = data.rindex(b"\nxref")
    dictionaries = [d.span() for start, end in outside for d in _DICT.finditer(data, start, end) if d.end() <= xref_at]
    return PdfLayout(streams, [(xref_at + 1, len(data))], headers, dictionaries)


def pdf_flip_content_stream(data: bytes, rng: random.Random) -> Mutation:
    """Bytes inside one page's compressed content stream (its drawing and text operators)."""
    span = rng.choice(pdf_layout(data).streams["content"])
    return _flip_in(data, rng, [span], f"content stream {span}")


def pdf_flip_tounicode(data: bytes, rng: random.Random) -> Mutation:
    """Bytes inside one font's ToUnicode CMap (glyph → character)."""
    span = rng.choice(pdf_layout(data).streams["tounicode"])
    return _flip_in(data, rng, [span], f"ToUnicode stream {span}")


def pdf_flip_xref(data: bytes, rng: random.Random) -> Mutation:
    return _flip_in(data, rng, pdf_layout(data).xref, "xref/trailer")


def pdf_flip_object_header(data: bytes, rng: random.Random) -> Mutation:
    return _flip_in(data, rng, [rng.choice(pdf_layout(data).headers)], "object header")


def pdf_flip_dictionary(data: bytes, rng: random.Random) -> Mutation:
    return _flip_in(data, rng, [rng.choice(pdf_layout(data).dictionaries)], "dictionary")


# ---------------------------------------------------------------- per format

_COMMON = [Operator("truncate", truncate, "lines"), Operator("flip_bytes", flip_bytes, "chars")]

OPERATORS: dict[str, list[Operator]] = {
    "txt": _COMMON + [
        Operator("insert_tab", insert_tab, "none"),  # one cell too many must be refused, never dropped
        Operator("delete_tab", delete_tab, "lines"),  # two cells merged: that item's fields change
        Operator("delete_line", delete_line, "lines"),
        Operator("duplicate_line", duplicate_line, "lines"),
        Operator("swap_lines", swap_lines, "lines"),
        Operator("change_digit", change_digit, "none"),  # numbers and counts are checked
    ],
    "docx": [
        Operator("truncate", truncate, "none"),
        Operator("flip_bytes", flip_bytes, "chars"),
        Operator("drop_member", drop_member, "none"),
        Operator("truncate_member", truncate_member, "none"),
        Operator("flip_markup", flip_markup, "none"),
        Operator("rename_attribute", rename_attribute, "none"),
        Operator("drop_numbering", drop_numbering, "none"),  # refused (docx_numbering), never numbers lost
        Operator("flip_compressed", flip_compressed, "none"),  # the zip's CRC covers it
    ],
    "pdf": [
        Operator("truncate", truncate, "none"),
        Operator("flip_bytes", flip_bytes, "chars"),
        Operator("flip_content_stream", pdf_flip_content_stream, "chars"),
        Operator("flip_tounicode", pdf_flip_tounicode, "chars"),
        Operator("flip_xref", pdf_flip_xref, "chars"),
        Operator("flip_object_header", pdf_flip_object_header, "chars"),
        Operator("flip_dictionary", pdf_flip_dictionary, "chars"),
    ],
}


def operator_for(fmt: str, index: int) -> Operator:
    """Operators take turns, so that any run of len(OPERATORS[fmt]) mutants hits each once."""
    ops = OPERATORS[fmt]
    return ops[index % len(ops)]


def mutant(fmt: str, data: bytes, seed: int, index: int) -> tuple[Operator, Mutation]:
    """Mutant number `index` of `data`: the same for the same seed, format and index, every run."""
    op = operator_for(fmt, index)
    rng = random.Random(f"{seed}:{fmt}:{index}")
    return op, op.fn(data, rng)
