"""output/datapackage.json: valid against the Data Package v2 profile, and valid under frictionless-py.

`frictionless validate` (the reference implementation) checks every file against
the descriptor: header, types, required values, enums, minimums, primary keys,
foreign keys, and the CSVs' byte counts and hashes; the damaged copies below show
that it reports each kind of error, in CSV and in Parquet. What it cannot check in
Parquet (list and map columns, declared `any`: see pipeline/deliver/datapackage.py)
is checked here with pyarrow against the models' types.

The profile is vendored (no network in tests): datapackage-profile-2.0.json is the
published https://datapackage.org/profiles/2.0/datapackage.json as shipped in the
PyPI package dplib-py 1.1.0 (dplib/profiles/2.0/datapackage.json, MIT licence,
Open Knowledge Foundation), unmodified.

Expected fields, types, constraints and keys are written out below by hand from
pipeline/models.py, not read from the pipeline's own column helpers.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import frictionless
import jsonschema
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.deliver.datapackage import PROFILE, write_datapackage

PROFILE_FILE = Path(__file__).with_name("datapackage-profile-2.0.json")
FULL = "testtown-2025-07"

# constraints, by hand: R required, R1 required with minimum 1, None nullable (no constraints)
R = {"required": True}
R1 = {"required": True, "minimum": 1}
LIST = "list"  # a list column: `string` in CSV resources, `any` in Parquet resources (Arrow list<string>)
MAP = "map"  # a map column: `object` in CSV resources (a JSON object's text), `any` in Parquet (Arrow map<string, string>)
INT_OR_NULL = "integer or null"  # `integer` in CSV, `any` in Parquet (pandas reads integers with a null as floats)
NUM_OR_NULL = "number or null"  # `number` in CSV, `any` in Parquet (pandas reads a null among numbers as NaN)
TYPES = {("csv", LIST): "string", ("parquet", LIST): "any", ("csv", MAP): "object", ("parquet", MAP): "any",
         ("csv", INT_OR_NULL): "integer", ("parquet", INT_OR_NULL): "any",
         ("csv", NUM_OR_NULL): "number", ("parquet", NUM_OR_NULL): "any"}
ARROW = {"string": pa.string(), "integer": pa.int64(), INT_OR_NULL: pa.int64(), NUM_OR_NULL: pa.float64(),
         LIST: pa.list_(pa.string()), MAP: pa.map_(pa.string(), pa.string())}
EXTRA = ("extra", "模板以外的列：列名→内容", MAP, R)  # `{}` when empty, never missing
# null unless read by OCR; `any` in Parquet takes no bounds
OCR_CONFIDENCE = ("ocr_confidence", "文字识别置信度", NUM_OR_NULL, {"csv": {"minimum": 0}, "parquet": None})

# table -> [(name, Chinese title, type, constraints)], in output order
FIELDS = {
    "basic_duties": [
        ("edition_id", "版本标识", "string", R),
        ("seq", "序号", "integer", R1),
        ("category_no", "类别序号", "integer", R),
        ("category", "类别名称", "string", R),
        ("text", "事项名称（原文）", "string", R),
        EXTRA,
        OCR_CONFIDENCE,
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
        OCR_CONFIDENCE,
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
        OCR_CONFIDENCE,
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
        ("declared_count", "标题声明的事项数", INT_OR_NULL, None),  # null: a 类别 column without （N项）
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
        data = (output_dir / r["path"]).read_bytes()
        assert r["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        # frictionless cannot count a Parquet file's bytes (it reads it through pyarrow): none declared
        assert r.get("bytes") == (len(data) if r["format"] == "csv" else None), r["name"]


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
                assert f["type"] == TYPES.get((fmt, kind), kind), (table, fmt, name)
                by_format = isinstance(constraints, dict) and fmt in constraints
                assert f.get("constraints") == (constraints[fmt] if by_format else constraints), (table, fmt, name)
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
        "name": "departments", "title": "上级部门（按原文顺序）", "type": "any",
        "description": "Higher-level departments, in published order (list; Parquet list<string>)｜上级部门（按原文顺序）",
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
        "name": "extra", "title": "模板以外的列：列名→内容", "type": "any",
        "description": f"{described} (map; Parquet map<string, string>, keys in printed order)｜模板以外的列：列名→内容",
        "constraints": {"required": True},
    }  # fmt: skip
    declared = resources[f"{FULL}.categories.csv"]["schema"]["fields"][4]
    assert declared["name"] == "declared_count" and "constraints" not in declared  # nullable: not required


def test_foreign_keys_point_at_the_same_edition_and_format(descriptor):
    """Within one edition's files the key leaves out edition_id (one value in both files), so that a row
    whose department is null is not checked (frictionless skips a key only when all its fields are null)."""
    resources = by_name(descriptor)
    fks = resources[f"{FULL}.coordinated_department_duties.csv"]["schema"]["foreignKeys"]
    assert fks == [
        {"fields": ["seq"], "reference": {"resource": f"{FULL}.coordinated_duties.csv", "fields": ["seq"]}},
        {"fields": ["department"], "reference": {"resource": f"{FULL}.departments.csv", "fields": ["department"]}},
    ]  # fmt: skip
    count = sum(len(r["schema"].get("foreignKeys", [])) for r in descriptor["resources"])
    assert count == 3 * 2 * 5  # 3 editions x 2 formats x 5 foreign keys (2 + 1 + 2 above and below)
    fks = resources[f"{FULL}.reclaimed_method_clauses.parquet"]["schema"]["foreignKeys"]
    assert fks == [
        {"fields": ["seq"], "reference": {"resource": f"{FULL}.reclaimed_duties.parquet", "fields": ["seq"]}},
        {"fields": ["department"], "reference": {"resource": f"{FULL}.departments.parquet", "fields": ["department"]}},
    ]  # fmt: skip
    fks = resources[f"{FULL}.coordinated_township_duties.csv"]["schema"]["foreignKeys"]
    assert fks == [
        {"fields": ["seq"], "reference": {"resource": f"{FULL}.coordinated_duties.csv", "fields": ["seq"]}},
    ]  # fmt: skip
    for r in descriptor["resources"]:
        for fk in r["schema"].get("foreignKeys", []):
            assert fk["reference"]["resource"] in resources


# ---------------------------------------------------------------- frictionless-py on the files


def frictionless_errors(descriptor_path: Path, resource: str | None = None) -> list[tuple]:
    """(resource, error type, row, field) of every error frictionless reports, for the package or one resource.

    Row numbers are frictionless's: the CSV header is row 1, so is a Parquet file's column names."""
    if resource is None:
        report = frictionless.validate(str(descriptor_path))
    else:
        report = frictionless.Package(str(descriptor_path)).get_resource(resource).validate()
    found = [("package", e.type, None, None) for e in report.errors]
    for task in report.tasks:
        found += [(task.name, e.type, getattr(e, "row_number", None), getattr(e, "field_name", None)) for e in task.errors]
    return found


def test_frictionless_finds_the_package_valid(descriptor, output_dir):
    report = frictionless.validate(str(output_dir / "datapackage.json"))
    assert frictionless_errors(output_dir / "datapackage.json") == []
    assert report.valid and len(report.tasks) == len(descriptor["resources"])
    rows = {task.name: task.stats.get("rows") for task in report.tasks}  # every file was read, in both formats
    assert rows[f"{FULL}.basic_duties.csv"] == rows[f"{FULL}.basic_duties.parquet"] == 3
    assert rows[f"{FULL}.reclaimed_duties.csv"] == rows[f"{FULL}.reclaimed_duties.parquet"] == 4


def test_real_edition(real_output, validator):
    from pipeline.deliver.database import build_database

    build_database(real_output)  # not a CSV or Parquet file: must not be described
    path = write_datapackage(real_output)
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    assert list(validator.iter_errors(descriptor)) == []
    assert len(descriptor["resources"]) == 8 * 2  # 8 tables x (CSV, Parquet)
    # the published edition has reclaimed method clauses without a department (null keys): still valid
    assert frictionless_errors(path) == []


def _append_csv_row(path: Path, values: list) -> None:
    with open(path, "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(values)


def _damage_csv(descriptor, output_dir: Path, table: str, values: list) -> str:
    """Append a row to an edition's CSV after the descriptor was written; the resource's name.

    The descriptor is then fixed to the file's new size and hash so that only the row's own errors remain."""
    _append_csv_row(output_dir / FULL / f"{table}.csv", values)
    return _refresh_facts(descriptor, output_dir, f"{FULL}.{table}.csv")


def _refresh_facts(descriptor, output_dir: Path, name: str) -> str:
    resource = by_name(descriptor)[name]
    data = (output_dir / resource["path"]).read_bytes()
    resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    if "bytes" in resource:
        resource["bytes"] = len(data)
    (output_dir / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return name


def test_duplicate_primary_key_is_reported(descriptor, output_dir):
    name = _damage_csv(descriptor, output_dir, "basic_duties", [FULL, 1, 1, "党的建设", "重复", "{}", ""])
    assert frictionless_errors(output_dir / "datapackage.json", name) == [(name, "primary-key", 5, None)]


def test_dangling_foreign_key_is_reported(descriptor, output_dir):
    name = _damage_csv(descriptor, output_dir, "coordinated_township_duties", [FULL, 9, 1, "无此事项"])
    assert frictionless_errors(output_dir / "datapackage.json", name) == [(name, "foreign-key", 5, None)]


def test_a_named_department_missing_from_departments_is_reported(descriptor, output_dir):
    """Nulls are skipped, names are not: the key without edition_id still checks every named department."""
    name = _damage_csv(descriptor, output_dir, "reclaimed_method_clauses", [FULL, 1, 9, "由某部门承接", "区无此局"])
    assert frictionless_errors(output_dir / "datapackage.json", name) == [(name, "foreign-key", 7, None)]  # 5 rows before


def test_bad_type_enum_minimum_and_required_are_reported(descriptor, output_dir):
    name = _damage_csv(descriptor, output_dir, "reclaimed_duties", [FULL, "x", 1, "民生服务", "", "", "moved", "", "m", "", ""])
    assert sorted(frictionless_errors(output_dir / "datapackage.json", name)) == [
        (name, "constraint-error", 6, "disposition"),  # not in the enum
        (name, "constraint-error", 6, "extra"),  # required
        (name, "constraint-error", 6, "name"),  # required
        (name, "type-error", 6, "seq"),
    ]
    name = _damage_csv(descriptor, output_dir, "basic_duties", [FULL, 0, 1, "党的建设", "零", "备注：/", "-0.5"])
    assert sorted(frictionless_errors(output_dir / "datapackage.json", name)) == [
        (name, "constraint-error", 5, "ocr_confidence"),  # below the minimum 0
        (name, "constraint-error", 5, "seq"),  # below the minimum 1
        (name, "type-error", 5, "extra"),  # not a JSON object
    ]


def test_a_changed_file_fails_its_hash_and_size(descriptor, output_dir):
    _append_csv_row(output_dir / FULL / "departments.csv", [FULL, "区某局", 0, 0])
    name = f"{FULL}.departments.csv"
    assert sorted(e[1] for e in frictionless_errors(output_dir / "datapackage.json", name)) == ["byte-count", "hash-count"]


def test_parquet_rows_are_checked_too(descriptor, output_dir):
    """A Parquet file with a repeated key and a missing required value: frictionless reads its rows."""
    path = output_dir / FULL / "basic_duties.parquet"
    table = pq.read_table(path)
    table = table.cast(pa.schema([f.with_nullable(True) for f in table.schema]))
    first = table.slice(0, 1)
    blank = first.set_column(4, "text", pa.array([None], pa.string()))
    pq.write_table(pa.concat_tables([table, first, blank]), path)
    name = _refresh_facts(descriptor, output_dir, f"{FULL}.basic_duties.parquet")
    assert sorted(frictionless_errors(output_dir / "datapackage.json", name)) == [
        (name, "constraint-error", 6, "text"),  # required
        (name, "primary-key", 5, None),
        (name, "primary-key", 6, None),
    ]


def test_header_and_parquet_columns_are_checked(descriptor, output_dir):
    path = output_dir / FULL / "departments.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["reclaimed_items"]), path)
    text = (output_dir / FULL / "categories.csv").read_text(encoding="utf-8-sig")
    (output_dir / FULL / "categories.csv").write_text(text.replace("item_count", "items", 1), encoding="utf-8-sig")
    _refresh_facts(descriptor, output_dir, f"{FULL}.departments.parquet")
    _refresh_facts(descriptor, output_dir, f"{FULL}.categories.csv")
    errors = frictionless_errors(output_dir / "datapackage.json")
    assert (f"{FULL}.departments.parquet", "missing-label", None, "reclaimed_items") in [e[:2] + (None, e[3]) for e in errors]
    assert (f"{FULL}.categories.csv", "incorrect-label", None, "item_count") in [e[:2] + (None, e[3]) for e in errors]


# ---------------------------------------------------------------- what frictionless cannot check in Parquet


def test_parquet_columns_have_the_models_arrow_types(descriptor, output_dir):
    """Lists, maps and integers that may be null are `any` for frictionless: every column's Arrow type is checked here."""
    for table, expected in FIELDS.items():
        schema = pq.read_schema(output_dir / FULL / f"{table}.parquet")
        assert [(f.name, f.type) for f in schema] == [(name, ARROW[kind]) for name, _, kind, _ in expected], table


def test_map_and_null_cells_read_back_in_both_formats(output_dir):
    """The CSV's JSON object and the Parquet map hold the same, keys in printed order; a null count stays null."""
    def csv_rows(table):
        with open(output_dir / FULL / f"{table}.csv", encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))

    def parquet_rows(table):
        return pq.read_table(output_dir / FULL / f"{table}.parquet").to_pylist()

    expected_extra = [
        [("备注", "/"), ("法律依据", "《中华人民共和国土地管理法》第六十七条")],
        [("备注", ""), ("法律依据", "")],
        [("备注", "需区发展改革委配合"), ("法律依据", "《优化营商环境条例》\n第八条")],
    ]
    assert [list(json.loads(r["extra"]).items()) for r in csv_rows("basic_duties")] == expected_extra
    assert [r["extra"] for r in parquet_rows("basic_duties")] == expected_extra  # a map: a list of pairs in order
    assert [r["extra"] for r in csv_rows("reclaimed_duties")] == ["{}"] * 4
    assert [r["extra"] for r in parquet_rows("reclaimed_duties")] == [[]] * 4
    assert [(r["list"], r["declared_count"]) for r in csv_rows("categories")][-2:] == [("reclaimed", "2"), ("reclaimed", "")]
    assert [(r["list"], r["declared_count"]) for r in parquet_rows("categories")][-2:] == [("reclaimed", 2), ("reclaimed", None)]
