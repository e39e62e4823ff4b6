"""A short fuzz run: random programs, both modes, against central differences.

Long campaigns: `python -m tests.fuzz --n 20000`.
"""
import pytest

from tests.fuzz import check, generate

SEEDS = range(1000, 1060)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_program(seed, tmp_path):
    path = tmp_path / f"fuzz_{seed}.py"
    path.write_text(generate(seed))
    verdict, detail = check(path, seed)
    assert verdict != "wrong", f"seed {seed}: {detail}\n{path.read_text()}"
