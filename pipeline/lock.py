"""One writer at a time per output directory: an advisory lock on the directory itself.

`flock` on the directory's own file descriptor: nothing to create or clean
up, released by the kernel when the process dies (even by kill -9), so a
crashed build never leaves a stale lock. Re-entrant within a process: a build
holds the lock on output/ while it writes edition directories into it.
"""

from __future__ import annotations

import fcntl
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipeline.errors import output_unwritable

_held: dict[Path, int] = {}  # directory -> how many times this process holds it


@contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the lock on `directory` (created if missing); waits, saying so, while another process holds it."""
    directory = Path(directory).resolve()
    if directory in _held:
        _held[directory] += 1
        try:
            yield
        finally:
            _held[directory] -= 1
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(directory, os.O_RDONLY)
    except OSError as err:
        raise output_unwritable(err, directory) from err
    try:
        _acquire(fd, directory)
        _held[directory] = 1
        try:
            yield
        finally:
            del _held[directory]
    finally:
        os.close(fd)  # closing releases the lock


def _acquire(fd: int, directory: Path) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"{directory}: another build is writing here; waiting for it to finish", file=sys.stderr)
        fcntl.flock(fd, fcntl.LOCK_EX)
