"""Every unsupported construct and every bad argument raises a
`tg.TangentishError` whose message names this file and the offending line,
shows the line with a caret under the construct, and gives a hint.

The offending line of each function below is marked with `# <-`; the tests
find it with `inspect`, so editing this file does not break them.
"""
from __future__ import annotations

import functools
import inspect
import linecache
import math
import os
import re

import numpy as np
import pytest

import tangentish as tg
from tangentish.rules import RULES

THIS_FILE = os.path.basename(__file__)
MARK = "# <-"


def marked_line(f) -> int:
    """The absolute line number of the line of `f` marked with `# <-`."""
    lines, first = inspect.getsourcelines(f)
    hits = [first + k for k, text in enumerate(lines) if MARK in text]
    assert len(hits) == 1, f"{f.__name__} must mark exactly one line"
    return hits[0]


def def_line(f) -> int:
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, text in enumerate(lines) if text.lstrip().startswith("def "))


def check_message(exc, lines, *, caret=True, file=THIS_FILE):
    """`exc` is a located TangentishError pointing at one of `lines`."""
    assert isinstance(exc, tg.TangentishError), type(exc)
    msg = str(exc)
    lines = [lines] if isinstance(lines, int) else list(lines)
    assert any(f"{file}:{n}:" in msg for n in lines), (
        f"expected {file}:{lines} in the message:\n{msg}")
    if caret:
        assert "^" in msg, f"no caret in the message:\n{msg}"
    assert "hint" in msg, f"no hint in the message:\n{msg}"
    return msg


def transform_error(f, mode="reverse", wrt=0):
    """The error raised when transforming `f` (through `tg.source`)."""
    with pytest.raises(tg.TangentishError) as info:
        tg.source(f, mode=mode, wrt=wrt)
    return info.value


# -- unsupported constructs ------------------------------------------------------
# Each function differentiates fine except for the marked line.

def unknown_method(v):
    return v.compress(v > 0.5) * 2.0  # <-


def starred_unpacking(x, y):
    a, b, c, *rest = x * y, x + y  # <-
    return a * b


def store_into_element_of_element(M, x):
    M = M * 1.0
    M[0][1] = x  # <-
    return np.sum(M)


class _Box:
    pass


BOX = _Box()


def attribute_assignment(x):
    BOX.value = x  # <-
    return x * 2.0


GLOBAL_ARRAY = np.zeros(3)


def store_into_global(v, x):
    GLOBAL_ARRAY[0] += x  # <-
    return np.sum(v * GLOBAL_ARRAY)


def uses_lambda(v):
    return sum(map(lambda t: t * t, v))  # <-


def nested_def(v):
    def inner(t):
        return t * t
    return np.sum(np.apply_along_axis(inner, 0, v))  # <-


def nested_def_recursive(x, n):
    def power(t, k):
        if k == 0:
            return 1.0
        return t * power(t, k - 1)  # <-
    return power(x, n)


def nested_def_called_before_definition(x):
    y = square(x) * 2.0  # <-

    def square(t):
        return t * t
    return y


def nested_def_rebound(x):
    def f(t):
        return t * 2.0
    f = np.sin  # <-
    return f(x)


def nested_def_decorated(x):
    @functools.lru_cache  # <-
    def f(t):
        return t * 2.0
    return f(x)


def set_comprehension(v):
    return sum({t * t for t in v})  # <-


def dict_iterated_directly(x):
    d = {0: x, 1: 2.0 * x}
    t = 0.0
    for k in d:  # <-
        t = t + k * x
    return t


def store_into_list_entry(v):
    items = [v, 2.0 * v]
    items[0] = v * v  # <-
    return np.sum(items[0] * items[1])


def store_into_dict_entry(x):
    d = {"a": x}
    d["a"] = 2.0 * x  # <-
    return d["a"]


def dict_unpacking(x):
    d = {"a": x}
    e = {**d, "b": x}  # <-
    return e["a"] * e["b"]


def list_passed_to_helper_while_appended(x):
    out = [x]
    out.append(x * x)
    return helper_sum(out)  # <-


def helper_sum(items):
    return items[0] + items[1]


def generator_function(x):
    yield x * x  # <-


async def async_function(x):  # <-
    return x * x


def uses_global(x):
    global BOX  # <-
    return x * 2.0


def uses_nonlocal():
    y = 1.0

    def inner(x):
        nonlocal y  # <-
        y = y * x
        return y
    return inner


def uses_with(x):
    with np.errstate(all="ignore"):  # <-
        y = x * x
    return y


def uses_try(x):
    try:  # <-
        y = x * x
    except ValueError:
        y = x
    return y


def uses_del(x):
    y = x * x
    del y  # <-
    return x


def uses_walrus(x):
    if (y := x * x) > 1.0:  # <-
        return y
    return x


def uses_match(x, n):
    match n:  # <-
        case 1:
            return x
        case _:
            return x * x


def _scale_first(a):
    a[0] = 2.0 * a[1]
    return np.sum(a)


def helper_changes_argument(v):
    w = v * 1.0
    s = _scale_first(w)  # <-
    return s + np.sum(w * v)


def sort_in_place(v):
    w = v * 2.0
    w.sort()  # <-
    return w[0]


def nested_loop_target(v):
    s = 0.0
    for k, (a, b) in enumerate(zip(v, v)):  # <-
        s = s + a * b * k
    return s


def recursive(x, y, n):
    if n == 0:
        return x * y
    return recursive(y, x * y, n - 1)  # <-


def _two_parameters(a, b):
    return a * b


def star_args(x, y):
    pair = (x, y)
    return _two_parameters(*pair)  # <-


def lambda_to_sorted(v):
    return np.sum(sorted(v, key=lambda t: -t))  # <-


def starred_in_display(x, y):
    pair = (x, y)
    return sum((*pair, x))  # <-


def tuple_arithmetic(x, y):
    pair = (x, y * x)
    return np.sum(pair * 2.0)  # <-


def list_argument_updated(x, items):
    items.append(x)  # <-
    return x * 2.0


def list_updated_through_alias(x):
    stack = [x]
    alias = stack
    alias.append(x * x)  # <-
    return stack[0] * 2.0


def list_inside_a_tuple_while_appended(x):
    stack = [x]
    stack.append(x * x)
    pair = (stack, x)  # <-
    return pair[1] * 2.0


def no_rule(M):
    return np.linalg.cond(M) * 2.0  # <-


_no_source_ns: dict = {"np": np}
exec("def no_source_helper(x):\n    return x * x\n", _no_source_ns)
no_source_helper = _no_source_ns["no_source_helper"]


def calls_no_source(x):
    return no_source_helper(x) + x  # <-


def calls_builtin_without_rule(x):
    return math.gamma(x) * x  # <-


UNSUPPORTED = [
    unknown_method, starred_unpacking, store_into_element_of_element, attribute_assignment,
    store_into_global, uses_lambda, nested_def, nested_def_recursive,
    nested_def_called_before_definition, nested_def_rebound, nested_def_decorated, set_comprehension,
    dict_unpacking, dict_iterated_directly, store_into_list_entry, store_into_dict_entry,
    list_passed_to_helper_while_appended, generator_function, async_function,
    uses_global, uses_with, uses_try, uses_del, uses_walrus, uses_match,
    nested_loop_target, sort_in_place, helper_changes_argument, recursive, star_args,
    lambda_to_sorted, starred_in_display,
    tuple_arithmetic, list_argument_updated, list_updated_through_alias,
    list_inside_a_tuple_while_appended, no_rule, calls_no_source,
    calls_builtin_without_rule,
]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("f", UNSUPPORTED, ids=lambda f: f.__name__)
def test_unsupported_construct(f, mode):
    exc = transform_error(f, mode)
    check_message(exc, marked_line(f))


@pytest.mark.parametrize("f", UNSUPPORTED, ids=lambda f: f.__name__)
def test_quoted_construct_is_clean(f):
    """The first line quotes the construct: one line, no trailing comment,
    not a fragment cut at an arbitrary column."""
    exc = transform_error(f)
    head = str(exc).splitlines()[0]
    assert MARK not in head and "#" not in head, head
    line = linecache.getline(inspect.getsourcefile(f), marked_line(f))
    for q in re.findall(r"`([^`]*)`", head):
        if q in line:  # a piece of the user's code: not cut inside a name or brackets
            assert re.search(re.escape(q) + r"(?![\w.])", line), head
            assert q.count("(") == q.count(")") and q.count("[") == q.count("]"), head


def ping(x, n):
    if n <= 0:
        return x
    return pong(x * 1.1, n - 1)


def pong(x, n):
    return ping(x, n) * 2.0  # <-


def test_mutual_recursion():
    for mode in ("reverse", "forward"):
        check_message(transform_error(ping, mode), marked_line(pong))


def inplace_on_alias(v):
    s = v
    s += 1.0  # <-
    return np.sum(s * v)


def test_inplace_update_of_a_shared_array():
    """Only known when the values arrive (floats are fine, arrays are not)."""
    for call in (lambda v: tg.grad(inplace_on_alias)(v),
                 lambda v: tg.jvp(inplace_on_alias)(v, np.ones(3))):
        with pytest.raises(tg.TangentishError) as info:
            call(np.array([1.0, 2.0, 3.0]))
        check_message(info.value, marked_line(inplace_on_alias))
    # with a float the same code is fine: s += 1.0 makes a new float
    assert np.isclose(tg.grad(inplace_on_alias)(2.0), 2 * 2.0 + 1.0)


def test_inplace_error_leaves_the_caller_array_intact():
    """A derivative call that refuses the code should not have changed the
    caller's data first (the check belongs before the update)."""
    for call in (lambda v: tg.grad(inplace_on_alias)(v),
                 lambda v: tg.jvp(inplace_on_alias)(v, np.ones(3))):
        v = np.array([1.0, 2.0, 3.0])
        with pytest.raises(tg.TangentishError):
            call(v)
        np.testing.assert_array_equal(v, [1.0, 2.0, 3.0])


def test_unsupported_nonlocal():
    inner = uses_nonlocal()
    check_message(transform_error(inner), marked_line(uses_nonlocal))


def test_error_is_raised_by_the_derivative_call_too():
    """tg.grad is lazy: the error comes on the first call, located the same way."""
    g = tg.grad(tuple_arithmetic)
    with pytest.raises(tg.TangentishError) as info:
        g(1.0, 2.0)
    check_message(info.value, marked_line(tuple_arithmetic))


def test_error_classes():
    from tangentish import errors
    assert isinstance(transform_error(tuple_arithmetic), errors.UnsupportedSyntaxError)
    assert isinstance(transform_error(uses_try), errors.UnsupportedSyntaxError)
    assert isinstance(transform_error(calls_builtin_without_rule), errors.NoRuleError)
    assert isinstance(transform_error(no_rule), errors.NoRuleError)


def test_error_inside_a_helper_points_into_the_helper():
    def caller(v):
        return unknown_method(v) + 1.0
    check_message(transform_error(caller), marked_line(unknown_method))


# -- bad arguments ----------------------------------------------------------------
# An error about the arguments of a call may point at the user's line making
# the call (where the bad argument is) or at the `def` of the function.

def two_params(x, y):
    return x * y + x


def vector_out(v, x):
    return v * x  # <-


def raised_here(call):
    """Run `call` (a lambda written on the caller's line): the TangentishError
    it raises and the caller's line number."""
    line = inspect.currentframe().f_back.f_lineno
    with pytest.raises(tg.TangentishError) as info:
        call()
    return info.value, line


@pytest.mark.parametrize("wrt", [2, -3, "z", ("x", "x"), (0, "x"), (), 1.5, None],
                         ids=["index-too-big", "index-too-small", "unknown-name",
                              "duplicate-name", "duplicate-mixed", "empty", "float", "none"])
def test_bad_wrt(wrt):
    exc, line = raised_here(lambda: tg.grad(two_params, wrt=wrt)(1.0, 2.0))
    check_message(exc, [line, def_line(two_params)])
    assert "two_params" in str(exc)


@pytest.mark.parametrize("maker", [tg.grad, tg.value_and_grad, tg.vjp, tg.jvp],
                         ids=["grad", "value_and_grad", "vjp", "jvp"])
def test_bad_wrt_is_reported_when_transforming(maker):
    """Eagerly, before the derivative is called."""
    exc, line = raised_here(lambda: maker(two_params, wrt="nope"))
    check_message(exc, [line, def_line(two_params)])
    exc, line = raised_here(lambda: tg.source(two_params, wrt=5))
    check_message(exc, [line, def_line(two_params)])


@pytest.mark.parametrize("value", [2, True, 1 + 2j, np.arange(3), np.array([1 + 1j]), "2.0"],
                         ids=["int", "bool", "complex", "int-array", "complex-array", "str"])
def test_non_float_argument_in_wrt(value):
    exc, line = raised_here(lambda: tg.grad(two_params)(value, 2.0))
    msg = check_message(exc, [line, def_line(two_params)])
    assert "`x`" in msg
    exc, line = raised_here(lambda: tg.jvp(two_params)(value, 2.0, 1.0))
    check_message(exc, [line, def_line(two_params)])


def test_int_argument_outside_wrt_is_fine():
    assert tg.grad(two_params, wrt=1)(2, 3.0) == 2.0
    assert tg.jvp(two_params, wrt=1)(2, 3.0, 1.0) == (8.0, 2.0)


def test_grad_of_non_scalar_output():
    exc, line = raised_here(lambda: tg.grad(vector_out, wrt="x")(np.ones(3), 2.0))
    check_message(exc, [line, marked_line(vector_out), def_line(vector_out)])
    assert "(3,)" in str(exc)
    exc, line = raised_here(lambda: tg.value_and_grad(vector_out, wrt="x")(np.ones(3), 2.0))
    check_message(exc, [line, marked_line(vector_out), def_line(vector_out)])


def test_wrong_number_of_tangents():
    jvp = tg.jvp(two_params, wrt=("x", "y"))
    # one tangent short: y's value would be read as x's tangent
    exc, line = raised_here(lambda: jvp(1.0, 2.0, 1.0))
    assert "tangent" in check_message(exc, [line, def_line(two_params)])
    exc, line = raised_here(lambda: tg.jvp(two_params)(1.0))
    assert "tangent" in check_message(exc, [line, def_line(two_params)])
    # one tangent too many
    exc, line = raised_here(lambda: tg.jvp(two_params)(1.0, 2.0, 1.0, 1.0))
    check_message(exc, [line, def_line(two_params)])


def test_tangent_shape_mismatch():
    exc, line = raised_here(lambda: tg.jvp(vector_out, wrt="v")(np.ones(3), 2.0, np.ones(4)))
    msg = check_message(exc, [line, def_line(vector_out)])
    assert "(4,)" in msg and "(3,)" in msg
    # a scalar tangent for an array argument would broadcast: still an error
    exc, line = raised_here(lambda: tg.jvp(vector_out, wrt="v")(np.ones(3), 2.0, 1.0))
    check_message(exc, [line, def_line(vector_out)])


def test_cotangent_shape_mismatch():
    exc, line = raised_here(lambda: tg.vjp(vector_out, wrt="v")(np.ones(3), 2.0, np.ones(2)))
    msg = check_message(exc, [line, marked_line(vector_out), def_line(vector_out)])
    assert "(2,)" in msg and "(3,)" in msg
    # cotangents that would broadcast are rejected too
    exc, line = raised_here(lambda: tg.vjp(vector_out, wrt="v")(np.ones(3), 2.0, 1.0))
    check_message(exc, [line, marked_line(vector_out), def_line(vector_out)])
    exc, line = raised_here(lambda: tg.vjp(two_params)(1.0, 2.0, np.ones(3)))
    check_message(exc, [line, def_line(two_params)])


@pytest.mark.parametrize("fn,args", [(math.gamma, (1.5,)), (np.spacing, (0.5,)),
                                     (np.linalg.cond, (np.eye(2),))],
                         ids=["math.gamma", "np.spacing", "np.linalg.cond"])
def test_function_without_source_or_rule(fn, args):
    """C functions with no rule, and library functions, cannot be
    differentiated; the error points at the user's call."""
    exc, line = raised_here(lambda: tg.grad(fn)(*args))
    msg = check_message(exc, line)
    assert fn.__name__ in msg


@pytest.mark.parametrize("fn,args,expected", [
    (np.sin, (1.0,), np.cos(1.0)), (math.exp, (1.0,), math.exp(1.0)),
    (np.add, (1.0, 2.0), 1.0), (abs, (-1.5,), -1.0), (np.tanh, (np.array([0.5, -1.0]),),
                                                     1.0 - np.tanh(np.array([0.5, -1.0])) ** 2),
], ids=["np.sin", "math.exp", "np.add", "abs", "np.tanh"])
def test_functions_with_a_rule_are_differentiated_by_the_rule(fn, args, expected):
    x = args[0]
    if np.ndim(x):
        _, g = tg.vjp(fn)(*args, np.ones_like(x))
    else:
        g = tg.grad(fn)(*args)
    np.testing.assert_allclose(g, expected, rtol=1e-13)
    _, t = tg.jvp(fn)(*args, np.ones_like(x) if np.ndim(x) else 1.0)
    np.testing.assert_allclose(t, expected, rtol=1e-13)


def test_function_defined_by_exec():
    ns: dict = {}
    exec("def made_by_exec(x):\n    return x * x\n", ns)
    exc, line = raised_here(lambda: tg.grad(ns["made_by_exec"])(1.0))
    from tangentish.errors import SourceUnavailableError
    assert isinstance(exc, SourceUnavailableError)
    msg = str(exc)
    assert "made_by_exec" in msg and "hint" in msg and "exec" in msg
    exc, line = raised_here(lambda: tg.source(ns["made_by_exec"]))
    assert isinstance(exc, SourceUnavailableError)


# -- custom rules --------------------------------------------------------------------

def opaque(x):
    # a registered rule must win over the source
    return np.log1p(np.exp(x))


def opaque_pair(x, y):
    return x * np.log1p(y * y)


def opaque_int(x, k):
    return np.log1p(np.exp(x)) * k


def uses_opaque(x, y):
    return opaque(x * y) * y + opaque_pair(x, y) + opaque_int(x, 3) + opaque(x) ** 2


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softplus_adjoint(g, ans, x):
    return g * _sigmoid(x)


def _softplus_tangent(g, ans, x):
    return g * _sigmoid(x)


def _pair_adjoint(g, ans, x, y):
    return g * np.log1p(y * y), g * x * 2.0 * y / (1.0 + y * y)


def _pair_tangent(g, ans, x, y):
    return g * np.log1p(y * y), x * 2.0 * y / (1.0 + y * y) * g


def _int_adjoint(g, ans, x, k):
    return g * _sigmoid(x) * k, None


def _int_tangent(g, ans, x, k):
    return g * _sigmoid(x) * k, None


def _central(f, args, i, eps=1e-6):
    hi, lo = list(args), list(args)
    hi[i] += eps
    lo[i] -= eps
    return (f(*hi) - f(*lo)) / (2 * eps)


@pytest.fixture(scope="module")
def registered():
    tg.register_adjoint(opaque)(_softplus_adjoint)
    tg.register_tangent(opaque)(_softplus_tangent)
    tg.register_adjoint(opaque_pair)(_pair_adjoint)
    tg.register_tangent(opaque_pair)(_pair_tangent)
    tg.register_adjoint(opaque_int)(_int_adjoint)
    tg.register_tangent(opaque_int)(_int_tangent)
    yield


def test_function_without_rule_fails_before_registration():
    def fresh(x):  # a new function object: nothing is registered for it
        return np.i0(np.exp(x))  # np.i0 has no rule

    def caller(x):
        return fresh(x) * 2.0
    with pytest.raises(tg.TangentishError) as info:
        tg.grad(caller)(0.3)
    assert "i0" in str(info.value)


@pytest.mark.parametrize("x,y", [(0.3, 0.7), (-1.2, 2.0), (2.5, -0.4)])
def test_registered_rules_in_both_modes(registered, x, y):
    args = [x, y]
    for i, name in enumerate(("x", "y")):
        expected = _central(uses_opaque, args, i)
        assert np.isclose(tg.grad(uses_opaque, wrt=name)(x, y), expected, rtol=1e-7, atol=1e-8)
        value, tangent = tg.jvp(uses_opaque, wrt=name)(x, y, 1.0)
        assert np.isclose(value, uses_opaque(x, y), rtol=1e-13)
        assert np.isclose(tangent, expected, rtol=1e-7, atol=1e-8)


def test_registered_rule_called_directly(registered):
    x = 0.4
    assert np.isclose(tg.grad(opaque)(x), _sigmoid(x), rtol=1e-13)
    assert np.isclose(tg.jvp(opaque)(x, 2.0)[1], 2.0 * _sigmoid(x), rtol=1e-13)


def test_reregistration_needs_replace(registered):
    def other_adjoint(g, ans, x):
        return 2.0 * g * _sigmoid(x)

    def other_tangent(g, ans, x):
        return 2.0 * g * _sigmoid(x)
    with pytest.raises(ValueError):
        tg.register_adjoint(opaque)(other_adjoint)
    with pytest.raises(ValueError):
        tg.register_tangent(opaque)(other_tangent)

    x, y = 0.3, 0.8
    grad, jvp = tg.grad(uses_opaque), tg.jvp(uses_opaque)
    before_grad, before_tangent = grad(x, y), jvp(x, y, 1.0)[1]
    version = RULES.version
    try:
        tg.register_adjoint(opaque, replace=True)(other_adjoint)
        tg.register_tangent(opaque, replace=True)(other_tangent)
        assert RULES.version > version
        # the cached derivatives (same grad/jvp objects) pick up the new rule
        after_grad, after_tangent = grad(x, y), jvp(x, y, 1.0)[1]
        extra = y * _sigmoid(x * y) * y + 2.0 * opaque(x) * _sigmoid(x)
        assert np.isclose(after_grad - before_grad, extra, rtol=1e-12)
        assert np.isclose(after_tangent - before_tangent, extra, rtol=1e-12)
        assert np.isclose(tg.grad(uses_opaque)(x, y), after_grad, rtol=1e-14)
    finally:
        tg.register_adjoint(opaque, replace=True)(_softplus_adjoint)
        tg.register_tangent(opaque, replace=True)(_softplus_tangent)
    assert np.isclose(grad(x, y), before_grad, rtol=1e-14)
    assert np.isclose(jvp(x, y, 1.0)[1], before_tangent, rtol=1e-14)


def renamed_rule_target(x):
    return np.log1p(x * x)


def uses_renamed_rule_target(x):
    return renamed_rule_target(x) * 3.0


def test_rule_parameter_names_are_free():
    """Rules follow autograd's positional convention `(g, ans, *args)`: the
    names of a rule's parameters must not matter."""
    @tg.register_adjoint(renamed_rule_target)
    def _adjoint(cotangent, result, value):
        return cotangent * 2.0 * value / (1.0 + value * value)

    @tg.register_tangent(renamed_rule_target)
    def _tangent(tangent, result, value):
        return tangent * 2.0 * value / (1.0 + value * value)

    x = 0.7
    expected = 3.0 * 2.0 * x / (1.0 + x * x)
    assert np.isclose(tg.grad(uses_renamed_rule_target)(x), expected, rtol=1e-13)
    assert np.isclose(tg.jvp(uses_renamed_rule_target)(x, 1.0)[1], expected, rtol=1e-13)


# -- in-place updates seen through another name ------------------------------------
# Python changes every name viewing an updated array; the derivative would not
# know, so the update is refused at run time, where the sharing is known.

def view_still_in_use(v, x):
    w = v * 1.0
    head = w[:2]
    w[0] = x  # <-
    return np.sum(head * w)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_update_of_an_array_a_live_view_shares_is_refused(mode):
    v = np.array([0.5, 1.5, 2.5])
    with pytest.raises(tg.TangentishError) as info:
        if mode == "reverse":
            tg.grad(view_still_in_use, wrt="x")(v, 0.3)
        else:
            tg.jvp(view_still_in_use, wrt="x")(v, 0.3, 1.0)
    msg = check_message(info.value, marked_line(view_still_in_use))
    assert "head" in msg and ".copy()" in msg


def view_not_sharing_the_entry(v, x):
    w = v * 1.0
    tail = w[2:]  # an independent region: the update below does not change it
    w[0] = x * tail[0]
    return np.sum(tail ** 2) * np.sum(w)


def test_update_beside_a_live_view_is_differentiated():
    v = np.array([0.5, 1.5, 2.5, 0.7])
    g = tg.grad(view_not_sharing_the_entry, wrt=(0, 1))(v, 0.3)
    eps = 1e-6
    for k in range(4):
        d = np.eye(4)[k] * eps
        fd = (view_not_sharing_the_entry(v + d, 0.3) - view_not_sharing_the_entry(v - d, 0.3)) / (2 * eps)
        assert abs(g[0][k] - fd) < 1e-7
    fd = (view_not_sharing_the_entry(v, 0.3 + eps) - view_not_sharing_the_entry(v, 0.3 - eps)) / (2 * eps)
    assert abs(g[1] - fd) < 1e-7


# -- derivatives that exist for some shapes only --------------------------------
# The rule finds out when the derivative runs: the error names the call of the
# derivative (and, in reverse mode, the line it was differentiating).

def svd_of_tall(a):
    u, s, vh = np.linalg.svd(a)
    return np.sum(u[:, 0] * s[0])


def qr_of_wide(a):
    q, r = np.linalg.qr(a)
    return np.sum(r * r)


@pytest.mark.parametrize("f,shape,words", [(svd_of_tall, (3, 2), "full_matrices=False"),
                                           (qr_of_wide, (2, 3), "transpose")],
                         ids=["svd", "qr"])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_factorization_without_derivative_for_this_shape(f, shape, words, mode):
    a = np.random.default_rng(0).uniform(0.5, 1.5, size=shape)
    with pytest.raises(tg.TangentishError) as info:
        if mode == "reverse":
            tg.grad(f)(a)
        else:
            tg.jvp(f)(a, np.ones(shape))
    lines, first = inspect.getsourcelines(test_factorization_without_derivative_for_this_shape)
    called = "tg.grad(f)(a)" if mode == "reverse" else "tg.jvp(f)(a,"
    msg = check_message(info.value, first + next(k for k, t in enumerate(lines) if called in t))
    assert words in msg
    if mode == "reverse":
        assert f"differentiating line {def_line(f) + 1}" in msg


def svd_hermitian(a):
    u, s, vh = np.linalg.svd(a, hermitian=True)  # <-
    return np.sum(s)


def sum_of_a_list(a, b):
    return np.sum([a, b * 2.0])  # <-


@pytest.mark.parametrize("f", [svd_hermitian, sum_of_a_list])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_list_or_keyword_without_rule(f, mode):
    msg = check_message(transform_error(f, mode, wrt=0), marked_line(f))
    assert ("hermitian" in msg) if f is svd_hermitian else ("np.array(...)" in msg)
