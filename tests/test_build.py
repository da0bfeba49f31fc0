"""`make all`: every edition in raw/, every format of it, nothing redone when nothing changed."""

from __future__ import annotations

import pytest

import builders
import pipeline.build as build
from builders import write_docx, write_text
from pipeline.cli import main
from pipeline.errors import InputError


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_docx(raw / "testtown-2026-03.docx")
    write_text(raw / "testtown-2026-03.txt")
    (raw / "README.md").write_text("not an edition")
    return raw


def test_second_run_does_no_extraction(raw, tmp_path, monkeypatch):
    out = tmp_path / "output"
    assert build.build_all(raw, out) == ["testtown-2026-03"]  # one edition: its .docx and .txt
    calls = []
    monkeypatch.setattr(build, "extract_edition", lambda *a: calls.append(a))
    assert build.build_all(raw, out) == []
    assert calls == []


def test_changed_input_is_extracted_again(raw, tmp_path):
    out = tmp_path / "output"
    build.build_all(raw, out)
    write_text(raw / "testtown-2026-03.txt", encoding="gb18030")  # same records, other bytes
    assert build.build_all(raw, out) == ["testtown-2026-03"]


def test_empty_raw_dir_is_an_error(tmp_path):
    with pytest.raises(InputError, match="no published files") as err:
        build.build_all(tmp_path, tmp_path / "output")
    assert err.value.code == "no_editions"


def test_consecutive_editions_are_diffed_and_collected(raw, tmp_path):
    import json

    import builders

    rows = [*builders.BASIC[:2], ["2", "做好党员教育管理工作。"], *builders.BASIC[3:]]
    write_docx(raw / "testtown-2026-09.docx", tables=[(builders.BASIC_HEADER, rows), *builders.TABLES[1:]])
    out = tmp_path / "output"
    assert build.build_all(raw, out) == ["testtown-2026-03", "testtown-2026-09"]
    diff_dir = out / "diffs" / "testtown-2026-03__testtown-2026-09"
    changes = json.loads((diff_dir / "changes.json").read_text(encoding="utf-8"))
    assert [(c["change"], c["old_seq"], c["new_seq"], c["fields"]) for c in changes] == [("modified", 2, 2, ["text"])]
    assert (out / "duties.duckdb").is_file() and (out / "datapackage.json").is_file()
    assert build.build_all(raw, out) == []  # and nothing to redo


# ---------------------------------------------------------------- which editions are diffed


def _front(place: str, date: str | None) -> list[str]:
    """The cover and preface of builders.FRONT with another place and date (None: undated)."""
    return [place, "履行职责事项清单", *([date] if date else []), "说 明", builders.PREFACE]


def _reworded_basic_2():
    rows = [*builders.BASIC[:2], ["2", "做好党员教育管理工作。"], *builders.BASIC[3:]]
    return [(builders.BASIC_HEADER, rows), *builders.TABLES[1:]]


def _database_rows(out, sql):
    import duckdb

    with duckdb.connect(str(out / "duties.duckdb"), read_only=True) as con:
        return [tuple(r) for r in con.execute(sql).fetchall()]


def test_editions_follow_the_documents_dates_not_the_file_names(tmp_path):
    """File names say 2025-07 then 2024-01, the covers say the reverse: the covers win, in diffs and edition_no."""
    raw, out = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    write_text(raw / "town-2025-07.txt", front=_front("某省某市某区测试镇", "2024年1月"))
    write_text(raw / "town-2024-01.txt", front=_front("某省某市某区测试镇", "2025年7月"), tables=_reworded_basic_2())
    assert main(["build", str(raw), "--out", str(out)]) == 0
    assert [d.name for d in sorted((out / "diffs").iterdir())] == ["town-2025-07__town-2024-01"]
    assert _database_rows(out, "SELECT edition_id, published, edition_no FROM editions ORDER BY edition_no") == [
        ("town-2025-07", "2024-01", 1), ("town-2024-01", "2025-07", 2)
    ]  # fmt: skip
    # the diff is between consecutive editions by edition_no, so the view shows it
    assert _database_rows(out, "SELECT old_edition, new_edition, old_published, new_published, change, new_seq FROM v_changes") == [
        ("town-2025-07", "town-2024-01", "2024-01", "2025-07", "modified", 2)
    ]  # fmt: skip


def test_one_township_name_in_two_provinces_is_not_diffed(tmp_path, capsys):
    """Two 城关镇, file names differing only in the month: two places, no diff, and the build succeeds."""
    raw, out = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    write_text(raw / "chengguan-2025-07.txt", front=_front("河南省洛阳市孟津区城关镇", "2025年7月"))
    write_text(raw / "chengguan-2025-08.txt", front=_front("陕西省汉中市勉县城关镇", "2025年8月"))
    assert main(["build", str(raw), "--out", str(out)]) == 0
    assert "error" not in capsys.readouterr().err
    assert (out / "duties.duckdb").is_file()
    assert not (out / "diffs").exists() or list((out / "diffs").iterdir()) == []
    assert _database_rows(out, "SELECT edition_id, province, township, edition_no FROM editions ORDER BY edition_id") == [
        ("chengguan-2025-07", "河南省", "城关镇", 1), ("chengguan-2025-08", "陕西省", "城关镇", 1)
    ]  # fmt: skip
    assert _database_rows(out, "SELECT count(*) FROM changes") == [(0,)]


def test_undated_edition_comes_last_and_one_month_goes_by_id(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    place = "某省某市某区测试镇"
    write_text(raw / "a-undated.txt", front=_front(place, None))
    write_text(raw / "town-2025-07b.txt", front=_front(place, "2025年7月"), tables=_reworded_basic_2())
    write_text(raw / "town-2025-07a.txt", front=_front(place, "2025年7月"))
    assert build.build_all(raw, out) == ["a-undated", "town-2025-07a", "town-2025-07b"]
    assert sorted(d.name for d in (out / "diffs").iterdir()) == ["town-2025-07a__town-2025-07b", "town-2025-07b__a-undated"]
    assert _database_rows(out, "SELECT edition_id, edition_no FROM editions ORDER BY edition_no") == [
        ("town-2025-07a", 1), ("town-2025-07b", 2), ("a-undated", 3)
    ]  # fmt: skip
    assert _database_rows(out, "SELECT DISTINCT old_edition, new_edition FROM v_changes ORDER BY 1") == [
        ("town-2025-07a", "town-2025-07b"), ("town-2025-07b", "a-undated")
    ]  # fmt: skip


def test_an_edition_extracted_by_hand_into_the_output_is_diffed_too(raw, tmp_path):
    """An edition directory written by `pipeline extract` (no build key) is paired by its edition.json like any other."""
    out = tmp_path / "output"
    build.build_all(raw, out)
    later = write_text(tmp_path / "by-hand.txt", front=_front("某省某市某区测试镇", "2026年9月"), tables=_reworded_basic_2())
    assert main(["extract", str(later), "--out", str(out / "by-hand")]) == 0
    assert build.build_all(raw, out) == []  # nothing extracted from raw/ ...
    assert sorted(d.name for d in (out / "diffs").iterdir()) == ["testtown-2026-03__by-hand"]  # ... but diffed
    assert _database_rows(out, "SELECT old_edition, new_edition, change FROM v_changes") == [
        ("testtown-2026-03", "by-hand", "modified")
    ]


def test_warnings_are_printed_with_their_code(tmp_path, capsys):
    import builders
    from pipeline.build import extract_to

    basic = [builders.BASIC[0], ["1", "加强党的建设and落实制度。"], *builders.BASIC[2:]]
    path = builders.write_docx(tmp_path / "e.docx", tables=[(builders.BASIC_HEADER, basic), *builders.TABLES[1:]])
    extract_to([path], tmp_path / "out")
    assert "warning[latin_word]: e: basic 1: Latin word 'and' in text" in capsys.readouterr().err
