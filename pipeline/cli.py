"""Command line: `python -m pipeline {extract,validate,build,diff}`.

Errors are one line on stderr and a non-zero exit; a traceback only with --debug.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from pipeline import __version__
from pipeline.errors import EXIT_INPUT, EXIT_INTERNAL, InputError, display_path
from pipeline.extract.pdf_page import DEFAULT_PDF_READER, PDF_READERS
from pipeline.limits import DEFAULT_CONVERSION_TIMEOUT_S, DEFAULT_MAX_INFLATE_MB
from pipeline.settings import Settings


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _extract(args: argparse.Namespace) -> None:
    from pipeline.build import extract_to

    result = extract_to(args.files, args.out, args.edition_id, force=args.force)
    counts = ", ".join(f"{k} {v.extracted_total}" for k, v in result.info.lists.items())
    print(f"{result.edition.edition_id}: {counts} → {display_path(args.out)}")


def _validate(args: argparse.Namespace) -> None:
    from pipeline.validate import validate_dir

    edition = validate_dir(args.dir)
    print(f"{edition.edition_id}: valid")


def _build(args: argparse.Namespace) -> None:
    from pipeline.build import build_all

    build_all(args.raw, args.out, jobs=args.jobs, scheduler=args.scheduler)


def _diff(args: argparse.Namespace) -> None:
    from pipeline.diff import run_diff

    summary = run_diff(args.old, args.new, args.out, force=args.force)
    print(f"{args.old.name} → {args.new.name}: {summary.get('total', summary)} → {args.out}")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    top.add_argument("--version", action="version", version=__version__)
    top.add_argument("--debug", action="store_true", help="show the traceback of an error")
    top.add_argument("--max-inflate-mb", type=_positive, default=DEFAULT_MAX_INFLATE_MB, metavar="MB",
                     help="refuse a file, zip member or PDF stream larger than this once inflated "
                          f"(default {DEFAULT_MAX_INFLATE_MB})")
    top.add_argument("--conversion-timeout", type=_positive, default=int(DEFAULT_CONVERSION_TIMEOUT_S), metavar="S",
                     help="stop a LibreOffice conversion (.doc, .wps, .odt, .et) after this many seconds "
                          f"(default {int(DEFAULT_CONVERSION_TIMEOUT_S)})")
    top.add_argument("--pdf-reader", choices=list(PDF_READERS), default=DEFAULT_PDF_READER,
                     help="the library that reads PDF pages: pdfium (the default, about 10x faster) or pdfplumber "
                          "(the reference; the same records on every fixture)")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="extract one edition (one or more formats of it) into a directory")
    p.add_argument("files", nargs="+", type=Path, help="published files of ONE edition (.pdf, .docx, .xlsx, .html, .doc, …: see README, Formats)")
    p.add_argument("--out", required=True, type=Path,
                   help="output directory, replaced atomically if it is a previous edition output or empty")
    p.add_argument("--edition-id", help="defaults to the first file's stem")
    p.add_argument("--force", action="store_true", help="replace --out even if it is not an edition output")
    p.set_defaults(run=_extract)

    p = sub.add_parser("validate", help="re-check a written edition directory")
    p.add_argument("dir", type=Path)
    p.set_defaults(run=_validate)

    p = sub.add_parser("build", help="extract every edition below RAW into OUT, diff them, collect them (what `make all` runs)")
    p.add_argument("raw", type=Path, help="a folder of published files, read recursively (e.g. raw/河南省/洛阳市/…)")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, metavar="N",
                   help=f"editions extracted at once, each in a worker process (default: the cores, {os.cpu_count()})")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the editions on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786) instead")
    p.set_defaults(run=_build)

    p = sub.add_parser("diff", help="what changed between two edition directories")
    p.add_argument("old", type=Path)
    p.add_argument("new", type=Path)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--force", action="store_true", help="diff editions of different townships")
    p.set_defaults(run=_diff)
    return top


def quiet_libraries() -> None:
    """Library log records and Python warnings never reach stderr: errors are ours, one line each.

    Extractors turn the records that matter (lost data) into errors themselves.
    """
    logging.getLogger().addHandler(logging.NullHandler())  # no "last resort" printing to stderr
    logging.captureWarnings(True)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if hasattr(sys.stderr, "reconfigure"):
        sys.stderr.reconfigure(errors="backslashreplace")  # a file name that is not UTF-8 still prints
    quiet_libraries()
    try:
        with Settings(args.max_inflate_mb, args.conversion_timeout, args.pdf_reader).applied():
            args.run(args)
    except InputError as err:
        if args.debug:
            raise
        print(f"error[{err.code}]: {err}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as err:  # noqa: BLE001 - the CLI's promise: one line, no traceback
        if args.debug:
            raise
        print(f"error: internal: {type(err).__name__}: {err} (rerun with --debug)", file=sys.stderr)
        return EXIT_INTERNAL
    return 0
