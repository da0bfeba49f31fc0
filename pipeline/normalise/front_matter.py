"""The cover and the preface (说明): who published the list, when, and the declared totals.

Some editions have neither (a county-office workbook holding only the three lists): then the
place comes from a list's own title (`河南省…送庄镇基本履职事项清单`), the month is unknown (never
guessed from elsewhere), and the declared totals come from the category headings
(`pipeline.normalise.edition`). A preface that is there but does not declare a list's totals
stays an error: its wording is one we do not read, and guessing would hide that.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex as re

from pipeline.errors import InputError
from pipeline.lists import KINDS, by_name, title_place
from pipeline.models import DeclaredList
from pipeline.normalise.headings import chinese_number
from pipeline.normalise.text import clean

_TITLE_RE = re.compile(r"^(?P<place>.+?)履行职责事项清单")
_DATE_RE = re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月")
_NUM = r"[\d零〇一二两三四五六七八九十百]+"
_DECLARED_RE = re.compile(
    # the lists' names and aliases, longest first so that 上级部门收回事项 is not read as 收回事项
    rf"(?P<list>{'|'.join(sorted((n for k in KINDS.values() for n in (k.name, *k.aliases)), key=len, reverse=True))})"
    rf"清单(?:包括|包含|涵盖)?(?P<names>.*?)"
    rf"[，,]?\s*共\s*(?P<cats>{_NUM})\s*(?:个)?类(?:别)?\s*[，,]?\s*(?:共\s*)?(?P<total>{_NUM})\s*项"
)
# province-level, prefecture-level, county-level and township-level units, in that order
_PLACE_RE = re.compile(
    # a direct-administered municipality is the province-level unit itself, with no city below it
    r"^(?P<province>北京市|天津市|上海市|重庆市|.+?(?:省|自治区|特别行政区))?"
    r"(?P<city>.+?(?:市|自治州|州|盟|地区))?"
    r"(?P<district>.+?(?:区|县|自治县|旗|市))?"
    r"(?P<township>.+?(?:镇|乡|街道办事处|街道|苏木|民族乡))$"
)


@dataclass(frozen=True)
class FrontMatter:
    title: str
    province: str | None
    city: str | None
    district: str | None
    township: str
    published: str | None
    declared: dict[str, DeclaredList]  # list key -> what the preface declares; {} without a preface


def _title(paragraphs: list[str], list_titles: list[str]) -> str:
    """The cover's title; without a cover, the edition's title made from the place a list's title names."""
    m = _TITLE_RE.match(clean("\n".join(paragraphs[:6])))
    if m:
        return m.group(0)
    place = next(filter(None, map(title_place, [*paragraphs[:6], *list_titles])), None)
    if place:
        return f"{place}履行职责事项清单"
    raise InputError("no_title", "no title `…履行职责事项清单` on the cover, nor a place named before a list's "
                     "title: is this a duty list?")


def _has_preface(paragraphs: list[str]) -> bool:
    return any("".join(p.split()) == "说明" for p in paragraphs)


def _declared(text: str) -> dict[str, DeclaredList]:
    declared: dict[str, DeclaredList] = {}
    for m in _DECLARED_RE.finditer(text):
        names = [n for n in re.split(r"[、，,]", m.group("names")) if n]
        declared[by_name(m.group("list")).key] = DeclaredList(
            category_count=chinese_number(m.group("cats")),
            total=chinese_number(m.group("total")),
            categories=names,
        )
    return declared


def parse_front_matter(paragraphs: list[str], list_titles: list[str] = ()) -> FrontMatter:
    """`list_titles`: the title lines printed above the lists' tables, read where there is no cover."""
    if not paragraphs and not any(map(title_place, list_titles)):
        raise InputError("no_front_matter", "no cover or preface before the tables: is this a duty list?")
    title = _title(paragraphs, list(list_titles))
    text = clean("\n".join(paragraphs))
    declared = _declared(text)
    missing = [k.title for k in KINDS.values() if k.key not in declared]
    if missing and (declared or _has_preface(paragraphs)):
        raise InputError("no_declared_totals", f"the preface (说明) declares no totals for {'、'.join(missing)}")
    place = _TITLE_RE.match(title).group("place")
    where = _PLACE_RE.match(place)
    date = _DATE_RE.search(text)
    return FrontMatter(
        title=title,
        province=where.group("province") if where else None,
        city=where.group("city") if where else None,
        district=where.group("district") if where else None,
        township=where.group("township") if where else place,
        published=f"{int(date['year']):04d}-{int(date['month']):02d}" if date else None,
        declared=declared,
    )
