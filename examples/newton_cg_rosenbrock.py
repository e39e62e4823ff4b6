"""Newton-CG on the 100-dimensional Rosenbrock function, with exact
Hessian-vector products.

    f(x) = sum_i 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2,   minimum f(1, ..., 1) = 0

Newton's method solves H p = -g for each step. Newton-CG solves it with
conjugate gradients, which only needs products H v, never H itself. tangentish
computes them forward over reverse: `tg.hvp(f)` is the forward-mode derivative
of the generated gradient code, so one product costs a small multiple of one
gradient, and the 100 x 100 Hessian is never formed.

    minimize(f, x0, method="Newton-CG", jac=tg.grad(f), hessp=tg.hvp(f))

The script checks both against SciPy's hand-written `rosen_der` and
`rosen_hess_prod`, minimizes, then times an HVP against a gradient on
1,000 dimensions.

Requires SciPy, which tangentish itself does not need:

    python -m pip install scipy   # or: python -m pip install -e ".[examples]"
    python examples/newton_cg_rosenbrock.py
"""
# requires: scipy

import timeit

import numpy as np
from scipy.optimize import minimize, rosen_der, rosen_hess_prod

import tangentish as tg


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def check_close(what, got, expected, rtol=1e-9, atol=1e-9):
    """Raise AssertionError (so the script exits non-zero) on a mismatch."""
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        raise AssertionError(f"{what}: tangentish gives {got!r}, the check gives {expected!r}")
    print(f"  ok  {what}")


def main():
    grad = tg.grad(rosenbrock)
    hvp = tg.hvp(rosenbrock)
    rng = np.random.default_rng(0)

    print("Derivatives against SciPy's hand-written ones (100 dimensions):")
    x = rng.uniform(-1.5, 1.5, 100)
    v = rng.normal(size=100)
    check_close("gradient == rosen_der", grad(x), rosen_der(x))
    check_close("H v == rosen_hess_prod", hvp(x, v), rosen_hess_prod(x, v))
    eps = 1e-6
    check_close("H v == central difference of the gradient", hvp(x, v),
                (grad(x + eps * v) - grad(x - eps * v)) / (2 * eps), rtol=1e-6, atol=1e-5)

    print("\nNewton-CG from x0 = (-1.2, 1, -1.2, 1, ...):")
    x0 = np.tile([-1.2, 1.0], 50)
    result = minimize(rosenbrock, x0, method="Newton-CG", jac=grad, hessp=hvp,
                      options={"xtol": 1e-10})
    print(f"  f = {result.fun:.3e} after {result.nit} iterations, "
          f"{result.njev} gradients, {result.nhev} Hessian-vector products")
    check_close("converged to (1, ..., 1)", result.x, np.ones(100), rtol=0, atol=1e-6)

    print("\nCost of one HVP relative to one gradient (1,000 dimensions):")
    x = rng.uniform(-1.5, 1.5, 1000)
    v = rng.normal(size=1000)
    grad(x), hvp(x, v)  # generate the code outside the timing
    t_grad = min(timeit.repeat(lambda: grad(x), number=200, repeat=5)) / 200
    t_hvp = min(timeit.repeat(lambda: hvp(x, v), number=200, repeat=5)) / 200
    print(f"  gradient {t_grad * 1e6:.1f} us, HVP {t_hvp * 1e6:.1f} us: "
          f"ratio {t_hvp / t_grad:.2f}")

    print("\nThe generated code of the Hessian-vector product (forward over reverse):\n")
    print(tg.source(tg.grad(rosenbrock), mode="forward"))


if __name__ == "__main__":
    main()
