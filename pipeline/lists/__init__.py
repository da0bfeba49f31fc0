"""The list kinds of the national template, each declared once (see `kind.py`).

    KINDS        key -> ListKind, in published order: basic, coordinated, reclaimed
    kind_of_header(titles) -> the ListKind a header row introduces, or None
    column_role(title)     -> what a printed column holds ("departments", …), or None

Adding a column spelling or a fourth list kind touches only this package.
"""

from __future__ import annotations

import re

from pipeline.lists import basic, coordinated, reclaimed
from pipeline.lists.kind import (
    CATEGORY, NAME, OPTIONAL_COLUMNS, SEQ, Column, ItemContext, ItemField, ListKind, Table, squash_title,
)

KINDS: dict[str, ListKind] = {k.key: k for k in (basic.KIND, coordinated.KIND, reclaimed.KIND)}


def _columns() -> list[Column]:
    """Every column any list may print: each kind's columns and their parts, then the optional ones."""
    return [*(col for k in KINDS.values() for c in k.columns for col in (c, *c.parts)), *OPTIONAL_COLUMNS]


# squashed title -> role, over every kind's columns: a title means the same in every list
_ROLES: dict[str, str] = {squash_title(t): c.role for c in _columns() for t in c.titles}


def column_role(title: str) -> str | None:
    """What a column holds, from its printed title; None for a column the template does not have."""
    return _ROLES.get(squash_title(title))


def opens_list(titles: tuple[str, ...] | list[str]) -> bool:
    """Could this be a header row: a 序号 title, then (maybe after a 类别 column) a 事项名称 title?"""
    roles = [column_role(t) for t in titles]
    return "seq" in roles and "name" in roles and roles.index("seq") < roles.index("name")


def list_opening() -> str:
    """What `opens_list` looks for, in words (for the errors that say what a page was expected to hold)."""
    return (f"{SEQ.titles[0]} then {NAME.titles[0]} (or {'、'.join(NAME.titles[1:])}), "
            f"a {CATEGORY.titles[0]} column maybe before them")


def kind_of_header(titles: tuple[str, ...] | list[str]) -> ListKind | None:
    """The list a header row introduces: of the kinds whose columns are all present, the one with most."""
    roles = [column_role(t) for t in titles]
    fitting = [k for k in KINDS.values() if k.recognises(roles)]
    return max(fitting, key=lambda k: len(k.columns), default=None)


# columns editions add that the template does not have: recognised as header words, never a known column
EXTRA_COLUMN_TITLES = ("备注", "法律依据", "责任科室")


def seq_titles() -> tuple[str, ...]:
    """Spellings of the 序号 column, which opens every header row."""
    return SEQ.titles


def all_titles() -> tuple[str, ...]:
    """Every column title any kind declares (for extractors recognising a header by its words)."""
    return tuple(dict.fromkeys(t for c in _columns() for t in c.titles))


def titled(text: str) -> ListKind | None:
    """The list a title line names: `基本履职事项清单`, `送庄镇配合履职事项清单` (a place name at most
    before it); None for any other text."""
    parts = _title_parts(text)
    return parts[0] if parts else None


def title_place(text: str) -> str | None:
    """The place a list's title line names before the list (`河南省…送庄镇` of `河南省…送庄镇基本履职事项清单`);
    None where the line names no list, or no place."""
    parts = _title_parts(text)
    return (parts[1] or None) if parts else None


# every name a list's title may give, longest first (a longer name may end with a shorter one)
_TITLE_NAMES = sorted(((n, k) for k in KINDS.values() for n in (k.name, *k.aliases)), key=lambda nk: -len(nk[0]))


def _title_parts(text: str) -> tuple[ListKind, str] | None:
    text = "".join(text.split())
    for name, kind in _TITLE_NAMES:
        if text.endswith(f"{name}清单"):
            place = text[: -len(name) - 2]
            return (kind, place) if not place or (len(place) <= _PLACE_CHARS and _PLACE_END.search(place)) else None
    return None


_PLACE_CHARS = 16  # 河南省洛阳市孟津区送庄镇: a township's full name before a list title
_PLACE_END = re.compile(r"(镇|乡|街道|办事处|苏木|区|县|市)$")


def by_name(name: str) -> ListKind | None:
    """The kind a preface names (基本履职事项, or one of its aliases)."""
    return next((k for k in KINDS.values() if name == k.name or name in k.aliases), None)


__all__ = ["EXTRA_COLUMN_TITLES", "KINDS", "Column", "ItemContext", "ItemField", "ListKind", "Table", "all_titles", "by_name",
           "column_role", "kind_of_header", "opens_list", "seq_titles", "squash_title", "title_place", "titled"]
