"""The corpus build at scale: editions per minute per format with 1 and 2 jobs, and peak memory at 20 and 200 editions.

    python -m bench.corpus [--per-format 24] [--formats txt,docx,pdf,xlsx,html] [--sizes 20,200] [--runs 3]

Corpora are test data (测试数据) from tests/fixtures/corpus/make_corpus.py: fictional townships made from
the published edition, in a province/city/district tree, generated afresh into a temporary folder.

- speed: for each format, a corpus of --per-format editions in that format, built by
  `python -m pipeline build CORPUS --out OUT --jobs J` as a whole process (start-up, extraction,
  diffs, dataset, database and data package: all of `make all`) into a fresh output each run, the
  jobs interleaved; median of --runs; editions per minute = editions / median; and the PDF corpus with
  2 jobs through each PDF reader (--pdf-reader pdfium, the default, and pdfplumber, the reference);
- memory: corpora of --sizes editions in every format, each built once with 2 jobs; the peak
  resident memory (VmHWM) of the build process and of its largest worker, polled from /proc every
  50 ms (VmHWM only grows, so a poll misses at most what a worker gained in its last 50 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fixtures.corpus.make_corpus import generate  # noqa: E402  the test-corpus generator (test data)

FORMATS = ("txt", "docx", "pdf", "xlsx", "html")


def _status(pid: int) -> dict[str, str]:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return {}


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return found


class PeakWatch(threading.Thread):
    """Polls a process and its descendants' VmHWM (KiB) until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peaks, self.done = pid, {}, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            todo = [self.pid]
            while todo:
                pid = todo.pop()
                status = _status(pid)
                if "VmHWM" in status:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), int(status["VmHWM"].split()[0]))
                todo += _children(pid)
            self.done.wait(0.05)


def build(corpus: Path, out: Path, jobs: int, watch: bool = False, options: tuple[str, ...] = ()) -> dict:
    """One `pipeline build` as a process: wall seconds, exit status, peak memory (MiB) if watched."""
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    command = [sys.executable, "-m", "pipeline", *options, "build", str(corpus), "--out", str(out), "--jobs", str(jobs)]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watcher = PeakWatch(proc.pid) if watch else None
    if watcher:
        watcher.start()
    code = proc.wait()
    seconds = time.perf_counter() - start
    result = {"seconds": round(seconds, 2), "exit": code}
    if watcher:
        watcher.done.set()
        watcher.join()
        workers = [kib for pid, kib in watcher.peaks.items() if pid != proc.pid]
        result["build_peak_mib"] = round(watcher.peaks.get(proc.pid, 0) / 1024, 1)
        result["worker_peak_mib"] = round(max(workers, default=0) / 1024, 1)
    return result


def speed(work: Path, formats: list[str], per_format: int, runs: int) -> list[dict]:
    rows = []
    for fmt in formats:
        corpus = work / f"corpus-{fmt}"
        generate(corpus, per_format, seed=7, formats=(fmt,))
        times: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(runs):
            for jobs in (1, 2):  # interleaved: a slow spell of the machine hits both alike
                result = build(corpus, work / "out", jobs)
                assert result["exit"] == 0, f"{fmt}: the build failed ({result})"
                times[jobs].append(result["seconds"])
        row = {"format": fmt, "editions": per_format}
        for jobs, ts in times.items():
            median = statistics.median(ts)
            row[f"jobs{jobs}_s"] = round(median, 2)
            row[f"jobs{jobs}_per_min"] = round(per_format / median * 60, 1)
        row["speedup"] = round(row["jobs1_s"] / row["jobs2_s"], 2)
        rows.append(row)
        print(f"{fmt:<6} {per_format:>4} editions   1 job {row['jobs1_s']:>6.2f} s {row['jobs1_per_min']:>7.1f}/min   "
              f"2 jobs {row['jobs2_s']:>6.2f} s {row['jobs2_per_min']:>7.1f}/min   x{row['speedup']:.2f}", flush=True)
    return rows


def readers(work: Path, per_format: int, runs: int) -> dict:
    """The PDF corpus with 2 jobs through each PDF reader: what PDFium (the default) gains over pdfplumber."""
    corpus = work / "corpus-pdf"
    times: dict[str, list[float]] = {"pdfium": [], "pdfplumber": []}
    for _ in range(runs):
        for reader in times:
            result = build(corpus, work / "out", 2, options=("--pdf-reader", reader))
            assert result["exit"] == 0, f"{reader}: the build failed ({result})"
            times[reader].append(result["seconds"])
    row = {reader: round(statistics.median(ts), 2) for reader, ts in times.items()}
    row.update({f"{reader}_per_min": round(per_format / s * 60, 1) for reader, s in list(row.items())})
    print(f"pdf    {per_format:>4} editions, 2 jobs: PDFium {row['pdfium']:.2f} s {row['pdfium_per_min']:.1f}/min, "
          f"pdfplumber {row['pdfplumber']:.2f} s {row['pdfplumber_per_min']:.1f}/min "
          f"(x{row['pdfplumber'] / row['pdfium']:.2f})", flush=True)
    return row


def memory(work: Path, formats: list[str], sizes: list[int]) -> list[dict]:
    rows = []
    for n in sizes:
        corpus = work / f"corpus-mixed-{n}"
        generate(corpus, n, seed=11, formats=tuple(formats))
        result = build(corpus, work / "out", 2, watch=True)
        assert result["exit"] == 0, f"{n} editions: the build failed ({result})"
        rows.append({"editions": n, **result, "per_min": round(n / result["seconds"] * 60, 1)})
        print(f"{n:>4} editions (mixed formats, 2 jobs): {result['seconds']:>6.1f} s, {rows[-1]['per_min']:.1f}/min, "
              f"peak build process {result['build_peak_mib']} MiB, largest worker {result['worker_peak_mib']} MiB", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.splitlines()[0])
    ap.add_argument("--per-format", type=int, default=24)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--sizes", default="20,200")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "corpus.json")
    args = ap.parse_args(argv)
    formats = args.formats.split(",")
    print(f"corpus build on {os.cpu_count()} cores (whole `pipeline build` processes, medians of {args.runs})")
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        work = Path(tmp)
        rows = speed(work, formats, args.per_format, args.runs)
        pdf_readers = readers(work, args.per_format, args.runs) if "pdf" in formats else None
        peaks = memory(work, formats, [int(n) for n in args.sizes.split(",")])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"cores": os.cpu_count(), "runs": args.runs, "speed": rows, "pdf_readers": pdf_readers,
                                    "memory": peaks},
                                   ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
