"""Which editions a build diffs: each against its predecessor of the same township."""

from __future__ import annotations

from diff.diff_helpers import SAMPLE, write_edition
from pipeline.diff import previous_edition_pairs


def test_consecutive_editions_of_each_township(tmp_path):
    for name in ["songzhuang-2026-01", "songzhuang-2025-07", "songzhuang-2024-12", "chengguan-2025-07",
                 "chengguan-2026-03", "lonely-2025-07"]:  # fmt: skip
        write_edition(tmp_path / name, SAMPLE)
    (tmp_path / "diffs").mkdir()
    (tmp_path / "notes-2025-08").mkdir()  # no edition.json: not an edition
    pairs = [(a.name, b.name) for a, b in previous_edition_pairs(tmp_path)]
    assert pairs == [
        ("chengguan-2025-07", "chengguan-2026-03"),
        ("songzhuang-2024-12", "songzhuang-2025-07"),
        ("songzhuang-2025-07", "songzhuang-2026-01"),
    ]


def test_hyphenated_place_and_missing_dir(tmp_path):
    for name in ["song-zhuang-2025-07", "song-zhuang-2025-10"]:
        write_edition(tmp_path / name, SAMPLE)
    assert [(a.name, b.name) for a, b in previous_edition_pairs(tmp_path)] == [("song-zhuang-2025-07", "song-zhuang-2025-10")]
    assert previous_edition_pairs(tmp_path / "absent") == []
