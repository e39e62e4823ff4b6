"""Comprehensions, generator expressions, and lists filled with `append`
and read: summed, made an array, indexed, popped, returned."""
import numpy as np


def list_comprehension_filtered(v):
    ys = [v[i] ** 2 for i in range(len(v)) if i % 2 == 0]
    return sum(ys)


def generator_in_sum(v, x):
    return sum(np.sin(t) * x for t in v)


def nested_comprehension(v, u):
    rows = [[a * b for b in u] for a in v]
    return np.sum(np.array(rows) ** 2)


def comprehension_over_zip_enumerate_reversed(v, u):
    paired = sum(a * b for a, b in zip(v, u))
    weighted = sum(i * t for i, t in enumerate(reversed(v)))
    stepped = [v[i] * u[i] for i in range(len(v) - 1, -1, -2)]
    return paired + weighted + sum(stepped)


def comprehension_over_rows(M, v):
    norms = [np.sum(row * row) for row in M]
    return np.sum(np.array(norms) * np.sum(v))


def dict_comprehension(v, x):
    d = {k: v[k] * x for k in range(len(v))}
    e = {k: np.sin(value) for k, value in d.items() if k != 1}
    return sum(value for value in e.values()) + d[0]


def comprehension_variable_shadows_nothing(v, x):
    # `t` is a variable of the function too: the comprehension's own does not leak
    t = x * 2.0
    s = sum(t * t for t in v)
    return s + t


def append_then_array(v, x, n):
    out = []
    for i in range(n):
        out.append(v * (x ** i))
    return np.sum(np.array(out)[::2]) + np.sum(out[-1])


def append_recurrence(x, n):
    # each value read back from the list while it grows
    out = [x]
    for i in range(n):
        out.append(np.sin(out[-1]) * x + out[0])
    return sum(out) * out[len(out) // 2]


def append_and_pop(v, n):
    out = [v, 2.0 * v]
    for i in range(n):
        out.append(out[-1] * out[-2] * 0.5)
    last = out.pop()
    return np.sum(last) + np.sum(out[-1]) * len(out)


def returns_appended_list(x, n):
    out = []
    for i in range(n):
        out.append(x * (i + 1.0))
    return out


def list_named_again_when_complete(v, x):
    # a second name for a list made after its last append: it sees the list
    # complete, as a comprehension's result is
    out = []
    for i in range(len(v)):
        out.append(v[i] * x ** (i + 1))
    ys = out
    return np.sum(np.array(ys) ** 2) + ys[-1] * x
