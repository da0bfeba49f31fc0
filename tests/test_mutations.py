"""Mutants of the published files give the same data or one clean error (fuzz/, README "Mutation testing").

The runner is `python -m fuzz` on a fixed seed, in its own process (it forks a
child per mutant; forking pytest, with whatever threads earlier tests started,
could deadlock). Sized to take about a minute on two cores: hundreds of cheap
text and DOCX mutants, and two PDF mutants per PDF operator.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EDITION_ID, ROOT

sys.path.insert(0, str(ROOT))  # fuzz/ sits beside pipeline/ like bench/, and is not installed

from fuzz.mutate import OPERATORS, mutant  # noqa: E402

SEED = 20250701
COUNTS = {"txt": 240, "docx": 180, "pdf": 2 * len(OPERATORS["pdf"])}  # operators take turns: each hit evenly
FAILING = ("internal", "hang", "memory", "unexplained")


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("fuzz") / "results.json"
    spec = ",".join(f"{fmt}={n}" for fmt, n in COUNTS.items())
    run = subprocess.run(
        [sys.executable, "-m", "fuzz", "--seed", str(SEED), "--count", spec, "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert out.is_file(), f"python -m fuzz wrote no results (exit {run.returncode}):\n{run.stderr[-3000:]}"
    return json.loads(out.read_text())


@pytest.mark.parametrize("fmt", list(COUNTS))
def test_every_mutant_gives_the_same_data_or_a_clean_error(results, fmt):
    mine = [r for r in results if r["fmt"] == fmt]
    assert len(mine) == COUNTS[fmt]
    failures = [
        f"{r['operator']} #{r['index']} {r['verdict']}: {r['detail']} ({r['note']}; "
        f"reproduce: python -m fuzz --seed {SEED} --reproduce {fmt}:{r['index']})"
        for r in mine if r["verdict"] in FAILING
    ]
    assert not failures, f"{len(failures)} of {len(mine)} {fmt} mutants failed:\n" + "\n".join(failures)


def test_every_operator_ran(results):
    ran = {(r["fmt"], r["operator"]) for r in results}
    assert ran == {(fmt, op.name) for fmt in COUNTS for op in OPERATORS[fmt]}


# ---------------------------------------------------------------- the same promise, through the command line

CLI_OPERATORS = [("txt", "truncate"), ("txt", "insert_tab"), ("txt", "change_digit"), ("docx", "drop_member"),
                 ("docx", "rename_attribute"), ("docx", "drop_numbering"), ("docx", "flip_compressed"),
                 ("pdf", "truncate")]


def _first_mutant_of(fmt: str, operator: str) -> int:
    """Operators take turns, so mutant i is operator i for the first round."""
    return [op.name for op in OPERATORS[fmt]].index(operator)


def _write_mutant(fmt: str, index: int, directory: Path) -> Path:
    """Under the published name: the edition id is the file's stem."""
    data = (ROOT / "raw" / f"{EDITION_ID}.{fmt}").read_bytes()
    path = directory / f"{EDITION_ID}.{fmt}"
    path.write_bytes(mutant(fmt, data, SEED, index)[1].data)
    return path


def test_command_line_exits_0_or_2_with_one_error_line(tmp_path):
    runs = []
    for fmt, operator in CLI_OPERATORS:
        index = _first_mutant_of(fmt, operator)
        case = tmp_path / f"{fmt}-{index}"
        case.mkdir()
        path = _write_mutant(fmt, index, case)
        out = case / "out"
        process = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(path), "--out", str(out)],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        runs.append((f"{fmt}:{index} {operator}", out, process))
    problems = []
    for name, out, process in runs:
        _, stderr = process.communicate(timeout=300)
        lines = stderr.splitlines()
        if process.returncode == 0:
            if not (out / "edition.json").is_file():
                problems.append(f"{name}: exit 0 without {out}/edition.json")
        elif process.returncode == 2:
            if len(lines) != 1 or not lines[0].startswith("error["):
                problems.append(f"{name}: exit 2 with stderr {lines!r} (want one error[code] line)")
            if out.exists():
                problems.append(f"{name}: exit 2 but {out} was written")
        else:
            problems.append(f"{name}: exit {process.returncode}: {stderr.strip()[-500:]}")
    assert not problems, "\n".join(problems)
