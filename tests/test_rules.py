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
}


def _mat(*shape):
    return RNG.uniform(-1, 1, size=shape)


# structural rules: (args, indices of the arguments to differentiate)
STRUCTURAL = {
    operator.getitem: [((_mat(5), 2), (0,)), ((_mat(5), slice(1, 4)), (0,)),
                       ((_mat(3, 4), (slice(None), 1)), (0,)),
                       ((_mat(5), np.array([0, 2, 2])), (0,)),
                       ((_mat(4), np.array([True, False, True, True])), (0,))],
    operator.matmul: [((_mat(2, 3), _mat(3, 4)), (0, 1)), ((_mat(3), _mat(3, 2)), (0, 1)),
                      ((_mat(2, 3), _mat(3)), (0, 1)), ((_mat(3), _mat(3)), (0, 1)),
                      ((_mat(2, 2, 3), _mat(3, 4)), (0, 1))],
    np.matmul: [((_mat(2, 3), _mat(3, 4)), (0, 1)), ((_mat(3), _mat(3)), (0, 1))],
    np.dot: [((_mat(2, 3), _mat(3, 4)), (0, 1)), ((_mat(3), _mat(3)), (0, 1)),
             ((_mat(2, 3), _mat(3)), (0, 1)), ((1.5, _mat(3)), (0, 1))],
    np.sum: [((_mat(3, 4),), (0,)), ((_mat(3, 4), 1), (0,)), ((_mat(3, 4), -2), (0,))],
    np.mean: [((_mat(3, 4),), (0,)), ((_mat(3, 4), 0), (0,)), ((_mat(2, 3, 4), (0, 2)), (0,))],
    np.transpose: [((_mat(2, 3),), (0,)), ((_mat(2, 3, 4), (2, 0, 1)), (0,))],
    np.reshape: [((_mat(2, 3), (3, 2)), (0,)), ((_mat(2, 3), -1), (0,))],
    np.where: [((_mat(4) > 0, _mat(4), _mat(4)), (1, 2)), ((_mat(3, 1) > 0, _mat(4), 0.5), (1, 2))],
    builtins.float: [((0.7,), (0,)), ((np.float64(0.3),), (0,))],
    np.copy: [((_mat(3),), (0,)), ((_mat(2, 3),), (0,))],
    _rt.astype: [((_mat(3), float), (0,)), ((_mat(2, 3), np.float64), (0,))],
    # the runtime helpers generated code calls, differentiated again for higher derivatives
    _rt.add: [((_mat(3), _mat(3)), (0, 1)), ((_mat(2, 3), _mat(3)), (0, 1)), ((0.5, 0.25), (0, 1))],
    _rt.unbroadcast: [((_mat(2, 3), _mat(3)), (0,)), ((_mat(4, 3), _mat(1, 3)), (0,)),
                      ((_mat(3), 0.5), (0,)), ((_mat(3), _mat(3)), (0,))],
    _rt.broadcast_like: [((_mat(3), _mat(2, 3)), (0,)), ((0.5, _mat(3)), (0,)),
                         ((_mat(1, 3), _mat(4, 3)), (0,))],
    _rt.unreduce: [((0.7, _mat(3, 4)), (0,)), ((_mat(4), _mat(3, 4), 0), (0,)),
                   ((_mat(3, 1), _mat(3, 4), 1, True), (0,)), ((_mat(3), _mat(3, 4), -1), (0,))],
    _rt.unindex: [((_mat(2), _mat(5), slice(1, 3)), (0,)), ((0.3, _mat(5), 2), (0,)),
                  ((_mat(3), _mat(5), np.array([0, 2, 2])), (0,)),
                  ((_mat(4), _mat(3, 4), 1), (0,))],
    _rt.cast_like: [((_mat(3), _mat(3)), (0,)), ((0.5, 0.25), (0,))],
    _rt.pick: [((_mat(3), 0), (0,))],
    _rt.unpick: [((_mat(3), _mat(3), 0), (0,))],
    _rt.matmul_vjp_a: [((_mat(2, 4), _mat(2, 3), _mat(3, 4)), (0, 2)),
                       ((_mat(4), _mat(3), _mat(3, 4)), (0, 2)),
                       ((_mat(2), _mat(2, 3), _mat(3)), (0, 2)),
                       ((0.7, _mat(3), _mat(3)), (0, 2)),
                       ((_mat(2, 2, 4), _mat(2, 3), _mat(3, 4)), (0, 2))],
    _rt.matmul_vjp_b: [((_mat(2, 4), _mat(2, 3), _mat(3, 4)), (0, 1)),
                       ((_mat(4), _mat(3), _mat(3, 4)), (0, 1)),
                       ((_mat(2), _mat(2, 3), _mat(3)), (0, 1)),
                       ((0.7, _mat(3), _mat(3)), (0, 1)),
                       ((_mat(2, 2, 4), _mat(2, 2, 3), _mat(3, 4)), (0, 1))],
    _rt.dot_vjp_a: [((_mat(2, 4), _mat(2, 3), _mat(3, 4)), (0, 2)),
                    ((0.7, _mat(3), _mat(3)), (0, 2)), ((_mat(3), 1.5, _mat(3)), (0, 2)),
                    ((_mat(3), _mat(3), 1.5), (0, 2))],
    _rt.dot_vjp_b: [((_mat(2, 4), _mat(2, 3), _mat(3, 4)), (0, 1)),
                    ((0.7, _mat(3), _mat(3)), (0, 1)), ((_mat(3), 1.5, _mat(3)), (0, 1)),
                    ((_mat(3), _mat(3), 1.5), (0, 1))],
}


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
    return [(tuple(_draw(fn, k, s) for k, s in enumerate(shape)), tuple(range(arity)))
            for shape in shapes]


def cases(fn):
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


def _central(fn, args, k, direction, eps=1e-6):
    hi, lo = list(args), list(args)
    hi[k] = args[k] + eps * direction
    lo[k] = args[k] - eps * direction
    return (np.asarray(fn(*hi), dtype=float) - np.asarray(fn(*lo), dtype=float)) / (2 * eps)


@pytest.mark.parametrize("fn", DIFFERENTIABLE, ids=_id)
def test_every_rule_has_cases(fn):
    assert cases(fn), f"add {_id(fn)} to STRUCTURAL in tests/test_rules.py"


@pytest.mark.parametrize("fn", DIFFERENTIABLE, ids=_id)
def test_rule_through_the_pipeline(fn):
    for args, wrt in cases(fn):
        value = fn(*args)
        for k in wrt:
            direction = RNG.normal(size=np.shape(args[k])) if np.ndim(args[k]) else 1.0
            cotangent = RNG.normal(size=np.shape(value)) if np.ndim(value) else 1.0
            expected = _central(fn, args, k, direction)
            out, (jv,) = tg.jvp(fn, wrt=(k,))(*args, direction)[0], (tg.jvp(fn, wrt=k)(*args, direction)[1],)
            np.testing.assert_allclose(out, value, rtol=1e-12)
            np.testing.assert_allclose(jv, expected, rtol=1e-6, atol=1e-8,
                                       err_msg=f"forward, argument {k}, {args}")
            _, vj = tg.vjp(fn, wrt=k)(*args, cotangent)
            assert np.shape(vj) == np.shape(args[k])
            np.testing.assert_allclose(np.sum(vj * direction), np.sum(expected * cotangent),
                                       rtol=1e-6, atol=1e-8, err_msg=f"reverse, argument {k}, {args}")


ELEMENTWISE = [fn for fn in DIFFERENTIABLE if RULES.get(fn).partials is not None]


@pytest.mark.parametrize("fn", ELEMENTWISE, ids=_id)
def test_partials_directly(fn):
    """The partials, called as plain functions, are the derivative."""
    rule = RULES.get(fn).partials
    for args, wrt in cases(fn)[:1]:  # scalar case
        ans = fn(*args)
        kwargs = {"ans": ans} if "ans" in inspect.signature(rule).parameters else {}
        partials = rule(*args, **kwargs)
        partials = partials if isinstance(partials, tuple) else (partials,)
        for k in wrt:
            partial = 0.0 if partials[k] is None else partials[k]  # None: no derivative
            np.testing.assert_allclose(partial, _central(fn, args, k, 1.0), rtol=1e-6, atol=1e-8)
