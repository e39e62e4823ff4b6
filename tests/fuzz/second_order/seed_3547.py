# Found by a second-order fuzz run (hvp, vjp of grad), seed 3547: `np.array(v)`'s adjoint (`_rt.unstack_like(w1_bar, v)`) taken for a view of the parameter
import math
import numpy as np


def pair(a, b):
    return a * b, np.cos(a) - b


def f(x, y, v):
    g0 = lambda t: t * t * 0.5 + np.cos(x)
    for i0 in range(0):
        s0 = np.arctan2(np.sinh(0.3 * x), 2.0 + (i0 + x) ** 2)
    w1 = np.array(v)
    w1[0:] *= 0.5
    if x > -0.28:
        if x > -0.07:
            s2, s3 = sum(np.sin(t) * t for t in np.array([0.5, -1.0, 2.0])), y
        else:
            w1 = abs(w1)
    elif y > 0.86:
        if x > 0.5:
            x += np.sum(np.reshape(w1, (3, 1)) * np.array([0.5, -1.0, 2.0]))
            s4, s5 = pair((y if x > 0.66 else -0.8), math.exp(0.1 * y))
        else:
            s6 = (v).dot(np.arctan(v))
    if y > 0.53:
        if x > 0.28:
            w7 = np.zeros(3)
            w7[:] = w1
            v = np.arcsinh(w7)
    else:
        for e1, d1 in zip(w1, g0(v)):
            x = np.sqrt(1.0 + (y) ** 2) - y
    return x
