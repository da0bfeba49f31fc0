"""Step 1: read an edition output directory into comparable items.

We read the flat Parquet tables (not duties.json) because they are the
published, typed contract; only the columns the diff needs are read, so extra
columns the writer may add later do not break us.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pipeline.errors import InputError
from pipeline.models import LIST_KINDS, EditionMeta
from pipeline.outputs import read_edition_info

# table -> columns the diff needs from it
NEEDED: dict[str, list[str]] = {
    "basic_duties": ["seq", "category_no", "category", "text"],
    "coordinated_duties": ["seq", "category_no", "category", "name", "departments"],
    "coordinated_department_duties": ["seq", "department", "clause_no", "text"],
    "coordinated_township_duties": ["seq", "clause_no", "text"],
    "reclaimed_duties": ["seq", "category_no", "category", "name", "departments", "disposition", "reason", "method"],
}

# compared fields per list, in the order they are reported
FIELDS: dict[str, tuple[str, ...]] = {
    "basic": ("text",),
    "coordinated": ("name", "departments", "department_duties", "township_duties"),
    "reclaimed": ("name", "departments", "disposition", "reason", "method"),
}


@dataclass(frozen=True)
class Item:
    """One duty, reduced to what the diff compares.

    `values` holds hashable field values: strings, tuples of strings, and for
    department_duties a tuple of (department, (clause, ...)) in published order.
    """

    list: str
    seq: int
    category_no: int
    category: str
    values: dict = field(hash=False, compare=False)

    @property
    def title(self) -> str:
        """What a reader calls the item: a basic duty's text, otherwise its name."""
        return self.values["text"] if self.list == "basic" else self.values["name"]


@dataclass(frozen=True)
class EditionData:
    meta: EditionMeta
    items: dict[str, list[Item]]  # list kind -> items in seq order
    path: Path


def load_edition(path: Path) -> EditionData:
    """Load one edition directory; InputError names what is missing or malformed."""
    path = Path(path)
    if not path.is_dir():
        raise InputError("not_an_output", "not a directory (expected an edition output directory)", file=path)
    meta = read_edition_info(path)
    tables = {name: _read_table(path, name, cols) for name, cols in NEEDED.items()}
    items = {
        "basic": _basic(tables["basic_duties"]),
        "coordinated": _coordinated(
            tables["coordinated_duties"], tables["coordinated_department_duties"], tables["coordinated_township_duties"]
        ),
        "reclaimed": _reclaimed(tables["reclaimed_duties"]),
    }
    assert set(items) == set(LIST_KINDS)
    return EditionData(meta=meta, items=items, path=path)


def _missing(path: Path, name: str) -> InputError:
    return InputError("not_an_output", f"not an edition output directory: {name} is missing", file=path)


def _read_table(path: Path, name: str, columns: list[str]) -> pd.DataFrame:
    file = path / f"{name}.parquet"
    if not file.is_file():
        raise _missing(path, file.name)
    try:
        frame = pd.read_parquet(file)
    except Exception as err:  # pyarrow raises several unrelated types for a bad file
        raise InputError("output_invalid", f"{file.name} cannot be read: {_first_line(err)}", file=path) from None
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise InputError("output_invalid", f"{file.name} lacks column(s) {', '.join(absent)}", file=path)
    return frame[columns]


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def _strings(value) -> tuple[str, ...]:
    # list columns come back from Parquet as numpy arrays (or None)
    return tuple(str(v) for v in value) if value is not None else ()


def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _clauses(frame: pd.DataFrame) -> dict[int, tuple[str, ...]]:
    """seq -> clause texts in clause_no order."""
    ordered = frame.sort_values(["seq", "clause_no"], kind="stable")
    return {int(seq): tuple(group["text"].astype(str)) for seq, group in ordered.groupby("seq", sort=False)}


def _department_clauses(frame: pd.DataFrame) -> dict[int, tuple[tuple[str, tuple[str, ...]], ...]]:
    """seq -> ((department, clauses), ...), departments in first-appearance order."""
    out: dict[int, tuple] = {}
    for seq, rows in frame.groupby("seq", sort=False):
        departments = list(dict.fromkeys(rows["department"].astype(str)))
        out[int(seq)] = tuple(
            (dep, tuple(rows[rows["department"] == dep].sort_values("clause_no", kind="stable")["text"].astype(str)))
            for dep in departments
        )
    return out


def _item(kind: str, row, values: dict) -> Item:
    return Item(kind, int(row.seq), int(row.category_no), str(row.category), values)


def _basic(frame: pd.DataFrame) -> list[Item]:
    return [_item("basic", r, {"text": str(r.text)}) for r in frame.sort_values("seq").itertuples()]


def _coordinated(items: pd.DataFrame, departments: pd.DataFrame, township: pd.DataFrame) -> list[Item]:
    dep_clauses = _department_clauses(departments)
    town_clauses = _clauses(township)
    return [
        _item(
            "coordinated",
            r,
            {
                "name": str(r.name),
                "departments": _strings(r.departments),
                "department_duties": dep_clauses.get(int(r.seq), ()),
                "township_duties": town_clauses.get(int(r.seq), ()),
            },
        )
        for r in items.sort_values("seq").itertuples()
    ]


def _reclaimed(frame: pd.DataFrame) -> list[Item]:
    return [
        _item(
            "reclaimed",
            r,
            {
                "name": str(r.name),
                "departments": _strings(r.departments),
                "disposition": str(r.disposition),
                "reason": _text(r.reason),
                "method": str(r.method),
            },
        )
        for r in frame.sort_values("seq").itertuples()
    ]


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
