"""Command line: `dutylists {extract,validate,build,diff}` (also `python -m pipeline …`).

Errors are one line on stderr and a non-zero exit; a traceback only with --debug.
Exit status: 0 done, 2 bad input or a bad command line, 3 a bug, 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import textwrap
from pathlib import Path

from pipeline import __version__
from pipeline.errors import EXIT_INPUT, EXIT_INTERNAL, InputError, display_path
from pipeline.extract.pdf_page import DEFAULT_PDF_READER, PDF_READERS, OcrSettings
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


PROG = "dutylists"

DESCRIPTION = """\
乡镇（街道）履行职责事项清单 → 数据表。Township duty lists (履行职责事项清单) → validated tables.

把 PDF、DOCX、DOC/WPS、Excel、网页格式的清单提取为 Parquet、CSV、JSON、Excel 和
DuckDB，核对清单声明的总数，比较前后版本。
Extracts the published lists (PDF, DOCX, DOC/WPS, workbooks, web pages) into
Parquet, CSV, JSON, Excel and DuckDB, checks them against their declared
totals, and compares editions."""

EPILOG = """\
退出状态 exit status:
  0    成功 done
  2    输入有误 bad input, or a bad command line: one line on stderr,
       error[<code>]: naming the file and, where it applies, page, row,
       list and item (codes: README, Command line); nothing is written
  3    程序错误 a bug: error: internal: …; rerun with --debug
  130  被中断 interrupted (Ctrl-C)

例 examples:
  dutylists build raw --out output           # 全部版本 every edition below raw/ (make all)
  dutylists extract 送庄镇-2025-07.pdf --out out/送庄镇-2025-07
  dutylists diff output/A output/B --out diffs/A__B"""

COMMANDS = {  # name: (one-line help, 说明, description)
    "extract": ("提取 extract: one edition's files (one or more formats of it) into a directory",
                "提取一个版本（可同时给出它的多种格式，须逐条一致）。",
                "Extract one edition; several formats of it must agree record for record."),
    "validate": ("校验 validate: re-check a written edition directory",
                 "重新校验已写出的版本目录。",
                 "Re-check a written edition directory against its models and declared totals."),
    "build": ("构建 build: every edition below RAW into OUT, diffed and collected (what `make all` runs)",
              "提取 RAW 下的全部版本，比较同一乡镇的前后版本，汇总为数据集、数据库、数据包和报告。",
              "Extract every edition below RAW, diff consecutive editions of each place, and collect them "
              "(dataset/, duties.duckdb, datapackage.json, reports)."),
    "diff": ("比较 diff: what changed between two edition directories",
             "比较同一乡镇的两个版本：新增、删除、修改、调整类别、调整清单、序号变动。",
             "What changed between two editions of one township: added, removed, modified, recategorised, "
             "moved to another list, renumbered."),
}


def _help(p: argparse.ArgumentParser) -> None:
    p.add_argument("-h", "--help", action="help", help="显示帮助 show this help and exit")


def _command(sub, name: str, run) -> argparse.ArgumentParser:
    help_, zh, en = COMMANDS[name]
    description = zh + "\n" + textwrap.fill(en, 78)
    p = sub.add_parser(name, help=help_, description=description, epilog=EPILOG, add_help=False,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _help(p)
    p.set_defaults(run=run)
    return p


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION, epilog=EPILOG, add_help=False,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    _help(top)
    top.add_argument("--version", action="version", version=f"{PROG} {__version__}", help="显示版本 show the version and exit")
    top.add_argument("--debug", action="store_true", help="显示错误的回溯 show the traceback of an error")
    top.add_argument("--max-inflate-mb", type=_positive, default=DEFAULT_MAX_INFLATE_MB, metavar="MB",
                     help="文件大小上限 refuse a file, zip member or PDF stream larger than this once inflated "
                          f"(default {DEFAULT_MAX_INFLATE_MB})")
    top.add_argument("--conversion-timeout", type=_positive, default=int(DEFAULT_CONVERSION_TIMEOUT_S), metavar="S",
                     help="LibreOffice 转换时限 stop a LibreOffice conversion (.doc, .wps, .odt, .et) after this many seconds "
                          f"(default {int(DEFAULT_CONVERSION_TIMEOUT_S)})")
    top.add_argument("--pdf-reader", choices=list(PDF_READERS), default=DEFAULT_PDF_READER,
                     help="PDF 读取库 the library that reads PDF pages: pdfium (the default, about 10x faster) or pdfplumber "
                          "(the reference; the same records on every fixture)")
    top.add_argument("--ocr-dpi", type=_positive, default=OcrSettings.dpi, metavar="DPI",
                     help="识别分辨率 render scanned pages at this resolution for the OCR "
                          f"(default {OcrSettings.dpi}; see README, Scanned editions)")
    sub = top.add_subparsers(dest="command", required=True, metavar="{extract,validate,build,diff}",
                             title="命令 commands")

    p = _command(sub, "extract", _extract)
    p.add_argument("files", nargs="+", type=Path,
                   help="一个版本的文件 published files of ONE edition (.pdf, .docx, .xlsx, .html, .doc, …: see README, Formats)")
    p.add_argument("--out", required=True, type=Path,
                   help="输出目录 output directory, replaced atomically if it is a previous edition output or empty")
    p.add_argument("--edition-id", help="版本标识 defaults to the first file's stem")
    p.add_argument("--force", action="store_true", help="强制替换 replace --out even if it is not an edition output")
    p.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, metavar="N",
                   help=f"并行数 scanned pages read by OCR at once, each in a worker process (default: the cores, {os.cpu_count()})")

    p = _command(sub, "validate", _validate)
    p.add_argument("dir", type=Path, help="版本目录 an edition directory (holding edition.json)")

    p = _command(sub, "build", _build)
    p.add_argument("raw", type=Path, help="原始文件目录 a folder of published files, read recursively (e.g. raw/河南省/洛阳市/…)")
    p.add_argument("--out", required=True, type=Path, help="输出目录 the output directory")
    p.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, metavar="N",
                   help=f"并行数 editions extracted at once, each in a worker process (default: the cores, {os.cpu_count()})")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask 集群 run the editions on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786) instead")

    p = _command(sub, "diff", _diff)
    p.add_argument("old", type=Path, help="旧版本目录 the earlier edition's directory")
    p.add_argument("new", type=Path, help="新版本目录 the later edition's directory")
    p.add_argument("--out", required=True, type=Path, help="输出目录 the diff's directory")
    p.add_argument("--force", action="store_true", help="不同乡镇也比较 diff editions of different townships")
    return top


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C


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
        # a build's editions run in parallel already: there each reads its scanned pages one at a time
        ocr = OcrSettings(args.ocr_dpi, args.jobs if args.command == "extract" else 1)
        with Settings(args.max_inflate_mb, args.conversion_timeout, args.pdf_reader, ocr).applied():
            args.run(args)
    except InputError as err:
        if args.debug:
            raise
        print(f"error[{err.code}]: {err}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as err:  # noqa: BLE001 - the CLI's promise: one line, no traceback
        if args.debug:
            raise
        print(f"error: internal: {type(err).__name__}: {err} (rerun with --debug)", file=sys.stderr)
        return EXIT_INTERNAL
    return 0
