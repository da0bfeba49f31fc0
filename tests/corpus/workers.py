"""Work functions for the pool tests, importable by worker processes (tests/ is on their path)."""

from __future__ import annotations

import os

from pipeline.corpus.task import TaskResult, EditionTask


def dies_on_crash(task: EditionTask) -> TaskResult:
    """Kills its own process for the edition named `crash` (as a segfault in a library would)."""
    if task.edition_id == "crash":
        os._exit(70)
    return TaskResult(task.name, "built", 0.0, summary=f"pid {os.getpid()}")
