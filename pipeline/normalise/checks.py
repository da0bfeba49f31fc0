"""Warnings: things that are valid but suspicious, kept in edition.json and printed."""

from __future__ import annotations

from collections import Counter
from typing import Iterator

import regex as re

from pipeline.models import Edition, Warning_
from pipeline.normalise.departments import DepartmentDutiesParse

# a lowercase Latin word between Chinese text: usually a translation slip (`遗体 and 人体器官`);
# uppercase acronyms such as APP are normal usage
_LATIN_WORD_RE = re.compile(r"(?<![A-Za-z])[a-z]{2,}(?![A-Za-z])")
_HALFWIDTH_PUNCT_RE = re.compile(r"(?<=\p{Han})[,;:?!](?=\p{Han})")


def department_warnings(seq: int, parse: DepartmentDutiesParse) -> Iterator[Warning_]:
    for dept in parse.unlisted:
        yield Warning_(
            code="department_not_listed", list="coordinated", seq=seq,
            message=f"{dept} is labelled in 上级部门职责 but missing from 对应上级部门",
        )
    for dept in parse.without_duties:
        yield Warning_(
            code="department_without_duties", list="coordinated", seq=seq,
            message=f"{dept} is listed in 对应上级部门 but has no duties in 上级部门职责",
        )
    if parse.unlabelled:
        yield Warning_(
            code="unlabelled_duties", list="coordinated", seq=seq,
            message="text in 上级部门职责 under no department label; given to every listed department",
        )


_TEXT_FIELDS = ("text", "name", "method")
_CLAUSE_FIELDS = ("township_duties", "method_clauses")


def _texts(edition: Edition) -> Iterator[tuple[str, int, str, str]]:
    """(list, seq, field, text) for every published text of the edition."""
    for kind, duty_list in edition.lists.items():
        for category in duty_list.categories:
            for item in category.items:
                for field in _TEXT_FIELDS:
                    if hasattr(item, field):
                        yield kind, item.seq, field, getattr(item, field)
                for field in _CLAUSE_FIELDS:
                    for clause in getattr(item, field, []):
                        yield kind, item.seq, field, clause.text
                for duties in getattr(item, "department_duties", []):
                    for clause in duties.clauses:
                        yield kind, item.seq, "department_duties", clause.text


_TEXT_CHECKS = (
    (_LATIN_WORD_RE, "latin_word", "Latin word"),
    (_HALFWIDTH_PUNCT_RE, "halfwidth_punctuation", "half-width punctuation"),
)


def text_warnings(edition: Edition) -> list[Warning_]:
    warnings: list[Warning_] = []
    seen: set[tuple[str, str, int, str]] = set()  # one warning per word per item
    for kind, seq, field, text in _texts(edition):
        for pattern, code, what in _TEXT_CHECKS:
            for m in pattern.finditer(text):
                if (code, kind, seq, m.group(0)) in seen:
                    continue
                seen.add((code, kind, seq, m.group(0)))
                context = text[max(0, m.start() - 8) : m.end() + 8]
                warnings.append(
                    Warning_(code=code, list=kind, seq=seq, message=f"{what} {m.group(0)!r} in {field}: …{context}…")
                )
    warnings.extend(_duplicate_names(edition))
    return warnings


def _duplicate_names(edition: Edition) -> Iterator[Warning_]:
    for kind, duty_list in edition.lists.items():
        items = [item for c in duty_list.categories for item in c.items]
        counts = Counter(getattr(item, "name", getattr(item, "text", "")) for item in items)
        for item in items:
            name = getattr(item, "name", getattr(item, "text", ""))
            if counts[name] > 1:
                yield Warning_(code="duplicate_item", list=kind, seq=item.seq, message=f"same text as another item: {name}")
