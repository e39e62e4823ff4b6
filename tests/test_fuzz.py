"""A short fuzz run: random programs, both modes, against central differences;
and every program a campaign once found wrong, shrunk, as a permanent test.

Long campaigns: `python -m tests.fuzz --n 20000 [--save]`.
"""
import pathlib
import re

import pytest

from tests.fuzz import check, generate

SEEDS = range(1000, 1300)
REGRESSIONS = sorted((pathlib.Path(__file__).parent / "fuzz" / "regressions").glob("seed_*.py"))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_program(seed, tmp_path):
    path = tmp_path / f"fuzz_{seed}.py"
    path.write_text(generate(seed))
    verdict, detail = check(path, seed)
    assert verdict != "wrong", f"seed {seed}: {detail}\n{path.read_text()}"


@pytest.mark.parametrize("path", REGRESSIONS, ids=lambda p: p.stem)
def test_regression(path):
    """Checked at the point its seed gives, where it once went wrong: it must
    now be differentiated, and correctly (not skipped, not rejected)."""
    seed = int(re.fullmatch(r"seed_(\d+)", path.stem).group(1))
    verdict, detail = check(path, seed)
    assert verdict == "correct", f"{path.name}: {verdict}: {detail}"


def test_regressions_exist():
    assert REGRESSIONS, "tests/fuzz/regressions/ lost its programs"
