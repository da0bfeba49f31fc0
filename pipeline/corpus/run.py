"""Where a corpus build's edition tasks run: here, in a process pool (--jobs), or on a Dask cluster (--scheduler).

Every backend yields one TaskResult per task (an edition, a diff), in the
order they finish, and never lets one task stop the others: bad input or a
bug is that task's own failed result (pipeline.corpus.task). A worker process that dies
(a crash in a library, the kernel's OOM killer) takes down a process pool
with every task then in flight; those tasks are run again, each in a
process of its own, so only the edition that kills its worker fails.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from pipeline.corpus.task import TaskResult, Task, failed, run_task
from pipeline.errors import InputError

Work = Callable[[Task], TaskResult]  # run_task; tests give one that crashes

PR_SET_PDEATHSIG = 1  # linux/prctl.h
CONNECT_TIMEOUT_S = 20  # Dask retries a refused connection until then



class Runner:
    """Runs a build's batches of tasks (the editions, then the diffs) on one backend: on a Dask cluster
    (`client`, from cluster_client), in a pool of `jobs` processes, or here. The pool is started at the
    first batch of more than one task and kept for the next, so the diffs do not wait for new workers."""

    def __init__(self, jobs: int = 1, client=None, work: Work = run_task) -> None:
        self.jobs, self.client, self.work = jobs, client, work
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def run(self, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        """Each task's result as it finishes."""
        if self.client is not None:
            yield from on_cluster(tasks, self.client)
        elif self.jobs > 1 and tasks and (self._pool is not None or len(tasks) > 1):
            yield from self._in_pool(tasks)
        else:
            for task in tasks:
                yield self.work(task)

    def _in_pool(self, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        """The tasks in the pool; those a dying worker took down (it breaks the pool) run again alone."""
        if self._pool is None:
            # not max_tasks_per_child: on Python 3.11 the pool hangs once replaced workers add up (seen
            # here at 49 editions); a worker's memory stays flat over a corpus anyway (README, A corpus)
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=_context(), initializer=_die_with_parent)
        broken: list[Task] = []
        futures = {self._pool.submit(self.work, task): task for task in tasks}
        try:
            for future in _as_completed(futures):
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken.append(futures[future])
        finally:
            if broken or any(not f.done() for f in futures):  # broken, or the caller stopped early
                self.close()
        if broken:
            with ThreadPoolExecutor(self.jobs) as threads:
                yield from threads.map(lambda task: alone(task, self.work), broken)


def run_tasks(tasks: Sequence[Task], *, jobs: int = 1, client=None) -> Iterator[TaskResult]:
    """One batch of tasks on a Runner of its own."""
    with Runner(jobs, client) as runner:
        yield from runner.run(tasks)


def _die_with_parent() -> None:
    """Worker initializer: the kernel kills the worker when the build that started it goes, so a
    build killed with -9 leaves no worker writing into the output (Linux)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the parent went before the call
            os._exit(1)


def _context():
    # a worker is the build's own child, so it dies with it (_die_with_parent; a fork server would
    # outlive a killed build, with its workers). Fork on Linux: a worker starts with the build's
    # modules imported (0.25 s less per worker than spawn); the pool is made before the build opens
    # DuckDB or a Dask client, and the workers never touch the lock they inherit. Spawn elsewhere.
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def in_pool(tasks: Sequence[Task], jobs: int, work: Work = run_task) -> Iterator[TaskResult]:
    """The tasks in a pool of `jobs` worker processes (Runner's, on its own)."""
    with Runner(max(jobs, 2), work=work) as runner:
        yield from runner._in_pool(tasks)


def _as_completed(futures: dict[Future, Task]) -> Iterator[Future]:
    pending = set(futures)
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        yield from sorted(done, key=lambda f: futures[f].name)


def alone(task: Task, work: Work = run_task) -> TaskResult:
    """The task in a process of its own: if that process dies, only this edition fails."""
    with ProcessPoolExecutor(1, mp_context=_context(), initializer=_die_with_parent) as pool:
        try:
            return pool.submit(work, task).result()
        except BrokenProcessPool as err:
            return failed(task.name, RuntimeError(f"the worker process died while running it ({err})"))


def cluster_client(address: str):
    """A Dask client of the scheduler at `address` (InputError cluster_unavailable when there is none)."""
    try:
        from distributed import Client
    except ImportError as err:
        raise InputError("cluster_unavailable", "--scheduler needs Dask distributed: pip install 'duty-lists[cluster]'") from err
    try:
        return Client(address, timeout=f"{CONNECT_TIMEOUT_S}s")
    except (OSError, TimeoutError, ValueError) as err:
        raise InputError("cluster_unavailable", f"cannot reach the Dask scheduler at {address}: {err}") from err


def on_cluster(tasks: Sequence[Task], client) -> Iterator[TaskResult]:
    """The tasks on the Dask cluster of `client`; a task whose worker died (KilledWorker) fails alone."""
    from distributed import as_completed

    keys = [f"{type(task).__name__}-{n}-{task.name}" for n, task in enumerate(tasks)]
    task_of = dict(zip(keys, tasks))
    futures = client.map(run_task, tasks, key=keys, pure=False)
    for future in as_completed(futures):
        try:
            yield future.result()
        except Exception as err:  # noqa: BLE001 - KilledWorker and the like: that edition failed, not the build
            yield failed(task_of[future.key].name, RuntimeError(f"the Dask worker failed: {type(err).__name__}: {err}"))
        finally:
            future.release()
