"""Is a difference from the reference data explained by the mutation that caused it?

An edition is cut into records: the edition's metadata and each list's title
and declared totals ("front"), and each item ((list, seq)). Its skeleton —
lists, categories (number, name, declared count) and the item numbers in each —
must never change with exit 0: the pipeline checks counts and numbering, so a
mutation that changes them must be refused. Beyond that, by the operator's
`legit` (fuzz/mutate.py):

- "chars": at most one record per edited place differs, and only by short
  edits (a flipped byte changes a character, not a paragraph) — or the
  pipeline warns about that record (a flipped character that unmakes a
  department label leaves the department without duties: a warning says so);
- "lines": the differing records are those on or next to the touched lines of
  the text file (a deleted continuation line shortens its item), at most one
  per touched line;
- "none": any difference is unexplained.
"""

from __future__ import annotations

import difflib
import json
import re

MAX_EDIT = 6  # characters one flipped byte may change in a record's serialised text (a merged `", "` is 4)


def records(dump: dict) -> dict[tuple, object]:
    """Record key -> content: ("front",) and (list, seq) for each item."""
    front = {k: v for k, v in dump.items() if k != "lists"}
    front["lists"] = {kind: {"title": d["title"], "declared": d["declared"]} for kind, d in dump["lists"].items()}
    out: dict[tuple, object] = {("front",): front}
    for kind, duty_list in dump["lists"].items():
        for category in duty_list["categories"]:
            for item in category["items"]:
                out[(kind, item["seq"])] = item
    return out


def skeleton(dump: dict) -> dict:
    return {
        kind: [(c["category_no"], c["category"], c["declared_count"], [i["seq"] for i in c["items"]])
               for c in d["categories"]]
        for kind, d in dump["lists"].items()
    }


def differing(reference: dict, result: dict) -> list[tuple]:
    ra, rb = records(reference), records(result)
    return [key for key in sorted(ra.keys() | rb.keys(), key=str) if ra.get(key) != rb.get(key)]


def describe(reference: dict, result: dict, limit: int = 3) -> str:
    """The first differences, short: `coordinated 12: name '…' → '…'`."""
    if skeleton(reference) != skeleton(result):
        return "structure: " + _first_skeleton_change(skeleton(reference), skeleton(result))
    ra, rb = records(reference), records(result)
    keys = differing(reference, result)
    parts = [f"{' '.join(map(str, key))}: {_field_change(ra.get(key), rb.get(key))}" for key in keys[:limit]]
    more = f"; … {len(keys) - limit} more records" if len(keys) > limit else ""
    return "; ".join(parts) + more


def _first_skeleton_change(a: dict, b: dict) -> str:
    for kind in a.keys() | b.keys():
        ca, cb = a.get(kind, []), b.get(kind, [])
        for x, y in zip(ca, cb):
            if x != y:
                return f"{kind} category {x[:3]} ({len(x[3])} items) → {y[:3]} ({len(y[3])} items)"
        if len(ca) != len(cb):
            return f"{kind}: {len(ca)} categories → {len(cb)}"
    return "?"


def _field_change(a, b) -> str:
    if a is None or b is None:
        return "only in the reference" if b is None else "only in the mutant"
    fields = [k for k in a if a[k] != b.get(k)]
    more = f" (+{len(fields) - 1} fields)" if len(fields) > 1 else ""
    return f"{fields[0]} {_first_change(a[fields[0]], b.get(fields[0]))}{more}"


def _first_change(a, b, context: int = 12) -> str:
    """Where two values' serialisations part: `…common [old → new]…`."""
    sa, sb = (json.dumps(x, ensure_ascii=False) for x in (a, b))
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, sa, sb, autojunk=False).get_opcodes():
        if tag != "equal":
            return f"…{sa[max(i1 - context, 0):i1]}[{sa[i1:i2][:40]!r} → {sb[j1:j2][:40]!r}]…"
    return "(same)"


def explained(reference: dict, result: dict, legit: str, sites: int, owners: set[tuple] | None,
              flagged: frozenset[tuple] = frozenset()) -> str | None:
    """None when the difference is explained, else why not (one line).

    `owners`: the records the touched lines hold (text only; None: unknown); `flagged`: records named by
    warnings the mutant has and the published file has not.
    """
    if legit == "none":
        return "this mutation may not change the data"
    if skeleton(reference) != skeleton(result):
        return "lists, categories or item numbers changed"
    keys = differing(reference, result)
    if len(keys) > sites:
        return f"{len(keys)} records differ for {sites} edited place(s)"
    if owners is not None and not set(keys) <= owners:
        stray = sorted(set(keys) - owners, key=str)
        return f"records {stray} differ but were not touched"
    if legit == "chars":
        ra, rb = records(reference), records(result)
        for key in sorted(set(keys) - flagged, key=str):
            edit = _longest_edit(ra[key], rb[key])
            if edit > MAX_EDIT:
                return f"{' '.join(map(str, key))}: an edit of {edit} characters"
    return None


def _longest_edit(a, b) -> int:
    sa, sb = (json.dumps(x, ensure_ascii=False, sort_keys=True) for x in (a, b))
    ops = difflib.SequenceMatcher(None, sa, sb, autojunk=False).get_opcodes()
    return max((max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal"), default=0)


# ---------------------------------------------------------------- which records a text file's lines hold

_KIND_BY_COLUMNS = {2: "basic", 5: "coordinated", 3: "reclaimed"}  # the template's header widths
_SEQ = re.compile(r"^\d+$")


def line_owners(text: str) -> list[set[tuple]]:
    """For each line of a text-form edition, the records it holds (front matter: ("front",))."""
    owners: list[set[tuple]] = []
    kind, last = None, ("front",)
    for line in text.splitlines():
        cells = line.split("\t")
        if cells[0].strip() == "序号":
            kind = _KIND_BY_COLUMNS.get(len(cells))
            owners.append(set())
        elif "\t" in line and kind and _SEQ.match(cells[0].strip()):
            last = (kind, int(cells[0]))
            owners.append({last})
        elif "\t" in line and kind and not cells[0].strip():
            owners.append({last})  # a continuation row: the item above
        elif "\t" not in line:
            owners.append({("front",)})  # cover, preface, list titles (and blank lines)
        else:
            owners.append(set())  # a category heading: part of the skeleton
    return owners


def touched_owners(original: bytes, mutated: bytes) -> set[tuple] | None:
    """Records on, or right before, the lines a text mutation changed (None: not UTF-8 text)."""
    try:
        a, b = original.decode("utf-8").splitlines(), mutated.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None
    owners = line_owners(original.decode("utf-8"))
    found: set[tuple] = set()
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        for n in range(max(i1 - 1, 0), min(i2 + 1, len(owners))):  # a moved row joins its neighbour
            found |= owners[n]
    return found
