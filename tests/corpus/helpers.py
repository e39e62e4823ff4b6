"""Calls to user-defined module-level helpers: positional, keyword, defaults,
helpers calling helpers, helpers with control flow, helpers in loops."""
import math

import numpy as np


# -- the helpers (not part of the corpus themselves) -------------------------

def square(x):
    return x * x


def scale(x, factor=2.0):
    return x * factor


def affine(x, a, b=1.0):
    return a * x + b


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def clipped(x, lo=0.2, hi=2.0):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


def power_loop(x, n=3):
    r = 1.0
    for i in range(n):
        r = r * x
    return r


def sq_dist(v, u):
    d = v - u
    return np.sum(d * d)


def smooth_abs(x, eps=0.01):
    return math.sqrt(x * x + eps)


# -- the corpus ----------------------------------------------------------------


def helper_kwargs(x, y):
    return scale(x) + scale(y, factor=x) + affine(b=y, a=x, x=2.0) + affine(y, x)


def helper_nested_calls(x):
    return square(sigmoid(square(x))) + sigmoid(sigmoid(x))


def helper_in_loop(x, n):
    for i in range(n):
        x = affine(x, 0.9, b=0.1 * i) + square(x) * 0.1
    return x


def helper_with_branches(x, y):
    return clipped(x * y) + clipped(x, lo=0.7) * clipped(y, hi=0.9)


def helper_arrays(v, u, x):
    return sq_dist(v * x, u) + sq_dist(u, v) * x


def helper_twice_same_arg(x):
    a = smooth_abs(x - 1.0)
    return smooth_abs(a) * smooth_abs(x, eps=x)


def helper_result_in_condition(x, y):
    if sigmoid(x) > 0.7:
        return scale(y, x)
    return scale(x, y) - square(y)
