"""What a corpus build shows while it runs: a progress bar on a terminal, plain log lines elsewhere.

On a terminal (stderr is a TTY) tqdm draws editions done, failed and the time
left, and only warnings and errors are printed above it. Anywhere else (CI,
a log file, a pipe) each edition is one line, so the log can be grepped.
"""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.failed = 0
        self.bar = None
        if total > 1 and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="edition", file=self.stream, dynamic_ncols=True, smoothing=0.1)

    def done(self, line: str, *, warnings: list[str] = (), failed: bool = False) -> None:
        """One edition finished: `line` says how (shown in full when not on a terminal, or when it failed)."""
        self.failed += failed
        shown = [*warnings, line] if (failed or self.bar is None) else list(warnings)
        for text in shown:
            if self.bar is not None:
                self.bar.write(text, file=self.stream)
            else:
                print(text, file=self.stream, flush=True)
        if self.bar is not None:
            self.bar.set_postfix(failed=self.failed, refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
