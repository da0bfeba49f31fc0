"""Limits that keep memory and time bounded whatever the input (README: "Damage, crashes and concurrency").

Everything that inflates — a text file read whole, a DOCX zip member, a PDF
stream — is checked against one limit *before* it is inflated, so that a
decompression bomb is refused by its declared or measured size instead of
exhausting the machine. The default is generous (a 50-page edition's largest
part is 1.3 MB); `--max-inflate-mb` changes it.

Time is bounded too where a program of another project does the reading:
one LibreOffice conversion (.doc, .wps, .odt, .et) is killed after
`conversion_timeout()` seconds, 120 by default.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from pipeline.errors import InputError

MiB = 1 << 20
DEFAULT_MAX_INFLATE_MB = 32
DEFAULT_CONVERSION_TIMEOUT_S = 120.0  # a 50-page .doc converts in about 2 s; a hang is a damaged file


class _Limit:
    """One limit's value, which a command-line option changes for the duration of a command."""

    def __init__(self, value: float, name: str) -> None:
        self.value, self.name = value, name

    @contextmanager
    def set_to(self, value: float) -> Iterator[None]:
        if value <= 0:
            raise ValueError(f"{self.name} must be positive")
        previous, self.value = self.value, value
        try:
            yield
        finally:
            self.value = previous


_inflate = _Limit(DEFAULT_MAX_INFLATE_MB * MiB, "the inflate limit")
_conversion = _Limit(DEFAULT_CONVERSION_TIMEOUT_S, "the conversion time limit")


def max_inflate() -> int:
    """The limit in bytes for one file, zip member or PDF stream once inflated."""
    return _inflate.value


def inflate_limit_mb(mb: int):
    """The limit set to `mb` MiB for the duration (the command line's --max-inflate-mb)."""
    return _inflate.set_to(mb * MiB)


def check_size(size: int, what: str, *, at_least: bool = False, where: str | None = None) -> None:
    """InputError too_large when `what` (e.g. "zip member word/document.xml") is past the limit.

    `size` is a declared or computed size, or with `at_least` what an inflater
    produced before it stopped at the limit (the full size is never known).
    """
    if size > _inflate.value:
        size_text = "inflates past" if at_least else f"is {size / MiB:,.1f} MiB, past"
        limit = f"the limit of {_inflate.value // MiB} MiB (--max-inflate-mb)"
        raise InputError("too_large", f"{what} {size_text} {limit}", where=where)


def conversion_timeout() -> float:
    """Seconds one LibreOffice conversion (.doc, .wps, .odt, .et) may take before it is killed
    (InputError conversion_failed)."""
    return _conversion.value


def conversion_timeout_s(seconds: float):
    """The conversion time limit set to `seconds` for the duration (the command line's --conversion-timeout)."""
    return _conversion.set_to(seconds)
