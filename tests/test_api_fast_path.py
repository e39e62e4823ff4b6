"""The wrappers' fast path for plain calls (float64 arrays and floats,
passed positionally): after a first call it skips binding and checking
and runs the cached generated function. Each test warms the wrapper with
two calls first, so the call under test takes the fast path where it is
allowed to, and checks that it never gives a stale, mistyped or shared
result, nor a different error."""
from __future__ import annotations

import math
import types

import numpy as np
import pytest

import tangentish as tg
from tangentish.errors import ArgumentError
from tangentish.rules import RULES


def _central_grad(f, x, eps=1e-6):
    """The gradient of scalar f at the 1-D float64 array x, by central differences."""
    out = np.zeros_like(x)
    for k in range(x.size):
        step = np.zeros_like(x)
        step[k] = eps
        out[k] = (f(x + step) - f(x - step)) / (2 * eps)
    return out


def _warm(call, *args):
    """Call twice: the second call already has a cached derivative for these shapes."""
    call(*args)
    return call(*args)


def _copy_of(f):
    """A new function object with f's code: nothing cached for it yet, and
    its code can be replaced without touching f."""
    return types.FunctionType(f.__code__, f.__globals__, f.__name__)


def wavy(x):
    return np.sum(np.tanh(x) ** 2 + 0.5 * x * np.sin(x)) + np.sqrt(np.dot(x, x))


def quartic(x):
    return np.sum(x ** 4) + np.dot(x, x)


def cubic(x):
    return np.sum(x ** 3)


RNG = np.random.default_rng(11)


def test_shapes_after_the_first_get_their_own_derivative():
    g = tg.value_and_grad(wavy)
    for n in (4, 7, 4, 1, 7):
        x = RNG.standard_normal(n)
        value, grad = _warm(g, x)
        assert value == pytest.approx(wavy(x), rel=1e-12)
        assert grad.shape == x.shape
        np.testing.assert_allclose(grad, _central_grad(wavy, x), rtol=1e-6, atol=1e-8)


def test_float32_after_float64_keeps_float32():
    g = tg.grad(wavy)
    x = RNG.standard_normal(5)
    _warm(g, x)
    g32 = g(x.astype(np.float32))
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, _central_grad(wavy, x), rtol=1e-4, atol=1e-5)
    assert g(x).dtype == np.float64


def test_an_int_array_after_a_float_one_is_still_refused_at_the_call():
    g = tg.grad(wavy)
    _warm(g, RNG.standard_normal(3))
    call = lambda: g(np.arange(3))  # noqa: E731
    with pytest.raises(ArgumentError) as info:
        call()
    assert "with respect to `x`: it is an array of dtype int" in str(info.value)
    assert (info.value.origin.file, info.value.origin.line) == (__file__, call.__code__.co_firstlineno)


def test_a_tangent_of_another_shape_is_still_refused():
    j = tg.jvp(wavy)
    x = RNG.standard_normal(3)
    _warm(j, x, np.ones(3))
    with pytest.raises(ArgumentError, match=r"the tangent for `x` has shape \(1,\)"):
        j(x, np.ones(1))
    h = tg.hvp(quartic)
    _warm(h, x, np.ones(3))
    with pytest.raises(ArgumentError, match=r"the tangent for `x` has shape \(1,\)"):
        h(x, np.ones(1))


def logs_first(x):
    return np.sum(x) * math.log(x[0])


def test_an_error_in_the_derivative_is_located_as_on_a_first_call():
    x, bad = np.array([2.0, 3.0]), np.array([-2.0, 3.0])
    warm = tg.grad(logs_first)
    np.testing.assert_allclose(_warm(warm, x), _central_grad(logs_first, x), rtol=1e-6)
    with pytest.raises(tg.TangentishError) as fresh:
        tg.grad(logs_first)(bad)
    with pytest.raises(tg.TangentishError) as again:
        warm(bad)
    assert type(again.value) is type(fresh.value) and isinstance(again.value, ValueError)
    assert str(again.value).splitlines()[0] == str(fresh.value).splitlines()[0]
    assert "math.log(x[0])" in str(again.value)


def identity(x):
    return x


def transposed(M):
    return M.T


def dot_with(x, y):
    return np.dot(x, y)


def half_norm(x):
    return 0.5 * np.dot(x, x)


def _assert_unshared(result, *args):
    for a in args:
        assert not np.shares_memory(result, a)


def test_results_never_share_the_callers_arrays():
    """Generated code may return an argument (a jvp of the identity), a
    seed (the hvp of 0.5 x.x is v) or a view of one (a transpose's
    adjoint): the caller must get arrays of its own."""
    x, t, M, C = RNG.standard_normal(3), RNG.standard_normal(3), np.ones((2, 3)), np.ones((3, 2))
    value, tangent = _warm(tg.jvp(identity), x, t)
    _assert_unshared(value, x, t)
    _assert_unshared(tangent, x, t)
    np.testing.assert_array_equal(tangent, t)
    value, cotangent = _warm(tg.vjp(identity), x, t)
    _assert_unshared(value, x, t)
    _assert_unshared(cotangent, x, t)
    value, cotangent = _warm(tg.vjp(transposed), M, C)
    _assert_unshared(cotangent, M, C)
    np.testing.assert_array_equal(cotangent, C.T)
    hv = _warm(tg.hvp(half_norm), x, t)
    _assert_unshared(hv, x, t)
    np.testing.assert_allclose(hv, t)
    grad = _warm(tg.grad(dot_with), x, t)
    _assert_unshared(grad, x, t)
    np.testing.assert_allclose(grad, _central_grad(lambda z: dot_with(z, t), x), rtol=1e-6)


def test_a_replaced_code_object_is_differentiated_anew():
    f = _copy_of(quartic)
    x, v = RNG.standard_normal(4), RNG.standard_normal(4)
    g, j, back, h = tg.grad(f), tg.jvp(f), tg.vjp(f), tg.hvp(f)
    for call, args in ((g, (x,)), (j, (x, v)), (back, (x, 1.0)), (h, (x, v))):
        _warm(call, *args)
    f.__code__ = cubic.__code__
    expected = _central_grad(cubic, x)
    np.testing.assert_allclose(g(x), expected, rtol=1e-6)
    np.testing.assert_allclose(j(x, v)[1], expected @ v, rtol=1e-6)
    np.testing.assert_allclose(back(x, 1.0)[1], expected, rtol=1e-6)
    np.testing.assert_allclose(h(x, v), 6.0 * x * v, rtol=1e-12)


def opaque(x):
    return np.i0(x * x)  # np.i0 has no rule: only a registered one helps


def uses_opaque(x):
    return np.sum(opaque(x)) * 3.0


def test_a_rule_registered_between_calls_is_used():
    x = RNG.standard_normal(3)
    saved = RULES.snapshot()
    try:
        tg.register_adjoint(opaque)(lambda g, ans, x: g * 2.0)
        tg.register_tangent(opaque)(lambda g, ans, x: g * 2.0)
        g, j = tg.grad(uses_opaque), tg.jvp(uses_opaque)
        np.testing.assert_array_equal(_warm(g, x), np.full(3, 6.0))
        assert _warm(j, x, np.ones(3))[1] == 18.0
        tg.register_adjoint(opaque, replace=True)(lambda g, ans, x: g * 7.0)
        tg.register_tangent(opaque, replace=True)(lambda g, ans, x: g * 7.0)
        np.testing.assert_array_equal(g(x), np.full(3, 21.0))
        assert j(x, np.ones(3))[1] == 63.0
    finally:
        RULES.restore(saved)


def _sum_of_squares(x):
    return np.sum(x * x)


def _sum_of_cubes(x):
    return np.sum(x ** 3)


rebound = _sum_of_squares


def calls_rebound(x):
    return rebound(x) + np.sum(x)


def test_a_helper_rebound_between_calls_is_followed():
    global rebound
    x, v = RNG.standard_normal(3), RNG.standard_normal(3)
    g, h = tg.grad(calls_rebound), tg.hvp(calls_rebound)
    np.testing.assert_allclose(_warm(g, x), 2 * x + 1)
    np.testing.assert_allclose(_warm(h, x, v), 2 * v)
    try:
        rebound = _sum_of_cubes
        np.testing.assert_allclose(g(x), _central_grad(calls_rebound, x), rtol=1e-6)
        np.testing.assert_allclose(h(x, v), 6 * x * v, rtol=1e-12)
    finally:
        rebound = _sum_of_squares
    np.testing.assert_allclose(g(x), 2 * x + 1)


def _scaled_model():
    scale = 2.0

    def model(x):
        return scale * np.sum(x * x)

    def rescale(value):
        nonlocal scale
        scale = value

    return model, rescale


def test_a_closure_rebound_between_calls_is_followed():
    model, rescale = _scaled_model()
    x = RNG.standard_normal(3)
    g = tg.value_and_grad(model)
    _warm(g, x)
    rescale(5.0)
    value, grad = g(x)
    assert value == pytest.approx(model(x), rel=1e-12)
    np.testing.assert_allclose(grad, 10.0 * x)


def test_several_wrt_arguments_and_float_arguments():
    def f(x, s, y):
        return s * np.sum(np.sin(x) * y)

    x, y, s = RNG.standard_normal(3), RNG.standard_normal(3), 0.7
    gx, gs = _warm(tg.grad(f, wrt=(0, 1)), x, s, y)
    np.testing.assert_allclose(gx, _central_grad(lambda z: f(z, s, y), x), rtol=1e-6)
    assert gs == pytest.approx(np.sum(np.sin(x) * y), rel=1e-12)
    gs64 = _warm(tg.grad(f, wrt=1), x, np.float64(s), y)
    assert type(gs64) is np.float64 and gs64 == pytest.approx(gs, rel=1e-12)
