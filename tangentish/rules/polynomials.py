"""Polynomials (coefficients highest power first, as np.polyval takes
them) and piecewise-linear interpolation."""
import numpy as np

from .. import runtime as _rt
from . import jvp, linear, vjp

# ----------------------------------------------------------- evaluation

@vjp(np.polyval)
def polyval_vjp(g, ans, p, x):
    return _rt.polyval_vjp_p(g, p, x), g * _rt.polyval_partial_x(p, x)


@jvp(np.polyval)
def polyval_jvp(g, ans, p, x):
    return np.polyval(g, x), g * _rt.polyval_partial_x(p, x)


@vjp(np.vander)
def vander_vjp(g, ans, x, N=None, increasing=False):
    return np.sum(g * _rt.vander_partial(x, N, increasing), axis=1)


@jvp(np.vander)
def vander_jvp(g, ans, x, N=None, increasing=False):
    return np.expand_dims(g, 1) * _rt.vander_partial(x, N, increasing)

# ----------------------------------------------------------- arithmetic on coefficients

@vjp(np.polyder)
def polyder_vjp(g, ans, p, m=1):
    return _rt.polyder_vjp(g, p, m)


@vjp(np.polyint)
def polyint_vjp(g, ans, p, m=1):
    return _rt.polyint_vjp(g, p, m)


linear(np.polyder, np.polyint)


@vjp(np.polyadd)
def polyadd_vjp(g, ans, a, b):
    return _rt.polyadd_vjp(g, a), _rt.polyadd_vjp(g, b)


@jvp(np.polyadd)
def polyadd_jvp(g, ans, a, b):
    return np.polyadd(g, _rt.zeros_like(b)), np.polyadd(_rt.zeros_like(a), g)


@vjp(np.polysub)
def polysub_vjp(g, ans, a, b):
    return _rt.polyadd_vjp(g, a), _rt.polyadd_vjp(g, b, -1.0)


@jvp(np.polysub)
def polysub_jvp(g, ans, a, b):
    return np.polysub(g, _rt.zeros_like(b)), np.polysub(_rt.zeros_like(a), g)


# np.polymul is np.convolve: its rules are in products.py

# ----------------------------------------------------------- interpolation

@vjp(np.interp)
def interp_vjp(g, ans, x, xp, fp):
    return _rt.interp_vjp(g, x, xp, fp, 0), _rt.interp_vjp(g, x, xp, fp, 1), _rt.interp_vjp(g, x, xp, fp, 2)


@jvp(np.interp)
def interp_jvp(g, ans, x, xp, fp):
    return _rt.interp_jvp(g, x, xp, fp, 0), _rt.interp_jvp(g, x, xp, fp, 1), _rt.interp_jvp(g, x, xp, fp, 2)
