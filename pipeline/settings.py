"""What the command line sets for a whole run, as one value a worker process can be given.

The limits (pipeline.limits), the PDF reader and the OCR's settings (pipeline.extract.pdf_page) are
process-wide values a command sets for its duration. A corpus build's workers
run in other processes (or on other machines), so the build hands each task
the Settings it was started with and the worker applies them around the task.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from pipeline.extract.pdf_page import OcrSettings, ocr_settings, ocr_with, pdf_reader, reading_with
from pipeline.limits import MiB, conversion_timeout, conversion_timeout_s, inflate_limit_mb, max_inflate


@dataclass(frozen=True)
class Settings:
    max_inflate_mb: int
    conversion_timeout_s: float
    pdf_reader: str
    ocr: OcrSettings = OcrSettings()  # scanned pages: resolution, pages at once (1 in a corpus build's workers)

    @classmethod
    def current(cls) -> "Settings":
        """The values in force now (the defaults, or what the command line set)."""
        return cls(max_inflate() // MiB, conversion_timeout(), pdf_reader(), ocr_settings())

    @contextmanager
    def applied(self) -> Iterator[None]:
        """These values in force for the duration."""
        with ExitStack() as stack:
            stack.enter_context(inflate_limit_mb(self.max_inflate_mb))
            stack.enter_context(conversion_timeout_s(self.conversion_timeout_s))
            stack.enter_context(reading_with(self.pdf_reader))
            stack.enter_context(ocr_with(self.ocr))
            yield
