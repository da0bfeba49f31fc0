"""Scanned editions: the published edition scanned (test data: rendered at 200 dpi, turned 0.4°/-0.24°
page by page, speckled, JPEG, bound into an image-only PDF by tests/fixtures/scan/make_scans.py),
read by `dutylists extract` beside RapidOCR alone on the same pages, and checked against the DOCX.

    python -m bench.ocr [--runs 1] [--pages N] [--out bench/results/ocr.json]

As whole processes, interleaved round by round (medians of --runs, default 1: a run of the whole
edition takes minutes):
  extract --jobs 1    `dutylists extract` of the scan, its pages one after another
  extract --jobs 2    the same, two pages at a time (a worker process each)
  RapidOCR alone      render every page at 150 dpi and run RapidOCR on it, nothing else (the peer)
with seconds per page and peak resident memory of the process (bench/peak.py; with --jobs 2 that
is the parent's, each worker's is about the --jobs 1 figure).

Then what came out, against the DOCX (the same edition, read by python-docx): every list, category,
item, clause and department in its place (the edition's structure with every text blanked must be
equal), and the characters right: 1 - (Levenshtein distance summed over every text field) / (the
DOCX's characters), with the fields that differ, and the items warned of as low-confidence.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "scan"))
from make_scans import scan  # noqa: E402  the test-data scanner

from bench.peak import measured  # noqa: E402

EDITION = ROOT / "raw" / "songzhuang-2025-07"

BARE = """
import sys, cv2, pypdfium2 as pdfium
from rapidocr_onnxruntime import RapidOCR
engine = RapidOCR(use_cls=False, print_verbose=False)
pdf = pdfium.PdfDocument(sys.argv[1])
for page in pdf:
    gray = page.render(scale=150 / 72, grayscale=True).to_numpy()
    engine(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), use_cls=False, return_word_box=True)
"""


def shape(value):
    """The structure with every text blanked: lists, numbers, counts, nulls (not the OCR's confidence)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items() if k != "ocr_confidence"}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return "·" if isinstance(value, str) else value


def texts(value, path: str = ""):
    """(where, text) for every text of the structure, in order."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from texts(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from texts(v, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def accuracy(reference: dict, read: dict) -> dict:
    """Structure equal, and the share of the reference's characters read right."""
    from rapidfuzz.distance import Levenshtein

    same_structure = shape(reference) == shape(read)
    total = errors = 0
    differing = []
    if same_structure:
        for (where, a), (_, b) in zip(texts(reference), texts(read)):
            distance = Levenshtein.distance(a, b)
            total += len(a)
            errors += distance
            if distance:
                differing.append({"field": where, "docx": a, "ocr": b})
    return {"same_structure": same_structure, "characters": total, "errors": errors,
            "accuracy": round(1 - errors / total, 5) if total else None, "differing_fields": differing}


def reference_lists() -> dict:
    from pipeline.extract import extract
    from pipeline.normalise.edition import build_edition

    edition, _ = build_edition(extract(EDITION.with_suffix(".docx")), EDITION.name)
    return edition.model_dump(mode="json")["lists"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ocr.json")
    a = p.parse_args()
    py = [sys.executable, "-m", "bench.peak"]
    with tempfile.TemporaryDirectory() as tmp:
        pdf = scan(EDITION.with_suffix(".pdf"), Path(tmp) / f"{EDITION.name}.pdf", dpi=200, angle=0.4)
        import pypdfium2 as pdfium

        pages = len(pdfium.PdfDocument(pdf))
        out = {jobs: Path(tmp) / f"out-{jobs}" for jobs in (1, 2)}
        commands = {
            "extract --jobs 1": [*py, "-m", "pipeline", "extract", str(pdf), "--out", str(out[1]), "--force", "--jobs", "1"],
            "extract --jobs 2": [*py, "-m", "pipeline", "extract", str(pdf), "--out", str(out[2]), "--force", "--jobs", "2"],
            "RapidOCR alone": [*py, "-c", BARE, str(pdf)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, list[int]] = {name: [] for name in commands}
        for _ in range(a.runs):
            for name, command in commands.items():
                seconds, peak, _ = measured(command)
                times[name].append(seconds)
                peaks[name].append(peak)
                print(f"{name}: {seconds:.1f} s, {peak / 2**20:.0f} MiB", file=sys.stderr)
        info = json.loads((out[1] / "edition.json").read_text(encoding="utf-8"))
        read = json.loads((out[1] / "duties.json").read_text(encoding="utf-8"))["lists"]
    result = {
        "pages": pages,
        "processes": {name: {"median_s": round(statistics.median(t), 1),
                             "s_per_page": round(statistics.median(t) / pages, 2),
                             "peak_rss_mib": round(max(peaks[name]) / 2**20)} for name, t in times.items()},
        "counts": {k: v["extracted_total"] for k, v in info["lists"].items()},
        "ocr": info["sources"][0]["ocr"],
        "low_confidence_items": [f"{w['list']} {w['seq']}" for w in info["warnings"] if w["code"] == "ocr_low_confidence"],
        "against_docx": accuracy(reference_lists(), read),
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    summary = {k: v for k, v in result.items() if k != "against_docx"}
    summary["against_docx"] = {k: v for k, v in result["against_docx"].items() if k != "differing_fields"}
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
