"""Second derivatives of every rule, through the whole pipeline.

A rule's body is inlined into derivative code, which is differentiated
again for Hessians and higher derivatives: so each rule is checked once
more, forward over reverse. For a random cotangent w, `g(x) = J(x)^T w`
is the generated vjp; its jvp along a direction d must match the central
difference of g along d. One case per rule (the first in test_rules.py).
"""
import numpy as np
import pytest

import tangentish as tg
from tests.test_rules import DIFFERENTIABLE, RNG, _id, cases


def _central(g, args, k, d, eps=1e-5):
    hi, lo = list(args), list(args)
    hi[k] = args[k] + eps * d
    lo[k] = args[k] - eps * d
    return (np.asarray(g(*hi)) - np.asarray(g(*lo))) / (2 * eps)


@pytest.mark.parametrize("fn", DIFFERENTIABLE, ids=_id)
def test_rule_second_order(fn):
    args, wrt = cases(fn)[0]
    k = wrt[0]
    value = fn(*args)
    w = RNG.normal(size=np.shape(value)) if np.ndim(value) else 0.7
    d = RNG.normal(size=np.shape(args[k])) if np.ndim(args[k]) else 1.0
    back = tg.vjp(fn, wrt=k)

    def g(*xs):
        return back(*xs, w)[1]

    (_, grad), (_, hess_d) = tg.jvp(back, wrt=k)(*args, w, d)
    np.testing.assert_allclose(grad, g(*args), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(hess_d, _central(g, args, k, d), rtol=1e-5, atol=1e-7)
