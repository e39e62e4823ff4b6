# Found by a second-order fuzz run (hvp, vjp of grad), seed 1087: a parameter read for its shape (`_rt.zeros_like(v)`) and rebound before the updates
import math
import numpy as np


def f(x, y, v):
    def g0(t):
        return np.sin(t) * y + t ** 2
    v = np.array([0.5, -1.0, 2.0])
    s0 = y
    if y > 0.98:
        x = np.log(1.0 + (s0) ** 2) + s0
    elif -0.18 > -0.71:
        for e1 in v:
            e1 = np.log(1.0 + (e1) ** 2)
        if y > -0.32:
            a1 = g0(v) * np.array([0.5, -1.0, 2.0])
            v[:] = v - a1
        else:
            s2 = s0
            s0 = np.cos(s0)
    return np.arctan2(np.tanh(y), 2.0 + ((v)[1]) ** 2)
