# Found by a second-order fuzz run (hvp, vjp of grad), seed 1219: `a0 = _t0` then `a0[:] = a0`, _t0 read again by the reverse sweep; a helper's derivative returning a tuple
import math
import numpy as np


def vector_helper(u, s):
    return np.tanh(u * s) + u


def f(x, y, v):
    a0 = (np.maximum(v, y) if x > 0.44 else vector_helper(v, y))
    s1 = x
    a0[:] = a0
    s2 = -0.91
    return np.dot(np.log(1.0 + (v) ** 2), a0 + x)
