"""End-to-end smoke checks: both modes against central differences."""
import numpy as np
import pytest

import tangentish as tg
from tests import smoke_funcs as F

rng = np.random.default_rng(0)

CASES = [
    (F.f_while, (0.7, 7), 0), (F.f_while, (0.2, 9), 0), (F.f_while, (3.0, 9), 0),
    (F.f_helper, (0.3, 0.9), (0, 1)),
    (F.f_math, (1.3,), 0),
    (F.f_arr, (rng.normal(size=3), rng.normal(size=(5, 3)), rng.normal(size=5)), 0),
    (F.f_vec, (rng.normal(size=4),), 0),
    (F.f_dot, (rng.normal(size=(3, 3)), rng.normal(size=3)), (0, 1)),
    (F.f_early, (0.5,), 0), (F.f_early, (-0.5,), 0), (F.f_early, (2.0,), 0),
]


def central(f, args, k, v, eps=1e-6):
    hi, lo = list(args), list(args)
    hi[k] = args[k] + eps * v
    lo[k] = args[k] - eps * v
    return (np.asarray(f(*hi)) - np.asarray(f(*lo))) / (2 * eps)


@pytest.mark.parametrize("f,args,wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_both_modes_match_central_differences(f, args, wrt):
    ws = wrt if isinstance(wrt, tuple) else (wrt,)
    grads = tg.grad(f, wrt)(*args)
    grads = grads if isinstance(wrt, tuple) else (grads,)
    for k, g in zip(ws, grads):
        assert np.shape(g) == np.shape(args[k])
        v = rng.normal(size=np.shape(args[k])) if np.ndim(args[k]) else 1.0
        expected = central(f, args, k, v)
        value, tangent = tg.jvp(f, k)(*args, v)
        assert np.allclose(value, f(*args))
        assert np.allclose(np.sum(g * v), expected, atol=1e-5)
        assert np.allclose(tangent, expected, atol=1e-5)
