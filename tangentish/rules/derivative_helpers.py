"""Rules for the runtime helpers behind the derivatives of particular NumPy
functions (np.append, np.resize, order statistics, polynomials, signals,
integrals, covariance), so that their derivatives can be differentiated
again.

Most of these helpers are linear maps of the cotangent (or tangent) they
are given; the other arguments supply shapes, indices or an order, and
carry no derivative. The rule of such a helper is its transpose, which is
the matching forward rule or the NumPy function itself. The bilinear ones
(a convolution's adjoint is linear in g and in the other factor) take
their derivative in the second factor from the same helper, with the
cotangent put in that factor's place.
"""
import numpy as np

from .. import runtime as _rt
from . import available, jvp, linear, nondiff, vjp

# ----------------------------------------------------------- joining, cycling, counting
# the transpose of reading a part of g is writing into zeros shaped like g

@vjp(_rt.append_vjp)
def append_vjp_vjp(cot, ans, g, arr, values, axis=None, which=0):
    return ((np.append(cot, _rt.zeros_like(values), axis) if which == 0
             else np.append(_rt.zeros_like(arr), cot, axis)), None, None, None, None)


@vjp(_rt.resize_vjp)
def resize_vjp_vjp(cot, ans, g, x, shape):
    return np.resize(cot, shape), None, None


@vjp(_rt.bincount_vjp)
def bincount_vjp_vjp(cot, ans, g, x, weights):
    return np.bincount(np.ravel(x), np.ravel(cot), len(g)), None, None


linear(_rt.append_vjp, _rt.resize_vjp, _rt.bincount_vjp)

# ----------------------------------------------------------- differences and permutations
# each helper pair is one Jacobian and its transpose: the rule of either is the other

@vjp(_rt.ediff1d_vjp)
def ediff1d_vjp_vjp(cot, ans, g, ary, to_end=None, to_begin=None, which=0):
    return _rt.ediff1d_jvp(cot, ary, to_end, to_begin, which), None, None, None, None


@vjp(_rt.ediff1d_jvp)
def ediff1d_jvp_vjp(cot, ans, t, ary, to_end=None, to_begin=None, which=0):
    return _rt.ediff1d_vjp(cot, ary, to_end, to_begin, which), None, None, None, None


@vjp(_rt.partition_vjp)
def partition_vjp_vjp(cot, ans, g, partitioned, x, axis=-1):
    return _rt.partition_jvp(cot, partitioned, x, axis), None, None, None


@vjp(_rt.partition_jvp)
def partition_jvp_vjp(cot, ans, t, partitioned, x, axis=-1):
    return _rt.partition_vjp(cot, partitioned, x, axis), None, None, None


linear(_rt.ediff1d_vjp, _rt.ediff1d_jvp, _rt.partition_vjp, _rt.partition_jvp)

# ----------------------------------------------------------- polynomial coefficients
# polyder and polyint are linear in the coefficients: their adjoints'
# transposes are polyder and polyint again; polyadd's adjoint keeps g's
# last entries, so its transpose pads in front

@vjp(_rt.polyder_vjp)
def polyder_vjp_vjp(cot, ans, g, p, m=1):
    return np.polyder(cot, m), None, None


@vjp(_rt.polyint_vjp)
def polyint_vjp_vjp(cot, ans, g, p, m=1):
    return np.polyint(cot, m), None, None


@vjp(_rt.polyadd_vjp)
def polyadd_vjp_vjp(cot, ans, g, a, sign=1.0):
    return sign * np.pad(np.ravel(cot), (len(g) - np.size(a), 0)), None, None


linear(_rt.polyder_vjp, _rt.polyint_vjp, _rt.polyadd_vjp)

# ----------------------------------------------------------- order statistics
# which entries the median picks, and with what weight, is piecewise constant

nondiff(_rt.median_partial)

# ----------------------------------------------------------- convolutions (bilinear)
# convolve_vjp(g, a, v, mode, 0) is the gradient in a of <g, convolve(a, v)>:
# against a cotangent c shaped like a it is <g, convolve(c, v)>, so its
# gradient in g is convolve(c, v) and in v it is convolve_vjp(g, c, v, mode, 1);
# a itself only gives the shape (which=1: the same with the roles swapped).
# np.correlate likewise.

@vjp(_rt.convolve_vjp)
def convolve_vjp_vjp(cot, ans, g, a, v, mode="full", which=0):
    return ((np.convolve(cot, v, mode) if which == 0 else np.convolve(a, cot, mode)),
            None if which == 0 else _rt.convolve_vjp(g, a, cot, mode, 0),
            _rt.convolve_vjp(g, cot, v, mode, 1) if which == 0 else None, None, None)


@jvp(_rt.convolve_vjp)
def convolve_vjp_jvp(t, ans, g, a, v, mode="full", which=0):
    return (_rt.convolve_vjp(t, a, v, mode, which),
            None if which == 0 else _rt.convolve_vjp(g, t, v, mode, which),
            _rt.convolve_vjp(g, a, t, mode, which) if which == 0 else None, None, None)


@vjp(_rt.correlate_vjp)
def correlate_vjp_vjp(cot, ans, g, a, v, mode="valid", which=0):
    return ((np.correlate(cot, v, mode) if which == 0 else np.correlate(a, cot, mode)),
            None if which == 0 else _rt.correlate_vjp(g, a, cot, mode, 0),
            _rt.correlate_vjp(g, cot, v, mode, 1) if which == 0 else None, None, None)


@jvp(_rt.correlate_vjp)
def correlate_vjp_jvp(t, ans, g, a, v, mode="valid", which=0):
    return (_rt.correlate_vjp(t, a, v, mode, which),
            None if which == 0 else _rt.correlate_vjp(g, t, v, mode, which),
            _rt.correlate_vjp(g, a, t, mode, which) if which == 0 else None, None, None)

# ----------------------------------------------------------- the trapezoidal rule (bilinear)
# trapezoid(y, x) = sum(pair_means(y) * steps), steps = diff(x) or dx: each
# adjoint is linear in g and in one of y and the steps. Against a
# cotangent c: trapezoid_vjp(.., 0) spreads g * steps / 2 onto y's entries,
# so its gradient in g is trapezoid(c, x, dx) and in x (dx) it is
# trapezoid_vjp(g, c, x, dx, .., 1 (2)); trapezoid_vjp(.., 1) is
# diff_vjp(g * pair_means(y)), whose gradient in g is trapezoid_jvp_x(c, y)
# and in y trapezoid_vjp(g, y, c, .., 0); trapezoid_vjp(.., 2) sums
# g * pair_means(y): in g, trapezoid(y, None, c), in y trapezoid_vjp(g, y, None, c, .., 0).

@vjp(_rt.trapezoid_vjp)
def trapezoid_vjp_vjp(cot, ans, g, y, x=None, dx=1.0, axis=-1, which=0):
    return ((np.trapezoid(cot, x, dx, axis) if which == 0 else _rt.trapezoid_jvp_x(cot, y, x, axis) if which == 1
             else np.trapezoid(y, None, cot, axis)),
            (None if which == 0 else _rt.trapezoid_vjp(g, y, cot, dx, axis, 0) if which == 1
             else _rt.trapezoid_vjp(g, y, None, cot, axis, 0)),
            _rt.trapezoid_vjp(g, cot, x, dx, axis, 1) if which == 0 else None,
            _rt.trapezoid_vjp(g, cot, x, dx, axis, 2) if which == 0 else None, None, None)


@jvp(_rt.trapezoid_vjp)
def trapezoid_vjp_jvp(t, ans, g, y, x=None, dx=1.0, axis=-1, which=0):
    return (_rt.trapezoid_vjp(t, y, x, dx, axis, which),
            None if which == 0 else _rt.trapezoid_vjp(g, t, x, dx, axis, which),
            _rt.trapezoid_vjp(g, y, t, dx, axis, 0) if which == 0 else None,
            _rt.trapezoid_vjp(g, y, None, t, axis, 0) if which == 0 else None, None, None)


@vjp(_rt.trapezoid_jvp_x)
def trapezoid_jvp_x_vjp(cot, ans, t, y, x, axis=-1):
    return _rt.trapezoid_vjp(cot, y, x, 1.0, axis, 1), _rt.trapezoid_vjp(cot, y, t, 1.0, axis, 0), None, None


@jvp(_rt.trapezoid_jvp_x)
def trapezoid_jvp_x_jvp(s, ans, t, y, x, axis=-1):
    return _rt.trapezoid_jvp_x(s, y, x, axis), _rt.trapezoid_jvp_x(t, s, x, axis), None, None
