"""The shape of each operation's result, from the shapes of its operands.

A derivative specialised on its arguments' shapes (see analysis/shapes.py)
leaves out every `_rt.unbroadcast` and `_rt.broadcast_like` that is
provably an identity. These rules say how shapes flow: a shape rule takes
the operation's arguments, each a `Dims` (the shape of a variable) or the
literal value written in the code (an axis, an index), and returns the
result's shape as a tuple. Anything it cannot be sure of it refuses by
raising, and the result's shape is then unknown, which only costs speed.

Elementwise functions (those with partials) need no rule: their result
has the broadcast shape of their operands.
"""
import builtins
import operator

import numpy as np

from .. import runtime as _rt
from . import shape_rule


class Dims(tuple):
    """The shape of a variable, as opposed to a literal tuple in the code."""


class Unknown(Exception):
    """A shape rule cannot tell the result's shape."""


def dims(x) -> tuple:
    """The shape a rule was given for an operand (literal numbers are 0-d)."""
    if isinstance(x, Dims):
        return tuple(x)
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return ()
    raise Unknown(x)


def static(x):
    """A literal argument (an axis, a flag); a variable's value is unknown."""
    if isinstance(x, Dims) or x is UNKNOWN:
        raise Unknown(x)
    return x


UNKNOWN = object()   # a variable whose shape is unknown


def _zeros(shape):
    """An array of `shape` that takes no memory, to ask NumPy for shapes."""
    return np.broadcast_to(np.empty(()), shape)

# ----------------------------------------------------------- reductions

def _reduced(x, axis, keepdims) -> tuple:
    shape = dims(x)
    axis = static(axis)
    if axis is None:
        axes = set(range(len(shape)))
    else:
        listed = axis if isinstance(axis, tuple) else (operator.index(axis),)
        if not all(-len(shape) <= a < len(shape) for a in listed):
            raise Unknown(axis)
        axes = {a % len(shape) for a in listed}
        if len(axes) != len(listed):
            raise Unknown(axis)
    if static(keepdims) is True:
        return tuple(1 if k in axes else n for k, n in enumerate(shape))
    if static(keepdims) is not False:
        raise Unknown(keepdims)
    return tuple(n for k, n in enumerate(shape) if k not in axes)


@shape_rule(np.sum, np.mean, np.prod)
def sum_shape(x, axis=None, dtype=None, *, keepdims=False, where=True):
    if static(where) is not True:
        raise Unknown(where)
    return _reduced(x, axis, keepdims)


@shape_rule(np.max, np.min, np.amax, np.amin)
def extremum_shape(x, axis=None, *, keepdims=False):
    return _reduced(x, axis, keepdims)

# ----------------------------------------------------------- products and axis order

def _matmul(a, b) -> tuple:
    a, b = dims(a), dims(b)
    if not (1 <= len(a) <= 2 and 1 <= len(b) <= 2) or a[-1] != b[0]:
        raise Unknown((a, b))
    return a[:-1] + b[1:]


@shape_rule(operator.matmul, np.matmul)
def matmul_shape(a, b):
    return _matmul(a, b)


@shape_rule(np.dot)
def dot_shape(a, b):
    if dims(a) == () or dims(b) == ():
        return np.broadcast_shapes(dims(a), dims(b))
    return _matmul(a, b)


@shape_rule(np.transpose)
def transpose_shape(x, axes=None):
    shape = dims(x)
    if static(axes) is None:
        return shape[::-1]
    return tuple(shape[k] for k in axes)

# ----------------------------------------------------------- indexing with literal indices

@shape_rule(operator.getitem)
def getitem_shape(x, idx):
    return _zeros(dims(x))[static(idx)].shape


# ----------------------------------------------------------- always scalars

@shape_rule(builtins.float, builtins.len, builtins.int)
def scalar_shape(x):
    return ()

# ----------------------------------------------------------- runtime helpers: shaped like an operand

@shape_rule(_rt.unbroadcast, _rt.unreduce, _rt.unindex, _rt.broadcast_like)
def like_second(g, x, *rest):
    return dims(x)


@shape_rule(_rt.zeros_like, _rt.private_copy)
def like_first(x):
    return dims(x)


@shape_rule(_rt.dot_vjp_a, _rt.matmul_vjp_a)
def like_a(g, a, b):
    return dims(a)


@shape_rule(_rt.dot_vjp_b, _rt.matmul_vjp_b)
def like_b(g, a, b):
    return dims(b)
