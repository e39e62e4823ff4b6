"""Every entry of the rule table, checked against central differences.

The table is enumerated, so a new rule is tested without editing this
file: elementwise rules (declared by their partials) get scalar, array and
broadcasting cases generated from their arity; structural rules need one
entry in STRUCTURAL, and a test fails until they have it. Each case runs
through the whole pipeline (`tg.vjp` and `tg.jvp` of the function itself,
which tangentish differentiates through its rule), and elementwise partials
are also checked directly.
"""
import builtins
import inspect
import math
import operator
from dataclasses import dataclass, field

import numpy as np
import pytest

import tangentish as tg
from tangentish.frontend import rule_params
from tangentish import runtime as _rt
from tangentish.rules import RULES

RNG = np.random.default_rng(7)

# value ranges where each function is smooth (default: (0.2, 0.8))
DOMAINS = {
    math.acosh: (1.2, 2.0), np.arccos: (-0.8, 0.8), np.arcsin: (-0.8, 0.8),
    operator.mod: [(0.2, 0.8), (1.5, 2.0)],
    builtins.max: [(0.2, 0.4), (0.6, 0.8)], builtins.min: [(0.2, 0.4), (0.6, 0.8)],
    np.maximum: [(0.2, 0.4), (0.6, 0.8)], np.minimum: [(0.2, 0.4), (0.6, 0.8)],
    np.fmax: [(0.2, 0.4), (0.6, 0.8)], np.fmin: [(0.2, 0.4), (0.6, 0.8)],
    np.arccosh: (1.2, 2.0), np.copysign: [(0.2, 0.8), (-0.8, 0.8)],
    np.clip: [(0.1, 0.9), (0.35, 0.45), (0.55, 0.65)],
    # x / y between 2.1 and 2.45: away from the jumps of floor, trunc and round
    np.remainder: [(2.1, 2.3), (0.94, 1.0)], np.fmod: [(2.1, 2.3), (0.94, 1.0)],
    math.fmod: [(2.1, 2.3), (0.94, 1.0)], math.remainder: [(2.1, 2.3), (0.94, 1.0)],
    math.copysign: [(0.2, 0.8), (-0.8, 0.8)],
}


def _mat(*shape):
    return RNG.uniform(-1, 1, size=shape)


def _pos(*shape):
    return RNG.uniform(0.5, 1.5, size=shape)


def _with(x, value, *where):
    """x with `value` written at the given indices (zeros for prod, NaNs for nan*)."""
    x = x.copy()
    for index in where:
        x[index] = value
    return x


def _invertible(*shape):
    return _mat(*shape) + 3.0 * np.eye(shape[-1])


def _spd(*shape):
    m = _mat(*shape)
    return m @ np.swapaxes(m, -1, -2) + shape[-1] * np.eye(shape[-1])


def _symmetric(*shape):
    m = _mat(*shape)
    return m + np.swapaxes(m, -1, -2)


@dataclass
class Case:
    args: tuple
    wrt: tuple = (0,)
    kwargs: dict = field(default_factory=dict)
    via: object = None          # a def calling the function, for *args functions
    eps: float = 1e-6           # finite-difference step
    rtol: float = 1e-6


def case(*args, wrt=(0,), via=None, eps=1e-6, rtol=1e-6, **kwargs) -> Case:
    """fn(*args, **kwargs), differentiated with respect to the `wrt` positions."""
    return Case(args, wrt, kwargs, via, eps, rtol)


# einsum takes any number of operands, so tangentish differentiates a def calling it
def _einsum1(s, a):
    return np.einsum(s, a)


def _einsum2(s, a, b):
    return np.einsum(s, a, b)


def _einsum3(s, a, b, c):
    return np.einsum(s, a, b, c)


def _einsum_vjp_a(g, a, b):
    return _rt.einsum_operand_vjp(g, "ij,jk->ik", 0, False, a, b)


def _einsum_vjp_c(g, a, b, c):
    return _rt.einsum_operand_vjp(g, "ijk,jl,lk->i", 2, False, a, b, c)


def _einsum_vjp_diagonal(g, a, b):
    return _rt.einsum_operand_vjp(g, "ii,i->i", 0, False, a, b)


def _pad_with(x):
    return np.pad(x, 1, constant_values=0.5)


# rules whose operands are containers, through a def that builds them from arrays
def _dict_of_pairs(a, b):
    d = dict([("a", a), ("b", b * b), ("a", a * b)])  # a repeated key keeps its last value
    return d["a"] + d["b"]


def _sum_of_list(a, b):
    return sum([a, b * b, a], b)


def _array_of_list(a, b):
    return np.array([a, b * a, [0.5, 0.25]]) * 2.0


def _undict_redict(g, a):
    pairs = [("a", a), ("b", a * a)]
    return _rt.redict(_rt.undict({"a": g, "b": g * a}, pairs), pairs)["b"]


def _field_of(a, b):
    record = _rt.unfield(a * b, _PAIR, "w")  # a record holding a * b in `w`
    return _rt.field(record, "w") * b


def _unfield_of(g, a):
    return _rt.field(_rt.unfield(g, _PAIR, "v"), "v") * a




class _Pair:
    def __init__(self, w, v):
        self.w = w
        self.v = v


_PAIR = _Pair(np.zeros(3), np.zeros(3))


def _vecdot_axis0(a, b):
    return np.vecdot(a, b, axis=0)


# functions of a list of arrays: tangentish differentiates with respect to
# arrays, so each case goes through a def building the list
def _concatenate(a, b, axis=0):
    return np.concatenate([a, b], axis)


def _concatenate3(a, b, c, axis=0):
    return np.concatenate((a, b * 2.0, c), axis=axis)


def _stack(a, b, axis=0):
    return np.stack([a, b], axis)


def _stack3(a, b, c, axis=0):
    return np.stack((a, b, c), axis=axis)


def _vstack(a, b):
    return np.vstack([a, b])


def _hstack(a, b):
    return np.hstack((a, b))


def _dstack(a, b):
    return np.dstack([a, b])


def _column_stack(a, b):
    return np.column_stack([a, b])


def _array_of_scalars(a, b, c):
    return np.array([[a, b * 2.0], [c, 1.0]])


def _array_of_rows(a, b):
    return np.array([a, b * 3.0])


def _asarray_of(a, b):
    return np.asarray((a, b))


def _asanyarray_of(a, b):
    return np.asanyarray([[a, b], [b, a]])


def _sum_of(a, b, c):
    return sum([a, b * 2.0, c])


def _sum_from(a, b, start):
    return sum((a, b), start)


def _unconcatenate(g, a, b):
    return _rt.unconcatenate(g, [a, b], 0)


def _unconcatenate_2d(g, a, b):
    return _rt.unconcatenate(g, (a, b), 1, np.atleast_2d)


def _concatenate_like(a, b):
    return _rt.concatenate_like([a, b], None)


def _concatenate_like_1d(a, b):
    return _rt.concatenate_like((a, b), 0, np.atleast_1d)


def _unstack(g, a, b):
    return _rt.unstack(g, [a, b], 1)


def _unstack_like(g, a, b):
    return _rt.unstack_like(g, [[a, b], [b, a]])


def _unsum(g, a, b):
    return _rt.unsum(g, [a, b])


# factorizations with several outputs, on inputs where they are smooth;
# eigenvectors and singular vectors have their signs fixed (each column's
# first entry positive), so the function is continuous for the differences
_SORTED4, _SORTED5 = np.linspace(0.0, 1.0, 4) ** 2, np.linspace(-1.0, 1.0, 5) ** 3
_COV3 = np.cov(np.random.default_rng(3).uniform(-1, 1, size=(3, 6)))  # a covariance matrix
# distinct entries, from their own generator: a partition moves each to one place
_PART6, _PART35 = np.random.default_rng(6).uniform(-1, 1, size=6), np.random.default_rng(35).uniform(-1, 1, size=(3, 5))


def _orthogonal(n, *batch):
    return np.linalg.qr(_mat(*batch, n, n))[0]


def _separated_symmetric(n, *batch):
    q = _orthogonal(n, *batch)
    w = np.linspace(1.0, 2.0 * n, n) * RNG.choice([-1.0, 1.0], size=n)
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)


def _separated_singular(m, n, *batch):
    k = min(m, n)
    u, v = _orthogonal(m, *batch)[..., :k], _orthogonal(n, *batch)[..., :k]
    return (u * np.linspace(1.0, 2.0 * k, k)) @ np.swapaxes(v, -1, -2)


def _eigh_signs_fixed(a, UPLO="L"):
    w, v = np.linalg.eigh(a, UPLO)
    return w, v * np.sign(v[..., :1, :])


def _svd_signs_fixed(a, full_matrices=False):
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    sign = np.sign(u[..., :1, :])
    return u * sign, s, vh * np.swapaxes(sign, -1, -2)


_NANS = _with(_mat(3, 4), np.nan, (1, 2), (0, 0))
_REDUCE = [case(_mat(3, 4)), case(_mat(3, 4), 1), case(_mat(3, 4), -2),
           case(_mat(2, 3, 4), (0, 2), keepdims=True), case(_mat(2, 3, 4), -1, keepdims=True),
           case(np.array(0.4)), case(_mat(1, 3), 0)]
_EXTREMUM = [case(_mat(3, 4)), case(_mat(3, 4), 0), case(_mat(2, 3, 4), (1, 2), keepdims=True),
             case(_mat(3, 4), -1, keepdims=True), case(np.array(0.3)), case(_mat(1, 1), 1)]
_NAN_REDUCE = [case(_NANS), case(_NANS, 1), case(_NANS, (0, 1), keepdims=True)]
_COPY = [case(_mat(2, 3)), case(np.array(0.5)), case(_mat(1))]
_CAST = [case(_mat(2, 3), eps=1e-2, rtol=1e-4), case(0.25, eps=1e-2, rtol=1e-4)]
_DIAGONAL = [case(_mat(3, 4)), case(_mat(3, 4), 1), case(_mat(2, 3, 4), 0, 1, 2),
             case(_mat(2, 3, 4), -1, 2, 0), case(_mat(4, 3), -2)]
_TRIANGLE = [case(_mat(3, 3)), case(_mat(3, 4), 1), case(_mat(3, 4), -1), case(_mat(2, 3, 3))]
_VECDOT = [case(_mat(3), _mat(3), wrt=(0, 1)), case(_mat(2, 3), _mat(3), wrt=(0, 1)),
           case(_mat(4, 1, 3), _mat(2, 3), wrt=(0, 1))]
_CROSS = [case(_mat(3), _mat(3), wrt=(0, 1)), case(_mat(4, 3), _mat(3), wrt=(0, 1)),
          case(_mat(2, 4, 3), _mat(4, 3), wrt=(0, 1))]
_MATRIX_NORMS = [None, "fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf]

# structural rules: every differentiable rule that is not elementwise
STRUCTURAL = {
    operator.getitem: [case(_mat(5), 2), case(_mat(5), slice(1, 4)),
                       case(_mat(3, 4), (slice(None), 1)), case(_mat(5), np.array([0, 2, 2])),
                       case(_mat(4), np.array([True, False, True, True]))],
    operator.matmul: [case(_mat(2, 3), _mat(3, 4), wrt=(0, 1)), case(_mat(3), _mat(3, 2), wrt=(0, 1)),
                      case(_mat(2, 3), _mat(3), wrt=(0, 1)), case(_mat(3), _mat(3), wrt=(0, 1)),
                      case(_mat(2, 2, 3), _mat(3, 4), wrt=(0, 1))],
    np.matmul: [case(_mat(2, 3), _mat(3, 4), wrt=(0, 1)), case(_mat(3), _mat(3), wrt=(0, 1))],
    np.dot: [case(_mat(2, 3), _mat(3, 4), wrt=(0, 1)), case(_mat(3), _mat(3), wrt=(0, 1)),
             case(_mat(2, 3), _mat(3), wrt=(0, 1)), case(1.5, _mat(3), wrt=(0, 1))],
    np.where: [case(_mat(4) > 0, _mat(4), _mat(4), wrt=(1, 2)),
               case(_mat(3, 1) > 0, _mat(4), 0.5, wrt=(1, 2))],
    builtins.float: [case(0.7), case(np.float64(0.3))],
    np.transpose: [case(_mat(2, 3)), case(_mat(2, 3, 4), (2, 0, 1))],
    np.reshape: [case(_mat(2, 3), (3, 2)), case(_mat(2, 3), -1)],
    # ------------------------------------------------------- reductions
    np.sum: _REDUCE + [case(_mat(3, 4), 1, where=_mat(3, 4) > 0),
                       case(_mat(3, 4), where=np.array([True, False, True, True]))],
    np.mean: _REDUCE + [case(_mat(3, 4), 1, where=_mat(3, 4) > -0.5),
                        case(_mat(3, 4), where=np.array([True, False, True, True]))],
    np.nansum: _NAN_REDUCE, np.nanmean: _NAN_REDUCE, np.nanmax: _NAN_REDUCE, np.nanmin: _NAN_REDUCE,
    np.nanprod: _NAN_REDUCE, np.nanvar: _NAN_REDUCE + [case(_NANS, 0, ddof=1)],
    np.nanstd: _NAN_REDUCE + [case(_NANS, 0, ddof=1)],
    np.prod: _REDUCE + [case(_with(_mat(3, 4), 0.0, (1, 2)), 0), case(_with(_mat(3, 4), 0.0, (1, 2))),
                        case(_with(_mat(3, 4), 0.0, (0, 1), (2, 1)), 0)],
    np.max: _EXTREMUM, np.min: _EXTREMUM, np.amax: _EXTREMUM, np.amin: _EXTREMUM,
    np.ptp: [case(_mat(3, 4)), case(_mat(3, 4), 1), case(_mat(2, 3, 4), (0, 2), keepdims=True)],
    np.var: _REDUCE + [case(_mat(3, 4), 0, ddof=1), case(_mat(5), ddof=2)],
    np.std: _REDUCE[:5] + [case(_mat(3, 4), 0, ddof=1), case(_mat(5), ddof=2)],
    np.average: [case(_mat(3, 4)), case(_mat(3, 4), 1, _pos(4), wrt=(0, 2)),
                 case(_mat(3, 4), None, _pos(3, 4), wrt=(0, 2)),
                 case(_mat(2, 3), 0, _pos(2), keepdims=True, wrt=(0, 2)),
                 case(_mat(2, 3, 4), (0, 2), _pos(2, 3, 4), wrt=(0, 2))],
    np.cumsum: [case(_mat(5)), case(_mat(3, 4), 0), case(_mat(3, 4), -1), case(_mat(2, 3))],
    np.nancumsum: [case(_NANS), case(_NANS, 1)],
    np.cumprod: [case(_mat(5)), case(_mat(3, 4), 1), case(_with(_mat(4, 3), 0.0, (1, 1)), 0),
                 case(_with(_mat(5), 0.0, 1, 3)), case(_mat(2, 3))],
    np.diff: [case(_mat(5)), case(_mat(3, 4), 2, 0), case(_mat(3, 4), axis=0), case(_mat(1, 3), 1, 0),
              case(_mat(3, 5), 3)],
    np.linalg.norm: ([case(_mat(5), p) for p in (None, 1, 2, 3, np.inf, -np.inf, 0, -1, 0.5)]
                     + [case(_mat(3, 4), p) for p in _MATRIX_NORMS]
                     + [case(_mat(3, 4), None, 1), case(_mat(3, 4), 2, 0, True),
                        case(_mat(2, 3, 4), None, (0, 2)), case(_mat(2, 3, 4), "nuc", (2, 1), True),
                        case(_mat(2, 3, 4), np.inf, (0, 1)), case(_mat(2, 3, 4), None, -1, True),
                        case(np.array(0.5))]),
    np.nancumprod: [case(_NANS), case(_NANS, 1)],
    np.ediff1d: [case(_mat(5)), case(_mat(2, 3)), case(_mat(4), _mat(2), _mat(1), wrt=(0, 1, 2)),
                 case(_mat(1), 0.5, wrt=(0, 1))],
    np.median: [case(_mat(5)), case(_mat(4)), case(_mat(3, 4), 1), case(_mat(2, 3, 4), (0, 2), keepdims=True),
                case(_mat(3, 4), -2, keepdims=True), case(np.array(0.3))],
    np.quantile: [case(_mat(7), 0.3, wrt=(0, 1)), case(_mat(3, 4), np.array([0.2, 0.9]), 1, wrt=(0, 1)),
                  case(_mat(2, 3, 4), 0.6, (0, 2), keepdims=True, wrt=(0, 1)),
                  case(_mat(3, 5), np.array([[0.1], [0.7]]), -1, wrt=(0, 1)), case(_mat(4), 1.0, wrt=(0,))],
    np.percentile: [case(_mat(7), 30.0, wrt=(0, 1)), case(_mat(3, 4), np.array([20.0, 90.0]), 0, wrt=(0, 1)),
                    case(_mat(2, 3, 4), 60.0, (1, 2), keepdims=True, wrt=(0, 1))],
    np.cov: [case(_mat(3, 6)), case(_mat(6)), case(_mat(6, 3), rowvar=False), case(_mat(2, 5), _mat(5), wrt=(0, 1)),
             case(_mat(3, 6), bias=True), case(_mat(3, 6), ddof=2), case(_mat(5, 2), _mat(5, 1), False, wrt=(0, 1))],
    np.corrcoef: [case(_mat(3, 6)), case(_mat(6)), case(_mat(6, 3), rowvar=False),
                  case(_mat(2, 5), _mat(5), wrt=(0, 1))],
    # ------------------------------------------------------- shapes
    np.ravel: [case(_mat(2, 3)), case(np.array(0.5))],
    np.squeeze: [case(_mat(1, 3, 1)), case(_mat(1, 3, 1), 0), case(_mat(1, 3, 1), (0, 2)), case(_mat(1))],
    np.expand_dims: [case(_mat(3), 0), case(_mat(2, 3), -1), case(_mat(2, 3), (0, 3)),
                     case(np.array(0.5), 0)],
    np.atleast_1d: _COPY, np.atleast_2d: _COPY, np.atleast_3d: _COPY + [case(_mat(2, 3))],
    np.broadcast_to: [case(_mat(3), (2, 3)), case(_mat(2, 1), (2, 4)), case(np.array(0.5), (2, 2)),
                      case(0.5, (3,))],
    np.copy: _COPY, np.ascontiguousarray: _COPY,
    np.asarray: _COPY + [case(_mat(3), _mat(3), via=_asarray_of, wrt=(0, 1))],
    np.asanyarray: _COPY + [case(0.3, 0.6, via=_asanyarray_of, wrt=(0, 1))],
    np.array: _COPY + [case(0.3, 0.6, 0.9, via=_array_of_scalars, wrt=(0, 1, 2)),
                       case(_mat(2, 3), _mat(2, 3), via=_array_of_rows, wrt=(0, 1))],
    np.asfortranarray: _COPY, np.real: _COPY + [case(0.5)],
    np.float64: _CAST, np.float32: _CAST,
    np.float16: [case(_mat(2, 3), eps=0.25, rtol=1e-2), case(0.25, eps=0.25, rtol=1e-2)],
    np.asarray_chkfinite: _COPY, np.require: _COPY, np.real_if_close: _COPY,
    np.resize: [case(_mat(3), (2, 4)), case(_mat(2, 3), 4), case(_mat(2, 3), (2, 2)), case(_mat(2, 2), (3, 3))],
    np.partition: [case(_mat(6), 2), case(_mat(3, 5), 1, 0), case(_mat(3, 5), (1, 3)), case(_mat(3, 4), 5, None)],
    np.unwrap: [case(np.cumsum(RNG.uniform(0.5, 2.5, size=8))),
                case(np.cumsum(RNG.uniform(0.5, 2.5, size=(2, 6)), axis=1) + 3.0 * np.arange(2)[:, None])],
    np.bincount: [case(np.array([0, 2, 2, 4]), _mat(4), wrt=(1,)),
                  case(np.array([1, 1, 0]), _mat(3), 5, wrt=(1,))],
    np.ldexp: [case(0.7, 3), case(_mat(3), np.array([1, -2, 0])), case(_mat(2, 3), np.array([1, 2, 3]))],
    np.polyval: [case(_mat(4), _mat(5), wrt=(0, 1)), case(_mat(3), 0.7, wrt=(0, 1)),
                 case(_mat(1), _mat(2, 3), wrt=(0, 1))],
    np.vander: [case(_mat(4)), case(_mat(3), 5), case(_mat(3), 2, True), case(_with(_mat(3), 0.0, 1))],
    np.polyder: [case(_mat(5)), case(_mat(5), 2), case(_mat(4), 3)],
    np.polyint: [case(_mat(4)), case(_mat(3), 2), case(_mat(1), 3)],
    np.polyadd: [case(_mat(4), _mat(2), wrt=(0, 1)), case(_mat(2), _mat(3), wrt=(0, 1)), case(_mat(3), _mat(3), wrt=(0, 1))],
    np.polysub: [case(_mat(4), _mat(2), wrt=(0, 1)), case(_mat(2), _mat(3), wrt=(0, 1))],
    np.polymul: [case(_mat(4), _mat(2), wrt=(0, 1)), case(_mat(1), _mat(3), wrt=(0, 1))],
    np.interp: [case(RNG.uniform(-0.5, 3.5, size=9), np.array([0.0, 1.0, 1.5, 3.0]), _mat(4), wrt=(0, 1, 2)),
                case(0.7, np.array([0.0, 1.0, 2.0]), _mat(3), wrt=(0, 1, 2)),
                case(RNG.uniform(0.1, 1.9, size=(2, 3)), np.array([0.0, 0.5, 2.0]), _mat(3), wrt=(0, 1, 2))],
    np.swapaxes: [case(_mat(2, 3, 4), 0, 2), case(_mat(2, 3), -1, 0)],
    np.moveaxis: [case(_mat(2, 3, 4), 0, -1), case(_mat(2, 3, 4), (0, 1), (2, 0))],
    np.rollaxis: [case(_mat(2, 3, 4), 2), case(_mat(2, 3, 4), 0, 3), case(_mat(2, 3, 4), -1, 1)],
    np.flip: [case(_mat(2, 3)), case(_mat(2, 3), 1), case(_mat(2, 3, 4), (0, 2)), case(_mat(3), -1)],
    np.fliplr: [case(_mat(2, 3)), case(_mat(2, 3, 2))],
    np.flipud: [case(_mat(2, 3)), case(_mat(3))],
    np.rot90: [case(_mat(2, 3)), case(_mat(2, 3), 3), case(_mat(2, 3, 4), 1, (1, 2)), case(_mat(2, 3), -1)],
    np.roll: [case(_mat(5), 2), case(_mat(3, 4), 1, 0), case(_mat(3, 4), (1, -1), (0, 1)), case(_mat(3, 4), 5)],
    np.sort: [case(_mat(5)), case(_mat(3, 4), 0), case(_mat(3, 4), None), case(_mat(2, 3, 4), -2)],
    np.tile: [case(_mat(3), 2), case(_mat(2, 3), (2, 1)), case(_mat(3), (2, 2)), case(_mat(2, 3), (1,)),
              case(np.array(0.5), 3), case(_mat(2, 1, 3), (2,))],
    np.repeat: [case(_mat(3), 2), case(_mat(2, 3), 2, 1), case(_mat(2, 3), np.array([1, 0, 2]), 1),
                case(_mat(2, 3), 2), case(_mat(2, 3), np.array([2, 1]), -2)],
    np.pad: [case(_mat(3), 2), case(_mat(2, 3), ((1, 0), (2, 1))), case(_mat(2, 3), via=_pad_with),
             case(_mat(2, 3), (1, 2))],
    np.triu: _TRIANGLE, np.tril: _TRIANGLE,
    np.diag: [case(_mat(3)), case(_mat(3), 1), case(_mat(3, 4)), case(_mat(3, 4), -1), case(_mat(4, 3), 2)],
    np.diagflat: [case(_mat(3)), case(_mat(2, 2), -1)],
    np.diagonal: _DIAGONAL,
    np.trace: [case(_mat(3, 3)), case(_mat(3, 4), 1), case(_mat(2, 3, 4), 0, 1, 2), case(_mat(2, 3, 4), -1, 2, 0)],
    np.take: [case(_mat(5), np.array([0, 2, 2])), case(_mat(3, 4), np.array([1, 1, 0]), 1),
              case(_mat(3, 4), np.array([[0, 2], [1, 1]]), 0), case(_mat(3, 4), 5), case(_mat(3, 4), -1, -1)],
    np.take_along_axis: [case(_mat(3, 4), np.array([[0, 0], [1, 3], [2, 2]]), 1),
                         case(_mat(3, 4), np.array([[0, 1, 2, 0]]), 0),
                         case(_mat(5), np.array([4, 0, 0]), None)],
    np.delete: [case(_mat(5), 1), case(_mat(3, 4), [0, 2], 1), case(_mat(3, 4), 1, 0),
                case(_mat(3, 4), np.array([2, 5]))],
    np.compress: [case(np.array([True, False, True]), _mat(3, 2), 0, wrt=(1,)),
                  case(np.array([False, True]), _mat(3, 2), 1, wrt=(1,)),
                  case(np.array([True, False, True, True]), _mat(2, 3), wrt=(1,))],
    np.extract: [case(_mat(3, 4) > 0, _mat(3, 4), wrt=(1,))],
    np.append: [case(_mat(3), _mat(2), wrt=(0, 1)), case(_mat(2, 3), _mat(1, 3), 0, wrt=(0, 1)),
                case(_mat(2, 3), _mat(2, 2), 1, wrt=(0, 1)), case(_mat(2, 3), 0.5, wrt=(0, 1))],
    # ------------------------------------------------------- lists of arrays
    np.concatenate: [case(_mat(2, 3), _mat(1, 3), via=_concatenate, wrt=(0, 1)),
                     case(_mat(2, 3), _mat(2, 2), 1, via=_concatenate, wrt=(0, 1)),
                     case(_mat(2, 3), _mat(4), None, via=_concatenate, wrt=(0, 1)),
                     case(_mat(3), _mat(2), _mat(1), via=_concatenate3, wrt=(0, 1, 2)),
                     case(_mat(2, 2), _mat(2, 1), _mat(2, 3), axis=-1, via=_concatenate3, wrt=(0, 1, 2)),
                     case(_mat(3, 4)), case(_mat(2, 3, 4), axis=1)],
    np.stack: [case(_mat(3), _mat(3), via=_stack, wrt=(0, 1)), case(_mat(2, 3), _mat(2, 3), 1, via=_stack, wrt=(0, 1)),
               case(0.3, 0.6, 0.9, via=_stack3, wrt=(0, 1, 2)),
               case(_mat(2, 3), _mat(2, 3), _mat(2, 3), axis=-1, via=_stack3, wrt=(0, 1, 2)),
               case(_mat(3, 4)), case(_mat(3, 4), 1)],
    np.vstack: [case(_mat(3), _mat(3), via=_vstack, wrt=(0, 1)), case(_mat(2, 3), _mat(3), via=_vstack, wrt=(0, 1)),
                case(_mat(3, 2))],
    np.hstack: [case(_mat(3), _mat(2), via=_hstack, wrt=(0, 1)), case(_mat(2, 3), _mat(2, 1), via=_hstack, wrt=(0, 1)),
                case(0.5, _mat(2), via=_hstack, wrt=(0, 1)), case(_mat(3, 2))],
    np.dstack: [case(_mat(3), _mat(3), via=_dstack, wrt=(0, 1)), case(_mat(2, 3), _mat(2, 3, 2), via=_dstack, wrt=(0, 1))],
    np.column_stack: [case(_mat(3), _mat(3, 2), via=_column_stack, wrt=(0, 1)),
                      case(_mat(3), _mat(3), via=_column_stack, wrt=(0, 1)), case(_mat(2, 3))],
    builtins.sum: [case(_mat(3), _mat(2, 3), 0.5, via=_sum_of, wrt=(0, 1, 2)), case(_mat(3), 0.5, 0.25, via=_sum_of, wrt=(0, 1, 2)),
                   case(_mat(3), _mat(3), _mat(2, 1), via=_sum_from, wrt=(0, 1, 2)), case(_mat(4, 3)), case(_mat(4))],
    np.split: [case(_mat(6), 3), case(_mat(4, 3), [1, 3]), case(_mat(3, 4), 2, 1), case(_mat(3, 4), [1], axis=-1)],
    np.array_split: [case(_mat(7), 3), case(_mat(3, 5), 2, 1), case(_mat(5), [2, 2, 4])],
    np.hsplit: [case(_mat(3, 4), 2), case(_mat(6), [1, 4])],
    np.vsplit: [case(_mat(4, 3), 2), case(_mat(4, 3), [1])],
    np.dsplit: [case(_mat(2, 3, 4), [1, 3])],
    # ------------------------------------------------------- products
    np.vdot: [case(_mat(3), _mat(3), wrt=(0, 1)), case(_mat(2, 3), _mat(3, 2), wrt=(0, 1))],
    np.outer: [case(_mat(3), _mat(4), wrt=(0, 1)), case(_mat(2, 2), _mat(3), wrt=(0, 1)),
               case(0.5, _mat(3), wrt=(0, 1))],
    np.inner: [case(_mat(3), _mat(3), wrt=(0, 1)), case(_mat(2, 3), _mat(4, 3), wrt=(0, 1)),
               case(_mat(2, 3), _mat(3), wrt=(0, 1)), case(0.5, _mat(3), wrt=(0, 1))],
    np.tensordot: [case(_mat(2, 3), _mat(3, 4), 1, wrt=(0, 1)), case(_mat(2, 3, 4), _mat(3, 4, 5), wrt=(0, 1)),
                   case(_mat(2, 3, 4), _mat(4, 2), ([0, 2], [1, 0]), wrt=(0, 1)),
                   case(_mat(3), _mat(4), 0, wrt=(0, 1)), case(_mat(2, 3), _mat(3, 2), (1, 0), wrt=(0, 1))],
    np.kron: [case(_mat(2, 3), _mat(3, 2), wrt=(0, 1)), case(_mat(3), _mat(2), wrt=(0, 1)),
              case(_mat(2, 3), _mat(2), wrt=(0, 1)), case(_mat(2), _mat(2, 2, 3), wrt=(0, 1))],
    np.cross: _CROSS + [case(_mat(3, 2), _mat(3, 2), axis=0, wrt=(0, 1)),
                        case(_mat(3, 2), _mat(2, 3), axisa=0, wrt=(0, 1))],
    np.convolve: [case(_mat(5), _mat(3), mode, wrt=(0, 1)) for mode in ("full", "same", "valid")]
                 + [case(_mat(2), _mat(4), "same", wrt=(0, 1)), case(_mat(4), _mat(4), "valid", wrt=(0, 1))],
    np.correlate: [case(_mat(5), _mat(3), mode, wrt=(0, 1)) for mode in ("full", "same", "valid")]
                  + [case(_mat(2), _mat(5), "full", wrt=(0, 1)), case(_mat(3), _mat(4), "same", wrt=(0, 1))],
    np.einsum: [case("ij,jk->ik", _mat(2, 3), _mat(3, 4), via=_einsum2, wrt=(1, 2)),
                case("ij,jk", _mat(2, 3), _mat(3, 4), via=_einsum2, wrt=(1, 2)),
                case("ii->i", _mat(3, 3), via=_einsum1, wrt=(1,)),
                case("ii", _mat(3, 3), via=_einsum1, wrt=(1,)),
                case("iij->j", _mat(3, 3, 2), via=_einsum1, wrt=(1,)),
                case("ij->", _mat(2, 3), via=_einsum1, wrt=(1,)),
                case("ij->ji", _mat(2, 3), via=_einsum1, wrt=(1,)),
                case("i,i", _mat(3), _mat(3), via=_einsum2, wrt=(1, 2)),
                case("i,j->ij", _mat(3), _mat(2), via=_einsum2, wrt=(1, 2)),
                case("ij,k->i", _mat(2, 3), _mat(4), via=_einsum2, wrt=(1, 2)),
                case("ij,j->i", _mat(2, 3), _mat(1), via=_einsum2, wrt=(1, 2)),
                case("...ij,...jk->...ik", _mat(2, 3, 4), _mat(1, 4, 5), via=_einsum2, wrt=(1, 2)),
                case("...ij,jk", _mat(2, 3, 4), _mat(4, 5), via=_einsum2, wrt=(1, 2)),
                case("i...,i->...", _mat(3, 2, 2), _mat(3), via=_einsum2, wrt=(1, 2)),
                case("ijk,jl,lk->i", _mat(2, 3, 4), _mat(3, 5), _mat(5, 4), via=_einsum3, wrt=(1, 2, 3)),
                case("ij,ij,ij->ij", _mat(2, 3), _mat(2, 3), _mat(2, 3), via=_einsum3, wrt=(1, 2, 3))],
    # ------------------------------------------------------- numpy.linalg
    np.linalg.inv: [case(_invertible(3, 3)), case(_invertible(2, 3, 3)), case(_invertible(1, 1))],
    np.linalg.solve: [case(_invertible(3, 3), _mat(3), wrt=(0, 1)), case(_invertible(3, 3), _mat(3, 2), wrt=(0, 1)),
                      case(_invertible(2, 3, 3), _mat(2, 3, 2), wrt=(0, 1)),
                      case(_invertible(2, 3, 3), _mat(3), wrt=(0, 1)),
                      case(_invertible(2, 3, 3), _mat(3, 1), wrt=(0, 1))],
    _rt.astype: [case(_mat(3), float), case(_mat(2, 3), np.float64)],
    np.linalg.det: [case(_invertible(3, 3)), case(_invertible(2, 3, 3)), case(_invertible(1, 1))],
    np.linalg.pinv: [case(_mat(3, 2)), case(_mat(2, 4)), case(_invertible(3, 3)), case(_mat(2, 3, 2))],
    np.linalg.matrix_power: [case(_invertible(3, 3) / 3, n) for n in (0, 1, 3, -1, -2)]
                            + [case(_invertible(2, 3, 3) / 3, 2)],
    np.linalg.cholesky: [case(_spd(3, 3)), case(_spd(2, 3, 3)), case(_spd(3, 3), upper=True)],
    np.linalg.tensorinv: [case(_invertible(6, 6).reshape(2, 3, 6)), case(_invertible(6, 6).reshape(6, 2, 3), 1),
                          case(_invertible(4, 4).reshape(2, 2, 2, 2))],
    np.linalg.tensorsolve: [case(_invertible(6, 6).reshape(2, 3, 2, 3), _mat(2, 3), wrt=(0, 1)),
                            case(_invertible(6, 6).reshape(6, 2, 3), _mat(6), wrt=(0, 1))],
    np.linalg.eigvalsh: [case(_symmetric(3, 3)), case(_symmetric(2, 3, 3)), case(_symmetric(3, 3), "U")],
    np.linalg.slogdet: [case(_invertible(3, 3)), case(_invertible(2, 3, 3)), case(-_invertible(1, 1)),
                        case(_invertible(3, 3) @ np.diag([1.0, -1.0, 1.0]))],
    np.linalg.eigh: [case(_separated_symmetric(3), via=_eigh_signs_fixed),
                     case(_separated_symmetric(3, 2), via=_eigh_signs_fixed),
                     case(_separated_symmetric(4), "U", via=_eigh_signs_fixed),
                     case(_separated_symmetric(3))],
    np.linalg.svd: [case(_separated_singular(3, 3), True, via=_svd_signs_fixed),
                    case(_separated_singular(4, 2), via=_svd_signs_fixed),
                    case(_separated_singular(2, 4), via=_svd_signs_fixed),
                    case(_separated_singular(4, 3, 2), via=_svd_signs_fixed),
                    case(_separated_singular(3, 5), compute_uv=False),
                    case(_separated_singular(3, 3))],
    np.linalg.qr: [case(_invertible(3, 3)), case(_mat(4, 2)), case(_mat(2, 5, 3)), case(_mat(3, 3), "reduced"),
                   case(_mat(4, 3), "r"), case(_mat(2, 3, 2), mode="r")],
    # the runtime helpers generated code calls, differentiated again for higher derivatives
    _rt.add: [case(_mat(3), _mat(3), wrt=(0, 1)), case(_mat(2, 3), _mat(3), wrt=(0, 1)),
              case(0.5, 0.25, wrt=(0, 1))],
    _rt.unbroadcast: [case(_mat(2, 3), _mat(3)), case(_mat(4, 3), _mat(1, 3)),
                      case(_mat(3), 0.5), case(_mat(3), _mat(3))],
    _rt.unbroadcast_to: [case(_mat(2, 3), (3,)), case(_mat(4, 3), (1, 3)),
                         case(_mat(3), None), case(_mat(3), (3,))],
    _rt.broadcast_like: [case(_mat(3), _mat(2, 3)), case(0.5, _mat(3)),
                         case(_mat(1, 3), _mat(4, 3))],
    _rt.unreduce: [case(0.7, _mat(3, 4)), case(_mat(4), _mat(3, 4), 0),
                   case(_mat(3, 1), _mat(3, 4), 1, True), case(_mat(3), _mat(3, 4), -1)],
    _rt.unindex: [case(_mat(2), _mat(5), slice(1, 3)), case(0.3, _mat(5), 2),
                  case(_mat(3), _mat(5), np.array([0, 2, 2])),
                  case(_mat(4), _mat(3, 4), 1)],
    _rt.cast_like: [case(_mat(3), _mat(3)), case(0.5, 0.25)],
    builtins.dict: [case(_mat(3), _mat(3), via=_dict_of_pairs, wrt=(0, 1))],
    builtins.sum: [case(_mat(3, 2)), case(_mat(3, 2), _mat(2), wrt=(0, 1)),
                   case(_mat(3), _mat(3), via=_sum_of_list, wrt=(0, 1))],
    _rt.undict: [case(_mat(3), _mat(3), via=_undict_redict, wrt=(0, 1))],
    _rt.redict: [case(_mat(3), _mat(3), via=_undict_redict, wrt=(0, 1))],
    _rt.field: [case(_mat(3), _mat(3), via=_field_of, wrt=(0, 1))],
    _rt.unfield: [case(_mat(3), _mat(3), via=_unfield_of, wrt=(0, 1))],
    _rt.pick: [case(_mat(3), 0)],
    _rt.unpick: [case(_mat(3), _mat(3), 0)],
    _rt.matmul_vjp_a: [case(_mat(2, 4), _mat(2, 3), _mat(3, 4), wrt=(0, 2)),
                       case(_mat(4), _mat(3), _mat(3, 4), wrt=(0, 2)),
                       case(_mat(2), _mat(2, 3), _mat(3), wrt=(0, 2)),
                       case(0.7, _mat(3), _mat(3), wrt=(0, 2)),
                       case(_mat(2, 2, 4), _mat(2, 3), _mat(3, 4), wrt=(0, 2))],
    _rt.matmul_vjp_b: [case(_mat(2, 4), _mat(2, 3), _mat(3, 4), wrt=(0, 1)),
                       case(_mat(4), _mat(3), _mat(3, 4), wrt=(0, 1)),
                       case(_mat(2), _mat(2, 3), _mat(3), wrt=(0, 1)),
                       case(0.7, _mat(3), _mat(3), wrt=(0, 1)),
                       case(_mat(2, 2, 4), _mat(2, 2, 3), _mat(3, 4), wrt=(0, 1))],
    _rt.dot_vjp_a: [case(_mat(2, 4), _mat(2, 3), _mat(3, 4), wrt=(0, 2)),
                    case(0.7, _mat(3), _mat(3), wrt=(0, 2)), case(_mat(3), 1.5, _mat(3), wrt=(0, 2)),
                    case(_mat(3), _mat(3), 1.5, wrt=(0, 2))],
    _rt.dot_vjp_b: [case(_mat(2, 4), _mat(2, 3), _mat(3, 4), wrt=(0, 1)),
                    case(0.7, _mat(3), _mat(3), wrt=(0, 1)), case(_mat(3), 1.5, _mat(3), wrt=(0, 1)),
                    case(_mat(3), _mat(3), 1.5, wrt=(0, 1))],
    _rt.private_copy: [case(_mat(3)), case(0.5)],
    _rt.cotangent_at: [case(_mat(5), slice(1, 3), _mat(2)), case(_mat(5), 2, 0.5),
                       case(_mat(3, 4), 1, _mat(4)), case(_mat(3, 4), (slice(None), 1), 0.5),
                       case(_mat(5), np.array([3, 1, 3, 3]), _mat(4))],
    _rt.uncotangent_at: [case(_mat(2), _mat(5), slice(1, 3)), case(0.5, _mat(3, 4), (slice(None), 1)),
                         case(_mat(4), _mat(5), np.array([3, 1, 3, 3]))],
    _rt.sum_repeats: [case(_mat(2), _mat(5), slice(1, 3)), case(_mat(4), _mat(5), np.array([3, 1, 3, 3])),
                      case(_mat(2, 4), _mat(3, 4), (np.array([2, 2]), slice(None)))],
    _rt.added_at: [case(_mat(5), slice(1, 3), _mat(2), wrt=(0, 2)), case(_mat(5), 2, 0.5, wrt=(0, 2)),
                   case(_mat(3, 4), (slice(None), 1), _mat(3), wrt=(0, 2)),
                   case(_mat(5), np.array([3, 1, 3, 3]), _mat(4), wrt=(0, 2)),
                   case(_mat(5), np.array([0, 0]), 0.5, wrt=(0, 2))],
    _rt.cumsum_vjp: [case(_mat(6), _mat(2, 3)), case(_mat(3, 4), _mat(3, 4), 0)],
    _rt.diff_vjp: [case(_mat(4), _mat(5)), case(_mat(3, 2), _mat(3, 4), 2, -1),
                   case(_mat(2, 4), _mat(3, 4), 1, 0)],
    _rt.untake: [case(_mat(3), _mat(5), np.array([0, 2, 2])),
                 case(_mat(3, 2), _mat(3, 4), np.array([1, 1]), 1)],
    _rt.take_along_axis_vjp: [case(_mat(3, 2), _mat(3, 4), np.array([[0, 0], [1, 3], [2, 2]]), 1),
                              case(_mat(3), _mat(5), np.array([4, 0, 0]), None)],
    _rt.repeat_vjp: [case(_mat(6), _mat(3), 2), case(_mat(2, 6), _mat(2, 3), 2, 1)],
    _rt.delete_vjp: [case(_mat(4), _mat(5), 1), case(_mat(3, 2), _mat(3, 4), [0, 2], 1)],
    _rt.compress_vjp: [case(_mat(2, 2), np.array([True, False, True]), _mat(3, 2), 0)],
    _rt.extract_vjp: [case(_mat(3), np.array([[True, False], [True, True]]), _mat(2, 2))],
    _rt.tile_vjp: [case(_mat(6), _mat(3), 2), case(_mat(4, 3), _mat(2, 3), (2, 1))],
    _rt.unpad: [case(_mat(7), _mat(3), 2), case(_mat(5, 6), _mat(2, 3), ((1, 2), (2, 1)))],
    _rt.diagonal_vjp: [case(_mat(3), _mat(3, 3)), case(_mat(3), _mat(3, 4), 1),
                       case(_mat(4, 2), _mat(2, 3, 4), 0, 0, 1)],
    _rt.trace_vjp: [case(0.5, _mat(3, 3)), case(_mat(4), _mat(2, 3, 4), 0, 0, 1)],
    _rt.diag_vjp: [case(_mat(3, 3), _mat(3)), case(_mat(3), _mat(3, 4))],
    _rt.sort_vjp: [case(_mat(5), _mat(5)), case(_mat(3, 4), _mat(3, 4), 0)],
    _rt.sort_jvp: [case(_mat(5), _mat(5)), case(_mat(3, 4), _mat(3, 4), 0)],
    _rt.rollaxis_vjp: [case(_mat(4, 2, 3), _mat(2, 3, 4), 2)],
    _rt.inner_vjp_a: [case(_mat(2, 4), _mat(2, 3), _mat(4, 3), wrt=(0, 2)),
                      case(_mat(4, 3), np.array(0.5), _mat(4, 3), wrt=(0, 2))],
    _rt.inner_vjp_b: [case(_mat(2, 4), _mat(2, 3), _mat(4, 3), wrt=(0, 1)),
                      case(_mat(3), _mat(3), np.array(0.5), wrt=(0, 1))],
    _rt.tensordot_vjp_a: [case(_mat(2, 5), _mat(2, 3, 4), _mat(3, 4, 5), wrt=(0, 2)),
                          case(_mat(2, 4), _mat(2, 3), _mat(3, 4), ([1], [0]), wrt=(0, 2))],
    _rt.tensordot_vjp_b: [case(_mat(2, 5), _mat(2, 3, 4), _mat(3, 4, 5), wrt=(0, 1)),
                          case(_mat(2, 4), _mat(2, 3), _mat(3, 4), ([1], [0]), wrt=(0, 1))],
    _rt.vecdot_vjp: [case(_mat(2), _mat(2, 3), _mat(2, 3), wrt=(0, 2)),
                     case(_mat(2), _mat(3), _mat(2, 3), wrt=(0, 2))],
    _rt.solve_vjp_b: [case(_mat(3), _mat(3), _invertible(3, 3), _mat(3), wrt=(0, 2)),
                      case(_mat(3, 2), _mat(3, 2), _invertible(3, 3), _mat(3, 2), wrt=(0, 2))],
    _rt.solve_vjp_a: [case(_mat(3), _mat(3), _invertible(3, 3), _mat(3), wrt=(0, 1, 2)),
                      case(_mat(3, 2), _mat(3, 2), _invertible(3, 3), _mat(3, 2), wrt=(0, 1, 2))],
    _rt.solve_jvp_a: [case(_mat(3, 3), _mat(3), _invertible(3, 3), _mat(3), wrt=(0, 1, 2)),
                      case(_mat(3, 3), _mat(3, 2), _invertible(3, 3), _mat(3, 2), wrt=(0, 1, 2))],
    _rt.norm_partial: [case(_mat(3, 4), np.array(1.3), wrt=(0, 1)),
                       case(_mat(3, 4), _pos(3), 3, 1, wrt=(0, 1)),
                       case(_mat(3, 4), _pos(4), -1, 0, wrt=(0, 1)),
                       case(_mat(3, 4), _pos(3, 1), 2, 1, True, wrt=(0, 1)),
                       case(_mat(3, 4), np.array(1.3), "fro", wrt=(0, 1)),
                       case(_mat(3, 4), _pos(3), np.inf, 1, wrt=(0, 1))],
    _rt.vector_norm_partial: [case(_mat(3, 4), _pos(3), 2, 1, wrt=(0, 1)),
                              case(_mat(5), np.array(1.1), 3, wrt=(0, 1))],
    _rt.matrix_norm_partial: [case(_mat(2, 3, 4), _pos(2), "fro", wrt=(0, 1)),
                              case(_mat(3, 4), np.array(1.2), 1, (0, 1), wrt=(0, 1))],
    _rt.norm_curvature: [case(_mat(3, 4), np.array(1.3), wrt=(0, 1)),
                         case(_mat(3, 4), _pos(3), 3, 1, wrt=(0, 1)),
                         case(_mat(3, 4), _pos(3, 1), -1, 1, True, wrt=(0, 1)),
                         case(_mat(2, 3, 4), _pos(2), "fro", (-2, -1), False, "fro", wrt=(0, 1)),
                         case(_mat(5), np.array(1.1), 3, None, False, 2, wrt=(0, 1))],
    _rt.prod_others: [case(_mat(5)), case(_mat(3, 4), 1), case(_with(_mat(3, 4), 0.0, (1, 2)), 0),
                      case(_with(_mat(5), 0.0, 1, 3)), case(_with(_mat(2, 5), 0.0, (0, 0), (0, 2), (0, 4)), 1)],
    _rt.prod_others_jvp: [case(_mat(5), _mat(5), wrt=(0, 1)), case(_mat(3, 4), _mat(3, 4), (0, 1), wrt=(0, 1)),
                          case(_mat(3, 4), _with(_mat(3, 4), 0.0, (1, 2), (2, 2)), 0, wrt=(0, 1)),
                          case(_mat(5), _with(_mat(5), 0.0, 0, 2, 4), wrt=(0, 1))],
    _rt.prod_others_hvp: [case(_mat(5), _mat(5), _mat(5), wrt=(0, 1)),
                          case(_mat(3, 4), _mat(3, 4), _with(_mat(3, 4), 0.0, (0, 1), (0, 3)), 1, wrt=(0, 1))],
    _rt.cumprod_jvp: [case(_mat(5), _mat(5), wrt=(0, 1)), case(_mat(3, 4), _with(_mat(3, 4), 0.0, (1, 1)), 0, wrt=(0, 1)),
                      case(_mat(2, 3), _mat(2, 3), None, _mat(2, 3), wrt=(0, 3)),
                      case(_mat(3, 4), _with(_mat(3, 4), 0.0, (0, 1), (0, 2)), 1, _mat(3, 4), wrt=(0, 3))],
    _rt.cumprod_vjp: [case(_mat(5), _mat(5), wrt=(0, 1)), case(_mat(3, 4), _with(_mat(3, 4), 0.0, (1, 1)), 0, wrt=(0, 1)),
                      case(_mat(6), _mat(2, 3), None, _mat(2, 3), wrt=(0, 3)),
                      case(_mat(3, 4), _with(_mat(3, 4), 0.0, (0, 1), (0, 2)), 1, _mat(3, 4), wrt=(0, 3))],
    _rt.drop_initial: [case(_mat(5)), case(_mat(3, 4), 1)],
    _rt.zero_initial: [case(_mat(5)), case(_mat(3, 4), 1)],
    _rt.kron_vjp: [case(_mat(6, 6), _mat(2, 3), _mat(3, 2), 0, wrt=(0, 2)), case(_mat(6), _mat(3), _mat(2), 1, wrt=(0, 1)),
                   case(_mat(2, 4, 6), _mat(2, 3), _mat(2, 2, 2), 0, wrt=(0, 2)),
                   case(_mat(2, 4, 6), _mat(2, 3), _mat(2, 2, 2), 1, wrt=(0, 1))],
    _rt.read_triangle: [case(_mat(3, 3)), case(_mat(2, 3, 3), True)],
    _rt.fold_triangle: [case(_mat(3, 3)), case(_mat(2, 3, 3), True)],
    _rt.phi: [case(_mat(3, 3)), case(_mat(2, 3, 3))],
    _rt.einsum_operand_vjp: [case(_mat(2, 4), _mat(2, 3), _mat(3, 4), via=_einsum_vjp_a, wrt=(0, 2)),
                             case(_mat(2), _mat(2, 3, 4), _mat(3, 5), _mat(5, 4), via=_einsum_vjp_c, wrt=(0, 1, 2)),
                             case(_mat(3), _mat(3, 3), _mat(3), via=_einsum_vjp_diagonal, wrt=(0, 2))],
    _rt.lay_weights: [case(_pos(4), _mat(3, 4), 1), case(_pos(3, 4), _mat(3, 4)), case(_pos(2), _mat(2, 3), 0)],
    _rt.unlay_weights: [case(_mat(3, 4), _pos(4), _mat(3, 4), 1), case(_mat(3, 4), _pos(3, 4), _mat(3, 4)),
                        case(_mat(2, 3), _pos(2), _mat(2, 3), 0)],
    _rt.var_partial: [case(_mat(3, 4)), case(_mat(3, 4), 0, 1), case(_mat(3, 4), (0, 1), 0, True)],
    _rt.std_partial: [case(_mat(3, 4), _pos(3), 1, 1, wrt=(0, 1)),
                      case(_mat(3, 4), _pos(3, 1), 1, 0, True, wrt=(0, 1)),
                      case(_mat(3, 4), np.array(0.7), wrt=(0, 1)),
                      case(_mat(3, 4), _pos(4), 0, 0, False, True, wrt=(0, 1))],
    _rt.unconcatenate: [case(_mat(5), _mat(2), _mat(3), via=_unconcatenate),
                        case(_mat(1, 5), _mat(3), _mat(2), via=_unconcatenate_2d),
                        case(_mat(6, 3), _mat(2, 3, 3)), case(_mat(12), _mat(2, 3, 2), None)],
    _rt.concatenate_like: [case(_mat(2, 3), _mat(4), via=_concatenate_like, wrt=(0, 1)),
                           case(0.5, _mat(3), via=_concatenate_like_1d, wrt=(0, 1)), case(_mat(2, 3, 4), 1)],
    _rt.unstack: [case(_mat(3, 2), _mat(3), _mat(3), via=_unstack), case(_mat(3, 4), _mat(3, 4)),
                  case(_mat(4, 3), _mat(3, 4), 1)],
    _rt.unstack_like: [case(_mat(2, 2), 0.5, 0.25, via=_unstack_like), case(_mat(3), _mat(3))],
    _rt.unsum: [case(_mat(2, 3), _mat(3), _mat(2, 3), via=_unsum), case(_mat(3), _mat(4, 3)),
                case(_mat(2, 3), _mat(4, 3))],
    # helpers behind particular NumPy functions' derivatives (rules/derivative_helpers.py)
    _rt.append_vjp: [case(_mat(5), _mat(3), _mat(2)), case(_mat(5), _mat(3), _mat(2), None, 1),
                     case(_mat(3, 3), _mat(2, 3), _mat(1, 3), 0, 0), case(_mat(2, 5), _mat(2, 3), _mat(2, 2), 1, 1)],
    _rt.resize_vjp: [case(_mat(2, 4), _mat(3), (2, 4)), case(_mat(2, 2), _mat(2, 3), (2, 2))],
    _rt.bincount_vjp: [case(_mat(5), np.array([0, 2, 2, 4]), _mat(4)), case(_mat(3), np.array([[1, 1], [0, 2]]), _mat(2, 2))],
    _rt.ediff1d_vjp: [case(_mat(4), _mat(5)), case(_mat(7), _mat(4), _mat(2), _mat(2), 0),
                      case(_mat(7), _mat(4), _mat(2), _mat(2), 1), case(_mat(7), _mat(4), _mat(2), _mat(2), 2)],
    _rt.ediff1d_jvp: [case(_mat(2, 3), _mat(2, 3)), case(_mat(2), _mat(4), _mat(2), _mat(1), 1),
                      case(_mat(1), _mat(4), _mat(2), _mat(1), 2)],
    _rt.partition_vjp: [case(_mat(6), np.partition(_PART6, 2), _PART6),
                        case(_mat(3, 5), np.partition(_PART35, 1, 0), _PART35, 0),
                        case(_mat(15), np.partition(_PART35, 4, None), _PART35, None)],
    _rt.partition_jvp: [case(_mat(6), np.partition(_PART6, 2), _PART6),
                        case(_mat(3, 5), np.partition(_PART35, 1, 0), _PART35, 0),
                        case(_mat(3, 5), np.partition(_PART35, 4, None), _PART35, None)],
    _rt.polyder_vjp: [case(_mat(4), _mat(5)), case(_mat(3), _mat(5), 2)],
    _rt.polyint_vjp: [case(_mat(5), _mat(4)), case(_mat(5), _mat(3), 2)],
    _rt.polyadd_vjp: [case(_mat(4), _mat(2)), case(_mat(3), _mat(3), -1.0)],
    _rt.convolve_vjp: [case(_mat(7), _mat(5), _mat(3), wrt=(0, 2)), case(_mat(5), _mat(5), _mat(3), "same", 1, wrt=(0, 1)),
                       case(_mat(3), _mat(5), _mat(3), "valid", 0, wrt=(0, 2)), case(_mat(4), _mat(2), _mat(4), "same", 1, wrt=(0, 1))],
    _rt.trapezoid_vjp: [case(np.array(0.7), _mat(6)), case(_mat(3), _mat(3, 4), _SORTED4, wrt=(0, 2)),
                        case(_mat(3), _mat(3, 4), _SORTED4, 1.0, -1, 1, wrt=(0, 1)),
                        case(_mat(4), _mat(3, 4), None, 0.3, 0, 0, wrt=(0, 3)),
                        case(_mat(3), _mat(3, 4), None, 0.3, -1, 2, wrt=(0, 1)),
                        case(_mat(2), _mat(2, 4), np.sort(_mat(2, 4), axis=1), wrt=(0, 2)),
                        case(_mat(2), _mat(2, 4), np.sort(_mat(2, 4), axis=1), 1.0, -1, 1, wrt=(0, 1))],
    _rt.trapezoid_jvp_x: [case(_mat(5), _mat(5), _SORTED5, wrt=(0, 1)), case(_mat(4), _mat(3, 4), _SORTED4, wrt=(0, 1)),
                          case(_mat(2, 4), _mat(2, 4), np.sort(_mat(2, 4), axis=1), wrt=(0, 1))],
    _rt.cov_vjp: [case(_mat(3, 3), _mat(3, 6), wrt=(0, 1)), case(_mat(3, 3), _mat(2, 5), _mat(5), wrt=(0, 1, 2)),
                  case(_mat(3, 3), _mat(2, 5), _mat(5), True, False, None, 1, wrt=(0, 1, 2)),
                  case(np.array(0.6), _mat(6), None, True, True, wrt=(0, 1)), case(_mat(1, 1), _mat(6), wrt=(0, 1)),
                  case(_mat(3, 3), _mat(5, 2), _mat(5, 1), False, False, 2, 1, wrt=(0, 1, 2))],
    _rt.cov_jvp: [case(_mat(3, 6), _mat(3, 6), wrt=(0, 1)), case(_mat(2, 5), _mat(2, 5), _mat(5), wrt=(0, 1, 2)),
                  case(_mat(5), _mat(2, 5), _mat(5), True, False, None, 1, wrt=(0, 1, 2)),
                  case(_mat(6), _mat(6), None, True, True, wrt=(0, 1)),
                  case(_mat(5, 1), _mat(5, 2), _mat(5, 1), False, False, 2, 1, wrt=(0, 1, 2))],
    _rt.inverse_gaps: [case(np.array([0.3, -0.5, 1.2])),
                       case(np.array([[0.1, 0.9, -0.4, 2.0], [1.0, -1.0, 0.5, 0.0]]))],
    _rt.diag_embed: [case(_mat(3)), case(_mat(2, 3))],
    _rt.square_matrix: [case(_mat(2, 3, 6)), case(_mat(4))],
    _rt.tensorsolve_matrix: [case(_mat(2, 3, 6), _mat(2, 3)), case(_mat(6, 2, 3), _mat(6))],
    _rt.polyval_vjp_p: [case(_mat(5), _mat(4), _mat(5), wrt=(0, 2)),
                        case(np.array(0.3), _mat(3), np.array(0.7), wrt=(0, 2)),
                        case(_mat(2, 3), _mat(2), _mat(2, 3), wrt=(0, 2))],
    _rt.polyval_partial_x: [case(_mat(4), _mat(5), wrt=(0, 1)), case(_mat(3), 0.7, wrt=(0, 1)),
                            case(_mat(1), _mat(2), wrt=(0, 1)),
                            case(_mat(5), _mat(3), 2, wrt=(0, 1))],
    _rt.vander_partial: [case(_mat(4)), case(_mat(3), 5), case(_mat(3), 2, True), case(_mat(3), 4, False, 2)],
    _rt.quantile_vjp_x: [case(np.array(0.5), _mat(7), 0.3, wrt=(0, 2)),
                         case(_mat(2, 3), _mat(3, 4), np.array([0.2, 0.9]), 1, wrt=(0, 2)),
                         case(_mat(1, 3, 1), _mat(2, 3, 4), 0.6, (0, 2), True, wrt=(0, 2))],
    _rt.quantile_jvp_x: [case(_mat(7), _mat(7), 0.3, wrt=(0, 2)),
                         case(_mat(3, 4), _mat(3, 4), np.array([0.2, 0.9]), 1, wrt=(0, 2)),
                         case(_mat(2, 3, 4), _mat(2, 3, 4), 0.6, (0, 2), True, wrt=(0, 2))],
    _rt.quantile_gap: [case(_mat(7), _mat(7), 0.3), case(_mat(3, 4), _mat(3, 4), np.array([0.2, 0.9]), 1, False, 0.01)],
    _rt.quantile_partial_q: [case(_mat(7), 0.3), case(_mat(3, 4), np.array([0.2, 0.9]), 1, False, 0.01),
                             case(_mat(2, 3, 4), 0.6, (0, 2), True)],
    _rt.quantile_gap_vjp: [case(np.array(0.5), _mat(7), 0.3),
                           case(_mat(2, 3), _mat(3, 4), np.array([0.2, 0.9]), 1, False, 0.01)],
    _rt.corr_jvp: [case(_mat(3, 3), _COV3, wrt=(0, 1)), case(_mat(1, 1), _COV3[:1, :1], wrt=(0, 1))],
    _rt.corr_vjp: [case(_mat(3, 3), _COV3, wrt=(0, 1))],
    _rt.corr_hvp: [case(_mat(3, 3), _mat(3, 3), _COV3, wrt=(0, 1))],
    _rt.corr_hvp_vjp: [case(_mat(3, 3), _mat(3, 3), _COV3, wrt=(0, 1))],
    _rt.spectral_hvp: [case(_mat(3, 4), _mat(3, 4), "nuc"), case(_mat(4, 3), _mat(4, 3), 2),
                       case(_mat(2, 3, 4), _mat(2, 3, 4), -2, (2, 1)), case(_mat(3, 4), _mat(3, 4), 2, (-2, -1), "fro"),
                       case(_mat(3, 4), _mat(3, 4), 3, 1, wrt=(0, 1))],
    _rt.correlate_vjp: [case(_mat(3), _mat(5), _mat(3), wrt=(0, 2)), case(_mat(7), _mat(5), _mat(3), "full", 1, wrt=(0, 1)),
                        case(_mat(4), _mat(3), _mat(4), "same", 0, wrt=(0, 2))],
}

# functions new in NumPy 2
for _fn, _cases in [
        ("cumulative_sum", [case(_mat(5)), case(_mat(3, 4), axis=1), case(_mat(3, 4), axis=0, include_initial=True)]),
        ("cumulative_prod", [case(_mat(5)), case(_mat(3, 4), axis=-1), case(_with(_mat(5), 0.0, 2), include_initial=True)]),
        ("trapezoid", [case(_mat(5)), case(_mat(3, 4), wrt=(0,), axis=0), case(_mat(5), np.sort(_mat(5)), wrt=(0, 1)),
                       case(_mat(5), np.sort(_mat(5)), 0.3, wrt=(2,)),  # dx, unused when x is given
                       case(_mat(2, 5), np.sort(_mat(5)), wrt=(0, 1)), case(_mat(2, 5), None, 0.3, 0, wrt=(0, 2)),
                       case(_mat(2, 4), np.sort(_mat(2, 4), axis=1), wrt=(0, 1))]),
        ("matrix_transpose", [case(_mat(2, 3)), case(_mat(2, 3, 4))]),
        ("astype", [case(_mat(2, 3), np.float32, eps=1e-2, rtol=1e-4), case(_mat(2, 3), np.float64)]),
        ("vecdot", _VECDOT + [case(_mat(3, 2), _mat(3, 2), via=_vecdot_axis0, wrt=(0, 1))])]:
    if hasattr(np, _fn):
        STRUCTURAL[getattr(np, _fn)] = _cases
for _fn, _cases in [
        ("matrix_transpose", [case(_mat(2, 3)), case(_mat(2, 3, 4))]),
        ("diagonal", [case(_mat(3, 3)), case(_mat(2, 3, 4)), case(_mat(3, 4), offset=1)]),
        ("trace", [case(_mat(3, 3)), case(_mat(2, 3, 4)), case(_mat(3, 4), offset=-1)]),
        ("outer", [case(_mat(3), _mat(4), wrt=(0, 1))]),
        ("vecdot", _VECDOT + [case(_mat(3, 2), _mat(3, 2), axis=0, wrt=(0, 1))]),
        ("cross", _CROSS + [case(_mat(3, 2), _mat(3, 2), axis=0, wrt=(0, 1))]),
        ("matmul", [case(_mat(2, 3), _mat(3, 4), wrt=(0, 1)), case(_mat(3), _mat(3, 2), wrt=(0, 1))]),
        ("tensordot", [case(_mat(2, 3), _mat(3, 4), axes=1, wrt=(0, 1)),
                       case(_mat(2, 3, 4), _mat(3, 4, 5), wrt=(0, 1))]),
        ("svdvals", [case(_mat(3, 2)), case(_mat(2, 3, 4))]),
        ("vector_norm", [case(_mat(3, 4)), case(_mat(3, 4), axis=1, ord=1),
                         case(_mat(2, 3, 4), axis=(0, 2), ord=np.inf, keepdims=True),
                         case(_mat(4), ord=3), case(_mat(3, 4), axis=-1, keepdims=True)]),
        ("matrix_norm", [case(_mat(3, 4), ord=p) for p in _MATRIX_NORMS[1:]]
                        + [case(_mat(2, 3, 3), ord=2, keepdims=True), case(_mat(2, 3, 4))])]:
    if hasattr(np.linalg, _fn):
        STRUCTURAL[getattr(np.linalg, _fn)] = _cases


def _is_math(fn) -> bool:
    return getattr(fn, "__module__", None) == "math" or fn in (builtins.max, builtins.min,
                                                               builtins.float)


def _draw(fn, k, shape):
    domain = DOMAINS.get(fn, (0.2, 0.8))
    lo, hi = domain[k] if isinstance(domain, list) else domain
    return float(RNG.uniform(lo, hi)) if shape is None else RNG.uniform(lo, hi, size=shape)


def _elementwise_cases(fn):
    arity = sum(p.default is inspect.Parameter.empty for p in rule_params(fn))
    shapes = [(None,) * arity]
    if not _is_math(fn):
        shapes += [((3,),) * arity, ((2, 3),) * arity]
        if arity == 2:
            shapes += [((3, 1), (4,)), (None, (3,)), ((3,), None)]
    return [case(*(_draw(fn, k, s) for k, s in enumerate(shape)), wrt=tuple(range(arity)))
            for shape in shapes]


def cases(fn) -> list[Case]:
    if fn in STRUCTURAL:  # the older (args, wrt) pairs are accepted too
        return [c if isinstance(c, Case) else case(*c[0], wrt=c[1]) for c in STRUCTURAL[fn]]
    if RULES.get(fn).partials is not None:
        return _elementwise_cases(fn)
    return []


DIFFERENTIABLE = sorted((r.fn for r in RULES if not r.nondiff),
                        key=lambda f: f"{getattr(f, '__module__', '')}.{getattr(f, '__name__', '')}")


def _id(fn):
    module = (getattr(fn, "__module__", None) or "").replace("_operator", "operator")
    return f"{module}.{fn.__name__}".lstrip(".")


def _central(fn, args, kwargs, k, direction, eps=1e-6):
    hi, lo = list(args), list(args)
    hi[k] = args[k] + eps * direction
    lo[k] = args[k] - eps * direction
    return (np.asarray(fn(*hi, **kwargs), dtype=float)
            - np.asarray(fn(*lo, **kwargs), dtype=float)) / (2 * eps)


def leaves(x) -> list:
    """The arrays in a value that may be a (nested) tuple or list, in order."""
    if isinstance(x, (tuple, list)):
        return [leaf for entry in x for leaf in leaves(entry)]
    return [np.asarray(x)]


def random_like(value, rng=RNG, draw=None):
    """A random cotangent for `value`: tuples and lists entry by entry."""
    if isinstance(value, (tuple, list)):
        entries = [random_like(v, rng, draw) for v in value]
        return entries if isinstance(value, list) else tuple(entries)
    if draw is not None:
        return draw(value)
    return rng.normal(size=np.shape(value)) if np.ndim(value) else 1.0


def _central_leaves(fn, args, kwargs, k, direction, eps=1e-6):
    """`_central` for a function whose value may be a tuple or list: one difference per leaf."""
    hi, lo = list(args), list(args)
    hi[k] = args[k] + eps * direction
    lo[k] = args[k] - eps * direction
    return [(np.asarray(h, dtype=float) - np.asarray(lo_, dtype=float)) / (2 * eps)
            for h, lo_ in zip(leaves(fn(*hi, **kwargs)), leaves(fn(*lo, **kwargs)))]


def _difference_noise(value, eps):
    """Rounding error of a central difference: a float32 result is exact only to about 1e-7 of its size,
    and dividing by 2 eps magnifies that; without this bound a float32 case fails by chance."""
    dtype = np.result_type(value)
    if not np.issubdtype(dtype, np.floating):
        return 0.0
    return float(np.finfo(dtype).eps * np.max(np.abs(value), initial=1.0) / eps)


def check_both_modes(f, args, kwargs, k, eps=1e-6, rtol=1e-6, rng=RNG):
    """tg.jvp and tg.vjp of f with respect to argument k against central
    differences; f's value may be a tuple or list of arrays."""
    value = f(*args, **kwargs)
    direction = rng.normal(size=np.shape(args[k])) if np.ndim(args[k]) else 1.0
    cotangent = random_like(value, rng)
    expected = _central_leaves(f, args, kwargs, k, direction, eps)
    where = f"argument {k} of {getattr(f, '__name__', f)}{args} {kwargs}"
    atol = max([1e-8] + [_difference_noise(v, eps) for v in leaves(value)])
    out, jv = tg.jvp(f, wrt=k)(*args, direction, **kwargs)
    assert len(leaves(out)) == len(leaves(value)) == len(leaves(jv)), f"forward, {where}"
    for o, v, t, e in zip(leaves(out), leaves(value), leaves(jv), expected):
        np.testing.assert_allclose(o, v, rtol=1e-12)
        assert np.shape(t) == np.shape(v), f"forward, {where}"
        np.testing.assert_allclose(t, e, rtol=rtol, atol=atol, err_msg=f"forward, {where}")
    _, vj = tg.vjp(f, wrt=k)(*args, cotangent, **kwargs)
    assert np.shape(vj) == np.shape(args[k]), f"reverse, {where}"
    size = sum(np.size(v) for v in leaves(value))
    np.testing.assert_allclose(np.sum(vj * direction),
                               sum(np.sum(e * c) for e, c in zip(expected, leaves(cotangent))),
                               rtol=rtol, atol=atol * size, err_msg=f"reverse, {where}")


@pytest.mark.parametrize("fn", DIFFERENTIABLE, ids=_id)
def test_every_rule_has_cases(fn):
    assert cases(fn), f"add {_id(fn)} to STRUCTURAL in tests/test_rules.py"


@pytest.mark.parametrize("fn", DIFFERENTIABLE, ids=_id)
def test_rule_through_the_pipeline(fn):
    for c in cases(fn):
        for k in c.wrt:
            check_both_modes(c.via or fn, c.args, c.kwargs, k, c.eps, c.rtol)


def _float32(value):
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value.astype(np.float32)
    return value


@pytest.mark.parametrize("fn", [fn for fn in DIFFERENTIABLE if not _is_math(fn)], ids=_id)
def test_float32_stays_float32(fn):
    """float32 arguments get float32 tangents and cotangents."""
    for c in cases(fn):
        if any(isinstance(a, float) for a in c.args):
            continue  # NumPy makes np.float64 of a Python float: mixed precision
        args = tuple(_float32(a) for a in c.args)
        if not any(isinstance(args[k], np.ndarray) and args[k].dtype == np.float32 for k in c.wrt):
            continue
        f = c.via or fn
        value = f(*args, **c.kwargs)
        if any(np.result_type(v) != np.float32 for v in leaves(value)):
            continue  # the function itself promotes (a float64 weight, a Python scalar, a cast)
        for k in c.wrt:
            if not (isinstance(args[k], np.ndarray) and args[k].dtype == np.float32):
                continue  # a float64 tangent may promote the result
            tangent = np.ones_like(args[k])
            _, jv = tg.jvp(f, wrt=k)(*args, tangent, **c.kwargs)
            assert all(np.result_type(t) == np.float32 for t in leaves(jv)), \
                f"forward, argument {k}, {c}"
            cotangent = random_like(value, draw=np.ones_like)
            _, vj = tg.vjp(f, wrt=k)(*args, cotangent, **c.kwargs)
            assert np.result_type(vj) == np.float32, f"reverse, argument {k}, {c}"


ELEMENTWISE = [fn for fn in DIFFERENTIABLE if RULES.get(fn).partials is not None]


@pytest.mark.parametrize("fn", ELEMENTWISE, ids=_id)
def test_partials_directly(fn):
    """The partials, called as plain functions, are the derivative."""
    rule = RULES.get(fn).partials
    for c in cases(fn)[:1]:  # scalar case
        ans = fn(*c.args)
        kwargs = {"ans": ans} if "ans" in inspect.signature(rule).parameters else {}
        partials = rule(*c.args, **kwargs)
        partials = partials if isinstance(partials, tuple) else (partials,)
        for k in c.wrt:
            partial = 0.0 if partials[k] is None else partials[k]  # None: no derivative
            np.testing.assert_allclose(partial, _central(fn, c.args, {}, k, 1.0), rtol=1e-6, atol=1e-8)


def norm_of(x):
    return np.linalg.norm(x)


def hypot_of(x, y):
    return np.sum(np.hypot(x, y))


def std_of(x):
    return np.std(x)


@pytest.mark.parametrize("f,args", [(norm_of, (np.zeros(3),)), (hypot_of, (np.zeros(2), np.zeros(2))),
                                    (std_of, (np.full(4, 0.5),))], ids=["norm", "hypot", "std"])
def test_zero_derivative_where_a_cone_has_none(f, args):
    """At the tip of a cone (a norm of 0, the std of equal values) the
    derivative is taken as 0, the subgradient of least size, as for abs."""
    for k in range(len(args)):
        assert np.all(tg.grad(f, wrt=k)(*args) == 0.0)
        assert tg.jvp(f, wrt=k)(*args, np.ones_like(args[k]))[1] == 0.0
