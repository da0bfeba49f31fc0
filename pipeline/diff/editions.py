"""Which editions to diff in a build: each one against its predecessor.

Edition directories are named after their source file stem, e.g.
songzhuang-2025-07; the same stem up to the `-YYYY-MM` suffix means the same
township.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.outputs import edition_dirs

_EDITION = re.compile(r"^(?P<place>.+)-(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$")


def previous_edition_pairs(output_dir: Path) -> list[tuple[Path, Path]]:
    """(older, newer) for consecutive editions of each township, oldest first.

    Only directories holding edition.json count, so output/diffs and stray
    folders are ignored.
    """
    by_place: dict[str, list[tuple[str, Path]]] = {}
    for path in edition_dirs(output_dir):
        found = _EDITION.match(path.name)
        if found:
            by_place.setdefault(found["place"], []).append((found["year"] + found["month"], path))
    pairs: list[tuple[Path, Path]] = []
    for place in sorted(by_place):
        editions = [p for _, p in sorted(by_place[place])]
        pairs += list(zip(editions, editions[1:]))
    return pairs
