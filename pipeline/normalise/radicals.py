"""CJK radical code points read as the ideographs they stand for (part of rule 1).

Many fonts draw the radical ⻔ (U+2ED4) and the character 门 (U+95E8) with one
glyph, and some PDF producers (Chromium's printing among them) then write the
radical into the text layer: the page shows 门, the text says ⻔. Running text
of a duty list has no use for radicals, so every radical with an equivalent
unified ideograph is read as that ideograph: the Kangxi Radicals block by its
compatibility decomposition, the CJK Radicals Supplement by Unicode's
EquivalentUnifiedIdeograph.txt (UCD 14.0; © Unicode, Inc., Unicode terms of
use), copied below pair by pair. Nothing else is folded: full-width punctuation
and every other character stay as printed.
"""

from __future__ import annotations

import unicodedata

# radical, then its equivalent unified ideograph (CJK Radicals Supplement, U+2E81..U+2EF3)
_SUPPLEMENT = (
    "⺁厂 ⺂乛 ⺃乚 ⺄乙 ⺅亻 ⺆冂 ⺇𠘨 ⺈刀 ⺉刂 ⺊卜 ⺋㔾 ⺌小",
    "⺍小 ⺎兀 ⺏尣 ⺐尢 ⺑𡯂 ⺒巳 ⺓幺 ⺔彑 ⺕彐 ⺖忄 ⺗心 ⺘扌",
    "⺙攵 ⺛旡 ⺜日 ⺝月 ⺞歺 ⺟母 ⺠民 ⺡氵 ⺢氺 ⺣灬 ⺤爫 ⺥爫",
    "⺦丬 ⺧牛 ⺨犭 ⺩王 ⺪𤴔 ⺫目 ⺬示 ⺭礻 ⺮𥫗 ⺯糹 ⺰纟 ⺱罓",
    "⺲罒 ⺳㓁 ⺴冗 ⺵𦉫 ⺶羊 ⺷𦍌 ⺸𦍋 ⺹耂 ⺺肀 ⺻聿 ⺼肉 ⺽𦥑",
    "⺾艹 ⺿艹 ⻀艹 ⻁虎 ⻂衤 ⻃覀 ⻄西 ⻅见 ⻆角 ⻇𧢲 ⻈讠 ⻉贝",
    "⻊𧾷 ⻋车 ⻌辶 ⻍辶 ⻎辶 ⻏邑 ⻐钅 ⻑長 ⻒镸 ⻓长 ⻔门 ⻕𨸏",
    "⻖阝 ⻗雨 ⻘青 ⻙韦 ⻚页 ⻛风 ⻜飞 ⻝食 ⻞𩙿 ⻟飠 ⻠饣 ⻡𩠐",
    "⻢马 ⻣骨 ⻤鬼 ⻥鱼 ⻦鸟 ⻧卤 ⻨麦 ⻩黄 ⻪黾 ⻫斉 ⻬齐 ⻭歯",
    "⻮齿 ⻯竜 ⻰龙 ⻱龜 ⻲亀 ⻳龟",
)

_KANGXI = range(0x2F00, 0x2FD6)  # each decomposes (NFKC) to its ideograph

TABLE: dict[int, str] = {
    **{cp: unicodedata.normalize("NFKC", chr(cp)) for cp in _KANGXI},
    **{ord(pair[0]): pair[1:] for line in _SUPPLEMENT for pair in line.split()},
}


def unify_radicals(text: str) -> str:
    """Radicals (⻔, ⼯) as the ideographs they are drawn as (门, 工); any other character unchanged."""
    return text.translate(TABLE)
