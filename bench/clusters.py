"""Measure pipeline/corpus/clusters.py: the thresholds on the published edition, clustering quality on a
synthetic corpus with known ground truth, and time and memory at scale.

    python -m bench.clusters [--seed 1] [--runs 3] [--quick]

1. negatives: every item of one list of raw/songzhuang-2025-07 is a different duty: per item, its highest
   similarity to another item of the list (the closest a different duty gets);
2. positives: the real rewordings of the diff tests (tests/diff/test_match.py MUST_MATCH,
   tests/diff/test_changes.py), and generic rewording operations applied to every published item;
3. quality: a corpus of editions built from the published items, each item verbatim or one of K
   rewordings of it (ground truth: the published item it came from), clustered at candidate thresholds:
   B-cubed precision (how pure an item's cluster is) and recall (how much of its duty is in its cluster),
   published duties merged with another, duties split over several clusters;
4. scale: 200 editions x 314 items; 10,000+ distinct texts per list (rewordings), and as many
   unrelated texts (every one its own cluster: the quadratic worst case of leader clustering).

Rewordings come from `random.Random(seed)`: the figures are reproducible.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from pipeline.corpus.clusters import THRESHOLDS, DutyText, cluster_duties, cluster_texts
from pipeline.diff.match import normalise, similarity

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "raw" / "songzhuang-2025-07.txt"
LIST_TITLES = {"基本履职事项清单": "basic", "配合履职事项清单": "coordinated", "上级部门收回事项清单": "reclaimed"}
CANDIDATES = {"basic": (0.50, 0.55, 0.60, 0.70), "coordinated": (0.60, 0.70, 0.75, 0.80), "reclaimed": (0.82, 0.86, 0.88)}

# real rewordings (old, new) from the diff's tests: tests/diff/test_match.py MUST_MATCH and test_changes.py
REAL_REWORDINGS = {
    "basic": [
        ("负责地方史志、年鉴等资料的收集整理。", "负责地方史志、年鉴、村志等资料的收集、整理和编纂工作。"),
        ("负责档案的收集、归档、管理、移交等工作。", "负责档案的收集、整理、归档、保管、利用、移交等工作。"),
        ("负责内部财务审计和工程审计。", "负责内部财务审计。"),
        ("负责内部财务审计和工程审计。", "负责内部财务审计、工程审计。"),
        ("按照干部管理权限做好干部的选用、教育、考核、监督等工作，加强退休干部的管理及服务。",
         "按照干部管理权限做好干部的选拔任用、教育培训、考核评价、监督等工作，加强退休干部管理服务。"),
        ("监测经济运行态势，做好经济数据的统计、分析和运用。", "监测经济运行态势，做好经济数据的统计、分析、发布和运用。"),
        ("开展征兵宣传发动，做好适龄青年报名应征工作", "开展征兵宣传发动，全面做好适龄青年报名应征工作"),
    ],
    "reclaimed": [
        ("对违规领取80岁以上高龄津贴的追缴", "对违规领取高龄津贴的追缴"),
        ("开展妇幼健康服务项目", "组织开展妇幼健康服务项目"),
        ("对辖区内托育机构的监督管理", "对托育机构的监督管理"),
        ("免费向已婚育龄夫妻提供避孕药具", "向已婚育龄夫妻免费提供避孕药具"),
        ("出具婚姻状况证明（婚姻关系证明、分居证明）", "出具婚姻状况证明（婚姻关系证明）"),
    ],
}  # fmt: skip


def published(path: Path = PUBLISHED) -> dict[str, list[str]]:
    """Each list's item texts (basic) or names (coordinated, reclaimed) of the published text form, in order."""
    out: dict[str, list[str]] = {k: [] for k in LIST_TITLES.values()}
    kind = None
    for line in path.read_text(encoding="utf-8").split("\n"):
        kind = LIST_TITLES.get(line.strip(), kind)
        row = re.match(r"(\d+)\t([^\t]+)", line)
        if kind and row:
            assert int(row[1]) == len(out[kind]) + 1, f"{kind} item {row[1]} out of order"
            out[kind].append(row[2].strip())
    return out


# --- rewording operations: what a township's copy of a provincial template changes -------------------

SYNONYMS = [("负责", "做好"), ("做好", "抓好"), ("开展", "组织开展"), ("加强", "强化"), ("推进", "推动"), ("落实", "贯彻落实"),
            ("指导", "督促指导"), ("监督管理", "监管"), ("工作", "事项"), ("协助", "配合"), ("组织", "组织开展"),
            ("监督检查", "检查"), ("管理", "管护"), ("建设", "建立")]  # fmt: skip
PLACES = [("镇", "乡"), ("镇", "街道"), ("区", "县"), ("村（社区）", "村"), ("社区", "居委会")]
QUALIFIERS = ["依法", "全面", "积极", "辖区内", "按规定", "统筹"]
ELEMENTS = ["宣传", "统计", "培训", "登记", "排查", "上报"]
CLAUSES = ["做好相关服务保障工作", "完成上级交办的其他任务", "建立工作台账"]
_CLAUSE = re.compile(r"[，；]")
_ELEMENT = re.compile(r"(?:(?<=[、，；。：（])|^)([^、，；。：（）]{1,6})、")


def synonym(t: str, rnd: random.Random) -> str | None:
    pairs = [(a, b) for a, b in SYNONYMS if a in t] + [(b, a) for a, b in SYNONYMS if b in t and a not in b]
    if not pairs:
        return None
    a, b = rnd.choice(pairs)
    return t.replace(a, b, 1)


def place(t: str, rnd: random.Random) -> str | None:
    pairs = [(a, b) for a, b in PLACES if a in t]
    return t.replace(*rnd.choice(pairs)) if pairs else None


def qualify(t: str, rnd: random.Random) -> str | None:
    starts = [1 if t.startswith("对") else 0] + [m.end() for m in _CLAUSE.finditer(t)]
    at = rnd.choice(starts)
    return t[:at] + rnd.choice(QUALIFIERS) + t[at:]


def drop_element(t: str, rnd: random.Random) -> str | None:
    found = list(_ELEMENT.finditer(t))
    if not found:
        return None
    m = rnd.choice(found)
    return t[: m.start()] + t[m.end() :]


def add_element(t: str, rnd: random.Random) -> str | None:
    found = list(_ELEMENT.finditer(t))
    if not found:
        return None
    at = rnd.choice(found).start()
    return t[:at] + rnd.choice(ELEMENTS) + "、" + t[at:]


def drop_clause(t: str, rnd: random.Random) -> str | None:
    parts = _CLAUSE.split(t.rstrip("。"))
    if len(parts) < 3:  # never the whole second half of a two-clause duty
        return None
    del parts[rnd.randrange(1, len(parts))]
    return "，".join(parts) + "。"


def append_clause(t: str, rnd: random.Random) -> str | None:
    return t.rstrip("。") + "，" + rnd.choice(CLAUSES) + ("。" if t.endswith("。") else "")


def swap_clauses(t: str, rnd: random.Random) -> str | None:
    parts = _CLAUSE.split(t.rstrip("。"))
    if len(parts) < 2:
        return None
    i = rnd.randrange(len(parts) - 1)
    parts[i], parts[i + 1] = parts[i + 1], parts[i]
    return "，".join(parts) + ("。" if t.endswith("。") else "")


def add_or_drop_work(t: str, rnd: random.Random) -> str | None:
    """Names: 水污染防治 ↔ 水污染防治工作."""
    bare = t.rstrip("。")
    return bare[:-2] if bare.endswith("工作") else bare + "工作"


def punctuation(t: str, rnd: random.Random) -> str | None:
    """Normalised away: must score 1.0."""
    return t.replace("（", "(").replace("）", ")").replace("、", "，").replace("。", "") + " "


# names (coordinated, reclaimed) are phrases: no clauses to drop, append or swap
NAME_OPS = {"synonym": synonym, "place": place, "qualify": qualify, "drop_element": drop_element,
            "add_element": add_element, "add_or_drop_工作": add_or_drop_work}  # fmt: skip
OPS = {**NAME_OPS, "drop_clause": drop_clause, "append_clause": append_clause, "swap_clauses": swap_clauses}
OPS_OF = {"basic": OPS, "coordinated": NAME_OPS, "reclaimed": NAME_OPS}


def reword(t: str, rnd: random.Random, ops: int, kind: str = "basic") -> str:
    """`t` changed by `ops` random operations applicable to its list (its normalised text differs from t's)."""
    names = list(OPS_OF[kind])
    for _ in range(50):
        out = t
        for _ in range(ops):
            out = OPS[rnd.choice(names)](out, rnd) or out
        if normalise(out) != normalise(t):
            return out
    raise AssertionError(f"no rewording of {t!r}")


def rewordings(texts: list[str], k: int, rnd: random.Random, kind: str) -> list[list[str]]:
    """K distinct rewordings of each text (1 or 2 operations each), none equal to any published text."""
    taken = {normalise(t) for t in texts}
    out = []
    for t in texts:
        mine: list[str] = []
        while len(mine) < k:
            r = reword(t, rnd, rnd.choice((1, 2)), kind)
            if normalise(r) not in taken:
                taken.add(normalise(r))
                mine.append(r)
        out.append(mine)
    return out


# --- measurements ----------------------------------------------------------------------------------

def q(values, ps=(0.0, 0.05, 0.5, 0.95, 1.0)) -> str:
    v = np.asarray(values, dtype=float)
    return " ".join(f"{x:.3f}" for x in np.quantile(v, ps))


def negatives(lists: dict[str, list[str]]) -> dict[str, float]:
    print("1. different duties of one published list: per item, its highest similarity to another item")
    print(f"   {'list':<12} {'n':>4}  min/p5/median/p95/max of the per-item max   closest pairs")
    worst = {}
    for kind, texts in lists.items():
        keys = [normalise(t) for t in texts]
        s = process.cdist(keys, keys, scorer=fuzz.ratio, dtype=np.float64) / 100
        np.fill_diagonal(s, -1)
        worst[kind] = float(s.max())
        top = sorted(((s[i, j], texts[i], texts[j]) for i in range(len(texts)) for j in range(i + 1, len(texts))),
                     reverse=True)[:3]  # fmt: skip
        print(f"   {kind:<12} {len(texts):>4}  {q(s.max(axis=1))}")
        for score, a, b in top:
            print(f"   {'':<18}{score:.3f} {a[:24]} | {b[:24]}")
    return worst


def positives(lists: dict[str, list[str]], rnd: random.Random) -> None:
    print("\n2. rewordings: similarity to the original")
    for kind, pairs in REAL_REWORDINGS.items():
        print(f"   real, {kind}: " + " ".join(f"{similarity(a, b):.3f}" for a, b in pairs))
    print(f"   {'generic, one operation':<28} " + "  ".join(f"{k:>22}" for k in lists))
    print(f"   {'':<28} " + "  ".join(f"{'min/p5/median':>22}" for k in lists))
    for name, op in [*OPS.items(), ("punctuation", punctuation)]:
        cells = []
        for kind, texts in lists.items():
            if name not in OPS_OF[kind] and name != "punctuation":
                cells.append(f"{'(not for names)':>22}")
                continue
            scores = [similarity(t, r) for t in texts for r in [op(t, rnd)] if r is not None and normalise(r) != normalise(t)]
            if name == "punctuation":
                scores = [similarity(t, punctuation(t, rnd)) for t in texts]
            cells.append(f"{q(scores, (0, 0.05, 0.5)) if scores else '-':>22}")
        print(f"   {name:<28} " + "  ".join(cells))
    for ops in (1, 2):
        cells = []
        for kind, texts in lists.items():
            cells.append(f"{q([similarity(t, reword(t, rnd, ops, kind)) for t in texts for _ in range(5)], (0, 0.05, 0.5)):>22}")
        print(f"   {f'random, {ops} operation(s)':<28} " + "  ".join(cells))


def corpus(lists: dict[str, list[str]], editions: int, verbatim: float, k: int, rnd: random.Random):
    """`editions` editions of every list: each item verbatim with probability `verbatim`, else one of its
    K rewordings. Returns the items and the ground truth: (list, published index) per item."""
    variants = {kind: rewordings(texts, k, rnd, kind) for kind, texts in lists.items()}
    items, truth = [], []
    for e in range(editions):
        for kind, texts in lists.items():
            for n, t in enumerate(texts):
                text = t if rnd.random() < verbatim else rnd.choice(variants[kind][n])
                items.append(DutyText(f"e{e:04d}", kind, n + 1, text))
                truth.append((kind, n))
    return items, truth


def bcubed(labels: list, truth: list) -> tuple[float, float]:
    """B-cubed precision and recall: per item, the share of its cluster that is its duty, and of its duty in its cluster."""
    cluster_n, duty_n, both = Counter(labels), Counter(truth), Counter(zip(labels, truth))
    p = sum(both[(c, d)] / cluster_n[c] for c, d in zip(labels, truth)) / len(labels)
    r = sum(both[(c, d)] / duty_n[d] for c, d in zip(labels, truth)) / len(labels)
    return p, r


def quality(lists: dict[str, list[str]], rnd: random.Random, quick: bool) -> None:
    print("\n3. clustering at candidate thresholds. published: clusters of the published list alone (all apart = n);")
    print("   real: real rewordings whose similarity reaches the threshold. Then a synthetic corpus (ground truth:")
    print("   the published item each text came from), over its distinct wordings: B-cubed precision P (share of an")
    print("   item's cluster that is its duty) and recall R (share of its duty in its cluster); merged: clusters")
    print("   holding more than one published duty; split: published duties spread over more than one cluster")
    scenarios = ((50, 0.6, 5), (50, 0.0, 5)) if not quick else ((20, 0.6, 3),)
    corpora = [(e, v, k, *corpus(lists, e, v, k, rnd)) for e, v, k in scenarios]
    print(f"   {'':<24}" + "".join(f"{f'{e} editions, verbatim p={v}, {k} rewordings':^48}" for e, v, k, _, _ in corpora))
    for kind, texts in lists.items():
        for threshold in CANDIDATES[kind]:
            alone = cluster_duties([DutyText("p", kind, n, t) for n, t in enumerate(texts)], threshold=threshold)
            apart = len({m.cluster_id for m in alone})
            real = REAL_REWORDINGS.get(kind, [])
            joined = sum(similarity(a, b) >= threshold for a, b in real)
            cells = []
            for _, _, _, items, truth in corpora:
                mine = [(i, t) for i, t in zip(items, truth) if i.list == kind]
                distinct = {normalise(i.text): (i, t) for i, t in mine}  # verbatim repeats would flatter the figures
                by_key = {(m.edition_id, m.seq): m.cluster_id for m in cluster_duties([i for i, _ in mine], threshold=threshold)}
                labels = [by_key[(i.edition_id, i.seq)] for i, _ in distinct.values()]
                duties = [t for _, t in distinct.values()]
                p, r = bcubed(labels, duties)
                merged = sum(len({d for c, d in zip(labels, duties) if c == x}) > 1 for x in set(labels))
                split = sum(len({c for c, d in zip(labels, duties) if d == y}) > 1 for y in set(duties))
                cells.append(f"P {p:.3f} R {r:.3f} merged {merged:>2} split {split:>3}/{len(texts)}")
            mark = "*" if THRESHOLDS[kind] == threshold else " "
            print(f"   {kind:<12}{threshold:.2f}{mark} published {apart:>3}/{len(texts):<3} real {joined}/{len(real)}  "
                  + "      ".join(cells))
    print("   (* the threshold in use)")
    print("   single linkage instead (connected components of pairs >= the threshold in use), same corpora:")
    for kind in lists:
        cells = []
        for _, _, _, items, truth in corpora:
            distinct = {normalise(i.text): t for i, t in zip(items, truth) if i.list == kind}
            keys = list(distinct)
            linked = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=THRESHOLDS[kind] * 100 - 1e-6, workers=-1) > 0
            labels = list(connected_components(csr_matrix(linked), directed=False)[1])
            duties = list(distinct.values())
            p, r = bcubed(labels, duties)
            merged = sum(len({d for c, d in zip(labels, duties) if c == x}) > 1 for x in set(labels))
            cells.append(f"P {p:.3f} R {r:.3f} merged {merged:>2}")
        print(f"   {kind:<12}{THRESHOLDS[kind]:.2f}{'':<31}" + "      ".join(f"{c:<39}" for c in cells))


def _timed(fn, runs: int) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20


def scale(lists: dict[str, list[str]], rnd: random.Random, runs: int, quick: bool, large: int = 0) -> None:
    print("\n4. time (median of runs) and peak Python heap (tracemalloc, numpy included)")
    # 200 editions: a province's template, 30% of items reworded in each edition (fresh rewordings)
    items = [DutyText(f"e{e:04d}", kind, n + 1, t if rnd.random() < 0.7 else reword(t, rnd, rnd.choice((1, 2)), kind))
             for e in range(200) for kind, texts in lists.items() for n, t in enumerate(texts)]  # fmt: skip
    distinct = {k: len({normalise(i.text) for i in items if i.list == k}) for k in lists}
    memberships = cluster_duties(items)
    clusters = Counter(kind for kind, _ in {(m.list, m.cluster_id) for m in memberships})
    print(f"   200 editions x {sum(map(len, lists.values()))} items = {len(items):,} items; distinct texts {distinct};"
          f" clusters {dict(clusters)}")
    texts = Counter((i.list, i.text) for i in items)
    for what, fn in (("cluster_duties (every item)", lambda: cluster_duties(items)),
                     ("cluster_texts (distinct texts, as the database)", lambda: cluster_texts(texts))):
        s, mib = _timed(fn, runs)
        print(f"   {what:<48} {s:7.3f} s  {mib:7.1f} MiB")
    if large:
        many = [DutyText(f"e{e:05d}", kind, n + 1, t if rnd.random() < 0.7 else reword(t, rnd, rnd.choice((1, 2)), kind))
                for e in range(large) for kind, texts in lists.items() for n, t in enumerate(texts)]  # fmt: skip
        distinct = {k: len({normalise(i.text) for i in many if i.list == k}) for k in lists}
        t0 = time.perf_counter()
        memberships = cluster_duties(many)
        s = time.perf_counter() - t0
        clusters = Counter(m.list for m in {(m.list, m.cluster_id): m for m in memberships}.values())
        print(f"   {large:,} editions = {len(many):,} items; distinct texts {distinct}; clusters {dict(clusters)}")
        print(f"   {'cluster_duties':<34} {s:7.3f} s  (one run, no tracemalloc)")
    sizes = (2_000, 5_000) if quick else (5_000, 10_000, 20_000)
    basic = lists["basic"]
    chars = list("".join(basic))
    for n in sizes:
        # rewordings of the 119 basic duties: ~119 clusters
        seen, texts = set(), []
        while len(texts) < n:
            r = reword(rnd.choice(basic), rnd, rnd.choice((1, 2, 3)))
            if normalise(r) not in seen:
                seen.add(normalise(r))
                texts.append(r)
        same = [DutyText("e", "basic", i, t) for i, t in enumerate(texts)]
        s, mib = _timed(lambda: cluster_duties(same), 1)
        k = len({m.cluster_id for m in cluster_duties(same)})
        print(f"   {n:>6,} distinct rewordings of the basic duties -> {k:>5,} clusters {s:7.2f} s  {mib:7.1f} MiB")
        # unrelated texts of the published length and alphabet: every one its own cluster (worst case)
        unrelated = [DutyText("e", "basic", i, "".join(rnd.choices(chars, k=len(rnd.choice(basic))))) for i in range(n)]
        s, mib = _timed(lambda: cluster_duties(unrelated), 1)
        k = len({m.cluster_id for m in cluster_duties(unrelated)})
        print(f"   {n:>6,} unrelated texts                       -> {k:>5,} clusters {s:7.2f} s  {mib:7.1f} MiB"
              f"  ({n * n / 2 / s / 1e6:.0f} M comparisons/s)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.clusters", description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="smaller corpora (a minute less)")
    ap.add_argument("--large", type=int, default=0, metavar="N", help="also time N editions (e.g. 2000: 628,000 items)")
    args = ap.parse_args(argv)
    lists = published()
    print(f"{PUBLISHED.relative_to(ROOT)}: " + ", ".join(f"{k} {len(v)}" for k, v in lists.items()))
    print(f"thresholds in use: {THRESHOLDS}\n")
    negatives(lists)
    positives(lists, random.Random(args.seed))
    quality(lists, random.Random(args.seed), args.quick)
    scale(lists, random.Random(args.seed), args.runs, args.quick, args.large)
    return 0


if __name__ == "__main__":
    sys.exit(main())
