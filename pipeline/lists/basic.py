"""基本履职事项: duties the township carries out itself; one sentence per item."""

from __future__ import annotations

from typing import Iterator

from pydantic import Field

from pipeline.fields import CategoryName, CategoryNo, EditionId, Extra, OcrConfidence, Seq, Strict, Text, desc
from pipeline.lists.kind import NAME, SEQ, ItemContext, ItemField, ListKind, Table
from pipeline.normalise.text import clean


class BasicDuty(Strict):
    seq: Seq
    text: Text
    extra: Extra
    ocr_confidence: OcrConfidence


class BasicDutyRow(Strict):
    """Basic duties: one row per item of the basic list｜基本履职事项：每项一行"""

    edition_id: EditionId
    seq: Seq
    category_no: CategoryNo
    category: CategoryName
    text: str = Field(description=desc("The duty as published, final punctuation kept", "事项名称（原文）"))
    extra: Extra
    ocr_confidence: OcrConfidence


def build(seq: int, cells: dict[str, str], ctx: ItemContext) -> BasicDuty:
    return BasicDuty(seq=seq, text=clean(cells.get("name", "")))


def item_rows(edition_id: str, category_no: int, category: str, item: BasicDuty) -> Iterator[BasicDutyRow]:
    yield BasicDutyRow(edition_id=edition_id, seq=item.seq, category_no=category_no, category=category, text=item.text,
                      extra=item.extra, ocr_confidence=item.ocr_confidence)


KIND = ListKind(
    key="basic",
    name="基本履职事项",
    en="basic duties",
    columns=(SEQ, NAME),
    item=BasicDuty,
    build=build,
    fields=(ItemField("text", "事项内容", "text"),),
    tables={"basic_duties": Table(BasicDutyRow, item_rows, ("edition_id", "seq"))},
    # the closest two different duties of the 2025-07 edition score 0.50, rewordings 0.76-0.90
    match_threshold=0.60,
    cluster_threshold=0.60,
)
