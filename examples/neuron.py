"""Backpropagation through one neuron is reverse-mode AD.

The computation graph of a single sigmoid neuron with a squared loss:

    z = w·x + b
    y = σ(z),          σ(z) = 1 / (1 + exp(-z))
    L = ½ (y - t)²

Backward pass, with adjoints v̄ = ∂L/∂v:

    L̄ = 1
    ȳ = L̄ (y - t)
    z̄ = ȳ σ'(z) = ȳ y (1 - y)
    w̄ = z̄ x,   b̄ = z̄

tangentish derives this from the Python code: the helper function
``sigmoid`` is differentiated too.  First with scalars, then with a weight
vector and ``np.dot``, where w̄ = z̄ x becomes a vector.

Run it from the repository root:

    python examples/neuron.py
"""

import numpy as np

import tangentish as tg


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def neuron_loss(w, x, b, t):
    z = w * x + b
    y = sigmoid(z)
    return 0.5 * (y - t) ** 2


def neuron_loss_vector(w, x, b, t):
    z = np.dot(w, x) + b
    y = sigmoid(z)
    return 0.5 * (y - t) ** 2


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


def check_close(what, got, expected, rtol=1e-6, atol=1e-9):
    """Raise AssertionError (so the script exits non-zero) on a mismatch."""
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        raise AssertionError(
            f"{what}: tangentish gives {got!r}, the check gives {expected!r}"
        )
    print(f"  ok  {what}")


def backprop_by_hand(z_of_w, x, b, t):
    """The backward pass written out; ``z_of_w`` is z = w·x (scalar)."""
    z = z_of_w + b
    y = 1.0 / (1.0 + np.exp(-z))
    y_bar = y - t
    z_bar = y_bar * y * (1.0 - y)
    return z_bar * x, z_bar  # (w_bar, b_bar)


# ---------------------------------------------------------------------------
# The demonstration
# ---------------------------------------------------------------------------

def main():
    print("=== one neuron, scalar weight ===")
    w, x, b, t = 0.5, 2.0, -0.3, 1.0
    args = (w, x, b, t)

    loss_and_grads = tg.value_and_grad(neuron_loss, wrt=("w", "b"))
    loss, (w_bar, b_bar) = loss_and_grads(*args)
    print(f"w = {w}, x = {x}, b = {b}, t = {t}")
    print(f"L = {loss}")
    print(f"dL/dw = {w_bar}, dL/db = {b_bar}")

    hand_w_bar, hand_b_bar = backprop_by_hand(w * x, x, b, t)
    check_close("value vs the plain call", loss, neuron_loss(*args),
                rtol=1e-14, atol=0.0)
    check_close("dL/dw vs hand backprop", w_bar, hand_w_bar, rtol=1e-12)
    check_close("dL/db vs hand backprop", b_bar, hand_b_bar, rtol=1e-12)
    check_close("dL/dw vs finite difference", w_bar,
                central_difference(neuron_loss, args, 0))
    check_close("dL/db vs finite difference", b_bar,
                central_difference(neuron_loss, args, 2))

    print("\nGenerated reverse-mode code (sigmoid's derivative included):\n")
    print(tg.source(neuron_loss, mode="reverse", wrt=("w", "b")))

    print("=== one neuron, weight vector and np.dot ===")
    w = np.array([0.2, -0.5, 0.1])
    x = np.array([1.0, 2.0, -1.5])
    b, t = 0.1, 1.0
    args = (w, x, b, t)

    w_bar, b_bar = tg.grad(neuron_loss_vector, wrt=("w", "b"))(*args)
    print(f"w = {w}, x = {x}, b = {b}, t = {t}")
    print(f"L = {neuron_loss_vector(*args)}")
    print(f"dL/dw = {w_bar}")
    print(f"dL/db = {b_bar}")

    hand_w_bar, hand_b_bar = backprop_by_hand(np.dot(w, x), x, b, t)
    check_close("dL/dw has the shape of w", np.shape(w_bar), np.shape(w),
                rtol=0.0, atol=0.0)
    check_close("dL/dw vs hand backprop (z_bar * x)", w_bar, hand_w_bar,
                rtol=1e-12)
    check_close("dL/db vs hand backprop", b_bar, hand_b_bar, rtol=1e-12)
    check_close("dL/dw vs finite differences", w_bar,
                central_difference(neuron_loss_vector, args, 0))
    check_close("dL/db vs finite difference", b_bar,
                central_difference(neuron_loss_vector, args, 2))

    print("\nGenerated reverse-mode code for the vector neuron:\n")
    print(tg.source(neuron_loss_vector, mode="reverse", wrt=("w", "b")))

    print("All derivatives agree.")


if __name__ == "__main__":
    main()
