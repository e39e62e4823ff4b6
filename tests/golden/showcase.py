"""Showcase functions whose generated derivative source is kept as golden
text next to this file (``<name>.<mode>.txt``).

The golden text quotes line numbers of this file in its comments: append
new functions at the end and regenerate with
``TANGENTISH_REGOLD=1 python -m pytest tests/test_golden.py``.
"""
import numpy as np


def loop_with_branch(x, n):
    s = 0.0
    for i in range(n):
        if s > 1.0:
            s = s * x
        else:
            s = s + x * i
    return s


def while_with_break(x, y):
    k = 0
    while k < 50:
        x = x * y + 0.5
        k = k + 1
        if x > 8.0:
            break
    return x * k


def dense_layer(W, v, b):
    h = np.tanh(W @ v + b)
    return np.sum(h * h) / v.shape[0]


def softplus(z):
    return np.log(1.0 + np.exp(z))


def helper_call(x, y):
    return softplus(x * y) + softplus(y) * x


def textbook(x1, x2):
    return np.log(x1) + x1 * x2 - np.sin(x2)
