"""One edition of a corpus build as a task a worker runs: extract, validate, write a staged directory.

The task is plain data (picklable for a process pool and for Dask), and so is
its result: the parent process installs the staged directory in place of the
edition's previous output (it holds the output's lock) and writes the report.
Workers write into the output directory itself, so on a cluster they must see
it, and the raw files, at the same paths (a shared file system).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import InputError, output_unwritable
from pipeline.settings import Settings


@dataclass(frozen=True)
class EditionTask:
    edition_id: str
    files: tuple[str, ...]  # absolute paths
    out_dir: str
    key: str  # the build key (pipeline.build.build_key), written beside the outputs
    settings: Settings


@dataclass
class EditionResult:
    edition_id: str
    status: str  # "built" (staged, to install), "failed"
    seconds: float
    staged: str | None = None  # the filled staged directory
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)  # one printable line each
    summary: str = ""  # "basic 119, coordinated 69, reclaimed 126 (docx, pdf agree)"
    error: str | None = None  # the one line the command line would print
    code: str | None = None  # the InputError's code; None for a bug
    message: str | None = None  # the InputError as text (without the code)

    @property
    def bug(self) -> bool:
        return self.status == "failed" and self.code is None


def failed(edition_id: str, err: BaseException, seconds: float = 0.0) -> EditionResult:
    """A failed edition: bad input (an InputError, with its code) or a bug (anything else)."""
    if isinstance(err, InputError):
        return EditionResult(edition_id, "failed", seconds, error=f"error[{err.code}]: {err}", code=err.code,
                             message=str(err))
    return EditionResult(edition_id, "failed", seconds, error=f"error: internal: {type(err).__name__}: {err}")


def run_task(task: EditionTask) -> EditionResult:
    """Extract one edition and write it to a staged directory; never raises for the edition's faults."""
    from pipeline.build import BUILD_KEY_FILE, edition_extras, extract_edition, summary_line, warning_lines
    from pipeline.write import fill_edition, staged_directory, write_key

    start = time.perf_counter()
    try:
        with task.settings.applied():
            result = extract_edition([Path(f) for f in task.files], task.edition_id)
            target = Path(task.out_dir) / task.edition_id
            try:
                staged = staged_directory(Path(task.out_dir), task.edition_id)
            except OSError as err:
                raise output_unwritable(err, target) from err
            try:
                key_file = lambda d: write_key(d / BUILD_KEY_FILE, task.key)  # noqa: E731
                fill_edition(result.edition, result.info, staged, extras=(*edition_extras(), key_file))
            except BaseException as err:
                shutil.rmtree(staged, ignore_errors=True)
                if isinstance(err, OSError):
                    raise output_unwritable(err, target) from err
                raise
    except Exception as err:  # noqa: BLE001 - isolation: the build reports it and goes on
        return failed(task.edition_id, err, time.perf_counter() - start)
    pages = [s.pages for s in result.info.sources if s.pages is not None]
    return EditionResult(
        task.edition_id, "built", time.perf_counter() - start, staged=str(staged), pages=sum(pages) if pages else None,
        warnings=warning_lines(task.edition_id, result.info.warnings), summary=summary_line(result.info, task.files),
    )
