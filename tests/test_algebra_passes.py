"""The optimizer's algebra (tangentish/optimize/algebra.py) and the scalar
cotangent of full reductions (optimize/scalar_cotangents.py): each rewrite
fires where it should, not where it would change a value, and the code it
leaves computes what the code it was given computes."""
from __future__ import annotations

import textwrap
import types

import numpy as np
import pytest

import tangentish as tg
from tangentish import runtime as _rt
from tangentish.codegen import to_source
from tangentish.ir import nodes as N
from tangentish.optimize import Env, optimize
from tangentish.optimize.algebra import (fold_constant_factors, fold_constants, inner_product_adjoints,
                                         merge_scatters, share_repeated_arithmetic)
from tangentish.optimize.scalar_cotangents import keep_reductions_scalar


def _pure(call) -> bool:
    return not (isinstance(call.func, N.Attribute) and call.func.attr in ("pop", "append", "add_at"))


def _rewrite(pass_, src: str, shapes: dict | None = None):
    """(changed, text, env, the function before, the function after)."""
    src = textwrap.dedent(src)
    fn = N.parse(src).body[0]
    env = Env(_pure, shapes=dict(shapes or {}))
    changed = pass_(fn, env)
    return changed, to_source(fn), env, _compile(src), _compile(to_source(fn))


def _compile(text: str):
    scope = {"np": np, "_rt": _rt}
    exec(compile(text, "<generated>", "exec"), scope)
    return next(v for k, v in scope.items() if k.startswith("f"))


def _same(before, after, *args):
    for got, want in zip(after(*args), before(*args)):
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=0)
        assert np.shape(got) == np.shape(want)


# ---------------------------------------------------------------- scalar cotangents

REDUCED = """\
    def f(y, b, g):
        y_bar = _rt.unreduce(g, y, None, False)
        a_bar = y_bar * b
        c_bar = y_bar * 3.0
        d_bar = c_bar * b + a_bar
        return d_bar
    """


@pytest.mark.parametrize("g", [1.0, np.float64(-2.5), np.array(0.75)])
def test_a_full_reductions_cotangent_stays_a_number_through_arithmetic(g):
    changed, text, env, before, after = _rewrite(keep_reductions_scalar, REDUCED, {"y": (3, 4), "b": (3, 4)})
    assert changed and env.shapes_used
    assert "y_bar = g\n" in text and "unreduce" not in text
    rng = np.random.default_rng(0)
    _same(before, after, rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), g)


def test_a_means_cotangent_stays_a_number_inside_its_division():
    changed, text, _, before, after = _rewrite(keep_reductions_scalar, """\
        def f(y, b, g):
            s = np.mean(y)
            y_bar = _rt.unreduce(g, y, None, False) / _rt.mean_count(y, s)
            a_bar = y_bar * b
            return a_bar
        """, {"y": (3, 4), "b": (3, 4), "s": ()})
    assert changed and "y_bar = g / _rt.mean_count(y, s)" in text
    rng = np.random.default_rng(3)
    _same(lambda *a: (before(*a),), lambda *a: (after(*a),), rng.standard_normal((3, 4)),
          rng.standard_normal((3, 4)), 2.0)


@pytest.mark.parametrize("src", [
    # a call reads it
    """\
    def f(y, b, g):
        y_bar = _rt.unreduce(g, y, None, False)
        return np.cos(y_bar * 2.0) * b
    """,
    # a smaller operand leaves it short of its shape, then it is returned
    """\
    def f(y, b, g):
        y_bar = _rt.unreduce(g, y, None, False)
        a_bar = y_bar * b[0]
        return a_bar
    """,
    # indexed
    """\
    def f(y, b, g):
        y_bar = _rt.unreduce(g, y, None, False)
        a_bar = y_bar * 2.0
        return a_bar[0] * b
    """,
    # read inside a loop
    """\
    def f(y, b, g):
        y_bar = _rt.unreduce(g, y, None, False)
        s = b
        for i in range(2):
            s = s + y_bar
        return s
    """,
    # a reduction over one axis: its cotangent is not a number
    """\
    def f(y, b, g):
        y_bar = _rt.unreduce(g, y, 0, False)
        return y_bar * b
    """,
])
def test_a_reductions_cotangent_is_spread_where_anything_but_arithmetic_reads_it(src):
    changed, text, env, before, after = _rewrite(keep_reductions_scalar, src, {"y": (3, 4), "b": (3, 4)})
    assert not changed and "unreduce" in text and not env.shapes_used


def test_without_shapes_the_cotangent_is_spread():
    changed, text, _, _, _ = _rewrite(keep_reductions_scalar, REDUCED)
    assert not changed and "unreduce" in text


# ---------------------------------------------------------------- algebra

def test_numbers_fold_and_replace_the_names_holding_them():
    changed, text, _, before, after = _rewrite(fold_constants, """\
        def f(x):
            _t4_bar = 1.0 * 100.0
            _t3_bar = _t4_bar * x
            return _t3_bar + _t4_bar
        """)
    assert changed
    assert "_t3_bar = 100.0 * x" in text and "return _t3_bar + 100.0" in text
    _same(before, after, np.arange(3.0))


def test_repeated_arithmetic_is_computed_once():
    changed, text, _, before, after = _rewrite(share_repeated_arithmetic, """\
        def f(x, y):
            _t4 = 2 * x
            _t5 = _t4 * y
            _t12 = 2 * x
            x = x + 1.0
            _t13 = 2 * x
            return _t5 + _t12 + _t13
        """)
    assert changed
    assert "_t12 = _t4" in text and "_t13 = 2 * x" in text
    _same(before, after, np.arange(3.0), np.ones(3))


def test_arithmetic_of_a_name_assigned_after_it_is_not_shared():
    # in a loop body, `2 * a` before `a = ...` reads the previous iteration's a
    changed, _, _, _, _ = _rewrite(share_repeated_arithmetic, """\
        def f(x, n):
            for i in range(n):
                _t4 = 2 * _a
                _a = x + i
                _t5 = 2 * _a
            return _t4 + _t5
        """)
    assert not changed
    changed, text, _, _, _ = _rewrite(share_repeated_arithmetic, """\
        def f(x, n):
            _a = 1.0
            for i in range(n):
                _t4 = 2 * _b if i else x
                _b = x + i
                _t5 = 2 * _b
                _t6 = 2 * _b
            return _t4 + _t5 + _t6
        """)
    assert changed and "_t6 = _t5" in text


def test_arithmetic_updated_in_place_is_not_shared():
    changed, _, _, _, _ = _rewrite(share_repeated_arithmetic, """\
        def f(x):
            _t4 = 2 * x
            _t12 = 2 * x
            _t12[0] = 5.0
            return _t4 + _t12
        """)
    assert not changed


def test_constant_factors_multiply_out_through_names_read_once():
    changed, text, _, before, after = _rewrite(fold_constant_factors, """\
        def f(t, u):
            _t11 = 2 * t
            _t3_bar = 100.0 * _t11
            _t6 = -u
            _t7 = _t6 * 2
            _t8 = -_t7
            _t9 = 3.0 * u
            _t10 = _t9 * 2.0 + _t9
            return _t3_bar, _t8, _t10
        """)
    assert changed
    assert "_t3_bar = 200.0 * t" in text and "_t7 = -2 * u" in text and "_t9 = 3.0 * u" in text
    _same(before, after, np.arange(3.0), np.linspace(-1, 1, 3))


def test_a_factor_is_not_carried_past_a_rebinding_of_its_operand():
    changed, _, _, _, _ = _rewrite(fold_constant_factors, """\
        def f(t):
            _t11 = 2 * t
            t = t + 1.0
            _t3 = 100.0 * _t11
            return _t3
        """)
    assert not changed


def test_two_scatters_of_one_array_add_into_the_first():
    changed, text, _, before, after = _rewrite(merge_scatters, """\
        def f(x, g1, g2):
            _t15 = slice(None, -1, None)
            x_bar_dot = _rt.unindex(g1, x, _t15)
            _t16 = slice(1, None, None)
            _t17_dot = _rt.unindex(g2, x, _t16)
            _t18_dot = x_bar_dot + _t17_dot
            return _t18_dot
        """)
    assert changed
    assert "_rt.add_at(x_bar_dot, _t16, g2)" in text and "_t17_dot" not in text
    rng = np.random.default_rng(2)
    _same(lambda *a: (before(*a),), lambda *a: (after(*a),), rng.standard_normal(6),
          rng.standard_normal(5), rng.standard_normal(5))


def test_a_scatter_read_twice_or_a_gradients_own_accumulation_stays():
    for src in ["""\
        def f(x, g1, g2):
            a_dot = _rt.unindex(g1, x, 0)
            c_dot = _rt.unindex(g2, x, 1)
            b_dot = a_dot + c_dot
            return b_dot, a_dot
        """, """\
        def f(x, g1, g2):
            x_bar = _rt.unindex(g1, x, 0)
            x_bar = x_bar + _rt.unindex(g2, x, 1)
            return x_bar
        """]:
        assert not _rewrite(merge_scatters, src)[0]


def test_an_inner_products_two_adjoints_are_one_product_for_vectors_only():
    src = """\
        def f(x, g):
            x_bar = _rt.dot_vjp_a(g, x, x) + _rt.dot_vjp_b(g, x, x)
            return x_bar
        """
    changed, text, env, before, after = _rewrite(inner_product_adjoints, src, {"x": (4,)})
    assert changed and env.shapes_used and "x_bar = 2 * g * x" in text
    _same(lambda *a: (before(*a),), lambda *a: (after(*a),), np.arange(4.0), 0.5)
    assert not _rewrite(inner_product_adjoints, src, {"x": (4, 4)})[0]
    assert not _rewrite(inner_product_adjoints, src)[0]


# ---------------------------------------------------------------- end to end

def _rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def _dense_hessian(x):
    n = x.size
    h = np.zeros((n, n))
    for i in range(n - 1):
        h[i, i] += 1200.0 * x[i] ** 2 - 400.0 * x[i + 1] + 2.0
        h[i, i + 1] -= 400.0 * x[i]
        h[i + 1, i] -= 400.0 * x[i]
        h[i + 1, i + 1] += 200.0
    return h


@pytest.mark.parametrize("n", [2, 3, 17])
def test_hvp_of_a_sum_of_squares_is_exact_and_keeps_no_spread_cotangent(n):
    rng = np.random.default_rng(n)
    x, v = 1.0 + 0.1 * rng.standard_normal(n), rng.standard_normal(n)
    # a function of its own: the first shapes it meets are the ones specialised on
    hvp = tg.hvp(types.FunctionType(_rosenbrock.__code__, globals(), "_rosenbrock"))
    np.testing.assert_allclose(hvp(x, v), _dense_hessian(x) @ v, rtol=1e-10, atol=1e-10)
    text = tg.source(hvp, args=(x, v))
    jvp = text[text.index("def grad__rosenbrock_jvp"):text.index("def _rosenbrock_vjp")]
    assert "unreduce" not in jvp and jvp.count("unindex") == 1


def _central_differences(f, x, h=1e-6):
    out = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[k] = h
        out[k] = (f(x + e) - f(x - e)) / (2 * h)
    return out


def test_code_specialised_by_these_rewrites_is_not_reused_for_other_shapes():
    def f(x):
        return np.sum(np.dot(x, x)) + np.sum(np.sin(x) * x)

    grad = tg.grad(f)
    for shape in [(4,), (4,), (3, 3), (5,), (3, 3), (4,), (2, 2)]:
        x = np.random.default_rng(len(shape)).standard_normal(shape)
        np.testing.assert_allclose(grad(x), _central_differences(f, x), rtol=1e-6, atol=1e-8)


def test_the_optimizer_reaches_a_fixed_point_with_every_pass():
    fn = N.parse(textwrap.dedent(REDUCED)).body[0]
    optimize(fn, Env(_pure, shapes={"y": (3, 4), "b": (3, 4)}))
    assert "unreduce" not in to_source(fn)
