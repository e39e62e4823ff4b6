"""Forward and reverse mode on  f(x1, x2) = ln(x1) + x1·x2 - sin(x2)  at (2, 5).

The Wengert list of f (inputs v₋₁ = x1, v₀ = x2):

    v1 = ln(v₋₁)
    v2 = v₋₁ · v₀
    v3 = sin(v₀)
    v4 = v1 + v2
    v5 = v4 - v3        (= f)

Forward mode pushes one *tangent* v̇ = ∂v/∂(direction) along with each
value, so one sweep gives the derivative along one input direction: seeding
(ẋ1, ẋ2) = (1, 0) gives ∂f/∂x1, seeding (0, 1) gives ∂f/∂x2 — two sweeps
for two inputs.

Reverse mode runs the list once forwards and once backwards, accumulating
the *adjoints* v̄ = ∂f/∂v; a single backward sweep yields both x̄1 and x̄2.

Exact answers: ∂f/∂x1 = 1/x1 + x2 = 5.5 and ∂f/∂x2 = x1 - cos(x2) ≈ 1.7163.

Run it from the repository root:

    python examples/two_variable.py
"""

import numpy as np

import tangentish as tg


def f(x1, x2):
    return np.log(x1) + x1 * x2 - np.sin(x2)


# ---------------------------------------------------------------------------
# Checking against finite differences (each example carries its own copy)
# ---------------------------------------------------------------------------

EPS = 1e-6


def central_difference(func, args, i, eps=EPS):
    """∂func/∂args[i] ≈ (func(.., a + eps, ..) - func(.., a - eps, ..)) / 2eps."""
    plus, minus = list(args), list(args)
    plus[i] = args[i] + eps
    minus[i] = args[i] - eps
    return (func(*plus) - func(*minus)) / (2 * eps)


def check_close(what, got, expected, rtol=1e-6, atol=1e-9):
    """Raise AssertionError (so the script exits non-zero) on a mismatch."""
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        raise AssertionError(
            f"{what}: tangentish gives {got!r}, the check gives {expected!r}"
        )
    print(f"  ok  {what}")


# ---------------------------------------------------------------------------
# The demonstration
# ---------------------------------------------------------------------------

def main():
    x1, x2 = 2.0, 5.0
    exact = (1.0 / x1 + x2, x1 - np.cos(x2))
    numeric = (central_difference(f, (x1, x2), 0),
               central_difference(f, (x1, x2), 1))

    print(f"=== f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at ({x1}, {x2}) ===")
    print(f"f = {f(x1, x2)}")

    # -- forward mode: one sweep per input direction ------------------------
    f_jvp = tg.jvp(f, wrt=(0, 1))  # takes (x1, x2, x1_dot, x2_dot)
    value, df_dx1 = f_jvp(x1, x2, 1.0, 0.0)
    _, df_dx2 = f_jvp(x1, x2, 0.0, 1.0)
    print("\nforward mode (two sweeps):")
    print(f"  seed (1, 0): f = {value}, df/dx1 = {df_dx1}")
    print(f"  seed (0, 1): f = {value}, df/dx2 = {df_dx2}")

    # Any other seed gives the directional derivative along it, ∇f · v.
    v = (0.6, -0.8)
    _, along_v = f_jvp(x1, x2, *v)
    print(f"  seed {v}: directional derivative = {along_v}")

    # -- reverse mode: one sweep for all inputs ------------------------------
    grads = tg.grad(f, wrt=(0, 1))(x1, x2)  # a tuple, in the order of wrt
    print("\nreverse mode (one sweep):")
    print(f"  (df/dx1, df/dx2) = {grads}")

    # vjp exposes the seed of the backward sweep, f_bar; 1.0 gives the
    # gradient, 2.0 would give twice the gradient.
    value_r, (x1_bar, x2_bar) = tg.vjp(f, wrt=(0, 1))(x1, x2, 1.0)
    print(f"  vjp with f_bar = 1: f = {value_r}, x1_bar = {x1_bar}, "
          f"x2_bar = {x2_bar}")

    # wrt can name a parameter; a single entry gives a bare number.
    df_dx2_by_name = tg.grad(f, wrt="x2")(x1, x2)
    print(f"  tg.grad(f, wrt='x2') -> {df_dx2_by_name}")

    print("\nchecks:")
    check_close("value, forward vs plain call", value, f(x1, x2),
                rtol=1e-14, atol=0.0)
    check_close("value, reverse vs plain call", value_r, f(x1, x2),
                rtol=1e-14, atol=0.0)
    check_close("forward df/dx1 vs exact 1/x1 + x2", df_dx1, exact[0],
                rtol=1e-12)
    check_close("forward df/dx2 vs exact x1 - cos(x2)", df_dx2, exact[1],
                rtol=1e-12)
    check_close("reverse gradient vs forward mode", grads, (df_dx1, df_dx2),
                rtol=1e-12)
    check_close("vjp cotangents vs grad", (x1_bar, x2_bar), grads,
                rtol=1e-12)
    check_close("grad by name vs grad by position", df_dx2_by_name, grads[1],
                rtol=1e-12)
    check_close("directional derivative vs gradient · v", along_v,
                grads[0] * v[0] + grads[1] * v[1], rtol=1e-12)
    check_close("reverse gradient vs finite differences", grads, numeric)

    print("\nGenerated forward-mode code (x1_dot, x2_dot are the seeds):\n")
    print(tg.source(f, mode="forward", wrt=(0, 1)))
    print("Generated reverse-mode code:\n")
    print(tg.source(f, mode="reverse", wrt=(0, 1)))

    print("All derivatives agree.")


if __name__ == "__main__":
    main()
