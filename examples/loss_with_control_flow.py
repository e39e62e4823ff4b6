"""Differentiate a loss whose loop and branches depend on the data.

The loss below walks over a data vector ``x`` and, element by element,
decides at run time which formula to use.  A symbolic-differentiation tool
would first have to turn this into one big expression; tangentish instead
rewrites the *program*:

* reverse mode (``loss.grad``) runs the loop forwards once, remembering which
  branch each iteration took, then runs it backwards accumulating the
  adjoints  v̄ = ∂loss/∂v;
* forward mode (``loss.jvp``) carries a tangent  v̇ = ∂v/∂w  next to every
  value, through the very same loop and branches.

A second function shows a ``while`` loop that stops itself with ``break``
once the terms of a series are negligible.

Every derivative is checked against a central finite difference, and the
script exits with a non-zero status if one disagrees.

Run it from the repository root:

    python examples/loss_with_control_flow.py
"""

import numpy as np

import tangentish as tg


# ---------------------------------------------------------------------------
# The functions we differentiate
# ---------------------------------------------------------------------------

@tg.differentiate
def loss(w, x, t):
    z = 0.0
    for i in range(len(x)):
        if x[i] > 0:
            z = z + w * x[i]
        else:
            z = z - w * x[i] ** 2
    return 0.5 * (np.tanh(z) - t) ** 2


@tg.differentiate
def exp_series(x):
    # exp(x) = 1 + x + x**2/2! + x**3/3! + ...
    # Each term is the previous one times x / n.  The number of iterations is
    # decided at run time, so the derivative code has to record how many
    # times the loop ran before it can walk back through it.
    total = 1.0
    term = 1.0
    n = 0
    while n < 100:  # a safety cap: the break below fires long before
        n = n + 1
        term = term * x / n
        total = total + term
        if abs(term) < 1e-17 * abs(total):
            break
    return total


# ---------------------------------------------------------------------------
# Checking against finite differences (each example carries its own copy)
# ---------------------------------------------------------------------------

EPS = 1e-6


def central_difference(f, args, i, eps=EPS):
    """Approximate the derivative of ``f(*args)`` with respect to ``args[i]``.

    Uses (f(a + eps) - f(a - eps)) / (2 eps), whose error is O(eps**2).
    For an array argument each component is perturbed in turn and the
    result is the array of partial derivatives.
    """
    a = np.asarray(args[i], dtype=np.float64)
    derivative = np.zeros_like(a)
    for k in np.ndindex(a.shape):
        step = np.zeros_like(a)
        step[k] = eps
        plus, minus = list(args), list(args)
        plus[i], minus[i] = a + step, a - step
        if a.ndim == 0:  # keep Python floats as Python floats
            plus[i], minus[i] = float(plus[i]), float(minus[i])
        derivative[k] = (f(*plus) - f(*minus)) / (2 * eps)
    return derivative if a.ndim else float(derivative)


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

def main():
    x = np.array([1.0, -2.0, 3.0])
    w, t = 1.5, 0.3

    print("=== loss(w, x, t) with a data-dependent loop and branch ===")
    print(f"w = {w}, x = {x}, t = {t}")

    value = loss(w, x, t)  # a Differentiable is still an ordinary function
    dw = loss.grad(w, x, t)  # reverse mode, with respect to w (argument 0)
    value_fwd, dw_fwd = loss.jvp(w, x, t, 1.0)  # forward mode, seed w_dot = 1
    print(f"loss                    = {value}")
    print(f"d loss / d w  (reverse) = {dw}")
    print(f"d loss / d w  (forward) = {dw_fwd}")

    # Why (almost) zero?  Here z = w * (1 - 2**2 + 3) = 0 * w: the positive
    # and the negative elements cancel exactly, so at this x the loss does
    # not depend on w at all.  Any non-zero digits are rounding error.
    check_close("forward value equals the plain call", value_fwd, value)
    check_close("reverse agrees with forward", dw, dw_fwd)
    check_close("d loss / d w vs finite difference", dw,
                central_difference(loss, (w, x, t), 0))

    # The gradient with respect to the data is not zero: each x[i] enters
    # through the branch it took, w * x[i] or -w * x[i]**2.
    dx = tg.grad(loss, wrt="x")(w, x, t)
    print(f"d loss / d x            = {dx}")
    check_close("d loss / d x vs finite differences", dx,
                central_difference(loss, (w, x, t), 1))

    # A point where the gradient with respect to w is far from zero.
    x2, w2 = np.array([1.0, -2.0, 0.5]), 0.2
    value2, dw2 = loss.value_and_grad(w2, x2, t)
    print(f"at w = {w2}, x = {x2}: loss = {value2}, d loss / d w = {dw2}")
    check_close("d loss / d w vs finite difference (second point)", dw2,
                central_difference(loss, (w2, x2, t), 0))

    print("\nGenerated reverse-mode code (note the recorded branch decisions")
    print("and the loop run backwards):\n")
    print(loss.source(mode="reverse"))

    print("=== exp_series(x): a while loop that breaks when terms vanish ===")
    x0 = 0.7
    value, slope = exp_series.value_and_grad(x0)
    _, slope_fwd = exp_series.jvp(x0, 1.0)
    print(f"exp_series({x0})            = {value}")
    print(f"np.exp({x0})                = {np.exp(x0)}")
    print(f"d/dx exp_series  (reverse) = {slope}")
    print(f"d/dx exp_series  (forward) = {slope_fwd}")
    check_close("exp_series value vs np.exp", value, np.exp(x0),
                rtol=1e-14, atol=0.0)
    # d/dx exp(x) = exp(x): differentiating the series term by term gives
    # the same series back, one term shorter.
    check_close("derivative vs the exact exp(x)", slope, np.exp(x0),
                rtol=1e-12, atol=0.0)
    check_close("reverse agrees with forward", slope, slope_fwd,
                rtol=1e-12, atol=0.0)
    check_close("derivative vs finite difference", slope,
                central_difference(exp_series, (x0,), 0))

    print("\nGenerated forward-mode code (v_dot is the tangent of v):\n")
    print(exp_series.source(mode="forward"))

    print("All derivatives agree.")


if __name__ == "__main__":
    main()
