# Found by `python -m tests.fuzz`, seed 44, shrunk: the second np.sum(v), in one
# arm of a conditional expression, was merged with the first and deleted, so
# that arm left its result undefined (a TypeError in the derivative; under
# `and` the same merge gave a silently wrong value and gradient).
import numpy as np


def vector_helper(u, s):
    return np.tanh(u * s) + u


def f(x, y, v):
    x = np.sum(vector_helper(v, y)) / (1.5 + np.cos((np.maximum(-1.42, y) if np.sum(v) > 0.86 else np.sum(v))))
    s8 = -(np.minimum(abs(x), (1.0 if y / (1.5 + np.cos(x)) > 0.99 else x)))
    v = np.square(v * 0.08 * 0.5 + v * s8)
    return np.exp(0.1 * y) - np.sinh(0.3 * np.sum(v))
