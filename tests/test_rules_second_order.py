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
GAPS = {"append", "average", "bincount", "cholesky", "convolve", "corrcoef", "correlate", "cov",
        "cumprod", "cumulative_prod", "cumulative_sum", "ediff1d", "eigh", "eigvalsh", "einsum",
        "interp", "kron", "matrix_power", "median", "nancumprod",
        "nanprod", "partition", "percentile", "pinv", "polyadd",
        "polyder", "polyint", "polymul", "polysub", "polyval", "prod", "qr", "quantile", "resize",
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
# NoRuleError says so). `add_at` updates its argument in place and never
# will. A new helper must get rules (rules/runtime_rules.py) or be listed.
NO_RULES_YET = {
    "add_at", "append_vjp", "average_jvp_w", "average_vjp_a", "average_vjp_w", "bincount_vjp",
    "cholesky_jvp", "cholesky_vjp", "convolve_vjp", "corrcoef_jvp", "corrcoef_vjp", "correlate_vjp",
    "cov_jvp", "cov_vjp", "cumprod_jvp", "cumprod_vjp", "cumulative_prod_jvp", "cumulative_vjp",
    "ediff1d_jvp", "ediff1d_vjp", "eigh_jvp", "eigh_vjp", "eigvalsh_jvp", "eigvalsh_vjp",
    "einsum_jvp", "einsum_vjp", "interp_jvp", "interp_partials",
    "interp_vjp", "kron_vjp", "matrix_power_jvp", "matrix_power_vjp", "median_partial",
    "partition_jvp", "partition_vjp", "pinv_jvp", "pinv_vjp", "polyadd_vjp",
    "polyder_vjp", "polyint_vjp", "polyval_partial_x", "polyval_vjp_p", "prod_others", "qr_jvp",
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
