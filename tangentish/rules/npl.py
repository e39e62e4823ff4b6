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


@vjp(np.linalg.tensorinv)
def tensorinv_vjp(g, ans, a, ind=2):
    return _rt.tensorinv_vjp(g, ans, a, ind)


@jvp(np.linalg.tensorinv)
def tensorinv_jvp(g, ans, a, ind=2):
    return _rt.tensorinv_jvp(g, ans, a, ind)


@vjp(np.linalg.tensorsolve)
def tensorsolve_vjp(g, ans, a, b, axes=None):
    return _rt.tensorsolve_vjp(g, ans, a, b, axes, 0), _rt.tensorsolve_vjp(g, ans, a, b, axes, 1)


@jvp(np.linalg.tensorsolve)
def tensorsolve_jvp(g, ans, a, b, axes=None):
    return _rt.tensorsolve_jvp(g, ans, a, b, axes, 0), _rt.tensorsolve_jvp(g, ans, a, b, axes, 1)

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

@vjp(np.linalg.eigh)
def eigh_vjp(g, ans, a, UPLO="L"):
    return _rt.eigh_vjp(g, ans, a, UPLO)


@jvp(np.linalg.eigh)
def eigh_jvp(g, ans, a, UPLO="L"):
    return _rt.eigh_jvp(g, ans, a, UPLO)


@vjp(np.linalg.svd)
def svd_vjp(g, ans, a, full_matrices=True, compute_uv=True):
    return _rt.svd_vjp(g, ans, a, full_matrices, compute_uv)


@jvp(np.linalg.svd)
def svd_jvp(g, ans, a, full_matrices=True, compute_uv=True):
    return _rt.svd_jvp(g, ans, a, full_matrices, compute_uv)


@vjp(np.linalg.qr)
def qr_vjp(g, ans, a, mode="reduced"):
    return _rt.qr_vjp(g, ans, a, mode)


@jvp(np.linalg.qr)
def qr_jvp(g, ans, a, mode="reduced"):
    return _rt.qr_jvp(g, ans, a, mode)


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


@vjp(np.linalg.eigvalsh)
def eigvalsh_vjp(g, ans, a, UPLO="L"):
    return _rt.eigvalsh_vjp(g, a, UPLO)


@jvp(np.linalg.eigvalsh)
def eigvalsh_jvp(g, ans, a, UPLO="L"):
    return _rt.eigvalsh_jvp(g, a, UPLO)


@vjp(*available(np.linalg, "svdvals"))
def svdvals_vjp(g, ans, a):
    return _rt.svdvals_vjp(g, a)


@jvp(*available(np.linalg, "svdvals"))
def svdvals_jvp(g, ans, a):
    return _rt.svdvals_jvp(g, a)

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
