"""Format extractors: one module per format, each `extract(path) -> RawDocument`."""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path
from typing import Callable, Sequence

from pipeline.errors import InputError, locating
from pipeline.extract.raw import RawDocument, RawRow, RawTable

__all__ = ["RawDocument", "RawRow", "RawTable", "extract", "FORMATS", "READERS", "format_of", "documents", "file_stem"]

# suffix -> format name (recorded in edition.json's sources)
FORMATS: dict[str, str] = {
    ".pdf": "pdf", ".docx": "docx", ".txt": "text",
    ".xlsx": "xlsx", ".xls": "xls", ".ods": "ods",
    ".html": "html", ".htm": "html",
    ".doc": "doc", ".wps": "wps", ".odt": "odt", ".et": "et",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
}
# format name -> the module that reads it, imported lazily so that a text-only run does not pay for
# pdfplumber's import: workbooks through one reader, legacy Office files converted by LibreOffice
READERS: dict[str, str] = {
    "pdf": "pdf", "docx": "docx", "text": "text",
    "xlsx": "workbook", "xls": "workbook", "ods": "workbook",
    "html": "html",
    "doc": "office", "wps": "office", "odt": "office", "et": "office",
    "image": "image",
}
# a page image's name ends with its page number: 城关镇-2025-07.3.jpg is page 3 of 城关镇-2025-07
_PAGE_NUMBER = re.compile(r"^(?P<stem>.+)\.(?P<page>\d{1,4})$")


def file_stem(path: Path) -> str:
    """The edition's part of a file's name: its stem, without a page image's page number."""
    m = _PAGE_NUMBER.match(path.stem)
    return m["stem"] if m and FORMATS.get(path.suffix.lower()) == "image" else path.stem


def _page_order(path: Path) -> tuple[int, str]:
    m = _PAGE_NUMBER.match(path.stem)
    return (int(m["page"]) if m else 0, path.name)


def documents(files: Sequence[Path]) -> list[list[Path]]:
    """The documents among one edition's files: each file alone, but the page images of one stem
    together, in page order (one scan delivered as pictures)."""
    out: list[list[Path]] = []
    pages: dict[tuple[Path, str], list[Path]] = {}
    for path in map(Path, files):
        if FORMATS.get(path.suffix.lower()) == "image":
            key = (path.parent, file_stem(path))
            if key not in pages:
                pages[key] = []
                out.append(pages[key])
            pages[key].append(path)
        else:
            out.append([path])
    return [sorted(doc, key=_page_order) for doc in out]


def format_of(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise InputError("unsupported_format", f"unsupported file type {path.suffix or '(none)'!r}; expected one of {known}", file=path) from None


def _extractor(fmt: str) -> Callable[[Path], RawDocument]:
    """The format's module, imported only when needed; every format of FORMATS has one."""
    module = importlib.import_module(f"pipeline.extract.{READERS[fmt]}")
    return module.extract


def extract(path: Path | Sequence[Path]) -> RawDocument:
    """Read one published file (or the page images of one scan, `documents`) into its raw layout;
    InputError names the file."""
    if not isinstance(path, (str, Path)):
        paths = [Path(p) for p in path]
        for page in paths:
            check_readable(page)
        try:
            with locating(file=paths[0]):
                return _extractor("image")(paths)
        except OSError as err:
            raise InputError("file_unreadable", f"cannot read the file: {err.strerror or err}", file=paths[0]) from err
    path = Path(path)
    fmt = format_of(path)
    check_readable(path)
    try:
        with locating(file=path):
            doc = _extractor(fmt)(path)
    except OSError as err:  # the file vanished or the disk failed while it was read
        raise InputError("file_unreadable", f"cannot read the file: {err.strerror or err}", file=path) from err
    doc.format = fmt  # the file's own format, also where it was read through another (.doc as DOCX)
    return doc


def check_readable(path: Path) -> None:
    """A file of a known format, there, readable and not empty."""
    format_of(path)
    check_file_name(path)
    if not path.is_file():
        raise InputError("file_missing", "no such file", file=path)
    if not os.access(path, os.R_OK):
        raise InputError("file_unreadable", "cannot read the file (permission denied)", file=path)
    if path.stat().st_size == 0:
        raise InputError("file_empty", "file is empty", file=path)


def check_file_name(path: Path) -> None:
    """The name goes into edition.json and messages as text, so it must be valid UTF-8."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("bad_file_name", "the file name is not valid UTF-8; rename the file", file=path) from None
