"""Run mutants and give each a verdict.

Each mutant is written to a temporary directory under the published file's
own name (the edition id is the stem) and extracted in a forked child process
with `pipeline.build.extract_edition` — what `pipeline extract` does, minus
writing. A fresh process per mutant makes its peak RSS (ru_maxrss, a
high-water mark) that mutant's alone, and lets the parent kill it on a hang or
past the memory limit. Up to `jobs` children run at once.

Verdicts:
  identical    the same Edition as the unmutated file
  clean_error  InputError (exit 2 from the command line): its code and message
  different    exit 0 with other data, explained by the mutation (fuzz/explain.py)
  unexplained  exit 0 with other data the mutation does not explain
  internal     any other exception: a bug (exit 3)
  hang         still running after the timeout
  memory       peak RSS past the limit (also MemoryError)
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import shutil
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

from fuzz import explain
from fuzz.mutate import Mutation, Operator, mutant

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
EDITION_ID = "songzhuang-2025-07"
FORMATS = ("txt", "docx", "pdf")
GiB = 1 << 30
ADDRESS_SPACE_LIMIT = 8 * GiB  # virtual memory, far above the 1 GiB resident limit
FAILURES = ("internal", "hang", "memory", "unexplained")


@dataclass(frozen=True)
class Settings:
    seed: int = 0
    timeout_s: float = 60.0
    memory_limit: int = GiB
    jobs: int = 2


@dataclass
class Result:
    fmt: str
    index: int
    operator: str
    note: str
    verdict: str
    detail: str = ""  # error code and message, difference, exception
    seconds: float = 0.0
    peak_rss: int = 0  # bytes

    @property
    def failed(self) -> bool:
        return self.verdict in FAILURES

    def reproducer(self, seed: int) -> str:
        return f"python -m fuzz --seed {seed} --reproduce {self.fmt}:{self.index}"


def published(fmt: str) -> Path:
    return RAW / f"{EDITION_ID}.{fmt}"


def extract_dump(path: Path) -> tuple[dict, set[tuple]]:
    """The edition's data as the pipeline extracts it (what `pipeline extract` would write), and its
    warnings as (code, record): record (list, seq), or ("front",) for a warning about no item."""
    from pipeline.build import extract_edition

    result = extract_edition([path], path.stem)
    warned = {(w.code, (w.list, w.seq) if w.seq is not None else ("front",)) for w in result.info.warnings}
    return result.edition.model_dump(mode="json"), warned


@dataclass
class Reference:
    """One format's unmutated file and its data, read once."""

    fmt: str
    data: bytes
    dump: dict = field(repr=False)
    warned: set[tuple] = field(repr=False)

    @classmethod
    def load(cls, fmt: str) -> "Reference":
        return cls(fmt, published(fmt).read_bytes(), *extract_dump(published(fmt)))


# ---------------------------------------------------------------- one mutant, in the child


def _newly_warned(warned: set[tuple], before: set[tuple]) -> frozenset[tuple]:
    """Records named by a warning (code and record) that the published file does not have."""
    return frozenset(record for _code, record in warned - before)


def classify(ref: Reference, op: Operator, mutation: Mutation, path: Path) -> tuple[str, str]:
    """(verdict, detail) of extracting the mutant at `path`."""
    from pipeline.errors import InputError

    try:
        dump, warned = extract_dump(path)
    except InputError as err:
        return "clean_error", f"[{err.code}] {err}"
    except MemoryError:
        return "memory", "MemoryError"
    except RecursionError as err:  # Exception's subclass, but say so plainly
        return "internal", f"RecursionError: {str(err)[:200]}"
    except Exception as err:
        return "internal", f"{type(err).__name__}: {str(err)[:200]} at {_where(err)}"
    if dump == ref.dump:
        return "identical", ""
    owners = explain.touched_owners(ref.data, mutation.data) if ref.fmt == "txt" else None
    why_not = explain.explained(ref.dump, dump, op.legit, mutation.sites, owners, flagged=_newly_warned(warned, ref.warned))
    difference = explain.describe(ref.dump, dump)
    return ("different", difference) if why_not is None else ("unexplained", f"{why_not}: {difference}")


def _where(err: BaseException) -> str:
    """The innermost frame: file:line in function."""
    frame = traceback.extract_tb(err.__traceback__)[-1]
    return f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"


def _child(conn, ref: Reference, op: Operator, mutation: Mutation, path: Path) -> None:
    # a backstop for bombs faster than the parent's RSS polling: MemoryError instead of a starved machine
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
    logging.disable(logging.CRITICAL)  # pdfminer's warnings about the damage we made
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    verdict, detail = classify(ref, op, mutation, path)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    conn.send((verdict, detail, seconds, peak))
    conn.close()


# ---------------------------------------------------------------- the parent: up to `jobs` children at once


@dataclass
class Running:
    process: multiprocessing.Process
    conn: object
    tmp: Path
    result: Result
    started: float


def _rss(pid: int) -> int:
    """Current resident set of a process, in bytes (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def _start(ref: Reference, index: int, settings: Settings) -> Running:
    op, mutation = mutant(ref.fmt, ref.data, settings.seed, index)
    tmp = Path(tempfile.mkdtemp(prefix=f"fuzz-{ref.fmt}-{index}-"))
    path = tmp / published(ref.fmt).name
    path.write_bytes(mutation.data)
    receive, send = multiprocessing.Pipe(duplex=False)
    process = _FORK.Process(target=_child, args=(send, ref, op, mutation, path), daemon=True)
    process.start()
    send.close()
    result = Result(ref.fmt, index, op.name, mutation.note, verdict="internal")
    return Running(process, receive, tmp, result, time.perf_counter())


def _finish(run: Running, verdict: str | None = None, detail: str = "") -> Result:
    """Collect the child's answer (or impose `verdict` after killing it)."""
    result = run.result
    if verdict is None:
        try:
            verdict, detail, result.seconds, result.peak_rss = run.conn.recv()
        except EOFError:  # the child died without answering (a crash in C code, a kill)
            verdict, detail = "internal", f"worker died with exit code {run.process.exitcode}"
    else:
        run.process.kill()
        result.seconds = time.perf_counter() - run.started
    run.process.join()
    run.conn.close()
    shutil.rmtree(run.tmp, ignore_errors=True)
    result.verdict, result.detail = verdict, detail
    return result


def _check(run: Running, settings: Settings) -> Result | None:
    """A finished, hung or oversized child's result; None while it runs within limits."""
    if run.conn.poll():
        result = _finish(run)
        if result.peak_rss > settings.memory_limit and result.verdict != "memory":
            result.detail = f"peak RSS {result.peak_rss / GiB:.2f} GiB (then {result.verdict}: {result.detail})"
            result.verdict = "memory"
        return result
    if not run.process.is_alive():
        return _finish(run)
    if time.perf_counter() - run.started > settings.timeout_s:
        return _finish(run, "hang", f"still running after {settings.timeout_s:.0f} s")
    rss = _rss(run.process.pid)
    if rss > settings.memory_limit:
        return _finish(run, "memory", f"RSS {rss / GiB:.2f} GiB, killed")
    return None


_FORK = multiprocessing.get_context("fork")  # children inherit the imported pipeline and the references


def run_mutants(work: list[tuple[Reference, int]], settings: Settings, progress=None) -> list[Result]:
    """Every (reference, mutant index), `settings.jobs` at a time; results in the order given."""
    pending = list(reversed(work))
    running: list[Running] = []
    done: dict[tuple[str, int], Result] = {}
    while pending or running:
        while pending and len(running) < settings.jobs:
            ref, index = pending.pop()
            running.append(_start(ref, index, settings))
        wait([r.conn for r in running], timeout=0.05)
        for run in list(running):
            result = _check(run, settings)
            if result is not None:
                running.remove(run)
                done[(result.fmt, result.index)] = result
                if progress:
                    progress(result)
    return [done[(ref.fmt, index)] for ref, index in work]


def run(formats: dict[str, list[int]], settings: Settings, progress=None) -> list[Result]:
    """Mutants `formats[fmt]` (indices) of each format's published file."""
    work = []
    for fmt, indices in formats.items():
        ref = Reference.load(fmt)
        work += [(ref, index) for index in indices]
    return run_mutants(work, settings, progress)


def reproduce(fmt: str, index: int, seed: int, out_dir: Path) -> tuple[Path, Result]:
    """Write mutant `fmt:index` of `seed` out and classify it in this process (tracebacks visible)."""
    ref = Reference.load(fmt)
    op, mutation = mutant(fmt, ref.data, seed, index)
    path = Path(out_dir) / f"{fmt}-{index}" / published(fmt).name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(mutation.data)
    verdict, detail = classify(ref, op, mutation, path)
    return path, Result(fmt, index, op.name, mutation.note, verdict, detail)
