"""Every corpus function differentiated twice: forward over reverse and
reverse over reverse.

For a random cotangent w and direction dx, the forward derivative of the
generated vjp (`tg.jvp(tg.vjp(f))`) must match central differences of
the vjp itself, and so must the vjp of the vjp against a cotangent u of
the gradient (`<dx, (J_g)^T u>`), through the loops, branches, helpers,
containers and in-place updates of the corpus. What the second level cannot do yet is
refused with a located error, and listed below, so a function that
starts to work (or stops) shows up here.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

import tangentish as tg
from tests import corpus_support as S
from tests.corpus import CORPUS
from tests.test_corpus import _like, _setup

DIMS = {"m": 3, "p": 4, "q": 2}

# second derivatives refused, by the reason the message gives
REFUSED = {
    # a star-unpacked call and a recursive helper, as generated code calls them
    "kwargs_passed_through", "recursion_fixed_depth",
}

CASES = [pytest.param(f, p[0], id=S.function_id(f)) for f in CORPUS
         for p in [[q for q in S.differentiable_params(f) if S.kind(q) != S.CONTAINER]] if p]


def test_refused_names_are_corpus_functions():
    assert REFUSED <= {f.__name__ for f in CORPUS}


class _Case:
    """f's vjp at random arguments, its gradient as a function of them, and
    the central difference of that gradient in a random direction."""

    EPS = 1e-5

    def __init__(self, f, param):
        rng, self.args, self.out, self.w = _setup(f, 7, DIMS)
        self.i = S.params(f).index(param)
        self.dx = _like(self.args[self.i], rng)
        self.back = tg.vjp(f, wrt=param)
        self.refused = f.__name__ in REFUSED
        g = self.grad(*self.args)
        self.u = rng.normal(size=np.shape(g)) if np.ndim(g) else 0.7

    def grad(self, *a):
        return np.asarray(self.back(*copy.deepcopy(list(a)), self.w)[1], dtype=float)

    def copies(self) -> list:
        return copy.deepcopy(self.args)

    def central(self):
        hi, lo = list(self.args), list(self.args)
        hi[self.i] = self.args[self.i] + self.EPS * self.dx
        lo[self.i] = self.args[self.i] - self.EPS * self.dx
        return (self.grad(*hi) - self.grad(*lo)) / (2 * self.EPS)


@pytest.mark.parametrize("f,param", CASES)
def test_forward_over_reverse_against_central_differences(f, param):
    c = _Case(f, param)
    second = tg.jvp(c.back, wrt=param)
    if c.refused:
        with pytest.raises(tg.TangentishError) as info:
            second(*c.copies(), c.w, c.dx)
        assert info.value.origin is not None and info.value.origin.line > 0
        return
    (_, g), (_, hd) = second(*c.copies(), c.w, c.dx)
    np.testing.assert_allclose(g, c.grad(*c.args), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hd, c.central(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("f,param", CASES)
def test_reverse_over_reverse_against_central_differences(f, param):
    c = _Case(f, param)
    second = tg.vjp(c.back, wrt=param)
    no_value = S.tree_map(lambda leaf: 0.0 * np.asarray(leaf), c.out)  # cotangent of f's value
    if c.refused:
        with pytest.raises(tg.TangentishError):
            second(*c.copies(), c.w, (no_value, c.u))
        return
    _, back_u = second(*c.copies(), c.w, (no_value, c.u))
    expected = float(np.sum(c.u * c.central()))
    assert float(np.sum(np.asarray(back_u) * c.dx)) == pytest.approx(expected, rel=1e-4, abs=1e-6)
