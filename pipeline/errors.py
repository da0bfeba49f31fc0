"""One error type for bad input: the CLI prints it as a single line, no traceback."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input, located as precisely as we can: file, page or line, list, item."""

    def __init__(
        self,
        message: str,
        *,
        file: Path | str | None = None,
        where: str | None = None,
        list_kind: str | None = None,
        category: str | None = None,
        seq: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = Path(file).name if file is not None else None
        self.where = where
        self.list_kind = list_kind
        self.category = category
        self.seq = seq

    def located(self, *, file: Path | str | None = None, **context: object) -> "InputError":
        """Fill in location fields that the raiser could not know; keeps what it knew."""
        if self.file is None and file is not None:
            self.file = Path(file).name
        for key, value in context.items():
            if getattr(self, key, None) is None:
                setattr(self, key, value)
        return self

    def __str__(self) -> str:
        parts = [
            self.file,
            self.where,
            f"{self.list_kind} list" if self.list_kind else None,
            self.category,
            f"item {self.seq}" if self.seq is not None else None,
        ]
        prefix = ", ".join(p for p in parts if p)
        return f"{prefix}: {self.message}" if prefix else self.message


def first_validation_error(err) -> str:
    """A pydantic ValidationError as one line: where in the model, and what."""
    first = err.errors()[0]
    field = ".".join(str(p) for p in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    return f"{field}: {message}" if field else message
