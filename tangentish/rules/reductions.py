"""Reductions: the cotangent is spread back over the reduced axes."""
import numpy as np

from .. import runtime as _rt
from . import linear, vjp


@vjp(np.sum)
def sum_vjp(g, ans, x, axis=None, keepdims=False):
    return _rt.unreduce(g, x, axis, keepdims)


@vjp(np.mean)
def mean_vjp(g, ans, x, axis=None, keepdims=False):
    return _rt.unreduce(g, x, axis, keepdims) / _rt.mean_count(x, ans)


linear(np.sum, np.mean)
