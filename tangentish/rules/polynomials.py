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

# within segment i, np.interp(x, xp, fp) = (1 - tau) fp[i] + tau fp[i + 1]
# with tau = (x - xp[i]) / (xp[i + 1] - xp[i]); outside xp, tau is clipped
# and the slope is zero. The rules are the derivatives of that expression,
# so they can be differentiated again.

@vjp(np.interp)
def interp_vjp(g, ans, x, xp, fp):
    i = _rt.interp_segment(x, xp)
    width = np.take(xp, i + 1) - np.take(xp, i)
    tau = np.clip((x - np.take(xp, i)) / width, 0.0, 1.0)
    slope = _rt.interp_inside(x, xp) * (np.take(fp, i + 1) - np.take(fp, i)) / width
    return (g * slope, -(_rt.untake(g * slope * (1.0 - tau), xp, i) + _rt.untake(g * slope * tau, xp, i + 1)),
            _rt.untake(g * (1.0 - tau), fp, i) + _rt.untake(g * tau, fp, i + 1))


@jvp(np.interp)
def interp_jvp(g, ans, x, xp, fp):
    i = _rt.interp_segment(x, xp)
    width = np.take(xp, i + 1) - np.take(xp, i)
    tau = np.clip((x - np.take(xp, i)) / width, 0.0, 1.0)
    slope = _rt.interp_inside(x, xp) * (np.take(fp, i + 1) - np.take(fp, i)) / width
    return (g * slope, -slope * ((1.0 - tau) * np.take(g, i) + tau * np.take(g, i + 1)),
            (1.0 - tau) * np.take(g, i) + tau * np.take(g, i + 1))
