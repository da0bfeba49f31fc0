"""Rules 4 and 5: the 对应上级部门 column and the 上级部门职责 cell.

Department names are recognised two ways: names the edition itself spells out
whole somewhere (labels `部门名：` and 、-separated lists, collected
edition-wide into `known`), and the shape every department name has: a level
prefix (区, 市, 县, 国家…) and an organ suffix (局, 委, 会, 队…).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import regex as re

from pipeline.normalise.clauses import split_clauses, strip_clause
from pipeline.normalise.text import Cleaned, clean_with_breaks, is_cjk_punct, strip_markup

# organ suffixes: the last character of a department's name
_SUFFIX_CHARS = "局委会部院队办室心站所处团行司社厅署组馆庭联协）)"
# administrative level prefixes a department's name starts with
_PREFIXES = ("区", "市", "县", "省", "州", "盟", "旗", "国家", "中国", "中共", "团", "镇", "乡", "街道", "自治")
_MAX_JOIN = 12  # a name is never wrapped over more than this many fragments (two characters a line)
_SEPARATORS_RE = re.compile(r"[、，,]")
_LABEL_RE = re.compile(r"[^：:。；;，,\s]{2,120}?[：:]")


def looks_like_department(name: str) -> bool:
    return len(name) >= 3 and name.endswith(tuple(_SUFFIX_CHARS)) and name.startswith(_PREFIXES)


def _name_score(name: str, known: set[str]) -> float:
    if name in known:
        return 10
    if is_cjk_punct(name[0]):
        return -10  # `（区民营经济发展局）` continues the name above it
    ends = name.endswith(tuple(_SUFFIX_CHARS))
    starts = name.startswith(_PREFIXES)
    return {(True, True): 3, (True, False): 0, (False, True): -1, (False, False): -3}[(ends, starts)]


_WRAP_JOIN = 1.0  # a line the column's width broke is weak evidence that a name goes on below it


@dataclass(frozen=True)
class Fragment:
    text: str
    after_wrap: bool = False  # the break before it is a line wrap the extractor is sure of


def join_fragments(fragments: list[Fragment], known: set[str]) -> list[str]:
    """Rejoin names broken by line wraps: the best-scoring grouping of consecutive fragments.

    Ties go to the grouping with more names, so two complete-looking names are
    never glued together unless the edition spells them out as one; a break the
    extractor knows was a wrap counts for joining across it.
    """
    n = len(fragments)
    best: list[tuple[float, list[str]]] = [(0.0, [])] + [(float("-inf"), [])] * n
    for j in range(1, n + 1):
        for i in range(max(0, j - _MAX_JOIN), j):
            name = "".join(f.text for f in fragments[i:j])
            wraps = sum(f.after_wrap for f in fragments[i + 1 : j])
            score = best[i][0] + _name_score(name, known) + _WRAP_JOIN * wraps + 0.01
            if score > best[j][0]:
                best[j] = (score, best[i][1] + [name])
    return best[n][1]


def fragments(c: Cleaned, start: int = 0, end: int | None = None) -> list[Fragment]:
    """Pieces of `c.text[start:end]` between separators (、，) and line breaks."""
    end = len(c.text) if end is None else end
    cuts = sorted({start, end} | {b for b in c.breaks if start < b < end})
    out: list[Fragment] = []
    for a, b in zip(cuts, cuts[1:]):
        for k, piece in enumerate(_SEPARATORS_RE.split(c.text[a:b])):
            if piece.strip():
                out.append(Fragment(piece.strip(), k == 0 and a in c.wraps))
    return out


def split_department_column(raw_cell: str, known: set[str]) -> list[str]:
    """Rule 4: the 对应上级部门 cell as a list of names in published order."""
    return join_fragments(fragments(clean_with_breaks(strip_markup(raw_cell))), known)


# ---------------------------------------------------------------- labels


def _label_names(label: str, allowed: set[str]) -> list[str] | None:
    """`A、B` → [A, B] when every part is an allowed name or looks like a department."""
    names = [p for p in _SEPARATORS_RE.split(label) if p]
    ok = names and all(p in allowed or looks_like_department(p) for p in names)
    return names if ok else None


@dataclass(frozen=True)
class Label:
    start: int  # where the label starts
    end: int  # after its colon: where its clauses start
    names: tuple[str, ...]
    text: str  # the label as published, without the colon
    shared_sentence: bool = False  # `A、B和C等部门，…`: the sentence itself is the clause


def find_labels(c: Cleaned, allowed: set[str] = frozenset()) -> list[Label]:
    """Rule 5 labels `部门名：` / `A、B：` standing where a paragraph can start."""
    labels = []
    for m in _LABEL_RE.finditer(c.text):
        colon = m.end() - 1
        for p in range(m.start(), colon):
            if c.is_boundary(p) and (names := _label_names(c.text[p:colon], allowed)):
                labels.append(Label(p, m.end(), tuple(names), c.text[p:colon]))
                break
    return labels


def _names_pattern(names: Iterable[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


def find_shared_sentences(c: Cleaned, names: Iterable[str]) -> list[Label]:
    """Rule 5: `A、B和C等部门，…` at a paragraph start names the departments it is for."""
    alternatives = _names_pattern(names)
    if not alternatives:
        return []
    pattern = re.compile(rf"(?:{alternatives})(?:(?:[、和及与])(?:{alternatives}))*(?P<etc>等部门|等单位)?[，,]")
    found = []
    for m in pattern.finditer(c.text):
        if not c.is_boundary(m.start()):
            continue
        head = m.group(0)[:-1]
        if m.group("etc"):
            head = head[: -len(m.group("etc"))]
        parts = [p for p in re.split(rf"[、和及与](?={alternatives})", head) if p]
        if len(parts) >= 2 or m.group("etc"):
            found.append(Label(m.start(), m.start(), tuple(parts), head, shared_sentence=True))
    return found


# ---------------------------------------------------------------- duties cell


@dataclass
class AssignedClause:
    department: str
    text: str
    label: str | None  # as published, when it is not just the department's own name


@dataclass
class DepartmentDutiesParse:
    clauses: list[AssignedClause] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)  # labelled but not in 对应上级部门
    without_duties: list[str] = field(default_factory=list)  # listed but never labelled
    unlabelled: bool = False  # text no label claims, in a multi-department item


def _segments(c: Cleaned, departments: list[str], known: set[str]) -> list[Label]:
    labels = find_labels(c, {*departments, *known})
    sentences = find_shared_sentences(c, [*departments, *known])
    taken = [(lab.start, lab.end) for lab in labels]
    sentences = [s for s in sentences if not any(a <= s.start < b for a, b in taken)]
    return sorted(labels + sentences, key=lambda s: s.start)


def _assign(parse: DepartmentDutiesParse, names: Iterable[str], clauses: list[str], label: str | None) -> None:
    for name in names:
        shown = None if label == name else label
        parse.clauses.extend(AssignedClause(name, text, shown) for text in clauses)


def parse_department_duties(raw_cell: str, departments: list[str], known: set[str]) -> DepartmentDutiesParse:
    """Rule 5: who does what. Clauses come back in published order."""
    c = clean_with_breaks(strip_markup(raw_cell))
    parse = DepartmentDutiesParse()
    segments = _segments(c, departments, known)
    head_end = segments[0].start if segments else len(c.text)
    head = split_clauses(c, 0, head_end)
    if head:
        parse.unlabelled = len(departments) > 1
        _assign(parse, departments, head, None)
    bounds = [s.start for s in segments[1:]] + [len(c.text)]
    for seg, stop in zip(segments, bounds):
        if seg.shared_sentence:
            body = [strip_clause(c.text[seg.start : stop])]
        else:
            body = split_clauses(c, seg.end, stop)
        _assign(parse, seg.names, body, seg.text)
    named = {cl.department for cl in parse.clauses}
    parse.unlisted = [d for d in dict.fromkeys(cl.department for cl in parse.clauses) if d not in departments]
    parse.without_duties = [d for d in departments if d not in named]
    return parse


def known_names_in(raw_cells: Iterable[str]) -> set[str]:
    """Department names an edition spells out whole: the labels of its duty cells."""
    return {name for cell in raw_cells for lab in find_labels(clean_with_breaks(strip_markup(cell))) for name in lab.names}
