"""The benchmark suite's references: every workload's hand-written
derivative against central finite differences, and tangentish's gradient
against it (through the suite's own adapter, formulation fallback included).
The timing itself is `python benchmarks/run.py`, never part of the tests."""
import numpy as np
import pytest

import tangentish as tg
from benchmarks import contestants
from benchmarks.checks import agrees, check_hand
from benchmarks.workloads import WORKLOADS


def _setup(w):
    rng = np.random.default_rng(7)
    args = w.data(rng)
    v = rng.standard_normal(np.shape(args[0])) if w.kind == "hvp" else None
    return args, v, rng


@pytest.mark.parametrize("w", WORKLOADS, ids=lambda w: w.key)
def test_hand_written_derivative_matches_finite_differences(w):
    args, v, rng = _setup(w)
    check_hand(w, args, v, rng)


@pytest.mark.parametrize("w", WORKLOADS, ids=lambda w: w.key)
def test_tangentish_agrees_with_the_hand_written_derivative(w):
    if w.kind == "hvp" and not hasattr(tg, "hvp"):
        pytest.skip("tg.hvp is not there yet")
    args, v, _ = _setup(w)
    p = contestants.tangentish(w, args, v)
    if w.kind == "hvp":
        reference = w.hand(*args, v)
    else:
        grads = w.hand(*args)[1]
        reference = grads if len(w.wrt) > 1 else (grads,)
    assert agrees(p.result(p.call()), reference) is None
