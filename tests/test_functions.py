"""The differentiated function's own keyword-only, `*args` and `**kwargs`
parameters (what `wrt` means for them), and recursion in generated code.
Values are checked against central differences in both modes; the corpus
(tests/corpus/functions.py) covers nested functions, lambdas and helpers."""
import numpy as np
import pytest

import tangentish as tg

EPS = 1e-6


def scaled_norm(x, *, scale=2.0, shift=0.0):
    return np.sum(scale * np.sin(x) ** 2 + shift)


def product_of_all(*xs, weight=1.0):
    out = weight
    for x in xs:
        out = out * np.sum(np.cos(x))
    return out


def first_and_rest(a, *xs):
    return a * product_of_all(*xs, weight=a)


def with_options(x, **options):
    return np.sum(x * options["c"]) + _options_helper(x, **options)


def _options_helper(t, c=1.0, power=2):
    return np.sum(t ** power) * c


def _repeat(x, n):
    if n == 0:
        return x
    return _repeat(np.tanh(x) * 1.2, n - 1)


def recursive(x, n):
    return np.sum(_repeat(x, n))


def _central(f, args, kwargs, i, dx, entry=None):
    def at(step):
        shifted = list(args)
        shifted[i] = args[i] + step * dx
        return f(*shifted, **kwargs)
    return (at(EPS) - at(-EPS)) / (2 * EPS)


RNG = np.random.default_rng(0)
X, Y, Z = (RNG.uniform(0.3, 1.2, 3) for _ in range(3))


@pytest.mark.parametrize("f,args,kwargs,wrt,position", [
    (scaled_norm, (X,), {"scale": 1.5, "shift": 0.5}, 0, 0),
    (product_of_all, (X, Y, Z), {"weight": 0.7}, 1, 1),          # an int counts entries of *xs
    (product_of_all, (X, Y), {}, 0, 0),
    (first_and_rest, (0.8, X, Y), {}, 2, 2),                      # a, then xs[0], xs[1]
    (first_and_rest, (0.8, X, Y), {}, 0, 0),
    (with_options, (X,), {"c": 1.5, "power": 3}, 0, 0),
    (recursive, (X, 4), {}, 0, 0),
])
def test_against_central_differences(f, args, kwargs, wrt, position):
    dx = RNG.normal(size=np.shape(args[position])) if np.ndim(args[position]) else 0.3
    expected = _central(f, args, kwargs, position, dx)
    grad = tg.grad(f, wrt=wrt)(*args, **kwargs)
    _, tangent = tg.jvp(f, wrt=wrt)(*args, dx, **kwargs)
    np.testing.assert_allclose(np.sum(grad * dx), expected, rtol=1e-6)
    np.testing.assert_allclose(tangent, expected, rtol=1e-6)


def test_keyword_only_parameter_by_name():
    grad = tg.grad(scaled_norm, wrt="scale")(X, scale=1.5)
    np.testing.assert_allclose(grad, np.sum(np.sin(X) ** 2))
    _, tangent = tg.jvp(scaled_norm, wrt="shift")(X, 1.0, shift=0.2)
    np.testing.assert_allclose(tangent, X.size)


def test_star_args_named_whole_gives_one_gradient_per_entry():
    grads = tg.grad(product_of_all, wrt="xs")(X, Y, Z)
    assert isinstance(grads, tuple) and len(grads) == 3
    for i, g in enumerate(grads):
        dx = RNG.normal(size=3)
        args = [X, Y, Z]
        np.testing.assert_allclose(np.sum(g * dx), _central(product_of_all, args, {}, i, dx), rtol=1e-6)
    _, tangent = tg.jvp(product_of_all, wrt="xs")(X, Y, (np.ones(3), np.zeros(3)))
    np.testing.assert_allclose(tangent, _central(product_of_all, [X, Y], {}, 0, np.ones(3)), rtol=1e-6)


def test_star_args_entry_out_of_range_is_a_located_error():
    with pytest.raises(tg.TangentishError, match=r"xs\[2\].*2 values"):
        tg.grad(product_of_all, wrt=2)(X, Y)


def test_recursive_derivative_calls_itself():
    source = tg.source(recursive)
    assert "_repeat_vjp(" in source.split("def _repeat_vjp", 1)[1]
    forward = tg.source(recursive, mode="forward")
    assert "_repeat_jvp(" in forward.split("def _repeat_jvp", 1)[1]
