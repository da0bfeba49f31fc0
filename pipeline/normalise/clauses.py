"""Rule 3: numbered clauses (`1.…； 2.…。`) become rows."""

from __future__ import annotations

from dataclasses import dataclass

import regex as re

from pipeline.normalise.text import Cleaned

_MARKER_RE = re.compile(r"(\d{1,2})[.．、](?!\d)")
_CLAUSE_END = "；;。"


class ClauseNumberError(ValueError):
    """Published clause numbers skip or repeat (e.g. 1., 2., 4.)."""


@dataclass(frozen=True)
class Marker:
    start: int  # where the number starts
    end: int  # where the clause text starts
    number: int


def _candidates(c: Cleaned, start: int, end: int) -> list[Marker]:
    return [
        Marker(m.start(), m.end(), int(m.group(1)))
        for m in _MARKER_RE.finditer(c.text, start, end)
        if m.start() == start or c.is_boundary(m.start())
    ]


def numbered_markers(c: Cleaned, start: int = 0, end: int | None = None) -> list[Marker]:
    """The clause numbers 1, 2, 3… of `c.text[start:end]`; [] when it is not numbered.

    A number only counts where a clause can start (cell start, after a line
    break or after ；。：) and when it is the next in sequence; a number out
    of sequence right after a clause end means the published numbering is
    broken, which is an error rather than something to guess around.
    """
    end = len(c.text) if end is None else end
    while start < end and c.text[start].isspace():
        start += 1
    found = _candidates(c, start, end)
    if not found or found[0].start != start or found[0].number != 1:
        return []
    markers = [found[0]]
    for cand in found[1:]:
        expected = markers[-1].number + 1
        if cand.number == expected:
            markers.append(cand)
        elif c.text[cand.start - 1] in _CLAUSE_END:
            raise ClauseNumberError(f"clause {expected} expected after clause {expected - 1}, found {cand.number}")
    return markers


def strip_clause(text: str) -> str:
    """A clause without surrounding space and its final ；/;/。."""
    return text.strip().rstrip(_CLAUSE_END + " ").strip()


def split_clauses(c: Cleaned, start: int = 0, end: int | None = None) -> list[str]:
    """The clauses of `c.text[start:end]`, numbers and final punctuation removed."""
    end = len(c.text) if end is None else end
    markers = numbered_markers(c, start, end)
    if not markers:
        whole = strip_clause(c.text[start:end])
        return [whole] if whole else []
    bounds = [m.start for m in markers[1:]] + [end]
    return [strip_clause(c.text[m.end : stop]) for m, stop in zip(markers, bounds)]
