"""Duty clusters: the same duty, worded differently in different townships, grouped across editions.

    cluster_duties(items, threshold=None) -> one Membership per item: its cluster, its similarity (0-1)
    cluster_texts(counts, threshold=None) -> the same for distinct texts with their counts: what
        duties.duckdb's duty_clusters and duty_cluster_members are made of (pipeline.deliver.townships)

An item is (edition_id, list, seq, text): a basic duty's text, a coordinated or reclaimed duty's name.
Clusters never mix lists. Similarity is the diff's (pipeline/diff/match.py): rapidfuzz's normalised
Indel similarity on text without whitespace and punctuation, so a verbatim copy or one differing
only in punctuation or character width scores 1.0.

Method. Exact normalised text first: items are reduced to distinct texts per list, with counts
(townships of one province mostly print their template verbatim). The distinct texts are then
clustered by leader clustering in order of frequency (then text): each joins the most similar
representative so far scoring >= the list's threshold (the earliest on a tie), else becomes a
representative itself. The most common wording, usually the template's, thus represents its
duty, and every member is within the threshold of it. The diff's optimal assignment pairs two
editions one-to-one and does not apply to many editions; single linkage (any pair above the
threshold joins two clusters) chains different duties through intermediate wordings: on the
synthetic corpus below it merges 2 coordinated clusters (precision 0.943) where leader clustering
merges none. `cluster_id` is the list and a 64-bit hash of the representative's normalised text:
it does not depend on input order or on other clusters, so adding editions leaves an id unchanged
unless that cluster's most common wording changes; a sequence number would renumber every cluster
after a new one.

Thresholds (bench/clusters.py; tests/corpus/test_clusters.py asserts the separations): the diff's
(0.60, 0.60, 0.82) pair two editions of one township; here a threshold must keep every two
different duties of one edition apart, among many more rewordings.
- negatives, raw/songzhuang-2025-07: each item's highest similarity to another item of its list:
  basic median 0.25, 95th percentile 0.40, max 0.50 (团组织 / 妇联组织建设); coordinated names
  0.29, 0.70, max 0.73 (水 / 土壤 / 噪声 / 大气污染防治); reclaimed names 0.40, 0.75, max 0.86
  (烟花爆竹经营 / 生产企业的监督检查, which the diff's 0.82 would merge), next 0.80;
- positives: the real rewordings of the diff's tests score 0.76-0.96 (basic, 7) and 0.83-0.91
  (reclaimed, 5; the fixtures have none of a coordinated name). Generic rewordings of every
  published item (负责→做好 and other verbs, 镇→乡, 区→县, a qualifier, an element of an
  enumeration added or dropped, 工作 added or dropped; for basic duties also a clause dropped,
  appended or swapped), 5th percentile / median: one operation basic 0.71 / 0.96, coordinated
  0.77 / 0.89, reclaimed 0.86 / 0.94; two operations 0.61 / 0.91, 0.70 / 0.87, 0.83 / 0.92;
- a synthetic corpus: 50 editions, each published item printed verbatim (p = 0.6) or as one of 5
  rewordings of 1-2 operations; B-cubed precision / recall over distinct wordings (split: of the
  published duties, how many span more than one cluster):
      basic        0.50 P 0.998 R 0.998 (the 0.50 pair merges)   0.55 P 1.000 R 0.989
                   0.60 P 1.000 R 0.969, 11/119 split           0.70 P 1.000 R 0.887, 39 split
      coordinated  0.70 P 0.996 R 0.941 (a published pair merges) 0.75 P 1.000 R 0.895, 16/69 split
                   0.80 P 1.000 R 0.808, 32 split
      reclaimed    0.82 P 0.998 R 0.945 (the 0.857 pair merges)  0.86 P 1.000 R 0.875, 35/126 split
                   0.88 P 1.000 R 0.823, 47 split (and 4 of the 5 real rewordings)
  Without any verbatim copy (p = 0, the representatives are themselves rewordings) recall falls
  to 0.92, 0.71 and 0.64 and coordinated names merge (4 clusters, precision 0.978).
Chosen: basic 0.60 (the diff's; 0.10 above the closest different duties, below 95% of rewordings
of two operations); coordinated 0.75 and reclaimed 0.86, just above their closest different
duties: names are short, so their scores move in steps (one character of a 6-character name is
0.08-0.17) and 0.80 / 0.88 only cost recall. The known limits: names differing in one or two
characters are not told apart (水污染防治 and 噪声污染防治 once both carry the same qualifier), and a
reworded short name can fall below the threshold and count as a duty of its own (对违规领取80岁以上
高龄津贴的追缴 without 80岁以上: 0.83): for short names a cluster's township count is a lower bound.

Scale. Only distinct texts are compared, each against the representatives so far (rows of
distinct texts against representatives, in blocks of at most 32 MiB of scores; never an N x N
matrix), so the cost is distinct texts x clusters, not items squared; characters are recoded by
frequency so rapidfuzz compares Chinese text through its fast table (3-4x). Measured (bench/clusters.py,
2 cores shared with other jobs, load 4): 200 editions x 314 items (62,800 items, 7,476 distinct texts)
0.36-0.56 s, 11 MiB; 2,000 editions (628,000 items, 26,937 distinct) 2.4 s; 20,000 editions (6.28
million items, 73,099 distinct) 21 s, and 1.3 GB for cluster_duties' one Membership per item (the
database passes cluster_texts only the distinct texts and joins the result to the items in SQL).
20,000 distinct rewordings of the basic duties 0.4 s, 7 MiB. The worst case is every text its own
cluster: 10,000 unrelated texts 5 s, 20,000 15 s (~13 million comparisons a second, 10 MiB): a
nationwide corpus of 500,000 distinct texts in 20,000 clusters would be ~10^10 comparisons, some
13 minutes on two cores, less with more.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Iterable, Mapping, NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from pipeline.diff.match import normalise
from pipeline.lists import KINDS

# least similarity (0-1) to a cluster's representative to join it; see the module docstring
THRESHOLDS: dict[str, float] = {k.key: k.cluster_threshold for k in KINDS.values()}  # declared per list kind

# the scores of one block of texts against every representative found so far (float64) stay under this
BLOCK_BYTES = 32 * 2**20
MAX_BLOCK_ROWS = 512  # also bounds the single-threaded part: a new representative against the rest of its block


class DutyText(NamedTuple):
    """One item of one edition: a basic duty's text, a coordinated or reclaimed duty's name."""

    edition_id: str
    list: str  # "basic" | "coordinated" | "reclaimed"
    seq: int
    text: str


class Membership(NamedTuple):
    """Which cluster an item is in, and how close it is to the cluster's representative (1.0: same text)."""

    edition_id: str
    list: str
    seq: int
    cluster_id: str
    similarity: float


def cluster_id(kind: str, key: str) -> str:
    """A cluster's id: its list and a hash of its representative's normalised text.

    It depends on nothing but that text, so it stays the same when editions are added or
    removed as long as the representative (the cluster's most frequent wording) does.
    """
    return f"{kind}:{hashlib.blake2b(key.encode('utf-8'), digest_size=8).hexdigest()}"


def cluster_duties(items: Iterable[DutyText], *, threshold: float | None = None) -> list[Membership]:
    """One Membership per item, in input order. `threshold` overrides every list's THRESHOLDS entry.

    Items are (edition_id, list, seq, text) tuples; DutyText names the fields.
    """
    items = items if isinstance(items, list) else list(items)
    placed = cluster_texts(Counter((i[1], i[3]) for i in items), threshold=threshold)
    row = tuple.__new__  # a NamedTuple's own __new__ costs a third of the whole for 60,000 items
    return [row(Membership, (i[0], i[1], i[2], *placed[(i[1], i[3])][1:])) for i in items]


def cluster_texts(counts: Mapping[tuple[str, str], int], *, threshold: float | None = None) -> dict[tuple[str, str], tuple[str, str, float]]:
    """(list, printed text) -> (normalised text, cluster id, similarity), given how many items print each text.

    What cluster_duties does for items, for their distinct texts only: a corpus's database passes the
    texts with their counts and joins the result back to the items, so that memory follows the
    number of distinct wordings, not of items.
    """
    if threshold is not None and not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    unknown = {kind for kind, _ in counts} - KINDS.keys()
    if unknown:
        raise ValueError(f"unknown list(s): {', '.join(sorted(map(str, unknown)))}")
    keyed = {(kind, text): normalise(text) for kind, text in counts}
    by_key: Counter = Counter()  # (list, normalised text) -> items
    for (kind, text), n in counts.items():
        by_key[(kind, keyed[(kind, text)])] += n
    placed: dict[tuple[str, str], tuple[str, float]] = {}  # (list, key) -> (cluster id, similarity)
    for kind in KINDS:
        # most frequent wording first (the template's, usually): it becomes the representative
        order = sorted((k for kd, k in by_key if kd == kind), key=lambda k: (-by_key[(kind, k)], k))
        if not order:
            continue
        leader, score = _leaders(_dense(order), THRESHOLDS[kind] if threshold is None else threshold)
        ids = {}
        for key, lead, s in zip(order, leader.tolist(), score.tolist()):
            # 1.0 only for the representative's own text (duty_clusters' representative relies on it)
            s = 1.0 if key == order[lead] else min(round(s, 4), 0.9999)
            cid = ids[lead] if lead in ids else ids.setdefault(lead, cluster_id(kind, order[lead]))
            placed[(kind, key)] = (cid, s)
    return {(kind, text): (key, *placed[(kind, key)]) for (kind, text), key in keyed.items()}


def _dense(keys: list[str]) -> list[str]:
    """The texts with each character replaced by its frequency rank: one-to-one, so every similarity is
    unchanged, but the commonest 256 characters become code points 0-255, which rapidfuzz compares
    through a direct table instead of a hash map (3-4x faster on Chinese text)."""
    freq = Counter(c for k in keys for c in k)
    ranked = sorted(freq, key=lambda c: (-freq[c], c))
    # skip the surrogate block: those code points are not characters
    table = {ord(c): chr(i if i < 0xD800 else i + 0x800) for i, c in enumerate(ranked)}
    return [k.translate(table) for k in keys]


def _leaders(keys: list[str], threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Leader clustering of distinct texts in the given order: each joins the most similar earlier
    representative scoring >= threshold (ties: the earliest), else becomes a representative itself.

    Returns, per key, the index of its representative and its similarity (0-1) to it. The scores
    are computed in row blocks against the representatives so far (never an N x N matrix);
    a representative found inside a block is scored against the rest of the block when it appears.
    """
    n = len(keys)
    leader = np.empty(n, dtype=np.int64)
    score = np.empty(n, dtype=np.float64)
    leaders: list[int] = []
    cutoff = threshold * 100 - 1e-6  # exact comparison below, on the same 0-1 scale as the diff
    start = 0
    while start < n:
        rows = int(min(MAX_BLOCK_ROWS, max(64, BLOCK_BYTES // (8 * max(len(leaders), 1)))))
        block = keys[start : start + rows]
        best = np.zeros(len(block))
        who = np.full(len(block), -1, dtype=np.int64)
        if leaders:
            s = process.cdist(block, [keys[j] for j in leaders], scorer=fuzz.ratio, score_cutoff=cutoff,
                              dtype=np.float64, workers=-1)  # fmt: skip
            at = s.argmax(axis=1)  # first maximum: the earliest representative wins ties
            best = s[np.arange(len(block)), at] / 100.0
            who = np.asarray(leaders, dtype=np.int64)[at]
        for i in range(len(block)):
            if who[i] >= 0 and best[i] >= threshold:
                leader[start + i], score[start + i] = who[i], best[i]
                continue
            leader[start + i], score[start + i] = start + i, 1.0
            leaders.append(start + i)
            if i + 1 < len(block):  # the later texts of the block may be closer to this one
                s = process.cdist([block[i]], block[i + 1 :], scorer=fuzz.ratio, score_cutoff=cutoff,
                                  dtype=np.float64, workers=1)[0] / 100.0  # one row: threads cost more than they save
                better = s > best[i + 1 :]
                best[i + 1 :][better] = s[better]
                who[i + 1 :][better] = start + i
        start += len(block)
    return leader, score
