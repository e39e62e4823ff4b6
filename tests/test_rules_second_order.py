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
from tests.test_rules import DIFFERENTIABLE, RNG, _id, cases, random_like


def _central(g, args, k, d, eps):
    hi, lo = list(args), list(args)
    hi[k] = args[k] + eps * d
    lo[k] = args[k] - eps * d
    return (np.asarray(g(*hi)) - np.asarray(g(*lo))) / (2 * eps)


# Rules whose derivative code calls runtime helpers that have no rules of
# their own yet (products, linalg, polynomials, order statistics, and the
# partials of prod/var/std/norm): their second derivatives raise a NoRuleError naming the helper. Strict, so
# a rule added for one of them shows up here.
GAPS = {"append", "bincount", "convolve", "corrcoef", "correlate", "cov",
        "ediff1d", "eigh", "eigvalsh",
        "interp", "median",
        "partition", "percentile", "polyadd",
        "polyder", "polyint", "polymul", "polysub", "polyval", "qr", "quantile", "resize",
        "svd", "svdvals", "tensorinv", "tensorsolve", "trapezoid",
        "vander"}


def _second_order_cases():
    for fn in DIFFERENTIABLE:
        marks = ()
        if getattr(fn, "__module__", "").startswith("numpy") and fn.__name__ in GAPS:
            marks = pytest.mark.xfail(raises=tg.TangentishError, strict=True,
                                      reason="its derivative code calls a runtime helper "
                                             "without rules")
        yield pytest.param(fn, id=_id(fn), marks=marks)


@pytest.mark.parametrize("fn", list(_second_order_cases()))
def test_rule_second_order(fn):
    c = cases(fn)[0]
    f, k = c.via or fn, c.wrt[0]
    value = f(*c.args, **c.kwargs)
    w = random_like(value, RNG, lambda v: RNG.normal(size=np.shape(v)) if np.ndim(v) else 0.7)
    d = RNG.normal(size=np.shape(c.args[k])) if np.ndim(c.args[k]) else 1.0
    back = tg.vjp(f, wrt=k)

    def g(*xs):
        return back(*xs, w, **c.kwargs)[1]

    (_, grad), (_, hess_d) = tg.jvp(back, wrt=k)(*c.args, w, d, **c.kwargs)
    np.testing.assert_allclose(grad, g(*c.args), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(hess_d, _central(g, c.args, k, d, max(c.eps, 1e-5)),
                               rtol=max(c.rtol, 1e-5), atol=1e-7)


# Runtime helpers that generated code may call and that have no rules yet,
# so derivative code calling them cannot be differentiated again (a located
# NoRuleError says so). `add_at` updates its argument in place and needs
# none: the frontend reads `_rt.add_at(x_bar, i, g)` as the store
# `x_bar[i] = _rt.added_at(x_bar, i, g)` (normalize.py), which has rules.
# A new helper must get rules (rules/runtime_rules.py) or be listed.
NO_RULES_YET = {
    "add_at", "append_vjp", "bincount_vjp",
    "convolve_vjp", "corrcoef_jvp", "corrcoef_vjp", "correlate_vjp",
    "cov_jvp", "cov_vjp",
    "ediff1d_jvp", "ediff1d_vjp", "eigh_jvp", "eigh_vjp", "eigvalsh_jvp", "eigvalsh_vjp",
    "interp_jvp", "interp_partials",
    "interp_vjp", "median_partial",
    "partition_jvp", "partition_vjp", "polyadd_vjp",
    "polyder_vjp", "polyint_vjp", "polyval_partial_x", "polyval_vjp_p", "qr_jvp",
    "qr_vjp", "quantile_jvp_q", "quantile_jvp_x", "quantile_partial_q", "quantile_vjp_q", "quantile_vjp_x",
    "resize_vjp", "svd_jvp",
    "svd_vjp", "svdvals_jvp", "svdvals_vjp", "tensorinv_jvp",
    "tensorinv_vjp", "tensorsolve_jvp", "tensorsolve_vjp", "trapezoid_jvp_x", "trapezoid_vjp", "unpermute",
    "vander_partial",
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


def _smooth_norm(c) -> bool:
    """Whether the Hessian of the norm case exists here: not through the SVD."""
    ord = c.kwargs.get("ord", c.args[1] if len(c.args) > 1 else None)
    matrix = np.ndim(c.args[0]) >= 2 and (len(c.args) < 3 or np.size(c.args[2]) == 2) and (
        ord is not None or "ord" in c.kwargs)
    return not (matrix and ord in ("nuc", 2, -2))


NORMS = [np.linalg.norm] + [getattr(np.linalg, n) for n in ("vector_norm", "matrix_norm")
                            if hasattr(np.linalg, n)]


@pytest.mark.parametrize("fn", NORMS, ids=_id)
def test_norm_hessians_for_every_order(fn):
    """Each norm case, differentiated twice: the p-norms and Frobenius have
    Hessians, the piecewise linear norms a zero one; through the SVD
    (nuc, 2, -2 of matrices) the second derivative is refused."""
    for c in cases(fn):
        back = tg.vjp(fn, wrt=0)
        w = RNG.normal(size=np.shape(fn(*c.args, **c.kwargs))) if np.ndim(fn(*c.args, **c.kwargs)) else 0.7
        d = RNG.normal(size=np.shape(c.args[0]))

        def g(*xs):
            return back(*xs, w, **c.kwargs)[1]

        if not _smooth_norm(c):
            with pytest.raises(tg.TangentishError, match="SVD"):
                tg.jvp(back, wrt=0)(*c.args, w, d, **c.kwargs)
            continue
        _, (_, hess_d) = tg.jvp(back, wrt=0)(*c.args, w, d, **c.kwargs)
        np.testing.assert_allclose(hess_d, _central(g, c.args, 0, d, 1e-5), rtol=1e-5, atol=1e-7,
                                   err_msg=f"{_id(fn)}{c.args[1:]} {c.kwargs}")


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


def _with_zeros(x, *where):
    x = x.copy()
    for index in where:
        x[index] = 0.0
    return x


THIRD = [(prod_rows, RNG.normal(size=(2, 5))), (prod_rows, _with_zeros(RNG.normal(size=(2, 5)), (0, 1))),
         (prod_rows, _with_zeros(RNG.normal(size=(3, 4)), (0, 1), (1, 2), (1, 3), (2, 0), (2, 1), (2, 2))),
         (cholesky_of, RNG.normal(size=(3, 3))), (inverse_square, RNG.normal(size=(3, 3)) + 3.0 * np.eye(3)),
         (pinv_of, RNG.normal(size=(3, 2))), (kron_square, RNG.normal(size=(2, 3))),
         (einsum_chain, RNG.normal(size=(3, 3))), (einsum_diagonal, RNG.normal(size=(3, 3)))]


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


@pytest.mark.parametrize("f,x,order,name", [(prod_rows, RNG.normal(size=(2, 4)), 4, "np.prod"),
                                            (cumprod_of, RNG.normal(size=4), 3, "np.cumprod")])
def test_refused_beyond_the_rules(f, x, order, name):
    """np.prod has rules up to its third derivative, np.cumprod up to its
    second; one more is refused when it would be computed, naming it."""
    d = RNG.normal(size=x.shape)
    derivative, args = tg.vjp(f), [x, RNG.normal(size=np.shape(f(x)))]
    for _ in range(order - 2):
        derivative, args = tg.jvp(derivative, wrt=0), args + [d]
    derivative(*args)  # one order below the limit works
    ordinal = {3: "third", 4: "fourth"}[order]
    with pytest.raises(tg.TangentishError, match=f"{ordinal} and higher derivatives of {name}"):
        tg.jvp(derivative, wrt=0)(*args, d)
