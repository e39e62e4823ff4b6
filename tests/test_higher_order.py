"""Derivatives of derivatives: closed forms up to order 5, Hessians and
Jacobians against autograd, Hessian-vector products against finite
differences of gradients, and mixes of the transformations.

Every level is generated code differentiated again, so these tests also
exercise the rules of the runtime helpers, tuples (`return value, x_bar`)
and lists used as stacks (the reverse sweep's `_stack`).
"""
from __future__ import annotations

import math
import types

import numpy as np
import pytest

import tangentish as tg

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")

POINTS = (-0.7, 0.4, 1.3)


# -- functions -------------------------------------------------------------------

def power5(x):
    return x ** 5


def exponential(x):
    return np.exp(x)


def sine(x):
    return np.sin(x)


def loop_power(x, n):
    # x ** n by repeated multiplication: a loop the reverse sweep replays
    s = 1.0
    for i in range(n):
        s = s * x
    return s


def piecewise(x):
    if x > 0.0:
        y = x ** 4
    else:
        y = np.sin(x)
    return y


def _square(t):
    return t * t


def helper_chain(x):
    return _square(_square(x)) * x  # x ** 5 through a helper called twice


def while_sine(x):
    s = 0.0
    k = 0
    while k < 3:
        s = s + np.sin(x) / (k + 1.0)
        k = k + 1
    return s


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def looped_energy(x, w):
    # a loop over entries with a branch, a helper returning a tuple
    e = 0.0
    for i in range(len(x) - 1):
        d, s = _pair(x[i], x[i + 1])
        if d > 0.0:
            e = e + w * d * d * s
        else:
            e = e + np.cos(d) * s
    return e + np.sum(np.tanh(x) * x)


def _pair(a, b):
    return b - a, np.exp(0.3 * a * b)


def vector_map(x, A):
    # R^3 -> R^2 with a matrix product, elementwise functions and a loop
    y = np.tanh(A @ x)
    for i in range(2):
        y = y * np.sin(x[i]) + x[2] ** 2
    return y


def two_inputs(x, y):
    return np.sum(np.sin(x) * y ** 2) + np.sum(x * x) * np.sum(y)


def _autograd_versions(*functions):
    """The same functions reading `np` as autograd's numpy (helpers included)."""
    namespace = dict(globals(), np=anp)
    for name, obj in list(namespace.items()):
        if isinstance(obj, types.FunctionType) and obj.__module__ == __name__:
            namespace[name] = types.FunctionType(obj.__code__, namespace, name)
    return [namespace[f.__name__] for f in functions]


rosenbrock_ag, looped_energy_ag, vector_map_ag, two_inputs_ag = _autograd_versions(
    rosenbrock, looped_energy, vector_map, two_inputs)


# -- closed forms ----------------------------------------------------------------

def _power_derivative(k, n, x):
    return math.factorial(k) / math.factorial(k - n) * x ** (k - n) if n <= k else 0.0


CLOSED = {
    power5: lambda n, x: _power_derivative(5, n, x),
    exponential: lambda n, x: np.exp(x),
    sine: lambda n, x: np.sin(x + n * np.pi / 2),
}


def _grad_tower(f, depth):
    tower = [f]
    for _ in range(depth):
        tower.append(tg.grad(tower[-1]))
    return tower


def _jvp_tower(f, depth):
    tower = [f]
    for _ in range(depth):
        tower.append(tg.jvp(tower[-1]))
    return tower


def _jvp_derivative(g, n, *args):
    """d^n f/dx^n from the n-fold jvp with unit tangents: the last entry of
    the nested (value, tangent) pairs."""
    out = g(*args, *([1.0] * n))
    for _ in range(n):
        out = out[1]
    return out


@pytest.mark.parametrize("f, depth", [(power5, 5), (exponential, 4), (sine, 4)],
                         ids=["x**5", "exp", "sin"])
def test_grad_of_grad_closed_forms(f, depth):
    tower = _grad_tower(f, depth)
    for n in range(1, depth + 1):
        for x in POINTS:
            np.testing.assert_allclose(tower[n](x), CLOSED[f](n, x), rtol=1e-12, atol=1e-12,
                                       err_msg=f"order {n} at {x}")


@pytest.mark.parametrize("f", [power5, exponential, sine], ids=["x**5", "exp", "sin"])
def test_jvp_of_jvp_closed_forms(f):
    tower = _jvp_tower(f, 5)
    for n in range(1, 6):
        for x in POINTS:
            np.testing.assert_allclose(_jvp_derivative(tower[n], n, x), CLOSED[f](n, x),
                                       rtol=1e-12, atol=1e-12, err_msg=f"order {n} at {x}")


def test_loops_branches_helpers_closed_forms():
    loops = _grad_tower(loop_power, 3)
    branches = _grad_tower(piecewise, 3)
    helpers = _grad_tower(helper_chain, 3)
    whiles = _grad_tower(while_sine, 2)
    harmonic = 1 + 1 / 2 + 1 / 3
    for n in range(1, 4):
        for x in POINTS:
            np.testing.assert_allclose(loops[n](x, 5), _power_derivative(5, n, x), rtol=1e-12)
            np.testing.assert_allclose(helpers[n](x), _power_derivative(5, n, x), rtol=1e-12)
            expected = _power_derivative(4, n, x) if x > 0 else np.sin(x + n * np.pi / 2)
            np.testing.assert_allclose(branches[n](x), expected, rtol=1e-12)
            if n <= 2:
                np.testing.assert_allclose(whiles[n](x), harmonic * np.sin(x + n * np.pi / 2),
                                           rtol=1e-12)
    # forward over forward, deeper
    for f, expected in [(loop_power, lambda n, x: _power_derivative(5, n, x)),
                        (helper_chain, lambda n, x: _power_derivative(5, n, x))]:
        tower = _jvp_tower(f, 4)
        extra = (5,) if f is loop_power else ()
        for n in (3, 4):
            for x in POINTS:
                got = tower[n](x, *extra, *([1.0] * n))
                for _ in range(n):
                    got = got[1]
                np.testing.assert_allclose(got, expected(n, x), rtol=1e-12)


# -- Hessians, Jacobians, Hessian-vector products ---------------------------------

RNG = np.random.default_rng(5)


@pytest.mark.parametrize("f, ref, args", [
    (rosenbrock, rosenbrock_ag, (RNG.uniform(-1, 1, 5),)),
    (looped_energy, looped_energy_ag, (RNG.uniform(-1, 1, 4), 0.7)),
    (two_inputs, two_inputs_ag, (RNG.uniform(-1, 1, 3), RNG.uniform(-1, 1, 3))),
], ids=["rosenbrock", "looped_energy", "two_inputs"])
def test_hessian_against_autograd(f, ref, args):
    H = tg.hessian(f)(*args)
    expected = autograd.hessian(ref)(*args)
    assert H.shape == args[0].shape * 2
    np.testing.assert_allclose(H, expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(H, H.T, rtol=1e-12, atol=1e-12)


def test_hessian_blocks_for_several_inputs():
    x, y = RNG.uniform(-1, 1, 3), RNG.uniform(-1, 1, 3)
    blocks = tg.hessian(two_inputs, wrt=(0, 1))(x, y)
    for i in range(2):
        for j in range(2):
            expected = autograd.jacobian(autograd.grad(two_inputs_ag, i), j)(x, y)
            np.testing.assert_allclose(blocks[i][j], expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(blocks[0][1], blocks[1][0].T, rtol=1e-12)


def test_hessian_of_a_scalar_input():
    assert np.isclose(tg.hessian(power5)(1.3), 20 * 1.3 ** 3)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_against_autograd(mode):
    x, A = RNG.uniform(-1, 1, 3), RNG.uniform(-1, 1, (2, 3))
    J = tg.jacobian(vector_map, mode=mode)(x, A)
    assert J.shape == (2, 3)
    np.testing.assert_allclose(J, autograd.jacobian(vector_map_ag)(x, A), rtol=1e-10, atol=1e-12)
    JA = tg.jacobian(vector_map, wrt="A", mode=mode)(x, A)
    assert JA.shape == (2, 2, 3)
    np.testing.assert_allclose(JA, autograd.jacobian(vector_map_ag, 1)(x, A), rtol=1e-10,
                               atol=1e-12)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_of_the_gradient_is_the_hessian(mode):
    x = RNG.uniform(-1, 1, 4)
    np.testing.assert_allclose(tg.jacobian(tg.grad(rosenbrock), mode=mode)(x),
                               tg.hessian(rosenbrock)(x), rtol=1e-10)


def test_hvp_against_finite_differences_of_gradients():
    g = tg.grad(looped_energy)
    h = tg.hvp(looped_energy)
    for seed in range(3):
        rng = np.random.default_rng(seed)
        x, v = rng.uniform(-1, 1, 5), rng.normal(size=5)
        eps = 1e-6
        expected = (g(x + eps * v, 0.7) - g(x - eps * v, 0.7)) / (2 * eps)
        np.testing.assert_allclose(h(x, 0.7, v), expected, rtol=1e-6, atol=1e-8)


def test_hvp_for_several_inputs_takes_and_returns_tuples():
    x, y = RNG.uniform(-1, 1, 3), RNG.uniform(-1, 1, 3)
    vx, vy = RNG.normal(size=3), RNG.normal(size=3)
    hx, hy = tg.hvp(two_inputs, wrt=(0, 1))(x, y, (vx, vy))
    H = [[autograd.jacobian(autograd.grad(two_inputs_ag, i), j)(x, y) for j in range(2)]
         for i in range(2)]
    np.testing.assert_allclose(hx, H[0][0] @ vx + H[0][1] @ vy, rtol=1e-10)
    np.testing.assert_allclose(hy, H[1][0] @ vx + H[1][1] @ vy, rtol=1e-10)


# -- mixes ---------------------------------------------------------------------------

sine_jvp = tg.jvp(sine)
power_hvp = tg.hvp(power5)


def sine_slope(x):
    # a user function calling a derivative: differentiated through it
    value, slope = sine_jvp(x, 1.0)
    return slope * value


def test_grad_of_a_function_calling_jvp():
    for x in POINTS:
        expected = np.cos(2 * x)  # d/dx (cos x sin x)
        np.testing.assert_allclose(tg.grad(sine_slope)(x), expected, rtol=1e-12)
        np.testing.assert_allclose(tg.grad(tg.grad(sine_slope))(x), -2 * np.sin(2 * x),
                                   rtol=1e-12)


def test_jvp_of_vjp_and_vjp_of_jvp():
    x = 0.9
    (value, x_bar), (value_dot, x_bar_dot) = tg.jvp(tg.vjp(sine))(x, 2.0, 1.0)
    np.testing.assert_allclose([value, x_bar, value_dot, x_bar_dot],
                               [np.sin(x), 2 * np.cos(x), np.cos(x), -2 * np.sin(x)])
    # w.r.t. the cotangent: the vjp is linear in it
    _, (_, bar_dot) = tg.jvp(tg.vjp(sine), wrt=1)(x, 2.0, 1.0)
    np.testing.assert_allclose(bar_dot, np.cos(x))
    # reverse over forward: the tangent output's cotangent
    (value, tangent), x_bar = tg.vjp(tg.jvp(sine))(x, 1.0, (0.5, 2.0))
    np.testing.assert_allclose(x_bar, 0.5 * np.cos(x) - 2.0 * np.sin(x))


def test_grad_of_hvp_and_hvp_of_grad():
    def third(x):
        return power_hvp(x, 1.0)

    assert np.isclose(tg.hvp(power5)(1.3, 1.0), 20 * 1.3 ** 3)
    assert np.isclose(tg.grad(power_hvp)(1.3, 1.0), 60 * 1.3 ** 2)
    assert np.isclose(tg.grad(tg.grad(power_hvp))(1.3, 1.0), 120 * 1.3)


def test_tuple_valued_functions():
    def polar(x, y):
        return np.sqrt(x * x + y * y), np.arctan2(y, x)

    value, tangent = tg.jvp(polar)(3.0, 4.0, 1.0)
    assert np.allclose(value, (5.0, np.arctan2(4.0, 3.0)))
    assert isinstance(tangent, tuple) and np.allclose(tangent, (0.6, -4.0 / 25.0))
    value, (x_bar, y_bar) = tg.vjp(polar, wrt=(0, 1))(3.0, 4.0, (1.0, 2.0))
    assert np.allclose((x_bar, y_bar), (0.6 - 8.0 / 25.0, 0.8 + 6.0 / 25.0))
    with pytest.raises(tg.TangentishError, match="cotangent has shape"):
        tg.vjp(polar)(3.0, 4.0, 1.0)


# -- the API around nesting ------------------------------------------------------------

def test_source_shows_each_level_with_readable_names():
    # each level differentiates the one below with its code inlined, and
    # shows that level after itself
    text = tg.source(tg.grad(sine), mode="forward")
    for name in ("def grad_sine_jvp(x, x_dot):", "def sine_vjp(x, out_bar):", "# grad of line"):
        assert name in text, text
    assert "_dot_dot" not in text and "_bar_dot_bar" not in text
    deeper = tg.source(tg.grad(tg.grad(sine)))
    for name in ("def grad_grad_sine_vjp(", "def grad_sine_vjp(", "def sine_vjp("):
        assert name in deeper, deeper
    assert "_bar_bar_bar" not in deeper and "sine_vjp_vjp" not in deeper


def test_differentiable_methods():
    f = tg.differentiate(rosenbrock)
    x = RNG.uniform(-1, 1, 4)
    H = f.hessian(x)
    np.testing.assert_allclose(f.hvp(x, np.ones(4)), H @ np.ones(4), rtol=1e-10)
    np.testing.assert_allclose(f.jacobian(x, mode="forward"), tg.grad(rosenbrock)(x))
    np.testing.assert_allclose(tg.jacobian(tg.grad(f))(x), H, rtol=1e-10)


def test_dense_results_are_not_differentiable_again():
    with pytest.raises(tg.TangentishError, match="hvp"):
        tg.grad(tg.hessian(power5))


def test_nested_derivatives_follow_rule_changes():
    from tangentish.rules import RULES
    saved = RULES.snapshot()

    def uses_cube(x):
        return cube_like(x) * 2.0

    try:
        @tg.register_adjoint(cube_like)
        def cube_adjoint(g, ans, x):
            return g * 3.0 * x * x

        @tg.register_tangent(cube_like)
        def cube_tangent(g, ans, x):
            return g * 3.0 * x * x

        second = tg.grad(tg.grad(uses_cube))
        assert np.isclose(second(1.5), 2.0 * 6.0 * 1.5)

        @tg.register_adjoint(cube_like, replace=True)
        def wrong_adjoint(g, ans, x):
            return g * 2.0 * x  # the derivative of x**2, on purpose

        assert np.isclose(second(1.5), 2.0 * 2.0)
    finally:
        RULES.restore(saved)


def cube_like(x):
    return x ** 3
