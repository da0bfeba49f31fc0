"""The cover and the preface (说明): who published the list, when, and the declared totals."""

from __future__ import annotations

from dataclasses import dataclass

import regex as re

from pipeline.errors import InputError
from pipeline.models import LIST_TITLES, DeclaredList, ListKind
from pipeline.normalise.headings import chinese_number
from pipeline.normalise.text import clean

_TITLE_RE = re.compile(r"^(?P<place>.+?)履行职责事项清单")
_DATE_RE = re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月")
_NUM = r"[\d零〇一二两三四五六七八九十百]+"
_DECLARED_RE = re.compile(
    rf"(?P<list>基本履职事项|配合履职事项|上级部门收回事项)清单(?:包括|包含|涵盖)?(?P<names>.*?)"
    rf"[，,]?\s*共\s*(?P<cats>{_NUM})\s*(?:个)?类(?:别)?\s*[，,]?\s*(?:共\s*)?(?P<total>{_NUM})\s*项"
)
_LIST_BY_WORD = {title.removesuffix("清单"): kind for kind, title in LIST_TITLES.items()}
# province-level, prefecture-level, county-level and township-level units, in that order
_PLACE_RE = re.compile(
    r"^(?P<province>.+?(?:省|自治区|特别行政区|北京市|天津市|上海市|重庆市))?"
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
    declared: dict[ListKind, DeclaredList]


def _title(paragraphs: list[str]) -> str:
    joined = clean("\n".join(paragraphs[:6]))
    m = _TITLE_RE.match(joined)
    if not m:
        raise InputError("no_title", "no title `…履行职责事项清单` on the cover: is this a duty list?")
    return m.group(0)


def _declared(text: str) -> dict[ListKind, DeclaredList]:
    declared: dict[ListKind, DeclaredList] = {}
    for m in _DECLARED_RE.finditer(text):
        names = [n for n in re.split(r"[、，,]", m.group("names")) if n]
        declared[_LIST_BY_WORD[m.group("list")]] = DeclaredList(
            category_count=chinese_number(m.group("cats")),
            total=chinese_number(m.group("total")),
            categories=names,
        )
    return declared


def parse_front_matter(paragraphs: list[str]) -> FrontMatter:
    if not paragraphs:
        raise InputError("no_front_matter", "no cover or preface before the tables: is this a duty list?")
    title = _title(paragraphs)
    text = clean("\n".join(paragraphs))
    declared = _declared(text)
    missing = [LIST_TITLES[k] for k in LIST_TITLES if k not in declared]
    if missing:
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
