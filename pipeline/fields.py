"""Building blocks of the models: field types, the strict base model, clauses, warnings.

Shared by the list-kind declarations (`pipeline.lists`) and the edition
models (`pipeline.models`); imports nothing of the project's, so both can
build on it. Every field's description is "English｜中文" so bilingual docs
can be generated.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


def desc(en: str, zh: str) -> str:
    return f"{en}｜{zh}"


Seq = Annotated[int, Field(ge=1, description=desc("Item number within its list, as published", "序号"))]
ClauseNo = Annotated[int, Field(ge=1, description=desc("Clause number within its cell or department, 1..n", "条款序号"))]
Text = Annotated[str, Field(min_length=1)]

EditionId = Annotated[str, Field(description=desc("Edition identifier: the source file stem", "版本标识"))]
CategoryNo = Annotated[int, Field(description=desc("Category number (一 = 1)", "类别序号"))]
CategoryName = Annotated[str, Field(description=desc("Category name as published", "类别名称"))]
Name = Annotated[str, Field(description=desc("Item name (事项名称) as published", "事项名称"))]
Extra = Annotated[
    dict[str, str],
    Field(
        default_factory=dict,
        description=desc(
            "Columns the template does not have (备注, 法律依据, …): column title → cell text, in printed order",
            "模板以外的列：列名→内容",
        ),
    ),
]
OcrConfidence = Annotated[
    float | None,
    Field(
        default=None, ge=0, le=1,
        description=desc(
            "Read by OCR (a scan): the lowest confidence of the item's characters, 0-1; null when read from text",
            "文字识别置信度",
        ),
    ),
]
Departments = Annotated[
    list[str], Field(description=desc("Higher-level departments, in published order", "上级部门（按原文顺序）"))
]


class Strict(BaseModel):
    # defer_build: a model's validator is built when first used, so a command pays only for the
    # models it uses (`pipeline extract` never touches the diff's or the database's)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def check_numbering(numbers: list[int], what: str) -> None:
    """Numbers must run 1..n with no gap or repeat; the message names the first break."""
    for expected, found in enumerate(numbers, 1):
        if found != expected:
            kind = "repeated" if found in numbers[: expected - 1] else "out of sequence"
            raise ValueError(f"{what}: expected number {expected}, found {found} ({kind})")


class Clause(Strict):
    clause_no: ClauseNo
    text: Text = Field(description=desc("Clause text without its number or final ；/。", "条款内容"))


class Warning_(Strict):
    code: str = Field(description=desc("Machine-readable kind of warning", "警告类型"))
    list: str | None = Field(default=None, description=desc("List kind of the item, if any", "清单"))
    seq: int | None = None
    message: str
