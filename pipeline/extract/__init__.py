"""Format extractors: one module per format, each `extract(path) -> RawDocument`."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Callable

from pipeline.errors import InputError, locating
from pipeline.extract.raw import RawDocument, RawRow, RawTable

__all__ = ["RawDocument", "RawRow", "RawTable", "extract", "FORMATS", "READERS", "format_of"]

# suffix -> format name (recorded in edition.json's sources)
FORMATS: dict[str, str] = {
    ".pdf": "pdf", ".docx": "docx", ".txt": "text",
    ".xlsx": "xlsx", ".xls": "xls", ".ods": "ods",
    ".html": "html", ".htm": "html",
    ".doc": "doc", ".wps": "wps", ".odt": "odt", ".et": "et",
}
# format name -> the module that reads it, imported lazily so that a text-only run does not pay for
# pdfplumber's import: workbooks through one reader, legacy Office files converted by LibreOffice
READERS: dict[str, str] = {
    "pdf": "pdf", "docx": "docx", "text": "text",
    "xlsx": "workbook", "xls": "workbook", "ods": "workbook",
    "html": "html",
    "doc": "office", "wps": "office", "odt": "office", "et": "office",
}


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


def extract(path: Path) -> RawDocument:
    """Read one published file into its raw layout; InputError names the file."""
    path = Path(path)
    fmt = format_of(path)
    check_file_name(path)
    if not path.is_file():
        raise InputError("file_missing", "no such file", file=path)
    if not os.access(path, os.R_OK):
        raise InputError("file_unreadable", "cannot read the file (permission denied)", file=path)
    if path.stat().st_size == 0:
        raise InputError("file_empty", "file is empty", file=path)
    try:
        with locating(file=path):
            doc = _extractor(fmt)(path)
    except OSError as err:  # the file vanished or the disk failed while it was read
        raise InputError("file_unreadable", f"cannot read the file: {err.strerror or err}", file=path) from err
    doc.format = fmt  # the file's own format, also where it was read through another (.doc as DOCX)
    return doc


def check_file_name(path: Path) -> None:
    """The name goes into edition.json and messages as text, so it must be valid UTF-8."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("bad_file_name", "the file name is not valid UTF-8; rename the file", file=path) from None
