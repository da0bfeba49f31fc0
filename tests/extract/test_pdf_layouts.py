"""The PDF layout matrix: one small test edition (测试数据) printed in pairwise combinations of
layout features by two producers (LibreOffice from DOCX, Chromium from HTML).

Only the `all` variant (every hard feature at once) is committed, in tests/fixtures/pdf/matrix/
with the manifest and edition.txt; the pairwise variants are printed by the generator into
.cache/layout-matrix/<key>/ the first time the tests run with this generator, edition and these
producers (soffice and chromium: .ci/run installs them; without them those tests are skipped
and say why).

The first part checks the fixtures themselves — the generator's output, not the extractor:
the manifest covers every pair of feature values, every file it names is there and opens, and
edition.txt (the content every variant prints) is consistent with the totals it declares.
Expected values are written out here by hand, never imported from the generator. The second
part (# extraction) reads every variant with the pipeline and compares its records with
edition.txt's, and its extra columns with the cells the manifest says were printed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from helpers import RAW, ROOT, same_reading
from pipeline.extract import extract
from pipeline.normalise.edition import build_edition

MATRIX = Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "matrix"
GENERATOR = MATRIX.parent / "make_variants.py"
CACHE = ROOT / ".cache" / "layout-matrix"
MANIFEST = json.loads((MATRIX / "variants.json").read_text(encoding="utf-8"))
PRODUCERS = ("libreoffice", "chromium")
COMMITTED = {"all"}  # printed once and kept in git; the rest is printed by the tests


def _version(tool: str) -> str:
    return subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()


@pytest.fixture(scope="session")
def printed() -> Path:
    """The pairwise variants, printed by the generator once per generator, edition and producer version."""
    missing = [tool for tool in ("soffice", "chromium") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed: the pairwise layout matrix cannot be printed "
                    "(Debian: libreoffice-writer-nogui, chromium; .ci/run installs them)")
    key = hashlib.sha256(GENERATOR.read_bytes() + (RAW / "songzhuang-2025-07.docx").read_bytes()
                         + _version("soffice").encode() + _version("chromium").encode()).hexdigest()[:16]
    out = CACHE / key
    if not (out / "variants.json").exists():
        partial = CACHE / f".{key}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run([sys.executable, str(GENERATOR), "--matrix-only", "--out", str(partial)], check=True,
                       capture_output=True, timeout=900)
        partial.rename(out)
    return out


@pytest.fixture
def where(request) -> Path:
    """The folder of the test's `entry` (prints the matrix first when the entry is not committed)."""
    entry = request.getfixturevalue("entry")
    return MATRIX if entry["name"] in COMMITTED else request.getfixturevalue("printed")

# the feature domains, by hand
DOMAINS = {
    "orientation": ("portrait", "landscape", "mixed", "rotated"),
    "header": ("every_page", "first_page", "two_rows"),
    "category": ("merged_row", "seq_cell", "name_cell", "column"),
    "rules": ("full", "horizontal", "outer", "none"),
    "wording": ("template", "alt1", "alt2"),
    "method": ("combined", "split"),
    "extra": ("none", "remark", "two"),
    "font": ("sans", "serif", "small"),
}
LISTS = ("basic", "coordinated", "reclaimed")


def _entries(producer: str) -> list[dict]:
    return [e for e in MANIFEST if e["producer"] == producer]


# --- the manifest ------------------------------------------------------------------------------

@pytest.mark.parametrize("producer", PRODUCERS)
def test_every_pair_of_feature_values_is_printed(producer):
    seen = {tuple(e["features"][f] for f in DOMAINS) for e in _entries(producer)}
    names = list(DOMAINS)
    missing = []
    for (i, a), (j, b) in itertools.combinations(enumerate(names), 2):
        for va, vb in itertools.product(DOMAINS[a], DOMAINS[b]):
            if not any(row[i] == va and row[j] == vb for row in seen):
                missing.append(f"{a}={va} & {b}={vb}")
    assert not missing, missing


def test_manifest_shape():
    names = [e["name"] for e in MANIFEST]
    assert "all" in names
    assert all(re.fullmatch(r"p\d\d|all", n) for n in names)
    for producer in PRODUCERS:  # both producers print the same variants
        assert [e["name"] for e in _entries(producer)] == [e["name"] for e in _entries(PRODUCERS[0])]
    hard = {"orientation": "rotated", "header": "first_page", "rules": {"none", "outer"}, "wording": "alt2",
            "method": "split", "extra": "two", "font": "small"}
    for e in MANIFEST:
        assert set(e["features"]) == set(DOMAINS)
        assert all(e["features"][f] in DOMAINS[f] for f in DOMAINS)
        if e["name"] == "all":
            for f, v in hard.items():
                assert e["features"][f] in (v if isinstance(v, set) else {v})
            assert e["features"]["category"] in ("column", "name_cell")


def test_category_column_alternates_and_is_titled():
    positions = []
    for e in _entries("libreoffice"):
        column = e["features"]["category"] == "column"
        assert (e["category_column_position"] is not None) == column
        for key in LISTS:
            titles = e["titles"][key]
            if column:
                assert titles[e["category_column_position"]] == "类别"
                assert titles[1 - e["category_column_position"]] == "序号"
            else:
                assert "类别" not in titles and titles[0] == "序号"
        if column:
            positions.append(e["category_column_position"])
    assert set(positions) == {0, 1}


def test_titles_follow_wording_method_and_extra():
    names = {"template": "事项名称", "alt1": "履职事项", "alt2": "事项"}
    township = {"template": "乡镇（街道）配合职责", "alt1": "镇（街道）配合职责", "alt2": "乡镇配合职责"}
    for e in MANIFEST:
        f, titles = e["features"], e["titles"]
        assert names[f["wording"]] in titles["basic"]
        assert township[f["wording"]] in titles["coordinated"]
        method = ["承接部门", "工作方式"] if f["method"] == "split" else ["承接部门及工作方式"]
        assert [t for t in titles["reclaimed"] if t in ("承接部门", "工作方式", "承接部门及工作方式")] == method
        for key in LISTS:
            extra = [t for t in titles[key] if t in ("备注", "法律依据", "责任科室")]
            assert extra == {"none": [], "remark": ["备注"], "two": ["法律依据", "责任科室"]}[f["extra"]]
            if f["extra"] == "remark":
                assert titles[key][-1] == "备注"
            if f["extra"] == "two":
                assert titles[key][-1] == "责任科室"
                assert titles[key][titles[key].index("法律依据") - 1] == names[f["wording"]]


def test_extra_cells_recorded_for_every_item():
    counts = _declared_counts()
    for e in MANIFEST:
        if e["features"]["extra"] == "none":
            assert e["extra"] == {}
            continue
        columns = {"remark": {"备注"}, "two": {"法律依据", "责任科室"}}[e["features"]["extra"]]
        assert set(e["extra"]) == set(LISTS)
        for key in LISTS:
            assert list(e["extra"][key]) == [str(n) for n in range(1, counts[key][1] + 1)]
            assert all(set(cells) == columns for cells in e["extra"][key].values())
        if e["features"]["extra"] == "remark":  # mostly empty, some / and —, one sentence
            texts = [c["备注"] for key in LISTS for c in e["extra"][key].values()]
            assert {"", "/", "—"} <= set(texts)
            assert sum(len(t) > 5 for t in texts) == 1


# --- the files ---------------------------------------------------------------------------------

def test_the_committed_files_are_the_all_features_variant_and_nothing_else():
    named = {"edition.txt", "variants.json"} | {e[k] for e in MANIFEST for k in ("pdf", "source")
                                                 if e["name"] in COMMITTED}
    assert {p.name for p in MATRIX.iterdir()} == named
    for e in MANIFEST:
        assert e["source"].endswith(".docx" if e["producer"] == "libreoffice" else ".html")
        assert (e["pages"] is not None) == (e["name"] in COMMITTED)


def test_the_printed_manifest_is_the_committed_one(printed):
    ours = json.loads((printed / "variants.json").read_text(encoding="utf-8"))
    assert [{**e, "pages": None} for e in ours] == [{**e, "pages": None} for e in MANIFEST]


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: f"{e['name']}-{e['producer']}")
def test_pdf_opens_and_is_test_data(entry, where):
    with pdfplumber.open(where / entry["pdf"]) as pdf:
        assert 3 <= len(pdf.pages) <= 16
        assert entry["pages"] in (None, len(pdf.pages))
        assert "测试数据" in (pdf.pages[0].extract_text() or "")
    reader = PdfReader(where / entry["pdf"])
    rotations = [page.rotation % 360 for page in reader.pages]
    if entry["features"]["orientation"] == "rotated":
        assert set(rotations) - {0}, "a rotated variant has no /Rotate page"
        assert set(rotations) <= {0, 90, 270}
        for page, rotation in zip(reader.pages, rotations):
            box = page.mediabox
            assert float(box.width) < float(box.height)  # stored portrait-shaped ...
            if rotation:  # ... and displayed landscape
                assert float(page.cropbox.width) < float(page.cropbox.height)
    else:
        assert set(rotations) == {0}
        shapes = {"portrait": {False}, "landscape": {True}, "mixed": {False, True}}[entry["features"]["orientation"]]
        assert {float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages} == shapes


@pytest.mark.parametrize("entry", [e for e in MANIFEST if e["producer"] == "chromium"], ids=lambda e: e["name"])
def test_sources_are_labelled_test_data(entry, where):
    text = (where / entry["source"]).read_text(encoding="utf-8")
    assert re.search(r"<title>测试数据", text)
    assert "测试数据：布局样例，非正式发布版本" in text


# --- edition.txt -------------------------------------------------------------------------------

TITLES = {"基本履职事项清单": "basic", "配合履职事项清单": "coordinated", "上级部门收回事项清单": "reclaimed"}
DECLARED = re.compile(r"(基本履职事项|配合履职事项|上级部门收回事项)清单包括(.+?)共 (\d+) 个类别 (\d+) 项")
HEADING = re.compile(r"^([一二三四五六七八九十]+)、(.+?)（(\d+)项）\t*$")
ITEM = re.compile(r"^(\d+)\t")
HEADERS = {"basic": ["序号", "事项名称"],
           "coordinated": ["序号", "事项名称", "对应上级部门", "上级部门职责", "乡镇（街道）配合职责"],
           "reclaimed": ["序号", "事项名称", "承接部门及工作方式"]}


def _declared_counts() -> dict[str, tuple[int, int, list[str]]]:
    text = (MATRIX / "edition.txt").read_text(encoding="utf-8")
    keys = {"基本履职事项": "basic", "配合履职事项": "coordinated", "上级部门收回事项": "reclaimed"}
    return {keys[m[1]]: (int(m[3]), int(m[4]), m[2].split("、")) for m in DECLARED.finditer(text)}


def test_edition_text_matches_its_declared_totals():
    lines = (MATRIX / "edition.txt").read_text(encoding="utf-8").split("\n")
    assert lines[0] == "河南省洛阳市孟津区送庄镇" and "测试数据：布局样例，非正式发布版本" in lines
    declared = _declared_counts()
    assert set(declared) == set(LISTS)
    current, found = None, {k: [] for k in LISTS}  # list -> [[number, name, declared, items], ...]
    for i, line in enumerate(lines):
        if line in TITLES:
            current = TITLES[line]
            assert lines[i + 2].split("\t") == HEADERS[current]
        elif current and (m := HEADING.match(line)):
            found[current].append([m[1], m[2], int(m[3]), []])
        elif current and (m := ITEM.match(line)):
            assert len(line.split("\t")) == len(HEADERS[current]), line
            found[current][-1][3].append(int(m[1]))
    numerals = "一二三四五六七八九十"
    for key in LISTS:
        cats, total, names = declared[key]
        assert len(found[key]) == cats and [c[1] for c in found[key]] == names
        assert [c[0] for c in found[key]] == list(numerals[:cats])
        for _, name, count, items in found[key]:
            assert len(items) == count and 3 <= count <= 5, name
        seqs = [s for c in found[key] for s in c[3]]
        assert seqs == list(range(1, total + 1))


def test_edition_text_has_the_hard_items():
    text = (MATRIX / "edition.txt").read_text(encoding="utf-8")
    assert "区人民政府办公室 市公安局孟津分局" in text  # coordinated with two departments
    assert "区发展和改革委员会" in text
    assert re.search(r"\t1\.[^\t]+；\s*2\.", text)  # numbered clauses
    assert "\t区民政局 工作方式：1." in text  # a transferred reclaimed item
    assert re.search(r"\t[^\t]*不再开展此项工作。$", text, re.M)  # a discontinued one
    assert "区卫生健康委员会、区财政局 工作方式：" in text  # reclaimed with two departments


# extraction


def records(path: Path) -> tuple[dict, dict, dict]:
    """(items without their extra columns, extra columns per item, extra column titles) per list."""
    edition, _ = build_edition(extract(path), "layout")
    items, extra, titles = {}, {}, {}
    for key, lst in edition.lists.items():
        items[key] = [(c.category_no, c.category, item.model_dump(exclude={"extra"}))
                      for c in lst.categories for item in c.items]
        extra[key] = {str(item.seq): item.extra for c in lst.categories for item in c.items}
        titles[key] = lst.extra_columns
    return items, extra, titles


@pytest.fixture(scope="module")
def expected():
    return records(MATRIX / "edition.txt")[0]


def _check(path: Path, entry: dict, expected: dict) -> None:
    items, extra, titles = records(path)
    for key in LISTS:
        assert items[key] == expected[key], key
        printed = [t for t in entry["titles"][key] if t in ("备注", "法律依据", "责任科室")]
        assert titles[key] == printed
        assert extra[key] == (entry["extra"][key] if printed else {seq: {} for seq in extra[key]})


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: f"{e['name']}-{e['producer']}")
def test_every_variant_extracts_to_the_records_it_prints(entry, where, expected):
    _check(where / entry["pdf"], entry, expected)


@pytest.mark.parametrize("entry", [e for e in MANIFEST if e["producer"] == "libreoffice"], ids=lambda e: e["name"])
def test_the_docx_it_came_from_gives_the_same_records(entry, where, expected):
    _check(where / entry["source"], entry, expected)


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: f"{e['name']}-{e['producer']}")
def test_both_pdf_readers_read_every_variant_the_same(entry, where):
    same_reading(where / entry["pdf"], raw=entry["producer"] != "chromium")
