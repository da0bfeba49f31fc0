"""Format extractors: one module per format, each `extract(path) -> RawDocument`."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from pipeline.errors import InputError
from pipeline.extract.raw import RawDocument, RawRow, RawTable

__all__ = ["RawDocument", "RawRow", "RawTable", "extract", "FORMATS", "format_of"]

# suffix -> format name; the module is imported lazily so that a text-only run
# does not pay for pdfplumber's import.
FORMATS: dict[str, str] = {".pdf": "pdf", ".docx": "docx", ".txt": "text"}


def format_of(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"unsupported file type {path.suffix or '(none)'!r}; expected one of {known}", file=path) from None


def _extractor(fmt: str) -> Callable[[Path], RawDocument]:
    if fmt == "pdf":
        from pipeline.extract.pdf import extract as fn
    elif fmt == "docx":
        from pipeline.extract.docx import extract as fn
    else:
        from pipeline.extract.text import extract as fn
    return fn


def extract(path: Path) -> RawDocument:
    """Read one published file into its raw layout; InputError names the file."""
    path = Path(path)
    fmt = format_of(path)
    if not path.is_file():
        raise InputError("no such file", file=path)
    if path.stat().st_size == 0:
        raise InputError("file is empty", file=path)
    try:
        return _extractor(fmt)(path)
    except InputError as err:
        raise err.located(file=path)
