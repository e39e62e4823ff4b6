"""numpy.linalg: inverses, solves, determinants, factorizations with one
output, and norms. Matrices sit in the last two axes and may be stacked.

Derivatives hold where the function is smooth: `inv`, `solve` and `det` at
invertible matrices, `pinv` where the rank does not change, `eigvalsh` and
`svdvals` where the values are distinct. `cholesky` and `eigvalsh` read one
triangle of their input, as NumPy does, so their cotangents live there.

Factorizations with several outputs (`slogdet`, `eigh`, `svd`, `qr`) get
`g` and `ans` as tuples and return the tangent as one tuple. `eigh` and
`svd` assume distinct eigenvalues and distinct nonzero singular values
(elsewhere the vectors are not unique and the derivative does not exist);
`qr` is the reduced one of a matrix with at least as many rows as columns.
Their rules are written out in NumPy (and helpers that have rules of their
own), so the derivatives they produce can be differentiated again.
"""
import numpy as np

from .. import runtime as _rt
from . import ANY, ONE_ARRAY, THREE_ARRAYS, TWO_ARRAYS, available, jvp, returns, vjp

# ----------------------------------------------------------- inverses and solves

@vjp(np.linalg.inv)
def inv_vjp(g, ans, a):
    inv_t = np.swapaxes(ans, -1, -2)
    return -(inv_t @ g @ inv_t)


@jvp(np.linalg.inv)
def inv_jvp(g, ans, a):
    return -(ans @ g @ ans)


@vjp(np.linalg.solve)
def solve_vjp(g, ans, a, b):
    return _rt.solve_vjp_a(g, ans, a, b), _rt.solve_vjp_b(g, ans, a, b)


@jvp(np.linalg.solve)
def solve_jvp(g, ans, a, b):
    return _rt.solve_jvp_a(g, ans, a, b), np.linalg.solve(a, g)


# p = pinv(a) where the rank is locally constant (Golub and Pereyra 1973):
# dp = -p da p + p p^T da^T (I - a p) + (I - p a) da^T p^T p, and its
# adjoint the transpose of each term; products of a and p only, so their
# derivatives follow from the rules of matmul and pinv itself

@vjp(np.linalg.pinv)
def pinv_vjp(g, ans, a, rcond=None, hermitian=False):
    p_t = np.swapaxes(ans, -1, -2)
    left = np.swapaxes(g, -1, -2) @ ans @ p_t     # (I - a p) left
    right = p_t @ ans @ np.swapaxes(g, -1, -2)    # right (I - p a)
    return -(p_t @ g @ p_t) + left - a @ (ans @ left) + right - (right @ ans) @ a


@jvp(np.linalg.pinv)
def pinv_jvp(g, ans, a, rcond=None, hermitian=False):
    left = ans @ np.swapaxes(ans, -1, -2) @ np.swapaxes(g, -1, -2)    # left (I - a p)
    right = np.swapaxes(g, -1, -2) @ np.swapaxes(ans, -1, -2) @ ans   # (I - p a) right
    return -(ans @ g @ ans) + left - (left @ a) @ ans + right - ans @ (a @ right)


# d(a^n)[t] is the top-right block of [[a, t], [0, a]]^n, and its adjoint
# d(a^n)*[g] = sum_k (a^T)^k g (a^T)^(n-1-k) is d((a^T)^n)[g]: both are a
# matrix power again, so every order of derivative is one (n < 0 included)

@vjp(np.linalg.matrix_power)
def matrix_power_vjp(g, ans, a, n):
    size = np.shape(a)[-1]
    a_t = np.swapaxes(a, -1, -2)
    block = np.concatenate([np.concatenate([a_t, g], -1), np.concatenate([np.zeros_like(a_t), a_t], -1)], -2)
    return np.linalg.matrix_power(block, n)[..., :size, size:]


@jvp(np.linalg.matrix_power)
def matrix_power_jvp(g, ans, a, n):
    size = np.shape(a)[-1]
    block = np.concatenate([np.concatenate([a, g], -1), np.concatenate([np.zeros_like(a), a], -1)], -2)
    return np.linalg.matrix_power(block, n)[..., :size, size:]


# tensorinv and tensorsolve are inv and solve of a reshaped into a square
# matrix: X = A^-1 moves by -X dA X, and x = solve(A, b) by solve(A, db - dA x)

@vjp(np.linalg.tensorinv)
def tensorinv_vjp(g, ans, a, ind=2):
    inv_t = np.transpose(_rt.square_matrix(ans))
    return np.reshape(-(inv_t @ _rt.square_matrix(g) @ inv_t), np.shape(a))


@jvp(np.linalg.tensorinv)
def tensorinv_jvp(g, ans, a, ind=2):
    inv = _rt.square_matrix(ans)
    return np.reshape(-(inv @ _rt.square_matrix(g) @ inv), np.shape(ans))


@vjp(np.linalg.tensorsolve)
def tensorsolve_vjp(g, ans, a, b, axes=None):
    b_bar = np.linalg.solve(np.transpose(_rt.tensorsolve_matrix(a, b, axes)), np.ravel(g))
    return np.reshape(-np.outer(b_bar, np.ravel(ans)), np.shape(a)), np.reshape(b_bar, np.shape(b))


@jvp(np.linalg.tensorsolve)
def tensorsolve_jvp(g, ans, a, b, axes=None):
    matrix = _rt.tensorsolve_matrix(a, b, axes)
    return (np.reshape(np.linalg.solve(matrix, -_rt.tensorsolve_matrix(g, b, axes) @ np.ravel(ans)), np.shape(ans)),
            np.reshape(np.linalg.solve(matrix, np.ravel(g)), np.shape(ans)))

# ----------------------------------------------------------- determinant

@vjp(np.linalg.det)
def det_vjp(g, ans, a):
    # d det(a) = det(a) tr(a^-1 da): undefined where a is singular, as in autograd
    return np.expand_dims(g * ans, (-2, -1)) * np.swapaxes(np.linalg.inv(a), -1, -2)


@jvp(np.linalg.det)
def det_jvp(g, ans, a):
    return ans * np.trace(np.linalg.solve(a, g), axis1=-2, axis2=-1)


@vjp(np.linalg.slogdet)
def slogdet_vjp(g, ans, a):
    # (sign, log|det a|): the sign is piecewise constant, d log|det a| = tr(a^-1 da)
    return np.expand_dims(g[1], (-2, -1)) * np.swapaxes(np.linalg.inv(a), -1, -2)


@jvp(np.linalg.slogdet)
def slogdet_jvp(g, ans, a):
    return np.zeros_like(ans[0]), np.trace(np.linalg.solve(a, g), axis1=-2, axis2=-1)

# ----------------------------------------------------------- factorizations, spectra

# (w, v) = eigh(a), distinct eigenvalues, F = inverse_gaps(w) (1 / (w_j - w_i)
# off the diagonal): a's cotangent is V (diag(gw) + F * V^T gv) V^T,
# symmetrized; with M = V^T da V, dw = diag(M) and dv = V (F * M). Both read
# the triangle NumPy reads.

@vjp(np.linalg.eigh)
def eigh_vjp(g, ans, a, UPLO="L"):
    v = ans[1]
    vt = np.swapaxes(v, -1, -2)
    s = v @ (_rt.diag_embed(g[0]) + _rt.inverse_gaps(ans[0]) * (vt @ g[1])) @ vt
    return _rt.fold_triangle(0.5 * (s + np.swapaxes(s, -1, -2)), UPLO == "U")


@jvp(np.linalg.eigh)
def eigh_jvp(g, ans, a, UPLO="L"):
    m = np.swapaxes(ans[1], -1, -2) @ _rt.read_triangle(g, UPLO == "U") @ ans[1]
    return np.diagonal(m, 0, -2, -1), ans[1] @ (_rt.inverse_gaps(ans[0]) * m)


# (u, s, vh) = svd(a), distinct nonzero singular values, F = inverse_gaps(s^2)
# (Townsend 2016): with U^T gu = A and V^T gv = B, a's cotangent is
# U ((F * (A - A^T)) S + diag(gs) + S (F * (B - B^T))) V^T, plus
# (I - U U^T) gu S^-1 V^T for a tall a and U S^-1 gv^T (I - V V^T) for a
# wide one. With P = U^T da V: ds = diag(P), du = U (F * (P S + S P^T)) +
# (I - U U^T) da V S^-1, dv = V (F * (S P + P^T S)) + (I - V V^T) da^T U S^-1.
# Without u and v (compute_uv=False) they are computed, their cotangents zero.

@vjp(np.linalg.svd)
def svd_vjp(g, ans, a, full_matrices=True, compute_uv=True):
    k = _rt.svd_rank(a, full_matrices and compute_uv)
    usv = ans if compute_uv else np.linalg.svd(a, full_matrices=False)
    u = usv[0]
    s = usv[1]
    vh = usv[2]
    gu = g[0] if compute_uv else _rt.zeros_like(u)
    gv = np.swapaxes(g[2] if compute_uv else _rt.zeros_like(vh), -1, -2)
    f = _rt.inverse_gaps(s * s)
    ut_gu = np.swapaxes(u, -1, -2) @ gu
    vt_gv = vh @ gv
    inner = ((f * (ut_gu - np.swapaxes(ut_gu, -1, -2))) * np.expand_dims(s, -2)
             + _rt.diag_embed(g[1] if compute_uv else g)
             + np.expand_dims(s, -1) * (f * (vt_gv - np.swapaxes(vt_gv, -1, -2))))
    tall = ((gu - u @ ut_gu) / np.expand_dims(s, -2)) @ vh if np.shape(a)[-2] > k else 0.0
    wide = (u @ ((np.swapaxes(gv, -1, -2) - np.swapaxes(vt_gv, -1, -2) @ vh) / np.expand_dims(s, -1))
            if np.shape(a)[-1] > k else 0.0)
    return u @ inner @ vh + tall + wide


@jvp(np.linalg.svd)
def svd_jvp(g, ans, a, full_matrices=True, compute_uv=True):
    k = _rt.svd_rank(a, full_matrices and compute_uv)
    usv = ans if compute_uv else np.linalg.svd(a, full_matrices=False)
    u = usv[0]
    s = usv[1]
    v = np.swapaxes(usv[2], -1, -2)
    p = np.swapaxes(u, -1, -2) @ g @ v
    f = _rt.inverse_gaps(s * s)
    row = np.expand_dims(s, -1)
    col = np.expand_dims(s, -2)
    du = u @ (f * (p * col + row * np.swapaxes(p, -1, -2)))
    dv = v @ (f * (row * p + np.swapaxes(p, -1, -2) * col))
    du_tall = (g @ v - u @ p) / col if np.shape(a)[-2] > k else 0.0
    dv_wide = (np.swapaxes(g, -1, -2) @ u - v @ np.swapaxes(p, -1, -2)) / col if np.shape(a)[-1] > k else 0.0
    return ((du + du_tall, np.diagonal(p, 0, -2, -1), np.swapaxes(dv + dv_wide, -1, -2)) if compute_uv
            else np.diagonal(p, 0, -2, -1))


# (q, r) = qr(a), reduced, m >= n, r invertible: with B = Q^T gq - gr R^T,
# a's cotangent is (Q (gr R^T + tril(B - B^T, -1)) + (I - Q Q^T) gq) R^-T;
# with C = Q^T da R^-1 and the antisymmetric O = tril(C, -1) - tril(C, -1)^T,
# dr = (C - O) R and dq = Q O + (I - Q Q^T) da R^-1. With mode="r", q is
# computed again and its cotangent is zero.

@vjp(np.linalg.qr)
def qr_vjp(g, ans, a, mode="reduced"):
    r_only = _rt.qr_r_only(a, mode)
    qr = np.linalg.qr(a) if r_only else ans
    q = qr[0]
    gq = _rt.zeros_like(q) if mode == "r" else g[0]
    gr_rt = (g if mode == "r" else g[1]) @ np.swapaxes(qr[1], -1, -2)
    qt_gq = np.swapaxes(q, -1, -2) @ gq
    b = qt_gq - gr_rt
    x = q @ (gr_rt + np.tril(b - np.swapaxes(b, -1, -2), -1)) + gq - q @ qt_gq
    return np.swapaxes(np.linalg.solve(qr[1], np.swapaxes(x, -1, -2)), -1, -2)


@jvp(np.linalg.qr)
def qr_jvp(g, ans, a, mode="reduced"):
    r_only = _rt.qr_r_only(a, mode)
    qr = np.linalg.qr(a) if r_only else ans
    t_rinv = np.swapaxes(np.linalg.solve(np.swapaxes(qr[1], -1, -2), np.swapaxes(g, -1, -2)), -1, -2)
    c = np.swapaxes(qr[0], -1, -2) @ t_rinv
    omega = np.tril(c, -1) - np.swapaxes(np.tril(c, -1), -1, -2)
    r_dot = (c - omega) @ qr[1]
    return r_dot if mode == "r" else (qr[0] @ omega + t_rinv - qr[0] @ c, r_dot)


def _svd_outputs(a, full_matrices=True, compute_uv=True, hermitian=False):
    return {True: THREE_ARRAYS, False: ONE_ARRAY}.get(compute_uv, ANY)


def _qr_outputs(a, mode="reduced"):
    if mode == ANY:  # not a constant
        return ANY
    return ONE_ARRAY if mode == "r" else TWO_ARRAYS


returns(TWO_ARRAYS, np.linalg.slogdet, np.linalg.eigh)
returns(_svd_outputs, np.linalg.svd)  # (u, s, vh), or s alone with compute_uv=False
returns(_qr_outputs, np.linalg.qr)    # (q, r), or r alone with mode="r"


# a = L L^T (Murray 2016): dL = L phi(L^-1 da L^-T), phi the lower triangle
# with the diagonal halved, da read from the triangle NumPy reads; the
# adjoint is sym(L^-T phi(L^T g) L^-1) folded onto that triangle. Both are
# solves and products of L, so their derivatives follow from the rules of
# solve, matmul and cholesky itself, to any order

@vjp(np.linalg.cholesky)
def cholesky_vjp(g, ans, a, *, upper=False):
    low_t = ans if upper else np.swapaxes(ans, -1, -2)
    inner = _rt.phi(low_t @ (np.swapaxes(g, -1, -2) if upper else g))
    s = np.linalg.solve(low_t, np.swapaxes(np.linalg.solve(low_t, np.swapaxes(inner, -1, -2)), -1, -2))
    return _rt.fold_triangle(0.5 * (s + np.swapaxes(s, -1, -2)), upper)


@jvp(np.linalg.cholesky)
def cholesky_jvp(g, ans, a, *, upper=False):
    low = np.swapaxes(ans, -1, -2) if upper else ans
    inner = np.linalg.solve(low, np.swapaxes(np.linalg.solve(low, _rt.read_triangle(g, upper)), -1, -2))
    dot = low @ _rt.phi(inner)
    return np.swapaxes(dot, -1, -2) if upper else dot


# the eigenvalues' part of eigh's rules, with the eigenvectors computed again

@vjp(np.linalg.eigvalsh)
def eigvalsh_vjp(g, ans, a, UPLO="L"):
    v = np.linalg.eigh(a, UPLO)[1]
    return _rt.fold_triangle((v * np.expand_dims(g, -2)) @ np.swapaxes(v, -1, -2), UPLO == "U")


@jvp(np.linalg.eigvalsh)
def eigvalsh_jvp(g, ans, a, UPLO="L"):
    v = np.linalg.eigh(a, UPLO)[1]
    return np.einsum("...ji,...jk,...ki->...i", v, _rt.read_triangle(g, UPLO == "U"), v)


# the singular values' part of svd's rules, with the vectors computed again

@vjp(*available(np.linalg, "svdvals"))
def svdvals_vjp(g, ans, a):
    usv = np.linalg.svd(a, full_matrices=False)
    return (usv[0] * np.expand_dims(g, -2)) @ usv[2]


@jvp(*available(np.linalg, "svdvals"))
def svdvals_jvp(g, ans, a):
    usv = np.linalg.svd(a, full_matrices=False)
    return np.einsum("...ji,...jk,...ik->...i", usv[0], g, usv[2])

# ----------------------------------------------------------- norms

@vjp(np.linalg.norm)
def norm_vjp(g, ans, x, ord=None, axis=None, keepdims=False):
    return _rt.unreduce(g, x, axis, keepdims) * _rt.norm_partial(x, ans, ord, axis, keepdims)


@jvp(np.linalg.norm)
def norm_jvp(g, ans, x, ord=None, axis=None, keepdims=False):
    return np.sum(g * _rt.norm_partial(x, ans, ord, axis, keepdims), axis=axis, keepdims=keepdims)


@vjp(*available(np.linalg, "vector_norm"))
def vector_norm_vjp(g, ans, x, *, axis=None, keepdims=False, ord=2):
    return _rt.unreduce(g, x, axis, keepdims) * _rt.vector_norm_partial(x, ans, ord, axis, keepdims)


@jvp(*available(np.linalg, "vector_norm"))
def vector_norm_jvp(g, ans, x, *, axis=None, keepdims=False, ord=2):
    return np.sum(g * _rt.vector_norm_partial(x, ans, ord, axis, keepdims), axis=axis, keepdims=keepdims)


@vjp(*available(np.linalg, "matrix_norm"))
def matrix_norm_vjp(g, ans, x, *, keepdims=False, ord="fro"):
    return _rt.unreduce(g, x, (-2, -1), keepdims) * _rt.matrix_norm_partial(x, ans, ord, (-2, -1), keepdims)


@jvp(*available(np.linalg, "matrix_norm"))
def matrix_norm_jvp(g, ans, x, *, keepdims=False, ord="fro"):
    return np.sum(g * _rt.matrix_norm_partial(x, ans, ord, (-2, -1), keepdims), axis=(-2, -1), keepdims=keepdims)
