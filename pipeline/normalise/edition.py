"""Raw document → the nested, validated `Edition` plus warnings."""

from __future__ import annotations

from pydantic import ValidationError

from pipeline.errors import InputError, first_validation_error
from pipeline.extract.raw import RawDocument
from pipeline.lists import KINDS, ItemContext, ListKind
from pipeline.models import Category, DeclaredList, DutyList, Edition, Item, Warning_
from pipeline.normalise import checks
from pipeline.normalise.assemble import HeadingRow, ItemRow, ListRows, assemble, list_titles
from pipeline.normalise.clauses import ClauseNumberError
from pipeline.normalise.front_matter import FrontMatter, parse_front_matter
from pipeline.normalise.text import clean


def _item(kind: ListKind, row: ItemRow, category: str, known: set[str], warnings: list[Warning_]) -> Item:
    try:
        item = kind.build(row.seq, row.cells, ItemContext(kind, known, warnings))
    except (ValidationError, ClauseNumberError) as err:
        raise InputError("item_invalid", _first_error(err), where=row.where, list_kind=kind.key, category=category,
                         seq=row.seq) from err
    # columns the template does not have: kept beside the item, never read into its fields; and how
    # sure the OCR was of it, when it read it
    return item.model_copy(update={"extra": {title: clean(text) for title, text in row.extra.items()},
                                   "ocr_confidence": None if row.confidence is None else round(row.confidence, 4)})


def _first_error(err: Exception) -> str:
    return first_validation_error(err) if isinstance(err, ValidationError) else str(err)


def _categories(rows: ListRows, known: set[str], warnings: list[Warning_]) -> list[Category]:
    categories: list[Category] = []
    opened: HeadingRow | None = None
    items: list[Item] = []

    def close() -> None:
        if opened is None:
            return
        try:
            categories.append(Category(**vars(opened.heading), items=items))
        except ValidationError as err:
            raise InputError("category_count", _first_error(err), where=opened.where, list_kind=rows.kind.key,
                             category=opened.heading.category) from err

    for entry in rows.entries:
        if isinstance(entry, HeadingRow):
            close()
            opened, items = entry, []
        elif opened is None:
            raise InputError("item_before_category", "item before any category heading", where=entry.where,
                             list_kind=rows.kind.key, seq=entry.seq)
        else:
            items.append(_item(rows.kind, entry, opened.heading.category, known, warnings))
    close()
    return categories


def _known_departments(lists: dict[str, ListRows]) -> set[str]:
    """Names the edition spells out whole somewhere: they rejoin names broken by a wrap (rule 4)."""
    known: set[str] = set()
    for rows in lists.values():
        if rows.kind.known_names:
            for entry in rows.entries:
                if isinstance(entry, ItemRow):
                    known.update(rows.kind.known_names(entry.cells))
    return known


def _declared_by_headings(rows: ListRows) -> DeclaredList:
    """Without a preface, what the category headings declare: their names and counts （N项）."""
    headings = [entry.heading for entry in rows.entries if isinstance(entry, HeadingRow)]
    uncounted = [h.category for h in headings if h.declared_count is None]
    if uncounted:
        raise InputError("no_declared_totals", f"no preface (说明), and the category {uncounted[0]} gives no count "
                         "（N项）: nothing declares the list's total", where=rows.where, list_kind=rows.kind.key)
    return DeclaredList(category_count=len(headings), total=sum(h.declared_count for h in headings),
                        categories=[h.category for h in headings], source="headings")


def _front_matter_warnings(front: FrontMatter) -> list[Warning_]:
    warnings = []
    if not front.declared:
        warnings.append(Warning_(code="no_preface", message="no preface (说明): the declared counts are the category "
                                 "headings' （N项）, so only they check the items"))
    if front.published is None:
        warnings.append(Warning_(code="published_unknown", message="no publication month (`2025年7月`) before the "
                                 "tables: published is null"))
    return warnings


def build_edition(doc: RawDocument, edition_id: str) -> tuple[Edition, list[Warning_]]:
    """Interpret and validate one document; InputError names what is wrong and where."""
    front = parse_front_matter(doc.front_matter, list_titles(doc))
    lists_rows = assemble(doc)
    known = _known_departments(lists_rows)
    warnings: list[Warning_] = _front_matter_warnings(front)
    warnings += [Warning_(code="read_past_damage", message=damage) for damage in doc.read_past]
    if doc.ocr is not None:
        warnings += checks.ocr_warnings(lists_rows, doc.ocr)
    lists = {}
    for kind in KINDS.values():
        rows = lists_rows[kind.key]
        categories = _categories(rows, known, warnings)
        declared = front.declared.get(kind.key) or _declared_by_headings(rows)
        try:
            lists[kind.key] = DutyList(kind=kind.key, title=kind.title, declared=declared,
                                       categories=categories, extra_columns=rows.extra_columns)
        except ValidationError as err:
            raise InputError("list_totals", _first_error(err), where=rows.where, list_kind=kind.key) from err
    edition = Edition(
        edition_id=edition_id,
        title=front.title,
        province=front.province,
        city=front.city,
        district=front.district,
        township=front.township,
        published=front.published,
        lists=lists,
    )
    return edition, warnings + checks.text_warnings(edition)
