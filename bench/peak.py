"""Run a Python command and report its peak resident memory: `python -m bench.peak (-m MODULE | -c CODE) ARGS…`.

The peak is VmHWM of /proc/self/status, read at exit and written to stderr as its last line
(`peak-kib N`). Not the child's ru_maxrss: on Linux that keeps the high-water mark of the
process before its exec, which is the (large) benchmark process that started it.
"""

from __future__ import annotations

import atexit
import resource
import runpy
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measured(command: list[str]) -> tuple[float, int, float]:
    """Wall seconds, peak resident bytes and CPU seconds (user + system, its threads' and children's
    too) of one run of `command` (a `python -m bench.peak …` command). CPU time moves less than
    wall time when the shared machine is busy."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({done.returncode}): {done.stderr.strip()[-800:]}")
    return seconds, int(done.stderr.split()[-1]) * 1024, cpu


def _report() -> None:
    with open("/proc/self/status", encoding="ascii") as f:
        kib = next(line.split()[1] for line in f if line.startswith("VmHWM:"))
    sys.stderr.write(f"\npeak-kib {kib}\n")
    sys.stderr.flush()


if __name__ == "__main__":
    atexit.register(_report)
    kind, target, *rest = sys.argv[1:]
    if kind == "-m":
        sys.argv = [target, *rest]
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.argv = ["-c", *rest]
        exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
