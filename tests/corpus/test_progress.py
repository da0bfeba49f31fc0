"""A progress bar on a terminal, one plain line per edition elsewhere."""

from __future__ import annotations

import io

from pipeline.corpus.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_not_on_a_terminal_every_edition_is_one_line():
    stream = io.StringIO()
    progress = Progress(3, stream)
    progress.done("a: basic 3 (txt agree)")
    progress.done("b: error[empty_file]: b.txt: the file is empty", failed=True)
    progress.done("c: basic 3 (txt agree)", warnings=["warning[x]: c: something"])
    progress.close()
    assert stream.getvalue().splitlines() == [
        "a: basic 3 (txt agree)", "b: error[empty_file]: b.txt: the file is empty",
        "warning[x]: c: something", "c: basic 3 (txt agree)",
    ]  # fmt: skip


def test_on_a_terminal_a_bar_counts_editions_and_failures_and_errors_still_print():
    stream = Terminal()
    progress = Progress(3, stream)
    progress.done("a: basic 3 (txt agree)")
    progress.done("b: error[empty_file]: b.txt: the file is empty", failed=True)
    progress.done("c: basic 3 (txt agree)")
    progress.close()
    text = stream.getvalue()
    assert "b: error[empty_file]: b.txt: the file is empty" in text  # failures are shown above the bar
    assert "a: basic 3" not in text  # successes only move the bar
    assert "3/3" in text and "failed=1" in text and "edition" in text
