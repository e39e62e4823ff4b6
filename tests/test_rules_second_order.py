"""Second derivatives of every rule, through the whole pipeline.

A rule's body is inlined into derivative code, which is differentiated
again for Hessians and higher derivatives: so each rule is checked once
more, forward over reverse. For a random cotangent w, `g(x) = J(x)^T w`
is the generated vjp; its jvp along a direction d must match the central
difference of g along d. One case per rule (the first in test_rules.py).
"""
import numpy as np
import pytest

import tangentish as tg
from tangentish.rules import available
from tests.test_rules import DIFFERENTIABLE, RNG, _id, cases, random_like


def _central(g, args, k, d, eps):
    hi, lo = list(args), list(args)
    hi[k] = args[k] + eps * d
    lo[k] = args[k] - eps * d
    return (np.asarray(g(*hi)) - np.asarray(g(*lo))) / (2 * eps)


# Rules whose derivative code calls runtime helpers that have no rules of
# their own: their second derivatives raise a NoRuleError naming the
# helper. Strict, so a rule added for one of them shows up here. (Empty:
# every helper that derivative code calls has rules.)
GAPS = set()


def _second_order_cases():
    for fn in DIFFERENTIABLE:
        marks = ()
        if getattr(fn, "__module__", "").startswith("numpy") and fn.__name__ in GAPS:
            marks = pytest.mark.xfail(raises=tg.TangentishError, strict=True,
                                      reason="its derivative code calls a runtime helper "
                                             "without rules")
        yield pytest.param(fn, id=_id(fn), marks=marks)


def _second_order_setup(fn, c, k):
    """For fn's case c and its argument k: a cotangent w, a direction d, the
    generated vjp, and g(*args) = J^T w, whose derivative along d is checked."""
    f = c.via or fn
    value = f(*c.args, **c.kwargs)
    w = random_like(value, RNG, lambda v: RNG.normal(size=np.shape(v)) if np.ndim(v) else 0.7)
    d = RNG.normal(size=np.shape(c.args[k])) if np.ndim(c.args[k]) else 1.0
    back = tg.vjp(f, wrt=k)

    def g(*xs):
        return back(*xs, w, **c.kwargs)[1]

    return value, w, d, back, g


@pytest.mark.parametrize("fn", list(_second_order_cases()))
def test_rule_second_order(fn):
    c = cases(fn)[0]
    k = c.wrt[0]
    _, w, d, back, g = _second_order_setup(fn, c, k)
    (_, grad), (_, hess_d) = tg.jvp(back, wrt=k)(*c.args, w, d, **c.kwargs)
    np.testing.assert_allclose(grad, g(*c.args), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(hess_d, _central(g, c.args, k, d, max(c.eps, 1e-5)),
                               rtol=max(c.rtol, 1e-5), atol=1e-7)


# Reverse over reverse: the vjp of the generated vjp, with a zero cotangent for
# its value and d for its gradient, is H d as well; for the functions whose
# derivative code calls the helpers in rules/derivative_helpers.py, in every
# case and argument of test_rules.py.
REVERSE_OVER_REVERSE = [np.append, np.bincount, np.convolve, np.corrcoef, np.correlate, np.cov,
                        np.ediff1d, np.linalg.eigh, np.linalg.eigvalsh, np.interp, np.median,
                        np.partition, np.percentile, np.polyadd, np.polyder, np.polyint, np.polymul,
                        np.polysub, np.polyval, np.linalg.qr, np.quantile, np.resize, np.linalg.svd,
                        np.linalg.tensorinv, np.linalg.tensorsolve, np.vander,
                        *available(np, "trapezoid"), *available(np.linalg, "svdvals")]


@pytest.mark.parametrize("fn", REVERSE_OVER_REVERSE, ids=_id)
def test_rule_reverse_over_reverse(fn):
    for c in cases(fn):
        for k in c.wrt:
            value, w, d, back, g = _second_order_setup(fn, c, k)
            no_value = random_like(value, RNG, lambda v: np.zeros(np.shape(v)) if np.ndim(v) else 0.0)
            _, hess_d = tg.vjp(back, wrt=k)(*c.args, w, (no_value, d), **c.kwargs)
            expected = _central(g, c.args, k, d, max(c.eps, 1e-5))
            scale = max(1.0, np.max(np.abs(expected), initial=0.0))  # differences lose digits on large values
            np.testing.assert_allclose(hess_d, expected, rtol=max(c.rtol, 1e-5), atol=1e-7 * scale,
                                       err_msg=f"{c}, argument {k}")


# Runtime helpers that generated code may call and that have no rules yet,
# so derivative code calling them cannot be differentiated again (a located
# NoRuleError says so). `add_at` updates its argument in place and needs
# none: the frontend reads `_rt.add_at(x_bar, i, g)` as the store
# `x_bar[i] = _rt.added_at(x_bar, i, g)` (normalize.py), which has rules.
# A new helper must get rules (rules/runtime_rules.py or
# rules/derivative_helpers.py) or be listed.
NO_RULES_YET = {
    "add_at",
    "arguments",  # binds a call's `*`/`**` unpacking at run time: no derivative flows through it
}


def test_runtime_helpers_have_rules():
    import inspect

    from tangentish import runtime
    from tangentish.rules import RULES
    without = {name for name, f in vars(runtime).items()
               if inspect.isfunction(f) and f.__module__ == runtime.__name__
               and not name.startswith("_") and f not in RULES}
    assert without == NO_RULES_YET, (
        f"new helpers without rules: {sorted(without - NO_RULES_YET)}; "
        f"listed but now with rules: {sorted(NO_RULES_YET - without)}")


NORMS = [np.linalg.norm] + [getattr(np.linalg, n) for n in ("vector_norm", "matrix_norm")
                            if hasattr(np.linalg, n)]


@pytest.mark.parametrize("fn", NORMS, ids=_id)
def test_norm_hessians_for_every_order(fn):
    """Each norm case, differentiated twice: the p-norms, Frobenius and the
    matrix norms through the SVD (nuc, 2, -2) have Hessians, the piecewise
    linear norms a zero one."""
    for c in cases(fn):
        back = tg.vjp(fn, wrt=0)
        w = RNG.normal(size=np.shape(fn(*c.args, **c.kwargs))) if np.ndim(fn(*c.args, **c.kwargs)) else 0.7
        d = RNG.normal(size=np.shape(c.args[0]))

        def g(*xs):
            return back(*xs, w, **c.kwargs)[1]

        _, (_, hess_d) = tg.jvp(back, wrt=0)(*c.args, w, d, **c.kwargs)
        np.testing.assert_allclose(hess_d, _central(g, c.args, 0, d, 1e-5), rtol=1e-5, atol=1e-7,
                                   err_msg=f"{_id(fn)}{c.args[1:]} {c.kwargs}")


# ----------------------------------------------------------- dense Hessians
# tg.hessian runs the derivative code in vector mode, where the helpers'
# rules have no batched form and go one direction at a time

def order_statistics(x):
    return np.quantile(np.sin(x), 0.3) + np.median(x * x) + np.sum(
        np.interp(x, [-1.0, 0.0, 2.0], [0.5, -1.0, 3.0]) ** 2)


def correlations(x):
    return np.sum(np.corrcoef(x) ** 2) + np.sum(np.cov(x) ** 2)


def singular_cubes(a):
    return np.sum(np.linalg.svd(a, compute_uv=False) ** 3) + np.linalg.eigvalsh(a.T @ a)[-1]


HESSIANS = [(order_statistics, RNG.normal(size=5)), (correlations, RNG.normal(size=(2, 5))),
            (singular_cubes, RNG.normal(size=(3, 2)))]


@pytest.mark.parametrize("f,x", HESSIANS, ids=[f.__name__ for f, _ in HESSIANS])
def test_dense_hessian(f, x):
    hessian = tg.hessian(f)(x).reshape(x.size, x.size)
    grad = tg.grad(f)
    columns = [_central(grad, (x,), 0, np.reshape(e, x.shape), 1e-5).ravel() for e in np.eye(x.size)]
    np.testing.assert_allclose(hessian, np.transpose(columns), rtol=1e-5, atol=1e-7)


# ----------------------------------------------------------- third derivatives
# where the rules close under differentiation, a third derivative works:
# jvp of jvp of vjp, against central differences of the second derivative

def prod_rows(x):
    return np.prod(x, 1)


def cholesky_of(a):
    return np.linalg.cholesky(a @ a.T + 3.0 * np.eye(3))


def inverse_square(a):
    return np.linalg.matrix_power(a, -2)


def pinv_of(a):
    return np.linalg.pinv(a)


def kron_square(a):
    return np.kron(a, a * a)


def einsum_chain(a):
    return np.einsum("ij,jk,kl->il", a, a * a, a)


def einsum_diagonal(a):
    return np.einsum("ii,ij->j", a, np.sin(a))


def eigh_of(a):
    w, v = np.linalg.eigh(a + a.T)
    return w[:, None] * v * v  # v * v: the same whichever signs eigh picks


def svd_of(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return (u * u) @ (s[:, None] * vh * vh)


def qr_of(a):
    return np.linalg.qr(a)[1]


def svdvals_of(a):
    return np.linalg.svd(a, compute_uv=False)


def tensorinv_of(a):
    return np.linalg.tensorinv(np.reshape(a, (2, 2, 4)))


def cov_of(x):
    return np.cov(x * x)


def polyval_of(x):
    return np.polyval(x, x)


def vander_of(x):
    return np.vander(np.sin(x), 4)


def convolve_of(x):
    return np.convolve(x, x * x, "same")


def trapezoid_of(x):
    return np.trapezoid(np.sin(x), np.cumsum(np.exp(x[:, 0])), axis=0)


def quantile_of(x):
    return np.quantile(np.sin(x), 0.3 + 0.1 * np.tanh(x[:2]))  # x moves both the data and q


def percentile_of(x):
    return np.percentile(x * x, 40.0 + 10.0 * np.tanh(x[0]))


def interp_of(x):
    return np.interp(0.5 * x, np.cumsum(np.exp(x[:4])) - 2.0, np.sin(x[:4]))


def _with_zeros(x, *where):
    x = x.copy()
    for index in where:
        x[index] = 0.0
    return x


THIRD = [(prod_rows, RNG.normal(size=(2, 5))), (prod_rows, _with_zeros(RNG.normal(size=(2, 5)), (0, 1))),
         (prod_rows, _with_zeros(RNG.normal(size=(3, 4)), (0, 1), (1, 2), (1, 3), (2, 0), (2, 1), (2, 2))),
         (cholesky_of, RNG.normal(size=(3, 3))), (inverse_square, RNG.normal(size=(3, 3)) + 3.0 * np.eye(3)),
         (pinv_of, RNG.normal(size=(3, 2))), (kron_square, RNG.normal(size=(2, 3))),
         (einsum_chain, RNG.normal(size=(3, 3))), (einsum_diagonal, RNG.normal(size=(3, 3))),
         (eigh_of, RNG.normal(size=(3, 3))), (svd_of, RNG.normal(size=(3, 2))), (qr_of, RNG.normal(size=(3, 3))),
         (svdvals_of, RNG.normal(size=(2, 3))), (tensorinv_of, RNG.normal(size=(4, 4)) + 3.0 * np.eye(4)),
         (cov_of, RNG.normal(size=(2, 4))), (polyval_of, RNG.normal(size=4)), (vander_of, RNG.normal(size=3)),
         (convolve_of, RNG.normal(size=4)), (trapezoid_of, RNG.normal(size=(4, 2))),
         (quantile_of, RNG.normal(size=6)), (percentile_of, RNG.normal(size=5)), (interp_of, RNG.normal(size=6))]


@pytest.mark.parametrize("f,x", THIRD, ids=[f.__name__ for f, _ in THIRD])
def test_third_derivative(f, x):
    w, d, e = RNG.normal(size=np.shape(f(x))), RNG.normal(size=x.shape), RNG.normal(size=x.shape)
    second = tg.jvp(tg.vjp(f), wrt=0)

    def hess_d(x):
        return second(x, w, d)[1][1]

    (_, (_, hd)), (_, (_, third)) = tg.jvp(second, wrt=0)(x, w, d, e)
    np.testing.assert_allclose(hd, hess_d(x), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(third, _central(hess_d, (x,), 0, e, 1e-5), rtol=1e-5, atol=1e-7)


def cumprod_of(x):
    return np.cumprod(x)


def nuclear_norm(a):
    return np.linalg.norm(a, "nuc")


def corrcoef_of(x):
    return np.corrcoef(x)


@pytest.mark.parametrize("f,x,order,name", [(prod_rows, RNG.normal(size=(2, 4)), 4, "np.prod"),
                                            (cumprod_of, RNG.normal(size=4), 3, "np.cumprod"),
                                            (corrcoef_of, RNG.normal(size=(2, 5)), 3, "np.corrcoef"),
                                            (nuclear_norm, RNG.normal(size=(3, 2)), 3, "the matrix norm")])
def test_refused_beyond_the_rules(f, x, order, name):
    """np.prod has rules up to its third derivative, np.cumprod, np.corrcoef
    and the matrix norms through the SVD up to their second; one more is
    refused when it would be computed, naming it."""
    d = RNG.normal(size=x.shape)
    derivative, args = tg.vjp(f), [x, RNG.normal(size=np.shape(f(x)))]
    for _ in range(order - 2):
        derivative, args = tg.jvp(derivative, wrt=0), args + [d]
    derivative(*args)  # one order below the limit works
    ordinal = {3: "third", 4: "fourth"}[order]
    with pytest.raises(tg.TangentishError, match=f"{ordinal} and higher derivatives of {name}"):
        tg.jvp(derivative, wrt=0)(*args, d)
