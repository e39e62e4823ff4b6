# Found by `python -m tests.fuzz`, seed 707387: the optimizer moved `y_bar = cotangent_at(w0_bar, 2, ...)` past `w0_bar[2] = 0.0` (a store into an array did not count as changing it), so y got no gradient
import math
import numpy as np


def helper(a, b):
    if a > b:
        return a * b
    return np.sin(a) + b


def vector_helper(u, s):
    return np.tanh(u * s) + u


def pair(a, b):
    return a * b, np.cos(a) - b


def f(x, y, v):
    for i0 in range(1):
        v = v - x * 0.5 + y
    w0 = np.array(np.maximum(v, x))
    w0[2] = y - 1.55
    a1 = np.sinh(0.3 * np.array([0.5, -1.0, 2.0]))
    return (w0)[2]
