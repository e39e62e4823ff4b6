"""Derivatives of derivatives of functions that update arrays in place.

The reverse sweep of such a function accumulates into its adjoint in place
(`_rt.add_at(x_bar, i, g)`), saves and restores overwritten entries, and
keeps views of the arrays it updates: differentiated again, all of it must
give exact numbers, forward over reverse (hvp, hessian) and reverse over
reverse alike. Every function of tests/corpus/inplace.py, at random points.
"""
from __future__ import annotations

import pathlib
import re

import numpy as np
import pytest

import tangentish as tg
from tests import corpus as C
from tests import corpus_support as S
from tests.fuzz.check import point

INPLACE = [f for f in C.CORPUS if f.__module__ == C.inplace.__name__]
CASES = [pytest.param(f, k, id=f"{f.__name__}-{p}")
         for f in INPLACE for k, p in enumerate(S.params(f)) if p in S.differentiable_params(f)]
DIMS = {"m": 4, "p": 3, "q": 2}


def _direction(x, rng):
    return rng.normal(size=np.shape(x)) if np.ndim(x) else 0.8


def _moved(args, k, step):
    out = list(args)
    out[k] = args[k] + step
    return out


def _central(g, args, k, d, eps=1e-5):
    return (np.asarray(g(*_moved(args, k, eps * d))) - np.asarray(g(*_moved(args, k, -eps * d)))) / (2 * eps)


@pytest.mark.parametrize("f, k", CASES)
def test_hvp_and_hessian(f, k):
    """H d against central differences of the gradient; the dense Hessian
    symmetric and its product with d the same H d."""
    rng = np.random.default_rng(7 + k)
    args = S.random_args(f, rng, DIMS)
    d = _direction(args[k], rng)
    hv = tg.hvp(f, wrt=k)(*args, d)
    np.testing.assert_allclose(hv, _central(tg.grad(f, wrt=k), args, k, d), rtol=1e-6, atol=1e-7)
    n = np.size(args[k])
    H = np.reshape(tg.hessian(f, wrt=k)(*args), (n, n))
    np.testing.assert_allclose(H, H.T, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.reshape(H @ np.ravel(d), np.shape(hv)), hv, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("f, k", CASES)
def test_reverse_over_reverse(f, k):
    """vjp of grad: the same H w as forward over reverse."""
    rng = np.random.default_rng(11 + k)
    args = S.random_args(f, rng, DIMS)
    w = _direction(args[k], rng)
    g, hw = tg.vjp(tg.grad(f, wrt=k), wrt=k)(*args, w)
    np.testing.assert_allclose(g, tg.grad(f, wrt=k)(*args), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(hw, tg.hvp(f, wrt=k)(*args, w), rtol=1e-9, atol=1e-12)


def test_grad_of_grad_of_a_scalar_recurrence():
    """d²/dx² of the loop that fills an array, against central differences."""
    f = C.inplace.fill_recurrence
    for x in np.random.default_rng(3).uniform(0.5, 1.5, size=2):
        second = tg.grad(tg.grad(f))(x, 4)
        eps = 1e-5
        expected = (tg.grad(f)(x + eps, 4) - tg.grad(f)(x - eps, 4)) / (2 * eps)
        assert np.isclose(second, expected, rtol=1e-7)


@pytest.mark.parametrize("f", [C.inplace.overwrite_then_reuse, C.inplace.store_at_repeated_indices])
def test_third_order(f):
    """jvp of jvp of vjp: the change of H w along u, against central
    differences of hvp."""
    rng = np.random.default_rng(5)
    args = S.random_args(f, rng, DIMS)
    w, u = _direction(args[0], rng), _direction(args[0], rng)
    hvp = tg.hvp(f)
    _, third = tg.jvp(hvp)(*args, w, u)
    np.testing.assert_allclose(third, _central(lambda *a: hvp(*a, w), args, 0, u), rtol=1e-6, atol=1e-7)


def test_the_nested_derivative_reads_as_an_update_in_place():
    """The reverse sweep's `_rt.add_at(x_bar, i, g)`, differentiated again,
    is the store `x_bar[i] = _rt.added_at(x_bar, i, g)` with its tangent beside it."""
    f = C.inplace.fill_recurrence
    source = tg.source(tg.grad(f), mode="forward", args=(0.7, 3))
    assert "= _rt.added_at(" in source
    assert "_dot = _rt.added_at(" in source
    assert "_rt.add_at(" not in source.split("def fill_recurrence_vjp(")[0]


SECOND_ORDER_REGRESSIONS = sorted((pathlib.Path(__file__).parent / "fuzz" / "second_order").glob("seed_*.py"))


@pytest.mark.parametrize("path", SECOND_ORDER_REGRESSIONS, ids=lambda p: p.stem)
def test_second_order_regression(path):
    """Random programs that update arrays in place, once refused or wrong
    differentiated twice: hvp against central differences of the gradient,
    and reverse over reverse against hvp, at the point their seed gives."""
    seed = int(re.fullmatch(r"seed_(\d+)", path.stem).group(1))
    namespace = {"__name__": path.stem}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    f = namespace["f"]
    x, y, v = point(seed)
    d = np.random.default_rng(seed).normal(size=3)
    g = tg.grad(f, wrt=2)
    expected = (g(x, y, v + 1e-5 * d) - g(x, y, v - 1e-5 * d)) / 2e-5
    hv = tg.hvp(f, wrt=2)(x, y, v, d)
    np.testing.assert_allclose(hv, expected, rtol=1e-5, atol=1e-6 * (1 + np.max(np.abs(expected))))
    np.testing.assert_allclose(tg.vjp(tg.grad(f, wrt=2), wrt=2)(x, y, v, d)[1], hv, rtol=1e-9, atol=1e-12)
