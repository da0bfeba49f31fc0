"""Word automatic numbering, rendered as the reader sees it ("1.", "（二）", "①").

A paragraph's number is not in its text: it comes from numbering.xml through
the paragraph's (or its style's) numPr, and from how many paragraphs of the
same list came before it in document order.

A paragraph that asks for a number we cannot render (no numbering part, a
list, definition or level it does not define, a value that is no number) is
an InputError "docx_numbering": without its "1." a numbered clause would
silently merge into the one before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml.ns import qn

from pipeline.errors import InputError
from pipeline.extract.zipped import declares_dtd
from pipeline.normalise.headings import chinese_numeral

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


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
        return chinese_numeral(n)
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


_MAX_LEVEL = 8  # Word's nine levels, 0..8


@dataclass
class Numbering:
    levels: dict[tuple[str, int], Level]  # (numId, ilvl) -> level definition
    style_num: dict[str, tuple[str, int]]  # paragraph style id -> (numId, ilvl)
    nums: set[str] = field(default_factory=set)  # every numId numbering.xml defines (w:num)
    part: str = "word/numbering.xml"  # where the definitions come from, for messages
    missing: str | None = None  # why there are none: the document has no numbering part
    broken: dict[str, str] = field(default_factory=dict)  # numId -> why its definition is unusable
    counters: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document) -> "Numbering":
        styles = _style_numbering(document)
        numbering = _related_root(document, RT.NUMBERING, "w:numbering")
        if numbering is None:
            rels = document.part.partname.rels_uri.membername
            return cls({}, styles, missing=f"the document has no numbering part (no numbering relationship in {rels})")
        part, root = numbering
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.iterchildren(qn("w:abstractNum"))}
        levels: dict[tuple[str, int], Level] = {}
        broken: dict[str, str] = {}
        nums: set[str] = set()
        for num in root.iterchildren(qn("w:num")):
            num_id = num.get(qn("w:numId"))
            nums.add(num_id)
            ref = num.find(qn("w:abstractNumId"))
            abstract_id = ref.get(qn("w:val")) if ref is not None else None
            if abstract_id not in abstract:
                broken[num_id] = f"list {num_id} refers to w:abstractNum {abstract_id}, which {part} does not define"
                continue
            for lvl in abstract[abstract_id].iterchildren(qn("w:lvl")):
                levels[(num_id, _ilvl(lvl, part))] = _level(lvl, part)
            for override in num.iterchildren(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                key = (num_id, _ilvl(override, part))
                if start is not None and key in levels:
                    old = levels[key]
                    levels[key] = Level(_number(start, "w:startOverride", part), old.fmt, old.text)
        return cls(levels, styles, nums=nums, part=part, broken=broken)

    def label(self, p) -> str:
        """The rendered number of paragraph element `p`, "" when it has none."""
        key = self._num_key(p)
        if key is None:
            return ""
        level = self._level(*key)
        num_id, ilvl = key
        counts = self.counters.setdefault(num_id, [])
        counts[ilvl + 1 :] = []  # a deeper level restarts after its parent advances
        while len(counts) <= ilvl:
            counts.append(self.levels.get((num_id, len(counts)), Level(1, "decimal", "")).start - 1)
        counts[ilvl] += 1
        if level.fmt in ("bullet", "none"):
            return ""
        text = level.text
        for i, n in enumerate(counts):
            fmt = self.levels.get((num_id, i), level).fmt
            text = text.replace(f"%{i + 1}", format_number(n, fmt))
        return text

    def _level(self, num_id: str, ilvl: int) -> Level:
        """The definition a numbered paragraph asks for; InputError when there is none."""
        if (num_id, ilvl) in self.levels:
            return self.levels[(num_id, ilvl)]
        asked = f"a paragraph is numbered with list {num_id} (w:numId)"
        if self.missing:
            why = f"{asked}, but {self.missing}"
        elif num_id in self.broken:
            why = f"{asked}, but {self.broken[num_id]}"
        elif num_id in self.nums:
            why = f"{asked} at level {ilvl}, which {self.part} does not define (no w:lvl)"
        else:
            why = f"{asked}, which {self.part} does not define (no w:num)"
        raise InputError("docx_numbering", why)

    def _num_key(self, p) -> tuple[str, int] | None:
        """(numId, ilvl) the paragraph asks for, directly or through its style; None when not numbered."""
        num_pr = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        key = _num_pr_key(num_pr, "this paragraph") if num_pr is not None else None
        if key is None and style is not None:
            key = self.style_num.get(style.get(qn("w:val")))
        if key is None or key[0] == "0":  # numId 0: numbering switched off
            return None
        return key


def _num_pr_key(num_pr, part: str) -> tuple[str, int] | None:
    """(numId, ilvl) of a w:numPr; None when it names no list (then the style's applies)."""
    num_id = num_pr.find(qn("w:numId"))
    if num_id is None:
        return None
    value = num_id.get(qn("w:val"))
    if value is None:
        raise InputError("docx_numbering", f"a w:numId in {part} has no w:val")
    ilvl = num_pr.find(qn("w:ilvl"))
    return value, _ilvl(ilvl, part) if ilvl is not None else 0


def _related_root(document, reltype: str, tag: str):
    """(part name, root element) of the document's part related by `reltype`; None when it has none."""
    rels = document.part.partname.rels_uri.membername
    try:
        part = document.part.part_related_by(reltype)
    except KeyError:
        return None
    except ValueError as err:  # python-docx: more than one relationship of the type
        raise InputError("docx_unreadable", f"not a readable DOCX: {rels}: {err}") from err
    name = part.partname.membername
    if not isinstance(part, XmlPart) or part.element.tag != qn(tag):
        raise InputError("docx_unreadable", f"not a readable DOCX: {rels} relates {name}, which is not a {tag} part")
    if declares_dtd(part.element):
        raise InputError("docx_unreadable", f"not a readable DOCX: {name} declares a DTD (<!DOCTYPE>), which OOXML forbids")
    return name, part.element


def _number(el, tag: str, part: str) -> int:
    """The integer w:val of `el`; InputError when it is not one."""
    value = el.get(qn("w:val"))
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InputError("docx_numbering", f"{tag} {value!r} in {part} is not a number") from None


def _ilvl(el, part: str) -> int:
    """A level number: w:val of a w:ilvl, or the w:ilvl attribute of a w:lvl or w:lvlOverride."""
    value = el.get(qn("w:ilvl"), "0") if el.tag != qn("w:ilvl") else el.get(qn("w:val"))
    if value is None or not value.isdigit() or int(value) > _MAX_LEVEL:
        raise InputError("docx_numbering", f"numbering level {value!r} in {part} is not one of 0..{_MAX_LEVEL}")
    return int(value)


def _level(lvl, part: str) -> Level:
    def val(tag: str, default: str) -> str:
        el = lvl.find(qn(tag))
        return el.get(qn("w:val"), default) if el is not None else default

    start = lvl.find(qn("w:start"))
    return Level(_number(start, "w:start", part) if start is not None else 1, val("w:numFmt", "decimal"), val("w:lvlText", ""))


def _style_numbering(document) -> dict[str, tuple[str, int]]:
    """Paragraph style id -> (numId, ilvl) for styles that number their paragraphs."""
    styles = _related_root(document, RT.STYLES, "w:styles")
    if styles is None:
        return {}
    part, root = styles
    found = {}
    for style in root.iterchildren(qn("w:style")):
        num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        key = _num_pr_key(num_pr, part) if num_pr is not None else None
        if key is not None:
            found[style.get(qn("w:styleId"))] = key
    return found
