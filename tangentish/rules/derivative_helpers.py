"""Rules for the runtime helpers behind the derivatives of particular NumPy
functions (np.append, np.resize, order statistics, polynomials, signals,
integrals, covariance and correlation, factorizations, tensor inverses,
interpolation), so that their derivatives can be differentiated again.

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
from . import jvp, linear, nondiff, vjp

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
# dx counts only where x is None (dx_weight).

@vjp(_rt.trapezoid_vjp)
def trapezoid_vjp_vjp(cot, ans, g, y, x=None, dx=1.0, axis=-1, which=0):
    return ((np.trapezoid(cot, x, dx, axis) if which == 0 else _rt.trapezoid_jvp_x(cot, y, x, axis) if which == 1
             else np.trapezoid(y, None, cot, axis) * _rt.dx_weight(x)),
            (None if which == 0 else _rt.trapezoid_vjp(g, y, cot, dx, axis, 0) if which == 1
             else _rt.trapezoid_vjp(g, y, None, cot, axis, 0) * _rt.dx_weight(x)),
            _rt.trapezoid_vjp(g, cot, x, dx, axis, 1) if which == 0 else None,
            _rt.trapezoid_vjp(g, cot, x, dx, axis, 2) if which == 0 else None, None, None)


@jvp(_rt.trapezoid_vjp)
def trapezoid_vjp_jvp(t, ans, g, y, x=None, dx=1.0, axis=-1, which=0):
    return (_rt.trapezoid_vjp(t, y, x, dx, axis, which),
            None if which == 0 else _rt.trapezoid_vjp(g, t, x, dx, axis, which),
            _rt.trapezoid_vjp(g, y, t, dx, axis, 0) if which == 0 else None,
            _rt.trapezoid_vjp(g, y, None, t, axis, 0) * _rt.dx_weight(x) if which == 0 else None, None, None)


@vjp(_rt.trapezoid_jvp_x)
def trapezoid_jvp_x_vjp(cot, ans, t, y, x, axis=-1):
    return _rt.trapezoid_vjp(cot, y, x, 1.0, axis, 1), _rt.trapezoid_vjp(cot, y, t, 1.0, axis, 0), None, None


@jvp(_rt.trapezoid_jvp_x)
def trapezoid_jvp_x_jvp(s, ans, t, y, x, axis=-1):
    return _rt.trapezoid_jvp_x(s, y, x, axis), _rt.trapezoid_jvp_x(t, s, x, axis), None, None

nondiff(_rt.dx_weight)  # whether np.trapezoid uses its dx: fixed by the call

# ----------------------------------------------------------- covariance (bilinear)
# cov_vjp(g, m, y, .., which) is the gradient in m (which=0) or y (1) of
# <g, cov(m, y)>, and cov_jvp(t, m, y, .., which) the tangent of cov along
# t in that operand: each is linear in g (t) and jointly in (m, y), and
# the two are transposes in g and t. The derivative in (m, y) is the same
# helper with the other factor in their place: the cotangent (or tangent)
# where its operand was, zeros in the other. g may be the 1 x 1 matrix
# np.corrcoef passes for one variable, where np.cov gives a scalar.

@vjp(_rt.cov_vjp)
def cov_vjp_vjp(cot, ans, g, m, y=None, rowvar=True, bias=False, ddof=None, which=0):
    m_in = cot if which == 0 else _rt.zeros_like(m)
    y_in = cot if which == 1 else None if y is None else _rt.zeros_like(y)
    return (np.reshape(_rt.cov_jvp(cot, m, y, rowvar, bias, ddof, which), np.shape(g)),
            _rt.cov_vjp(g, m_in, y_in, rowvar, bias, ddof, 0), _rt.cov_vjp(g, m_in, y_in, rowvar, bias, ddof, 1),
            None, None, None, None)


@jvp(_rt.cov_vjp)
def cov_vjp_jvp(t, ans, g, m, y=None, rowvar=True, bias=False, ddof=None, which=0):
    return (_rt.cov_vjp(t, m, y, rowvar, bias, ddof, which),
            _rt.cov_vjp(g, t, None if y is None else _rt.zeros_like(y), rowvar, bias, ddof, which),
            _rt.cov_vjp(g, _rt.zeros_like(m), t, rowvar, bias, ddof, which), None, None, None, None)


@vjp(_rt.cov_jvp)
def cov_jvp_vjp(cot, ans, t, m, y=None, rowvar=True, bias=False, ddof=None, which=0):
    m_in = t if which == 0 else _rt.zeros_like(m)
    y_in = t if which == 1 else None if y is None else _rt.zeros_like(y)
    return (_rt.cov_vjp(cot, m, y, rowvar, bias, ddof, which), _rt.cov_vjp(cot, m_in, y_in, rowvar, bias, ddof, 0),
            _rt.cov_vjp(cot, m_in, y_in, rowvar, bias, ddof, 1), None, None, None, None)


@jvp(_rt.cov_jvp)
def cov_jvp_jvp(s, ans, t, m, y=None, rowvar=True, bias=False, ddof=None, which=0):
    return (_rt.cov_jvp(s, m, y, rowvar, bias, ddof, which),
            _rt.cov_jvp(t, s, None if y is None else _rt.zeros_like(y), rowvar, bias, ddof, which),
            _rt.cov_jvp(t, _rt.zeros_like(m), s, rowvar, bias, ddof, which), None, None, None, None)

# ----------------------------------------------------------- correlation
# np.corrcoef is N(cov): corr_jvp(dc, c) = N'[dc] and corr_vjp(g, c) = N'^T g
# are transposes, linear in dc (g); along T, c moves them by N''[dc, T],
# symmetric in dc and T (corr_hvp), and by its transpose corr_hvp_vjp(g, T, c),
# the gradient in T of <g, N''[dc, T]>. Third derivatives are refused.

@jvp(_rt.corr_jvp)
def corr_jvp_jvp(s, ans, dc, c):
    return _rt.corr_jvp(s, c), _rt.corr_hvp(dc, s, c)


@vjp(_rt.corr_jvp)
def corr_jvp_vjp(cot, ans, dc, c):
    return _rt.corr_vjp(cot, c), _rt.corr_hvp_vjp(cot, dc, c)


@jvp(_rt.corr_vjp)
def corr_vjp_jvp(s, ans, g, c):
    return _rt.corr_vjp(s, c), _rt.corr_hvp_vjp(g, s, c)


@vjp(_rt.corr_vjp)
def corr_vjp_vjp(cot, ans, g, c):
    return _rt.corr_jvp(cot, c), _rt.corr_hvp_vjp(g, cot, c)


@jvp(_rt.corr_hvp)
def corr_hvp_jvp(s, ans, dc, t, c):
    return _rt.corr_hvp(s, t, c), _rt.corr_hvp(dc, s, c), _rt.unsupported_derivative("np.corrcoef", 3)


@vjp(_rt.corr_hvp)
def corr_hvp_vjp(cot, ans, dc, t, c):
    return _rt.corr_hvp_vjp(cot, t, c), _rt.corr_hvp_vjp(cot, dc, c), _rt.unsupported_derivative("np.corrcoef", 3)


@jvp(_rt.corr_hvp_vjp)
def corr_hvp_vjp_jvp(s, ans, g, dc, c):
    return _rt.corr_hvp_vjp(s, dc, c), _rt.corr_hvp_vjp(g, s, c), _rt.unsupported_derivative("np.corrcoef", 3)


@vjp(_rt.corr_hvp_vjp)
def corr_hvp_vjp_vjp(cot, ans, g, dc, c):
    return _rt.corr_hvp(dc, cot, c), _rt.corr_hvp_vjp(g, cot, c), _rt.unsupported_derivative("np.corrcoef", 3)

# ----------------------------------------------------------- factorizations (eigh, svd, qr)
# F = inverse_gaps(w), F_ij = 1 / (w_j - w_i) off the diagonal, moves by
# dF_ij = -F_ij^2 (dw_j - dw_i): numpy again, so every order works

@jvp(_rt.inverse_gaps)
def inverse_gaps_jvp(t, f, w):
    return -f * f * (np.expand_dims(t, -2) - np.expand_dims(t, -1))


@vjp(_rt.inverse_gaps)
def inverse_gaps_vjp(cot, f, w):
    h = -f * f * cot
    return np.sum(h, -2) - np.sum(h, -1)


@vjp(_rt.diag_embed)
def diag_embed_vjp(cot, ans, d):
    return np.diagonal(cot, 0, -2, -1)


linear(_rt.diag_embed)

# which factorizations have a derivative: a check on shapes and modes
nondiff(_rt.svd_rank, _rt.qr_r_only)

# ----------------------------------------------------------- tensor inverses
# reshaping into the square matrix that inv or solve sees: linear

@vjp(_rt.square_matrix)
def square_matrix_vjp(cot, ans, x):
    return np.reshape(cot, np.shape(x))


@vjp(_rt.tensorsolve_matrix)
def tensorsolve_matrix_vjp(cot, ans, a, b, axes=None):
    return np.reshape(cot, np.shape(a)), None, None


linear(_rt.square_matrix, _rt.tensorsolve_matrix)

# ----------------------------------------------------------- evaluating polynomials
# polyval_vjp_p(g, p, x) = V(x)^T g, V the Vandermonde matrix of x: against
# a cotangent c it is <g, polyval(c, x)>, so its gradient in g is
# polyval(c, x) and in x it is g polyval(polyder(c), x); x moves it along t
# by polyder's transpose of V'(x)^T (g t), V' the matrix of one power less.
# polyval_partial_x(p, x, m) = polyval(polyder(p, m), x) is linear in p;
# vander_partial(x, .., order) moves with x by vander_partial(.., order + 1)

@vjp(_rt.polyval_vjp_p)
def polyval_vjp_p_vjp(cot, ans, g, p, x):
    return np.polyval(cot, x), None, g * _rt.polyval_partial_x(cot, x)


@jvp(_rt.polyval_vjp_p)
def polyval_vjp_p_jvp(t, ans, g, p, x):
    return (_rt.polyval_vjp_p(t, p, x), None,
            _rt.polyder_vjp(_rt.polyval_vjp_p(g * t, np.polyder(p), x), p))


@vjp(_rt.polyval_partial_x)
def polyval_partial_x_vjp(cot, ans, p, x, m=1):
    return (_rt.polyder_vjp(_rt.polyval_vjp_p(cot, np.polyder(p, m), x), p, m),
            cot * _rt.polyval_partial_x(p, x, m + 1), None)


@jvp(_rt.polyval_partial_x)
def polyval_partial_x_jvp(t, ans, p, x, m=1):
    return _rt.polyval_partial_x(t, x, m), t * _rt.polyval_partial_x(p, x, m + 1), None


@vjp(_rt.vander_partial)
def vander_partial_vjp(cot, ans, x, n=None, increasing=False, order=1):
    return np.sum(cot * _rt.vander_partial(x, n, increasing, order + 1), axis=1)


@jvp(_rt.vander_partial)
def vander_partial_jvp(t, ans, x, n=None, increasing=False, order=1):
    return np.expand_dims(t, 1) * _rt.vander_partial(x, n, increasing, order + 1)

# ----------------------------------------------------------- quantiles
# quantile_vjp_x and quantile_jvp_x are transposes, linear in g (t), with
# weights 1 - f and f on two order statistics of x: their order does not
# move with x, and f moves with q by n - 1, so q moves them by
# quantile_gap (or its transpose) of g (t), scaled by q's tangent laid
# against the result. quantile_gap(v, x, q) is linear in v alone, and
# quantile_partial_q(x, q) = quantile_gap(x, x, q) moves with x by it.

@vjp(_rt.quantile_vjp_x)
def quantile_vjp_x_vjp(cot, ans, g, x, q, axis=None, keepdims=False):
    return (_rt.quantile_jvp_x(cot, x, q, axis, keepdims), None,
            np.sum(np.reshape(g * _rt.quantile_gap(cot, x, q, axis, keepdims), np.shape(q) + (-1,)), -1),
            None, None)


@jvp(_rt.quantile_vjp_x)
def quantile_vjp_x_jvp(t, ans, g, x, q, axis=None, keepdims=False):
    return (_rt.quantile_vjp_x(t, x, q, axis, keepdims), None,
            _rt.quantile_gap_vjp(g * np.reshape(t, _rt.quantile_layout(t, g)), x, q, axis, keepdims), None, None)


@vjp(_rt.quantile_jvp_x)
def quantile_jvp_x_vjp(cot, ans, t, x, q, axis=None, keepdims=False):
    return (_rt.quantile_vjp_x(cot, x, q, axis, keepdims), None,
            np.sum(np.reshape(cot * _rt.quantile_gap(t, x, q, axis, keepdims), np.shape(q) + (-1,)), -1),
            None, None)


@jvp(_rt.quantile_jvp_x)
def quantile_jvp_x_jvp(s, ans, t, x, q, axis=None, keepdims=False):
    return (_rt.quantile_jvp_x(s, x, q, axis, keepdims), None,
            np.reshape(s, _rt.quantile_layout(s, ans)) * _rt.quantile_gap(t, x, q, axis, keepdims), None, None)


@jvp(_rt.quantile_partial_q)
def quantile_partial_q_jvp(t, ans, x, q, axis=None, keepdims=False, scale=1.0):
    return _rt.quantile_gap(t, x, q, axis, keepdims, scale), None, None, None, None


@vjp(_rt.quantile_partial_q)
def quantile_partial_q_vjp(cot, ans, x, q, axis=None, keepdims=False, scale=1.0):
    return _rt.quantile_gap_vjp(cot, x, q, axis, keepdims, scale), None, None, None, None


@vjp(_rt.quantile_gap)
def quantile_gap_vjp(cot, ans, v, x, q, axis=None, keepdims=False, scale=1.0):
    return _rt.quantile_gap_vjp(cot, x, q, axis, keepdims, scale), None, None, None, None, None


@vjp(_rt.quantile_gap_vjp)
def quantile_gap_vjp_vjp(cot, ans, g, x, q, axis=None, keepdims=False, scale=1.0):
    return _rt.quantile_gap(cot, x, q, axis, keepdims, scale), None, None, None, None, None


linear(_rt.quantile_gap, _rt.quantile_gap_vjp)
nondiff(_rt.quantile_layout)

# ----------------------------------------------------------- interpolation
# which segment each point falls in is piecewise constant

nondiff(_rt.interp_segment, _rt.interp_inside)
