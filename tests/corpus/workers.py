"""Work functions for the pool tests, importable by worker processes (tests/ is on their path)."""

from __future__ import annotations

import os

from pipeline.corpus.task import EditionResult, EditionTask


def dies_on_crash(task: EditionTask) -> EditionResult:
    """Kills its own process for the edition named `crash` (as a segfault in a library would)."""
    if task.edition_id == "crash":
        os._exit(70)
    return EditionResult(task.edition_id, "built", 0.0, summary=f"pid {os.getpid()}")
