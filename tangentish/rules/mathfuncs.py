"""The `math` module's differentiable functions, on Python scalars."""
import math

from . import available, elementwise, nondiff

# ----------------------------------------------------------- trigonometric

@elementwise(math.sin)
def sin_partial(x):
    return math.cos(x)


@elementwise(math.cos)
def cos_partial(x):
    return -math.sin(x)


@elementwise(math.tan)
def tan_partial(x, ans):
    return 1.0 + ans ** 2


@elementwise(math.asin)
def asin_partial(x):
    return 1.0 / math.sqrt(1.0 - x ** 2)


@elementwise(math.acos)
def acos_partial(x):
    return -1.0 / math.sqrt(1.0 - x ** 2)


@elementwise(math.atan)
def atan_partial(x):
    return 1.0 / (1.0 + x ** 2)


@elementwise(math.atan2)
def atan2_partials(y, x):
    return x / (x ** 2 + y ** 2), -y / (x ** 2 + y ** 2)


@elementwise(math.hypot)
def hypot_partials(x, y, ans):
    return x / ans, y / ans

# ----------------------------------------------------------- hyperbolic

@elementwise(math.sinh)
def sinh_partial(x):
    return math.cosh(x)


@elementwise(math.cosh)
def cosh_partial(x):
    return math.sinh(x)


@elementwise(math.tanh)
def tanh_partial(x, ans):
    return 1.0 - ans ** 2


@elementwise(math.asinh)
def asinh_partial(x):
    return 1.0 / math.sqrt(x ** 2 + 1.0)


@elementwise(math.acosh)
def acosh_partial(x):
    return 1.0 / math.sqrt(x ** 2 - 1.0)


@elementwise(math.atanh)
def atanh_partial(x):
    return 1.0 / (1.0 - x ** 2)

# ----------------------------------------------------------- exp, log, roots

@elementwise(math.exp)
def exp_partial(x, ans):
    return ans


@elementwise(math.expm1)
def expm1_partial(x, ans):
    return ans + 1.0


@elementwise(*available(math, "exp2"))  # Python 3.11+
def exp2_partial(x, ans):
    return math.log(2.0) * ans


@elementwise(math.log)
def log_partials(x, base=None):
    return (1.0 / x if base is None else 1.0 / (x * math.log(base)),
            None if base is None else -math.log(x) / (base * math.log(base) ** 2))


@elementwise(math.log2)
def log2_partial(x):
    return 1.0 / (x * math.log(2.0))


@elementwise(math.log10)
def log10_partial(x):
    return 1.0 / (x * math.log(10.0))


@elementwise(math.log1p)
def log1p_partial(x):
    return 1.0 / (1.0 + x)


@elementwise(math.sqrt)
def sqrt_partial(x, ans):
    return 0.5 / ans


@elementwise(*available(math, "cbrt"))  # Python 3.11+
def cbrt_partial(x, ans):
    return 1.0 / (3.0 * ans * ans)


@elementwise(math.pow)
def pow_partials(x, y, ans):
    return y * math.pow(x, y - 1.0), (math.log(x) * ans if x > 0 else 0.0)

# ----------------------------------------------------------- special, piecewise

@elementwise(math.erf)
def erf_partial(x):
    return 2.0 / math.sqrt(math.pi) * math.exp(-x ** 2)


@elementwise(math.erfc)
def erfc_partial(x):
    return -2.0 / math.sqrt(math.pi) * math.exp(-x ** 2)


@elementwise(math.fabs)
def fabs_partial(x):
    return math.copysign(1.0, x) if x != 0 else 0.0


@elementwise(math.copysign)
def copysign_partials(x, y):
    return math.copysign(1.0, x) * math.copysign(1.0, y), None


@elementwise(math.fmod)
def fmod_partials(x, y):
    return 1.0, -math.trunc(x / y)


@elementwise(math.remainder)
def remainder_partials(x, y):
    return 1.0, -round(x / y)


@elementwise(math.degrees)
def degrees_partial(x):
    return 180.0 / math.pi


@elementwise(math.radians)
def radians_partial(x):
    return math.pi / 180.0


nondiff(math.floor, math.ceil, math.trunc, math.isnan, math.isinf,
        math.isfinite, math.factorial, math.comb, math.perm, math.gcd)
