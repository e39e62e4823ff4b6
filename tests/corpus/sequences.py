"""`for` over arrays, `enumerate`, `zip` and `reversed`."""
import numpy as np


def loop_over_rows_directly(M, v):
    s = 0.0
    for row in M:
        s = s + np.sum(np.tanh(row * v))
    return s


def enumerate_with_start(v, x):
    s = 0.0
    for i, a in enumerate(v):
        s = s + a * x ** i
    for j, a in enumerate(v, 1):
        if j > 2:
            break
        s = s + a * j
    return s


def zip_and_reversed(v, u, x):
    s = 0.0
    for a, b in zip(v, u):
        s = s + a * np.sin(b * x)
    for a in reversed(v):
        s = s * 0.5 + a
    return s


def iterate_a_computed_array(M, x):
    # the sequence is evaluated once, before the loop
    total = 0.0
    for col in (M * x).T:
        total = total + np.dot(col, col) / (1.0 + x)
    return total
