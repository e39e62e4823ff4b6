"""Products and shape changes: `dot`, `transpose`, `reshape` (`@` and
`np.matmul` live in operators.py)."""
import numpy as np

from .. import runtime as _rt
from . import batched, jvp, linear, vjp


@vjp(np.dot)
def dot_vjp(g, ans, a, b):
    return _rt.dot_vjp_a(g, a, b), _rt.dot_vjp_b(g, a, b)


@jvp(np.dot)
def dot_jvp(g, ans, a, b):
    return np.dot(g, b), np.dot(a, g)


@vjp(np.transpose)
def transpose_vjp(g, ans, x, axes=None):
    return np.transpose(g, None if axes is None else np.argsort(axes))


@vjp(np.reshape)
def reshape_vjp(g, ans, x, shape):
    return np.reshape(g, np.shape(x))


linear(np.transpose, np.reshape)


@batched(np.dot)
def dot_batched(g, ans, a, b):
    return _rt.batch_dot_a(g, b), _rt.batch_dot_b(a, g)


@batched(np.transpose)
def transpose_batched(g, ans, x, axes=None):
    return _rt.batch_transpose(g, axes)


@batched(np.reshape)
def reshape_batched(g, ans, x, shape):
    return _rt.batch_reshape(g, ans)  # C order only: `order` falls back
