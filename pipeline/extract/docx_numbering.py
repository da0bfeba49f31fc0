"""Word automatic numbering, rendered as the reader sees it ("1.", "（二）", "①").

A paragraph's number is not in its text: it comes from numbering.xml through
the paragraph's (or its style's) numPr, and from how many paragraphs of the
same list came before it in document order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.oxml.ns import qn

_CHINESE_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _chinese(n: int) -> str:
    if n < 10:
        return _CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CHINESE_DIGITS[tens]
    return f"{head}十{_CHINESE_DIGITS[ones] if ones else ''}"


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "japaneseCounting",
               "taiwaneseCounting", "chineseLegalSimplified"):
        return _chinese(n)
    if fmt.startswith("decimalEnclosedCircle") and 0 < n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    return str(n)


@dataclass(frozen=True)
class Level:
    start: int
    fmt: str
    text: str  # lvlText, e.g. "%1."


@dataclass
class Numbering:
    levels: dict[tuple[str, int], Level]  # (numId, ilvl) -> level definition
    style_num: dict[str, tuple[str, int]]  # paragraph style id -> (numId, ilvl)
    counters: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document) -> "Numbering":
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return cls({}, {})
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.iterchildren(qn("w:abstractNum"))}
        levels: dict[tuple[str, int], Level] = {}
        for num in root.iterchildren(qn("w:num")):
            num_id = num.get(qn("w:numId"))
            ref = num.find(qn("w:abstractNumId"))
            definition = abstract.get(ref.get(qn("w:val"))) if ref is not None else None
            for lvl in definition.iterchildren(qn("w:lvl")) if definition is not None else ():
                levels[(num_id, int(lvl.get(qn("w:ilvl"), "0")))] = _level(lvl)
            for override in num.iterchildren(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                key = (num_id, int(override.get(qn("w:ilvl"), "0")))
                if start is not None and key in levels:
                    old = levels[key]
                    levels[key] = Level(int(start.get(qn("w:val"))), old.fmt, old.text)
        return cls(levels, _style_numbering(document))

    def label(self, p) -> str:
        """The rendered number of paragraph element `p`, "" when it has none."""
        key = self._num_key(p)
        if key is None or key not in self.levels:
            return ""
        num_id, ilvl = key
        counts = self.counters.setdefault(num_id, [])
        counts[ilvl + 1 :] = []  # a deeper level restarts after its parent advances
        while len(counts) <= ilvl:
            counts.append(self.levels.get((num_id, len(counts)), Level(1, "decimal", "")).start - 1)
        counts[ilvl] += 1
        level = self.levels[key]
        if level.fmt in ("bullet", "none"):
            return ""
        text = level.text
        for i, n in enumerate(counts):
            fmt = self.levels.get((num_id, i), level).fmt
            text = text.replace(f"%{i + 1}", format_number(n, fmt))
        return text

    def _num_key(self, p) -> tuple[str, int] | None:
        num_pr = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is not None:
            num_id = num_pr.find(qn("w:numId"))
            ilvl = num_pr.find(qn("w:ilvl"))
            if num_id is None or num_id.get(qn("w:val")) == "0":
                return None
            return num_id.get(qn("w:val")), int(ilvl.get(qn("w:val"))) if ilvl is not None else 0
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        return self.style_num.get(style.get(qn("w:val"))) if style is not None else None


def _level(lvl) -> Level:
    def val(tag: str, default: str) -> str:
        el = lvl.find(qn(tag))
        return el.get(qn("w:val"), default) if el is not None else default

    return Level(int(val("w:start", "1")), val("w:numFmt", "decimal"), val("w:lvlText", ""))


def _style_numbering(document) -> dict[str, tuple[str, int]]:
    found = {}
    for style in document.styles.element.iterchildren(qn("w:style")):
        num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        num_id = num_pr.find(qn("w:numId")) if num_pr is not None else None
        if num_id is not None:
            ilvl = num_pr.find(qn("w:ilvl"))
            found[style.get(qn("w:styleId"))] = (num_id.get(qn("w:val")), int(ilvl.get(qn("w:val"))) if ilvl is not None else 0)
    return found
