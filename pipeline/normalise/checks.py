"""Warnings on the text of a whole edition: valid but suspicious, kept in edition.json and printed.

Warnings about one list's cells are raised where its items are built (pipeline/lists).
"""

from __future__ import annotations

from collections import Counter
from typing import Iterator

import regex as re

from pipeline.extract.raw import OcrRun
from pipeline.fields import Warning_
from pipeline.lists import KINDS
from pipeline.models import Edition

# a lowercase Latin word between Chinese text: usually a translation slip (`遗体 and 人体器官`);
# uppercase acronyms such as APP are normal usage
_LATIN_WORD_RE = re.compile(r"(?<![A-Za-z])[a-z]{2,}(?![A-Za-z])")
_HALFWIDTH_PUNCT_RE = re.compile(r"(?<=\p{Han})[,;:?!](?=\p{Han})")


def _field_texts(item, shape: str, name: str) -> Iterator[str]:
    value = getattr(item, name)
    if shape == "text" and value is not None:
        yield value
    elif shape == "clauses":
        yield from (c.text for c in value)
    elif shape == "department_clauses":
        yield from (c.text for duties in value for c in duties.clauses)


def _texts(edition: Edition) -> Iterator[tuple[str, int, str, str]]:
    """(list, seq, field, text) for every published text of the edition."""
    for key, duty_list in edition.lists.items():
        fields = [f for f in KINDS[key].fields if f.published]
        for category in duty_list.categories:
            for item in category.items:
                for f in fields:
                    for text in _field_texts(item, f.shape, f.name):
                        yield key, item.seq, f.name, text


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
    warnings.extend(_duplicate_titles(edition))
    return warnings


def _duplicate_titles(edition: Edition) -> Iterator[Warning_]:
    for key, duty_list in edition.lists.items():
        items = [item for c in duty_list.categories for item in c.items]
        title = KINDS[key].title_field
        counts = Counter(getattr(item, title) for item in items)
        for item in items:
            if counts[getattr(item, title)] > 1:
                yield Warning_(code="duplicate_item", list=key, seq=item.seq,
                               message=f"same text as another item: {getattr(item, title)}")


def ocr_warnings(lists: dict, ocr: OcrRun) -> list[Warning_]:
    """Items read by OCR whose least sure character is below the threshold: what an analyst should
    proofread against the scan (`lists`: assemble's rows of each list)."""
    warnings = []
    for key, rows in lists.items():
        for entry in rows.entries:
            confidence = getattr(entry, "confidence", None)  # items carry one; headings do not
            if confidence is not None and confidence < ocr.proofread_below:
                warnings.append(Warning_(code="ocr_low_confidence", list=key, seq=entry.seq,
                                         message=f"read by OCR ({entry.where}), its least sure character with "
                                                 f"confidence {confidence:.2f} (below {ocr.proofread_below:.2f}): "
                                                 "proofread it against the scan"))
    return warnings
