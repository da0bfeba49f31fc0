"""Step 1: read an edition output directory into comparable items.

The edition is read from duties.json, validated again by the models — the
same nested edition the tables were flattened from — and each item is reduced
to the fields its list kind declares for comparison (`ListKind.fields`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import InputError
from pipeline.lists import KINDS, ItemField
from pipeline.models import Edition, EditionMeta
from pipeline.outputs import load_json_model, read_edition_info


@dataclass(frozen=True)
class Item:
    """One duty, reduced to what the diff compares.

    `values` holds hashable field values: strings, tuples of strings, and for
    department clauses a tuple of (department, (clause, ...)) in published order.
    """

    list: str
    seq: int
    category_no: int
    category: str
    values: dict = field(hash=False, compare=False)

    @property
    def title(self) -> str:
        """What a reader calls the item: its list's title field (a basic duty's text, otherwise its name)."""
        return self.values[KINDS[self.list].title_field]


@dataclass(frozen=True)
class EditionData:
    meta: EditionMeta
    items: dict[str, list[Item]]  # list kind -> items in seq order
    path: Path


def comparable(f: ItemField, value):
    """A field's value as a hashable, comparable one, by its declared shape."""
    if f.shape == "names":
        return tuple(value)
    if f.shape == "clauses":
        return tuple(c.text for c in value)
    if f.shape == "department_clauses":
        return tuple((d.department, tuple(c.text for c in d.clauses)) for d in value)
    return value


def items_of(edition: Edition) -> dict[str, list[Item]]:
    """Every list's items in seq order, each with its kind's compared fields."""
    items: dict[str, list[Item]] = {}
    for kind in KINDS.values():
        items[kind.key] = [
            Item(kind.key, item.seq, category.category_no, category.category,
                 {f.name: comparable(f, getattr(item, f.name)) for f in kind.fields})
            for category in edition.lists[kind.key].categories
            for item in category.items
        ]
    return items


def load_edition(path: Path) -> EditionData:
    """Load one edition directory; InputError names what is missing or malformed."""
    path = Path(path)
    if not path.is_dir():
        raise InputError("not_an_output", "not a directory (expected an edition output directory)", file=path)
    meta = read_edition_info(path)
    edition = load_json_model(path / "duties.json", Edition)
    if edition.edition_id != meta.edition_id:
        raise InputError("output_invalid", f"edition.json is for {meta.edition_id}, duties.json for {edition.edition_id}",
                         file=path)
    return EditionData(meta=meta, items=items_of(edition), path=path)


def check_same_township(old: EditionMeta, new: EditionMeta) -> None:
    """Diffing two different places is almost always a wrong argument; --force overrides.

    "The same place" is pipeline.editions.same_place, which also decides what `make all` diffs.
    """
    from pipeline.editions import place_of, same_place

    if not same_place(old, new):
        show = lambda m: "".join(p for p in place_of(m) if p)  # noqa: E731
        raise InputError(
            "different_townships",
            f"editions are of different townships ({old.edition_id}: {show(old)}; {new.edition_id}: {show(new)}); "
            "use --force to diff them anyway"
        )
