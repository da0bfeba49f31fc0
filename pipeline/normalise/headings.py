"""Rule 7: category headings `一、党的建设（29项）`."""

from __future__ import annotations

from dataclasses import dataclass

import regex as re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100}
HEADING_RE = re.compile(
    r"^(?P<no>[零〇一二两三四五六七八九十百]+|\d+)\s*[、.．]\s*(?P<name>.+?)\s*[（(]\s*(?P<count>\d+)\s*项\s*[）)]$"
)

# how a heading starts (一、): a row holding only this much is a heading broken by a page end
HEADING_START_RE = re.compile(r"^[零〇一二两三四五六七八九十百]+\s*[、.．]")


def chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十三 → 23, 一百零五 → 105; Arabic digits pass through."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + (digit or 0)


_NUMERALS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """0-99 as Chinese numerals, as headings and Word's chineseCounting write them: 1 → 一, 12 → 十二, 23 → 二十三."""
    if n < 10:
        return _NUMERALS[n]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else _NUMERALS[tens]}十{_NUMERALS[ones] if ones else ''}"


@dataclass(frozen=True)
class Heading:
    category_no: int
    category: str
    declared_count: int | None  # None: a 类别 column's cell, which need not give （N项）


def parse_heading(text: str) -> Heading | None:
    m = HEADING_RE.match(text)
    if not m:
        return None
    return Heading(chinese_number(m.group("no")), m.group("name"), int(m.group("count")))


_NUMBERED_RE = re.compile(r"^(?P<no>[零〇一二两三四五六七八九十百]+|\d+)\s*[、.．]\s*(?P<name>.+)$")
_COUNT_RE = re.compile(r"^(?P<name>.+?)\s*[（(]\s*(?P<count>\d+)\s*项\s*[）)]$")


def column_heading(text: str, number: int) -> Heading:
    """A category as a 类别 column cell: `党的建设`, `一、党的建设` or `党的建设（29项）`.

    Without its own number the category takes `number` (its place in the
    list); without （N项） it declares no count, and only the preface's totals
    check its items.
    """
    if heading := parse_heading(text):
        return heading
    numbered = _NUMBERED_RE.match(text)
    no, name = (chinese_number(numbered["no"]), numbered["name"]) if numbered else (number, text)
    counted = _COUNT_RE.match(name)
    return Heading(no, counted["name"], int(counted["count"])) if counted else Heading(no, name, None)
