"""The benchmark workloads: each a NumPy function as a user would write it,
the gradient an expert would write by hand, and the data to run them on.

Every workload's primal is written once, in natural NumPy, against the
module-level names `np` and `math`; the peers that trace NumPy-like code
(autograd, JAX, tangent-ad) run this very code object with those names
rebound to their own modules (see `rebind`), so every contestant computes
the same math. Where tangentish cannot yet transform the natural
formulation, `compat` holds the same math spelled with functions it
supports; the suite uses it only after the natural one fails, and says so.

The hand-written derivatives are what an expert writes with NumPy alone:
they return `(value, gradient)` (a tuple of gradients for several
parameters) or, for the HVP workload, the Hessian-vector product. They are
checked against central finite differences before anything is timed.
"""
from __future__ import annotations

import math
import types
from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass
class Workload:
    key: str                      # "a".."f", the row label in the table
    name: str
    f: Callable                   # the primal, natural NumPy
    wrt: tuple                    # parameter indices differentiated
    data: Callable                # rng -> positional arguments of f
    hand: Callable                # (*args) -> (value, grads)  or  (*args, v) -> Hv
    kind: str = "grad"            # "grad" or "hvp"
    compat: Callable | None = None
    compat_note: str = ""         # what the compat formulation spells differently
    static: tuple = ()            # indices of non-array arguments (loop counts)
    notes: list = field(default_factory=list)


def rebind(f: Callable, **names) -> Callable:
    """`f`'s code with some of its global names bound to other objects."""
    g = dict(f.__globals__)
    g.update(names)
    return types.FunctionType(f.__code__, g, f.__name__, f.__defaults__, f.__closure__)


# ---------------------------------------------------------------- (a) scalar loop

def scalar_loop(x, n):
    y = x
    acc = 0.0
    for i in range(n):
        if y > 0.5:
            y = 0.5 * math.sin(y) + 0.3 * x
        else:
            y = 0.8 * math.cos(y) * x
        acc = acc + y * y
    return acc / n


def scalar_loop_grad(x, n):
    # One scalar input: forward accumulation of dy/dx needs no storage.
    y, dy = x, 1.0
    acc, dacc = 0.0, 0.0
    for i in range(n):
        if y > 0.5:
            y, dy = 0.5 * math.sin(y) + 0.3 * x, 0.5 * math.cos(y) * dy + 0.3
        else:
            y, dy = 0.8 * math.cos(y) * x, -0.8 * math.sin(y) * x * dy + 0.8 * math.cos(y)
        acc, dacc = acc + y * y, dacc + 2.0 * y * dy
    return acc / n, dacc / n


def scalar_loop_data(rng):
    return (0.9, 1000)


# ---------------------------------------------------------------- (b) small vector

def small_vector(x):
    return np.sum(np.tanh(x) ** 2 + 0.5 * x * np.sin(x)) + np.sqrt(np.dot(x, x))


def small_vector_grad(x):
    t = np.tanh(x)
    s = np.sin(x)
    r = np.sqrt(np.dot(x, x))
    value = np.sum(t * t + 0.5 * x * s) + r
    return value, 2.0 * t * (1.0 - t * t) + 0.5 * (s + x * np.cos(x)) + x / r


def small_vector_data(rng):
    return (rng.standard_normal(10),)


# ---------------------------------------------------------------- (c) logistic regression

def logistic_regression(w, X, y):
    z = X @ w
    return np.mean(np.log1p(np.exp(-y * z))) + 0.5e-3 * np.dot(w, w)


def logistic_regression_compat(w, X, y):
    z = X @ w
    return np.mean(np.log(1.0 + np.exp(-y * z))) + 0.5e-3 * np.dot(w, w)


def logistic_regression_grad(w, X, y):
    m = -y * (X @ w)
    e = np.exp(m)
    value = np.mean(np.log1p(e)) + 0.5e-3 * np.dot(w, w)
    dz = -y * (e / (1.0 + e)) / len(y)
    return value, X.T @ dz + 1e-3 * w


def logistic_regression_data(rng):
    X = rng.standard_normal((10_000, 100))
    w_true = rng.standard_normal(100) / 10.0
    y = np.where(X @ w_true + 0.3 * rng.standard_normal(10_000) > 0, 1.0, -1.0)
    return (0.01 * rng.standard_normal(100), X, y)


# ---------------------------------------------------------------- (d) MLP

def mlp(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    z = logits - np.max(logits, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.sum(Y * logp) / X.shape[0]


def mlp_compat(W1, b1, W2, b2, X, Y):
    # log-softmax is shift-invariant: the same function without the max
    # shift (logits here are O(1), far from overflow).
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    logp = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.sum(Y * logp) / X.shape[0]


def mlp_grad(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    z = logits - np.max(logits, axis=1, keepdims=True)
    e = np.exp(z)
    s = np.sum(e, axis=1, keepdims=True)
    n = X.shape[0]
    value = -np.sum(Y * (z - np.log(s))) / n
    dlogits = (e / s * np.sum(Y, axis=1, keepdims=True) - Y) / n
    dW2 = h.T @ dlogits
    db2 = np.sum(dlogits, axis=0)
    da = (dlogits @ W2.T) * (1.0 - h * h)
    dW1 = X.T @ da
    db1 = np.sum(da, axis=0)
    return value, (dW1, db1, dW2, db2)


def mlp_data(rng):
    X = rng.standard_normal((256, 784))
    Y = np.eye(10)[rng.integers(0, 10, 256)]
    W1 = rng.standard_normal((784, 256)) / np.sqrt(784)
    W2 = rng.standard_normal((256, 10)) / np.sqrt(256)
    return (W1, 0.1 * rng.standard_normal(256), W2, 0.1 * rng.standard_normal(10), X, Y)


# ---------------------------------------------------------------- (e) RNN

def rnn(Wx, Wh, b, Wo, xs, y):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    out = h @ Wo
    return 0.5 * np.sum((out - y) ** 2) / xs.shape[1]


def rnn_grad(Wx, Wh, b, Wo, xs, y):
    T, B = xs.shape[0], xs.shape[1]
    hs = [np.zeros((B, Wh.shape[0]))]
    for t in range(T):
        hs.append(np.tanh(xs[t] @ Wx + hs[-1] @ Wh + b))
    d = hs[-1] @ Wo - y
    value = 0.5 * np.sum(d * d) / B
    dout = d / B
    dWo = hs[-1].T @ dout
    dh = dout @ Wo.T
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    for t in range(T - 1, -1, -1):
        da = dh * (1.0 - hs[t + 1] * hs[t + 1])
        dWx += xs[t].T @ da
        dWh += hs[t].T @ da
        db += np.sum(da, axis=0)
        dh = da @ Wh.T
    return value, (dWx, dWh, db, dWo)


def rnn_data(rng):
    T, B, D, H, O = 50, 32, 64, 128, 10
    return (rng.standard_normal((D, H)) / np.sqrt(D), rng.standard_normal((H, H)) / np.sqrt(H),
            0.1 * rng.standard_normal(H), rng.standard_normal((H, O)) / np.sqrt(H),
            rng.standard_normal((T, B, D)), rng.standard_normal((B, O)))


# ---------------------------------------------------------------- (f) HVP

def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rosenbrock_grad(x):
    d = x[1:] - x[:-1] ** 2
    value = np.sum(100.0 * d * d + (1.0 - x[:-1]) ** 2)
    g = np.zeros_like(x)
    g[:-1] = -400.0 * x[:-1] * d - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * d
    return value, g


def rosenbrock_hvp(x, v):
    # the Hessian is tridiagonal: three bands applied to v
    hv = np.empty_like(x)
    hv[0] = (1200.0 * x[0] ** 2 - 400.0 * x[1] + 2.0) * v[0] - 400.0 * x[0] * v[1]
    hv[1:-1] = (-400.0 * x[:-2] * v[:-2]
                + (202.0 + 1200.0 * x[1:-1] ** 2 - 400.0 * x[2:]) * v[1:-1]
                - 400.0 * x[1:-1] * v[2:])
    hv[-1] = -400.0 * x[-2] * v[-2] + 200.0 * v[-1]
    return hv


def rosenbrock_data(rng):
    return (1.0 + 0.1 * rng.standard_normal(1000),)


WORKLOADS = [
    Workload("a", "scalar loop, branches, 1000 steps", scalar_loop, (0,), scalar_loop_data,
             scalar_loop_grad, static=(1,)),
    Workload("b", "small vector (n=10)", small_vector, (0,), small_vector_data, small_vector_grad),
    Workload("c", "logistic regression 10000x100", logistic_regression, (0,),
             logistic_regression_data, logistic_regression_grad,
             compat=logistic_regression_compat, compat_note="np.log(1.0 + e) for np.log1p(e)"),
    Workload("d", "MLP 784-256-10 tanh, softmax CE, batch 256", mlp, (0, 1, 2, 3), mlp_data, mlp_grad,
             compat=mlp_compat, compat_note="log-softmax without the np.max(..., axis=1, keepdims=True) shift"),
    Workload("e", "RNN 50 steps, hidden 128, batch 32", rnn, (0, 1, 2, 3), rnn_data, rnn_grad),
    Workload("f", "Hessian-vector product, Rosenbrock n=1000", rosenbrock, (0,), rosenbrock_data,
             rosenbrock_hvp, kind="hvp"),
]

# the hand-written gradient of (f)'s primal, to check the HVP reference
HVP_GRADIENTS = {"f": rosenbrock_grad}
