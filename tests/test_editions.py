"""Edition identity (pipeline.editions): ids, places, order. Expected values written by hand.

The end-to-end checks through `pipeline build` (diff pairs and the database's
edition_no agree) are in test_build.py.
"""

from __future__ import annotations

import pytest

from builders import write_text
from pipeline.cli import EXIT_INPUT, main
from pipeline.diff.load import check_same_township
from pipeline.editions import (
    check_edition_id,
    consecutive_pairs,
    edition_id_of,
    edition_numbers,
    edition_order,
    group_files,
    place_of,
    same_place,
)
from pipeline.errors import InputError
from pipeline.models import EditionMeta

HENAN = ("河南省", "洛阳市", "孟津区", "城关镇")
SHAANXI = ("陕西省", "汉中市", "勉县", "城关镇")


def meta(edition_id: str, published: str | None, place: tuple = HENAN) -> EditionMeta:
    province, city, district, township = place
    return EditionMeta(
        edition_id=edition_id, title=f"{''.join(p for p in place if p)}履行职责事项清单",
        province=province, city=city, district=district, township=township, published=published,
    )  # fmt: skip


def ids(groups) -> list[list[str]]:
    return [[m.edition_id for m in group] for group in groups]


def id_pairs(pairs) -> list[tuple[str, str]]:
    return [(old.edition_id, new.edition_id) for old, new in pairs]


# ---------------------------------------------------------------- order


def test_order_follows_the_documents_dates_not_the_file_names():
    # town-2025-07.txt says 2024年1月 on its cover, town-2024-01.txt says 2025年7月
    editions = [meta("town-2024-01", "2025-07"), meta("town-2025-07", "2024-01")]
    assert ids(edition_order(editions)) == [["town-2025-07", "town-2024-01"]]
    assert edition_numbers(editions) == {"town-2025-07": 1, "town-2024-01": 2}
    assert id_pairs(consecutive_pairs(editions)) == [("town-2025-07", "town-2024-01")]


def test_one_township_name_in_two_provinces_is_two_places():
    henan, shaanxi = meta("chengguan-2025-07", "2025-07", HENAN), meta("chengguan-2025-08", "2025-08", SHAANXI)
    assert place_of(henan) == ("河南省", "洛阳市", "孟津区", "城关镇")
    assert not same_place(henan, shaanxi)
    assert same_place(henan, meta("other-name", None, HENAN))
    assert not same_place(henan, meta("x", "2025-07", ("河南省", "洛阳市", "偃师区", "城关镇")))  # district differs
    assert not same_place(henan, meta("x", "2025-07", (None, None, None, "城关镇")))  # cover names no province
    assert ids(edition_order([shaanxi, henan])) == [["chengguan-2025-07"], ["chengguan-2025-08"]]
    assert edition_numbers([henan, shaanxi]) == {"chengguan-2025-07": 1, "chengguan-2025-08": 1}
    assert consecutive_pairs([henan, shaanxi]) == []
    with pytest.raises(InputError) as err:
        check_same_township(henan, shaanxi)  # `pipeline diff` asks the same question
    assert err.value.code == "different_townships"
    check_same_township(henan, meta("chengguan-2026-01", "2026-01", HENAN))


def test_undated_last_and_one_month_by_edition_id():
    editions = [
        meta("b-undated", None), meta("town-b", "2025-07"), meta("a-undated", None),
        meta("town-a", "2025-07"), meta("town-old", "2024-12"), meta("town-new", "2026-01"),
    ]  # fmt: skip
    order = ["town-old", "town-a", "town-b", "town-new", "a-undated", "b-undated"]
    assert ids(edition_order(editions)) == [order]
    assert edition_numbers(editions) == {edition_id: n for n, edition_id in enumerate(order, 1)}
    assert id_pairs(consecutive_pairs(editions)) == list(zip(order, order[1:]))


def test_places_each_numbered_from_one():
    editions = [
        meta("s-2025-07", "2025-07", SHAANXI), meta("h-2026-01", "2026-01", HENAN),
        meta("h-2025-07", "2025-07", HENAN), meta("s-2024-03", "2024-03", SHAANXI), meta("lonely", None, (None, None, None, "送庄镇")),
    ]  # fmt: skip
    assert edition_numbers(editions) == {"h-2025-07": 1, "h-2026-01": 2, "s-2024-03": 1, "s-2025-07": 2, "lonely": 1}
    assert sorted(id_pairs(consecutive_pairs(editions))) == [("h-2025-07", "h-2026-01"), ("s-2024-03", "s-2025-07")]
    assert consecutive_pairs([]) == [] and edition_numbers([]) == {}


def test_one_id_for_two_editions_is_refused():
    with pytest.raises(InputError) as err:
        edition_numbers([meta("town-2025-07", "2025-07", HENAN), meta("town-2025-07", "2025-07", SHAANXI)])
    assert err.value.code == "duplicate_edition"
    assert "town-2025-07" in str(err.value)


# ---------------------------------------------------------------- edition id


def test_edition_id_is_the_file_stem(tmp_path):
    assert edition_id_of(tmp_path / "songzhuang-2025-07.docx") == "songzhuang-2025-07"
    assert edition_id_of("raw/song.zhuang-2025-07.pdf") == "song.zhuang-2025-07"
    assert check_edition_id("送庄镇-2025-07") == "送庄镇-2025-07"


@pytest.mark.parametrize("bad", ["", ".", "..", "a/b", "../escape", "a\\b", ".hidden", "/abs"])
def test_an_id_that_is_not_a_plain_name_is_refused(bad):
    with pytest.raises(InputError) as err:
        check_edition_id(bad)
    assert err.value.code == "bad_edition_id"
    assert repr(bad) in str(err.value)


def test_files_grouped_by_edition_id(tmp_path):
    for name in ["town-2025-07.txt", "town-2025-07.docx", "town-2025-07.pdf", "other-2024-01.TXT", "README.md", "notes.csv"]:
        (tmp_path / name).write_text("x")
    (tmp_path / "sub.txt").mkdir()  # a directory, not a file
    groups = group_files(tmp_path)
    assert {k: [p.name for p in v] for k, v in groups.items()} == {
        "other-2024-01": ["other-2024-01.TXT"],
        "town-2025-07": ["town-2025-07.docx", "town-2025-07.pdf", "town-2025-07.txt"],
    }


@pytest.mark.parametrize("name", [".town-2025-07.txt", "a\\b.docx"])
def test_a_file_whose_stem_is_no_plain_name_is_refused(tmp_path, name):
    (tmp_path / "town-2025-07.txt").write_text("x")
    (tmp_path / name).write_text("x")
    with pytest.raises(InputError) as err:
        group_files(tmp_path)
    assert err.value.code == "bad_edition_id"
    assert err.value.file == name


def test_no_published_file(tmp_path):
    (tmp_path / "README.md").write_text("x")
    with pytest.raises(InputError) as err:
        group_files(tmp_path)
    assert err.value.code == "no_editions"


# ---------------------------------------------------------------- through the command line


def _one_error_line(capsys) -> str:
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize("bad", ["../escape", "", ".", "a/b", ".hidden"])
def test_extract_refuses_a_given_edition_id(tmp_path, capsys, bad):
    out = tmp_path / "work" / "out"
    code = main(["extract", str(write_text(tmp_path / "town-2025-07.txt")), "--out", str(out), "--edition-id", bad])
    assert code == EXIT_INPUT
    assert _one_error_line(capsys).startswith(f"error[bad_edition_id]: edition id {bad!r} ")
    assert not (tmp_path / "work").exists() and not (tmp_path / "escape").exists()


def test_extract_refuses_a_hidden_file_stem_as_default_id(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["extract", str(write_text(tmp_path / ".town-2025-07.txt")), "--out", str(out)]) == EXIT_INPUT
    assert _one_error_line(capsys).startswith("error[bad_edition_id]: .town-2025-07.txt: edition id '.town-2025-07' ")
    assert not out.exists()
    assert main(["extract", str(tmp_path / ".town-2025-07.txt"), "--out", str(out), "--edition-id", "town-2025-07"]) == 0
    assert (out / "edition.json").is_file()


def test_build_refuses_a_raw_file_with_a_bad_stem_and_builds_the_others(tmp_path, capsys):
    raw, out = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    write_text(raw / "town-2025-07.txt")
    write_text(raw / ".town-2025-08.txt")
    assert main(["build", str(raw), "--out", str(out)]) == EXIT_INPUT
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("error[bad_edition_id]: .town-2025-08.txt: ")
    assert err[-1].startswith("error[editions_failed]: 1 of 2 editions failed")
    assert (out / "town-2025-07" / "edition.json").is_file() and (out / "duties.duckdb").is_file()


# ---------------------------------------------------------------- an input tree


def test_ids_below_a_tree_keep_their_folders(tmp_path):
    from pipeline.editions import find_editions

    for name in ["河南省/洛阳市/孟津区/城关镇-2025-07.pdf", "河南省/洛阳市/孟津区/城关镇-2025-07.txt",
                 "山东省/济南市/历城区/城关镇-2025-07.docx", "flat-2025-07.txt", ".git/objects/x.txt", "河南省/.cache/y.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = find_editions(tmp_path)
    assert {k: [p.relative_to(tmp_path).as_posix() for p in v] for k, v in found.editions.items()} == {
        "flat-2025-07": ["flat-2025-07.txt"],
        "山东省-济南市-历城区-城关镇-2025-07": ["山东省/济南市/历城区/城关镇-2025-07.docx"],
        "河南省-洛阳市-孟津区-城关镇-2025-07": ["河南省/洛阳市/孟津区/城关镇-2025-07.pdf", "河南省/洛阳市/孟津区/城关镇-2025-07.txt"],
    }  # hidden folders (.git, .cache) are not entered
    assert found.refused == []


def test_two_paths_that_join_to_one_id_are_both_refused_and_the_rest_kept(tmp_path):
    from pipeline.editions import find_editions

    for name in ["a-b/c.txt", "a/b-c.txt", "d.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = find_editions(tmp_path)
    assert list(found.editions) == ["d"]
    assert sorted(r.path.relative_to(tmp_path).as_posix() for r in found.refused) == ["a-b/c.txt", "a/b-c.txt"]
    assert {r.error.code for r in found.refused} == {"duplicate_edition"}
    assert "edition id 'a-b-c' is given by files of different folders: a/b-c.txt, a-b/c.txt" in str(found.refused[0].error)


def test_a_link_back_up_the_tree_is_not_followed(tmp_path):
    from pipeline.editions import find_editions

    (tmp_path / "省").mkdir()
    (tmp_path / "省" / "镇-2025-07.txt").write_text("x")
    (tmp_path / "省" / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert list(find_editions(tmp_path).editions) == ["省-镇-2025-07"]


def test_ids_are_the_same_from_run_to_run_whatever_is_added(tmp_path):
    from pipeline.editions import find_editions

    (tmp_path / "甲县").mkdir()
    (tmp_path / "甲县" / "城关镇-2025-07.txt").write_text("x")
    before = list(find_editions(tmp_path).editions)
    (tmp_path / "乙县").mkdir()
    (tmp_path / "乙县" / "城关镇-2025-07.txt").write_text("x")  # the same stem elsewhere
    assert set(before) <= set(find_editions(tmp_path).editions) and before == ["甲县-城关镇-2025-07"]
