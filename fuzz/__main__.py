"""Mutation testing of the published files in raw/.

    python -m fuzz [--count 300 | --count txt=1500,docx=1200,pdf=150] [--seed 0] [--formats pdf,docx,txt] [--jobs 2]
    python -m fuzz --seed S --reproduce FORMAT:INDEX [--out fuzz-mutants]

Prints the verdicts per format × operator and every failing mutant (internal
error, hang, memory, unexplained difference) with the command that reproduces
it. Exit status 1 if any mutant failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from fuzz.mutate import OPERATORS
from fuzz.run import FAILURES, FORMATS, Result, Settings, reproduce, run

VERDICTS = ("identical", "clean_error", "different", *FAILURES)


def counts_table(results: list[Result]) -> str:
    """format × operator rows, one column per verdict, plus the error codes seen."""
    counts = Counter((r.fmt, r.operator, r.verdict) for r in results)
    codes: dict[tuple[str, str], Counter] = {}
    for r in results:
        if r.verdict == "clean_error":
            codes.setdefault((r.fmt, r.operator), Counter())[r.detail.split("]")[0].lstrip("[")] += 1
    head = f"{'format':<6} {'operator':<20}" + "".join(f"{v:>12}" for v in VERDICTS) + "  error codes"
    lines = [head, "-" * len(head)]
    for fmt in dict.fromkeys(r.fmt for r in results):
        for op in OPERATORS[fmt]:
            row = [counts[(fmt, op.name, v)] for v in VERDICTS]
            if not any(row):
                continue
            top = ", ".join(f"{c} {n}" for c, n in codes.get((fmt, op.name), Counter()).most_common(4))
            lines.append(f"{fmt:<6} {op.name:<20}" + "".join(f"{n or '.':>12}" for n in row) + f"  {top}")
    totals = Counter(r.verdict for r in results)
    lines.append(f"{'all':<6} {'':<20}" + "".join(f"{totals[v] or '.':>12}" for v in VERDICTS))
    return "\n".join(lines)


def failure_lines(results: list[Result], seed: int) -> list[str]:
    return [f"{r.verdict:<11} {r.fmt}:{r.index} {r.operator} ({r.note}): {r.detail}\n"
            f"            reproduce: {r.reproducer(seed)}"
            for r in results if r.failed]


def parse_counts(spec: str, formats: list[str]) -> dict[str, int]:
    """`300` (each format) or `txt=1500,pdf=150` (the formats named, in --formats order)."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(sorted(unknown))}; expected {', '.join(FORMATS)}")
    if "=" not in spec:
        return {fmt: int(spec) for fmt in formats}
    named = {fmt.strip(): int(n) for fmt, _, n in (part.partition("=") for part in spec.split(","))}
    if set(named) - set(FORMATS):
        raise ValueError(f"--count names unknown format(s) {', '.join(sorted(set(named) - set(FORMATS)))}")
    return {fmt: named[fmt] for fmt in formats if fmt in named}


def _reproduce(spec: str, seed: int, out: Path) -> int:
    fmt, _, index = spec.partition(":")
    path, result = reproduce(fmt, int(index), seed, out)
    print(f"{path}\n{result.operator}: {result.note}\n{result.verdict}: {result.detail}")
    print(f"extract it: .venv/bin/python -m pipeline extract {path} --out /tmp/fuzz-out --debug")
    return 1 if result.failed else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.splitlines()[0])
    ap.add_argument("--count", default="300",
                    help="mutants per format: N, or FORMAT=N,… (PDF mutants cost ~2.5 s each; default 300)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--formats", default=",".join(FORMATS), help="comma-separated: txt,docx,pdf")
    ap.add_argument("--jobs", type=int, default=2, help="mutants extracted at once (default 2)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds before a mutant counts as a hang")
    ap.add_argument("--json", type=Path, help="also write every result to this file")
    ap.add_argument("--reproduce", metavar="FORMAT:INDEX", help="write that mutant out and extract it here")
    ap.add_argument("--out", type=Path, default=Path("fuzz-mutants"), help="where --reproduce writes")
    args = ap.parse_args(argv)

    if args.reproduce:
        return _reproduce(args.reproduce, args.seed, args.out)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    try:
        counts = parse_counts(args.count, formats)
    except ValueError as err:
        ap.error(str(err))
    plan = {fmt: list(range(n)) for fmt, n in counts.items()}
    settings = Settings(seed=args.seed, timeout_s=args.timeout, jobs=args.jobs)

    start = time.perf_counter()
    results = run(plan, settings, progress=_progress)
    seconds = time.perf_counter() - start
    print(file=sys.stderr)
    print(f"{len(results)} mutants, seed {args.seed}, {seconds:.0f} s, "
          f"peak RSS {max(r.peak_rss for r in results) / 2**20:.0f} MiB\n")
    print(counts_table(results))
    failures = failure_lines(results, args.seed)
    if failures:
        print(f"\n{len(failures)} failing mutants:")
        print("\n".join(failures))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1) + "\n")
    return 1 if failures else 0


def _progress(result: Result) -> None:
    mark = {"identical": ".", "clean_error": "e", "different": "d"}.get(result.verdict, "!")
    print(mark, end="", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
