"""Rule 1 of the normalisation rules (README): markup and whitespace.

Every cell of every format passes through `strip_markup` then `clean`. The
whitespace that `clean` removes is remembered as *break positions*: a break
may have been a paragraph end, so clause numbers and department labels may
start there (see `pipeline.normalise.clauses`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache

import regex as re

from pipeline.normalise.radicals import unify_radicals

# CJK punctuation: the CJK Symbols block (、。「」《》…) minus the ideographic
# space, fullwidth forms (，：；（）！？), and the curly quotes, dashes and
# ellipsis that Chinese text uses.
_CJK_PUNCT = r"[\u3001-\u303F\uFF01-\uFF60\uFFE0-\uFFEE\u2018\u2019\u201C\u201D\u2014\u2015\u2026\u00B7]"
_HAN = r"\p{Han}"
_CJK_PUNCT_RE = re.compile(_CJK_PUNCT)
_HAN_RE = re.compile(_HAN)
_WS_RE = re.compile(r"\s+")

# Leftover HTML from web text: tags, and an <ol> whose numbers the browser drew.
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_OL_RE = re.compile(r"<ol\b[^<>]*>(?P<body>.*?)(?=</ol>|<ol\b|<p\b|</?td\b|$)", re.S | re.I)
_LI_RE = re.compile(r"<li\b[^<>]*>(.*?)(?=</li>|<li\b|$)", re.S | re.I)
_ENTITY_RE = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
# a paragraph ends at ；/; /。 followed by whitespace: how web text runs <ol> items together
_OL_ITEM_END_RE = re.compile(r"(?<=[；;。])\s+")
WRAP = "\u2028"  # LINE SEPARATOR: a line wrap the extractor is sure of (raw.py)
CLAUSE_NUMBER_RE = re.compile(r"^\s*\d{1,2}[.．、](?!\d)")


def is_cjk_punct(ch: str) -> bool:
    return bool(_CJK_PUNCT_RE.fullmatch(ch))


def _number_items(items: list[str]) -> str:
    """An automatically numbered list: give each item its rendered number."""
    items = [i.strip() for i in items if i.strip()]
    if items and all(CLAUSE_NUMBER_RE.match(i) for i in items):
        return "\n".join(items)  # the numbers are in the text already
    return "\n".join(f"{n}.{item}" for n, item in enumerate(items, 1))


def _expand_ol(match: re.Match) -> str:
    body = match.group("body")
    items = [m.group(1) for m in _LI_RE.finditer(body)]
    if not items:
        items = _OL_ITEM_END_RE.split(_TAG_RE.sub(" ", body).strip())
    return "\n" + _number_items([_TAG_RE.sub(" ", i) for i in items]) + "\n"


def strip_markup(text: str) -> str:
    """Remove leftover HTML; tags become line breaks, <ol> items get numbers."""
    if "<" not in text and "&" not in text:
        return text
    text = _OL_RE.sub(_expand_ol, text)
    text = _TAG_RE.sub("\n", text)
    return _ENTITY_RE.sub(lambda m: html.unescape(m.group(0)), text)


@dataclass(frozen=True)
class Cleaned:
    """Clean text plus the positions where whitespace stood (possible paragraph ends)."""

    text: str
    breaks: frozenset[int]
    wraps: frozenset[int] = frozenset()  # the breaks the extractor knows are line wraps (U+2028, see raw.py)

    def is_boundary(self, pos: int) -> bool:
        """Can a clause or a label start at `pos`?"""
        return pos == 0 or pos in self.breaks or self.text[pos - 1] in "。；;：:"


@lru_cache(maxsize=1 << 16)  # pairs of characters: a cell's every line break asks it
def _whitespace_goes(before: str, after: str, line_break: bool) -> bool:
    """A line wrap inside Chinese text: no space is published there."""
    if is_cjk_punct(before) or is_cjk_punct(after):
        return True
    han_before, han_after = bool(_HAN_RE.fullmatch(before)), bool(_HAN_RE.fullmatch(after))
    # a line break next to Chinese (`5000⏎人`) is a wrap; a space there (`辖 17 个`) is published
    return (han_before and han_after) or (line_break and (han_before or han_after))


def clean_with_breaks(text: str) -> Cleaned:
    """Rule 1 on markup-free text, remembering where whitespace was."""
    text = unify_radicals(text)
    out: list[str] = []
    breaks: set[int] = set()
    wraps: set[int] = set()
    pos = 0
    length = 0
    for m in _WS_RE.finditer(text):
        chunk = text[pos : m.start()]
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        if length == 0 or pos == len(text):
            continue  # leading or trailing whitespace
        space = m.group(0)
        line_break = "\n" in space or WRAP in space
        if not _whitespace_goes(text[m.start() - 1], text[m.end()], line_break):
            out.append(" ")
            length += 1
        breaks.add(length)
        if WRAP in space and "\n" not in space:
            wraps.add(length)
    out.append(text[pos:])
    return Cleaned("".join(out).strip(), frozenset(breaks), frozenset(wraps))


@lru_cache(maxsize=1 << 13)  # the assembler asks of a row's cells several times (heading? title? …)
def clean(text: str) -> str:
    """Rule 1: the published characters, markup and wrap artefacts removed."""
    return clean_with_breaks(strip_markup(text)).text


def forget_cleaned() -> None:
    """What clean() and the whitespace rule remember, forgotten: a benchmark's rounds then meet an
    edition as a process's first reading does."""
    clean.cache_clear()
    _whitespace_goes.cache_clear()


# a cell holding only a dash or a slash (or 无) says "none" rather than naming something
_PLACEHOLDER_RE = re.compile(r"^(?:[/／\\—–\-－―~～]+|无)$")


def placeholder_to_empty(text: str) -> str:
    """A cell that says "none" (`/`, `—`, `无`) as empty; any other text unchanged."""
    return "" if _PLACEHOLDER_RE.match(clean(text)) else text
