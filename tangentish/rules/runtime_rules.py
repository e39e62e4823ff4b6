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
from . import ANY, batched, elementwise, jvp, linear, nondiff, returns, sequence_operand, vjp

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


@batched(_rt.add)
def add_batched(t, ans, a, b):
    return _rt.broadcast_directions(t, ans), _rt.broadcast_directions(t, ans)

# ----------------------------------------------------------- shapes (linear in the first argument)
# the tangent is the helper applied to the tangent; the other arguments
# give shapes and indices only (None in the vjp: no derivative flows)

linear(_rt.unbroadcast, _rt.unbroadcast_to, _rt.broadcast_like, _rt.unreduce, _rt.unindex,
       _rt.cast_like, _rt.pick, _rt.unpick, _rt.unsum, _rt.undict, _rt.redict)


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

# vector mode: t, the tangent of g, carries a leading direction axis


@batched(_rt.unbroadcast, _rt.unbroadcast_to)
def unbroadcast_batched(t, ans, g, x):
    return _rt.batch_sum_to(t, ans)


@batched(_rt.broadcast_like)
def broadcast_like_batched(t, ans, g, like):
    return _rt.broadcast_directions(t, ans)


@batched(_rt.unreduce)
def unreduce_batched(t, ans, g, x, axis=None, keepdims=False):
    return _rt.batch_unreduce(t, x, axis, keepdims)


@batched(_rt.unindex)
def unindex_batched(t, ans, g, x, idx):
    return _rt.batch_unindex(t, x, idx)


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


# vector mode, for g's tangent t alone (with a or b varied too: per direction)

@batched(_rt.matmul_vjp_a)
def matmul_vjp_a_batched(t, ans, g, a, b):
    return _rt.batch_matmul_vjp_a(t, a, b)


@batched(_rt.matmul_vjp_b)
def matmul_vjp_b_batched(t, ans, g, a, b):
    return _rt.batch_matmul_vjp_b(t, a, b)


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


@batched(_rt.dot_vjp_a)
def dot_vjp_a_batched(t, ans, g, a, b):
    return _rt.batch_dot_vjp_a(t, a, b)


@batched(_rt.dot_vjp_b)
def dot_vjp_b_batched(t, ans, g, a, b):
    return _rt.batch_dot_vjp_b(t, a, b)

# ----------------------------------------------------------- what rule bodies call
# derivative code contains the bodies of rules, so what they call needs rules too

nondiff(operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift,
        operator.invert)

# ----------------------------------------------------------- in-place updates (arrays-in-place.md)
# `_rt.add_at(x_bar, idx, g)` updates x_bar in place and has no rule: the
# frontend reads it as the store `x_bar[idx] = _rt.added_at(x_bar, idx, g)`
# (normalize.py), so derivative code calling it is differentiated again as
# any in-place update. added_at is linear in x and g together; its
# transpose scatters to x and gathers the sum over repeats to g.

nondiff(_rt.not_shared)
linear(_rt.added_at, args=(0, 2))
linear(_rt.sum_repeats)


@vjp(_rt.added_at)
def added_at_vjp(cot, ans, x, idx, g):
    return _rt.unindex(cot, x, idx), None, _rt.unbroadcast(_rt.sum_repeats(cot, x, idx), g)


@vjp(_rt.sum_repeats)
def sum_repeats_vjp(cot, ans, g, x, idx):
    return _rt.sum_repeats(cot, x, idx), None, None


@vjp(_rt.private_copy)
def private_copy_vjp(cot, ans, x):
    return cot


@vjp(_rt.cotangent_at)
def cotangent_at_vjp(cot, ans, x_bar, idx, v):
    return _rt.uncotangent_at(cot, x_bar, idx), None, None


@vjp(_rt.uncotangent_at)
def uncotangent_at_vjp(cot, ans, c, x_bar, idx):
    return _rt.cotangent_at(cot, idx, c), None, None


linear(_rt.private_copy, _rt.cotangent_at, _rt.uncotangent_at)


@batched(_rt.private_copy)
def private_copy_batched(t, ans, x):
    return _rt.private_copy(t)

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

# ----------------------------------------------------------- adjoints of products (bilinear)
# `P_vjp_a(g, a, b)` is the gradient in a of <g, P(a, b)>: against a
# cotangent c shaped like a it is <g, P(c, b)>, so its gradient in g is
# P(c, b) and in b is P_vjp_b(g, c, b); a itself only gives the shape.

@vjp(_rt.inner_vjp_a)
def inner_vjp_a_vjp(cot, ans, g, a, b):
    return np.inner(cot, b), None, _rt.inner_vjp_b(g, cot, b)


@jvp(_rt.inner_vjp_a)
def inner_vjp_a_jvp(t, ans, g, a, b):
    return _rt.inner_vjp_a(t, a, b), None, _rt.inner_vjp_a(g, a, t)


@vjp(_rt.inner_vjp_b)
def inner_vjp_b_vjp(cot, ans, g, a, b):
    return np.inner(a, cot), _rt.inner_vjp_a(g, a, cot), None


@jvp(_rt.inner_vjp_b)
def inner_vjp_b_jvp(t, ans, g, a, b):
    return _rt.inner_vjp_b(t, a, b), _rt.inner_vjp_b(g, t, b), None


@vjp(_rt.tensordot_vjp_a)
def tensordot_vjp_a_vjp(cot, ans, g, a, b, axes=2):
    return np.tensordot(cot, b, axes), None, _rt.tensordot_vjp_b(g, cot, b, axes), None


@jvp(_rt.tensordot_vjp_a)
def tensordot_vjp_a_jvp(t, ans, g, a, b, axes=2):
    return _rt.tensordot_vjp_a(t, a, b, axes), None, _rt.tensordot_vjp_a(g, a, t, axes), None


@vjp(_rt.tensordot_vjp_b)
def tensordot_vjp_b_vjp(cot, ans, g, a, b, axes=2):
    return np.tensordot(a, cot, axes), _rt.tensordot_vjp_a(g, a, cot, axes), None, None


@jvp(_rt.tensordot_vjp_b)
def tensordot_vjp_b_jvp(t, ans, g, a, b, axes=2):
    return _rt.tensordot_vjp_b(t, a, b, axes), _rt.tensordot_vjp_b(g, t, b, axes), None, None


@vjp(_rt.vecdot_vjp)
def vecdot_vjp_vjp(cot, ans, g, a, b, axis=-1):
    return np.vecdot(cot, b, axis=axis), None, _rt.vecdot_vjp(g, b, cot, axis), None


@jvp(_rt.vecdot_vjp)
def vecdot_vjp_jvp(t, ans, g, a, b, axis=-1):
    return _rt.vecdot_vjp(t, a, b, axis), None, _rt.vecdot_vjp(g, a, t, axis), None

# einsum_operand_vjp(g, ..., k, ..., *operands) = E_k is the gradient in
# operand k of <g, einsum(operands)>: against a cotangent c shaped like
# operand k it is <g, einsum(operands with c in k's place)>, so its gradient
# in g is that einsum, and in operand j != k it is E_j of those operands.
# Operand k only gives the shape. Rules are expanded per `position`:
# g, subscripts, k, optimize, then the operands.

@vjp(_rt.einsum_operand_vjp)
def einsum_operand_vjp_vjp(cot, ans, g, subscripts, k, optimize, *operands, position=0):
    return (np.einsum(subscripts, *operands[:k], cot, *operands[k + 1:], optimize=optimize) if position == 0
            else None if position < 4 or position - 4 == k
            else _rt.einsum_operand_vjp(g, subscripts, position - 4, optimize, *operands[:k], cot, *operands[k + 1:]))


@jvp(_rt.einsum_operand_vjp)
def einsum_operand_vjp_jvp(t, ans, g, subscripts, k, optimize, *operands, position=0):
    return (_rt.einsum_operand_vjp(t, subscripts, k, optimize, *operands) if position == 0
            else None if position < 4 or position - 4 == k
            else _rt.einsum_operand_vjp(g, subscripts, k, optimize, *operands[:position - 4], t, *operands[position - 3:]))

# kron_vjp(g, a, b, 0) is the gradient in a of <g, kron(a, b)> (which=1:
# in b); bilinear in g and the other factor in the same way

@vjp(_rt.kron_vjp)
def kron_vjp_vjp(cot, ans, g, a, b, which=0):
    return ((np.kron(cot, b) if which == 0 else np.kron(a, cot)),
            None if which == 0 else _rt.kron_vjp(g, a, cot, 0),
            _rt.kron_vjp(g, cot, b, 1) if which == 0 else None, None)


@jvp(_rt.kron_vjp)
def kron_vjp_jvp(t, ans, g, a, b, which=0):
    return (_rt.kron_vjp(t, a, b, which),
            None if which == 0 else _rt.kron_vjp(g, t, b, which),
            _rt.kron_vjp(g, a, t, which) if which == 0 else None, None)

# ----------------------------------------------------------- adjoints of solve
# x = solve(A, b), w = solve(A^T, g): solve_vjp_b = w, solve_vjp_a = -w x^T,
# solve_jvp_a(T) = -solve(A, T x). Each is linear in g (or T) and in x,
# and dA moves w by -solve(A^T, dA^T w) and y = solve_jvp_a by
# -solve(A, dA y): the derivatives are these same three helpers again.

@vjp(_rt.solve_vjp_b)
def solve_vjp_b_vjp(cot, w, g, ans, a, b):
    u = np.linalg.solve(a, cot)
    return _rt.unbroadcast(u, g), None, _rt.solve_vjp_a(g, u, a, b), None


@jvp(_rt.solve_vjp_b)
def solve_vjp_b_jvp(t, w, g, ans, a, b):
    return _rt.solve_vjp_b(t, ans, a, b), None, _rt.solve_jvp_a(np.swapaxes(t, -1, -2), w,
                                                                np.swapaxes(a, -1, -2), b), None


@vjp(_rt.solve_vjp_a)
def solve_vjp_a_vjp(cot, out, g, ans, a, b):
    y = _rt.solve_jvp_a(cot, ans, a, b)
    w = _rt.solve_vjp_b(g, ans, a, b)
    return y, -np.matmul(np.swapaxes(cot, -1, -2), w), _rt.solve_vjp_a(g, y, a, b), None


@jvp(_rt.solve_vjp_a)
def solve_vjp_a_jvp(t, out, g, ans, a, b):
    w = _rt.solve_vjp_b(g, ans, a, b)
    return (_rt.solve_vjp_a(t, ans, a, b), _rt.solve_vjp_a(g, t, a, b),
            -_rt.solve_vjp_a(np.matmul(np.swapaxes(t, -1, -2), w), ans, a, b), None)


@vjp(_rt.solve_jvp_a)
def solve_jvp_a_vjp(cot, y, t, ans, a, b):
    return (_rt.solve_vjp_a(cot, ans, a, b), -np.matmul(np.swapaxes(t, -1, -2), _rt.solve_vjp_b(cot, ans, a, b)),
            _rt.solve_vjp_a(cot, y, a, b), None)


@jvp(_rt.solve_jvp_a)
def solve_jvp_a_jvp(s, y, t, ans, a, b):
    return _rt.solve_jvp_a(s, ans, a, b), _rt.solve_jvp_a(t, s, a, b), _rt.solve_jvp_a(s, y, a, b), None

# ----------------------------------------------------------- triangles (cholesky, eigh)
# read_triangle(t) is the symmetric matrix a routine reading one triangle
# of t sees; fold_triangle is its transpose; phi (the lower triangle with
# the diagonal halved) is its own

@vjp(_rt.read_triangle)
def read_triangle_vjp(cot, ans, t, upper=False):
    return _rt.fold_triangle(cot, upper), None


@vjp(_rt.fold_triangle)
def fold_triangle_vjp(cot, ans, s, upper=False):
    return _rt.read_triangle(cot, upper), None


@vjp(_rt.phi)
def phi_vjp(cot, ans, x):
    return _rt.phi(cot)


linear(_rt.read_triangle, _rt.fold_triangle, _rt.phi)

# ----------------------------------------------------------- weights of np.average
# lay_weights spreads weights over a's shape, unlay_weights sums them back

@vjp(_rt.lay_weights)
def lay_weights_vjp(cot, ans, weights, a, axis=None):
    return _rt.unlay_weights(cot, weights, a, axis), None, None


@vjp(_rt.unlay_weights)
def unlay_weights_vjp(cot, ans, g, weights, a, axis=None):
    return _rt.lay_weights(cot, a, axis), None, None, None


linear(_rt.lay_weights, _rt.unlay_weights)

# ----------------------------------------------------------- partials of var and std
# var_partial(x) = 2 (x - mean) / (n - ddof) is linear in x and
# self-adjoint (a projection, scaled); for nanvar the NaNs of x must stay
# masked, so the tangent borrows them (`t + 0 * x`).

@jvp(_rt.var_partial)
def var_partial_jvp(t, ans, x, axis=None, ddof=0, nan=False):
    return _rt.var_partial(t + 0.0 * x if nan else t, axis, ddof, nan)


@vjp(_rt.var_partial)
def var_partial_vjp(cot, ans, x, axis=None, ddof=0, nan=False):
    return _rt.var_partial(cot + 0.0 * x if nan else cot, axis, ddof, nan)


@jvp(_rt.std_partial)
def std_partial_jvp(t, partial, x, ans, axis=None, ddof=0, keepdims=False, nan=False):
    std = _rt.replace_zero(_rt.unreduce(ans, x, axis, keepdims), 1.0)
    return (_rt.var_partial(t + 0.0 * x if nan else t, axis, ddof, nan) / (2.0 * std),
            -partial * _rt.unreduce(t, x, axis, keepdims) / std)


@vjp(_rt.std_partial)
def std_partial_vjp(cot, partial, x, ans, axis=None, ddof=0, keepdims=False, nan=False):
    std = _rt.replace_zero(_rt.unreduce(ans, x, axis, keepdims), 1.0)
    scaled = cot / (2.0 * std)
    return (_rt.var_partial(scaled + 0.0 * x if nan else scaled, axis, ddof, nan),
            np.sum(-cot * partial / std, axis=axis, keepdims=keepdims))

# ----------------------------------------------------------- lists of arrays
# each moves g between one array and a list of pieces, linearly; its
# transpose joins (or cuts) them again

@vjp(_rt.unconcatenate)
def unconcatenate_vjp(cot, ans, g, arrays, axis=0, prep=None):
    return _rt.concatenate_like(cot, axis, prep), None, None, None


@vjp(_rt.concatenate_like)
def concatenate_like_vjp(cot, ans, pieces, axis=0, prep=None):
    return _rt.unconcatenate(cot, pieces, axis, prep), None, None


@vjp(_rt.unstack)
def unstack_vjp(cot, ans, g, arrays, axis=0):
    return np.stack(cot, axis), None, None


@vjp(_rt.unstack_like)
def unstack_like_vjp(cot, ans, g, x):
    return np.array(cot), None


linear(_rt.unconcatenate, _rt.concatenate_like, _rt.unstack, _rt.unstack_like)
sequence_operand(_rt.concatenate_like)
returns(ANY, _rt.unconcatenate, _rt.unstack, _rt.unstack_like, _rt.unsum)  # a list or tuple like theirs

# ----------------------------------------------------------- partials of norms
# norm_partial = sign(x) |x|^(p-1) / norm^(p-1), with the norm passed in:
# its derivative in x is diagonal (norm_curvature), and in the norm it is
# -(p - 1) norm_partial / norm (p = 2 for Frobenius, 0 where piecewise linear).
# The matrix norms through the SVD (nuc, 2, -2) have partials U V^T and
# u_k v_k^T instead, which do not depend on the norm: their derivative in x
# is spectral_hvp (0 for the others).

nondiff(_rt.norm_power)


@jvp(_rt.norm_partial)
def norm_partial_jvp(t, partial, x, ans, ord=None, axis=None, keepdims=False):
    norm = _rt.replace_zero(_rt.unreduce(ans, x, axis, keepdims), 1.0)
    return (t * _rt.norm_curvature(x, ans, ord, axis, keepdims) + _rt.spectral_hvp(t, x, ord, axis),
            -_rt.norm_power(x, ord, axis) * partial * _rt.unreduce(t, x, axis, keepdims) / norm)


@vjp(_rt.norm_partial)
def norm_partial_vjp(cot, partial, x, ans, ord=None, axis=None, keepdims=False):
    norm = _rt.replace_zero(_rt.unreduce(ans, x, axis, keepdims), 1.0)
    return (cot * _rt.norm_curvature(x, ans, ord, axis, keepdims) + _rt.spectral_hvp(cot, x, ord, axis),
            np.sum(-_rt.norm_power(x, ord, axis) * cot * partial / norm, axis=axis, keepdims=keepdims))


@jvp(_rt.vector_norm_partial)
def vector_norm_partial_jvp(t, partial, x, ans, ord=2, axis=None, keepdims=False):
    norm = _rt.replace_zero(_rt.unreduce(ans, x, axis, keepdims), 1.0)
    return (t * _rt.norm_curvature(x, ans, ord, axis, keepdims, 2),
            -_rt.norm_power(x, ord, axis, 2) * partial * _rt.unreduce(t, x, axis, keepdims) / norm)


@vjp(_rt.vector_norm_partial)
def vector_norm_partial_vjp(cot, partial, x, ans, ord=2, axis=None, keepdims=False):
    norm = _rt.replace_zero(_rt.unreduce(ans, x, axis, keepdims), 1.0)
    return (cot * _rt.norm_curvature(x, ans, ord, axis, keepdims, 2),
            np.sum(-_rt.norm_power(x, ord, axis, 2) * cot * partial / norm, axis=axis, keepdims=keepdims))


@jvp(_rt.matrix_norm_partial)
def matrix_norm_partial_jvp(t, partial, x, ans, ord="fro", axis=(-2, -1), keepdims=False):
    norm = _rt.replace_zero(_rt.unreduce(ans, x, axis, keepdims), 1.0)
    return (t * _rt.norm_curvature(x, ans, ord, axis, keepdims, "fro") + _rt.spectral_hvp(t, x, ord, axis, "fro"),
            -_rt.norm_power(x, ord, axis, "fro") * partial * _rt.unreduce(t, x, axis, keepdims) / norm)


@vjp(_rt.matrix_norm_partial)
def matrix_norm_partial_vjp(cot, partial, x, ans, ord="fro", axis=(-2, -1), keepdims=False):
    norm = _rt.replace_zero(_rt.unreduce(ans, x, axis, keepdims), 1.0)
    return (cot * _rt.norm_curvature(x, ans, ord, axis, keepdims, "fro")
            + _rt.spectral_hvp(cot, x, ord, axis, "fro"),
            np.sum(-_rt.norm_power(x, ord, axis, "fro") * cot * partial / norm, axis=axis,
                   keepdims=keepdims))


# norm_curvature c = (p - 1)|x|^(p-2) / norm^(p-1) moves with x by (p - 2) c / x
# and with the norm by -(p - 1) c / norm: itself again, so any order works

@jvp(_rt.norm_curvature)
def norm_curvature_jvp(t, c, x, ans, ord=None, axis=None, keepdims=False, default=None):
    power = _rt.norm_power(x, ord, axis, default)
    norm = _rt.replace_zero(_rt.unreduce(ans, x, axis, keepdims), 1.0)
    return ((power - 1.0) * c * t / _rt.replace_zero(x, 1.0),
            -power * c * _rt.unreduce(t, x, axis, keepdims) / norm)


@vjp(_rt.norm_curvature)
def norm_curvature_vjp(cot, c, x, ans, ord=None, axis=None, keepdims=False, default=None):
    power = _rt.norm_power(x, ord, axis, default)
    norm = _rt.replace_zero(_rt.unreduce(ans, x, axis, keepdims), 1.0)
    return ((power - 1.0) * c * cot / _rt.replace_zero(x, 1.0),
            np.sum(-power * c * cot / norm, axis=axis, keepdims=keepdims))

# spectral_hvp(t, x) = H t, H the (symmetric) Hessian of a norm through the
# SVD: its own transpose in t; its derivative in x, a third derivative of
# the norm, is refused (beyond_spectral: zeros for the other norms)

@jvp(_rt.spectral_hvp)
def spectral_hvp_jvp(s, ans, t, x, ord=None, axis=None, default=None):
    return _rt.spectral_hvp(s, x, ord, axis, default), _rt.beyond_spectral(x, ord, axis, default), None, None, None


@vjp(_rt.spectral_hvp)
def spectral_hvp_vjp(cot, ans, t, x, ord=None, axis=None, default=None):
    return _rt.spectral_hvp(cot, x, ord, axis, default), _rt.beyond_spectral(x, ord, axis, default), None, None, None


nondiff(_rt.beyond_spectral)

# ----------------------------------------------------------- partials of prod
# prod_others(x) = d prod / d x_i is multilinear: moved along t it is H t
# (prod_others_jvp), with H_ik the product of all but x_i and x_k, and H t
# moved along s is T[t, s] (prod_others_hvp), with T_ikl the product of all
# but three. H and T are symmetric in all their indices, so each cotangent
# is the same product with the cotangent in the place of a tangent. The
# derivative of T in x, a fourth derivative of np.prod, is refused.

@jvp(_rt.prod_others)
def prod_others_jvp(t, ans, x, axis=None):
    return _rt.prod_others_jvp(t, x, axis)


@vjp(_rt.prod_others)
def prod_others_vjp(cot, ans, x, axis=None):
    return _rt.prod_others_jvp(cot, x, axis), None


@jvp(_rt.prod_others_jvp)
def prod_others_jvp_jvp(s, ans, t, x, axis=None):
    return _rt.prod_others_jvp(s, x, axis), _rt.prod_others_hvp(t, s, x, axis), None


@vjp(_rt.prod_others_jvp)
def prod_others_jvp_vjp(cot, ans, t, x, axis=None):
    return _rt.prod_others_jvp(cot, x, axis), _rt.prod_others_hvp(t, cot, x, axis), None


@jvp(_rt.prod_others_hvp)
def prod_others_hvp_jvp(r, ans, t, s, x, axis=None):
    return (_rt.prod_others_hvp(r, s, x, axis), _rt.prod_others_hvp(t, r, x, axis),
            _rt.unsupported_derivative("np.prod", 4), None)


@vjp(_rt.prod_others_hvp)
def prod_others_hvp_vjp(cot, ans, t, s, x, axis=None):
    return (_rt.prod_others_hvp(cot, s, x, axis), _rt.prod_others_hvp(t, cot, x, axis),
            _rt.unsupported_derivative("np.prod", 4), None)



nondiff(_rt.unsupported_derivative)

# ----------------------------------------------------------- running products
# y = cumprod(x) has Jacobian J(x); cumprod_jvp(t, x) = J t and
# cumprod_vjp(g, x) = J^T g. With a direction s both take the second
# derivative: cumprod_jvp(t, x, s) = D^2 y[t, s] = (d_s J) t, symmetric in
# t and s, and cumprod_vjp(g, x, s) = (d_s J)^T g. So J t moves with x along
# q by (d_q J) t, J^T g by (d_q J)^T g, and <c, (d_s J) t> has gradient
# (d_s J)^T c in t and (d_t J)^T c in s. Third derivatives are refused.

@jvp(_rt.cumprod_jvp)
def cumprod_jvp_jvp(q, ans, t, x, axis=None, s=None):
    return (_rt.cumprod_jvp(q, x, axis, s),
            _rt.cumprod_jvp(t, x, axis, q) if s is None else _rt.unsupported_derivative("np.cumprod", 3),
            None, _rt.cumprod_jvp(t, x, axis, q))


@vjp(_rt.cumprod_jvp)
def cumprod_jvp_vjp(cot, ans, t, x, axis=None, s=None):
    return (_rt.cumprod_vjp(cot, x, axis, s),
            _rt.cumprod_vjp(cot, x, axis, t) if s is None else _rt.unsupported_derivative("np.cumprod", 3),
            None, _rt.cumprod_vjp(cot, x, axis, t))


@jvp(_rt.cumprod_vjp)
def cumprod_vjp_jvp(q, ans, g, x, axis=None, s=None):
    return (_rt.cumprod_vjp(q, x, axis, s),
            _rt.cumprod_vjp(g, x, axis, q) if s is None else _rt.unsupported_derivative("np.cumprod", 3),
            None, _rt.cumprod_vjp(g, x, axis, q))


@vjp(_rt.cumprod_vjp)
def cumprod_vjp_vjp(cot, ans, g, x, axis=None, s=None):
    return (_rt.cumprod_jvp(cot, x, axis, s),
            _rt.cumprod_vjp(g, x, axis, cot) if s is None else _rt.unsupported_derivative("np.cumprod", 3),
            None, _rt.cumprod_vjp(g, x, axis, cot))


@vjp(_rt.drop_initial)
def drop_initial_vjp(cot, ans, g, axis=None):
    return _rt.zero_initial(cot, axis), None


@vjp(_rt.zero_initial)
def zero_initial_vjp(cot, ans, t, axis=None):
    return _rt.drop_initial(cot, axis), None


linear(_rt.drop_initial, _rt.zero_initial)
