"""Array methods and attributes, as NumPy functions the rule table knows.

`x.sum(axis=0)` differentiates as `np.sum(x, axis=0)`: the receiver becomes
the first argument. The generated primal keeps the method as written; only
the derivative code uses the function's rule. A method missing here is
rejected by name, so adding one is a line in `ARRAY_METHODS`.
"""
import numpy as np

from .. import runtime as _rt
from . import linear, vjp

# method name -> the function it computes, with the receiver first
ARRAY_METHODS = {
    "sum": np.sum, "mean": np.mean, "prod": np.prod, "max": np.max, "min": np.min,
    "std": np.std, "var": np.var, "cumsum": np.cumsum, "cumprod": np.cumprod,
    "ptp": np.ptp, "trace": np.trace, "dot": np.dot, "clip": np.clip,
    "reshape": np.reshape, "transpose": np.transpose, "ravel": np.ravel, "flatten": np.ravel,
    "squeeze": np.squeeze, "swapaxes": np.swapaxes, "repeat": np.repeat, "take": np.take,
    "diagonal": np.diagonal, "round": np.round, "conj": np.conj,
    "conjugate": np.conj, "copy": np.copy, "astype": _rt.astype, "item": float,
    "argmax": np.argmax, "argmin": np.argmin, "argsort": np.argsort, "nonzero": np.nonzero,
    "any": np.any, "all": np.all,
}

# `x.sort()` is absent on purpose: it sorts x in place and returns None, so
# reading it as `np.sort(x)` would be wrong; it is refused by name instead

# methods whose shape arguments may be spread out: `x.reshape(2, 3)`
SHAPE_VARARGS = {"reshape", "transpose"}

# attribute name -> the function it computes from the array
ARRAY_ATTRIBUTES = {"T": np.transpose, "real": np.real}

# attributes that describe the array and carry no derivative
SHAPE_ATTRIBUTES = {"shape", "ndim", "size", "dtype", "itemsize", "nbytes", "strides"}


@vjp(_rt.astype)
def astype_vjp(g, ans, x, dtype):
    return _rt.cast_like(g, x)


linear(_rt.astype)
