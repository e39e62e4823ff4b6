"""A short fuzz run: random programs, both modes, against central differences
and autograd; and every program a campaign once found wrong, shrunk, as a
permanent test.

Long campaigns: `python -m tests.fuzz --n 20000 [--save]`.
"""
import pathlib
import re

import numpy as np
import pytest

from tests.fuzz import check, generate

SEEDS = range(1000, 1300)
REGRESSIONS = sorted((pathlib.Path(__file__).parent / "fuzz" / "regressions").glob("seed_*.py"))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_program(seed, tmp_path):
    path = tmp_path / f"fuzz_{seed}.py"
    path.write_text(generate(seed))
    verdict, detail = check(path, seed, second_order=seed % 4 == 0)  # a quarter: hvp too
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


def test_autograd_is_a_reference_for_most_programs(tmp_path):
    """The autograd comparison runs (it is not silently skipped) and agrees
    with central differences where it does."""
    import warnings

    from tests.fuzz.check import _autograd_gradient, _central, _flat, point
    ran = 0
    for seed in SEEDS[:30]:
        path = tmp_path / f"fuzz_{seed}.py"
        path.write_text(generate(seed))
        x, y, v = point(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference = _autograd_gradient(path, _flat(x, y, v))
        if reference is None:
            continue
        ran += 1
        module = {}
        exec(compile(path.read_text(), str(path), "exec"), module)
        try:
            expected = _central(module["f"], _flat(x, y, v), 1e-4)
        except (FloatingPointError, ZeroDivisionError, ValueError):
            continue
        np.testing.assert_allclose(reference, expected, rtol=1e-3, atol=1e-4)
    assert ran >= 12, f"autograd ran only {ran} of 30 programs"
