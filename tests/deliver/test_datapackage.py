"""output/datapackage.json: valid against the Data Package v2 profile, and the files conform to it.

The profile is vendored (no network in tests): datapackage-profile-2.0.json is the
published https://datapackage.org/profiles/2.0/datapackage.json as shipped in the
PyPI package dplib-py 1.1.0 (dplib/profiles/2.0/datapackage.json, MIT licence,
Open Knowledge Foundation), unmodified.

Expected fields, types, constraints and keys are written out below by hand from
pipeline/models.py, not read from the pipeline's own column helpers.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest

from pipeline.deliver.datapackage import PROFILE, check_package, write_datapackage

PROFILE_FILE = Path(__file__).with_name("datapackage-profile-2.0.json")
FULL = "testtown-2025-07"

# constraints, by hand: R required, R1 required with minimum 1, None nullable (no constraints)
R = {"required": True}
R1 = {"required": True, "minimum": 1}
LIST = "list"  # a list column: `string` in CSV resources, `array` in Parquet resources
EXTRA = ("extra", "模板以外的列：列名→内容", "object", R)  # a map: JSON object text in CSV, a map in Parquet; `{}` not missing

# table -> [(name, Chinese title, type, constraints)], in output order
FIELDS = {
    "basic_duties": [
        ("edition_id", "版本标识", "string", R),
        ("seq", "序号", "integer", R1),
        ("category_no", "类别序号", "integer", R),
        ("category", "类别名称", "string", R),
        ("text", "事项名称（原文）", "string", R),
        EXTRA,
    ],
    "coordinated_duties": [
        ("edition_id", "版本标识", "string", R),
        ("seq", "序号", "integer", R1),
        ("category_no", "类别序号", "integer", R),
        ("category", "类别名称", "string", R),
        ("name", "事项名称", "string", R),
        ("departments", "上级部门（按原文顺序）", LIST, None),
        ("department_count", "对应上级部门数", "integer", R),
        ("township_clause_count", "乡镇配合职责条数", "integer", R),
        EXTRA,
    ],
    "coordinated_department_duties": [
        ("edition_id", "版本标识", "string", R),
        ("seq", "序号", "integer", R1),
        ("department", "上级部门", "string", R),
        ("clause_no", "条款序号", "integer", R1),
        ("text", "上级部门职责（一条）", "string", R),
        ("label", "原文标签", "string", None),
    ],
    "coordinated_township_duties": [
        ("edition_id", "版本标识", "string", R),
        ("seq", "序号", "integer", R1),
        ("clause_no", "条款序号", "integer", R1),
        ("text", "乡镇（街道）配合职责（一条）", "string", R),
    ],
    "reclaimed_duties": [
        ("edition_id", "版本标识", "string", R),
        ("seq", "序号", "integer", R1),
        ("category_no", "类别序号", "integer", R),
        ("category", "类别名称", "string", R),
        ("name", "事项名称", "string", R),
        ("departments", "承接部门", LIST, None),
        ("disposition", "处置方式", "string", {"required": True, "enum": ["transferred", "discontinued"]}),
        ("reason", "不再开展的原因", "string", None),
        ("method", "工作方式", "string", R),
        EXTRA,
    ],
    "reclaimed_method_clauses": [
        ("edition_id", "版本标识", "string", R),
        ("seq", "序号", "integer", R1),
        ("clause_no", "条款序号", "integer", R1),
        ("text", "工作方式（一条）", "string", R),
        ("department", "条款开头的承接部门", "string", None),
    ],
    "categories": [
        ("edition_id", "版本标识", "string", R),
        ("list", "清单", "string", {"required": True, "enum": ["basic", "coordinated", "reclaimed"]}),
        ("category_no", "类别序号", "integer", R),
        ("category", "类别名称", "string", R),
        ("declared_count", "标题声明的事项数", "integer", None),  # null: a 类别 column without （N项）
        ("item_count", "实际事项数", "integer", R),
    ],
    "departments": [
        ("edition_id", "版本标识", "string", R),
        ("department", "部门名称", "string", R),
        ("coordinated_items", "涉及的配合履职事项数", "integer", R),
        ("reclaimed_items", "承接的收回事项数", "integer", R),
    ],
}
PRIMARY_KEYS = {
    "basic_duties": ["edition_id", "seq"],
    "coordinated_duties": ["edition_id", "seq"],
    "coordinated_department_duties": ["edition_id", "seq", "department", "clause_no"],
    "coordinated_township_duties": ["edition_id", "seq", "clause_no"],
    "reclaimed_duties": ["edition_id", "seq"],
    "reclaimed_method_clauses": ["edition_id", "seq", "clause_no"],
    "categories": ["edition_id", "list", "category_no"],
    "departments": ["edition_id", "department"],
}


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(PROFILE_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


@pytest.fixture
def descriptor(output_dir):
    path = write_datapackage(output_dir)
    assert path == output_dir / "datapackage.json"
    return json.loads(path.read_text(encoding="utf-8"))


def by_name(descriptor):
    return {r["name"]: r for r in descriptor["resources"]}


def test_valid_against_the_v2_profile(descriptor, validator):
    assert descriptor["$schema"] == PROFILE == "https://datapackage.org/profiles/2.0/datapackage.json"
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(descriptor)]
    assert errors == []


def test_the_profile_does_reject_bad_descriptors(descriptor, validator):
    assert not validator.is_valid({"name": "x"})  # no resources
    bad = json.loads(json.dumps(descriptor))
    bad["resources"][0]["schema"]["fields"][1]["type"] = "list"  # not a type of the v2.0 profile
    assert not validator.is_valid(bad)
    bad = json.loads(json.dumps(descriptor))
    bad["resources"][0]["path"] = "../outside.csv"
    assert not validator.is_valid(bad)


def test_every_csv_and_parquet_file_is_a_resource(descriptor, output_dir):
    on_disk = sorted(p.relative_to(output_dir).as_posix() for p in output_dir.rglob("*") if p.suffix in (".csv", ".parquet"))
    described = sorted(r["path"] for r in descriptor["resources"])
    assert described == on_disk
    assert len(on_disk) == 3 * 8 * 2 + 3 * 2 * 2  # 3 editions x 8 tables x 2 formats + 3 diffs x 2 tables x 2
    for r in descriptor["resources"]:
        assert r["$schema"] == "https://datapackage.org/profiles/2.0/dataresource.json"
        assert r["type"] == "table"
        assert r["hash"].startswith("sha256:") and r["bytes"] == (output_dir / r["path"]).stat().st_size


def test_tables_fields_types_and_keys(descriptor):
    resources = by_name(descriptor)
    edition_resources = sorted(r["name"] for r in descriptor["resources"] if r["name"].startswith(FULL + "."))
    assert edition_resources == sorted(f"{FULL}.{t}.{fmt}" for t in FIELDS for fmt in ("csv", "parquet"))
    for table, expected in FIELDS.items():
        for fmt in ("csv", "parquet"):
            r = resources[f"{FULL}.{table}.{fmt}"]
            assert r["path"] == f"{FULL}/{table}.{fmt}"
            assert r["format"] == fmt
            fields = r["schema"]["fields"]
            assert [(f["name"], f["title"]) for f in fields] == [(name, title) for name, title, _, _ in expected], (table, fmt)
            for f, (name, title, kind, constraints) in zip(fields, expected):
                if kind == LIST:
                    kind = "string" if fmt == "csv" else "array"
                assert f["type"] == kind, (table, fmt, name)
                assert f.get("constraints") == constraints, (table, fmt, name)
                en, zh = f["description"].split("｜")
                assert en and zh == title, (table, fmt, name)
            assert r["schema"]["primaryKey"] == PRIMARY_KEYS[table], (table, fmt)


def test_key_fields_literally(descriptor):
    resources = by_name(descriptor)
    seq = resources[f"{FULL}.basic_duties.csv"]["schema"]["fields"][1]
    assert seq == {
        "name": "seq", "title": "序号", "type": "integer",
        "description": "Item number within its list, as published｜序号",
        "constraints": {"required": True, "minimum": 1},
    }  # fmt: skip
    deps = {fmt: resources[f"{FULL}.coordinated_duties.{fmt}"]["schema"]["fields"][5] for fmt in ("csv", "parquet")}
    assert deps["csv"] == {
        "name": "departments", "title": "上级部门（按原文顺序）", "type": "string",
        "description": "Higher-level departments, in published order (list; items joined with 、)｜上级部门（按原文顺序）",
    }  # fmt: skip
    assert deps["parquet"] == {
        "name": "departments", "title": "上级部门（按原文顺序）", "type": "array",
        "description": "Higher-level departments, in published order (list; a list of strings)｜上级部门（按原文顺序）",
    }  # fmt: skip
    disposition = resources[f"{FULL}.reclaimed_duties.csv"]["schema"]["fields"][6]
    assert disposition["name"] == "disposition"
    assert disposition["constraints"] == {"required": True, "enum": ["transferred", "discontinued"]}
    reason = resources[f"{FULL}.reclaimed_duties.csv"]["schema"]["fields"][7]
    assert reason["name"] == "reason" and "constraints" not in reason  # nullable
    extra = {fmt: resources[f"{FULL}.basic_duties.{fmt}"]["schema"]["fields"][5] for fmt in ("csv", "parquet")}
    described = "Columns the template does not have (备注, 法律依据, …): column title → cell text, in printed order"
    assert extra["csv"] == {
        "name": "extra", "title": "模板以外的列：列名→内容", "type": "object",
        "description": f"{described} (map; a JSON object, keys in printed order)｜模板以外的列：列名→内容",
        "constraints": {"required": True},
    }  # fmt: skip
    assert extra["parquet"] == {
        "name": "extra", "title": "模板以外的列：列名→内容", "type": "object",
        "description": f"{described} (map; a map string → string, keys in printed order)｜模板以外的列：列名→内容",
        "constraints": {"required": True},
    }  # fmt: skip
    declared = resources[f"{FULL}.categories.csv"]["schema"]["fields"][4]
    assert declared["name"] == "declared_count" and "constraints" not in declared  # nullable: not required


def test_map_and_null_cells_as_the_checker_reads_them(descriptor, output_dir):
    """The CSV's JSON object and the Parquet map read back the same, keys in printed order; a null count stays null."""
    from pipeline.deliver.datapackage import _read_csv, _read_parquet

    resources = by_name(descriptor)
    for fmt, read in (("csv", _read_csv), ("parquet", _read_parquet)):
        errors: list[str] = []
        basic = read(resources[f"{FULL}.basic_duties.{fmt}"], output_dir / FULL / f"basic_duties.{fmt}", errors)
        assert [list(r["extra"].items()) for r in basic] == [
            [("备注", "/"), ("法律依据", "《中华人民共和国土地管理法》第六十七条")],
            [("备注", ""), ("法律依据", "")],
            [("备注", "需区发展改革委配合"), ("法律依据", "《优化营商环境条例》\n第八条")],
        ], fmt
        reclaimed = read(resources[f"{FULL}.reclaimed_duties.{fmt}"], output_dir / FULL / f"reclaimed_duties.{fmt}", errors)
        assert [r["extra"] for r in reclaimed] == [{}, {}, {}, {}], fmt
        cats = read(resources[f"{FULL}.categories.{fmt}"], output_dir / FULL / f"categories.{fmt}", errors)
        assert [(r["list"], r["category_no"], r["declared_count"]) for r in cats][-2:] == [
            ("reclaimed", 1, 2), ("reclaimed", 2, None)], fmt
        assert errors == [], fmt


def test_foreign_keys_point_at_the_same_edition_and_format(descriptor):
    resources = by_name(descriptor)
    fks = resources[f"{FULL}.coordinated_department_duties.csv"]["schema"]["foreignKeys"]
    assert fks == [
        {"fields": ["edition_id", "seq"], "reference": {"resource": f"{FULL}.coordinated_duties.csv", "fields": ["edition_id", "seq"]}},
        {"fields": ["edition_id", "department"], "reference": {"resource": f"{FULL}.departments.csv", "fields": ["edition_id", "department"]}},
    ]  # fmt: skip
    count = sum(len(r["schema"].get("foreignKeys", [])) for r in descriptor["resources"])
    assert count == 3 * 2 * 5  # 3 editions x 2 formats x 5 foreign keys (2 + 1 + 2 above and below)
    fks = resources[f"{FULL}.reclaimed_method_clauses.parquet"]["schema"]["foreignKeys"]
    assert fks == [
        {"fields": ["edition_id", "seq"], "reference": {"resource": f"{FULL}.reclaimed_duties.parquet", "fields": ["edition_id", "seq"]}},
        {"fields": ["edition_id", "department"], "reference": {"resource": f"{FULL}.departments.parquet", "fields": ["edition_id", "department"]}},
    ]  # fmt: skip
    fks = resources[f"{FULL}.coordinated_township_duties.csv"]["schema"]["foreignKeys"]
    assert fks == [
        {"fields": ["edition_id", "seq"], "reference": {"resource": f"{FULL}.coordinated_duties.csv", "fields": ["edition_id", "seq"]}},
    ]  # fmt: skip
    for r in descriptor["resources"]:
        for fk in r["schema"].get("foreignKeys", []):
            assert fk["reference"]["resource"] in resources


def test_the_files_conform(descriptor, output_dir):
    assert check_package(output_dir / "datapackage.json") == []


def test_csv_parsed_independently_matches_types_and_keys(descriptor, output_dir):
    """A second, simpler check with the csv module only: integers parse, keys are unique, FKs resolve."""
    keys: dict[str, set] = {}
    for r in descriptor["resources"]:
        if r["format"] != "csv" or "primaryKey" not in r["schema"]:
            continue
        with open(output_dir / r["path"], encoding="utf-8-sig", newline="") as fh:
            data = list(csv.DictReader(fh))
        for f in r["schema"]["fields"]:
            if f["type"] == "integer":
                required = f.get("constraints", {}).get("required")
                assert all(row[f["name"]].lstrip("-").isdigit() or (not required and row[f["name"]] == "")
                           for row in data), (r["name"], f["name"])
            if f["type"] == "object":
                assert all(isinstance(json.loads(row[f["name"]]), dict) for row in data), (r["name"], f["name"])
        pk = [tuple(row[k] for k in r["schema"]["primaryKey"]) for row in data]
        assert len(pk) == len(set(pk)), r["name"]
        keys[r["name"]] = data
    for r in descriptor["resources"]:
        for fk in r["schema"].get("foreignKeys", []) if r["format"] == "csv" else []:
            target = {tuple(row[f] for f in fk["reference"]["fields"]) for row in keys[fk["reference"]["resource"]]}
            for row in keys[r["name"]]:
                key = tuple(row[f] for f in fk["fields"])
                assert "" in key or key in target, (r["name"], key)


def _append_csv_row(path: Path, values: list) -> None:
    with open(path, "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(values)


def test_duplicate_primary_key_is_reported(descriptor, output_dir):
    _append_csv_row(output_dir / FULL / "basic_duties.csv", [FULL, 1, 1, "党的建设", "重复", "{}"])
    errors = check_package(output_dir / "datapackage.json")
    assert errors == [f"{FULL}.basic_duties.csv: line 5: primary key {{'edition_id': '{FULL}', 'seq': 1}} repeats line 2"]


def test_dangling_foreign_key_is_reported(descriptor, output_dir):
    _append_csv_row(output_dir / FULL / "coordinated_township_duties.csv", [FULL, 9, 1, "无此事项"])
    errors = check_package(output_dir / "datapackage.json")
    assert errors == [
        f"{FULL}.coordinated_township_duties.csv: line 5: {{'edition_id': '{FULL}', 'seq': 9}} "
        f"not found in {FULL}.coordinated_duties.csv ['edition_id', 'seq']"
    ]


def test_bad_type_enum_minimum_and_required_are_reported(descriptor, output_dir):
    _append_csv_row(output_dir / FULL / "reclaimed_duties.csv", [FULL, "x", 1, "民生服务", "", "", "moved", "", "m", ""])
    _append_csv_row(output_dir / FULL / "basic_duties.csv", [FULL, 0, 1, "党的建设", "零", "备注：/"])
    errors = check_package(output_dir / "datapackage.json")
    assert f"{FULL}.reclaimed_duties.csv: line 6: extra: required value missing" in errors
    assert f"{FULL}.basic_duties.csv: line 5: extra: '备注：/' is not a JSON object" in errors
    assert f"{FULL}.reclaimed_duties.csv: line 6: seq: 'x' is not an integer" in errors
    assert f"{FULL}.reclaimed_duties.csv: line 6: name: required value missing" in errors
    assert any("disposition: 'moved' not in ['transferred', 'discontinued']" in e for e in errors)
    assert f"{FULL}.basic_duties.csv: line 5: seq: 0 < minimum 1" in errors


def test_header_and_parquet_columns_are_checked(descriptor, output_dir):
    import pyarrow.parquet as pq

    path = output_dir / FULL / "departments.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["reclaimed_items"]), path)
    text = (output_dir / FULL / "categories.csv").read_text(encoding="utf-8-sig")
    (output_dir / FULL / "categories.csv").write_text(text.replace("item_count", "items", 1), encoding="utf-8-sig")
    errors = check_package(output_dir / "datapackage.json")
    assert any(e.startswith(f"{FULL}.departments.parquet: columns") for e in errors)
    assert any(e.startswith(f"{FULL}.categories.csv: header") for e in errors)


def test_real_edition(real_output, validator):
    from pipeline.deliver.database import build_database

    build_database(real_output)  # not a CSV or Parquet file: must not be described
    path = write_datapackage(real_output)
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    assert list(validator.iter_errors(descriptor)) == []
    assert len(descriptor["resources"]) == 8 * 2  # 8 tables x (CSV, Parquet)
    assert check_package(path) == []
