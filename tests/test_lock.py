"""One writer per output directory: a second process waits for the first, and says so."""

from __future__ import annotations

import subprocess
import sys
import time

from pipeline.lock import locked

HOLD = """
import sys, time
from pipeline.lock import locked
with locked(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_second_process_waits_until_the_first_releases(tmp_path):
    first = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), "1.5"], stdout=subprocess.PIPE, text=True)
    assert first.stdout.readline() == "held\n"
    start = time.monotonic()
    second = subprocess.run([sys.executable, "-c", HOLD, str(tmp_path), "0"], capture_output=True, text=True)
    waited = time.monotonic() - start
    first.wait()
    assert second.returncode == 0 and second.stdout == "held\n"
    assert "another build is writing here; waiting" in second.stderr
    assert waited > 0.8  # it did wait for the first (which held the lock 1.5 s)


def test_a_killed_holder_releases_the_lock(tmp_path):
    first = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), "60"], stdout=subprocess.PIPE, text=True)
    assert first.stdout.readline() == "held\n"
    first.kill()
    first.wait()
    second = subprocess.run([sys.executable, "-c", HOLD, str(tmp_path), "0"], capture_output=True, text=True, timeout=20)
    assert second.stdout == "held\n" and second.stderr == ""


def test_the_lock_is_reentrant_within_a_process(tmp_path):
    with locked(tmp_path):
        with locked(tmp_path / "."):  # the same directory, spelt otherwise
            pass
    assert list(tmp_path.iterdir()) == []  # no lock file is left behind


def test_a_directory_that_cannot_be_made_is_a_clean_error(tmp_path):
    import pytest

    from pipeline.errors import InputError

    (tmp_path / "file").write_text("in the way")
    with pytest.raises(InputError) as err:
        with locked(tmp_path / "file" / "output"):
            pass
    assert err.value.code == "output_unwritable" and str(tmp_path / "file") in str(err.value)
