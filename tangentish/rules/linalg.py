"""Products and shape changes: `dot`, `transpose`, `reshape` (`@` and
`np.matmul` live in operators.py)."""
import numpy as np

from .. import runtime as _rt
from . import jvp, linear, vjp


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
