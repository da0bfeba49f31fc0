"""The PDF edition beside the PDF libraries alone, in one run: whole processes, and our steps in-process.

Processes (start-up included, as a user runs them), interleaved round by round so that a busy
machine slows every command alike; median wall time, median CPU time (user + system) and peak
resident memory (VmHWM, bench/peak.py) of each:
  pipeline extract            the whole edition: read, lay out, normalise, validate, write every
                              table, duties.json, edition.json and the workbook (PDFium, the default)
  … --pdf-reader pdfplumber   the same through the reference reader
  pdfplumber extract_tables   a bare pdfplumber pass (bench/peers.py)
  read step                   our reading of every page: pdf_check.py's check, then PDFium's chars,
                              rules and rectangles (pdf_pdfium.read_pages)
  pypdfium2 text only         the floor: PDFium's text of every page (bench/peers.py)
  start-up and imports        `python -c` importing what `pipeline extract` imports
Steps, in-process (median of the runs after a warm-up): where a process's time goes.

Targets (issue 13): pipeline extract <= 0.4x the bare pdfplumber pass, and the read step <= 3x
the text-only pass, as processes; the read step is given in-process too.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from bench.peak import measured as _run
from bench.peers import pdfium_text

ROOT = Path(__file__).resolve().parent.parent
TARGET_WHOLE = 0.4  # pipeline extract / bare pdfplumber, as processes
TARGET_READ = 3.0  # read step / pypdfium2 text only, as processes
IMPORTS = ("import pipeline.cli, pipeline.build, pipeline.extract.pdf, pipeline.extract.pdf_pdfium, "
           "pipeline.deliver.xlsx, pyarrow.json, pyarrow.parquet")


def _commands(pdf: Path, out: Path) -> dict[str, list[str]]:
    py = [sys.executable, "-m", "bench.peak"]  # reports the peak resident memory (bench/peak.py)
    extract = ["extract", str(pdf), "--out", str(out), "--force"]
    return {
        "pipeline extract": [*py, "-m", "pipeline", *extract],
        "pipeline extract --pdf-reader pdfplumber": [*py, "-m", "pipeline", "--pdf-reader", "pdfplumber", *extract],
        "pdfplumber extract_tables (bare)": [*py, "-m", "bench.peers", "pdfplumber-tables", str(pdf)],
        "read step (check + PDFium pages)": [*py, "-m", "bench.peers", "pipeline-read", str(pdf)],
        "pypdfium2 text only": [*py, "-m", "bench.peers", "pdfium-text", str(pdf)],
        "start-up and imports": [*py, "-c", IMPORTS],
    }


def processes(pdf: Path, pages: int, runs: int) -> dict[str, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        commands = _commands(pdf, Path(tmp) / "out")
        for command in commands.values():  # warm-up: the page cache, .pyc files
            _run(command)
        times: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, list[int]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():
                seconds, peak, cpu = _run(command)
                times[name].append(seconds)
                peaks[name].append(peak)
                cpus[name].append(cpu)
    result = {}
    for name in commands:
        median = statistics.median(times[name])
        result[name] = {"median_s": round(median, 3), "min_s": round(min(times[name]), 3),
                        "cpu_median_s": round(statistics.median(cpus[name]), 3),
                        "pages_per_s": round(pages / median, 1) if name != "start-up and imports" else None,
                        "peak_rss_mib": round(max(peaks[name]) / 2**20, 1)}
    return result


def steps(pdf: Path, runs: int) -> dict[str, float]:
    """Median seconds of each step of `pipeline extract`, in-process, after a warm-up."""
    from pipeline.build import _info, sha256_of
    from pipeline.deliver.xlsx import write_workbook
    from pipeline.extract import pdf as extractor
    from pipeline.extract.pdf_check import check_streams
    from pipeline.extract.pdf_pdfium import read_pages
    from pipeline.extract.pdf_streams import watched
    from pipeline.models import Source
    from pipeline.normalise.edition import build_edition
    from pipeline.normalise.text import forget_cleaned
    from pipeline.write import write_edition

    state: dict = {}
    tmp = Path(tempfile.mkdtemp())

    def check() -> None:
        with watched() as watch:
            check_streams(pdf, watch)

    def read() -> None:
        with watched() as watch:
            state["pages"] = list(read_pages(pdf, watch))

    def layout() -> None:
        builder = extractor._Builder(pdf, extractor.DEFAULT_SETTINGS)
        for page in state["pages"]:
            builder.add_page(page)
        state["doc"] = builder.finish(len(state["pages"]))

    def normalise() -> None:
        forget_cleaned()  # as a process meets the edition: nothing remembered from the round before
        state["edition"], state["warnings"] = build_edition(state["doc"], pdf.stem)

    def write_tables() -> None:
        source = Source(file=pdf.name, format="pdf", sha256=sha256_of(pdf), pages=len(state["pages"]))
        shutil.rmtree(tmp / "out", ignore_errors=True)
        write_edition(state["edition"], _info(state["edition"], [source], state["warnings"]), tmp / "out")

    def workbook() -> None:
        write_workbook(tmp / "out")

    named: dict[str, Callable[[], None]] = {
        "pypdfium2 text only": lambda: pdfium_text(pdf),
        "check (pdfminer: structure, every stream inflated)": check,
        "read (check + PDFium pages)": read,
        "layout (tables from the geometry)": layout,
        "normalise and validate": normalise,
        "write tables, duties.json, edition.json": write_tables,
        "write the workbook": workbook,
    }
    times: dict[str, list[float]] = {name: [] for name in named}
    try:
        for round_ in range(runs + 1):
            for name, step in named.items():
                t0 = time.perf_counter()
                step()
                if round_:  # the first round is the warm-up
                    times[name].append(time.perf_counter() - t0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {name: round(statistics.median(t), 4) for name, t in times.items()}


def report(pdf: Path, runs: int) -> dict:
    from pipeline.extract.pdf_check import check_streams
    from pipeline.extract.pdf_streams import watched

    with watched() as watch:
        pages = check_streams(pdf, watch).pages
    procs = processes(pdf, pages, runs)
    step = steps(pdf, runs)
    ratio = lambda pair, key="median_s": procs[pair[0]][key] / procs[pair[1]][key]  # noqa: E731
    whole_pair = ("pipeline extract", "pdfplumber extract_tables (bare)")
    read_pair = ("read step (check + PDFium pages)", "pypdfium2 text only")
    whole, read = ratio(whole_pair), ratio(read_pair)
    read_in = step["read (check + PDFium pages)"] / step["pypdfium2 text only"]
    return {"file": pdf.name, "pages": pages, "processes": procs, "steps_s": step,
            "whole_over_bare": round(whole, 3), "read_over_text_only": round(read, 3),
            "cpu_whole_over_bare": round(ratio(whole_pair, "cpu_median_s"), 3),
            "cpu_read_over_text_only": round(ratio(read_pair, "cpu_median_s"), 3),
            "read_over_text_only_in_process": round(read_in, 3),
            "editions_per_minute": {name: round(60 / procs[name]["median_s"], 1)
                                    for name in ("pipeline extract", "pipeline extract --pdf-reader pdfplumber",
                                                 "pdfplumber extract_tables (bare)")}}


def print_report(r: dict) -> None:
    print(f"\n{r['file']} ({r['pages']} pages): whole processes, median of the runs")
    header = f"{'command':<44} {'median s':>9} {'pages/s':>8} {'CPU s':>7} {'peak RSS MiB':>13}"
    print(header)
    print("-" * len(header))
    for name, m in r["processes"].items():
        pps = f"{m['pages_per_s']:>8}" if m["pages_per_s"] else f"{'-':>8}"
        print(f"{name:<44} {m['median_s']:>9.3f} {pps} {m['cpu_median_s']:>7.3f} {m['peak_rss_mib']:>13.1f}")
    print("\nsteps of pipeline extract, in-process (median s)")
    for name, seconds in r["steps_s"].items():
        print(f"  {name:<52} {seconds:>8.4f}")
    ok = lambda value, target: "ok" if value <= target else "ABOVE TARGET"
    print(f"\npipeline extract / bare pdfplumber: {r['whole_over_bare']:.3f} (target <= {TARGET_WHOLE}): "
          f"{ok(r['whole_over_bare'], TARGET_WHOLE)}")
    print(f"read step / pypdfium2 text only: {r['read_over_text_only']:.3f} as processes (target <= {TARGET_READ}): "
          f"{ok(r['read_over_text_only'], TARGET_READ)}; {r['read_over_text_only_in_process']:.2f} in-process")
    print(f"the same in CPU time (user + system): {r['cpu_whole_over_bare']:.3f} and {r['cpu_read_over_text_only']:.3f}")
    print("editions per minute, one process after another: "
          + ", ".join(f"{name} {n}" for name, n in r["editions_per_minute"].items()))
