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


def _unarray_of_list(g, a):
    return _rt.unarray(g, [a, a])[1] * a


def _undict_redict(g, a):
    pairs = [("a", a), ("b", a * a)]
    return _rt.redict(_rt.undict({"a": g, "b": g * a}, pairs), pairs)["b"]


def _field_of(a, b):
    record = _rt.unfield(a * b, _PAIR, "w")  # a record holding a * b in `w`
    return _rt.field(record, "w") * b


def _unfield_of(g, a):
    return _rt.field(_rt.unfield(g, _PAIR, "v"), "v") * a


def _unsum_of(g, a):
    return _rt.unsum(g, [a, a * a])[1] * a


class _Pair:
    def __init__(self, w, v):
        self.w = w
        self.v = v


_PAIR = _Pair(np.zeros(3), np.zeros(3))


def _vecdot_axis0(a, b):
    return np.vecdot(a, b, axis=0)


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
    # ------------------------------------------------------- shapes
    np.ravel: [case(_mat(2, 3)), case(np.array(0.5))],
    np.squeeze: [case(_mat(1, 3, 1)), case(_mat(1, 3, 1), 0), case(_mat(1, 3, 1), (0, 2)), case(_mat(1))],
    np.expand_dims: [case(_mat(3), 0), case(_mat(2, 3), -1), case(_mat(2, 3), (0, 3)),
                     case(np.array(0.5), 0)],
    np.atleast_1d: _COPY, np.atleast_2d: _COPY, np.atleast_3d: _COPY + [case(_mat(2, 3))],
    np.broadcast_to: [case(_mat(3), (2, 3)), case(_mat(2, 1), (2, 4)), case(np.array(0.5), (2, 2)),
                      case(0.5, (3,))],
    np.copy: _COPY, np.ascontiguousarray: _COPY, np.asarray: _COPY, np.asanyarray: _COPY,
    np.array: _COPY, np.asfortranarray: _COPY, np.real: _COPY + [case(0.5)],
    np.float64: _CAST, np.float32: _CAST,
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
    np.linalg.eigvalsh: [case(_symmetric(3, 3)), case(_symmetric(2, 3, 3)), case(_symmetric(3, 3), "U")],
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
    _rt.unarray: [case(_mat(2), _mat(2)), case(_mat(2, 3), _mat(3), via=_unarray_of_list, wrt=(0, 1))],
    _rt.unsum: [case(_mat(3), _mat(3), via=_unsum_of, wrt=(0, 1))],
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
                       case(_mat(3, 4), 1, _mat(4)), case(_mat(3, 4), (slice(None), 1), 0.5)],
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
}

# functions new in NumPy 2
for _fn, _cases in [
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
    if fn in STRUCTURAL:
        return STRUCTURAL[fn]
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


def _difference_noise(value, eps):
    """Rounding error of a central difference: a float32 result is exact only to about 1e-7 of its size,
    and dividing by 2 eps magnifies that; without this bound a float32 case fails by chance."""
    dtype = np.result_type(value)
    if not np.issubdtype(dtype, np.floating):
        return 0.0
    return float(np.finfo(dtype).eps * np.max(np.abs(value), initial=1.0) / eps)


def check_both_modes(f, args, kwargs, k, eps=1e-6, rtol=1e-6, rng=RNG):
    """tg.jvp and tg.vjp of f with respect to argument k against central differences."""
    value = f(*args, **kwargs)
    direction = rng.normal(size=np.shape(args[k])) if np.ndim(args[k]) else 1.0
    cotangent = rng.normal(size=np.shape(value)) if np.ndim(value) else 1.0
    expected = _central(f, args, kwargs, k, direction, eps)
    where = f"argument {k} of {getattr(f, '__name__', f)}{args} {kwargs}"
    atol = max(1e-8, _difference_noise(value, eps))
    out, jv = tg.jvp(f, wrt=k)(*args, direction, **kwargs)
    np.testing.assert_allclose(out, value, rtol=1e-12)
    assert np.shape(jv) == np.shape(value), f"forward, {where}"
    np.testing.assert_allclose(jv, expected, rtol=rtol, atol=atol, err_msg=f"forward, {where}")
    _, vj = tg.vjp(f, wrt=k)(*args, cotangent, **kwargs)
    assert np.shape(vj) == np.shape(args[k]), f"reverse, {where}"
    np.testing.assert_allclose(np.sum(vj * direction), np.sum(expected * cotangent),
                               rtol=rtol, atol=atol * np.size(value), err_msg=f"reverse, {where}")


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
        if np.result_type(value) != np.float32:
            continue  # the function itself promotes (a float64 weight, a Python scalar, a cast)
        for k in c.wrt:
            if not (isinstance(args[k], np.ndarray) and args[k].dtype == np.float32):
                continue  # a float64 tangent may promote the result
            tangent = np.ones_like(args[k])
            _, jv = tg.jvp(f, wrt=k)(*args, tangent, **c.kwargs)
            assert np.result_type(jv) == np.float32, f"forward, argument {k}, {c}"
            cotangent = np.ones_like(value)
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
