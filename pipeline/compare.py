"""Several published formats of one edition must agree record for record."""

from __future__ import annotations

from pipeline.models import Edition, EditionMeta

_META = [f for f in EditionMeta.model_fields if f != "edition_id"]


def _records(edition: Edition) -> dict[tuple[str, int], dict]:
    """Each item's published content (not how sure an OCR was of it)."""
    return {
        (kind, item.seq): {"category": category.category, **item.model_dump(exclude={"ocr_confidence"})}
        for kind, duty_list in edition.lists.items()
        for category in duty_list.categories
        for item in category.items
    }


def disagreements(a: Edition, b: Edition) -> list[str]:
    """Human-readable differing records: `coordinated 9 (departments, department_duties)`."""
    found = [f"{field} ({getattr(a, field)!r} vs {getattr(b, field)!r})" for field in _META if getattr(a, field) != getattr(b, field)]
    ra, rb = _records(a), _records(b)
    for key in sorted(ra.keys() | rb.keys(), key=lambda k: (k[0], k[1])):
        kind, seq = key
        if key not in ra or key not in rb:
            found.append(f"{kind} {seq} (only in {'first' if key in ra else 'second'})")
        elif ra[key] != rb[key]:
            fields = [f for f in ra[key] if ra[key][f] != rb[key].get(f)]
            found.append(f"{kind} {seq} ({', '.join(fields)})")
    return found
