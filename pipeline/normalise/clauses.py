"""Rule 3: numbered clauses (`1.…； 2.…。`) become rows."""

from __future__ import annotations

from dataclasses import dataclass

import regex as re

from pipeline.normalise.text import Cleaned

_MARKER_RE = re.compile(r"(\d{1,2})[.．、](?!\d)")
_CLAUSE_END = "；;。"


class ClauseNumberError(ValueError):
    """Published clause numbers do not start at 1, skip or repeat (e.g. 2., 3. or 1., 2., 4.)."""


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
    break or after ；。：) and when it is the next in sequence. Numbering
    that is broken — a cell opening with a number other than 1, a number out
    of sequence right after a clause end, or a number after a clause end in a
    cell that does not open with 1 — is an error rather than something to
    guess around: read as text, it would silently merge the clauses into one.
    """
    end = len(c.text) if end is None else end
    while start < end and c.text[start].isspace():
        start += 1
    found = _candidates(c, start, end)
    if not found or found[0].start != start:
        _check_unnumbered(c, found)
        return []
    if found[0].number != 1:
        raise ClauseNumberError(f"clauses numbered from {found[0].number}, clause 1 expected first: "
                                f"{_excerpt(c, found[0])}")
    markers = [found[0]]
    for cand in found[1:]:
        expected = markers[-1].number + 1
        if cand.number == expected:
            markers.append(cand)
        elif _after_clause_end(c, cand):
            raise ClauseNumberError(f"clause {expected} expected after clause {expected - 1}, found {cand.number}: "
                                    f"{_excerpt(c, cand)}")
    return markers


def _after_clause_end(c: Cleaned, marker: Marker) -> bool:
    return marker.start > 0 and c.text[marker.start - 1] in _CLAUSE_END


def _excerpt(c: Cleaned, marker: Marker, width: int = 12) -> str:
    """The text around a clause number, to find it in the cell."""
    start, end = max(0, marker.start - width), min(len(c.text), marker.end + width)
    return f"{'…' if start else ''}{c.text[start:end]}{'…' if end < len(c.text) else ''}"


def _check_unnumbered(c: Cleaned, found: list[Marker]) -> None:
    """A cell not opening with clause 1 must not number a clause after a clause end (`…；2.…`): its
    first clause has lost its number (or the cell its first clause)."""
    stray = next((m for m in found if _after_clause_end(c, m)), None)
    if stray is not None:
        raise ClauseNumberError(f"clause number {stray.number} after a clause end, in text that does not open with "
                                f"clause 1: {_excerpt(c, stray)}")


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
