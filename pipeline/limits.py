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

_max_inflate = DEFAULT_MAX_INFLATE_MB * MiB


def max_inflate() -> int:
    """The limit in bytes for one file, zip member or PDF stream once inflated."""
    return _max_inflate


@contextmanager
def inflate_limit_mb(mb: int) -> Iterator[None]:
    """The limit set to `mb` MiB for the duration (the command line's --max-inflate-mb)."""
    global _max_inflate
    if mb <= 0:
        raise ValueError("the inflate limit must be positive")
    previous, _max_inflate = _max_inflate, mb * MiB
    try:
        yield
    finally:
        _max_inflate = previous


def check_size(size: int, what: str, *, at_least: bool = False, where: str | None = None) -> None:
    """InputError too_large when `what` (e.g. "zip member word/document.xml") is past the limit.

    `size` is a declared or computed size, or with `at_least` what an inflater
    produced before it stopped at the limit (the full size is never known).
    """
    if size > _max_inflate:
        size_text = "inflates past" if at_least else f"is {size / MiB:,.1f} MiB, past"
        limit = f"the limit of {_max_inflate // MiB} MiB (--max-inflate-mb)"
        raise InputError("too_large", f"{what} {size_text} {limit}", where=where)


# --- converting with LibreOffice (.doc, .wps, .odt, .et) -----------------------------------------

DEFAULT_CONVERSION_TIMEOUT_S = 120.0  # a 50-page .doc converts in about 2 s; a hang is a damaged file

_conversion_timeout = DEFAULT_CONVERSION_TIMEOUT_S


def conversion_timeout() -> float:
    """Seconds one LibreOffice conversion may take before it is killed (InputError conversion_failed)."""
    return _conversion_timeout


@contextmanager
def conversion_timeout_s(seconds: float) -> Iterator[None]:
    """The conversion time limit set to `seconds` for the duration (for a command-line option)."""
    global _conversion_timeout
    if seconds <= 0:
        raise ValueError("the conversion time limit must be positive")
    previous, _conversion_timeout = _conversion_timeout, seconds
    try:
        yield
    finally:
        _conversion_timeout = previous
