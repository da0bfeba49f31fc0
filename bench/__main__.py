"""Time every format extractor on every edition in raw/, and on its renderings in the other formats;
then each PDF edition beside the PDF libraries alone (bench/pdf.py).

    python -m bench [--runs 5] [--raw raw] [--renderings tests/fixtures/formats] [--out bench/results/latest.json] [--pdf-only]

The renderings are test data (workbooks, web pages, legacy Word files made from raw/'s DOCX by the
generators in tests/fixtures/formats): the same edition, so the formats' times compare directly.

For each file: median wall time of `pipeline.extract.extract` over --runs runs,
pages per second (PDF), and peak Python heap (tracemalloc, one extra run: the
tracer slows code down, so it is never timed). For each PDF, the same figures
for a bare pdfplumber pass (`page.extract_tables()` on every page) and the
ratio of the whole edition (extract + normalise + validate) / bare: the extractor should cost at most 1.5x what pdfplumber
alone needs to read the tables.
"""

from __future__ import annotations

import argparse
import compileall
import json
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Callable

from bench import pdf as pdf_bench
from bench.peers import pdfplumber_tables

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.5


def _ours(path: Path) -> int | None:
    from pipeline.extract import extract

    return extract(path).pages


def _whole_edition(path: Path) -> int | None:
    """What `make all` pays per file: extract, normalise and validate (writing aside)."""
    from pipeline.extract import extract
    from pipeline.normalise.edition import build_edition
    from pipeline.normalise.text import forget_cleaned

    forget_cleaned()  # every round as a process's first: nothing remembered from the one before
    doc = extract(path)
    build_edition(doc, path.stem)
    return doc.pages


def _measure(fn: Callable[[Path], int | None], path: Path, runs: int) -> dict:
    fn(path)  # warm-up: imports, font caches
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        pages = fn(path)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    fn(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median = statistics.median(times)
    return {
        "median_s": round(median, 4),
        "min_s": round(min(times), 4),
        "pages": pages,
        "pages_per_s": round(pages / median, 1) if pages else None,
        "peak_mib": round(peak / 2**20, 1),
    }


def _published(directory: Path) -> list[Path]:
    from pipeline.extract import FORMATS

    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in FORMATS)


def _renderings(directory: Path, stems: set[str]) -> list[Path]:
    """The other formats' renderings of raw/'s editions (`songzhuang-2025-07.xlsx`, `…-gbk.html`)."""
    if not directory.is_dir():
        return []
    return [p for p in _published(directory) if p.suffix.lower() != ".docx" and any(p.stem.startswith(s) for s in stems)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--raw", type=Path, default=ROOT / "raw")
    ap.add_argument("--renderings", type=Path, default=ROOT / "tests" / "fixtures" / "formats")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    ap.add_argument("--pdf-only", action="store_true", help="only the PDF editions beside the PDF libraries (bench/pdf.py)")
    args = ap.parse_args(argv)

    # as a user's runs are: with bytecode cached (an environment may forbid writing it, e.g.
    # PYTHONDONTWRITEBYTECODE, and every process would compile our modules again)
    compileall.compile_dir(ROOT / "pipeline", quiet=1)
    compileall.compile_dir(ROOT / "bench", quiet=1)
    files = _published(args.raw)
    if not files:
        print(f"no published files in {args.raw}", file=sys.stderr)
        return 1
    if not args.pdf_only:
        files += _renderings(args.renderings, {p.stem for p in files})
    results = []
    header = f"{'file':<36} {'what':<16} {'median s':>9} {'pages/s':>8} {'peak MiB':>9} {'ours/bare':>10}"
    print(header)
    print("-" * len(header))
    for path in [] if args.pdf_only else files:
        ours = _measure(_ours, path, args.runs)
        edition = _measure(_whole_edition, path, args.runs)
        row = {"file": path.name, "format": path.suffix.lstrip(".").lower(), "ours": ours, "edition": edition}
        if row["format"] == "pdf":
            bare = _measure(pdfplumber_tables, path, args.runs)
            row["bare_pdfplumber"] = bare
            row["ratio"] = round(edition["median_s"] / bare["median_s"], 2)
        results.append(row)
        pps = lambda m: f"{m['pages_per_s']:>8}" if m["pages_per_s"] else f"{'-':>8}"
        ratio = f"{row['ratio']:>10.2f}" if "ratio" in row else f"{'':>10}"
        print(f"{path.name:<36} {'extract':<16} {ours['median_s']:>9.3f} {pps(ours)} {ours['peak_mib']:>9.1f}")
        print(f"{'':<36} {'whole edition':<16} {edition['median_s']:>9.3f} {pps(edition)} {edition['peak_mib']:>9.1f} {ratio}")
        if "bare_pdfplumber" in row:
            b = row["bare_pdfplumber"]
            print(f"{'':<36} {'pdfplumber bare':<16} {b['median_s']:>9.3f} {pps(b)} {b['peak_mib']:>9.1f}")
    worst = max((r["ratio"] for r in results if "ratio" in r), default=None)
    if worst is not None:
        verdict = "ok" if worst <= TARGET_RATIO else "ABOVE TARGET"
        print(f"\nworst PDF ratio ours/bare: {worst:.2f} (target <= {TARGET_RATIO}): {verdict}")
    pdf_reports = []
    for path in (p for p in files if p.suffix.lower() == ".pdf" and p.parent == args.raw):
        pdf_reports.append(pdf_bench.report(path, args.runs))
        pdf_bench.print_report(pdf_reports[-1])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "runs": args.runs,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "target_ratio": TARGET_RATIO,
        "results": results,
        "pdf": pdf_reports,
    }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
