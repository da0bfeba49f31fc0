"""The OCR's known confusions, undone by written rules (README, "Scanned editions").

RapidOCR reads these duty lists about 99% right; what it gets wrong it gets
wrong the same ways. Each rule below undoes one such way, looks only at the
characters of one recognised line and their neighbours, and replaces one
character by one (so each character keeps its box). None knows any word of
any edition.

- `dun_hao`: 丶 (a stroke radical) read for 、 next to a Chinese character, or
  ~ ～ read for it between two.
- `full_width`: half-width ( ) ; : , read for （ ）；：， in a line of Chinese
  text: the template is set in Chinese punctuation, and the model reads the
  narrow glyphs as ASCII. Not between two Latin letters or digits (`12:30`).
- `dash`: - read for — between Chinese characters or next to another dash; 一
  read for — beside a digit with no Chinese character on its other side (the
  page number `— 11 —`).
- `bar_at_rule`: a | or 丨 standing on a vertical rule is the rule itself (done
  on the page, by position: `ocr.page_objects`).
- `stray_marks`: a dot or tick (`· . , ' ``) read at the start of a line before
  a Chinese character, or `·` at its end after one, is dust: Chinese
  typesetting never starts a line with such a mark (行首禁则), and the template
  never ends one with a middle dot. These are dropped, not replaced.
- `clause_ends`: a ， read for the ； that ends a numbered clause, before the
  next number in sequence (`1.…，2.…`: the comma and semicolon differ by a
  small tail), is ；. The numbering rule (README, rule 3) keeps a number after
  ， as text, so without this a clause would swallow the next.
- `heading_cell`: a category heading read without the 、 after its number
  (`九综合政务（9项）`) gets it back, when the number is the next category's;
  one read without its number (`、平安法治（2项）`: a lone flat 一 is often not
  detected) gets the next category's number.
- `seq_cell`: a 序号 cell read as the expected item number with marks beside it
  (dust read as `.` `·` `,`) is that number; one of marks only is empty (the
  row continues the item above). Checked against the running sequence, so it
  never makes a number the document does not have (normalise/assemble.py).
"""

from __future__ import annotations

import unicodedata

import regex as re

from pipeline.normalise.headings import chinese_number, chinese_numeral

FULL_WIDTH = {"(": "（", ")": "）", ";": "；", ":": "：", ",": "，"}
BARS = frozenset("|丨")


def is_chinese(ch: str | None) -> bool:
    """A CJK ideograph or CJK punctuation: text set in Chinese."""
    if not ch:
        return False
    if "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef":  # CJK symbols, full-width forms
        return True
    return unicodedata.name(ch, "").startswith("CJK")


def dun_hao(chars: list[str], i: int) -> str:
    """丶 next to a Chinese character is the enumeration comma 、; so is ~ or ～ between two (a range
    is set between numbers)."""
    if chars[i] == "丶" and (is_chinese(_at(chars, i - 1)) or is_chinese(_at(chars, i + 1))):
        return "、"
    if chars[i] in "~～" and _is_han(_at(chars, i - 1)) and _is_han(_at(chars, i + 1)):
        return "、"
    return chars[i]


def full_width(chars: list[str], i: int) -> str:
    """( ) ; : , in a line of Chinese text are full-width, unless set between two Latin letters or digits
    (`12:30`, `1,000`)."""
    ch = chars[i]
    if ch not in FULL_WIDTH or not any(is_chinese(c) for c in chars):
        return ch
    before, after = _at(chars, i - 1), _at(chars, i + 1)
    if before and after and before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
        return ch
    return FULL_WIDTH[ch]


def dash(chars: list[str], i: int) -> str:
    """- between Chinese characters (or dashes) is the dash —; so is 一 beside a digit with no Chinese
    character on its other side (a page number `— 11 —` read as `一11一`)."""
    before, after = _at(chars, i - 1), _at(chars, i + 1)
    if chars[i] == "一":
        digit_beside = any(c is not None and c.isdecimal() and c.isascii() for c in (before, after))
        return "—" if digit_beside and not (_is_han(before) or _is_han(after)) else "一"
    if chars[i] != "-":
        return chars[i]
    chinese_or_dash = lambda c: is_chinese(c) or c in ("-", "—")  # noqa: E731
    if chinese_or_dash(before) and chinese_or_dash(after) and (is_chinese(before) or is_chinese(after)):
        return "—"
    return "-"


RULES = (dun_hao, full_width, dash)


def seq_cell(cell: str, expected: int) -> str:
    """An OCR'd 序号 cell without stray marks, when what remains is `expected` or nothing; else as read."""
    if any(ch.isalpha() for ch in cell):  # a heading, or words: not a number with dust
        return cell
    digits = "".join(ch for ch in cell if ch.isdecimal())
    return digits if digits in ("", str(expected)) else cell


_COMMA_BEFORE_NUMBER = re.compile(r"[，,](?=[ \t]*(\d{1,2})[.．、](?!\d))")
_CLAUSE_NUMBER = re.compile(r"(?:^|[\n；;。：:])[ \t]*(\d{1,2})[.．、](?!\d)")


def clause_ends(cell: str) -> str:
    """An OCR'd cell with ， before clause number N, where clause N-1 is the last one begun, read as ；."""
    out = list(cell)
    for m in _COMMA_BEFORE_NUMBER.finditer(cell):
        begun = [int(n.group(1)) for n in _CLAUSE_NUMBER.finditer("".join(out[:m.start()]))]
        if begun and begun[-1] == int(m.group(1)) - 1:
            out[m.start()] = "；"
    return "".join(out)


_HEADING_READ = re.compile(r"^(?P<no>[一二三四五六七八九十]*)(?P<mark>[、.．~～]?)(?P<rest>\p{Han}.*[（(]\s*\d+\s*项\s*[）)])"
                           r"(?P<dust>[·.,'`]*)$")


def heading_cell(cell: str, expected: int) -> str:
    """An OCR'd cell reading as category heading number `expected` without its 、, or with dust after its
    count, made whole; one reading as a heading but for its number (`、平安法治（2项）`: a lone flat 一
    is often not detected) gets the expected number."""
    m = _HEADING_READ.match(cell.strip())
    if not m or not (m["dust"] or m["mark"] in ("", "~", "～") or not m["no"]):
        return cell
    if not m["no"]:
        return f"{chinese_numeral(expected)}{m['mark']}{m['rest']}" if m["mark"] == "、" else cell
    if chinese_number(m["no"]) == expected:
        return f"{m['no']}{m['mark'] if m['mark'] in ('.', '．') else '、'}{m['rest']}"
    return cell



DUST = frozenset("·.,'`")


def stray_marks(chars: list[str]) -> set[int]:
    """Positions of dust read as marks at the line's ends (see the module's list)."""
    drop = set()
    i = 0
    while i < len(chars) - 1 and chars[i] in DUST:
        i += 1
    if i and _is_han(chars[i]):
        drop.update(range(i))
    j = len(chars) - 1
    while j > 0 and chars[j] == "·":
        j -= 1
    if j < len(chars) - 1 and (is_chinese(chars[j]) or chars[j] in "）)"):
        drop.update(range(j + 1, len(chars)))
    return drop


def undo_confusions(text: str) -> str:
    """A recognised line with every rule applied, each to the line as the OCR read it."""
    chars = list(text)
    out = list(chars)
    for rule in RULES:
        for i in range(len(chars)):
            if out[i] == chars[i]:
                out[i] = rule(chars, i)
    return "".join(out)


def _is_han(ch: str | None) -> bool:
    return bool(ch) and ch.isalpha() and is_chinese(ch)


def _at(chars: list[str], i: int) -> str | None:
    return chars[i] if 0 <= i < len(chars) else None
