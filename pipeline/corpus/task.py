"""A corpus build's units of work as tasks a worker runs: one edition, or one diff.

A task is plain data (picklable for a process pool and for Dask) and so is
its result: the worker writes a staged directory beside the final one, and
the build process, which holds the output's lock, installs it and writes the
report. Workers write into the output directory itself, so on a cluster they
must see it, and the raw files, at the same paths (a shared file system).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import InputError, output_unwritable
from pipeline.settings import Settings


@dataclass
class TaskResult:
    name: str  # the edition id, or the diff's `<old>__<new>`
    status: str  # "built" (staged, to install), "failed"
    seconds: float
    staged: str | None = None  # the filled staged directory
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)  # one printable line each
    summary: str = ""  # "basic 119, coordinated 69, reclaimed 126 (docx, pdf agree)", "12 changes"
    error: str | None = None  # the one line the command line would print
    code: str | None = None  # the InputError's code; None for a bug
    message: str | None = None  # the InputError as text (without the code)

    @property
    def bug(self) -> bool:
        return self.status == "failed" and self.code is None


def failed(name: str, err: BaseException, seconds: float = 0.0) -> TaskResult:
    """A failed task: bad input (an InputError, with its code) or a bug (anything else)."""
    if isinstance(err, InputError):
        return TaskResult(name, "failed", seconds, error=f"error[{err.code}]: {err}", code=err.code, message=str(err))
    return TaskResult(name, "failed", seconds, error=f"error: internal: {type(err).__name__}: {err}")


def staged(parent: Path, name: str, fill: Callable[[Path], None]) -> Path:
    """A hidden directory of `parent` filled by `fill`; nothing is left of it if filling fails."""
    from pipeline.write import staged_directory

    target = parent / name
    try:
        directory = staged_directory(parent, name)
    except OSError as err:
        raise output_unwritable(err, target) from err
    try:
        fill(directory)
    except BaseException as err:
        shutil.rmtree(directory, ignore_errors=True)
        if isinstance(err, OSError):
            raise output_unwritable(err, target) from err
        raise
    return directory


@dataclass(frozen=True)
class EditionTask:
    edition_id: str
    files: tuple[str, ...]  # absolute paths
    out_dir: str
    key: str  # the build key (pipeline.build.build_key), written beside the outputs
    settings: Settings

    @property
    def name(self) -> str:
        return self.edition_id

    def run(self) -> TaskResult:
        """Extract the edition and write it to a staged directory; never raises for the edition's faults."""
        from pipeline.build import BUILD_KEY_FILE, edition_extras, extract_edition, summary_line, warning_lines
        from pipeline.write import fill_edition, write_key

        start = time.perf_counter()
        try:
            with self.settings.applied():
                result = extract_edition([Path(f) for f in self.files], self.edition_id)
                extras = (*edition_extras(), lambda d: write_key(d / BUILD_KEY_FILE, self.key))
                directory = staged(Path(self.out_dir), self.edition_id,
                                   lambda d: fill_edition(result.edition, result.info, d, extras))
        except Exception as err:  # noqa: BLE001 - isolation: the build reports it and goes on
            return failed(self.edition_id, err, time.perf_counter() - start)
        pages = [s.pages for s in result.info.sources if s.pages is not None]
        return TaskResult(
            self.edition_id, "built", time.perf_counter() - start, staged=str(directory),
            pages=sum(pages) if pages else None, warnings=warning_lines(self.edition_id, result.info.warnings),
            summary=summary_line(result.info, self.files),
        )


@dataclass(frozen=True)
class DiffTask:
    old_dir: str
    new_dir: str
    diffs_dir: str
    key: str | None  # what the diff depends on (pipeline.build._diff_key); None: an edition built elsewhere

    @property
    def name(self) -> str:
        return f"{Path(self.old_dir).name}__{Path(self.new_dir).name}"

    def run(self) -> TaskResult:
        """Diff the two editions into a staged directory; never raises for the editions' faults."""
        from pipeline.build import BUILD_KEY_FILE
        from pipeline.diff import diff_into
        from pipeline.write import write_key

        start = time.perf_counter()
        summary: dict = {}

        def fill(directory: Path) -> None:
            summary.update(diff_into(Path(self.old_dir), Path(self.new_dir), directory))
            if self.key is not None:
                write_key(directory / BUILD_KEY_FILE, self.key)

        try:
            directory = staged(Path(self.diffs_dir), self.name, fill)
        except Exception as err:  # noqa: BLE001 - isolation, as for an edition
            return failed(self.name, err, time.perf_counter() - start)
        return TaskResult(self.name, "built", time.perf_counter() - start, staged=str(directory),
                          summary=f"{summary.get('total', '')} changes")


Task = EditionTask | DiffTask


def run_task(task: Task) -> TaskResult:
    """What a worker runs (a top-level function: pools and Dask pickle it by name)."""
    return task.run()
