"""Stages wired together: extract → normalise/validate → write, per edition and for raw/."""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.compare import disagreements
from pipeline.editions import check_edition_id, consecutive_pairs, edition_id_of, group_files
from pipeline.errors import InputError
from pipeline.extract import extract
from pipeline.models import Edition, EditionInfo, EditionMeta, ListSummary, Source, Warning_
from pipeline.normalise.edition import build_edition
from pipeline.outputs import edition_dirs, read_edition_info
from pipeline.write import write_edition

BUILD_KEY_FILE = ".build-key"


@dataclass
class Extracted:
    edition: Edition
    info: EditionInfo


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _info(edition: Edition, sources: list[Source], warnings: list[Warning_]) -> EditionInfo:
    lists = {
        kind: ListSummary(
            title=edition.lists[kind].title,
            declared_category_count=edition.lists[kind].declared.category_count,
            declared_total=edition.lists[kind].declared.total,
            declared_categories=edition.lists[kind].declared.categories,
            extracted_total=sum(len(c.items) for c in edition.lists[kind].categories),
            extracted_categories=len(edition.lists[kind].categories),
        )
        for kind in edition.lists
    }
    meta = edition.model_dump(include=set(EditionMeta.model_fields))
    return EditionInfo(**meta, lists=lists, sources=sources, pipeline_version=__version__, warnings=warnings)


def extract_edition(files: list[Path], edition_id: str) -> Extracted:
    """Extract every format of one edition; they must agree record for record."""
    results = []
    for path in files:
        doc = extract(path)
        try:
            edition, warnings = build_edition(doc, edition_id)
        except InputError as err:
            raise err.located(file=path)
        source = Source(file=path.name, format=doc.format, sha256=sha256_of(path), pages=doc.pages)
        results.append((path, edition, warnings, source))
    first_path, first, warnings, _ = results[0]
    for path, other, _, _ in results[1:]:
        differing = disagreements(first, other)
        if differing:
            shown = "; ".join(differing[:12]) + (f"; … {len(differing) - 12} more" if len(differing) > 12 else "")
            raise InputError("formats_disagree", f"formats disagree with {first_path.name} on {len(differing)} records: {shown}", file=path)
    sources = [source for *_, source in results]
    return Extracted(first, _info(first, sources, warnings))


def print_warnings(edition_id: str, warnings: list[Warning_]) -> None:
    for w in warnings:
        where = " ".join(str(p) for p in (w.list, w.seq) if p is not None)
        print(f"warning[{w.code}]: {edition_id}: {where}: {w.message}", file=sys.stderr)


def extract_to(files: list[Path], out: Path, edition_id: str | None = None) -> Extracted:
    """`pipeline extract`: one edition's files into `out`, replaced atomically.

    The edition id defaults to the first file's; a given one is checked the same way.
    """
    files = [Path(f) for f in files]
    edition_id = check_edition_id(edition_id) if edition_id is not None else edition_id_of(files[0])
    result = extract_edition(files, edition_id)
    write_edition(result.edition, result.info, out, extras=_edition_extras())
    print_warnings(result.edition.edition_id, result.info.warnings)
    return result


def _edition_extras() -> tuple:
    """Deliverables written inside the edition directory before it is moved into place."""
    from pipeline.deliver.xlsx import write_workbook

    return (write_workbook,)


# ---------------------------------------------------------------- make all


def _code_digest() -> str:
    """Changing the pipeline's code invalidates every edition's output."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_key(files: list[Path], code: str) -> str:
    digest = hashlib.sha256(code.encode())
    for path in files:
        digest.update(f"{path.name}:{sha256_of(path)}\n".encode())
    return digest.hexdigest()


def build_all(raw_dir: Path, out_dir: Path) -> list[str]:
    """`make all`: editions, then diffs between consecutive editions, then the cross-edition files.

    Returns the editions extracted; nothing is redone when nothing changed.
    """
    code = _code_digest()
    built = build_editions(raw_dir, out_dir, code)
    diffed = build_diffs(out_dir, code)
    if built or diffed or not (Path(out_dir) / "duties.duckdb").is_file():
        from pipeline.deliver.database import build_database
        from pipeline.deliver.datapackage import write_datapackage

        build_database(Path(out_dir))
        write_datapackage(Path(out_dir))
        print(f"{out_dir}: duties.duckdb, datapackage.json", file=sys.stderr)
    return built


def _up_to_date(target: Path, key: str) -> bool:
    key_file = target / BUILD_KEY_FILE
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


def build_diffs(out_dir: Path, code: str) -> list[str]:
    """Each edition against the previous one of its place, into out_dir/diffs/<old>__<new>/."""
    from pipeline.diff import run_diff

    done = []
    for old, new in diff_pairs(out_dir):
        target = Path(out_dir) / "diffs" / f"{old.name}__{new.name}"
        key = _diff_key(code, old, new)
        if key is not None and _up_to_date(target, key):
            continue
        summary = run_diff(old, new, target)
        if key is not None:
            (target / BUILD_KEY_FILE).write_text(key + "\n")
        print(f"diff {old.name} → {new.name}: {summary.get('total', '')} changes", file=sys.stderr)
        done.append(target.name)
    return done


def build_editions(raw_dir: Path, out_dir: Path, code: str) -> list[str]:
    """Every edition in raw/ into out_dir/<edition_id>/; unchanged ones are skipped."""
    built = []
    for edition_id, files in group_files(raw_dir).items():
        target = Path(out_dir) / edition_id
        key = build_key(files, code)
        if _up_to_date(target, key):
            print(f"{edition_id}: up to date", file=sys.stderr)
            continue
        result = extract_edition(files, edition_id)
        write_edition(
            result.edition, result.info, target,
            extras=(*_edition_extras(), lambda d, key=key: (d / BUILD_KEY_FILE).write_text(key + "\n")),
        )
        print_warnings(edition_id, result.info.warnings)
        counts = ", ".join(f"{k} {v.extracted_total}" for k, v in result.info.lists.items())
        print(f"{edition_id}: {counts} ({', '.join(f.suffix[1:] for f in files)} agree)", file=sys.stderr)
        built.append(edition_id)
    return built
