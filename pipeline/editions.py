"""Edition identity: what an edition is called, where it is, and which editions follow one another.

Every part of the pipeline that needs to know which files make one edition,
which editions are of one place, or in which order they came out asks this
module, so that `make all`'s diffs (build.py), the database's `edition_no`
(deliver/database.py) and `pipeline diff`'s same-place check (diff/load.py)
cannot disagree.

- The **edition id** is the published file's path below the input folder,
  folders and stem joined by `-`: `songzhuang-2025-07` for
  `raw/songzhuang-2025-07.pdf`, `河南省-洛阳市-孟津区-城关镇-2025-07` for
  `raw/河南省/洛阳市/孟津区/城关镇-2025-07.pdf`. Many places share a township
  name, so the folders are part of the id; they are always part of it, not only
  when two stems collide, so that an id never changes when another file is
  added. Files of one folder sharing a stem are one edition in several formats.
  A page image's stem ends with its page number, which is not part of the id
  (`城关镇-2025-07.1.jpg`, `城关镇-2025-07.2.jpg`: one scanned edition).
  The id names a directory, so it must be a plain name.
- The **place** is what the document's cover says: (province, city, district,
  township). Two editions are of one place only when all four agree, so two
  城关镇 of different provinces are different places. The file name plays no
  part.
- The **order** within a place is the document's publication month
  (`published`, YYYY-MM; undated editions last), then the edition id.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from pipeline.errors import InputError, display_path
from pipeline.extract import FORMATS, file_stem
from pipeline.outputs import RESERVED_NAMES

# a diff directory is named `<old>__<new>`, and file names end at 255 bytes
MAX_ID_BYTES = 120

Place = tuple[str | None, str | None, str | None, str]


class _Meta(Protocol):
    """What ordering needs of an edition: EditionMeta, EditionInfo or Edition."""

    edition_id: str
    province: str | None
    city: str | None
    district: str | None
    township: str
    published: str | None


Meta = TypeVar("Meta", bound=_Meta)


# ---------------------------------------------------------------- edition id


def check_edition_id(edition_id: str, *, file: Path | str | None = None) -> str:
    """The id unchanged if it is a plain name (it becomes a directory name); else InputError bad_edition_id."""
    problem = None
    if not edition_id:
        problem = "is empty"
    elif edition_id in (".", ".."):
        problem = "is a relative directory"
    elif "/" in edition_id or "\\" in edition_id:
        problem = "contains a path separator"
    elif edition_id.startswith("."):
        problem = "starts with '.' (a hidden name)"
    elif edition_id in RESERVED_NAMES:
        problem = "is the name of a directory the output holds beside the editions"
    elif not _is_utf8(edition_id):
        problem = "is not valid UTF-8"
    elif any(ord(ch) < 32 for ch in edition_id):
        problem = "contains a control character"
    elif len(edition_id.encode("utf-8")) > MAX_ID_BYTES:
        problem = f"is longer than {MAX_ID_BYTES} bytes"
    if problem:
        raise InputError(
            "bad_edition_id",
            f"edition id {display_path(edition_id)!r} {problem}: it names the output directory, so it must be a plain name "
            "like songzhuang-2025-07",
            file=file,
        )
    return edition_id


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a file name's undecodable bytes (surrogate escapes)
        return False
    return True


def edition_id_of(path: Path | str) -> str:
    """The edition id of a published file: its stem, checked."""
    path = Path(path)
    return check_edition_id(file_stem(path), file=path)


ID_JOINER = "-"


@dataclass
class Refused:
    """A published file that cannot be an edition (its path gives no usable id)."""

    path: Path
    error: InputError


@dataclass
class Found:
    """What an input tree holds: editions (id -> files) and files refused as editions."""

    editions: dict[str, list[Path]]
    refused: list[Refused]


def published_files(raw_dir: Path) -> Iterator[Path]:
    """Files with a published suffix anywhere below `raw_dir`, in sorted order.

    Hidden folders (`.git`, a writer's temporaries) are not entered; symbolic
    links to folders are not followed, so a link cannot make a loop.
    """
    for folder, subfolders, files in os.walk(raw_dir):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if path.suffix.lower() in FORMATS and path.is_file():
                yield path


def edition_id_in(raw_dir: Path, path: Path) -> str:
    """The edition id of a file below `raw_dir`: its folders and stem joined by ID_JOINER, checked."""
    relative = path.relative_to(raw_dir)
    return check_edition_id(ID_JOINER.join([*relative.parent.parts, file_stem(relative)]), file=relative)


def find_editions(raw_dir: Path | str) -> Found:
    """Published files below `raw_dir` grouped by edition id: one edition, possibly in several formats.

    Files of other types are ignored; a file whose path gives no usable id is
    refused on its own (the others still build), as are files of different
    folders that would share an id (`a-b/c.pdf` and `a/b-c.pdf`). Ids in
    sorted order, files sorted by name within each.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputError("no_editions", f"{display_path(raw_dir)} is not a directory")
    groups: dict[str, list[Path]] = {}
    refused: list[Refused] = []
    for path in published_files(raw_dir):
        try:
            groups.setdefault(edition_id_in(raw_dir, path), []).append(path)
        except InputError as err:
            refused.append(Refused(path, err))
    for edition_id, files in list(groups.items()):
        if len({f.parent for f in files}) > 1:
            shown = ", ".join(str(f.relative_to(raw_dir)) for f in files)
            message = f"edition id {edition_id!r} is given by files of different folders: {shown}"
            refused += [Refused(f, InputError("duplicate_edition", message, file=f)) for f in files]
            del groups[edition_id]
    if not groups and not refused:
        raise InputError("no_editions", f"no published files ({', '.join(sorted(FORMATS))}) in {display_path(raw_dir)}")
    return Found(dict(sorted(groups.items())), refused)


def group_files(raw_dir: Path | str) -> dict[str, list[Path]]:
    """find_editions' editions; the first refused file is an error (for callers that need every file)."""
    found = find_editions(raw_dir)
    if found.refused:
        raise found.refused[0].error
    return found.editions


# ---------------------------------------------------------------- place


def place_of(meta: _Meta) -> Place:
    """(province, city, district, township) as the edition's cover gives them."""
    return (meta.province, meta.city, meta.district, meta.township)


def same_place(a: _Meta, b: _Meta) -> bool:
    """Both editions are of one township: province, city, district and township all agree."""
    return place_of(a) == place_of(b)


def _place_sort_key(place: Place) -> tuple:
    return tuple((part is not None, part or "") for part in place)


# ---------------------------------------------------------------- order


def _edition_sort_key(meta: _Meta) -> tuple:
    return (meta.published is None, meta.published or "", meta.edition_id)


def edition_order(infos: Iterable[Meta]) -> list[list[Meta]]:
    """Editions grouped by place (places in sorted order), each group oldest first.

    Oldest first means by `published` (YYYY-MM), undated editions last, then
    by edition id. Two editions with one edition id are an error
    (`duplicate_edition`): the id names the output directory and the diff.
    """
    infos = list(infos)
    ids = [i.edition_id for i in infos]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InputError("duplicate_edition", f"edition ids used by more than one edition: {', '.join(duplicates)}")
    groups: dict[Place, list[Meta]] = {}
    for info in infos:
        groups.setdefault(place_of(info), []).append(info)
    return [sorted(groups[place], key=_edition_sort_key) for place in sorted(groups, key=_place_sort_key)]


def edition_numbers(infos: Iterable[_Meta]) -> dict[str, int]:
    """edition_id -> 1, 2, … within its place, in edition_order."""
    return {info.edition_id: n for group in edition_order(infos) for n, info in enumerate(group, 1)}


def consecutive_pairs(infos: Iterable[Meta]) -> list[tuple[Meta, Meta]]:
    """(older, newer) for each edition and the next one of its place, in edition_order."""
    return [pair for group in edition_order(infos) for pair in zip(group, group[1:])]

