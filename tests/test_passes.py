"""Normalization and optimization passes, before -> after.

Normalization must not change what a function computes: every corpus
function, compiled from its normal form, returns what the original
returns. Each optimizer pass is checked on a small hand-written input
against the text it must produce, and the result is executed too.
"""
import copy
import textwrap

import numpy as np
import pytest

from tangentish.codegen import compile_function, to_source
from tangentish.frontend import parse_function
from tangentish.ir import grammar, nodes as N
from tangentish.ir.naming import Namer
from tangentish.ir.normalize import normalize
from tangentish.optimize import (Env, drop_empty_control, eliminate_dead_code,
                                 fold_first_accumulation, inline_branch_tests, propagate_copies,
                                 prune_saves, save_shapes_only)
from tests import smoke_funcs
from tests.corpus import CORPUS
from tests.corpus_support import assert_tree_close, random_args


def normal_form(f):
    ir = parse_function(f)
    normalize(ir, Namer(N.all_names(ir.fn)))
    grammar.verify(ir.fn)
    return ir


SMOKE = [smoke_funcs.f_while, smoke_funcs.f_early, smoke_funcs.f_helper]


@pytest.mark.parametrize("f", CORPUS + SMOKE, ids=lambda f: f"{f.__module__.split('.')[-1]}.{f.__name__}")
def test_normal_form_computes_the_same(f):
    ir = normal_form(f)
    g, _ = compile_function(ir.fn, dict(ir.namespace.closure), ir.namespace.globals)
    rng = np.random.default_rng(1)
    for _ in range(3):
        args = random_args(f, rng, {"m": 3, "p": 2, "q": 4})
        expected = f(*copy.deepcopy(args))  # some update their arguments
        assert_tree_close(g(*args), expected, rtol=1e-12, atol=0)


def _jumps(x, n):
    s = 0.0
    for i in range(n):
        if i == 2:
            continue
        s = s + x
        if s > 3.0:
            return s
    return -s


def test_jumps_become_flags():
    text = to_source(normal_form(_jumps).fn)
    assert text == textwrap.dedent("""\
        def _jumps(x, n):
            _done = False
            _ret = None
            s = 0.0
            _brk0 = False
            for i in range(n):
                _skip0 = False
                _c0 = i == 2
                if _c0:
                    _skip0 = True
                _c2 = not _skip0
                if _c2:
                    _t0 = s + x
                    s = _t0
                    _c1 = s > 3.0
                    if _c1:
                        _ret = s
                        _done = True
                        _brk0 = True
                        _skip0 = True
                if _brk0:
                    break
            _c3 = not _done
            if _c3:
                _t1 = -s
                _ret = _t1
                _done = True
            return _ret
        """)


def _lazy(x, y):
    return (x if x > y else y) if 0.0 < x < 2.0 and y > 0 else -x


def test_short_circuits_stay_lazy():
    text = to_source(normal_form(_lazy).fn)
    # `0.0 < x < 2.0 and y > 0` evaluates its second test only when needed
    assert text.count("if ") == 4
    g, _ = compile_function(normal_form(_lazy).fn, {}, globals())
    for x, y in [(1.0, 0.5), (1.0, 3.0), (3.0, 1.0), (1.0, -1.0)]:
        assert g(x, y) == _lazy(x, y)


# ---------------------------------------------------------------- optimizer

def _fn(src: str) -> N.FunctionDef:
    return N.parse(textwrap.dedent(src)).body[0]


def _pure(call) -> bool:
    return not (isinstance(call.func, N.Attribute) and call.func.attr in ("pop", "append"))


ENV = Env(_pure, stack="_stack", marker="reverse sweep")


def _run(pass_, src):
    fn = _fn(src)
    for k, s in enumerate(fn.body):  # the parser drops comments: mark the sweep
        if isinstance(s, N.Expr) and N.is_const(s.value, "REVERSE"):
            fn.body[k] = N.comment("reverse sweep")
    changed = pass_(fn, ENV)
    return changed, to_source(fn)


def test_first_accumulation_becomes_assignment():
    changed, text = _run(fold_first_accumulation, """\
        def f(x, g):
            x_bar = _rt.zeros_like(x)
            x_bar = x_bar + g * 2.0
            y_bar = _rt.zeros_like(x)
            y_bar = y_bar - g
            return x_bar, y_bar
        """)
    assert changed
    assert text == "def f(x, g):\n    x_bar = g * 2.0\n    y_bar = -g\n    return x_bar, y_bar\n"


def test_accumulation_in_a_loop_keeps_its_zero():
    src = """\
        def f(x, g, n):
            x_bar = _rt.zeros_like(x)
            for i in range(n):
                x_bar = x_bar + g
            return x_bar
        """
    changed, text = _run(fold_first_accumulation, src)
    assert not changed and "zeros_like" in text


def test_copies_propagate_until_either_side_changes():
    changed, text = _run(propagate_copies, """\
        def f(a, b):
            _t0_bar = a
            c = _t0_bar * 2.0
            a = b
            d = _t0_bar * 3.0
            return c, d
        """)
    assert changed
    assert "c = a * 2.0" in text and "d = _t0_bar * 3.0" in text


def test_dead_code_goes_but_effects_stay():
    changed, text = _run(eliminate_dead_code, """\
        def f(x):
            _stack = []
            _t0 = x * 2.0
            _t1 = np.sin(x)
            y = _stack.pop()
            print(x)
            return _t0
        """)
    assert changed
    assert "_t1" not in text and "_stack.pop()" in text and "print(x)" in text


def test_saves_nobody_reads_are_dropped_in_pairs():
    changed, text = _run(prune_saves, """\
        def f(x, n, out_bar):
            _stack = []
            for i in range(n):
                _stack.append(x)
                x = x * 2.0
                _stack.append(i)
            "REVERSE"
            for _ in range(n):
                i = _stack.pop()
                out_bar = out_bar * 2.0
                x = _stack.pop()
            return out_bar
        """)
    assert changed
    assert "append(x)" not in text and "x = _stack.pop()" not in text
    assert "append(i)" not in text  # `i` is not read either


_SHAPE_ONLY = """\
    def f(x, w, n, out_bar):
        _stack = []
        acc = x
        for i in range(n):
            _t0 = x * w
            _stack.append(acc)
            acc = acc + _t0
            _stack.append(_t0)
            _stack.append(x)
            x = x * 0.5
        "REVERSE"
        acc_bar = _rt.unbroadcast(out_bar, acc)
        w_bar = 0.0
        for _ in range(n):
            x = _stack.pop()
            _t0 = _stack.pop()
            _t0_bar = _rt.unbroadcast(acc_bar, _t0)
            acc = _stack.pop()
            acc_bar = _rt.unbroadcast(acc_bar, acc)
            w_bar = w_bar + _rt.unbroadcast(_t0_bar * x, w)
        return w_bar
    """


def test_values_read_only_for_their_shape_are_saved_as_shapes():
    changed, text = _run(save_shapes_only, _SHAPE_ONLY)
    assert changed
    assert "_stack.append(_rt.shape_of(_t0))" in text and "_stack.append(_rt.shape_of(acc))" in text
    assert "_t0_bar = _rt.unbroadcast_to(acc_bar, _t0_shape)" in text
    assert "acc_bar = _rt.unbroadcast_to(acc_bar, acc_shape)" in text
    # the final value of acc is read before any restore: it stays as it is
    assert "acc_bar = _rt.unbroadcast(out_bar, acc)" in text
    # x is read for its value, so its saves stay
    assert "_stack.append(x)" in text and "x = _stack.pop()" in text
    from tangentish import runtime
    before, after = {}, {}
    exec(textwrap.dedent(_SHAPE_ONLY), {"_rt": runtime}, before)
    exec(text, {"_rt": runtime}, after)
    for x, w in [(1.5, 0.25), (np.arange(3.0), np.ones((2, 1)))]:
        want, got = before["f"](x, w, 3, np.ones(np.shape(x * w))), after["f"](x, w, 3, np.ones(np.shape(x * w)))
        np.testing.assert_array_equal(want, got)
        assert type(want) is type(got)


def test_a_shape_read_after_restores_of_two_kinds_keeps_its_saves():
    src = """\
        def f(x, c, out_bar):
            _stack = []
            _t0 = x * 2.0
            if c:
                _stack.append(_t0)
                _t0 = x * 3.0
            "REVERSE"
            if c:
                _t0 = _stack.pop()
            x_bar = _rt.unbroadcast(out_bar, _t0)
            return x_bar
        """
    changed, text = _run(save_shapes_only, src)
    assert not changed and "unbroadcast_to" not in text


@pytest.mark.parametrize("x", [2.0, np.float64(2.0), np.array(2.0), np.ones(3), np.ones((2, 1)),
                               [1.0, 2.0], (1.0, np.ones(2))])
@pytest.mark.parametrize("g", [0.5, np.float64(0.5), np.array(0.5), np.ones(3), np.ones((4, 2, 3))])
def test_unbroadcast_to_a_saved_shape_is_unbroadcast(x, g):
    try:
        want = _rt.unbroadcast(g, x)
    except Exception as exc:
        with pytest.raises(type(exc)):
            _rt.unbroadcast_to(g, _rt.shape_of(x))
        return
    got = _rt.unbroadcast_to(g, _rt.shape_of(x))
    assert type(got) is type(want) and np.shape(got) == np.shape(want)
    np.testing.assert_array_equal(got, want)


def test_empty_branches_and_loops_are_dropped():
    changed, text = _run(drop_empty_control, """\
        def f(c, n):
            if c:
                pass
            for _ in range(n):
                pass
            return c
        """)
    assert changed and text == "def f(c, n):\n    return c\n"


def test_a_flag_only_its_if_reads_becomes_the_test():
    changed, text = _run(inline_branch_tests, """\
        def f(x, _stack):
            _c0 = x > 0.5
            if _c0:
                x = x * 2.0
            _c1 = not check(x)
            if _c1:
                x = x + 1.0
            _c2 = x > 3.0
            _stack.append(_c2)
            if _c2:
                x = x - 1.0
            _c3 = x < 0.0
            x = x * 3.0
            if _c3:
                x = -x
            return x
        """)
    assert changed
    assert "    if x > 0.5:\n" in text and "    if not check(x):\n" in text
    assert "_c0" not in text and "_c1" not in text
    # saved for a reverse sweep, or tested after its operands changed: kept
    assert "_c2 = x > 3.0" in text and "    if _c2:\n" in text
    assert "_c3 = x < 0.0" in text and "    if _c3:\n" in text


@pytest.mark.parametrize("use_astor", [True, False])
def test_negative_constant_base_of_power_prints_with_parentheses(use_astor):
    """Folding makes `Constant(-1.5)`; printed bare it would read -(1.5 ** 2)."""
    fn = _fn("def f(x):\n    return x\n")
    fn.body[0].value = N.binop(N.const(-1.5), N.Pow(), N.const(2))
    text = to_source(fn, use_astor=use_astor)
    namespace = {}
    exec(text, namespace)
    assert namespace["f"](0.0) == 2.25


# ------------------------------------------------------------ runtime fast paths
# The runtime's shortcuts for common shapes and types must agree with the
# general formulas they skip, including the types they return.

from tangentish import runtime as _rt  # noqa: E402


def _dense_vjp(g, a, b, side):
    """d<g, a @ b>/d(a or b), one basis vector at a time."""
    x = a if side == 0 else b
    out = np.zeros(np.shape(x))
    for k in range(np.size(x)):
        e = np.zeros(np.size(x))
        e[k] = 1.0
        e = e.reshape(np.shape(x))
        out.flat[k] = np.sum(g * ((e @ b) if side == 0 else (a @ e)))
    return out


@pytest.mark.parametrize("na,nb", [(1, 1), (1, 2), (2, 1), (2, 2), (3, 2), (2, 3)])
def test_matmul_and_dot_vjps_agree_with_the_definition(na, nb):
    rng = np.random.default_rng(na * 10 + nb)
    a = rng.standard_normal({1: (4,), 2: (3, 4), 3: (2, 3, 4)}[na])
    b = rng.standard_normal({1: (4,), 2: (4, 5), 3: (2, 4, 5)}[nb])
    out = a @ b
    for g in ([rng.standard_normal(out.shape)] if np.ndim(out) else [0.7, np.float64(0.7)]):
        for side, vjp in ((0, _rt.matmul_vjp_a), (1, _rt.matmul_vjp_b)):
            got = vjp(g, a, b)
            assert got.shape == (a if side == 0 else b).shape
            np.testing.assert_allclose(got, _dense_vjp(g, a, b, side), rtol=1e-12, atol=1e-12)
        if na <= 2 and nb <= 2:
            for side, vjp in ((0, _rt.dot_vjp_a), (1, _rt.dot_vjp_b)):
                np.testing.assert_allclose(vjp(g, a, b), _dense_vjp(g, a, b, side), rtol=1e-12, atol=1e-12)


def test_unbroadcast_of_scalars_returns_the_cotangent_itself():
    g = 0.25
    assert _rt.unbroadcast(g, 3.0) is g
    assert _rt.unbroadcast(np.float64(0.25), 3.0) == 0.25
    assert _rt.unbroadcast(g, np.float64(3.0)) is g
    summed = _rt.unbroadcast(np.ones((2, 3)), 3.0)
    assert summed == 6.0 and not isinstance(summed, np.ndarray)
    np.testing.assert_array_equal(_rt.unbroadcast(np.ones((2, 3)), np.ones(3)), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(_rt.unbroadcast(np.ones((2, 3)), np.ones((2, 1))), [[3.0], [3.0]])


@pytest.mark.parametrize("g", [0.5, np.float64(0.5), np.array(0.5)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_unreduce_of_a_full_reduction_is_a_fresh_filled_array(g, dtype):
    x = np.arange(6.0, dtype=dtype).reshape(2, 3)
    out = _rt.unreduce(g, x)
    assert out.shape == x.shape and out.dtype == np.result_type(g, x) and out.flags.writeable
    np.testing.assert_array_equal(out, np.full(x.shape, 0.5))
    out[0, 0] = 7.0
    assert _rt.unreduce(g, x)[0, 0] == 0.5


def test_scalar_fast_paths_never_ask_numpy_for_a_shape(monkeypatch):
    # np.shape of a Python float builds an array (~1 µs): a scalar loop
    # calls these once per operation, so they must not reach it
    def no_shape(x):
        raise AssertionError("np.shape called on a scalar path")
    monkeypatch.setattr(_rt, "_shape", no_shape)
    assert _rt.unbroadcast(0.5, 3.0) == 0.5
    assert _rt.shape_of(3.0) is None
    assert _rt.unbroadcast_to(0.5, _rt.shape_of(3.0)) == 0.5
    assert _rt.unreduce(0.5, np.ones(3)).tolist() == [0.5, 0.5, 0.5]
