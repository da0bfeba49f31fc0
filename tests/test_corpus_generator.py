"""The test-corpus generator (tests/fixtures/corpus/make_corpus.py; 测试数据: fictional townships).

Its promises: the same seed gives the same bytes and tree; the tree is
<province>/<city>/<district>/<township>-<YYYY-MM>.<ext> with the deliberate 城关镇 collision and places
with two editions; broken files are there and marked; and every good edition reads, through the
real pipeline, as exactly the counts and category names the generator says it wrote.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from contextlib import redirect_stderr
from pathlib import Path

import pytest

from fixtures.corpus.make_corpus import MANIFEST, TEST_DATA_LINE, Generated, generate, load_manifest
from helpers import ROOT
from pipeline.build import extract_to
from pipeline.cli import main as pipeline_main

# written out here, not read from the generator: real province names, and a month
REAL_PROVINCES = {"河南省", "山东省", "四川省", "浙江省", "湖南省", "江西省", "河北省", "安徽省", "湖北省", "江苏省"}
PATH_RE = re.compile(r"^(?P<province>[^/]+省)/(?P<city>[^/]+市)/(?P<district>[^/]+区)/"
                     r"(?P<township>[^/]+(?:镇|乡|街道))-(?P<month>20\d\d-(?:0[1-9]|1[0-2]))\.(?P<ext>[a-z]+)$")
FAST_FORMATS = ("txt", "docx", "xlsx", "html")
N = 6


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[Generated]]:
    out = tmp_path_factory.mktemp("corpus") / "c"
    return out, generate(out, N, seed=3, formats=FAST_FORMATS, broken=4)


def good(records: list[Generated]) -> list[Generated]:
    return [r for r in records if r.broken is None]


def test_same_seed_same_bytes_and_tree(corpus, tmp_path):
    out, _ = corpus
    again = tmp_path / "again"
    generate(again, N, seed=3, formats=FAST_FORMATS, broken=4)
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert {p.suffix for p in files} >= {".txt", ".docx", ".xlsx", ".html", ".json"}
    for rel in files:
        assert (out / rel).read_bytes() == (again / rel).read_bytes(), rel

    other = tmp_path / "other-seed"
    generate(other, 2, seed=4, formats=("txt",))
    first = lambda root: next(p for p in sorted(root.rglob("*.txt")) if p.stat().st_size)  # noqa: E731
    assert first(other).read_bytes() != first(out).read_bytes()


def test_tree_shape(corpus):
    out, records = corpus
    assert len(good(records)) == N and len(records) == N + 4
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {MANIFEST}
    assert written == {f for r in records for f in r.files}
    for r in records:
        assert len(r.files) == 1  # one format each unless all_formats
        m = PATH_RE.match(r.files[0])
        assert m, r.files[0]
        assert (m["province"], m["city"], m["district"], m["township"], m["month"]) == (
            r.province, r.city, r.district, r.township, r.published)
        assert r.edition_id == f"{r.township}-{r.published}" and r.key == r.files[0].rsplit(".", 1)[0]
    assert {r.province for r in records} <= REAL_PROVINCES
    assert len({r.province for r in records}) >= 4
    assert len({r.key for r in records}) == len(records)
    # formats round-robin over the good editions
    assert {r.files[0].rsplit(".", 1)[1] for r in good(records)} == set(FAST_FORMATS)


def test_cover_and_place_names(corpus):
    out, records = corpus
    text = next(r for r in good(records) if r.files[0].endswith(".txt"))
    data = (out / text.files[0]).read_bytes()
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError:
        content = data.decode("gb18030")  # one text form in six
    lines = content.split("\n")
    assert lines[:4] == [f"{text.province}{text.city}{text.district}{text.township}", "履行职责事项清单",
                         f"{int(text.published[:4])}年{int(text.published[5:])}月", TEST_DATA_LINE]
    for published_name in ("洛阳", "孟津", "送庄"):
        assert published_name not in content
    assert f"市公安局{text.district[:-1]}分局" in content
    assert "全镇辖" not in content  # the published description is left out, only the declaring paragraph


def test_chengguan_collision(corpus):
    _, records = corpus
    chengguan = [r for r in records if r.edition_id == "城关镇-2025-07"]
    assert len(chengguan) >= 2
    assert len({r.files[0].rsplit("/", 1)[0] for r in chengguan}) == len(chengguan)
    assert len({r.province for r in chengguan}) >= 2


def test_place_with_two_editions(corpus):
    _, records = corpus
    by_key = {r.key: r for r in records}
    later = [r for r in records if r.derived_from]
    assert later
    for r in later:
        earlier = by_key[r.derived_from]
        assert (earlier.province, earlier.city, earlier.district, earlier.township) == (
            r.province, r.city, r.district, r.township)
        assert earlier.published < r.published
        assert r.files[0].rsplit("/", 1)[0] == earlier.files[0].rsplit("/", 1)[0]
        assert sum(sum(c.values()) for c in r.changes.values()) > 0
        for key, change in r.changes.items():
            assert r.expected[key]["total"] == earlier.expected[key]["total"] - change["dropped"] + change["added"]
            assert r.expected[key]["categories"] == earlier.expected[key]["categories"]


def test_broken_files_present_and_marked(corpus):
    out, records = corpus
    broken = [r for r in records if r.broken]
    assert len(broken) == 4
    assert {r.error for r in broken} == {"list_totals", "docx_unreadable", "file_empty", "workbook_unreadable"}
    for r in broken:
        path = out / r.files[0]
        if r.error == "file_empty":
            assert path.suffix == ".txt" and path.stat().st_size == 0
        elif r.error == "docx_unreadable":
            assert path.suffix == ".docx" and not zipfile.is_zipfile(path)
        elif r.error == "workbook_unreadable":
            assert path.suffix == ".xlsx" and path.stat().st_size > 0 and not zipfile.is_zipfile(path)


def test_manifest_is_the_returned_records(corpus):
    out, records = corpus
    assert load_manifest(out) == records
    assert "测试数据" in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["note"]


def test_refuses_a_directory_in_use(corpus, tmp_path):
    out, _ = corpus
    with pytest.raises(FileExistsError):
        generate(out, 1, formats=("txt",))
    with pytest.raises(ValueError):
        generate(tmp_path / "x", 1, formats=("txt", "rtf"))


# ------------------------------------------------------------------------ through the real pipeline


def check_extracted(out: Path, r: Generated, target: Path) -> None:
    with redirect_stderr(io.StringIO()):  # warnings (Latin words, half-width commas) of the published text
        extract_to([out / f for f in r.files], target)
    info = json.loads((target / "edition.json").read_text(encoding="utf-8"))
    assert (info["province"], info["city"], info["district"], info["township"], info["published"]) == (
        r.province, r.city, r.district, r.township, r.published)
    with (target / "categories.csv").open(encoding="utf-8-sig", newline="") as f:
        categories = list(csv.DictReader(f))
    for key, expected in r.expected.items():
        got = [(c["category"], int(c["item_count"])) for c in categories if c["list"] == key]
        assert got == list(zip(expected["categories"], expected["counts"])), (r.key, key)
        assert info["lists"][key]["extracted_total"] == expected["total"] == sum(expected["counts"])
        assert info["lists"][key]["declared_total"] == expected["total"]
        assert info["lists"][key]["declared_from"] == "preface"


def test_good_editions_extract_to_the_generated_counts(corpus, tmp_path):
    out, records = corpus
    for n, r in enumerate(good(records)):
        check_extracted(out, r, tmp_path / str(n))


def test_broken_editions_fail_as_bad_input(corpus, tmp_path, capsys):
    out, records = corpus
    for n, r in enumerate(r for r in records if r.broken):
        capsys.readouterr()
        status = pipeline_main(["extract", *(str(out / f) for f in r.files), "--out", str(tmp_path / str(n))])
        err = capsys.readouterr().err
        assert status == 2, (r.key, err)
        assert err.count("\n") == 1 and err.startswith(f"error[{r.error}]: "), err
        assert not (tmp_path / str(n)).exists()
    # and once as the command line runs it
    empty = next(r for r in records if r.error == "file_empty")
    run = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(out / empty.files[0]), "--out",
                          str(tmp_path / "cli")], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2 and run.stderr.startswith("error[file_empty]: ") and run.stderr.count("\n") == 1


def test_all_formats_agree(tmp_path):
    out = tmp_path / "all"
    records = generate(out, 2, seed=5, formats=FAST_FORMATS, all_formats=True)
    for n, r in enumerate(records):
        assert sorted(Path(f).suffix for f in r.files) == sorted(f".{f}" for f in FAST_FORMATS)
        assert len({Path(f).with_suffix("") for f in r.files}) == 1  # one stem, one folder
        check_extracted(out, r, tmp_path / str(n))  # formats_disagree would fail it


def test_pdf_editions(tmp_path):
    if not shutil.which("soffice"):
        pytest.skip("soffice (LibreOffice) not installed: the corpus prints its PDFs with it "
                    "(Debian: libreoffice-writer-nogui)")
    out = tmp_path / "pdf"
    records = generate(out, 1, seed=6, formats=("txt", "pdf"), broken=4, all_formats=True)
    edition = good(records)[0]
    assert sorted(Path(f).suffix for f in edition.files) == [".pdf", ".txt"]
    assert not (out / edition.key).with_suffix(".docx").exists()  # the DOCX it was printed from is not left
    check_extracted(out, edition, tmp_path / "good")
    truncated = next(r for r in records if r.error == "pdf_truncated")
    assert truncated.files[0].endswith(".pdf")
    with redirect_stderr(io.StringIO()) as err:
        status = pipeline_main(["extract", str(out / truncated.files[0]), "--out", str(tmp_path / "bad")])
    assert status == 2 and err.getvalue().startswith("error[pdf_truncated]: ")
