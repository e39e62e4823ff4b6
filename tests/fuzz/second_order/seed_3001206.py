# Found by `python -m tests.fuzz --second-order`, seed 3001206: the sharing guard of a store in derivative code passed a name no path had assigned yet (UnboundLocalError)
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
    if 1.77 > -0.4:
        if y > -0.25:
            s0 = sum(np.sin(t) * t for t in v)
        else:
            a1 = np.array([0.5, -1.0, 2.0]) * np.exp(0.1 * np.array([0.5, -1.0, 2.0]))
    else:
        if y > 0.46:
            return (v).dot(np.sqrt(1.0 + (v) ** 2))
        v = np.arctan2(np.cbrt(2.0 + np.cos(np.array([0.5, -1.0, 2.0]))), 2.0 + (-(v)) ** 2)
    if x > -1.0:
        w2 = np.ones(3) * y - y
        w2[0] += (w2).dot(v)
        s3 = x * 0.5 + -1.01 * 0.5 + y
    elif y > 0.97:
        if x > -0.87:
            a4 = vector_helper(vector_helper(np.array([0.5, -1.0, 2.0]), -1.83), (y if -0.16 > -0.5 else y))
        v = np.sqrt(1.0 + (np.cbrt(2.0 + np.cos(v))) ** 2)
    else:
        if y > 0.24:
            return np.prod(1.0 + 0.1 * (v * 0.5 + v))
    w5 = v.copy()
    w5[0] += np.arctan2(y, 2.0 + (y) ** 2)
    if x > 0.87:
        return np.sum(np.array([t * 0.5 for t in w5 if t > -0.3])) * y
    return np.arctan2(y * y, 2.0 + (-1.79) ** 2)
