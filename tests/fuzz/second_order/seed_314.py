# Found by a second-order fuzz run (hvp, vjp of grad), seed 314: the cotangent seed passed through `_rt.dot_vjp_a`, taken for a view of it
import math
import numpy as np


def vector_helper(u, s):
    return np.tanh(u * s) + u


def f(x, y, v):
    def g0(t):
        return np.sin(t) * x + t ** 2
    x += np.dot(v, v) / (1.5 + np.cos(math.sin(x)))
    for i0 in range(2):
        if x > 0.58:
            return (i0 * y if i0 > -0.19 else 1.6)
    for i0 in range(2):
        w0 = v
        w0[1] *= np.cos(1.85)
    return (vector_helper(v, y)).dot(np.array([0.5, -1.0, 2.0]) + np.array([0.5, -1.0, 2.0]))
