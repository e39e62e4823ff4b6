"""Products: bilinear, so the tangent is one product per active factor
(the factor's tangent in its place), and each cotangent contracts g with
the other factor. `np.dot` and `@` live in linalg.py and operators.py."""
import numpy as np

from .. import runtime as _rt
from . import available, jvp, vjp

# ----------------------------------------------------------- vectors

@vjp(np.vdot)
def vdot_vjp(g, ans, a, b):
    return np.reshape(g * np.ravel(b), np.shape(a)), np.reshape(g * np.ravel(a), np.shape(b))


@jvp(np.vdot)
def vdot_jvp(g, ans, a, b):
    return np.vdot(g, b), np.vdot(a, g)


@vjp(np.outer, *available(np.linalg, "outer"))
def outer_vjp(g, ans, a, b):
    return (np.reshape(np.dot(g, np.ravel(b)), np.shape(a)),
            np.reshape(np.dot(np.ravel(a), g), np.shape(b)))


@jvp(np.outer, *available(np.linalg, "outer"))  # np.linalg.outer: np.outer of 1-D arrays
def outer_jvp(g, ans, a, b):
    return np.outer(g, b), np.outer(a, g)


@vjp(*available(np, "vecdot"), *available(np.linalg, "vecdot"))
def vecdot_vjp(g, ans, a, b, *, axis=-1):
    return _rt.vecdot_vjp(g, a, b, axis), _rt.vecdot_vjp(g, b, a, axis)


@jvp(*available(np, "vecdot"), *available(np.linalg, "vecdot"))
def vecdot_jvp(g, ans, a, b, *, axis=-1):
    return np.vecdot(g, b, axis=axis), np.vecdot(a, g, axis=axis)


@vjp(np.cross)
def cross_vjp(g, ans, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    # d(a x b) = da x b + a x db, and <g, da x b> = <b x g, da>
    return (_rt.unbroadcast(np.cross(b, g, axisb, axisc, axisa, axis), a),
            _rt.unbroadcast(np.cross(g, a, axisc, axisa, axisb, axis), b))


@jvp(np.cross)
def cross_jvp(g, ans, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return np.cross(g, b, axisa, axisb, axisc, axis), np.cross(a, g, axisa, axisb, axisc, axis)


@vjp(*available(np.linalg, "cross"))  # np.cross of 3-vectors, with its own default axis
def linalg_cross_vjp(g, ans, a, b, *, axis=-1):
    return _rt.unbroadcast(np.cross(b, g, axis=axis), a), _rt.unbroadcast(np.cross(g, a, axis=axis), b)


@jvp(*available(np.linalg, "cross"))
def linalg_cross_jvp(g, ans, a, b, *, axis=-1):
    return np.linalg.cross(g, b, axis=axis), np.linalg.cross(a, g, axis=axis)


@vjp(np.convolve, np.polymul)  # polymul multiplies polynomials by convolving them
def convolve_vjp(g, ans, a, v, mode="full"):
    return _rt.convolve_vjp(g, a, v, mode, 0), _rt.convolve_vjp(g, a, v, mode, 1)


@jvp(np.convolve, np.polymul)
def convolve_jvp(g, ans, a, v, mode="full"):
    return np.convolve(g, v, mode), np.convolve(a, g, mode)


@vjp(np.correlate)
def correlate_vjp(g, ans, a, v, mode="valid"):
    return _rt.correlate_vjp(g, a, v, mode, 0), _rt.correlate_vjp(g, a, v, mode, 1)


@jvp(np.correlate)
def correlate_jvp(g, ans, a, v, mode="valid"):
    return np.correlate(g, v, mode), np.correlate(a, g, mode)

# ----------------------------------------------------------- tensors

@vjp(np.inner)
def inner_vjp(g, ans, a, b):
    return _rt.inner_vjp_a(g, a, b), _rt.inner_vjp_b(g, a, b)


@jvp(np.inner)
def inner_jvp(g, ans, a, b):
    return np.inner(g, b), np.inner(a, g)


@vjp(np.tensordot, *available(np.linalg, "tensordot"))  # the same, with keyword-only axes
def tensordot_vjp(g, ans, a, b, axes=2):
    return _rt.tensordot_vjp_a(g, a, b, axes), _rt.tensordot_vjp_b(g, a, b, axes)


@jvp(np.tensordot, *available(np.linalg, "tensordot"))
def tensordot_jvp(g, ans, a, b, axes=2):
    return np.tensordot(g, b, axes), np.tensordot(a, g, axes)


@vjp(np.kron)
def kron_vjp(g, ans, a, b):
    return _rt.kron_vjp(g, a, b, 0), _rt.kron_vjp(g, a, b, 1)


@jvp(np.kron)
def kron_jvp(g, ans, a, b):
    return np.kron(g, b), np.kron(a, g)


# einsum is linear in each operand: its tangent along operand k is einsum
# with the tangent in k's place, its cotangent for k an einsum of g with the
# others (einsum_operand_vjp). These rules are expanded once per argument
# `position` (a constant), so each is its own expression, differentiated again
# by the same rules and those of einsum_operand_vjp (runtime_rules.py)

@vjp(np.einsum)
def einsum_vjp(g, ans, subscripts, *operands, optimize=False, position=0):
    return None if position == 0 else _rt.einsum_operand_vjp(g, subscripts, position - 1, optimize, *operands)


@jvp(np.einsum)
def einsum_jvp(g, ans, subscripts, *operands, optimize=False, position=0):
    return None if position == 0 else np.einsum(subscripts, *operands[:position - 1], g, *operands[position:],
                                                optimize=optimize)
