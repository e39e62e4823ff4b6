"""NumPy's elementwise functions: one partial per argument serves both modes."""
import numpy as np

from .. import runtime as _rt
from . import elementwise, nondiff, vjp, jvp

# ----------------------------------------------------------- trigonometric

@elementwise(np.sin)
def sin_partial(x):
    return np.cos(x)


@elementwise(np.cos)
def cos_partial(x):
    return -np.sin(x)


@elementwise(np.tan)
def tan_partial(x, ans):
    return 1.0 + ans ** 2


@elementwise(np.arcsin)
def arcsin_partial(x):
    return 1.0 / np.sqrt(1.0 - x ** 2)


@elementwise(np.arccos)
def arccos_partial(x):
    return -1.0 / np.sqrt(1.0 - x ** 2)


@elementwise(np.arctan)
def arctan_partial(x):
    return 1.0 / (1.0 + x ** 2)


@elementwise(np.arctan2)
def arctan2_partials(y, x):
    return x / (x * x + y * y), -y / (x * x + y * y)


@elementwise(np.deg2rad, np.radians)
def deg2rad_partial(x):
    return np.pi / 180.0


@elementwise(np.rad2deg, np.degrees)
def rad2deg_partial(x):
    return 180.0 / np.pi


@elementwise(np.sinc)
def sinc_partial(x, ans):
    # d/dx sin(pi x)/(pi x) = (cos(pi x) - sinc(x)) / x, and 0 at x = 0
    return np.where(x == 0, 0.0, (np.cos(np.pi * x) - ans) / _rt.replace_zero(x, 1.0))

# ----------------------------------------------------------- hyperbolic

@elementwise(np.sinh)
def sinh_partial(x):
    return np.cosh(x)


@elementwise(np.cosh)
def cosh_partial(x):
    return np.sinh(x)


@elementwise(np.tanh)
def tanh_partial(x, ans):
    return 1.0 - ans ** 2


@elementwise(np.arcsinh)
def arcsinh_partial(x):
    return 1.0 / np.sqrt(x * x + 1.0)


@elementwise(np.arccosh)
def arccosh_partial(x):
    return 1.0 / np.sqrt(x * x - 1.0)


@elementwise(np.arctanh)
def arctanh_partial(x):
    return 1.0 / (1.0 - x * x)

# ----------------------------------------------------------- exp, log, roots

@elementwise(np.exp)
def exp_partial(x, ans):
    return ans


@elementwise(np.exp2)
def exp2_partial(x, ans):
    return _rt.LN2 * ans


@elementwise(np.expm1)
def expm1_partial(x, ans):
    return ans + 1.0


@elementwise(np.log)
def log_partial(x):
    return 1.0 / x


@elementwise(np.log1p)
def log1p_partial(x):
    return 1.0 / (1.0 + x)


@elementwise(np.log2)
def log2_partial(x):
    return 1.0 / (x * _rt.LN2)


@elementwise(np.log10)
def log10_partial(x):
    return 1.0 / (x * _rt.LN10)


@elementwise(np.logaddexp)
def logaddexp_partials(x, y, ans):
    return np.exp(x - ans), np.exp(y - ans)


@elementwise(np.logaddexp2)
def logaddexp2_partials(x, y, ans):
    return np.exp2(x - ans), np.exp2(y - ans)


@elementwise(np.cbrt)
def cbrt_partial(x, ans):
    return 1.0 / (3.0 * ans * ans)


@elementwise(np.reciprocal)
def reciprocal_partial(x, ans):
    return -ans * ans


@elementwise(np.sqrt)
def sqrt_partial(x, ans):
    return 0.5 / ans


@elementwise(np.square)
def square_partial(x):
    return 2.0 * x


@elementwise(np.hypot)
def hypot_partials(x, y, ans):
    # 0 at the origin, where the cone has no derivative (as np.linalg.norm)
    return x / _rt.replace_zero(ans, 1.0), y / _rt.replace_zero(ans, 1.0)


# ----------------------------------------------------------- piecewise

@elementwise(np.abs, np.absolute)
def abs_partial(x):
    return np.sign(x)  # 0 at 0, as autograd


@elementwise(np.maximum, np.minimum, np.fmax, np.fmin)
def extremum_partials(x, y, ans):
    return _rt.balanced_eq(x, ans, y), _rt.balanced_eq(y, ans, x)


@elementwise(np.fabs)
def fabs_partial(x):
    return np.sign(x)


@elementwise(np.copysign)
def copysign_partials(x, y):
    # |x| with the sign of y, signed zeros included: copysign(x, -0.0) = -|x|
    return np.copysign(1.0, x) * np.copysign(1.0, y), None


@elementwise(np.clip)
def clip_partials(x, a_min, a_max):
    # inside the interval the value is x; outside, the bound that clipped it;
    # on a bound, nothing (autograd's convention: docs/getting-started.md)
    return (x > a_min) & (x < a_max), 1.0 * (x < a_min), 1.0 * (x > a_max)


@elementwise(np.remainder)
def remainder_partials(x, y):
    return 1.0, -np.floor(x / y)


@elementwise(np.fmod)
def fmod_partials(x, y):
    return 1.0, -np.trunc(x / y)


@elementwise(np.ldexp)
def ldexp_partials(x, n):
    return np.ldexp(np.ones_like(x), n), None  # n is an integer


@elementwise(np.heaviside)
def heaviside_partials(x, h0):
    return None, x == 0  # a step in x; h0 is the value at x = 0


@elementwise(np.conjugate)
def conjugate_partial(x):
    return 1.0  # real inputs only: tangentish does not differentiate complex values


@elementwise(np.nan_to_num)
def nan_to_num_partial(x):
    return np.isfinite(x)


# ----------------------------------------------------------- selection

@vjp(np.where)
def where_vjp(g, ans, c, x, y):
    return None, _rt.unbroadcast(np.where(c, g, 0.0), x), _rt.unbroadcast(np.where(c, 0.0, g), y)


@jvp(np.where)
def where_jvp(g, ans, c, x, y):
    return None, _rt.broadcast_like(np.where(c, g, 0.0), ans), _rt.broadcast_like(np.where(c, 0.0, g), ans)


# ----------------------------------------------------------- no derivative

nondiff(np.sign, np.floor, np.ceil, np.round, np.rint, np.trunc,
        np.isnan, np.isinf, np.isfinite, np.greater, np.greater_equal,
        np.less, np.less_equal, np.equal, np.not_equal, np.logical_and,
        np.logical_or, np.logical_not, np.argmax, np.argmin, np.shape,
        np.ndim, np.size, np.zeros, np.ones, np.zeros_like, np.ones_like,
        np.empty, np.empty_like, np.full, np.full_like, np.eye, np.arange,
        np.linspace, np.int8, np.int16, np.int32, np.int64, np.uint8, np.intp,
        np.bool_, np.floor_divide, np.fix, np.around, np.signbit,
        np.isclose, np.allclose, np.array_equal, np.array_equiv, np.isreal, np.iscomplex,
        np.isrealobj, np.iscomplexobj, np.isscalar, np.isneginf, np.isposinf,
        np.logical_xor, np.any, np.all, np.count_nonzero, np.nonzero, np.flatnonzero,
        np.argwhere, np.argsort, np.argpartition, np.lexsort, np.searchsorted, np.digitize,
        np.nanargmax, np.nanargmin,
        np.result_type, np.imag, np.tri, np.identity, np.indices, np.tril_indices,
        np.triu_indices, np.diag_indices, np.unravel_index, np.ravel_multi_index,
        np.isin, np.gcd, np.lcm, np.linalg.matrix_rank)
