"""Textbook examples of differentiation."""
import math

import numpy as np


def baydin(x1, x2):
    # Baydin et al., "Automatic differentiation in machine learning: a survey"
    return np.log(x1) + x1 * x2 - np.sin(x2)


def logistic_loss(v, u, b):
    z = np.dot(v, u) + b
    p = 1.0 / (1.0 + np.exp(-z))
    return -math.log(p) if z > 0.0 else -np.log(p) + 0.0


def rosenbrock(v):
    return np.sum(100.0 * (v[1:] - v[:-1] ** 2) ** 2 + (1.0 - v[:-1]) ** 2)


def horner(x, v):
    s = 0.0
    for i in range(v.shape[0]):
        s = s * x + v[i]
    return s


def fixed_point_cos(x, n):
    # fixed-point iteration y = cos(x y), with a convergence test
    y = 1.0
    for i in range(50):
        y_new = math.cos(x * y)
        if abs(y_new - y) < 1e-300:
            break
        y = y_new
    return y * n
