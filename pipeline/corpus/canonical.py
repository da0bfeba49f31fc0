"""Department names made comparable across townships: one canonical name per organ, beside the published one.

    canonical_department(name, place=(None, None, None, None)) -> Canonical(canonical, rule)
    canonical_names(rows) -> [Canonical, ...]          rows: (name, place) pairs
    place_names(place) -> the place names rule 2 removes, longest first

`place` is the edition's (province, city, district, township) from its cover
(`edition.json`), e.g. `('河南省', '洛阳市', '孟津区', '送庄镇')`. The published
name is never replaced: the canonical name is a column beside it. `rule` says
which rules changed the name, in the order they first applied, joined with `+`
(`level_prefix+place_inside+branch_suffix`), or `unchanged`.

Rules, applied in this order and again until nothing changes:

1. **Text** (`normalised`). The name as the normalisation rules' rule 1 reads
   it (radicals as ideographs, `pipeline.normalise.text.clean_with_breaks`),
   then as column titles are compared (`pipeline.lists.kind.squash_title`):
   full-width forms folded by NFKC (`（）` → `()`) and every whitespace
   removed (`区人力资源和社会保障 局` → `区人力资源和社会保障局`).
2. **Place names** (`place_prefix`, `place_inside`). The edition's province,
   city and district, each in full (`洛阳市`) and short (`洛阳`: the name
   without its level suffix — 特别行政区, 自治区, 自治州, 自治县, 自治旗, 地区,
   林区, 新区, 特区, 省, 市, 区, 县, 旗, 盟 … — and, for an autonomous area,
   without its peoples' names too: 延边朝鲜族自治州 → 延边, 新疆维吾尔自治区 →
   新疆; a short form only where at least 2 characters remain: 涉县 has none),
   and the township in full only (`送庄镇`: a township's short form is too
   often a plain word — 建设街道, 人民街道), are removed where they open the
   name (`孟津区民政局`, `郑州市金水区民政局`, `孟津黄河河务局`), or, inside it,
   where they stand right after an organ (`市公安局孟津分局`,
   `国家税务总局洛阳市孟津区税务局`), before another place name, or right
   before a unit word (分局, 支队, 大队, 中队, 调查队, 供电公司, 管理中心, 派出所
   …: `国网孟津供电公司`, `黄河湿地孟津管理中心`). Only where what remains is
   at least 2 characters and ends as an organ name ends (局, 委, 会, 部, 院, 队, 办, 室, 中心, 站, 所,
   处, 厅, 府, 公司 …), and only where the place name ends a word: a short form
   followed by a river, lake or mountain character (河江湖山海港湾岛峡) is part of
   a geographic name (`金水河…` in 金水区), unless an organ word follows (`海关`,
   `海事局`); `市中` (市中区) followed by `心` is `市中心`; and a short form is
   never tried where its full name stands (`孟津区局` keeps 孟津区, and so
   never becomes `区局`).
3. **Level prefix** (`level_prefix`). A leading level word — 自治区, 自治州,
   自治县, 自治旗, 省, 市, 区, 县, 旗, 州, 盟 — goes (`区民政局`, `县民政局`,
   `市民政局`, `旗民政局`, `自治区民政厅`) only where what remains is itself an
   organ name (at least 2 characters, an organ's ending) and the level
   character does not begin a word: 市场, 市政, 市容, 市民, 市直, 市级, 区域,
   区划, 县域, 省级, 州级, 旗帜 … (general vocabulary: `市场监督管理局` stays,
   `区市场监督管理局` → `市场监督管理局`, `市直机关工委` stays) — except where an
   organ word follows the level character (民政, 民族, 民营, 民防, 政府, 政法,
   政协, 政务, 直属 …: `市民政局` is 市 + 民政局, `市政府办公室` is 市 +
   政府办公室). 乡, 镇, 街道 are not level prefixes: the departments these
   columns name are above the township, and names begin with them as words
   (镇江市, 乡宁县, 乡村振兴局); a township's own name goes by rule 2.
4. **Party committee** (`party_committee`). A level's Party committee or
   Youth League committee is written with the level: 区委, 县委, 中共孟津区委,
   中共洛阳市委员会 → `党委`; 团区委, 团县委, 共青团孟津区委 → `团委`; what
   follows stays (`区委宣传部` → `党委宣传部`, `区委政法委` → `党委政法委`).
   Stripping the level alone would leave `委宣传部`.
5. **Branch** (`branch_suffix`). A place's branch of a higher organ is that
   place's organ: once rule 2 has removed the place, `X局分局` → `X局`
   (`市公安局孟津分局` → `公安局`, `洛阳市生态环境局孟津分局` → `生态环境局`),
   and a unit one rank down likewise (`X总队支队` → `X支队`, `X支队大队` →
   `X大队`, `X大队中队` → `X中队`: `市消防救援支队孟津大队` → `消防救援大队`, the
   name 区消防救援大队 has). A bare `X分局` naming no bureau (no 局 in X, not
   第一分局) is `X局` (`区公安分局` → `公安局`). A named sub-unit stays
   itself, place removed (`市公安局孟津分局交通警察大队` →
   `公安局交通警察大队`, never `公安局`), and
   so does a national organ's local unit, whose published name says which
   organ it belongs to (`国家统计局孟津调查队` → `国家统计局调查队`,
   `国家税务总局洛阳市孟津区税务局` → `国家税务总局税务局`, `国网孟津供电公司` →
   `国网供电公司`).
6. **Second name** in brackets. `A（B）` — an organ with a second nameplate —
   is `A'(B')`, each part by these rules (`区工业和信息化局（区民营经济发展局）`
   → `工业和信息化局(民营经济发展局)`): the second name is kept, so it is not
   the same canonical name as `区工业和信息化局`.
7. **Anything else stays as published** (`unchanged`). No two different
   organs are merged and no abbreviation is expanded: `民政局` ≠
   `人力资源和社会保障局`, `交通运输局` ≠ `交通运输管理局`, `市场监管局` ≠
   `市场监督管理局`, `政府办公室` ≠ `人民政府办公室`, `区税务局` (→ `税务局`) ≠
   `国家税务总局税务局`. Another place's name is not this edition's place and
   stays (`郑州市民政局` in a 洛阳 edition), and so does a branch whose place
   the edition does not give (`市公安局孟津分局` without a place →
   `公安局孟津分局`). The canonical name is never empty (a name with no text
   is a `ValueError`), and the canonical name of a canonical name is itself.

Throughput (`python -m pipeline.corpus.canonical`: a synthetic national corpus,
60 names a township, ~2,850 districts): 1,000,000 calls of `canonical_names`
take 3.1 s with empty caches (~320,000 names/s; 14,809 distinct keys) and
1.7 s warm (~590,000 names/s). The cache key is the name and the place names it
contains, not the township, so every township of a district shares the work.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional, Tuple

import regex as re

from pipeline.lists.kind import squash_title
from pipeline.normalise.text import clean_with_breaks

Place = Tuple[Optional[str], Optional[str], Optional[str], Optional[str]]  # province, city, district, township
NO_PLACE: Place = (None, None, None, None)


@dataclass(frozen=True)
class Canonical:
    canonical: str  # the organ's name without place and level
    rule: str  # the rules that changed it, `+`-joined in order, or "unchanged"


# ---------------------------------------------------------------- vocabulary (general, never one edition's)

# an organ name ends with one of these (局, 委员会, 办公室, 中心, 公司, 政府, 海关, 党校 …)
_ORGAN_ENDS = frozenset("局委会部院队办室心站所处团行司社厅署组馆庭联协府关校")

# rule 2: level suffixes of place names, longest first
_PLACE_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "特区", "省", "市", "区", "县", "旗", "盟")
_AUTONOMOUS = ("自治区", "自治州", "自治县", "自治旗")
# the peoples an autonomous area is named after (the 55 minority nationalities; 各族 "all peoples"):
# several characters may stand without 族 (新疆维吾尔, 伊犁哈萨克), one character only with it (宁夏回族)
_PEOPLES_LONG = (
    "柯尔克孜 乌孜别克 维吾尔 哈萨克 达斡尔 塔吉克 俄罗斯 鄂温克 塔塔尔 鄂伦春 蒙古 布依 朝鲜 土家 哈尼 傈僳 高山 拉祜 "
    "东乡 纳西 景颇 仫佬 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 德昂 保安 裕固 独龙 赫哲 门巴 珞巴 基诺"
).split()
_PEOPLES_SHORT = "回藏苗彝壮满侗瑶白傣黎佤畲水土羌怒京各"
_PEOPLES_RE = re.compile("(?:(?:" + "|".join(_PEOPLES_LONG) + ")族?|[" + _PEOPLES_SHORT + "]族)$")
# a short form followed by one of these is part of a geographic name (金水河 in 金水区) …
_GEO_CHARS = frozenset("河江湖山海港湾岛峡")
# … unless an organ word follows; these words also make a level character a prefix (rule 3)
_ORGAN_WORDS = (
    "民政", "民族", "民宗", "民委", "民营", "民防", "民兵", "政府", "政法", "政协", "政务", "直属",
    "海关", "海事", "海洋", "港务", "港航", "湖泊", "山林",
)
# a place name ending in the first character of one of these does not end a word there (市中区: 市中心)
_WORDS_ACROSS = ("中心",)
# rule 2: a place inside a name is removed right before one of these
_UNIT_WORDS = (
    "分局", "支局", "分所", "总队", "支队", "大队", "中队", "分队", "调查队", "调查总队", "供电公司", "供电局",
    "供电所", "供电中心", "分公司", "管理中心", "分中心", "管理处", "管理站", "管理所", "管理局", "税务局",
    "派出所", "人民法庭", "法庭", "检察室", "海关", "中心支行", "支行", "分行",
)
# rule 3: level words, longest first, and the words a level character begins
_LEVELS = ("自治区", "自治州", "自治县", "自治旗", "省", "市", "区", "县", "旗", "州", "盟")
_COMPOUNDS = (
    "市场", "市政", "市容", "市民", "市辖", "市属", "市直", "市级", "市域", "市郊",
    "区域", "区划", "区属", "区直", "区级", "区块",
    "县域", "县属", "县直", "县级",
    "省级", "省属", "省直", "省内", "省会",
    "州级", "州属", "州直", "州域",
    "旗级", "旗属", "旗直", "旗舰", "旗帜",
    "盟级", "盟属", "盟直",
    # the level's Party committee: rule 4's, never a level prefix
    "市委", "区委", "县委", "省委", "州委", "旗委", "盟委",
)
# rule 4
_PARTY_PREFIXES = (("中国共产党", "党委"), ("中共", "党委"), ("共青团", "团委"), ("团", "团委"), ("", "党委"))
# rule 5: a unit one rank down of its parent, once the place between them has gone
_BRANCHES = (("局分局", "局"), ("总队支队", "支队"), ("支队大队", "大队"), ("大队中队", "中队"))
_BARE_BRANCH_RE = re.compile(r"^(?!第)(?P<stem>[^局]{2,})分局$")
# rule 6
_SECOND_NAME_RE = re.compile(r"^(?P<main>[^()]+)\((?P<second>[^()]+)\)$")

_MAX_PASSES = 16  # every pass shortens the name or leaves it; a real name settles in two or three


# ---------------------------------------------------------------- rule 1


@lru_cache(maxsize=1 << 17)
def _normalised(text: str) -> str:
    """Rule 1, to its fixed point (NFKC after removing whitespace can compose again)."""
    for _ in range(_MAX_PASSES):
        new = squash_title(clean_with_breaks(text).text)
        if new == text:
            break
        text = new
    return text


# ---------------------------------------------------------------- rule 2


def _short_forms(name: str) -> list[str]:
    for suffix in _PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            forms = [base]
            if suffix in _AUTONOMOUS:
                while (m := _PEOPLES_RE.search(base)) and m.start() >= 2:
                    base = base[: m.start()]
                    forms.append(base)
            return [f for f in forms if len(f) >= 2]
    return []


@lru_cache(maxsize=1 << 16)
def _place_forms(place: Place) -> tuple[tuple[str, bool], ...]:
    """(name, is_short) of every place name rule 2 removes, longest first."""
    forms: dict[str, bool] = {}
    for level, raw in enumerate(place):
        if not raw or not raw.strip():
            continue
        full = _normalised(raw)
        if len(full) >= 2:
            forms.setdefault(full, False)
        if level < 3:  # province, city, district; never the township's short form
            for short in _short_forms(full):
                forms.setdefault(short, True)
    return tuple(sorted(forms.items(), key=lambda f: -len(f[0])))


def place_names(place: Place) -> tuple[str, ...]:
    """The place names rule 2 removes for an edition at `place`, longest first."""
    return tuple(name for name, _ in _place_forms(tuple(place)))


def _is_organ(text: str) -> bool:
    return len(text) >= 2 and text[-1] in _ORGAN_ENDS


def _may_remove_place(text: str, at: int, form: str, short: bool) -> bool:
    after = text[at + len(form) :]
    if not after or not _is_organ(text[:at] + after):
        return False
    if short:
        if after[0] in _GEO_CHARS and not after.startswith(_ORGAN_WORDS):
            return False
        if (form[-1] + after).startswith(_WORDS_ACROSS):
            return False
    return True


def _forms_at(text: str, at: int, forms):
    """The place names standing at `at`, longest first; a short form never where its full name stands."""
    seen: list[str] = []
    for form, short in forms:
        if text.startswith(form, at) and not any(s.startswith(form) for s in seen):
            seen.append(form)
            yield form, short


def _place_at_start(text: str, forms) -> str | None:
    for form, short in _forms_at(text, 0, forms):
        return text[len(form) :] if _may_remove_place(text, 0, form, short) else None
    return None


def _place_inside(text: str, forms) -> str | None:
    for at in range(1, len(text)):
        for form, short in _forms_at(text, at, forms):
            end = at + len(form)
            if text[at - 1] in _ORGAN_ENDS or text.startswith(_UNIT_WORDS, end) or _place_at_start(text[end:], forms):
                if _may_remove_place(text, at, form, short):
                    return text[:at] + text[end:]
    return None


# ---------------------------------------------------------------- rules 3 to 5


def _level_at_start(text: str) -> str | None:
    for level in _LEVELS:
        if text.startswith(level):
            rest = text[len(level) :]
            if not _is_organ(rest):
                return None
            if text.startswith(_COMPOUNDS) and not rest.startswith(_ORGAN_WORDS):
                return None
            return rest
    return None


def _party_committee(text: str, forms) -> str | None:
    for prefix, committee in _PARTY_PREFIXES:
        if not text.startswith(prefix):
            continue
        at, run = len(prefix), 0
        while True:  # the place names and level words between prefix and 委
            step = next((len(f) for f, _ in forms if text.startswith(f, at)), 0) or next(
                (len(lv) for lv in _LEVELS if text.startswith(lv, at)), 0
            )
            if not step:
                break
            at, run = at + step, run + 1
        if not run:
            continue
        if prefix and text.startswith("委员会", at):
            rest = text[at + 3 :]
        elif text.startswith("委", at) and not text.startswith("委员会", at):
            rest = text[at + 1 :]
        else:
            continue
        if rest and not _is_organ(rest):
            continue
        return committee + rest
    return None


def _branch(text: str) -> str | None:
    for branch, parent in _BRANCHES:
        if branch in text:
            return text.replace(branch, parent, 1)
    if m := _BARE_BRANCH_RE.match(text):
        return m.group("stem") + "局"
    return None


# ---------------------------------------------------------------- the rules together


def _one_pass(text: str, forms, applied: list[str]) -> str:
    steps = (
        ("party_committee", lambda t: _party_committee(t, forms)),
        ("place_prefix", lambda t: _place_at_start(t, forms)),
        ("level_prefix", _level_at_start),
        ("place_inside", lambda t: _place_inside(t, forms)),
        ("branch_suffix", _branch),
    )
    for rule, step in steps:
        while (new := step(text)) is not None and new != text:
            text = new
            if rule not in applied:
                applied.append(rule)
    return text


def _apply_rules(text: str, forms, applied: list[str]) -> str:
    if m := _SECOND_NAME_RE.match(text):  # rule 6
        main = _apply_rules(m.group("main"), forms, applied)
        second = _apply_rules(m.group("second"), forms, applied)
        return f"{main}({second})"
    for _ in range(_MAX_PASSES):
        new = _normalised(_one_pass(text, forms, applied))
        if new == text:
            break
        text = new
    return text


@lru_cache(maxsize=1 << 18)
def _canonical(name: str, forms: tuple[tuple[str, bool], ...]) -> Canonical:
    text = _normalised(name)
    if not text:  # nothing rule 1 keeps: as published
        if not name.strip():
            raise ValueError(f"no department name: {name!r}")
        return Canonical(name.strip(), "unchanged")
    applied = ["normalised"] if text != name else []
    text = _apply_rules(text, forms, applied)
    return Canonical(text, "+".join(applied) or "unchanged")


def canonical_department(name: str, place: Place = NO_PLACE) -> Canonical:
    """The canonical name of a department as an edition at `place` publishes it (rules in the module doc)."""
    text = _normalised(name)
    present = tuple(f for f in _place_forms(tuple(place)) if f[0] in text)
    return _canonical(name, present)  # keyed on the places it names: shared by every township


def canonical_names(rows: Iterable[tuple[str, Place]]) -> list[Canonical]:
    """`canonical_department` of every (name, place) row, in order."""
    normalised, place_forms, canonical = _normalised, _place_forms, _canonical
    out = []
    for name, place in rows:
        text = normalised(name)
        out.append(canonical(name, tuple(f for f in place_forms(tuple(place)) if f[0] in text)))
    return out


# ---------------------------------------------------------------- throughput


def _benchmark(calls: int = 1_000_000, seed: int = 1) -> dict[str, float]:
    """Time `canonical_names` on a synthetic national corpus: 60 names a township, as editions repeat them.

    31 provinces, ~330 cities, ~2,850 districts and counties, 40,000 townships (random
    two-character place names); per township 45 names from 120 organs with the district's
    level prefix (区/县), 10 that name its district or city (市公安局<区>分局,
    国家税务总局<市><区>税务局 …) and 5 that name nothing recognisable.
    """
    import random

    rnd = random.Random(seed)
    han = [chr(c) for c in range(0x4E00, 0x9FA5)]

    def word() -> str:
        return rnd.choice(han) + rnd.choice(han)

    organs = [word() + word() + rnd.choice(("局", "委员会", "中心", "办公室", "大队")) for _ in range(120)]
    provinces = [word() + "省" for _ in range(31)]
    cities = [(rnd.choice(provinces), word() + "市") for _ in range(330)]
    districts = [(*rnd.choice(cities), word() + rnd.choice("区县")) for _ in range(2850)]
    rows: list[tuple[str, Place]] = []
    while len(rows) < calls:
        province, city, district = rnd.choice(districts)
        place = (province, city, district, word() + "镇")
        d, c = district[:-1], city[:-1]
        rows += [(district[-1] + rnd.choice(organs), place) for _ in range(45)]
        named = (f"市公安局{d}分局", f"{city}{organs[0]}{d}分局", f"国家税务总局{city}{district}税务局",
                 f"国家统计局{d}调查队", f"{district}{organs[1]}", f"{c}{organs[2]}")
        rows += [(rnd.choice(named), place) for _ in range(10)]
        rows += [(rnd.choice(organs)[:-1] + "站", place) for _ in range(5)]
    rows = rows[:calls]
    for f in (_normalised, _place_forms, _canonical):
        f.cache_clear()
    start = time.perf_counter()
    canonical_names(rows)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    canonical_names(rows)
    warm = time.perf_counter() - start
    return {"calls": calls, "cold_s": cold, "warm_s": warm, "cold_per_s": calls / cold, "warm_per_s": calls / warm,
            "distinct_keys": _canonical.cache_info().currsize}


if __name__ == "__main__":
    result = _benchmark(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
    print(", ".join(f"{k}={v:,.2f}" if isinstance(v, float) else f"{k}={v:,}" for k, v in result.items()))
