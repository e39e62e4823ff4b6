"""Vector-mode forward derivatives (`f_jvp_vec`): many directions per sweep.

Every result is checked against the one-direction derivative (`tg.jvp`,
`tg.hvp`, called once per direction) and against central differences or
autograd. The number of directions is chosen equal to an axis length of
the values on the way, where a direction axis broadcast in the wrong place
gives a wrong answer without an error.
"""
from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import tangentish as tg
from tangentish import api
from tangentish.pipeline import transform
from tangentish.rules import RULES
from tests import corpus_support as S
from tests.corpus import CORPUS

RNG = np.random.default_rng(11)
DIMS = {"m": 3, "p": 1, "q": 2}  # a size-1 axis, and 3 directions against an axis of 3


def _vector_sweep(f, wrt, args, tangents):
    """Call the generated vector-mode derivative of f directly."""
    derived = transform(f, "forward-vector", tuple(wrt))
    return derived.function(*copy.deepcopy(list(args)), *tangents)


def _per_direction(f, wrt, args, tangents):
    """The same tangents, one tg.jvp call per direction, stacked."""
    jvp = tg.jvp(f, wrt=tuple(wrt))
    n = len(tangents[0])
    rows = [jvp(*copy.deepcopy(list(args)), *[t[k] if np.ndim(t) > 1 else float(t[k])
                                                for t in tangents])[1] for k in range(n)]
    if isinstance(rows[0], tuple):
        return tuple(np.stack([np.broadcast_to(r[i], np.shape(rows[0][i])) for r in rows])
                     for i in range(len(rows[0])))
    return np.stack([np.broadcast_to(r, np.shape(rows[0])) for r in rows])


def _assert_same(got, expected):
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for g, e in zip(got, expected):
            _assert_same(g, e)
        return
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


# -- the corpus: every function, all its differentiable parameters at once -------

# vector sweeps serve tg.jacobian and tg.hessian, which take arrays and floats
# and give the Jacobian of one array: the corpus functions of that kind
ARRAY_FUNCTIONS = [f for f in CORPUS
                   if all(S.kind(p) != S.CONTAINER for p in S.params(f))
                   and not S.is_container(f(*S.random_args(f, np.random.default_rng(3), DIMS)))]


def test_most_of_the_corpus_is_swept():
    assert len(ARRAY_FUNCTIONS) > 0.8 * len(CORPUS)


@pytest.mark.parametrize("f", [pytest.param(f, id=S.function_id(f)) for f in ARRAY_FUNCTIONS])
def test_corpus_vector_sweep_matches_one_direction_at_a_time(f):
    rng = np.random.default_rng(3)
    args = S.random_args(f, rng, DIMS)
    wrt = S.differentiable_params(f)
    n = 3  # as many directions as the largest axis: a misplaced direction axis
    # broadcasts silently against it
    tangents = [rng.normal(size=(n,) + np.shape(args[S.params(f).index(w)])) for w in wrt]
    value, got = _vector_sweep(f, wrt, args, tangents)
    np.testing.assert_equal(value, f(*copy.deepcopy(args)))
    _assert_same(got, _per_direction(f, wrt, args, tangents))


# -- the broadcasting traps -------------------------------------------------------

def lower_rank_times(x, y):
    return x * y  # x: (3,), y: (3, 3)


def scalar_times(a, y):
    return np.sin(a) * y + a


def add_lower_rank(x, y):
    return x + y


def reductions(x):
    return (np.sum(x, axis=0) * np.mean(x, axis=-1, keepdims=True) + np.sum(x)
            + np.mean(x, axis=(0, 1)))


def products(x, M, T):
    return np.sum(M @ x) + np.sum(x @ M.T) + np.sum(np.dot(M, x) * np.dot(x, x)) + np.sum(T @ M.T)


def shapes(x):
    y = np.reshape(x, (3, 2)).T
    z = np.transpose(np.expand_dims(np.ravel(y), 0), (1, 0))
    return np.squeeze(z) * np.atleast_2d(x[0, 1])


def indexing(x, idx, mask):
    return (x[..., 1] + x[None, 0, :][0] + x[idx, 1] + x[mask] @ x[mask]
            + x[idx, :][:, idx][0] + x[[0, 2, 1], 0:1][:, 0] + float(x[1, 1]))


def indexing_apart(x, i, j):
    return x[i, :, j]  # advanced indices apart: NumPy moves their axis first


def stores(x, y):
    z = np.zeros((3, 3))
    z[0] = x
    z[1:, 1] = y[0]
    z[2, :] = z[2, :] + 2.0 * x
    z[:, 0] = y[1]
    return z


def store_apart(x):
    z = np.zeros((2, 3, 2))
    z[[0, 1], :, [1, 0]] = x  # x: (2, 3)
    z[0, 1:, 0] = x[1, 0]
    return z


def fallbacks(x):
    return np.cumprod(x) + np.sort(x) + np.linalg.det(np.outer(x, x) + np.eye(3))


@pytest.mark.parametrize("f, args, wrt", [
    (lower_rank_times, (RNG.normal(size=3), RNG.normal(size=(3, 3))), ("x",)),
    (lower_rank_times, (RNG.normal(size=3), RNG.normal(size=(3, 3))), ("x", "y")),
    (scalar_times, (0.3, RNG.normal(size=(2, 3))), ("a",)),
    (add_lower_rank, (RNG.normal(size=(1, 3)), RNG.normal(size=(3, 1))), ("x", "y")),
    (add_lower_rank, (RNG.normal(size=3), 0.5), ("y",)),
    (reductions, (RNG.normal(size=(3, 3)),), ("x",)),
    (products, (RNG.normal(size=3), RNG.normal(size=(3, 3)), RNG.normal(size=(2, 3, 3))),
     ("x", "M", "T")),
    (shapes, (RNG.normal(size=(2, 3)),), ("x",)),
    (indexing, (RNG.normal(size=(3, 3)), np.array([2, 0, 0]),
                np.array([[True, False, True], [False, True, True], [True, True, False]])), ("x",)),
    (indexing_apart, (RNG.normal(size=(3, 2, 3)), np.array([0, 2]), np.array([1, 1])), ("x",)),
    (stores, (RNG.normal(size=3), RNG.normal(size=2)), ("x", "y")),
    (store_apart, (RNG.normal(size=(2, 3)),), ("x",)),
    (fallbacks, (RNG.normal(size=3),), ("x",)),
], ids=["lower_rank", "lower_rank_both", "scalar", "add_broadcast", "add_scalar", "reductions",
        "products", "shapes", "indexing", "indexing_apart", "stores", "store_apart", "fallbacks"])
@pytest.mark.parametrize("n", [2, 3])
def test_traps_match_one_direction_at_a_time(f, args, wrt, n):
    names = S.params(f)
    tangents = [RNG.normal(size=(n,) + np.shape(args[names.index(w)])) for w in wrt]
    value, got = _vector_sweep(f, wrt, args, tangents)
    _assert_same(got, _per_direction(f, wrt, args, tangents))
    # and central differences, direction by direction
    for k in range(n):
        hi, lo = list(args), list(args)
        for w, t in zip(wrt, tangents):
            i = names.index(w)
            hi[i] = args[i] + 1e-6 * t[k]
            lo[i] = args[i] - 1e-6 * t[k]
        central = (np.asarray(f(*hi)) - np.asarray(f(*lo))) / 2e-6
        np.testing.assert_allclose(got[k], central, rtol=1e-5, atol=1e-7)


def test_fallback_statements_say_so_and_batched_ones_do_not():
    src = tg.source(fallbacks, mode="forward-vector")
    assert "# np.cumprod: no batched rule for this call, one direction at a time" in src
    assert "for _k in range(_dirs):" in src
    assert "no batched rule" not in tg.source(indexing, mode="forward-vector")


# -- control flow, helpers, containers ---------------------------------------------

def _helper(v, w):
    return np.tanh(v) * w


def control(x, w, n):
    total = 0.0
    pair = (x, 2.0 * x)
    a, b = pair
    acc = []
    for i in range(n):
        if i % 2 == 0:
            total = total + np.sum(_helper(a, w[i]))
        else:
            acc.append(b[i] * x)
    while len(acc) > 0:
        total = total + np.sum(acc.pop())
    return total * x


@pytest.mark.parametrize("n", [1, 3, 4])
def test_control_flow_helpers_and_containers(n):
    x, w = RNG.normal(size=4), RNG.normal(size=4)
    J = tg.jacobian(control, wrt=(0, 1), mode="forward")(x, w, n)
    for Jk, name in zip(J, ("x", "w")):
        expected = tg.jacobian(control, wrt=name, mode="reverse")(x, w, n)
        np.testing.assert_allclose(Jk, expected, rtol=1e-10, atol=1e-12)
    src = tg.source(control, mode="forward-vector", wrt=(0, 1))
    assert "def _helper_jvp_vec(" in src and "no batched rule" not in src


# -- the API: jacobian(mode="forward") and hessian use the sweep --------------------

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")


def mlp(x, W, b):
    return np.tanh(W @ x + b)


def mlp_ag(x, W, b):
    return anp.tanh(anp.dot(W, x) + b)


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rosenbrock_ag(x):
    return anp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def _count_sweeps(monkeypatch) -> list:
    calls = []
    run = api._run

    def counting(d, values, seeds, check=None):
        calls.append(d.mode)
        return run(d, values, seeds, check)

    monkeypatch.setattr(api, "_run", counting)
    return calls


def test_forward_jacobian_is_one_sweep_per_chunk(monkeypatch):
    x, W, b = RNG.normal(size=300), RNG.normal(size=(5, 300)) / 10, RNG.normal(size=5)
    calls = _count_sweeps(monkeypatch)
    J = tg.jacobian(mlp, mode="forward")(x, W, b)
    assert calls == ["forward-vector"] * 5  # 300 columns, 64 per sweep
    np.testing.assert_allclose(J, autograd.jacobian(mlp_ag)(x, W, b), rtol=1e-10, atol=1e-12)
    JW = tg.jacobian(mlp, wrt="W", mode="forward")(x[:4], W[:3, :4], b[:3])
    np.testing.assert_allclose(JW, autograd.jacobian(mlp_ag, 1)(x[:4], W[:3, :4], b[:3]),
                               rtol=1e-10, atol=1e-12)


def test_hessian_is_one_sweep_per_chunk(monkeypatch):
    x = RNG.uniform(-1, 1, 130)
    calls = _count_sweeps(monkeypatch)
    H = tg.hessian(rosenbrock)(x)
    assert calls == ["forward-vector"] * 3
    np.testing.assert_allclose(H, autograd.hessian(rosenbrock_ag)(x), rtol=1e-10, atol=1e-10)
    hvp = tg.hvp(rosenbrock)
    v = RNG.normal(size=130)
    np.testing.assert_allclose(H @ v, hvp(x, v), rtol=1e-10, atol=1e-10)
    assert "no batched rule" not in tg.source(tg.grad(rosenbrock), mode="forward-vector")


def test_reverse_jacobian_is_one_sweep_per_chunk_of_rows(monkeypatch):
    """Vector mode over the vjp, with respect to its cotangent: 70 rows in
    two reverse sweeps, f's forward sweep once per sweep."""
    x, W, b = RNG.normal(size=6), RNG.normal(size=(70, 6)) / 3, RNG.normal(size=70)
    calls = _count_sweeps(monkeypatch)
    J = tg.jacobian(mlp, wrt=(0, 1))(x, W, b)
    assert calls == ["forward-vector"] * 2
    for k, Jk in enumerate(J):
        np.testing.assert_allclose(Jk, autograd.jacobian(mlp_ag, k)(x, W, b), rtol=1e-10, atol=1e-12)
    assert np.shape(tg.jacobian(mlp)(x[:0], W[:, :0], b)) == (70, 0)
    assert np.shape(tg.jacobian(mlp)(x, W[:0], b[:0])) == (0, 6)


def scaled_by_count(x, *rest):
    return np.sin(x) * len(rest)


def scaled_by_keyword(x, *, k=2.0):
    return np.sin(x) * k


def scaled_by_kwargs(x, **options):
    return np.sin(x) * options["k"]


def test_reverse_jacobian_of_variadic_and_keyword_functions():
    """The vjp of a `*args`/`**kwargs` function cannot be differentiated
    again: its rows come one vjp at a time, and agree with forward mode."""
    x = RNG.normal(size=4)
    for f, args, kwargs in [(scaled_by_count, (1, 2), {}), (scaled_by_keyword, (), {"k": 3.0}),
                            (scaled_by_kwargs, (), {"k": 3.0})]:
        J = tg.jacobian(f)(x, *args, **kwargs)
        np.testing.assert_allclose(J, tg.jacobian(f, mode="forward")(x, *args, **kwargs), rtol=1e-12)
        np.testing.assert_allclose(np.diag(J), np.cos(x) * f(np.pi / 2, *args, **kwargs), rtol=1e-12)


def bessel0(x):
    return np.i0(x)


# g * I1(x), I1 = I0' by its series: a function without source or rules,
# so the vjp below is not differentiable in g (the sweep needs that)
_times_bessel1 = np.vectorize(lambda g, t: g * sum((t / 2) ** (2 * k + 1) / (
    math.factorial(k) ** 2 * (k + 1)) for k in range(30)))


def _bessel0_adjoint(g, ans, x):
    return _times_bessel1(g, x)


def _bessel0_tangent(g, ans, x):
    return _times_bessel1(g, x)


def test_reverse_jacobian_falls_back_to_one_row_at_a_time(monkeypatch):
    tg.register_adjoint(bessel0)(_bessel0_adjoint)
    tg.register_tangent(bessel0)(_bessel0_tangent)
    x = RNG.normal(size=5)
    calls = _count_sweeps(monkeypatch)
    J = tg.jacobian(bessel0)(x)
    assert calls.count("reverse") == 5
    np.testing.assert_allclose(J, np.diag((np.i0(x + 1e-6) - np.i0(x - 1e-6)) / 2e-6), rtol=1e-7)


def indexed_energy(x, y):
    z = x[[0, 1], :, [1, 0]] * y  # advanced indices apart; y broadcast from (3,)
    w = np.zeros((2, 3))
    w[:, 1:] = z[:, :2] ** 2
    return np.sum(np.sin(z) * w) + np.sum(x[..., 0] ** 3)


def test_hessian_through_indexing_and_stores_matches_hvp():
    x, y = RNG.normal(size=(2, 3, 2)), RNG.normal(size=3)
    H = tg.hessian(indexed_energy, wrt=(0, 1))(x, y)
    hvp = tg.hvp(indexed_energy, wrt=(0, 1))
    for j, shape in enumerate([x.shape, y.shape]):
        for e in np.eye(int(np.prod(shape))):
            v = tuple(e.reshape(shape) if i == j else np.zeros(s) for i, s in
                      enumerate([x.shape, y.shape]))
            hv = hvp(x, y, v)
            for i in range(2):
                column = np.tensordot(H[i][j], e.reshape(shape), axes=len(shape))
                np.testing.assert_allclose(column, hv[i], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(H[0][1], np.moveaxis(H[1][0], 0, -1), rtol=1e-10, atol=1e-12)


def test_empty_and_scalar_inputs():
    J = tg.jacobian(mlp, mode="forward")(np.zeros(0), np.zeros((2, 0)), np.ones(2))
    assert J.shape == (2, 0)
    assert np.isclose(tg.jacobian(np.sin, mode="forward")(0.3), np.cos(0.3))
    assert np.isclose(tg.hessian(lambda_free_cube)(1.5), 9.0)


def lambda_free_cube(x):
    return x ** 3


def test_source_of_the_vector_sweep_reads_well():
    src = tg.source(rosenbrock, mode="forward-vector")
    assert src.startswith("def rosenbrock_jvp_vec(x, x_dot):\n"
                          "    # tangents carry a leading direction axis: x_dot[k] is direction k\n")
    assert "_t0_dot = x_dot[:, 1:]" in src
    assert "_rt.batch_axis(None, _t8)" in src


# -- the rule table: every elementwise rule and every batched form ------------------

from tests.test_rules import DIFFERENTIABLE, _id, cases  # noqa: E402

BATCH_SAFE = [fn for fn in DIFFERENTIABLE
              if RULES.get(fn).partials is not None or RULES.get(fn).batched is not None]


@pytest.mark.parametrize("fn", BATCH_SAFE, ids=_id)
def test_batch_safe_rules_match_one_direction_at_a_time(fn):
    """Three directions: as long as the axes of length 3 in the cases. The
    last cases of elementwise rules mix a scalar with an array."""
    rng = np.random.default_rng(4)
    elementwise = RULES.get(fn).partials is not None
    for c in cases(fn)[-2:] if elementwise else cases(fn):
        f = c.via or fn
        for k in c.wrt:
            tangent = rng.normal(size=(3,) + np.shape(c.args[k]))
            d = api._Derivative(f, "forward-vector", k)
            value, got = api._run(d, d.args(c.args, c.kwargs), (tangent,))
            jvp = tg.jvp(f, wrt=k)
            expected = np.stack([np.broadcast_to(jvp(*c.args, t if np.ndim(t) else float(t),
                                                     **c.kwargs)[1], np.shape(value))
                                 for t in tangent])
            assert np.shape(got) == np.shape(expected), f"{_id(fn)} {c}"
            np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12,
                                       err_msg=f"{_id(fn)}, argument {k}, {c}")


# -- containers inside the function: dicts, records, **kwargs ---------------------

def _through_a_dict(v, x):
    d = {"scale": x * v, "shift": np.sin(v)}
    return d["scale"] * d["shift"] + sum(t * t for t in v)


def _through_kwargs(v, x):
    def scaled(t, **options):
        return t * options["c"]
    return scaled(v, c=x * x) + np.tanh(scaled(x, c=v))


@pytest.mark.parametrize("f", [_through_a_dict, _through_kwargs])
def test_jacobian_through_containers_inside_the_function(f):
    rng = np.random.default_rng(5)
    v, x = rng.normal(size=3), 0.7
    for wrt in (0, 1):
        forward = tg.jacobian(f, wrt=wrt, mode="forward")(v, x)
        reverse = tg.jacobian(f, wrt=wrt, mode="reverse")(v, x)
        np.testing.assert_allclose(forward, reverse, rtol=1e-12, atol=1e-12)
        h = 1e-6
        args_hi, args_lo = [v.copy(), x], [v.copy(), x]
        e = np.eye(3) if wrt == 0 else np.ones((1,))
        cols = []
        for k in range(len(e)):
            args_hi[wrt] = (v + h * e[k]) if wrt == 0 else x + h
            args_lo[wrt] = (v - h * e[k]) if wrt == 0 else x - h
            cols.append((f(*args_hi) - f(*args_lo)) / (2 * h))
        expected = np.stack(cols, axis=-1) if wrt == 0 else cols[0]
        np.testing.assert_allclose(forward, expected, rtol=1e-6, atol=1e-8)
