"""The public API's behaviour beyond single derivatives: the
`@tg.differentiate` object, `wrt` forms, dtypes and 0-d arrays, caching,
the command line, and generated code showing up in tracebacks."""
from __future__ import annotations

import linecache
import math
import re
import subprocess
import sys
import traceback
from pathlib import Path

import numpy as np
import pytest

import tangentish as tg
from tangentish.rules import RULES

ROOT = Path(__file__).resolve().parents[1]


def loss(w, b, v, t):
    z = np.dot(w, v) + b
    return 0.5 * (np.tanh(z) - t) ** 2


@tg.differentiate
def decorated(x, y):
    return x * x * y + np.sin(y)


@tg.differentiate(wrt=("w", "b"))
def decorated_loss(w, b, v, t):
    return loss(w, b, v, t)


def poly(x, y, z):
    return x * y * y + z ** 3 - x * z


def matvec_sum(M, v):
    return np.sum(np.tanh(M @ v))


def _central(f, args, i, eps=1e-6):
    a = np.asarray(args[i], dtype=float)
    out = np.zeros_like(a)
    for k in np.ndindex(a.shape):
        step = np.zeros_like(a)
        step[k] = eps
        hi, lo = list(args), list(args)
        hi[i], lo[i] = a + step, a - step
        if a.ndim == 0 and not isinstance(args[i], np.ndarray):
            hi[i], lo[i] = float(hi[i]), float(lo[i])
        out[k] = (f(*hi) - f(*lo)) / (2 * eps)
    return out


W = np.array([0.3, -0.2, 0.5])
V = np.array([1.0, 2.0, -1.0])


# -- @tg.differentiate ---------------------------------------------------------------

def test_differentiable_is_called_like_f():
    assert decorated(2.0, 3.0) == 2.0 * 2.0 * 3.0 + np.sin(3.0)
    assert decorated(x=2.0, y=3.0) == decorated(2.0, 3.0)
    assert isinstance(decorated, tg.Differentiable)
    assert decorated.__name__ == "decorated"
    assert "decorated" in repr(decorated)


def test_differentiable_methods():
    x, y = 2.0, 3.0
    assert np.isclose(decorated.grad(x, y), 2 * x * y)
    value, g = decorated.value_and_grad(x, y)
    assert value == decorated(x, y) and np.isclose(g, 2 * x * y)
    value, g = decorated.vjp(x, y, 2.0)
    assert value == decorated(x, y) and np.isclose(g, 4 * x * y)
    value, t = decorated.jvp(x, y, 0.5)
    assert value == decorated(x, y) and np.isclose(t, x * y)
    assert "def decorated_vjp(" in decorated.source()
    assert "def decorated_jvp(" in decorated.source(mode="forward")
    assert decorated.grad(y=y, x=x) == decorated.grad(x, y)


def test_differentiable_with_wrt():
    args = (W, 0.1, V, 1.0)
    gw, gb = decorated_loss.grad(*args)
    np.testing.assert_allclose(gw, _central(loss, args, 0), rtol=1e-7)
    np.testing.assert_allclose(gb, _central(loss, args, 1), rtol=1e-7)
    value, (gw2, gb2) = decorated_loss.value_and_grad(*args)
    assert value == loss(*args)
    np.testing.assert_array_equal(gw2, gw)
    _, tangent = decorated_loss.jvp(*args, np.ones(3), 1.0)
    assert np.isclose(tangent, np.sum(gw) + gb)
    src = decorated_loss.source()
    assert "w_bar" in src and "b_bar" in src and "v_bar" not in src


def test_differentiable_of_differentiable_and_as_helper():
    again = tg.differentiate(decorated)
    assert again.grad(2.0, 3.0) == decorated.grad(2.0, 3.0)
    assert tg.grad(decorated)(2.0, 3.0) == decorated.grad(2.0, 3.0)

    def caller(x):
        return decorated(x, 2.0) * x
    expected = _central(caller, [1.5], 0)
    assert np.isclose(tg.grad(caller)(1.5), expected, rtol=1e-7)


# -- wrt forms --------------------------------------------------------------------------

@pytest.mark.parametrize("wrt,expected", [
    (0, "x"), (1, "y"), (2, "z"), (-1, "z"), (-3, "x"), ("y", "y"),
    ((0,), ("x",)), (("z", 0), ("z", "x")), ((-2, "z", "x"), ("y", "z", "x")),
    (["x", "y"], ("x", "y")),
])
def test_wrt_forms(wrt, expected):
    args = (1.5, -0.5, 2.0)
    exact = {"x": args[1] ** 2 - args[2], "y": 2 * args[0] * args[1],
             "z": 3 * args[2] ** 2 - args[0]}
    g = tg.grad(poly, wrt=wrt)(*args)
    if isinstance(expected, str):
        assert not isinstance(g, tuple)
        assert np.isclose(g, exact[expected])
    else:
        assert isinstance(g, tuple) and len(g) == len(expected)
        assert np.allclose(g, [exact[n] for n in expected])
    # the same wrt in forward mode: one tangent per entry, summed
    names = (expected,) if isinstance(expected, str) else expected
    tangents = [float(k + 1) for k in range(len(names))]
    _, t = tg.jvp(poly, wrt=wrt)(*args, *tangents)
    assert np.isclose(t, sum(c * exact[n] for c, n in zip(tangents, names)))


def test_default_wrt_is_first_parameter():
    assert tg.grad(poly)(1.5, -0.5, 2.0) == tg.grad(poly, wrt="x")(1.5, -0.5, 2.0)


def test_keyword_arguments_to_derivatives():
    g = tg.grad(poly, wrt=("x", "z"))
    assert g(1.5, z=2.0, y=-0.5) == g(1.5, -0.5, 2.0)
    value, _ = tg.value_and_grad(poly)(x=1.5, y=-0.5, z=2.0)
    assert value == poly(1.5, -0.5, 2.0)


# -- dtypes and shapes -------------------------------------------------------------------

def test_float32_inputs_keep_float32_gradients():
    M = np.arange(6, dtype=np.float32).reshape(2, 3) / 10
    v = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    gM, gv = tg.grad(matvec_sum, wrt=(0, 1))(M, v)
    assert gM.dtype == np.float32 and gv.dtype == np.float32
    assert gM.shape == M.shape and gv.shape == v.shape
    _, t = tg.jvp(matvec_sum, wrt=(0, 1))(M, v, np.ones_like(M), np.ones_like(v))
    assert np.asarray(t).dtype == np.float32
    gx = tg.grad(poly)(np.float32(1.5), -0.5, 2.0)
    assert np.asarray(gx).dtype == np.float32
    g64 = tg.grad(matvec_sum, wrt=(0, 1))(M.astype(np.float64), v.astype(np.float64))
    np.testing.assert_allclose(gM, g64[0], rtol=1e-5)


def reduce_scalars(x, y):
    return np.sum(x) + np.mean(y) + np.square(x) + np.dot(x, y) + np.sum(x * y, axis=None)


def test_python_float_inputs_give_float64_derivatives():
    """A Python float seed or argument must never lower the precision."""
    for wrt in ("x", "y"):
        g = tg.grad(reduce_scalars, wrt=wrt)(0.7, 1.3)
        assert np.result_type(g) == np.float64, repr(g)
        _, t = tg.jvp(reduce_scalars, wrt=wrt)(0.7, 1.3, 1.0)
        assert np.result_type(t) == np.float64, repr(t)
    gx, gy = tg.grad(reduce_scalars, wrt=("x", "y"))(0.7, 1.3)
    assert np.isclose(gx, 1.0 + 2 * 0.7 + 1.3 + 1.3, rtol=1e-15)
    assert np.isclose(gy, 1.0 + 0.7 + 0.7, rtol=1e-15)
    g = tg.grad(matvec_sum, wrt=1)(np.ones((2, 3)), np.ones(3))
    assert g.dtype == np.float64


def test_zero_d_arrays():
    def f(v, x):
        return np.sum(v * v) * x + x * x

    v, x = np.array([1.0, 2.0]), np.array(0.5)
    gv, gx = tg.grad(f, wrt=(0, 1))(v, x)
    assert np.shape(gx) == () and np.isclose(gx, np.sum(v * v) + 2 * x)
    value, t = tg.jvp(f, wrt=1)(v, x, np.array(1.0))
    assert np.shape(t) == () and np.isclose(t, np.sum(v * v) + 2 * x)
    assert np.isclose(value, f(v, x))
    _, g = tg.vjp(f, wrt=0)(v, x, np.array(2.0))
    np.testing.assert_allclose(g, 2.0 * 2 * v * x)
    # a 0-d array argument and a 0-d output
    assert np.isclose(tg.grad(f, wrt=0)(np.array(3.0), 2.0), 12.0)


def test_gradient_shapes_follow_the_arguments():
    for shape in [(1,), (4,), (1, 1), (3, 1), (1, 3), (2, 3)]:
        M = np.linspace(-1, 1, int(np.prod(shape))).reshape(shape)
        g = tg.grad(lambda_free_sum, wrt=0)(M)
        assert g.shape == shape
        np.testing.assert_allclose(g, np.cos(M) * 2.0)


def lambda_free_sum(M):
    return np.sum(np.sin(M)) * 2.0


# -- determinism and caching -----------------------------------------------------------------

def test_repeated_and_interleaved_calls_are_identical():
    rng = np.random.default_rng(3)
    M, v = rng.normal(size=(3, 4)), rng.normal(size=4)
    gf = tg.grad(matvec_sum, wrt=(0, 1))
    first = gf(M, v)
    first_jvp = tg.jvp(matvec_sum, wrt=1)(M, v, v)
    first_poly = tg.grad(poly, wrt=(0, 1, 2))(1.0, 2.0, 3.0)
    for _ in range(3):
        again = tg.grad(matvec_sum, wrt=(0, 1))(M, v)
        poly_again = tg.grad(poly, wrt=(0, 1, 2))(1.0, 2.0, 3.0)
        jvp_again = tg.jvp(matvec_sum, wrt=1)(M, v, v)
        same_object = gf(M, v)
        for a, b, c in zip(first, again, same_object):
            np.testing.assert_array_equal(a, b)
            np.testing.assert_array_equal(a, c)
        assert poly_again == first_poly
        assert jvp_again == first_jvp
    assert tg.source(matvec_sum) == tg.source(matvec_sum)


def test_cache_reuses_the_generated_function():
    from tangentish.pipeline import transform
    a = transform(poly, "reverse", ("x",))
    b = transform(poly, "reverse", ("x",))
    assert a.function is b.function


def cached_opaque(x):
    return np.exp(x) * 0.0 + x  # the source says d/dx = 1


def uses_cached_opaque(x):
    return cached_opaque(x) * 3.0


def test_cache_is_invalidated_when_rules_change():
    g, j = tg.grad(uses_cached_opaque), tg.jvp(uses_cached_opaque)
    assert g(0.5) == 3.0 and j(0.5, 1.0)[1] == 3.0
    source_before = tg.source(uses_cached_opaque)
    version = RULES.version

    # a rule wins over the source; registering it must reach the cached g and j
    @tg.register_adjoint(cached_opaque)
    def _adjoint(g, ans, x):
        return g * 2.0

    @tg.register_tangent(cached_opaque)
    def _tangent(g, ans, x):
        return g * 2.0

    assert RULES.version > version
    assert g(0.5) == 6.0
    assert j(0.5, 1.0)[1] == 6.0
    assert tg.grad(uses_cached_opaque)(0.5) == 6.0
    assert tg.source(uses_cached_opaque) != source_before


def _square(x):
    return x * x


def _double(x):
    return 2.0 * x


rebindable = _square


def calls_rebindable(x):
    return rebindable(x) + x


def test_cache_follows_a_redefined_helper():
    """Rebinding a helper's global name must not leave a stale derivative:
    the primal calls the new helper, so the derivative must follow it."""
    global rebindable
    g = tg.grad(calls_rebindable)
    assert g(2.0) == 5.0
    try:
        rebindable = _double  # now calls_rebindable computes 2 x + x
        assert g(2.0) == 3.0
        assert tg.grad(calls_rebindable)(2.0) == 3.0
        assert tg.jvp(calls_rebindable)(2.0, 1.0) == (6.0, 3.0)
    finally:
        rebindable = _square
    assert g(2.0) == 5.0
    assert tg.jvp(calls_rebindable)(2.0, 1.0) == (6.0, 5.0)


# -- command line ----------------------------------------------------------------------------

def _cli(*args):
    return subprocess.run([sys.executable, "-m", "tangentish", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_cli_show_forward():
    r = _cli("show", "tests/golden/showcase.py:textbook", "--mode", "forward")
    assert r.returncode == 0, r.stderr
    assert re.search(r"^def textbook_jvp\(x1, x2, x1_dot\):", r.stdout, re.M), r.stdout


def test_cli_show_reverse_with_wrt():
    r = _cli("show", "tests/golden/showcase.py:textbook", "--wrt", "x1,x2")
    assert r.returncode == 0, r.stderr
    assert "def textbook_vjp(x1, x2, out_bar):" in r.stdout
    assert "x2_bar" in r.stdout


def test_cli_show_error():
    r = _cli("show", "tests/test_errors.py:tuple_arithmetic")
    assert r.returncode != 0
    assert "tuple" in r.stderr and "hint" in r.stderr and "^" in r.stderr
    r = _cli("show", "tests/golden/showcase.py:no_such_function")
    assert r.returncode != 0 and "no_such_function" in r.stderr


def test_cli_rules():
    r = _cli("rules")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    m = re.fullmatch(r"(\d+) functions: (\d+) differentiable in both modes, "
                     r"(\d+) non-differentiable", lines[-1])
    assert m, lines[-1]
    total, both, nondiff = map(int, m.groups())
    assert total == len(lines) - 1
    assert both + nondiff <= total
    assert any(line.startswith("numpy.sin ") for line in lines)


# -- generated code in tracebacks ------------------------------------------------------------

def math_root(x):
    return math.sqrt(x) * 2.0


def _traceback_text(call, exc_type) -> str:
    with pytest.raises(exc_type):
        try:
            call()
        except exc_type:
            text = traceback.format_exc()
            raise
    return text


def test_generated_code_is_in_linecache():
    """A derivative that fails where the function does not (math.sqrt's
    derivative at 0 divides by zero) shows the generated line that failed."""
    for call in (lambda: tg.grad(math_root)(0.0), lambda: tg.jvp(math_root)(0.0, 1.0)):
        text = _traceback_text(call, ZeroDivisionError)
        assert "<tangentish math_root_" in text, text
        assert "0.5 /" in text.split("<tangentish math_root_", 1)[1], text
    fn = tg.grad(matvec_sum)
    fn(np.ones((2, 3)), np.ones(3))
    files = [f for f in linecache.cache if f.startswith("<tangentish matvec_sum_vjp")]
    assert files and any("def matvec_sum_vjp" in "".join(linecache.getlines(f)) for f in files)


def test_a_function_failing_by_itself_shows_its_own_line():
    """M @ v fails in the function itself: the traceback ends on the user's
    line, not in generated code, and the error stays a ValueError."""
    M, v = np.ones((2, 3)), np.ones(4)
    for call in (lambda: tg.grad(matvec_sum)(M, v), lambda: tg.jvp(matvec_sum)(M, v, np.ones((2, 3)))):
        text = _traceback_text(call, ValueError)
        assert text.rstrip().splitlines()[0].startswith("Traceback"), text
        last_frame = text.split('File "')[-1]
        assert last_frame.startswith(__file__) and "M @ v" in last_frame, text


def _counter_model():
    scale = 2.0

    def model(x):
        return scale * x * x

    def rescale(value):
        nonlocal scale
        scale = value

    return model, rescale


def test_closure_rebinding_reaches_existing_derivatives():
    """A derivative made before `nonlocal` rebinds a captured value must not
    keep the old value: the primal would use the new one."""
    model, rescale = _counter_model()
    grad, jvp = tg.grad(model), tg.jvp(model)
    assert grad(1.5) == 2.0 * 2 * 1.5
    rescale(5.0)
    assert grad(1.5) == 5.0 * 2 * 1.5
    assert jvp(1.5, 1.0) == (model(1.5), 5.0 * 2 * 1.5)


def pick_in_order_of(a, b):
    """Linear in `a`; `b` only orders it (piecewise constant: no derivative)."""
    return a[np.argsort(b)]


def sorted_by_itself(x):
    return pick_in_order_of(x, x)


def test_a_linear_rule_swaps_only_its_first_operand():
    from tangentish.rules import linear
    linear(pick_in_order_of)
    x, dx = np.array([0.3, -1.2, 2.5, 0.7]), np.array([1.0, 2.0, 3.0, 4.0])
    _, tangent = tg.jvp(sorted_by_itself)(x, dx)
    np.testing.assert_array_equal(tangent, dx[np.argsort(x)])  # not dx[np.argsort(dx)]
