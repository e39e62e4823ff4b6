"""Every corpus function x every differentiable parameter x both modes.

(a) the dot-product test against central differences: for a random
    direction ``dx`` and a random output cotangent ``w``,
    ``<J dx, w>`` (forward), ``<dx, J^T w>`` (reverse) and the central
    difference ``<(f(x + eps dx) - f(x - eps dx)) / 2 eps, w>`` agree;
(b) forward agrees with reverse, one parameter at a time and all at once;
(c) the value returned next to the derivative is ``f(*args)``;
(d) the caller's arrays are left untouched.

Sizes (size-1 axes included) come from hypothesis; values for (a) and (b)
come from a seeded generator so that no sample sits on a branch threshold.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

import tangentish as tg
from tests import corpus_support as S
from tests.corpus import CORPUS

EPS = 1e-6
RTOL, ATOL = 1e-6, 1e-7
MODES = ("forward", "reverse")

# No shrinking: a failure is reported at the first failing example, so a
# broken transformation costs one example, not a search.
FEW = settings(max_examples=4, deadline=None, derandomize=True, database=None,
               phases=(Phase.explicit, Phase.generate),
               suppress_health_check=[HealthCheck.too_slow,
                                      HealthCheck.function_scoped_fixture])
SEEDS = st.integers(0, 2 ** 32 - 1)

PARAM_CASES = [pytest.param(f, p, id=f"{S.function_id(f)}-{p}")
               for f in CORPUS for p in S.differentiable_params(f)]
FUNC_CASES = [pytest.param(f, id=S.function_id(f)) for f in CORPUS]


def test_corpus_size():
    assert len(CORPUS) >= 35
    assert len({f.__name__ for f in CORPUS}) == len(CORPUS)


# -- helpers -------------------------------------------------------------------

def _like(x, rng):
    """A random direction shaped (and typed) like ``x`` (a container of them for a container)."""
    if S.is_container(x):
        return S.tree_map(lambda leaf: _like(leaf, rng), x)
    if np.ndim(x) == 0 and not isinstance(x, np.ndarray):
        return float(rng.normal())
    return rng.normal(size=np.shape(x))


def _primal(f, args):
    """`f(*args)` on copies: some corpus functions update their arguments."""
    return f(*copy.deepcopy(list(args)))


def _central(f, args, i, dx, eps=EPS):
    hi, lo = list(args), list(args)
    hi[i] = S.tree_map(lambda a, d: a + eps * d, args[i], dx)
    lo[i] = S.tree_map(lambda a, d: a - eps * d, args[i], dx)
    return S.tree_map(lambda h, l: (np.asarray(h, dtype=float) - np.asarray(l, dtype=float)) / (2 * eps),
                      _primal(f, hi), _primal(f, lo))


def _assert_float64(d):
    """All inputs are float64 (or Python floats): so is every derivative."""
    for leaf in S.leaves(d):
        assert np.result_type(leaf) == np.float64, f"derivative has dtype {np.result_type(leaf)}: {d!r}"


def _inner(a, b) -> float:
    assert S.layout(a) == S.layout(b), f"{S.layout(a)} != {S.layout(b)}"
    return float(sum(np.sum(np.asarray(x) * np.asarray(y)) for x, y in zip(S.leaves(a), S.leaves(b))))


def _scale(a, b) -> float:
    return float(sum(np.sum(np.abs(np.asarray(x) * np.asarray(y)))
                     for x, y in zip(S.leaves(a), S.leaves(b))))


def _close(got, expected, scale, what):
    tol = RTOL * max(abs(got), abs(expected), scale) + ATOL
    assert abs(got - expected) <= tol, (
        f"{what}: got {got!r}, expected {expected!r} (|diff| {abs(got - expected):.3g} > {tol:.3g})")


def _setup(f, seed, dims):
    rng = np.random.default_rng(seed)
    args = S.random_args(f, rng, dims)
    out = _primal(f, args)
    w = float(rng.normal()) if S.is_scalar(out) else _like(out, rng)
    return rng, args, out, w


# -- (a) dot-product test against central differences --------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f,param", PARAM_CASES)
@FEW
@given(seed=SEEDS, dims=S.dims_strategy())
def test_dot_product_against_central_differences(f, param, mode, seed, dims):
    rng, args, out, w = _setup(f, seed, dims)
    i = S.params(f).index(param)
    dx = _like(args[i], rng)
    fd = _central(f, args, i, dx)
    assert S.layout(fd) == S.layout(out)
    expected = _inner(fd, w)
    scale = _scale(fd, w)
    if mode == "forward":
        value, tangent = tg.jvp(f, wrt=param)(*args, dx)
        assert S.layout(tangent) == S.layout(out)
        _assert_float64(tangent)
        got = _inner(tangent, w)
        what = "<J dx, w>"
    else:
        value, cotangent = tg.vjp(f, wrt=param)(*args, w)
        assert S.layout(cotangent) == S.layout(args[i])
        _assert_float64(cotangent)
        got = _inner(dx, cotangent)
        what = "<dx, J^T w>"
    _close(got, expected, scale, f"{what} vs central differences")


# -- (b) forward agrees with reverse -------------------------------------------

@pytest.mark.parametrize("f,param", PARAM_CASES)
@FEW
@given(seed=SEEDS, dims=S.dims_strategy())
def test_forward_agrees_with_reverse(f, param, seed, dims):
    rng, args, out, w = _setup(f, seed, dims)
    i = S.params(f).index(param)
    dx = _like(args[i], rng)
    _, tangent = tg.jvp(f, wrt=i)(*args, dx)
    _, cotangent = tg.vjp(f, wrt=i)(*args, w)
    forward, reverse = _inner(tangent, w), _inner(dx, cotangent)
    scale = _scale(tangent, w)
    assert abs(forward - reverse) <= 1e-10 * max(abs(forward), abs(reverse), scale, 1.0)


@pytest.mark.parametrize("f", FUNC_CASES)
@FEW
@given(seed=SEEDS, dims=S.dims_strategy())
def test_all_parameters_at_once(f, seed, dims):
    """wrt as a tuple of every differentiable parameter, in both modes."""
    rng, args, out, w = _setup(f, seed, dims)
    names = tuple(S.differentiable_params(f))
    idx = [S.params(f).index(p) for p in names]
    dxs = [_like(args[i], rng) for i in idx]
    _, tangent = tg.jvp(f, wrt=names)(*args, *dxs)
    _, cotangents = tg.vjp(f, wrt=names)(*args, w)
    assert isinstance(cotangents, tuple) and len(cotangents) == len(names)
    forward = _inner(tangent, w)
    reverse = sum(_inner(dx, ct) for dx, ct in zip(dxs, cotangents))
    # the sum of the one-at-a-time directional derivatives
    expected = sum(_inner(_central(f, args, i, dx), w) for i, dx in zip(idx, dxs))
    scale = sum(_scale(_central(f, args, i, dx), w) for i, dx in zip(idx, dxs))
    _close(forward, expected, scale, "forward, all parameters, vs central differences")
    _close(reverse, expected, scale, "reverse, all parameters, vs central differences")


# -- (c) the returned value is f(*args) ----------------------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", FUNC_CASES)
@FEW
@given(data=st.data(), dims=S.dims_strategy())
def test_value_is_the_plain_call(f, mode, data, dims):
    args = S.draw_args(data, f, dims)
    expected = _primal(f, args)
    param = S.differentiable_params(f)[0]
    i = S.params(f).index(param)
    zero = lambda x: S.tree_map(lambda leaf: np.zeros_like(leaf) if np.ndim(leaf) else 0.0, x)  # noqa: E731
    if mode == "forward":
        value, _ = tg.jvp(f, wrt=param)(*args, zero(args[i]))
    else:
        value, _ = tg.vjp(f, wrt=param)(*args, zero(expected))
    S.assert_tree_close(value, expected, rtol=1e-12, atol=1e-14)


# -- (d) the caller's arrays are not mutated -----------------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", FUNC_CASES)
@FEW
@given(data=st.data(), dims=S.dims_strategy())
def test_arguments_not_mutated(f, mode, data, dims):
    args = S.draw_args(data, f, dims)
    saved = copy.deepcopy(args)
    out = _primal(f, args)
    names = tuple(S.differentiable_params(f))
    rng = np.random.default_rng(0)
    if mode == "forward":
        tangents = [_like(args[S.params(f).index(p)], rng) for p in names]
        saved_tangents = copy.deepcopy(tangents)
        tg.jvp(f, wrt=names)(*args, *tangents)
        for t, t0 in zip(tangents, saved_tangents):
            S.assert_tree_close(t, t0, rtol=0, atol=0)
    else:
        w = 1.0 if S.is_scalar(out) else _like(out, rng)
        saved_w = copy.deepcopy(w)
        tg.vjp(f, wrt=names)(*args, w)
        S.assert_tree_close(w, saved_w, rtol=0, atol=0)
    for a, a0 in zip(args, saved):
        assert type(a) is type(a0)
        S.assert_tree_close(a, a0, rtol=0, atol=0)


# -- grad and value_and_grad are vjp with cotangent 1.0 ------------------------

SCALAR_CASES = [c for c in FUNC_CASES
                if S.is_scalar(c.values[0](*S.random_args(c.values[0], np.random.default_rng(1),
                                                          {"m": 2, "p": 3, "q": 2})))]


@pytest.mark.parametrize("f", SCALAR_CASES)
@FEW
@given(seed=SEEDS, dims=S.dims_strategy())
def test_grad_is_vjp_with_unit_cotangent(f, seed, dims):
    args = S.random_args(f, np.random.default_rng(seed), dims)
    names = tuple(S.differentiable_params(f))
    _, by_vjp = tg.vjp(f, wrt=names)(*args, 1.0)
    by_grad = tg.grad(f, wrt=names)(*args)
    value, by_vg = tg.value_and_grad(f, wrt=names)(*args)
    np.testing.assert_allclose(value, _primal(f, args), rtol=1e-12, atol=1e-14)
    for a, g1, g2, g3 in zip(names, by_vjp, by_grad, by_vg):
        i = S.params(f).index(a)
        assert S.layout(g2) == S.layout(args[i])
        S.assert_tree_close(g2, g1, rtol=1e-13, atol=1e-15)
        S.assert_tree_close(g3, g1, rtol=1e-13, atol=1e-15)
    # bare (not tuple) result for a single name
    bare = tg.grad(f, wrt=names[0])(*args)
    S.assert_tree_close(bare, by_vjp[0], rtol=1e-13, atol=1e-15)
