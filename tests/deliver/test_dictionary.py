"""docs/data-dictionary.md is generated from the row models and must not go stale."""

from __future__ import annotations

from pipeline.deliver import columns
from pipeline.deliver.database import VIEWS
from pipeline.deliver.dictionary import DOC, main, render
from pipeline.models import PRIMARY_KEYS, TABLES


def test_committed_dictionary_is_up_to_date():
    assert DOC.exists(), "run: python -m pipeline.deliver.dictionary"
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/data-dictionary.md is stale: run python -m pipeline.deliver.dictionary"
    )


def test_every_table_and_column_with_both_languages():
    text = render()
    for table in TABLES:
        assert f"### {table}\n" in text
        assert "- Primary key: " + ", ".join(f"`{k}`" for k in PRIMARY_KEYS[table]) in text
        for i, c in enumerate(columns(table), start=1):
            assert f"| {i} | `{c.name}` | {c.zh} | " in text
            assert c.en in text
    assert "| 2 | `seq` | 序号 | integer ≥ 1 | no | `BIGINT` | Item number within its list, as published |" in text
    assert "| 7 | `disposition` | 处置方式 | string: `transferred` / `discontinued` | no | `VARCHAR` |" in text
    assert "| 8 | `reason` | 不再开展的原因 | string | yes | `VARCHAR` |" in text
    for view in VIEWS:
        assert f"| `{view}` |" in text


def test_a_model_change_makes_it_stale(monkeypatch):
    from pipeline import models

    before = render()
    field = models.BasicDutyRow.model_fields["text"]
    monkeypatch.setattr(field, "description", "Changed｜改了")
    assert render() != before


def test_check_flag(tmp_path):
    out = tmp_path / "dd.md"
    assert main(["--check", "--out", str(out)]) == 1  # missing
    assert main(["--out", str(out)]) == 0
    assert main(["--check", "--out", str(out)]) == 0
    out.write_text(out.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    assert main(["--check", "--out", str(out)]) == 1
