"""Zip-based formats (DOCX; XLSX next): inflate the archive ourselves, under the size limit.

A zip member declares its inflated size (ZipInfo.file_size), and zipfile never
returns more than that: ZipExtFile truncates what it inflates to the declared
size and checks the CRC at the end. But `ZipExtFile.read()` without a size
inflates up to 1 GiB (`MAX_N`) in one step *before* truncating, so a member
that lies about its size still costs gigabytes inside the library that reads
it (2.2 GB peak for a member declaring 1 MB and holding 2 GB). So:

1. the declared sizes, each member's and their total, are checked against
   `pipeline.limits.max_inflate()` before anything is inflated;
2. every member is inflated here, a chunk at a time (never more than the
   declared size), into an uncompressed (stored) copy of the archive;
3. the format's library (python-docx, openpyxl) reads that copy, where it has
   nothing left to inflate.

A damaged archive raises `Damaged`, naming the member where there is one; the
format's module turns it into its own InputError code ("docx_unreadable").
Sizes past the limit are InputError too_large (pipeline.limits).
"""

from __future__ import annotations

import io
import shutil
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from pipeline.limits import check_size


class Damaged(Exception):
    """A damaged archive or package; the message names the member or part."""


_CHUNK = 1 << 20  # read(n) inflates at most about n bytes per step

# What zipfile raises on a damaged archive or member: bad headers and CRCs
# (BadZipFile), a broken deflate stream (zlib.error), compressed data cut short
# (EOFError), an unknown compression method (NotImplementedError), a password
# (RuntimeError), an impossible offset (ValueError, OSError from seek).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError)


class InflatedCopy(io.BytesIO):
    """An archive in memory whose str() is the file it came from: libraries put their input in messages."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def __str__(self) -> str:
        return self.name


def inflated_copy(path: Path) -> InflatedCopy:
    """The archive at `path` with every member inflated and stored uncompressed."""
    check_size(Path(path).stat().st_size, "the file")  # bounds the central directory zipfile parses
    try:
        archive = zipfile.ZipFile(path)
    except _ZIP_ERRORS as err:
        raise Damaged(f"not a zip archive, or a damaged one ({err})") from err
    with archive:
        check_members(archive)
        copy = InflatedCopy(Path(path).name)
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as stored:
            for info in archive.infolist():
                _copy_member(archive, info, stored)
    copy.seek(0)
    return copy


def check_members(archive: zipfile.ZipFile) -> None:
    """Refuse, before inflating anything, members past the limit, alone or together, and repeated names."""
    seen: set[str] = set()
    for info in archive.infolist():
        check_size(info.file_size, f"zip member {info.filename}")
        if info.filename in seen:  # which copy a library reads is its choice: ambiguous
            raise Damaged(f"zip member {info.filename} appears twice")
        seen.add(info.filename)
    check_size(sum(info.file_size for info in archive.infolist()), "the total of the zip's members")


def _copy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, stored: zipfile.ZipFile) -> None:
    big = info.file_size >= zipfile.ZIP64_LIMIT  # only with --max-inflate-mb past 2 GiB
    try:
        with archive.open(info) as source, stored.open(info.filename, "w", force_zip64=big) as target:
            shutil.copyfileobj(source, target, _CHUNK)
    except _ZIP_ERRORS as err:
        raise Damaged(f"zip member {info.filename} cannot be inflated ({err})") from err


# --------------------------------------------------------------------------- #
# Office Open XML packages (DOCX, XLSX): the two kinds of part every library
# reads first. python-docx does not check them: a relationship without Target
# is a TypeError, a content-type list in another namespace an AttributeError,
# and relationships without Id or Type are silently dropped (numbering lost).

_CONTENT_TYPES = "[Content_Types].xml"
_PACKAGE_RELS = "_rels/.rels"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# the package's main part (document.xml, workbook.xml); python-docx and openpyxl know only this spelling
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
# resolve_entities=False, no_network: an XML part never expands entities or fetches anything
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def check_package(package: io.BytesIO) -> None:
    """The content types and every relationship part are well-formed and complete."""
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        for required in (_CONTENT_TYPES, _PACKAGE_RELS):
            if required not in names:
                raise Damaged(f"the package has no {required}")
        _check_content_types(_xml(archive, _CONTENT_TYPES))
        rels = {}
        for name in names:
            if name.endswith(".rels"):
                rels[name] = _xml(archive, name)
                _check_relationships(name, rels[name])
        if not any(rel.get("Type") == _OFFICE_DOCUMENT for rel in rels[_PACKAGE_RELS].iterchildren(f"{_RELS}Relationship")):
            raise Damaged(f"{_PACKAGE_RELS} has no officeDocument relationship: the main part is unknown")
    package.seek(0)


def declares_dtd(root) -> bool:
    """OPC forbids DTDs in parts; parsers that do not resolve entities (python-docx's) drop their text."""
    return bool(root.getroottree().docinfo.doctype)


def unparsable_part(package: io.BytesIO) -> str | None:
    """The first XML part that is not well-formed, if any: names the part a library choked on."""
    with zipfile.ZipFile(package) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                try:
                    _xml(archive, name)
                except Damaged:
                    return name
    return None


def _xml(archive: zipfile.ZipFile, name: str):
    try:
        return etree.fromstring(archive.read(name), _PARSER)
    except etree.XMLSyntaxError as err:
        raise Damaged(f"{name} is not well-formed XML ({err})") from err


def _check_content_types(root) -> None:
    if root.tag != f"{_CT}Types":
        raise Damaged(f"{_CONTENT_TYPES}: the root element is {root.tag}, not {_CT}Types")
    _check_attributes(_CONTENT_TYPES, root.iterchildren(f"{_CT}Default"), ("Extension", "ContentType"))
    _check_attributes(_CONTENT_TYPES, root.iterchildren(f"{_CT}Override"), ("PartName", "ContentType"))


def _check_relationships(name: str, root) -> None:
    if root.tag != f"{_RELS}Relationships":
        raise Damaged(f"{name}: the root element is {root.tag}, not {_RELS}Relationships")
    relationships = list(root.iterchildren(f"{_RELS}Relationship"))
    _check_attributes(name, relationships, ("Id", "Type", "Target"))
    seen: set[str] = set()
    for rel in relationships:
        rel_id = rel.get("Id")
        if rel_id in seen:  # python-docx keeps one of them: the other part is lost silently
            raise Damaged(f"{name}: relationship Id {rel_id} appears twice")
        seen.add(rel_id)
        if rel.get("TargetMode", "Internal") not in ("Internal", "External"):
            raise Damaged(f"{name}: relationship {rel_id} has TargetMode {rel.get('TargetMode')!r}")


def _check_attributes(name: str, elements, attributes: tuple[str, ...]) -> None:
    """Each element has every one of `attributes`, not empty (libraries read them without checking)."""
    for n, element in enumerate(elements, 1):
        missing = [a for a in attributes if not element.get(a)]
        if missing:
            tag = etree.QName(element).localname
            raise Damaged(f"{name}: {tag} {n} has no {missing[0]} attribute")
