"""Step 2: pair old items with new items by content, never by number.

Numbers shift whenever anything is inserted or removed, so they carry no
identity. Three passes, each one-to-one:

1. exact: identical normalised key (basic: text; coordinated/reclaimed: name);
2. similar, within each list: optimal assignment (Hungarian algorithm) that
   maximises the sum of (similarity - threshold) over accepted pairs, so a
   pair below the threshold is never forced and one good pair is not traded
   for two mediocre ones the way a greedy pass would;
3. across lists, among what is still unpaired: an item that left one list and
   appears in another (a reclaimed duty handed back shows up as a basic duty).

Similarity is rapidfuzz's normalised Indel similarity (fuzz.ratio / 100) on
text with whitespace and punctuation removed: Chinese has no word boundaries,
so character-level edit similarity is the right unit.

Thresholds (see tests/diff/test_match.py, which measures them on 2025-07):
- basic 0.60 and coordinated 0.60: the closest two *different* duties of one
  edition score at most 0.50 (basic) and 0.48 (coordinated, name and body
  averaged), while a real rewording of a sentence scores 0.76-0.90;
- reclaimed 0.82: its names are short and formulaic ("对…的处罚/考核"), so
  different duties get close (0.77 对未经批准进行采砂/临时建设的处罚, 0.80
  临时建设 pair); rewordings that drop or add a qualifier still score >= 0.82.
  One known pair stays ambiguous (0.86 烟花爆竹生产/经营企业): if one is
  dropped and the other added in the same edition they pair as a rename,
  which the report shows with both names;
- across lists 0.60: titles of different lists never exceed 0.55 in 2025-07
  and only leftovers of passes 1-2 take part; a reclaimed name handed back
  as a basic sentence scores 0.67-0.83.

`similarity` in the output is this score: of the names (basic: texts) for
basic and reclaimed items, of name and body for coordinated ones.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import regex
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from pipeline.diff.load import Item
from pipeline.lists import KINDS

THRESHOLDS: dict[str, float] = {k.key: k.match_threshold for k in KINDS.values()}  # declared per list kind
CROSS_LIST_THRESHOLD = 0.60
CLAUSE_THRESHOLD = 0.60  # clauses are sentences, like basic duties

# tie-breaker only: reclaimed bodies are boilerplate ("不再开展此项工作") and
# would pull different duties together, so they barely count
TIE_BREAK_WEIGHT = 0.001

_NOISE = regex.compile(r"[\s\p{P}\p{S}]+")


@dataclass(frozen=True)
class Pair:
    old: Item
    new: Item
    similarity: float


@lru_cache(maxsize=65536)
def normalise(text: str | None) -> str:
    """Comparable form: NFKC (full-width → ASCII), no whitespace or punctuation."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or ""))


def similarity(a: str | None, b: str | None) -> float:
    """0..1 character-level similarity of two texts, after normalising."""
    na, nb = normalise(a), normalise(b)
    if not na and not nb:
        return 1.0
    return fuzz.ratio(na, nb) / 100.0


def _flat(value) -> str:
    """A compared value as one string: names and clauses concatenated in published order."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return "".join(_flat(v) for v in value)


def body(item: Item) -> str:
    """Everything but the title, as one string: the fields its list kind counts as the body."""
    return "".join(_flat(item.values[f]) for f in KINDS[item.list].similarity_body)


def item_similarity(old: Item, new: Item) -> float:
    """The similarity reported and thresholded for two items of the same list."""
    title = similarity(old.title, new.title)
    weight = KINDS[old.list].body_weight
    if weight:
        return (1 - weight) * title + weight * similarity(body(old), body(new))
    return title


def assign(scores: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """Optimal one-to-one pairs (row, col) with score >= threshold.

    Maximises the sum of (score - threshold): staying unpaired is worth 0, so
    no pair under the threshold is ever chosen to complete the assignment.
    """
    if scores.size == 0:
        return []
    gain = np.where(scores >= threshold, scores - threshold + 1e-9, 0.0)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols) if gain[r, c] > 0]


def _exact(old: list[Item], new: list[Item]) -> tuple[list[Pair], list[Item], list[Item]]:
    """Pass 1: same normalised title; repeats pair up in published order."""
    waiting: dict[str, list[Item]] = {}
    for item in new:
        waiting.setdefault(normalise(item.title), []).append(item)
    pairs, left_old = [], []
    for item in old:
        bucket = waiting.get(normalise(item.title))
        if bucket:
            partner = bucket.pop(0)
            pairs.append(Pair(item, partner, round(item_similarity(item, partner), 4)))
        else:
            left_old.append(item)
    paired_new = {id(p.new) for p in pairs}
    return pairs, left_old, [i for i in new if id(i) not in paired_new]


def _similar(old: list[Item], new: list[Item], threshold: float, score) -> list[Pair]:
    """Pass 2/3: optimal assignment on a similarity matrix."""
    scores = np.array([[score(o, n) for n in new] for o in old], dtype=float).reshape(len(old), len(new))
    # a tiny body term breaks ties between equally similar titles, never the threshold
    ties = np.array(
        [[similarity(body(o), body(n)) if o.list == n.list else 0.0 for n in new] for o in old], dtype=float
    ).reshape(len(old), len(new))
    chosen = assign(scores + TIE_BREAK_WEIGHT * ties * (scores >= threshold), threshold)
    return [Pair(old[r], new[c], round(float(scores[r, c]), 4)) for r, c in chosen]


def _cross_score(old: Item, new: Item) -> float:
    # only moves between lists count here; within-list pairs were settled in pass 2
    return similarity(old.title, new.title) if old.list != new.list else 0.0


def match(old: dict[str, list[Item]], new: dict[str, list[Item]]) -> tuple[list[Pair], list[Item], list[Item]]:
    """All pairs, then the old items left unpaired (removed) and new ones (added)."""
    pairs: list[Pair] = []
    left_old: list[Item] = []
    left_new: list[Item] = []
    for kind in KINDS:
        exact, lo, ln = _exact(old.get(kind, []), new.get(kind, []))
        similar = _similar(lo, ln, THRESHOLDS[kind], item_similarity)
        done = {id(p.old) for p in similar} | {id(p.new) for p in similar}
        pairs += exact + similar
        left_old += [i for i in lo if id(i) not in done]
        left_new += [i for i in ln if id(i) not in done]
    exact, lo, ln = _exact_across(left_old, left_new)
    moved = _similar(lo, ln, CROSS_LIST_THRESHOLD, _cross_score)
    done = {id(p.old) for p in moved} | {id(p.new) for p in moved}
    pairs += exact + moved
    return pairs, [i for i in lo if id(i) not in done], [i for i in ln if id(i) not in done]


def _exact_across(old: list[Item], new: list[Item]) -> tuple[list[Pair], list[Item], list[Item]]:
    """Pass 3's exact step: same title in another list."""
    pairs, left_old, taken = [], [], set()
    for item in old:
        partner = next(
            (n for n in new if id(n) not in taken and n.list != item.list and normalise(n.title) == normalise(item.title)),
            None,
        )
        if partner is None:
            left_old.append(item)
        else:
            taken.add(id(partner))
            pairs.append(Pair(item, partner, 1.0))
    return pairs, left_old, [n for n in new if id(n) not in taken]


def match_clauses(old: tuple[str, ...], new: tuple[str, ...]) -> list[tuple[int | None, int | None, float]]:
    """Pair clauses by content: (old index, new index, similarity); None = added/removed."""
    out: list[tuple[int | None, int | None, float]] = []
    waiting: dict[str, list[int]] = {}
    for j, text in enumerate(new):
        waiting.setdefault(normalise(text), []).append(j)
    left_old = []
    for i, text in enumerate(old):
        bucket = waiting.get(normalise(text))
        if bucket:
            out.append((i, bucket.pop(0), 1.0))
        else:
            left_old.append(i)
    left_new = sorted(j for js in waiting.values() for j in js)
    scores = np.array([[similarity(old[i], new[j]) for j in left_new] for i in left_old]).reshape(
        len(left_old), len(left_new)
    )
    for r, c in assign(scores, CLAUSE_THRESHOLD):
        out.append((left_old[r], left_new[c], round(float(scores[r, c]), 4)))
    paired_old = {i for i, _, _ in out}
    paired_new = {j for _, j, _ in out}
    out += [(i, None, 0.0) for i in left_old if i not in paired_old]
    out += [(None, j, 0.0) for j in left_new if j not in paired_new]
    return out
