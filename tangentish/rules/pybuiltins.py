"""Python builtins that appear in numeric code."""
import builtins

import numpy as np

from .. import runtime as _rt
from . import batched, elementwise, jvp, linear, nondiff, sequence_operand, vjp


@elementwise(builtins.abs)
def abs_partial(x):
    return np.sign(x)


@elementwise(builtins.max, builtins.min)
def extremum_partials(x, y, ans):
    return _rt.balanced_eq(x, ans, y), _rt.balanced_eq(y, ans, x)


@vjp(builtins.float)
def float_vjp(g, ans, x):
    return g


@batched(builtins.float)
def float_batched(g, ans, x):
    return _rt.batch_reshape(g, ans)


linear(builtins.float)


@vjp(builtins.sum)
def sum_vjp(g, ans, xs, start=0):
    # sum(xs, start) = start + xs[0] + xs[1] + ...: each entry gets g
    return _rt.unsum(g, xs), _rt.unbroadcast(g, start)


@jvp(builtins.sum)
def sum_jvp(g, ans, xs, start=0):
    return _rt.broadcast_like(sum(g, 0.0), ans), _rt.broadcast_like(g, ans)


sequence_operand(builtins.sum)


@vjp(builtins.dict)
def dict_vjp(g, ans, pairs):
    return _rt.undict(g, pairs)


@jvp(builtins.dict)
def dict_jvp(g, ans, pairs):
    return _rt.redict(g, pairs)
nondiff(builtins.len, builtins.range, builtins.slice, builtins.int, builtins.bool,
        builtins.round, builtins.isinstance, builtins.print, builtins.type,
        builtins.str, builtins.repr, builtins.id, builtins.hash)
