"""Rule 6: the 承接部门及工作方式 cell of a reclaimed item."""

from __future__ import annotations

from dataclasses import dataclass

import regex as re

from pipeline.normalise.clauses import split_clauses
from pipeline.normalise.text import clean_with_breaks, strip_markup

_METHOD_LABEL_RE = re.compile(r"工作方式\s*[：:]")
_SEPARATORS_RE = re.compile(r"[、，,\s]+")
# phrases saying the work stops altogether rather than moving to a department
_STOPS_RE = re.compile(
    r"不再开展|不再对[^，。；]*?考核|不再要求出具|不再要求|该[^，。；]*?已取消|该[^，。；]*?已废止"
    r"|不再(?:进行|实施|组织|办理|受理|承担|执行)"
)
# the reason is what precedes `，不再…` / `，该…已取消`
_REASON_END_RE = re.compile(r"[，,](?=不再|该[^，。；]*?已(?:取消|废止))")


@dataclass(frozen=True)
class Method:
    departments: list[str]
    method: str
    disposition: str
    reason: str | None
    clauses: list[tuple[str, str | None]]  # (text, department the clause opens with)


def disposition_of(method: str) -> str:
    return "discontinued" if _STOPS_RE.search(method) else "transferred"


def reason_of(method: str) -> str | None:
    m = _REASON_END_RE.search(method)
    if m is None:
        return None
    return method[: m.start()].strip() or None


def _opening_department(clause: str, departments: list[str]) -> str | None:
    return next((d for d in sorted(departments, key=len, reverse=True) if clause.startswith(d)), None)


def parse_method_cell(raw_cell: str) -> Method:
    c = clean_with_breaks(strip_markup(raw_cell))
    label = _METHOD_LABEL_RE.search(c.text)
    body_start = label.end() if label else 0
    # names are separated by 、 here; line breaks inside them are wraps (rule 1 removed them)
    departments = [d.strip() for d in _SEPARATORS_RE.split(c.text[: label.start()]) if d.strip()] if label else []
    method = c.text[body_start:].strip()
    disposition = disposition_of(method)
    clauses = [(text, _opening_department(text, departments)) for text in split_clauses(c, body_start)]
    return Method(
        departments=departments,
        method=method,
        disposition=disposition,
        reason=reason_of(method) if disposition == "discontinued" else None,
        clauses=clauses,
    )
