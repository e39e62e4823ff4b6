"""Derivatives specialised on the arguments' shapes.

A call runs a derivative specialised on its arguments' shapes, which leaves
out the broadcasting steps it proves are identities: a function's first
shapes at once, other shapes once they come back (a loop calling it). The same function
called with other shapes (broadcasting ones included) must still get the
right derivative each time, shapes that change around a loop or differ
between branches must not be mistaken for fixed ones, and the number of
specialisations per function is bounded.
"""
from __future__ import annotations

import numpy as np
import pytest

import tangentish as tg
from tangentish import pipeline


def scaled(x, y):
    return np.sum(np.sin(x) * y + x * x)


def grows_in_loop(x, n):
    y = 1.0
    for i in range(n):
        y = y * x + 0.5   # a scalar on the first pass, x's shape after
    return np.sum(y * y)


def shape_by_branch(x, flag):
    if flag > 0:
        y = np.sum(x)
    else:
        y = x * 2.0
    return np.sum(np.cos(y) * x)


def shape_by_branch_swapped(x, flag):
    if flag > 0:
        y = x * 2.0
    else:
        y = np.sum(x)
    return np.sum(np.cos(y) * x)


def reduced_rows(w, b):
    h = np.tanh(w @ np.ones(3) + b)
    return np.sum(h * h) + np.sum(np.mean(w, axis=0, keepdims=True) * w)


def shrinking(x, y):
    # calls itself on a shorter x: x * y broadcasts at the last level only
    if x.shape[0] == 1:
        return np.sum(np.sin(x) * y)
    return np.sum(np.cos(x[:1]) * y[:1]) + shrinking(x[1:], y)


def _central_grad(f, args, i, eps=1e-6):
    x = np.asarray(args[i], dtype=float)
    out = np.zeros(x.shape)
    for k in np.ndindex(*x.shape):
        hi, lo = x.copy(), x.copy()
        hi[k] += eps
        lo[k] -= eps
        a, b = list(args), list(args)
        a[i], b[i] = (hi if x.ndim else float(hi)), (lo if x.ndim else float(lo))
        out[k] = (f(*a) - f(*b)) / (2 * eps)
    return out if x.ndim else float(out)


SHAPES = [((), ()), ((3,), (3,)), ((3,), ()), ((), (3,)), ((2, 3), (3,)),
          ((2, 1), (1, 3)), ((1, 3), (2, 3)), ((3,), (3,))]


def _twice(derivative, *args):
    """Call twice: shapes other than a function's first are specialised
    when they come back; both calls must agree."""
    first, second = derivative(*args), derivative(*args)
    pairs = zip(first, second) if isinstance(first, tuple) else [(first, second)]
    for a, b in pairs:
        np.testing.assert_allclose(a, b, rtol=1e-12)
    return second


def _value(rng, shape):
    return float(rng.normal()) if shape == () else rng.normal(size=shape)


def test_one_function_many_shapes_both_modes():
    rng = np.random.default_rng(0)
    grad = tg.grad(scaled, (0, 1))
    jvp = tg.jvp(scaled, (0, 1))
    for sx, sy in SHAPES:
        x, y = _value(rng, sx), _value(rng, sy)
        gx, gy = _twice(grad, x, y)
        np.testing.assert_allclose(gx, _central_grad(scaled, (x, y), 0), rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(gy, _central_grad(scaled, (x, y), 1), rtol=1e-6, atol=1e-8)
        assert np.shape(gx) == np.shape(x) and np.shape(gy) == np.shape(y)
        dx, dy = _value(rng, sx), _value(rng, sy)
        _, t = _twice(jvp, x, y, dx, dy)
        assert t == pytest.approx(np.sum(gx * dx) + np.sum(gy * dy), rel=1e-8, abs=1e-10)


@pytest.mark.parametrize("f, args", [
    (grows_in_loop, lambda rng: (rng.normal(size=3) * 0.5, 3)),
    (shape_by_branch, lambda rng: (rng.normal(size=4), 1.0)),
    (shape_by_branch, lambda rng: (rng.normal(size=4), -1.0)),
    (shape_by_branch_swapped, lambda rng: (rng.normal(size=4), 1.0)),
    (shape_by_branch_swapped, lambda rng: (rng.normal(size=4), -1.0)),
    (reduced_rows, lambda rng: (rng.normal(size=(2, 3)), rng.normal(size=2))),
    (reduced_rows, lambda rng: (rng.normal(size=(2, 3)), 0.5)),
], ids=["loop", "branch-sum", "branch-scale", "swapped-scale", "swapped-sum", "rows",
        "rows-scalar-b"])
def test_shapes_that_vary_along_the_way(f, args):
    a = args(np.random.default_rng(1))
    for mode in ("reverse", "forward"):
        if mode == "reverse":
            g = tg.grad(f)(*a)
        else:
            e = np.eye(np.size(a[0])).reshape((-1,) + np.shape(a[0]))
            g = np.array([tg.jvp(f)(*a, d)[1] for d in e]).reshape(np.shape(a[0]))
        np.testing.assert_allclose(g, _central_grad(f, a, 0), rtol=1e-6, atol=1e-8)


def test_hvp_many_shapes():
    rng = np.random.default_rng(2)
    h = tg.hvp(scaled, (0, 1))
    for sx, sy in SHAPES[:5]:
        x, y = _value(rng, sx), _value(rng, sy)
        vx, vy = _value(rng, sx), _value(rng, sy)
        hx, hy = _twice(h, x, y, (vx, vy))
        g = tg.grad(scaled, (0, 1))
        eps = 1e-6
        gp = g(x + eps * vx, y + eps * vy)
        gm = g(x - eps * vx, y - eps * vy)
        np.testing.assert_allclose(hx, (gp[0] - gm[0]) / (2 * eps), rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(hy, (gp[1] - gm[1]) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_identity_broadcasts_are_left_out_only_where_shapes_agree():
    generic = tg.source(scaled, wrt=(0, 1))
    same = tg.source(scaled, wrt=(0, 1), args=(np.ones(3), np.ones(3)))
    spread = tg.source(scaled, wrt=(0, 1), args=(np.ones((2, 3)), np.ones(3)))
    assert "_rt.unbroadcast" in generic
    assert "_rt.unbroadcast" not in same
    assert "_rt.unbroadcast(" in spread and "y)" in spread


def test_specialisations_per_function_are_bounded():
    def fresh(x, y):  # a function of its own: the cache counts per function
        return np.sum(x * y)
    fresh.__code__ = scaled.__code__.replace(co_name="fresh")
    grad = tg.grad(fresh)
    n = pipeline.MAX_SPECIALISATIONS + 4
    for k in range(1, n + 1):
        x = np.arange(k, dtype=float)
        np.testing.assert_allclose(grad(x, x), np.cos(x) * x + 2 * x)
        np.testing.assert_allclose(grad(x, x), np.cos(x) * x + 2 * x)  # again: specialised
    keys = [k for k in pipeline.CACHE._find(pipeline.target(fresh)) if k != pipeline._SIGHTINGS]
    assert sum(1 for key in keys if key[-1] is not None) == pipeline.MAX_SPECIALISATIONS
    assert sum(1 for key in keys if key[-1] is None) == 1   # the rest share the generic one


def test_recursion_through_other_shapes_takes_the_generic_derivative():
    rng = np.random.default_rng(3)
    for n in (4, 4, 3):
        x, y = rng.normal(size=n), rng.normal(size=4)
        for i in (0, 1):
            g = _twice(tg.grad(shrinking, i), x, y)
            np.testing.assert_allclose(g, _central_grad(shrinking, (x, y), i), rtol=1e-6, atol=1e-8)
            d = _value(rng, np.shape((x, y)[i]))
            _, t = _twice(tg.jvp(shrinking, i), x, y, d)
            assert t == pytest.approx(np.sum(g * d), rel=1e-8, abs=1e-10)
    keys = [k for k in pipeline.CACHE._find(pipeline.target(shrinking)) if k != pipeline._SIGHTINGS]
    assert keys and all(key[-1] is None for key in keys)
