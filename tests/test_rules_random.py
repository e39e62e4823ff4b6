"""Reductions and shape functions on random shapes, axes and options.

hypothesis draws a shape (0-d and size-1 axes included), an `axis` (None,
an int, negative or not, or a tuple), `keepdims` and the function's other
options; each draw is checked in both modes, through the whole pipeline,
against central differences (`check_both_modes` of test_rules.py). The
values are random, so maxima are unique and no element sits on a kink.
Examples are few and derandomized, to keep the suite fast and repeatable.
"""
import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.test_rules import check_both_modes

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def arrays(draw, min_ndim=0, max_ndim=3):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=min_ndim, max_size=max_ndim)))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    return rng.uniform(-1, 1, size=shape), rng


@st.composite
def axes(draw, ndim, tuples=True):
    """None, one axis (possibly negative), or a tuple of distinct axes."""
    if ndim == 0:
        return None
    choices = [st.none(), st.integers(-ndim, ndim - 1)]
    if tuples:
        choices.append(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True)
                       .map(lambda a: tuple(k - ndim if k % 2 else k for k in a)))
    return draw(st.one_of(*choices))


def _count(shape, axis):
    if axis is None:
        return int(np.prod(shape))
    axis = (axis,) if isinstance(axis, int) else axis
    return int(np.prod([shape[k] for k in axis]))


REDUCTIONS = [np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin, np.ptp,
              np.nansum, np.nanmean, np.nanmax, np.nanmin, np.nanprod]


@SETTINGS
@given(st.sampled_from(REDUCTIONS), st.data())
def test_reductions(fn, data):
    x, rng = data.draw(arrays())
    axis = data.draw(axes(x.ndim))
    keepdims = data.draw(st.booleans())
    check_both_modes(fn, (x, axis), {"keepdims": keepdims}, 0, rng=rng)


@SETTINGS
@given(st.sampled_from([np.var, np.std, np.nanvar, np.nanstd]), st.data())
def test_spread(fn, data):
    x, rng = data.draw(arrays(min_ndim=1))
    axis = data.draw(axes(x.ndim))
    ddof = data.draw(st.integers(0, max(0, min(2, _count(x.shape, axis) - 1))))
    keepdims = data.draw(st.booleans())
    check_both_modes(fn, (x, axis), {"ddof": ddof, "keepdims": keepdims}, 0, rng=rng)


@SETTINGS
@given(st.data())
def test_order_statistics(data):
    x, rng = data.draw(arrays(min_ndim=1))
    axis = data.draw(axes(x.ndim))
    keepdims = data.draw(st.booleans())
    check_both_modes(np.median, (x, axis), {"keepdims": keepdims}, 0, rng=rng)
    q = rng.uniform(0.05, 0.95, size=data.draw(st.sampled_from([(), (2,), (2, 1)])))
    for k in (0, 1):
        check_both_modes(np.quantile, (x, q, axis), {"keepdims": keepdims}, k, rng=rng)


@SETTINGS
@given(st.data())
def test_average(data):
    x, rng = data.draw(arrays(min_ndim=1))
    axis = data.draw(axes(x.ndim, tuples=False))
    weights = rng.uniform(0.5, 1.5, size=x.shape if axis is None or data.draw(st.booleans())
                          else (x.shape[axis],))
    keepdims = data.draw(st.booleans())
    for k in (0, 2):
        check_both_modes(np.average, (x, axis, weights), {"keepdims": keepdims}, k, rng=rng)


@SETTINGS
@given(st.sampled_from([np.cumsum, np.cumprod]), st.data())
def test_running(fn, data):
    x, rng = data.draw(arrays(min_ndim=1))
    axis = data.draw(axes(x.ndim, tuples=False))
    check_both_modes(fn, (x, axis), {}, 0, rng=rng)


@SETTINGS
@given(st.data())
def test_vector_norms(data):
    x, rng = data.draw(arrays(min_ndim=1))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    ord_ = data.draw(st.sampled_from([None, 1, 2, 3, np.inf, -np.inf]))
    keepdims = data.draw(st.booleans())
    check_both_modes(np.linalg.norm, (x, ord_, axis, keepdims), {}, 0, rng=rng)


@SETTINGS
@given(st.data())
def test_matrix_norms(data):
    x, rng = data.draw(arrays(min_ndim=2))
    pair = tuple(data.draw(st.lists(st.integers(-x.ndim, x.ndim - 1), min_size=2, max_size=2)
                           .filter(lambda a: a[0] % x.ndim != a[1] % x.ndim)))
    ord_ = data.draw(st.sampled_from([None, "fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf]))
    keepdims = data.draw(st.booleans())
    check_both_modes(np.linalg.norm, (x, ord_, pair, keepdims), {}, 0, rng=rng)


@st.composite
def shape_calls(draw):
    """(function, arguments after x, keywords) for a random x."""
    x, rng = draw(arrays())
    n = x.ndim
    one_axis = st.integers(-n, n - 1) if n else st.none()
    options = [
        (np.ravel, (), {}), (np.atleast_1d, (), {}), (np.atleast_2d, (), {}),
        (np.atleast_3d, (), {}), (np.transpose, (), {}), (np.flip, (draw(axes(n)),), {}),
        (np.tile, (tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))),), {}),
        (np.expand_dims, (draw(st.integers(-n - 1, n)),), {}),
        (np.broadcast_to, ((2,) + x.shape,), {}),
        (np.reshape, ((-1,),), {}),
    ]
    if n:
        options += [
            (np.squeeze, (tuple(k for k in range(n) if x.shape[k] == 1) or None,), {}),
            (np.moveaxis, (draw(one_axis), draw(one_axis)), {}),
            (np.swapaxes, (draw(one_axis), draw(one_axis)), {}),
            (np.roll, (draw(st.integers(-3, 3)), draw(st.one_of(st.none(), one_axis))), {}),
            (np.sort, (draw(st.one_of(st.none(), one_axis)),), {}),
            (np.cumsum, (draw(st.one_of(st.none(), one_axis)),), {}),
            (np.repeat, (draw(st.integers(0, 3)), draw(st.one_of(st.none(), one_axis))), {}),
            (np.take, (rng.integers(0, x.shape[-1], size=3), -1), {}),
            (np.diff, (), {"axis": draw(one_axis)}),
            (np.pad, (tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(n)),), {}),
        ]
    if n >= 2:
        offset = draw(st.integers(-2, 2))
        options += [(np.diagonal, (offset, 0, -1), {}), (np.trace, (offset, -1, 0), {}),
                    (np.triu, (offset,), {}), (np.tril, (offset,), {}),
                    (np.rot90, (draw(st.integers(-2, 3)),), {})]
    fn, args, kwargs = draw(st.sampled_from(options))
    return fn, (x,) + args, kwargs, rng


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(shape_calls())
def test_shape_functions(call):
    fn, args, kwargs, rng = call
    check_both_modes(fn, args, kwargs, 0, rng=rng)
