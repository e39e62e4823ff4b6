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
from tests.test_rules import DIFFERENTIABLE, RNG, _id, cases


def _central(g, args, k, d, eps):
    hi, lo = list(args), list(args)
    hi[k] = args[k] + eps * d
    lo[k] = args[k] - eps * d
    return (np.asarray(g(*hi)) - np.asarray(g(*lo))) / (2 * eps)


# Rules whose derivative code calls runtime helpers that have no rules of
# their own yet (products, linalg, and the partials of prod/var/std/norm):
# their second derivatives raise a NoRuleError naming the helper. Strict, so
# a rule added for one of them shows up here.
GAPS = {"append", "average", "cumprod", "einsum", "inner", "kron", "cholesky", "eigvalsh",
        "matrix_norm", "matrix_power", "norm", "pinv", "solve", "svdvals", "tensordot",
        "vecdot", "vector_norm", "nanprod", "nanstd", "nanvar", "prod", "std", "var"}


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
    w = RNG.normal(size=np.shape(value)) if np.ndim(value) else 0.7
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
    "add_at", "append_vjp", "average_jvp_w", "average_vjp_a", "average_vjp_w", "cholesky_jvp",
    "cholesky_vjp", "cumprod_jvp", "cumprod_vjp", "eigvalsh_jvp", "eigvalsh_vjp", "einsum_jvp",
    "einsum_vjp", "inner_vjp_a", "inner_vjp_b", "kron_vjp", "matrix_norm_partial",
    "matrix_power_jvp", "matrix_power_vjp", "norm_partial", "pinv_jvp", "pinv_vjp",
    "prod_others", "solve_jvp_a", "solve_vjp_a", "solve_vjp_b", "std_partial", "svdvals_jvp",
    "svdvals_vjp", "tensordot_vjp_a", "tensordot_vjp_b", "var_partial", "vecdot_vjp",
    "vector_norm_partial",
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
