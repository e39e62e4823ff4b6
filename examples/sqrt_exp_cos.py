"""Reverse mode on  f(x) = sqrt(x² + exp(x²)) + cos(x² + exp(x²)).

This is the classic lecture example.  Written as a Wengert list (one
elementary operation per line) the function is

    a = x²          ∂a/∂x = 2x
    b = exp(a)      ∂b/∂a = exp(a)
    c = a + b       ∂c/∂a = ∂c/∂b = 1
    d = sqrt(c)     ∂d/∂c = 1 / (2 sqrt(c))
    e = cos(c)      ∂e/∂c = -sin(c)
    f = d + e       ∂f/∂d = ∂f/∂e = 1

and reverse mode walks the list backwards, accumulating the adjoints
v̄ = ∂f/∂v, starting from f̄ = 1:

    d̄ = f̄,  ē = f̄
    c̄ = d̄ / (2 sqrt(c)) - ē sin(c)       (c feeds both d and e)
    b̄ = c̄
    ā = b̄ exp(a) + c̄                     (a feeds both b and c)
    x̄ = ā · 2x

Below we do exactly that by hand, let tangentish do it from the one-line
definition, print the code it generated (the same Wengert list, run
backwards), and check all three numbers against a finite difference.

Run it from the repository root:

    python examples/sqrt_exp_cos.py
"""

import math

import numpy as np

import tangentish as tg


def f(x):
    return math.sqrt(x**2 + math.exp(x**2)) + math.cos(x**2 + math.exp(x**2))


# ---------------------------------------------------------------------------
# Checking against finite differences (each example carries its own copy)
# ---------------------------------------------------------------------------

EPS = 1e-6


def central_difference(func, x, eps=EPS):
    """(func(x + eps) - func(x - eps)) / (2 eps): error O(eps**2)."""
    return (func(x + eps) - func(x - eps)) / (2 * eps)


def check_close(what, got, expected, rtol=1e-6, atol=1e-8):
    """Raise AssertionError (so the script exits non-zero) on a mismatch."""
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        raise AssertionError(
            f"{what}: tangentish gives {got!r}, the check gives {expected!r}"
        )
    print(f"  ok  {what}")


# ---------------------------------------------------------------------------
# The demonstration
# ---------------------------------------------------------------------------

def by_hand(x):
    """The primal trace and the adjoint trace, written out."""
    print("primal trace (forward sweep):")
    a = x**2
    b = math.exp(a)
    c = a + b
    d = math.sqrt(c)
    e = math.cos(c)
    f_value = d + e
    for name, v in [("x", x), ("a", a), ("b", b), ("c", c),
                    ("d", d), ("e", e), ("f", f_value)]:
        print(f"  {name} = {v: .12f}")

    print("adjoint trace (reverse sweep), v_bar = df/dv:")
    f_bar = 1.0
    d_bar = f_bar
    e_bar = f_bar
    c_bar = d_bar / (2.0 * math.sqrt(c)) - e_bar * math.sin(c)
    b_bar = c_bar
    a_bar = b_bar * math.exp(a) + c_bar
    x_bar = a_bar * 2.0 * x
    for name, v in [("f_bar", f_bar), ("d_bar", d_bar), ("e_bar", e_bar),
                    ("c_bar", c_bar), ("b_bar", b_bar), ("a_bar", a_bar),
                    ("x_bar", x_bar)]:
        print(f"  {name} = {v: .12f}")
    return f_value, x_bar


def main():
    x = 1.0
    print(f"=== f(x) = sqrt(x² + exp(x²)) + cos(x² + exp(x²)), x = {x} ===\n")

    value_by_hand, slope_by_hand = by_hand(x)

    value, slope = tg.value_and_grad(f)(x)
    print(f"\ntangentish: f({x}) = {value}, f'({x}) = {slope}")

    check_close("value vs the plain call", value, f(x),
                rtol=1e-14, atol=0.0)
    check_close("value vs the hand trace", value, value_by_hand,
                rtol=1e-14, atol=0.0)
    check_close("derivative vs the hand adjoint trace", slope, slope_by_hand,
                rtol=1e-12, atol=0.0)
    check_close("derivative vs finite difference", slope,
                central_difference(f, x))

    print("\nGenerated reverse-mode code:\n")
    print(tg.source(f, mode="reverse"))

    print("All derivatives agree.")


if __name__ == "__main__":
    main()
