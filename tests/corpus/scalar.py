"""Straight-line scalar functions: arithmetic, the math module, builtins.

Parameters follow the naming convention in ``tests/corpus/__init__.py``.
"""
import math

import numpy as np


def same_var_twice(x):
    # the same variable on both sides of one operation, again and again
    y = x * x + x / x - (x - x)
    return y * y + x ** x + y / x - (-x) * -y


def powers(x, y):
    return x ** y + y ** 2.5 + 2.0 ** x + x ** -1 + math.pow(x, 0.5)


def trig_hyperbolic(x, y):
    return (math.sin(x) * math.cos(x) + math.tan(x / 2.0) + np.sin(x) * np.cos(2.0 * x)
            + math.asin(x / 2.0) + math.acos(x / 3.0) + math.atan(x)
            + math.atan2(x, y) + math.atan2(1.5, x) * math.atan2(y, 2.0)
            + math.sinh(x) + math.cosh(x) * math.tanh(y) + math.asinh(x)
            + math.acosh(1.0 + x) + math.atanh(x / 2.0))


def exp_log(x, y):
    return (math.exp(x) + math.expm1(x * y) + math.log(x) + math.log(x, y)
            + math.log(3.0, y) + math.log2(x) + math.log10(y) + math.log1p(x)
            + math.sqrt(x + y))


def math_misc(x, y):
    return (math.hypot(x, y) + math.erf(x - y) + math.erfc(x * y)
            + math.fabs(x - 2.0) + math.degrees(x) * math.radians(y)
            + math.pow(x, y))


def builtin_scalar(x, y):
    return abs(x - y) + max(x, y) * min(x, 2.0 * y) + float(x) * y + abs(-x)
