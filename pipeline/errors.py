"""Bad input is a contract: a stable code, one line, exit status 2.

Every `InputError` carries one of the codes below (like warnings do), so a
caller can tell "this file is damaged" from "this list does not add up"
without parsing the message. Anything else raised is a bug (exit status 3).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

EXIT_INPUT = 2  # bad input: the message says which file and where
EXIT_INTERNAL = 3  # a bug: rerun with --debug for the traceback

#: code -> what it means; README's error table is this dict
CODES: dict[str, str] = {
    # the file itself
    "file_missing": "the file does not exist",
    "file_empty": "the file is empty",
    "file_unreadable": "the file cannot be read (permissions, an I/O error)",
    "unsupported_format": "the file's suffix is not one of the supported formats",
    "not_text": "a text-form file holds binary data",
    "text_encoding": "a text-form file is neither UTF-8 nor GB18030",
    "bad_file_name": "a file name that is not valid UTF-8",
    "too_large": "a file, zip member or PDF stream that is (or inflates to) more than the size limit (--max-inflate-mb)",
    "docx_unreadable": "not a readable DOCX (corrupt, truncated or another format)",
    "docx_numbering": "a paragraph's Word numbering cannot be resolved (numbering part or definition missing)",
    "pdf_not_pdf": "no %PDF- header: not a PDF",
    "pdf_truncated": "the PDF ends early (no %%EOF)",
    "pdf_corrupt": "the PDF's structure cannot be read",
    "pdf_encrypted": "the PDF needs a password or uses an unsupported encryption",
    "pdf_no_pages": "the PDF has no pages",
    "pdf_page_unreadable": "the PDF library cannot read a page",
    "pdf_damaged": "the PDF library reports lost data on a page (a damaged stream)",
    "text_crosses_column": "text on a PDF page runs across a column boundary of its table",
    "columns_lost": "a PDF table goes on over a page without its header, and that page's column rules do not stand at its columns",
    "no_text_layer": "a PDF with no text (empty pages, or a scan on which the OCR read nothing)",
    "image_unreadable": "a page image (.png, .jpg, .tif) that cannot be decoded (another format, truncated, damaged)",
    "workbook_unreadable": "not a readable workbook (.xlsx, .xls, .ods: corrupt, truncated or another format)",
    "workbook_encrypted": "a workbook protected by a password",
    "html_unreadable": "a web page that cannot be read as HTML, or whose declared encoding does not decode it",
    "program_missing": "a program the format needs is not installed (LibreOffice for .doc, .wps, .odt, .et)",
    "conversion_failed": "LibreOffice could not convert the file (damaged, or it timed out)",
    # the document's structure
    "no_title": "no cover title `…履行职责事项清单`",
    "no_front_matter": "nothing before the first table (no cover or preface)",
    "no_declared_totals": "the preface (说明) does not declare a list's totals",
    "no_table": "no duty-list table (header row 序号 | 事项名称 …) found",
    "list_missing": "one of the lists has no table",
    "header_mismatch": "a header row holds columns of a list but lacks others that list requires",
    "unexpected_row": "a table row that is neither item, category heading nor continuation, "
    "or a text-form row with fewer cells than columns (a tab lost)",
    "too_many_cells": "a table row has more cells than its table has columns",
    "item_before_category": "an item before any category heading",
    "item_invalid": "an item breaks a rule (clause numbering, empty field, …)",
    "category_count": "a category's items differ from its heading's （N项）",
    "list_totals": "a list's categories or items differ from the preface, or are misnumbered",
    # several files, output directories
    "formats_disagree": "two formats of one edition give different records",
    "no_editions": "no published file in the input directory",
    "bad_edition_id": "an edition id that is not a plain name",
    "not_an_output": "a directory that is not one of ours (edition or diff output)",
    "output_invalid": "an output file that does not match its model or duties.json",
    "duplicate_edition": "two edition directories with one edition id",
    "different_townships": "a diff of two different townships without --force",
    "editions_failed": "a corpus build finished, but some editions failed (build-report.csv names them)",
    "cluster_unavailable": "--scheduler names no reachable Dask scheduler, or Dask is not installed",
    "cell_too_long": "a text longer than a spreadsheet cell holds (32,767 characters)",
    "bad_output_path": "--out names no usable directory (the root, or a path through a file)",
    "output_exists": "--out names an existing directory that is not an edition output (use --force)",
    "output_unwritable": "the output cannot be written (read-only, disk full, …): the message names the path",
}


def _restored(code: str, message: str, state: dict) -> "InputError":
    """An InputError as pickled: its code was checked when it was first raised."""
    err = InputError.__new__(InputError)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class InputError(Exception):
    """Bad input, located as precisely as we can: file, page or line, list, category, item."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        file: Path | str | None = None,
        where: str | None = None,
        list_kind: str | None = None,
        category: str | None = None,
        seq: int | None = None,
    ) -> None:
        if code not in CODES:
            raise ValueError(f"unknown input-error code {code!r}")  # a bug, not bad input
        super().__init__(message)
        self.code = code
        self.message = message
        self.file = display_path(Path(file).name) if file is not None else None
        self.where = where
        self.list_kind = list_kind
        self.category = category
        self.seq = seq

    def __reduce__(self):
        """Picklable, so that a worker process (a page read by OCR) can hand it back as it is."""
        return _restored, (self.code, self.message, dict(self.__dict__))

    def located(self, *, file: Path | str | None = None, **context: object) -> "InputError":
        """Fill in location fields that the raiser could not know; keeps what it knew."""
        if self.file is None and file is not None:
            self.file = display_path(Path(file).name)
        for key, value in context.items():
            if getattr(self, key, None) is None:
                setattr(self, key, value)
        return self

    def __str__(self) -> str:
        parts = [
            self.file,
            self.where,
            f"{self.list_kind} list" if self.list_kind else None,
            self.category,
            f"item {self.seq}" if self.seq is not None else None,
        ]
        prefix = ", ".join(p for p in parts if p)
        return f"{prefix}: {self.message}" if prefix else self.message


@contextmanager
def locating(**context: object) -> Iterator[None]:
    """Fill in what an InputError raised inside could not know (file, where, …): see InputError.located."""
    try:
        yield
    except InputError as err:
        raise err.located(**context)


def output_unwritable(err: OSError, path: Path | str) -> InputError:
    """An OSError while writing output (read-only, disk full, a file in the way) as a clean error naming
    `path`: the output the user asked for, not the temporary entry the failing call happened to touch."""
    reason = err.strerror or type(err).__name__
    return InputError("output_unwritable", f"cannot write {display_path(path)}: {reason}")


def display_path(path: Path | str) -> str:
    """A path as text that can always be printed: bytes that are not UTF-8 shown as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def first_validation_error(err) -> str:
    """A pydantic ValidationError as one line: where in the model, and what."""
    first = err.errors()[0]
    field = ".".join(str(p) for p in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    return f"{field}: {message}" if field else message
