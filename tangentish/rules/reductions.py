"""Reductions: the cotangent is spread back over the reduced axes.

Most reductions r(x) have a partial P shaped like x (the share of each
element in its result); then the cotangent is `unreduce(g) * P` and the
tangent `np.sum(x_dot * P, axis)`. Parameters after a gap in NumPy's
positional order (`out`) are keyword-only, so a positional argument can
never bind to the wrong slot.
"""
import numpy as np

from .. import runtime as _rt
from . import available, batched, jvp, linear, vjp

# ----------------------------------------------------------- sums and means

@vjp(np.sum)
def sum_vjp(g, ans, x, axis=None, dtype=None, *, keepdims=False, where=True):
    return (_rt.unreduce(g, x, axis, keepdims) if where is True
            else _rt.unreduce(g, x, axis, keepdims) * where)


@vjp(np.mean)
def mean_vjp(g, ans, x, axis=None, dtype=None, *, keepdims=False, where=True):
    return (_rt.unreduce(g, x, axis, keepdims) / _rt.mean_count(x, ans) if where is True
            else _rt.unreduce(g, x, axis, keepdims) * _rt.mean_share(x, axis, where))


@vjp(np.nansum)
def nansum_vjp(g, ans, x, axis=None, dtype=None, *, keepdims=False):
    return _rt.unreduce(g, x, axis, keepdims) * _rt.nan_mask(x)


@jvp(np.nansum)
def nansum_jvp(g, ans, x, axis=None, dtype=None, *, keepdims=False):
    return np.sum(g * _rt.nan_mask(x), axis=axis, keepdims=keepdims)


@vjp(np.nanmean)
def nanmean_vjp(g, ans, x, axis=None, dtype=None, *, keepdims=False):
    return _rt.unreduce(g, x, axis, keepdims) * _rt.mean_share(x, axis, _rt.nan_mask(x))


@jvp(np.nanmean)
def nanmean_jvp(g, ans, x, axis=None, dtype=None, *, keepdims=False):
    return np.sum(g * _rt.mean_share(x, axis, _rt.nan_mask(x)), axis=axis, keepdims=keepdims)


linear(np.sum, np.mean)


@batched(np.sum)
def sum_batched(g, ans, x, axis=None, *, keepdims=False):
    return np.sum(g, _rt.batch_axis(axis, x), keepdims=keepdims)


@batched(np.mean)
def mean_batched(g, ans, x, axis=None, *, keepdims=False):
    return np.mean(g, _rt.batch_axis(axis, x), keepdims=keepdims)

# ----------------------------------------------------------- products

@vjp(np.prod)
def prod_vjp(g, ans, x, axis=None, dtype=None, *, keepdims=False):
    return _rt.unreduce(g, x, axis, keepdims) * _rt.prod_others(x, axis)


@jvp(np.prod)
def prod_jvp(g, ans, x, axis=None, dtype=None, *, keepdims=False):
    return np.sum(g * _rt.prod_others(x, axis), axis=axis, keepdims=keepdims)


@vjp(np.nanprod)
def nanprod_vjp(g, ans, x, axis=None, dtype=None, *, keepdims=False):
    return _rt.unreduce(g, x, axis, keepdims) * _rt.prod_others(np.where(_rt.nan_mask(x), x, 1.0), axis) * _rt.nan_mask(x)


@jvp(np.nanprod)
def nanprod_jvp(g, ans, x, axis=None, dtype=None, *, keepdims=False):
    return np.sum(g * _rt.prod_others(np.where(_rt.nan_mask(x), x, 1.0), axis) * _rt.nan_mask(x),
                  axis=axis, keepdims=keepdims)

# ----------------------------------------------------------- extrema

@vjp(np.max, np.min, np.amax, np.amin, np.nanmax, np.nanmin)
def extremum_vjp(g, ans, x, axis=None, *, keepdims=False):
    return _rt.unreduce(g, x, axis, keepdims) * _rt.extremum_share(x, ans, axis, keepdims)


@jvp(np.max, np.min, np.amax, np.amin, np.nanmax, np.nanmin)
def extremum_jvp(g, ans, x, axis=None, *, keepdims=False):
    return np.sum(g * _rt.extremum_share(x, ans, axis, keepdims), axis=axis, keepdims=keepdims)


@vjp(np.ptp)
def ptp_vjp(g, ans, x, axis=None, *, keepdims=False):
    return _rt.unreduce(g, x, axis, keepdims) * (
        _rt.extremum_share(x, np.max(x, axis, keepdims=keepdims), axis, keepdims)
        - _rt.extremum_share(x, np.min(x, axis, keepdims=keepdims), axis, keepdims))


@jvp(np.ptp)
def ptp_jvp(g, ans, x, axis=None, *, keepdims=False):
    return np.sum(g * (_rt.extremum_share(x, np.max(x, axis, keepdims=keepdims), axis, keepdims)
                       - _rt.extremum_share(x, np.min(x, axis, keepdims=keepdims), axis, keepdims)),
                  axis=axis, keepdims=keepdims)

# ----------------------------------------------------------- spread

@vjp(np.var)
def var_vjp(g, ans, x, axis=None, dtype=None, *, ddof=0, keepdims=False):
    return _rt.unreduce(g, x, axis, keepdims) * _rt.var_partial(x, axis, ddof)


@jvp(np.var)
def var_jvp(g, ans, x, axis=None, dtype=None, *, ddof=0, keepdims=False):
    return np.sum(g * _rt.var_partial(x, axis, ddof), axis=axis, keepdims=keepdims)


@vjp(np.std)
def std_vjp(g, ans, x, axis=None, dtype=None, *, ddof=0, keepdims=False):
    return _rt.unreduce(g, x, axis, keepdims) * _rt.std_partial(x, ans, axis, ddof, keepdims)


@jvp(np.std)
def std_jvp(g, ans, x, axis=None, dtype=None, *, ddof=0, keepdims=False):
    return np.sum(g * _rt.std_partial(x, ans, axis, ddof, keepdims), axis=axis, keepdims=keepdims)


@vjp(np.nanvar)
def nanvar_vjp(g, ans, x, axis=None, dtype=None, *, ddof=0, keepdims=False):
    return _rt.unreduce(g, x, axis, keepdims) * _rt.var_partial(x, axis, ddof, nan=True)


@jvp(np.nanvar)
def nanvar_jvp(g, ans, x, axis=None, dtype=None, *, ddof=0, keepdims=False):
    return np.sum(g * _rt.var_partial(x, axis, ddof, nan=True), axis=axis, keepdims=keepdims)


@vjp(np.nanstd)
def nanstd_vjp(g, ans, x, axis=None, dtype=None, *, ddof=0, keepdims=False):
    return _rt.unreduce(g, x, axis, keepdims) * _rt.std_partial(x, ans, axis, ddof, keepdims, nan=True)


@jvp(np.nanstd)
def nanstd_jvp(g, ans, x, axis=None, dtype=None, *, ddof=0, keepdims=False):
    return np.sum(g * _rt.std_partial(x, ans, axis, ddof, keepdims, nan=True), axis=axis, keepdims=keepdims)

# ----------------------------------------------------------- weighted mean

# average = sum(a w) / sum(w) over axis, w the weights laid against a
# (all 1 without weights): d/da = w / sum(w), d/dw = (a - average) / sum(w);
# sums and products only, so their derivatives follow from these rules again

@vjp(np.average)
def average_vjp(g, ans, a, axis=None, weights=None, *, keepdims=False):
    w = _rt.lay_weights(weights, a, axis)
    spread = _rt.unreduce(g, a, axis, keepdims) / np.sum(w, axis=axis, keepdims=True)
    return (spread * w, None,
            _rt.unlay_weights(spread * (a - _rt.unreduce(ans, a, axis, keepdims)), weights, a, axis))


@jvp(np.average)
def average_jvp(g, ans, a, axis=None, weights=None, *, keepdims=False):
    return (np.average(g, axis, weights, keepdims=keepdims), None,
            np.sum((a - _rt.unreduce(ans, a, axis, keepdims)) * _rt.lay_weights(g, a, axis), axis=axis,
                   keepdims=keepdims) / np.sum(_rt.lay_weights(weights, a, axis), axis=axis, keepdims=keepdims))

# ----------------------------------------------------------- running sums, differences

@vjp(np.cumsum)
def cumsum_vjp(g, ans, x, axis=None, dtype=None):
    return _rt.cumsum_vjp(g, x, axis)


@vjp(np.nancumsum)
def nancumsum_vjp(g, ans, x, axis=None, dtype=None):
    return _rt.cumsum_vjp(g, x, axis) * _rt.nan_mask(x)


@jvp(np.nancumsum)
def nancumsum_jvp(g, ans, x, axis=None, dtype=None):
    return np.cumsum(g * _rt.nan_mask(x), axis)


@vjp(np.cumprod)
def cumprod_vjp(g, ans, x, axis=None, dtype=None):
    return _rt.cumprod_vjp(g, x, axis)


@jvp(np.cumprod)
def cumprod_jvp(g, ans, x, axis=None, dtype=None):
    return _rt.cumprod_jvp(g, x, axis)


@vjp(np.diff)
def diff_vjp(g, ans, x, n=1, axis=-1):
    return _rt.diff_vjp(g, x, n, axis)


linear(np.cumsum, np.diff)


@vjp(*available(np, "cumulative_sum"))
def cumulative_sum_vjp(g, ans, x, *, axis=None, dtype=None, include_initial=False):
    # the initial 0 (or 1 for the product) is a constant: its cotangent is dropped
    return _rt.cumsum_vjp(_rt.drop_initial(g, axis) if include_initial else g, x, axis)


@vjp(*available(np, "cumulative_prod"))
def cumulative_prod_vjp(g, ans, x, *, axis=None, dtype=None, include_initial=False):
    return _rt.cumprod_vjp(_rt.drop_initial(g, axis) if include_initial else g, x, axis)


@jvp(*available(np, "cumulative_prod"))
def cumulative_prod_jvp(g, ans, x, *, axis=None, dtype=None, include_initial=False):
    return _rt.zero_initial(_rt.cumprod_jvp(g, x, axis), axis) if include_initial else _rt.cumprod_jvp(g, x, axis)


@vjp(np.nancumprod)
def nancumprod_vjp(g, ans, x, axis=None, dtype=None):
    return _rt.cumprod_vjp(g, np.where(_rt.nan_mask(x), x, 1.0), axis) * _rt.nan_mask(x)


@jvp(np.nancumprod)
def nancumprod_jvp(g, ans, x, axis=None, dtype=None):
    return _rt.cumprod_jvp(g * _rt.nan_mask(x), np.where(_rt.nan_mask(x), x, 1.0), axis)


@vjp(np.ediff1d)
def ediff1d_vjp(g, ans, x, to_end=None, to_begin=None):
    return (_rt.ediff1d_vjp(g, x, to_end, to_begin, 0), _rt.ediff1d_vjp(g, x, to_end, to_begin, 1),
            _rt.ediff1d_vjp(g, x, to_end, to_begin, 2))


@jvp(np.ediff1d)
def ediff1d_jvp(g, ans, x, to_end=None, to_begin=None):
    return (_rt.ediff1d_jvp(g, x, to_end, to_begin, 0), _rt.ediff1d_jvp(g, x, to_end, to_begin, 1),
            _rt.ediff1d_jvp(g, x, to_end, to_begin, 2))


linear(*available(np, "cumulative_sum"))

# ----------------------------------------------------------- integrals

@vjp(*available(np, "trapezoid"))
def trapezoid_vjp(g, ans, y, x=None, dx=1.0, axis=-1):
    return (_rt.trapezoid_vjp(g, y, x, dx, axis, 0), _rt.trapezoid_vjp(g, y, x, dx, axis, 1),
            _rt.trapezoid_vjp(g, y, x, dx, axis, 2))


@jvp(*available(np, "trapezoid"))
def trapezoid_jvp(g, ans, y, x=None, dx=1.0, axis=-1):
    return (np.trapezoid(g, x, dx, axis), _rt.trapezoid_jvp_x(g, y, x, axis),
            np.trapezoid(y, None, g, axis) * _rt.dx_weight(x))

# ----------------------------------------------------------- order statistics

@vjp(np.median)
def median_vjp(g, ans, x, axis=None, *, keepdims=False):
    return _rt.unreduce(g, x, axis, keepdims) * _rt.median_partial(x, axis)


@jvp(np.median)
def median_jvp(g, ans, x, axis=None, *, keepdims=False):
    return np.sum(g * _rt.median_partial(x, axis), axis=axis, keepdims=keepdims)


# the cotangent of q sums q's partial over the other axes

@vjp(np.quantile)
def quantile_vjp(g, ans, x, q, axis=None, *, keepdims=False):
    return (_rt.quantile_vjp_x(g, x, q, axis, keepdims),
            np.sum(np.reshape(g * _rt.quantile_partial_q(x, q, axis, keepdims), np.shape(q) + (-1,)), -1))


@jvp(np.quantile)
def quantile_jvp(g, ans, x, q, axis=None, *, keepdims=False):
    return (_rt.quantile_jvp_x(g, x, q, axis, keepdims),
            np.reshape(g, _rt.quantile_layout(g, ans)) * _rt.quantile_partial_q(x, q, axis, keepdims))


@vjp(np.percentile)
def percentile_vjp(g, ans, x, q, axis=None, *, keepdims=False):
    return (_rt.quantile_vjp_x(g, x, np.divide(q, 100.0), axis, keepdims),
            np.sum(np.reshape(g * _rt.quantile_partial_q(x, np.divide(q, 100.0), axis, keepdims, 0.01),
                              np.shape(q) + (-1,)), -1))


@jvp(np.percentile)
def percentile_jvp(g, ans, x, q, axis=None, *, keepdims=False):
    return (_rt.quantile_jvp_x(g, x, np.divide(q, 100.0), axis, keepdims),
            np.reshape(g, _rt.quantile_layout(g, ans))
            * _rt.quantile_partial_q(x, np.divide(q, 100.0), axis, keepdims, 0.01))

# ----------------------------------------------------------- covariance

@vjp(np.cov)
def cov_vjp(g, ans, m, y=None, rowvar=True, bias=False, ddof=None):
    return _rt.cov_vjp(g, m, y, rowvar, bias, ddof, 0), _rt.cov_vjp(g, m, y, rowvar, bias, ddof, 1)


@jvp(np.cov)
def cov_jvp(g, ans, m, y=None, rowvar=True, bias=False, ddof=None):
    return _rt.cov_jvp(g, m, y, rowvar, bias, ddof, 0), _rt.cov_jvp(g, m, y, rowvar, bias, ddof, 1)


# np.corrcoef normalizes the covariance c: its derivatives are those of cov
# and of the normalization (runtime.corr_jvp)

@vjp(np.corrcoef)
def corrcoef_vjp(g, ans, x, y=None, rowvar=True):
    c = np.atleast_2d(np.cov(x, y, rowvar))
    c_bar = _rt.corr_vjp(np.reshape(g, np.shape(c)), c)
    return _rt.cov_vjp(c_bar, x, y, rowvar, False, None, 0), _rt.cov_vjp(c_bar, x, y, rowvar, False, None, 1)


@jvp(np.corrcoef)
def corrcoef_jvp(g, ans, x, y=None, rowvar=True):
    c = np.atleast_2d(np.cov(x, y, rowvar))
    return (np.reshape(_rt.corr_jvp(np.atleast_2d(_rt.cov_jvp(g, x, y, rowvar, False, None, 0)), c), np.shape(ans)),
            np.reshape(_rt.corr_jvp(np.atleast_2d(_rt.cov_jvp(g, x, y, rowvar, False, None, 1)), c), np.shape(ans)))
