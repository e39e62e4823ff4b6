# Found by a second-order fuzz run (hvp, vjp of grad), seed 1598: `w3 = v`, `w3[1] = ...`: the parameter copied, then updated through its alias
import math
import numpy as np


def pair(a, b):
    return a * b, np.cos(a) - b


def f(x, y, v):
    for i0 in range(3):
        for i1 in range(4):
            w0 = np.array(np.array([0.5, -1.0, 2.0]))
            w0[1:] *= 0.5
            w0 = (np.exp(0.1 * w0)) ** 2
    s1, s2 = pair(np.arctan(-1.45), (x if y > 0.75 else x))
    w3 = v
    w3[1] = np.dot(w3, v)
    s4 = x
    return (w3 * 0.5 + np.array([0.5, -1.0, 2.0])).sum()
