"""Every corpus function differentiated twice: forward over reverse and
reverse over reverse.

For a random cotangent w and direction dx, the forward derivative of the
generated vjp (`tg.jvp(tg.vjp(f))`) must match central differences of
the vjp itself, and so must the vjp of the vjp against a cotangent u of
the gradient (`<dx, (J_g)^T u>`), through the loops, branches, helpers,
containers and in-place updates of the corpus. What the second level cannot do yet is
refused with a located error, and listed below, so a function that
starts to work (or stops) shows up here.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

import tangentish as tg
from tests import corpus_support as S
from tests.corpus import CORPUS
from tests.test_corpus import _like, _setup

DIMS = {"m": 3, "p": 4, "q": 2}

# second derivatives refused, by the reason the message gives
REFUSED = {
    # `_rt.add_at`: the adjoint of reading an array updated in place
    "alias_of_parameter", "broadcast_into_row", "fill_recurrence", "helper_updates_a_copy",
    "read_row_then_store", "scale_columns", "update_parameter",
    # a derivative that updates in place an array another variable may share
    "overwrite_then_reuse",
    # a method of an object, a star-unpacked call and a recursive helper,
    # as generated code calls them
    "object_methods", "kwargs_passed_through", "recursion_fixed_depth",
}

CASES = [pytest.param(f, p[0], id=S.function_id(f)) for f in CORPUS
         for p in [[q for q in S.differentiable_params(f) if S.kind(q) != S.CONTAINER]] if p]


def test_refused_names_are_corpus_functions():
    assert REFUSED <= {f.__name__ for f in CORPUS}


@pytest.mark.parametrize("f,param", CASES)
def test_forward_over_reverse_against_central_differences(f, param):
    rng, args, _, w = _setup(f, 7, DIMS)
    i = S.params(f).index(param)
    dx = _like(args[i], rng)
    back = tg.vjp(f, wrt=param)

    def grad(*a):
        return np.asarray(back(*copy.deepcopy(list(a)), w)[1], dtype=float)

    if f.__name__ in REFUSED:
        with pytest.raises(tg.TangentishError) as info:
            tg.jvp(back, wrt=param)(*copy.deepcopy(args), w, dx)
        assert info.value.origin is not None and info.value.origin.line > 0
        return
    (_, g), (_, hd) = tg.jvp(back, wrt=param)(*copy.deepcopy(args), w, dx)
    np.testing.assert_allclose(g, grad(*args), rtol=1e-10, atol=1e-12)
    eps = 1e-5
    hi, lo = list(args), list(args)
    hi[i], lo[i] = args[i] + eps * dx, args[i] - eps * dx
    np.testing.assert_allclose(hd, (grad(*hi) - grad(*lo)) / (2 * eps), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("f,param", CASES)
def test_reverse_over_reverse_against_central_differences(f, param):
    rng, args, out, w = _setup(f, 7, DIMS)
    i = S.params(f).index(param)
    dx = _like(args[i], rng)
    back = tg.vjp(f, wrt=param)

    def grad(*a):
        return np.asarray(back(*copy.deepcopy(list(a)), w)[1], dtype=float)

    g = grad(*args)
    u = rng.normal(size=np.shape(g)) if np.ndim(g) else 0.7
    no_value = S.tree_map(lambda leaf: 0.0 * np.asarray(leaf), out)  # cotangent of f's value
    if f.__name__ in REFUSED:
        with pytest.raises(tg.TangentishError):
            tg.vjp(back, wrt=param)(*copy.deepcopy(args), w, (no_value, u))
        return
    _, second = tg.vjp(back, wrt=param)(*copy.deepcopy(args), w, (no_value, u))
    eps = 1e-5
    hi, lo = list(args), list(args)
    hi[i], lo[i] = args[i] + eps * dx, args[i] - eps * dx
    expected = float(np.sum(u * (grad(*hi) - grad(*lo)) / (2 * eps)))
    assert float(np.sum(np.asarray(second) * dx)) == pytest.approx(expected, rel=1e-4, abs=1e-6)
