"""Numerical edges: 0-d arrays, float32 against float64, integer arguments,
nan and inf, complex numbers, and the points where a function has no
derivative (where tangentish follows autograd: docs/getting-started.md,
"Numerical conventions").

Reference values come from central differences in float64 or from autograd.
"""
from __future__ import annotations

import math
import warnings

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import tangentish as tg


def central(f, x, *rest, eps=1e-6):
    """The gradient of scalar f at float64 x by central differences."""
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[k] = eps
        grad[k] = (f(x + e, *rest) - f(x - e, *rest)) / (2 * eps)
    return grad


# -- functions with loops and branches, scalar outputs -----------------------------

def loop_with_branch(v, n):
    s = v * 0.0
    for i in range(n):
        if np.sum(s) > 1.0:
            s = s * 0.5
        else:
            s = s + v * v
    return np.sum(np.tanh(s))


def while_with_break(v, n):
    total = 0.0
    k = 0
    while k < n:
        total = total + np.sum(np.sin(v * (k + 1)))
        if total > 2.5:
            break
        k = k + 1
    return total * 0.5


def matrix_quadratic(v, n):
    M = np.reshape(v, (2, 2)) if n > 0 else np.eye(2)
    return np.sum(np.tanh(M @ M.T)) / (1.0 + np.sum(v * v))


def elementwise(v, n):
    return np.sum(np.exp(0.5 * v) * np.cos(v) + v ** 3 / (2.0 + v * v))


SCALAR_FUNCTIONS = [loop_with_branch, while_with_break, matrix_quadratic, elementwise]
POINT = np.array([0.3, -0.7, 0.9, 0.2])


def vector_out(v, n):
    return np.sin(v) * n + v * v


@pytest.mark.parametrize("f", SCALAR_FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_dtype_is_kept_and_values_are_right(f, dtype):
    x = POINT.astype(dtype)
    direction = np.array([1.0, -0.5, 0.25, 2.0], dtype=dtype)
    expected = central(f, POINT, 3)
    tol = dict(rtol=1e-3, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-7, atol=1e-9)

    g = tg.grad(f)(x, 3)
    value, (g_vjp,) = tg.vjp(f, wrt=(0,))(x, 3, dtype(1.0))
    _, tangent = tg.jvp(f)(x, 3, direction)
    assert g.dtype == dtype and g_vjp.dtype == dtype and g.shape == x.shape
    assert np.asarray(tangent).dtype == np.asarray(value).dtype == np.asarray(f(x, 3)).dtype
    np.testing.assert_allclose(g, expected, **tol)
    np.testing.assert_allclose(g_vjp, expected, **tol)
    np.testing.assert_allclose(tangent, expected @ direction.astype(np.float64), **tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_dtype_is_kept_for_array_outputs_and_scalars(dtype):
    x = POINT.astype(dtype)
    value, x_bar = tg.vjp(vector_out)(x, 2, np.ones(4, dtype))
    _, x_dot = tg.jvp(vector_out)(x, 2, np.ones(4, dtype))
    assert value.dtype == x_bar.dtype == x_dot.dtype == dtype
    np.testing.assert_allclose(x_bar, 2 * np.cos(POINT) + 2 * POINT, rtol=1e-6)
    np.testing.assert_allclose(x_dot, x_bar, rtol=1e-6)
    # a NumPy scalar gives a NumPy scalar of its own type
    s = dtype(0.4)
    assert type(tg.grad(loop_with_branch)(s, 3)) is dtype
    assert np.asarray(tg.jvp(loop_with_branch)(s, 3, dtype(1.0))[1]).dtype == dtype


@pytest.mark.parametrize("f", SCALAR_FUNCTIONS[:2] + SCALAR_FUNCTIONS[3:], ids=lambda f: f.__name__)
def test_zero_d_arrays(f):
    """A 0-d array in gives a 0-d derivative out, like the argument."""
    x = np.array(0.4)
    expected = central(f, x, 3)
    g = tg.grad(f)(x, 3)
    _, (g_vjp,) = tg.vjp(f, wrt=(0,))(x, 3, 1.0)
    _, tangent = tg.jvp(f)(x, 3, np.array(1.0))
    for got in (g, g_vjp, tangent):
        assert np.shape(got) == ()
        np.testing.assert_allclose(got, expected, rtol=1e-7)


def test_zero_d_array_output():
    value, x_bar = tg.vjp(vector_out)(np.array(0.4), 2, np.array(1.0))
    assert np.shape(value) == np.shape(x_bar) == ()
    np.testing.assert_allclose(x_bar, 2 * np.cos(0.4) + 0.8, rtol=1e-12)


def scaled_power(x, n, idx):
    return np.sum(x[idx] ** n) * n


def test_integer_arguments_are_not_differentiated():
    """Ints steer (powers, loop counts, indices) and are passed through
    unchanged; only the float argument gets a derivative."""
    x, idx = np.array([0.5, 1.5, -0.5]), np.array([2, 0])
    expected = central(scaled_power, x, 3, idx)
    np.testing.assert_allclose(tg.grad(scaled_power)(x, 3, idx), expected, rtol=1e-7)
    np.testing.assert_allclose(tg.jvp(scaled_power)(x, 3, idx, np.ones(3))[1], expected.sum(), rtol=1e-7)
    assert idx.dtype.kind == "i" and list(idx) == [2, 0]
    with pytest.raises(tg.TangentishError):
        tg.grad(scaled_power, wrt="n")(x, 3, idx)


# -- nan and inf -------------------------------------------------------------------

def log_times(x):
    return np.log(x) * x


def a_log_times(x):
    return anp.log(x) * x


def sine(x):
    return np.sin(x) * 2.0


def a_sine(x):
    return anp.sin(x) * 2.0


def square_over(x):
    return x * x / (1.0 + x * x)


def a_square_over(x):
    return x * x / (1.0 + x * x)


@pytest.mark.parametrize("f,af", [(log_times, a_log_times), (sine, a_sine), (square_over, a_square_over)],
                         ids=["log_times", "sine", "square_over"])
@pytest.mark.parametrize("x", [np.nan, np.inf, -np.inf, -1.0, 0.0])
def test_nan_and_inf_as_autograd(f, af, x):
    """Derivatives at nan, inf and outside the domain are what autograd
    computes (nan where the primal is nan, inf * 0 = nan and so on)."""
    x = np.float64(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = autograd.grad(af)(x)
        np.testing.assert_equal(tg.grad(f)(x), expected)
        np.testing.assert_equal(tg.jvp(f)(x, 1.0)[1], expected)
        np.testing.assert_equal(tg.value_and_grad(f)(x)[0], f(x))


def test_nan_stays_where_the_primal_has_it():
    v = np.array([0.5, np.nan, -1.0, np.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        primal = np.sin(v)
        g = tg.grad(lambda_free_sum_sin)(v)
        _, t = tg.vjp(elementwise_sin)(v, np.ones(4))
        _, d = tg.jvp(elementwise_sin)(v, np.ones(4))
    np.testing.assert_array_equal(np.isnan(g), np.isnan(primal))
    np.testing.assert_array_equal(np.isnan(t), np.isnan(primal))
    np.testing.assert_array_equal(np.isnan(d), np.isnan(primal))
    np.testing.assert_allclose(g[[0, 2]], np.cos(v[[0, 2]]), rtol=1e-15)


def lambda_free_sum_sin(v):
    return np.sum(np.sin(v))


def elementwise_sin(v):
    return np.sin(v)


# -- complex numbers: rejected ---------------------------------------------------------

def times_constant(x, c):
    return x * c


def abs_of_complex(x, c):
    return x * np.abs(c)


def makes_complex(x):
    return np.exp(1j * x)


@pytest.mark.parametrize("call", [
    lambda: tg.grad(times_constant)(1.0 + 2.0j, 2.0),
    lambda: tg.grad(times_constant)(np.array([1.0 + 0j]), 2.0),
    lambda: tg.jvp(times_constant)(1.5, 2.0, 1.0j),
    lambda: tg.vjp(times_constant)(1.5, 2.0, 1.0j),
    lambda: tg.grad(times_constant)(1.5, 2.0j),
    lambda: tg.vjp(times_constant)(1.5, 2.0j, 1.0),
    lambda: tg.jvp(times_constant)(1.5, 2.0j, 1.0),
    lambda: tg.grad(makes_complex)(0.5),
    lambda: tg.jvp(makes_complex)(0.5, 1.0),
], ids=["grad-wrt", "grad-wrt-array", "jvp-tangent", "vjp-cotangent", "grad-output",
        "vjp-output", "jvp-output", "grad-made-inside", "jvp-made-inside"])
def test_complex_numbers_are_rejected(call):
    with pytest.raises(tg.TangentishError, match="complex"):
        call()


def test_complex_argument_with_a_real_result_is_fine():
    assert tg.grad(abs_of_complex)(1.5, 3.0 + 4.0j) == pytest.approx(5.0)
    assert tg.jvp(abs_of_complex)(1.5, 3.0 + 4.0j, 1.0)[1] == pytest.approx(5.0)


# -- points without a derivative: autograd's conventions -----------------------------

def f_abs(x):
    return np.abs(x)


def f_builtin_abs(x):
    return abs(x)


def f_sqrt(x):
    return np.sqrt(x)


def f_pow_half(x):
    return x ** 0.5


def f_maximum(x):
    return np.maximum(x, 1.0)


def f_minimum(x):
    return np.minimum(x, 1.0)


def f_fmax(x):
    return np.fmax(x, 1.0)


def f_sign(x):
    return np.sign(x) * 3.0


def f_floor(x):
    return np.floor(x) + x


def f_clip_low(x):
    return np.clip(x, 0.0, 1.0)


def f_clip_high(x):
    return np.clip(x, -1.0, 0.0)


def f_where(x):
    return np.where(x > 0.0, x * x + x, 0.0)


def f_branch(x):
    if x > 0.0:
        return x * 2.0
    return x * 3.0


KINKS = [
    (f_abs, lambda x: anp.abs(x), 0.0),
    (f_builtin_abs, lambda x: abs(x), 0.0),
    (f_sqrt, lambda x: anp.sqrt(x), 0.0),
    (f_pow_half, lambda x: x ** 0.5, 0.0),
    (f_maximum, lambda x: anp.maximum(x, 1.0), 1.0),
    (f_minimum, lambda x: anp.minimum(x, 1.0), 1.0),
    (f_fmax, lambda x: anp.fmax(x, 1.0), 1.0),
    (f_sign, lambda x: anp.sign(x) * 3.0, 0.0),
    (f_floor, lambda x: anp.floor(x) + x, 1.0),
    (f_clip_low, lambda x: anp.clip(x, 0.0, 1.0), 0.0),
    (f_clip_high, lambda x: anp.clip(x, -1.0, 0.0), 0.0),
    (f_where, lambda x: anp.where(x > 0.0, x * x + x, 0.0), 0.0),
    (f_branch, lambda x: x * 2.0 if x > 0.0 else x * 3.0, 0.0),
]


@pytest.mark.parametrize("f,af,x", KINKS, ids=[k[0].__name__[2:] for k in KINKS])
def test_non_differentiable_points_as_autograd(f, af, x):
    x = np.float64(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 1/0, and autograd on constant outputs
        expected = autograd.grad(af)(x)
        np.testing.assert_equal(tg.grad(f)(x), expected)
        np.testing.assert_equal(tg.jvp(f)(x, 1.0)[1], expected)


def maximum_of_arrays(v, w):
    return np.sum(np.maximum(v, w) * np.array([1.0, 2.0, 3.0]))


def test_maximum_of_arrays_with_ties_as_autograd():
    """Tied elements share the derivative equally, as in autograd."""
    v, w = np.array([1.0, 0.5, 2.0]), np.array([1.0, 0.7, 2.0])
    expected = autograd.grad(lambda v, w: anp.sum(anp.maximum(v, w) * anp.array([1.0, 2.0, 3.0])),
                             (0, 1))(v, w)
    got = tg.grad(maximum_of_arrays, wrt=(0, 1))(v, w)
    np.testing.assert_equal(got, expected)
    _, tangent = tg.jvp(maximum_of_arrays, wrt=(0, 1))(v, w, np.ones(3), np.ones(3))
    assert tangent == pytest.approx(np.sum(expected[0] + expected[1]))


def math_sqrt(x):
    return math.sqrt(x)


def test_python_floats_at_an_infinite_derivative():
    """Python's float arithmetic raises where NumPy's gives inf: so does the
    derivative (autograd too raises for `x ** 0.5` at 0.0), as a located
    error that is also a ZeroDivisionError; np.float64 gives inf."""
    for call in (lambda: tg.grad(math_sqrt)(0.0), lambda: tg.grad(f_pow_half)(0.0)):
        with pytest.raises(ZeroDivisionError) as info:
            call()
        assert isinstance(info.value, tg.TangentishError) and "hint" in str(info.value)
    with pytest.raises(ZeroDivisionError):
        autograd.grad(lambda x: x ** 0.5)(0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert tg.grad(f_pow_half)(np.float64(0.0)) == np.inf
