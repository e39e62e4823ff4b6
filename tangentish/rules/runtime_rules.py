"""Rules for the runtime helpers that generated code calls (`_rt.*`).

Derivative code is differentiated again for second and higher
derivatives, so everything it calls needs rules of its own. Most helpers
are linear in the cotangent or tangent they move around, with the other
arguments only supplying shapes and indices; their derivative in those
is None. The matmul/dot helpers are bilinear: `matmul_vjp_a(g, a, b)` is
the gradient of <g, a @ b> in `a`, so against a cotangent c it is
<g, c @ b>, whose gradients in g and b are `c @ b` (spread over g's batch
axes) and `matmul_vjp_b(g, c, b)`.
"""
import operator

import numpy as np

from .. import runtime as _rt
from . import elementwise, jvp, linear, nondiff, vjp

# ----------------------------------------------------------- no derivative
# zeros, element counts and the extremum's tie split are piecewise constant

nondiff(_rt.zeros_like, _rt.mean_count, _rt.balanced_eq, _rt.not_in_place, _rt.shape_of)

# ----------------------------------------------------------- accumulation

@vjp(_rt.add)
def add_vjp(g, ans, a, b):
    return _rt.unbroadcast(g, a), _rt.unbroadcast(g, b)


@jvp(_rt.add)
def add_jvp(g, ans, a, b):
    return _rt.broadcast_like(g, ans), _rt.broadcast_like(g, ans)

# ----------------------------------------------------------- shapes (linear in the first argument)
# the tangent is the helper applied to the tangent; the other arguments
# give shapes and indices only (None in the vjp: no derivative flows)

linear(_rt.unbroadcast, _rt.unbroadcast_to, _rt.broadcast_like, _rt.unreduce, _rt.unindex,
       _rt.cast_like, _rt.pick, _rt.unpick, _rt.unarray, _rt.unsum, _rt.undict, _rt.redict)


@vjp(_rt.unbroadcast, _rt.unbroadcast_to)
def unbroadcast_vjp(cot, ans, g, x):
    return _rt.broadcast_like(cot, g), None


@vjp(_rt.broadcast_like)
def broadcast_like_vjp(cot, ans, t, like):
    return _rt.unbroadcast(cot, t), None


@vjp(_rt.unreduce)
def unreduce_vjp(cot, ans, g, x, axis=None, keepdims=False):
    return _rt.unbroadcast(np.sum(cot, axis=axis, keepdims=keepdims), g), None


@vjp(_rt.unindex)
def unindex_vjp(cot, ans, g, x, idx):
    return cot[idx], None, None


# ----------------------------------------------------------- fields of records (structure.py)

@vjp(_rt.field)
def field_vjp(g, ans, x, name):
    return _rt.unfield(g, x, name), None


@vjp(_rt.unfield)
def unfield_vjp(cot, ans, g, x, name):
    return _rt.field(cot, name), None, None


linear(_rt.field, _rt.unfield)


@vjp(_rt.cast_like)
def cast_like_vjp(cot, ans, g, x):
    return _rt.cast_like(cot, g), None


@vjp(_rt.unarray)
def unarray_vjp(cot, ans, g, x):
    return np.array(cot), None


@vjp(_rt.unsum)
def unsum_vjp(cot, ans, g, xs):
    return _rt.broadcast_like(sum(cot, 0.0), g), None


@vjp(_rt.undict)
def undict_vjp(cot, ans, g, pairs):
    return _rt.redict(cot, pairs), None


@vjp(_rt.redict)
def redict_vjp(cot, ans, t, pairs):
    return _rt.undict(cot, pairs), None


@vjp(_rt.pick)
def pick_vjp(cot, ans, result, i):
    return _rt.unpick(cot, result, i), None


@vjp(_rt.unpick)
def unpick_vjp(cot, ans, g, result, i):
    return _rt.pick(cot, i), None, None


@elementwise(_rt.replace_zero)
def replace_zero_partials(x, value, ans):
    return _rt.broadcast_like(1.0 * (x != 0), ans), _rt.broadcast_like(1.0 * (x == 0), ans)

# ----------------------------------------------------------- products (bilinear in g and the other factor)

@vjp(_rt.matmul_vjp_a)
def matmul_vjp_a_vjp(cot, ans, g, a, b):
    return _rt.broadcast_like(np.matmul(cot, b), g), None, _rt.matmul_vjp_b(g, cot, b)


@jvp(_rt.matmul_vjp_a)
def matmul_vjp_a_jvp(t, ans, g, a, b):
    return _rt.matmul_vjp_a(t, a, b), None, _rt.matmul_vjp_a(g, a, t)


@vjp(_rt.matmul_vjp_b)
def matmul_vjp_b_vjp(cot, ans, g, a, b):
    return _rt.broadcast_like(np.matmul(a, cot), g), _rt.matmul_vjp_a(g, a, cot), None


@jvp(_rt.matmul_vjp_b)
def matmul_vjp_b_jvp(t, ans, g, a, b):
    return _rt.matmul_vjp_b(t, a, b), _rt.matmul_vjp_b(g, t, b), None


@vjp(_rt.dot_vjp_a)
def dot_vjp_a_vjp(cot, ans, g, a, b):
    return np.dot(cot, b), None, _rt.dot_vjp_b(g, cot, b)


@jvp(_rt.dot_vjp_a)
def dot_vjp_a_jvp(t, ans, g, a, b):
    return _rt.dot_vjp_a(t, a, b), None, _rt.dot_vjp_a(g, a, t)


@vjp(_rt.dot_vjp_b)
def dot_vjp_b_vjp(cot, ans, g, a, b):
    return np.dot(a, cot), _rt.dot_vjp_a(g, a, cot), None


@jvp(_rt.dot_vjp_b)
def dot_vjp_b_jvp(t, ans, g, a, b):
    return _rt.dot_vjp_b(t, a, b), _rt.dot_vjp_b(g, t, b), None

# ----------------------------------------------------------- what rule bodies call
# derivative code contains the bodies of rules, so what they call needs rules too

nondiff(operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift,
        operator.invert)

# ----------------------------------------------------------- in-place updates (arrays-in-place.md)
# `_rt.add_at` updates its first argument in place and has no rule on purpose:
# derivative code calling it for its effect cannot be differentiated again

nondiff(_rt.not_shared)


@vjp(_rt.private_copy)
def private_copy_vjp(cot, ans, x):
    return cot


@vjp(_rt.cotangent_at)
def cotangent_at_vjp(cot, ans, x_bar, idx, v):
    return _rt.unindex(_rt.broadcast_like(cot, x_bar[idx]), x_bar, idx), None, None


linear(_rt.private_copy, _rt.cotangent_at)

# ----------------------------------------------------------- partials of reductions
# which entries an extremum or a mean picks: piecewise constant

nondiff(_rt.mean_share, _rt.extremum_share, _rt.nan_mask)

# ----------------------------------------------------------- adjoints of shape functions
# each is the transpose of a NumPy function, linear in the cotangent g it
# moves; its transpose is that NumPy function again, applied to ours

@vjp(_rt.cumsum_vjp)
def cumsum_vjp_vjp(cot, ans, g, x, axis=None):
    return np.cumsum(cot, axis), None, None


@vjp(_rt.diff_vjp)
def diff_vjp_vjp(cot, ans, g, x, n=1, axis=-1):
    return np.diff(cot, n, axis), None, None, None


@vjp(_rt.untake)
def untake_vjp(cot, ans, g, x, indices, axis=None):
    return np.take(cot, indices, axis), None, None, None


@vjp(_rt.take_along_axis_vjp)
def take_along_axis_vjp_vjp(cot, ans, g, x, indices, axis=-1):
    return np.take_along_axis(cot, indices, axis), None, None, None


@vjp(_rt.repeat_vjp)
def repeat_vjp_vjp(cot, ans, g, x, repeats, axis=None):
    return np.repeat(cot, repeats, axis), None, None, None


@vjp(_rt.delete_vjp)
def delete_vjp_vjp(cot, ans, g, x, obj, axis=None):
    return np.delete(cot, obj, axis), None, None, None


@vjp(_rt.compress_vjp)
def compress_vjp_vjp(cot, ans, g, condition, x, axis=None):
    return np.compress(condition, cot, axis), None, None, None


@vjp(_rt.extract_vjp)
def extract_vjp_vjp(cot, ans, g, condition, x):
    return np.extract(condition, cot), None, None


@vjp(_rt.tile_vjp)
def tile_vjp_vjp(cot, ans, g, x, reps):
    return np.tile(cot, reps), None, None


@vjp(_rt.unpad)
def unpad_vjp(cot, ans, g, x, pad_width, mode="constant"):
    return np.pad(cot, pad_width), None, None, None


@vjp(_rt.diagonal_vjp)
def diagonal_vjp_vjp(cot, ans, g, x, offset=0, axis1=0, axis2=1):
    return np.diagonal(cot, offset, axis1, axis2), None, None, None, None


@vjp(_rt.trace_vjp)
def trace_vjp_vjp(cot, ans, g, x, offset=0, axis1=0, axis2=1):
    return np.trace(cot, offset, axis1, axis2), None, None, None, None


@vjp(_rt.diag_vjp)
def diag_vjp_vjp(cot, ans, g, x, k=0):
    return np.diag(cot, k), None, None


@vjp(_rt.sort_vjp)
def sort_vjp_vjp(cot, ans, g, x, axis=-1):
    return _rt.sort_jvp(cot, x, axis), None, None


@vjp(_rt.sort_jvp)
def sort_jvp_vjp(cot, ans, t, x, axis=-1):
    return _rt.sort_vjp(cot, x, axis), None, None


@vjp(_rt.rollaxis_vjp)
def rollaxis_vjp_vjp(cot, ans, g, x, axis, start=0):
    return np.rollaxis(cot, axis, start), None, None, None


linear(_rt.cumsum_vjp, _rt.diff_vjp, _rt.untake, _rt.take_along_axis_vjp, _rt.repeat_vjp,
       _rt.delete_vjp, _rt.compress_vjp, _rt.extract_vjp, _rt.tile_vjp, _rt.unpad,
       _rt.diagonal_vjp, _rt.trace_vjp, _rt.diag_vjp, _rt.sort_vjp, _rt.sort_jvp,
       _rt.rollaxis_vjp)
