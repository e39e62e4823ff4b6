"""Nested functions and lambdas, inlined at their calls: closures over
locals, parameters and loop variables, defaults evaluated at the `def`,
late binding, functions calling functions. Helpers with keyword-only
parameters, `*args` and `**kwargs`; recursion of a fixed depth; starred
unpacking."""
import numpy as np


# -- helpers (not part of the corpus themselves) --------------------------------

def _scaled(t, *, scale=2.0):
    return t * scale


def _total(*parts, weight=1.0):
    s = 0.0
    for p in parts:
        s = s + weight * np.sum(p)
    return s


def _power(t, power=2):
    return t ** power


def _forward_options(t, **options):
    return _power(t, **options)


def _forward_args(*args):
    return _total(*args)


def _repeat_sin(x, n):
    if n == 0:
        return x
    return _repeat_sin(np.sin(x) * 1.1, n - 1)


def _tree(v, n):
    # two recursive calls per level
    if n <= 0:
        return v * v
    return _tree(v * 0.9, n - 1) + np.cos(_tree(v, n - 2))


# -- the corpus ------------------------------------------------------------------


def nested_def_twice(x, v):
    # called twice, on a parameter and on an expression
    def square(t):
        return t * t
    return np.sum(square(v) + square(2.0 * x * v))


def closure_over_locals(x, y, v):
    # the gradient flows into the captured `scale` and `w` (and so into x, y)
    scale = np.exp(x)
    w = v * y

    def model(t):
        return scale * np.tanh(w * t)
    return np.sum(model(v)) + model(x)[0]


def closure_in_loop(x, y, n):
    # a captured parameter, a captured loop index, a default from the def
    def step(s, k=0.5):
        z = s * y + k
        if z > 2.0:
            return np.sqrt(z)
        return z * 0.5
    s = x
    for i in range(n):
        s = step(s) + step(s, k=0.1 * i)
    return s


def def_inside_loop(x, n):
    # a def per iteration: its default is the iteration's value of `c`
    total = 0.0
    c = x
    for i in range(n):
        def term(t, c=c):
            return np.sin(t * c)
        total = total + term(x)
        c = c * 1.1
    return total


def late_binding(x, y):
    # the closure reads `a` when it is called, not when it is defined
    a = x

    def times_a(t):
        return t * a
    a = x * y
    return times_a(y) + times_a(2.0)


def lambdas(x, y, v):
    f = lambda t: np.sin(t) * x  # noqa: E731
    g = lambda t, p=2.0: t ** p + y  # noqa: E731
    return np.sum(f(v) * g(v)) + (lambda t: t * y)(x) + g(x, p=3.0)


def functions_calling_functions(x, y):
    def inner(t):
        return t * y

    def outer(t, scale=1.5):
        u = inner(t) + 1.0
        return u * inner(u) * scale
    return outer(x) + outer(outer(x), scale=x)


def nested_def_with_early_return(x, v):
    def clipped_norm(u, limit):
        n = np.sqrt(np.sum(u * u))
        if n > limit:
            return u * (limit / n)
        return u
    return np.sum(clipped_norm(v * x, 0.8) ** 2) + np.sum(clipped_norm(v, 100.0))


def nested_def_star_params(x, y, v):
    # *args and keyword-only parameters of a nested function
    def combine(*parts, weight=1.0):
        total = 0.0
        for p in parts:
            total = total + weight * np.sum(p)
        return total
    return combine(v, x * v, y) + combine(x, weight=y)


def keyword_only_helper(x, y):
    return _scaled(x) + _scaled(y, scale=x) * _scaled(scale=y, t=2.0)


def star_args_helpers(x, y, v):
    # extra positionals packed into `*parts`; `*args` passed through whole
    return _total(v, x * v, y) + _total(x, weight=y) + _forward_args(x, v * y)


def kwargs_passed_through(x, v, k):
    # `**options` bound to the helper's named parameters when the call runs
    return np.sum(_forward_options(v * x, power=k)) + _forward_options(x) + _power(x, power=3)


def recursion_fixed_depth(x, v, n):
    return _repeat_sin(x, n) + np.sum(_tree(v * x, n))


def starred_unpacking(x, y, v):
    a, *rest = (x, 2.0 * y, v * x)
    first, *middle, last = (y, x * y, v, rest[1])
    head, *tail = middle
    return np.sum(a * rest[1] + last * tail[0]) + first * head + len(rest)


def assert_and_raise_on_guards(x, v, n):
    # checks on shapes and ints that never fire for valid input
    assert v.ndim == 1, "v must be a vector"
    if n < 0:
        raise ValueError("n must not be negative")
    s = x
    for i in range(n):
        assert i < n
        s = s * np.sum(np.sin(v)) + x
    return s


def _scale_with(t, **options):
    return t * options["c"]


def differentiable_value_through_kwargs(x, v):
    # x reaches the helper inside its **options dict
    return np.sum(_scale_with(v, c=x * x) + _scale_with(x, c=v))
