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
    return np.log(2.0) * ans


@elementwise(np.log)
def log_partial(x):
    return 1.0 / x


@elementwise(np.log2)
def log2_partial(x):
    return 1.0 / (x * np.log(2.0))


@elementwise(np.log10)
def log10_partial(x):
    return 1.0 / (x * np.log(10.0))


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
        np.bool_)
