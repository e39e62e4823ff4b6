"""The catalogue of bad input: everything a user can hand tangentish that it
cannot differentiate, one case each.

Every case must raise a `tg.TangentishError` (never a raw Python exception
from inside tangentish) whose message names this file and the line at
fault, quotes the construct, and says what to do instead. The line at fault
is the line of a function marked `# <-`, or, for a bad argument, the line
of the case itself, where the call is written.

Constructs that tangentish is about to support (containers, assignment into
arrays, methods, lambdas and nested functions) are left out on purpose.
"""
from __future__ import annotations

import functools
import inspect
import math
import os
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest

import tangentish as tg

from tests.test_errors import marked_line  # the line marked `# <-`

THIS_FILE = os.path.basename(__file__)


# -- functions whose body we cannot differentiate --------------------------------

G = [1.0]
TABLE: dict = {}


class _Box:
    pass


BOX = _Box()


def generator(x):
    yield x * x  # <-


def delegating_generator(x):
    yield from generator(x)  # <-


async def coroutine(x):  # <-
    return x * x


def global_write(x):
    global G  # <-
    G = x
    return x * 2.0


def nonlocal_write_maker():
    total = 0.0

    def accumulate(x):
        nonlocal total  # <-
        total = total + x
        return total
    return accumulate


nonlocal_write = nonlocal_write_maker()


def calls_exec(x):
    exec("y = 2.0 * x")  # <-
    return x


def calls_eval(x):
    return eval("x * x")  # <-


def reads_locals(x):
    return locals()["x"] * 2.0  # <-


def writes_global_element(x):
    G[0] = x  # <-
    return x * 2.0


def updates_global_element(x):
    G[0] += x  # <-
    return x * 2.0


def writes_global_entry(x):
    TABLE["last"] = x  # <-
    return x * 2.0


def writes_global_attribute(x):
    BOX.weight = x  # <-
    return x * 2.0


def appends_to_global(x):
    G.append(x)  # <-
    return x * 2.0


def writes_through_out_argument(x):
    buffer = np.zeros(1)
    np.multiply(x, 2.0, out=buffer)  # <-
    return np.sum(buffer) * x


def calls_c_function_without_rule(x):
    return math.gamma(x) * x  # <-


double_ufunc = np.frompyfunc(lambda t: 2.0 * t, 1, 1)


def calls_frompyfunc_ufunc(x):
    return double_ufunc(x) + x  # <-


def calls_builtin_without_rule(v):
    return np.sum(np.array(sorted(v)) * v)  # <-


_exec_namespace: dict = {}
exec("def helper_without_source(x):\n    return x * x\n", _exec_namespace)
helper_without_source = _exec_namespace["helper_without_source"]


def calls_helper_without_source(x):
    return helper_without_source(x) + x  # <-


def recursive(x, y, n):
    if n == 0:
        return x * y
    return recursive(y, x * y, n - 1)  # <-


def reads_missing_attribute(x):
    return BOX.scale * x  # <-


def reads_attribute_of_a_float(x):
    return x.real_part * 2.0  # <-


def reads_undefined_name(x):
    return x * undefined_scale  # noqa: F821  # <-


def fails_by_itself(x):
    return math.log(x - 10.0)  # <-


def _two_parameters(a, b):
    return a * b


def star_args(x, y):
    pair = (x, y)
    return _two_parameters(*pair)  # <-


def no_return(x):  # <-
    y = x * 2.0  # noqa: F841


def returns_text(x):  # <-
    return "x"


def returns_complex(x):  # <-
    return x * 1j


def math_sqrt(x):
    return math.sqrt(x)


def two(x, y):
    return x * y + x


def vector(v):
    return v * 2.0


def with_default(x, scale=2.0):
    return x * scale


class Scaler:
    def __call__(self, x):
        return 2.0 * x

    def apply(self, x):
        return 3.0 * x


_stdin: dict = {}
exec(compile("typed_at_prompt = lambda x: x * x\n", "<stdin>", "exec"), _stdin)


# -- the catalogue ------------------------------------------------------------------

@dataclass
class Case:
    name: str
    call: Callable            # a lambda written on one line: raises the error
    at: Callable | None       # the function whose `# <-` line is at fault; None: the call's line
    words: tuple              # what the message must mention (the construct)


def body(name, f, *words, mode="reverse", wrt=0):
    """A function whose body is at fault: its derivative call raises there."""
    if mode == "reverse":
        return Case(name, lambda: tg.grad(f, wrt=wrt)(*_args(f)), f, words)
    return Case(name, lambda: tg.jvp(f, wrt=wrt)(*_args(f), np.ones_like(_args(f)[0])), f, words)


def _args(f):
    return [np.array([1.5, 0.5]) if p == "v" else (3 if p == "n" else 1.5)
            for p in inspect.signature(f).parameters if p != "rest"]


BODY = [
    ("generator", generator, "yield"),
    ("yield-from", delegating_generator, "yield"),
    ("async-def", coroutine, "async"),
    ("global-write", global_write, "global"),
    ("nonlocal-write", nonlocal_write, "nonlocal"),
    ("exec", calls_exec, "exec"),
    ("eval", calls_eval, "eval"),
    ("locals", reads_locals, "locals"),
    ("global-element-write", writes_global_element, "G[0]"),
    ("global-element-update", updates_global_element, "G[0]"),
    ("global-dict-write", writes_global_entry, "TABLE"),
    ("global-attribute-write", writes_global_attribute, "BOX.weight"),
    ("global-list-append", appends_to_global, "G.append"),
    ("write-through-out-argument", writes_through_out_argument, "out=buffer"),
    ("c-function-without-rule", calls_c_function_without_rule, "gamma"),
    ("frompyfunc-ufunc", calls_frompyfunc_ufunc, "double_ufunc"),
    ("builtin-without-rule", calls_builtin_without_rule, "sorted"),
    ("helper-without-source", calls_helper_without_source, "helper_without_source"),
    ("recursion", recursive, "recursion", "same parameters"),
    ("missing-attribute-of-global", reads_missing_attribute, "scale"),
    ("attribute-of-differentiable-value", reads_attribute_of_a_float, "real_part"),
    ("undefined-name", reads_undefined_name, "undefined_scale"),
    ("function-fails-by-itself", fails_by_itself, "math domain error"),
    ("star-args", star_args, "star"),
    ("returns-none", no_return, "None"),
    ("returns-str", returns_text, "str"),
    ("returns-complex", returns_complex, "complex"),
]

CASES = [body(f"{name}-{mode}", f, *words, mode=mode)
         for name, f, *words in BODY for mode in ("reverse", "forward")]

# Bad arguments and functions tangentish cannot read: the call is at fault.
CASES += [
    Case("source-made-by-exec", lambda: tg.grad(helper_without_source)(1.5), None, ("helper_without_source", "exec")),
    Case("lambda-typed-at-prompt", lambda: tg.grad(_stdin["typed_at_prompt"])(1.5), None, ("lambda",)),
    Case("builtin-directly", lambda: tg.grad(sorted)([1.5]), None, ("sorted",)),
    Case("c-function-directly", lambda: tg.grad(math.gamma)(1.5), None, ("gamma",)),
    Case("frompyfunc-directly", lambda: tg.grad(double_ufunc)(1.5), None, ("register_adjoint",)),
    Case("partial-object", lambda: tg.grad(functools.partial(two, y=2.0))(1.5), None, ("partial",)),
    Case("callable-object", lambda: tg.grad(Scaler())(1.5), None, ("Scaler",)),
    Case("bound-method", lambda: tg.grad(Scaler().apply)(1.5), None, ("apply",)),
    Case("not-callable", lambda: tg.grad(1.5)(1.5), None, ("1.5",)),
    Case("derivative-of-a-hessian", lambda: tg.grad(tg.hessian(two))(1.5, 2.0), None, ("Hessian",)),
    Case("wrt-integer-argument", lambda: tg.grad(two)(2, 1.5), None, ("`x`", "integer")),
    Case("wrt-bool-argument", lambda: tg.grad(two)(True, 1.5), None, ("`x`", "bool")),
    Case("wrt-integer-array", lambda: tg.grad(vector)(np.arange(3)), None, ("`v`", "int")),
    Case("wrt-str-argument", lambda: tg.grad(two)("1.5", 1.5), None, ("`x`", "str")),
    Case("wrt-none-argument", lambda: tg.grad(two)(None, 1.5), None, ("`x`", "NoneType")),
    Case("wrt-list-of-str", lambda: tg.grad(two)(["a", "b"], 1.5), None, ("`x`", "list")),
    Case("wrt-complex-argument", lambda: tg.grad(two)(1.5 + 1j, 1.5), None, ("`x`", "complex")),
    Case("wrt-complex-array", lambda: tg.grad(vector)(np.ones(2, complex)), None, ("`v`", "complex")),
    Case("grad-of-non-scalar", lambda: tg.grad(vector)(np.ones(3)), None, ("scalar", "(3,)")),
    Case("wrt-unknown-name", lambda: tg.grad(two, wrt="z"), None, ("'z'", "two(x, y)")),
    Case("wrt-index-too-big", lambda: tg.grad(two, wrt=2), None, ("wrt=2", "2 parameters")),
    Case("wrt-index-too-small", lambda: tg.grad(two, wrt=-3), None, ("wrt=-3",)),
    Case("wrt-duplicate", lambda: tg.grad(two, wrt=(0, "x")), None, ("twice",)),
    Case("wrt-empty", lambda: tg.grad(two, wrt=()), None, ("empty",)),
    Case("wrt-float", lambda: tg.grad(two, wrt=1.0), None, ("1.0",)),
    Case("wrt-in-differentiate", lambda: tg.differentiate(wrt="q")(two).grad(1.5, 2.0), None, ("'q'",)),
    Case("jvp-tangent-missing", lambda: tg.jvp(two, wrt=(0, 1))(1.5, 2.0, 1.0), None, ("tangent",)),
    Case("jvp-no-tangent-at-all", lambda: tg.jvp(two)(1.5), None, ("tangent",)),
    Case("jvp-tangent-extra", lambda: tg.jvp(two)(1.5, 2.0, 1.0, 1.0), None, ("argument",)),
    Case("jvp-tangent-shape", lambda: tg.jvp(vector)(np.ones(3), np.ones(4)), None, ("(4,)", "(3,)")),
    Case("jvp-scalar-tangent-for-array", lambda: tg.jvp(vector)(np.ones(3), 1.0), None, ("()", "(3,)")),
    Case("jvp-tangent-str", lambda: tg.jvp(two)(1.5, 2.0, "1"), None, ("tangent", "str")),
    Case("jvp-tangent-none", lambda: tg.jvp(two)(1.5, 2.0, None), None, ("tangent", "None")),
    Case("jvp-tangent-list", lambda: tg.jvp(vector)(np.ones(2), [1.0, 1.0]), None, ("tangent", "list")),
    Case("jvp-tangent-complex", lambda: tg.jvp(two)(1.5, 2.0, 1j), None, ("tangent", "complex")),
    Case("vjp-cotangent-shape", lambda: tg.vjp(vector)(np.ones(3), np.ones(2)), None, ("(2,)", "(3,)")),
    Case("vjp-scalar-cotangent-for-array", lambda: tg.vjp(vector)(np.ones(3), 1.0), None, ("()", "(3,)")),
    Case("vjp-array-cotangent-for-scalar", lambda: tg.vjp(two)(1.5, 2.0, np.ones(3)), None, ("(3,)",)),
    Case("vjp-no-cotangent", lambda: tg.vjp(two)(), None, ("cotangent",)),
    Case("vjp-cotangent-none", lambda: tg.vjp(two)(1.5, 2.0, None), None, ("cotangent", "None")),
    Case("vjp-cotangent-complex", lambda: tg.vjp(two)(1.5, 2.0, 1j), None, ("cotangent", "complex")),
    Case("too-few-arguments", lambda: tg.grad(two)(1.5), None, ("'y'",)),
    Case("too-many-arguments", lambda: tg.grad(two)(1.5, 2.0, 3.0), None, ("argument",)),
    Case("unknown-keyword", lambda: tg.grad(two)(1.5, z=2.0), None, ("'z'",)),
    Case("keyword-given-twice", lambda: tg.grad(two)(1.5, 2.0, x=3.0), None, ("'x'",)),
    Case("default-int-in-wrt", lambda: tg.grad(with_default, wrt="scale")(1.5, scale=2), None, ("`scale`", "integer")),
    Case("bad-source-mode", lambda: tg.source(two, mode="backward"), None, ("backward",)),
    Case("derivative-undefined-here-reverse", lambda: tg.grad(math_sqrt)(0.0), None, ("ZeroDivisionError", "_bar")),
    Case("derivative-undefined-here-forward", lambda: tg.jvp(math_sqrt)(0.0, 1.0), None, ("ZeroDivisionError", "_dot")),
]


def test_catalogue_names_are_unique():
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input_gives_a_located_error(case):
    with pytest.raises(Exception) as info:
        case.call()
    exc = info.value
    assert isinstance(exc, tg.TangentishError), f"raw {type(exc).__name__}: {exc}"
    msg = str(exc)
    line = marked_line(case.at) if case.at is not None else case.call.__code__.co_firstlineno
    assert f"{THIS_FILE}:{line}:" in msg, f"expected {THIS_FILE}:{line} in:\n{msg}"
    for word in case.words:
        assert word in msg, f"{word!r} not in:\n{msg}"
    assert "\nhint: " in msg and len(msg.split("\nhint: ")[1]) > 15, f"no hint in:\n{msg}"


def test_errors_standing_for_the_users_own_exception_are_that_exception_too():
    """`except ValueError:` around a derivative call must catch what it
    catches around the function itself."""
    with pytest.raises(ValueError):
        tg.grad(fails_by_itself)(1.5)
    with pytest.raises(ZeroDivisionError):
        tg.grad(math_sqrt)(0.0)
    with pytest.raises(AttributeError):
        tg.jvp(reads_missing_attribute)(1.5, 1.0)


def test_a_rejected_global_write_leaves_the_global_alone():
    before = list(G)
    for f in (writes_global_element, updates_global_element, appends_to_global):
        with pytest.raises(tg.TangentishError):
            tg.grad(f)(7.0)
    assert G == before
