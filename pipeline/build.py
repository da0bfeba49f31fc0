"""Stages wired together: extract → normalise/validate → write, per edition and for raw/."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import re
import shutil
import sys
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.compare import disagreements
from pipeline.corpus.report import REPORT, ReportRow, write_report
from pipeline.corpus.run import Runner
from pipeline.corpus.task import TaskResult
from pipeline.editions import Found, check_edition_id, consecutive_pairs, edition_id_of, find_editions
from pipeline.errors import InputError, display_path, locating, output_unwritable
from pipeline.lock import locked
from pipeline.extract import documents, extract
from pipeline.models import Edition, EditionInfo, EditionMeta, ListSummary, OcrUse, Source, Warning_
from pipeline.normalise.edition import build_edition
from pipeline.outputs import DATASET, DIFFS, diff_dirs, edition_dirs, read_edition_info
from pipeline.settings import Settings
from pipeline.write import EDITION_MARKER, check_target, install, remove_leftovers, write_edition, write_key

BUILD_KEY_FILE = ".build-key"
CATALOGUE_KEY_FILE = ".catalogue-key"


@dataclass
class Extracted:
    edition: Edition
    info: EditionInfo


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in pieces (a large published file is never held whole)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        while piece := f.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()


def _info(edition: Edition, sources: list[Source], warnings: list[Warning_]) -> EditionInfo:
    lists = {
        kind: ListSummary(
            title=edition.lists[kind].title,
            declared_category_count=edition.lists[kind].declared.category_count,
            declared_total=edition.lists[kind].declared.total,
            declared_categories=edition.lists[kind].declared.categories,
            declared_from=edition.lists[kind].declared.source,
            extracted_total=sum(len(c.items) for c in edition.lists[kind].categories),
            extracted_categories=len(edition.lists[kind].categories),
            extra_columns=edition.lists[kind].extra_columns,
        )
        for kind in edition.lists
    }
    meta = edition.model_dump(include=set(EditionMeta.model_fields))
    return EditionInfo(**meta, lists=lists, sources=sources, pipeline_version=__version__, warnings=warnings)


def extract_edition(files: list[Path], edition_id: str) -> Extracted:
    """Extract every format of one edition; they must agree record for record."""
    results = []
    for document in documents(files):
        doc = extract(document if len(document) > 1 else document[0])
        path = document[0]
        with locating(file=path):
            edition, warnings = build_edition(doc, edition_id)
        ocr = OcrUse(**dataclasses.asdict(doc.ocr)) if doc.ocr else None
        # the page images of one scan: a source each, the pages counted on the first
        sources = [Source(file=page.name, format=doc.format, sha256=sha256_of(page), pages=doc.pages if i == 0 else None,
                          ocr=ocr) for i, page in enumerate(document)]
        results.append((path, edition, warnings, sources))
    first_path, first, warnings, _ = results[0]
    for path, other, _, _ in results[1:]:
        differing = disagreements(first, other)
        if differing:
            shown = "; ".join(differing[:12]) + (f"; … {len(differing) - 12} more" if len(differing) > 12 else "")
            raise InputError("formats_disagree", f"formats disagree with {first_path.name} on {len(differing)} records: {shown}", file=path)
    sources = [source for *_, group in results for source in group]
    return Extracted(first, _info(first, sources, warnings))


def warning_lines(edition_id: str, warnings: list[Warning_]) -> list[str]:
    """One printable line per warning: `warning[code]: edition: list seq: message`."""
    lines = []
    for w in warnings:
        where = " ".join(str(p) for p in (w.list, w.seq) if p is not None)
        lines.append(f"warning[{w.code}]: {edition_id}: {where + ': ' if where else ''}{w.message}")
    return lines


def print_warnings(edition_id: str, warnings: list[Warning_]) -> None:
    for line in warning_lines(edition_id, warnings):
        print(line, file=sys.stderr)


def summary_line(info: EditionInfo, files) -> str:
    """`basic 119, coordinated 69, reclaimed 126 (docx, pdf agree)`: what an edition gave."""
    counts = ", ".join(f"{k} {v.extracted_total}" for k, v in info.lists.items())
    return f"{counts} ({', '.join(Path(f).suffix[1:] for f in files)} agree)"


def extract_to(files: list[Path], out: Path, edition_id: str | None = None, *, force: bool = False) -> Extracted:
    """`pipeline extract`: one edition's files into `out`, replaced atomically.

    The edition id defaults to the first file's; a given one is checked the same way.
    `out` is replaced only when it is a previous edition output or empty, or with `force`.
    """
    files = [Path(f) for f in files]
    edition_id = check_edition_id(edition_id) if edition_id is not None else edition_id_of(files[0])
    check_target(out, EDITION_MARKER, force=force)  # before the work, not after it
    result = extract_edition(files, edition_id)
    write_edition(result.edition, result.info, out, extras=edition_extras(), force=force)
    print_warnings(result.edition.edition_id, result.info.warnings)
    return result


def edition_extras() -> tuple:
    """Deliverables written inside the edition directory before it is moved into place."""
    from pipeline.deliver.xlsx import write_workbook
    from pipeline.report.edition import write_edition_report

    return (write_workbook, write_edition_report)


# ---------------------------------------------------------------- make all


def _code_digest() -> str:
    """Changing the pipeline's code, or a library it runs on, invalidates every edition's output."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    for name, version in dependency_versions().items():
        digest.update(f"{name}=={version}\n".encode())
    return digest.hexdigest()


def dependency_versions(dist: str = "duty-lists") -> dict[str, str]:
    """Installed version of every library the pipeline runs on, direct or indirect (pdfminer.six under pdfplumber)."""
    versions: dict[str, str] = {}
    todo = [dist]
    while todo:
        name = todo.pop()
        for requirement in importlib.metadata.requires(name) or []:
            dep = re.sub(r"[-_.]+", "-", _REQUIREMENT_NAME.match(requirement)[0]).lower()  # PEP 503 name
            if "extra ==" in requirement or dep in versions:
                continue  # optional extras (tests) do not read the files
            try:
                versions[dep] = importlib.metadata.version(dep)
            except importlib.metadata.PackageNotFoundError:
                continue  # a dependency for another platform or Python
            todo.append(dep)
    return dict(sorted(versions.items()))


_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9._-]+")


def build_key(files: list[Path], code: str) -> str:
    digest = hashlib.sha256(code.encode())
    for path in files:
        digest.update(f"{path.name}:{sha256_of(path)}\n".encode())
    return digest.hexdigest()


def build_all(raw_dir: Path, out_dir: Path, *, jobs: int = 1, scheduler: str | None = None) -> list[str]:
    """`make all`: every edition below `raw_dir`, then diffs between consecutive editions, then the
    cross-edition files, and OUT/build-report.csv.

    One edition failing never stops the others: the build goes on and ends
    with InputError editions_failed (exit 2) naming the report, or with a
    bug's error (exit 3) when an edition hit one. An unwritable output stops
    it at once. One build at a time per output directory (pipeline.lock);
    what a killed build left behind is cleared first. Returns the editions
    extracted; nothing is redone when nothing changed.
    """
    from pipeline.corpus.run import cluster_client

    out_dir = check_target(out_dir, EDITION_MARKER, force=True)  # a usable path; its contents are ours
    found = find_editions(raw_dir)  # nothing to do, or no cluster, is an error before output/ is touched
    client = cluster_client(scheduler) if scheduler else None
    with client or nullcontext(), locked(out_dir), Runner(jobs, client) as runner:
        try:
            for directory in (out_dir, out_dir / DIFFS):
                remove_leftovers(directory)
        except OSError as err:
            raise output_unwritable(err, out_dir) from err
        code = _code_digest()
        rows = build_editions(found, Path(raw_dir), out_dir, code, runner)
        try:
            diff_failures = build_diffs(out_dir, code, runner)
            build_catalogue(out_dir, code)
        finally:
            write_report(out_dir, rows)
    check_diffs(diff_failures)
    _raise_for_failures(rows, out_dir)
    return sorted(r.edition_id for r in rows if r.status == "ok")


def _raise_for_failures(rows: list[ReportRow], out_dir: Path) -> None:
    failures = [r for r in rows if r.status == "failed"]
    if not failures:
        return
    where = f"see {display_path(out_dir / REPORT)}"
    bugs = [r for r in failures if r.error.startswith("error: internal:")]
    if bugs:
        raise EditionBug(f"{len(bugs)} of {len(rows)} editions hit a bug, first {bugs[0].edition_id}: "
                         f"{bugs[0].error.removeprefix('error: internal: ')} ({where}; rerun it with `dutylists --debug extract`)")
    raise InputError("editions_failed", f"{len(failures)} of {len(rows)} editions failed ({where}); the others are written")


class EditionBug(RuntimeError):
    """An edition of a corpus build hit a bug (exit 3); the others were built."""


# ---------------------------------------------------------------- database and data package


def catalogue_key(out_dir: Path, code: str) -> str:
    """A hash of every file of every edition and diff directory present (and the code).

    The database and datapackage.json are rebuilt whenever it changes, so
    they describe exactly the directories present, however those came to be
    (a killed build, a failed one, an edition extracted or removed by hand).
    """
    digest = hashlib.sha256(code.encode())
    for directory in [*edition_dirs(out_dir), *diff_dirs(out_dir)]:
        digest.update(f"{directory.relative_to(out_dir)}\n".encode())
        for path in sorted(directory.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                digest.update(f"{path.name}:{sha256_of(path)}\n".encode())
    return digest.hexdigest()


def build_catalogue(out_dir: Path, code: str) -> bool:
    """dataset/, duties.duckdb, datapackage.json and index.html for the directories present; False when already so."""
    from pipeline.deliver.database import DATABASE, build_database
    from pipeline.deliver.datapackage import DESCRIPTOR, write_datapackage
    from pipeline.deliver.dataset import sync_dataset
    from pipeline.report.index import INDEX, write_index

    key = catalogue_key(out_dir, code)
    if _up_to_date(out_dir, key, CATALOGUE_KEY_FILE) and all((out_dir / f).exists() for f in (DATABASE, DESCRIPTOR, DATASET, INDEX)):
        return False
    try:
        (out_dir / CATALOGUE_KEY_FILE).unlink(missing_ok=True)  # stale from here until all three are written
        sync_dataset(out_dir, ((d, read_edition_info(d)) for d in edition_dirs(out_dir)))
        build_database(out_dir)
        write_datapackage(out_dir)
        write_index(out_dir)
    except OSError as err:
        raise output_unwritable(err, out_dir) from err
    write_key(out_dir / CATALOGUE_KEY_FILE, key)
    print(f"{out_dir}: {DATASET}/, {DATABASE}, {DESCRIPTOR}, {INDEX}", file=sys.stderr)
    return True


def _up_to_date(target: Path, key: str, name: str = BUILD_KEY_FILE) -> bool:
    key_file = target / name
    return key_file.is_file() and key_file.read_text().strip() == key


def diff_pairs(out_dir: Path) -> list[tuple[Path, Path]]:
    """(older, newer) edition directories to diff: consecutive editions of each place.

    Place and order come from each edition's edition.json (pipeline.editions),
    not from directory names, so they are those of the database's edition_no.
    """
    dirs = {}
    infos = []
    for directory in edition_dirs(Path(out_dir)):
        info = read_edition_info(directory)
        dirs[info.edition_id] = directory
        infos.append(info)
    return [(dirs[old.edition_id], dirs[new.edition_id]) for old, new in consecutive_pairs(infos)]


def _diff_key(code: str, old: Path, new: Path) -> str | None:
    """What a diff depends on: the code and both editions' build keys (None: an edition built elsewhere)."""
    keys = [d / BUILD_KEY_FILE for d in (old, new)]
    if not all(k.is_file() for k in keys):
        return None
    return hashlib.sha256("".join([code, *(k.read_text() for k in keys)]).encode()).hexdigest()


def build_diffs(out_dir: Path, code: str, runner: Runner | None = None) -> list[TaskResult]:
    """Each edition against the previous one of its place, into out_dir/diffs/<old>__<new>/.

    Diffs run as tasks like the editions, on the build's Runner (pipeline.corpus.run:
    in this process, a pool or a cluster). Diffs of pairs that no longer follow one another (an
    edition removed or added in between) are removed. A diff that fails is
    printed and left out, and returned: the build fails for it once everything
    else is written (check_diffs).
    """
    from pipeline.corpus.task import DiffTask

    pairs = diff_pairs(out_dir)
    diffs_dir = Path(out_dir) / DIFFS
    targets = [diffs_dir / f"{old.name}__{new.name}" for old, new in pairs]
    for stale in set(diff_dirs(out_dir)) - set(targets):
        try:
            shutil.rmtree(stale)
        except OSError as err:
            raise output_unwritable(err, stale) from err
    tasks = []
    for (old, new), target in zip(pairs, targets):
        key = _diff_key(code, old, new)
        if key is None or not _up_to_date(target, key):
            tasks.append(DiffTask(str(old), str(new), str(diffs_dir), key))
    if tasks:
        try:
            diffs_dir.mkdir(exist_ok=True)
        except OSError as err:
            raise output_unwritable(err, diffs_dir) from err
    failures = []
    for result in (runner or Runner()).run(tasks):
        if result.status == "built":
            _install(Path(result.staged), diffs_dir / result.name)
            print(f"diff {result.name.replace('__', ' → ')}: {result.summary}", file=sys.stderr)
        else:
            _raise_if_unwritable(result)
            print(f"diff {result.name}: {result.error}", file=sys.stderr)
            failures.append(result)
    return failures


def check_diffs(failures: list[TaskResult]) -> None:
    """A failed diff fails the build: as a bug (exit 3) if it was one, else as the invalid edition
    directory it read (exit 2: an edition directory changed by hand, say)."""
    if not failures:
        return
    first = failures[0]
    if any(f.bug for f in failures):
        raise EditionBug(f"{len(failures)} diffs failed, first {first.name}: {first.error}")
    raise InputError("output_invalid", f"{len(failures)} diffs failed, first {first.name}: {first.message}")


def build_editions(found: Found, raw_dir: Path, out_dir: Path, code: str, runner: Runner | None = None) -> list[ReportRow]:
    """Every edition found into out_dir/<edition_id>/, unchanged ones skipped; a report row each.

    Workers (pipeline.corpus.run) extract and write a staged directory; this
    process, which holds the output's lock, installs it. A failed edition's
    previous output is removed: the output never holds data from a file that
    no longer reads.
    """
    from pipeline.corpus.progress import Progress
    from pipeline.corpus.task import EditionTask

    relative = {edition_id: ";".join(str(f.relative_to(raw_dir)) for f in files) for edition_id, files in found.editions.items()}
    rows = [ReportRow(str(r.path.relative_to(raw_dir)), "failed", str(r.path.relative_to(raw_dir)), None, 0.0, 0,
                      f"error[{r.error.code}]: {r.error}") for r in found.refused]
    progress = Progress(len(found.editions) + len(rows))
    try:
        for row in rows:
            progress.done(row.error, failed=True)  # the error names the file, which is all the id would say
        tasks = []
        settings = Settings.current()
        for edition_id, files in found.editions.items():
            key = build_key(files, code)
            target = out_dir / edition_id
            if _up_to_date(target, key):
                info = read_edition_info(target)
                pages = [s.pages for s in info.sources if s.pages is not None]
                rows.append(ReportRow(edition_id, "unchanged", relative[edition_id], sum(pages) if pages else None, 0.0,
                                      len(info.warnings)))
                progress.done(f"{edition_id}: up to date")
                continue
            tasks.append(EditionTask(edition_id, tuple(str(f.resolve()) for f in files), str(out_dir), key, settings))
        tasks.sort(key=_task_bytes, reverse=True)  # the longest first: less time with one worker left alone
        for result in (runner or Runner()).run(tasks):
            target = out_dir / result.name
            if result.status == "built":
                _install(Path(result.staged), target)
                progress.done(f"{result.name}: {result.summary}", warnings=result.warnings)
            else:
                _raise_if_unwritable(result)
                _remove_output(target)
                progress.done(f"{result.name}: {result.error}", failed=True)
            rows.append(ReportRow(result.name, "ok" if result.status == "built" else "failed", relative[result.name],
                                  result.pages, result.seconds, len(result.warnings), result.error or ""))
    finally:
        progress.close()
    return rows


def _task_bytes(task) -> int:
    """An edition's size on disk: what its extraction time follows, roughly."""
    return sum(Path(f).stat().st_size for f in task.files)


def _raise_if_unwritable(result) -> None:
    """An unwritable output is not a task's fault: every task would fail alike, so the build stops."""
    if result.code == "output_unwritable":
        raise InputError("output_unwritable", result.message)


def _install(staged: Path, target: Path) -> None:
    try:
        install(staged, target)
    except OSError as err:
        shutil.rmtree(staged, ignore_errors=True)
        raise output_unwritable(err, target) from err


def _remove_output(target: Path) -> None:
    """A failed edition's previous output (of other bytes) goes, so nothing downstream still shows it."""
    if (target / EDITION_MARKER).is_file():
        try:
            shutil.rmtree(target)
        except OSError as err:
            raise output_unwritable(err, target) from err
