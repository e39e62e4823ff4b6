# Found by `python -m tests.fuzz`, seed 108054: forward mode, a tangent simplified to another's (`v * 1.0`) changed by its in-place update
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
    a0 = np.sqrt(1.0 + (np.array([0.5, -1.0, 2.0])) ** 2) + v
    s1, s2 = -0.88, (x if x > 0.13 else y)
    v[2] *= np.cos((y) ** 2)
    a3 = vector_helper(v, s2) / (1.5 + np.cos(a0))
    return np.maximum((a3).sum(), (x if s2 > 0.63 else y))
