# Found by a second-order fuzz run (hvp, vjp of grad), seed 88: a float parameter rebound to a product with an updated array; the level above guarded views bound only later
import math
import numpy as np


def helper(a, b):
    if a > b:
        return a * b
    return np.sin(a) + b


def f(x, y, v):
    w0 = v.copy()
    w0[0] = np.sqrt(1.0 + (x) ** 2)
    if x > -0.24 or 0.87 < 0.29:
        x = ((w0 if y > 0.37 else w0)).dot(np.sqrt(1.0 + (w0) ** 2))
    elif x > 0.03:
        w1 = np.array(np.square(v))
        w1[2:] *= 0.5
        for i1 in range(3):
            a2 = -(np.cbrt(2.0 + np.cos(np.array([0.5, -1.0, 2.0]))))
            x = helper(y * 0.5 + x, 0.5)
    return np.sinh(0.3 * x) * 0.5 + -(x)
