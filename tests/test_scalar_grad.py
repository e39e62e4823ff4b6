"""`grad` with respect to one number runs the forward derivative.

A gradient with respect to a single float is the forward derivative's
one tangent (seed 1.0), which needs none of the reverse sweep's stacks.
It is an internal choice (api._ScalarForward): these tests check the
numbers equal the reverse mode's (`tg.vjp`), that the forward path is the
one taken, and that reverse mode still runs wherever forward mode cannot.
"""
from __future__ import annotations

import copy
import math
import types

import numpy as np
import pytest

import tangentish as tg
from benchmarks.workloads import scalar_loop   # workload (a): a scalar loop with branches
from tangentish import api, pipeline
from tangentish.errors import DerivativeRaisedError, NonScalarOutputError
from tests import corpus_support as S
from tests.corpus import CORPUS


def _fresh(f):
    """A new function object with f's code: nothing cached for it."""
    return types.FunctionType(f.__code__, f.__globals__, f.__name__, f.__defaults__, f.__closure__)


class Asked(list):
    """The modes the API asked the pipeline for, in order; `made` the derivatives."""
    made: list


@pytest.fixture
def modes(monkeypatch):
    asked = Asked()
    asked.made = []
    real = api.transform

    def spy(func, mode, *rest, **options):
        asked.append(mode)
        asked.made.append(real(func, mode, *rest, **options))
        return asked.made[-1]

    monkeypatch.setattr(api, "transform", spy)
    return asked


def _scalar_output(f, args) -> bool:
    value = f(*copy.deepcopy(args))  # some corpus functions update their arguments
    return not S.is_container(value) and np.ndim(value) == 0


FLOAT_CASES = [pytest.param(f, p, id=f"{S.function_id(f)}-{p}")
               for f in CORPUS for p in S.differentiable_params(f) if S.kind(p) == S.FLOAT]


@pytest.mark.parametrize("f,param", FLOAT_CASES)
def test_corpus_gradients_equal_reverse_mode(f, param, modes):
    args = S.random_args(f, np.random.default_rng(7), {"m": 3, "p": 2, "q": 2})
    if not _scalar_output(f, args):
        pytest.skip("not a scalar function")
    saved = copy.deepcopy(args)
    value, g = tg.value_and_grad(f, wrt=param)(*args)
    took = list(modes)
    S.assert_tree_close(args, saved, rtol=0, atol=0)   # the caller's arguments are untouched
    expected_value, expected = tg.vjp(f, wrt=param)(*args, 1.0)
    assert value == pytest.approx(expected_value, rel=1e-12, abs=1e-12)
    assert g == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # a float like reverse mode's (Python's or NumPy's, which is one), or a 0-d array
    assert isinstance(g, np.ndarray) == isinstance(expected, np.ndarray)
    assert np.result_type(g) == np.result_type(expected)
    assert took == ["forward"]


def test_a_scalar_gradient_runs_the_forward_derivative(modes):
    f = _fresh(scalar_loop)
    value, g = tg.value_and_grad(f)(0.9, 50)
    assert modes == ["forward"]
    expected_value, expected = tg.vjp(f)(0.9, 50, 1.0)
    assert (value, g) == pytest.approx((expected_value, expected), rel=1e-12)
    # what the call ran is what tg.source shows for forward mode and these arguments
    source = tg.source(f, mode="forward", args=(0.9, 50))
    assert source.startswith(modes.made[0].source)
    assert "_stack" not in source and "def scalar_loop_jvp(x, n, x_dot):" in source


@pytest.mark.parametrize("x", [0.9, np.float64(0.9), np.float32(0.9), np.array(0.9),
                               np.array(0.9, dtype=np.float32)],
                         ids=["float", "float64", "float32", "0-d", "0-d-float32"])
def test_numbers_of_every_kind_take_forward_mode_with_reverse_mode_types(x, modes):
    f = _fresh(scalar_loop)
    g = tg.grad(f)(x, 20)
    assert modes == ["forward"]
    expected = tg.vjp(f)(x, 20, 1.0)[1]
    assert type(g) is type(expected) and np.result_type(g) == np.result_type(expected)
    assert g == pytest.approx(expected, rel=1e-6 if np.result_type(x) == np.float32 else 1e-12)


def two_inputs(x, y):
    return np.sum(np.sin(x) * y)


def test_other_gradients_take_reverse_mode(modes):
    f = _fresh(two_inputs)
    tg.grad(f)(np.array([0.3, 0.4]), 2.0)  # an array
    tg.grad(f, wrt=(0,))(0.3, 2.0)         # a tuple of gradients
    tg.grad(f, wrt=(0, 1))(0.3, 2.0)       # several inputs
    assert modes == ["reverse"] * 3


def test_differentiate_methods_take_forward_mode(modes):
    f = tg.differentiate(_fresh(scalar_loop))
    value, g = f.value_and_grad(0.9, 30)
    assert f.grad(0.9, 30) == g
    assert set(modes) == {"forward"}
    assert g == pytest.approx(tg.vjp(scalar_loop)(0.9, 30, 1.0)[1], rel=1e-12)


def test_a_function_with_only_an_adjoint_rule_falls_back_to_reverse_mode(modes):
    def opaque(x):
        return x * 1.0   # the rule says otherwise: the rule must win

    def opaque_adjoint(g, ans, x):
        return g * np.cos(x)

    def opaque_tangent(g, ans, x):
        return g * np.cos(x)

    def f(x):
        return opaque(x) * x

    tg.register_adjoint(opaque)(opaque_adjoint)
    df = tg.grad(f)
    x = 0.7
    assert df(x) == pytest.approx(np.cos(x) * x + x, rel=1e-12)
    assert modes == ["forward", "reverse"]
    with pytest.raises(tg.TangentishError, match="no forward-mode derivative rule"):
        tg.jvp(f)(x, 1.0)
    del modes[:]
    assert df(x) == pytest.approx(np.cos(x) * x + x, rel=1e-12)
    assert modes == []   # forward mode is not asked again
    tg.register_tangent(opaque)(opaque_tangent)  # now it can run forward mode
    assert df(x) == pytest.approx(np.cos(x) * x + x, rel=1e-12)
    assert modes[0] == "forward" and "reverse" not in modes


def two_values(x):
    return np.array([x, 2.0 * x])


def test_a_non_scalar_output_is_the_same_error():
    with pytest.raises(NonScalarOutputError) as info:
        tg.grad(two_values)(0.5)
    assert info.value.message == "grad needs a scalar output, but two_values returned shape (2,)"
    assert info.value.origin.line == test_a_non_scalar_output_is_the_same_error.__code__.co_firstlineno + 2


def root(x):
    return math.sqrt(x) * 2.0


def test_a_derivative_that_raises_reports_the_reverse_modes_error():
    with pytest.raises(DerivativeRaisedError, match=r"differentiating line \d+"):
        tg.grad(root)(0.0)


def cube_by_loop(x, n):
    y = 1.0
    for i in range(n):
        if i < 3:
            y = y * x
    return y


def test_nested_gradients_of_a_scalar_loop_agree_with_closed_forms():
    x = 0.7
    assert tg.grad(cube_by_loop)(x, 5) == pytest.approx(3 * x ** 2, rel=1e-12)
    assert tg.grad(tg.grad(cube_by_loop))(x, 5) == pytest.approx(6 * x, rel=1e-12)
    assert tg.grad(tg.grad(tg.grad(cube_by_loop)))(x, 5) == pytest.approx(6.0, rel=1e-12)
    assert tg.hvp(cube_by_loop)(x, 5, 2.0) == pytest.approx(12 * x, rel=1e-12)
    assert tg.hessian(cube_by_loop)(x, 5) == pytest.approx(6 * x, rel=1e-12)


def test_a_failure_of_forward_mode_itself_falls_back_to_reverse_mode(monkeypatch, modes):
    def broken(self):
        raise RuntimeError("a bug in forward mode")

    monkeypatch.setattr(pipeline.Forward, "run", broken)
    f = _fresh(scalar_loop)
    assert tg.grad(f)(0.9, 20) == pytest.approx(tg.vjp(f)(0.9, 20, 1.0)[1], rel=1e-12)
    assert modes[:2] == ["forward", "reverse"]
