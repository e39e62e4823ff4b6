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


@vjp(np.linalg.pinv)
def pinv_vjp(g, ans, a, rcond=None, hermitian=False):
    return _rt.pinv_vjp(g, ans, a)


@jvp(np.linalg.pinv)
def pinv_jvp(g, ans, a, rcond=None, hermitian=False):
    return _rt.pinv_jvp(g, ans, a)


@vjp(np.linalg.matrix_power)
def matrix_power_vjp(g, ans, a, n):
    return _rt.matrix_power_vjp(g, a, n)


@jvp(np.linalg.matrix_power)
def matrix_power_jvp(g, ans, a, n):
    return _rt.matrix_power_jvp(g, a, n)

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


@vjp(np.linalg.cholesky)
def cholesky_vjp(g, ans, a, *, upper=False):
    return _rt.cholesky_vjp(g, ans, a, upper)


@jvp(np.linalg.cholesky)
def cholesky_jvp(g, ans, a, *, upper=False):
    return _rt.cholesky_jvp(g, ans, a, upper)


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
