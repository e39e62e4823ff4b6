"""Fit linear and logistic regression by gradient descent.

Both losses are written as plain NumPy code; tangentish turns each into a
function returning the loss and its gradient with respect to the weights
w (a vector) and the bias b (a scalar, broadcast over the data — so its
adjoint is a sum over the data points).

* Linear regression, squared loss:
      L(w, b) = mean((X w + b - t)²)
* Logistic regression, binary cross-entropy:
      y = σ(X w + b)
      L(w, b) = -mean(t ln y + (1 - t) ln(1 - y))

Before training, each gradient is checked once against central finite
differences; after training, the fitted parameters are compared with the
ones that generated the data.

Run it from the repository root:

    python examples/regression.py
"""

import numpy as np

import tangentish as tg


def squared_loss(w, b, X, t):
    residual = X @ w + b - t
    return np.mean(residual**2)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def cross_entropy_loss(w, b, X, t):
    y = sigmoid(X @ w + b)
    return -np.mean(t * np.log(y) + (1.0 - t) * np.log(1.0 - y))


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


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------

def gradient_descent(loss, w, b, X, t, learning_rate, steps, report_every):
    """Plain gradient descent on (w, b); returns the fitted (w, b)."""
    loss_and_grad = tg.value_and_grad(loss, wrt=("w", "b"))

    # Check the derivative once, at the starting point.
    value, (w_bar, b_bar) = loss_and_grad(w, b, X, t)
    check_close("dL/dw vs finite differences", w_bar,
                central_difference(loss, (w, b, X, t), 0))
    check_close("dL/db vs finite difference", b_bar,
                central_difference(loss, (w, b, X, t), 1))

    first = value
    for step in range(steps + 1):
        value, (w_bar, b_bar) = loss_and_grad(w, b, X, t)
        if step % report_every == 0:
            print(f"  step {step:4d}   loss {value:.6f}")
        w = w - learning_rate * w_bar
        b = b - learning_rate * b_bar
    if not value < first:
        raise AssertionError(f"the loss did not go down: {first} -> {value}")
    return w, b


def main():
    rng = np.random.default_rng(0)

    print("=== linear regression, squared loss ===")
    true_w, true_b = np.array([2.0, -1.0, 0.5]), 0.3
    X = rng.normal(size=(100, 3))
    t = X @ true_w + true_b + 0.1 * rng.normal(size=100)

    w, b = gradient_descent(squared_loss, np.zeros(3), 0.0, X, t,
                            learning_rate=0.1, steps=100, report_every=20)
    print(f"  fitted w = {np.round(w, 3)}, b = {b:.3f}")
    print(f"  true   w = {true_w}, b = {true_b}")
    check_close("fitted parameters are near the true ones",
                np.append(w, b), np.append(true_w, true_b), rtol=0.0,
                atol=0.1)

    print("\nGenerated reverse-mode code for the squared loss:\n")
    print(tg.source(squared_loss, mode="reverse", wrt=("w", "b")))

    print("=== logistic regression, binary cross-entropy ===")
    true_w, true_b = np.array([1.5, -2.0]), 0.5
    X = rng.normal(size=(300, 2))
    labels_probability = sigmoid(X @ true_w + true_b)
    t = (rng.random(300) < labels_probability).astype(np.float64)

    w, b = gradient_descent(cross_entropy_loss, np.zeros(2), 0.0, X, t,
                            learning_rate=0.5, steps=300, report_every=60)
    accuracy = np.mean((sigmoid(X @ w + b) > 0.5) == (t == 1.0))
    print(f"  fitted w = {np.round(w, 3)}, b = {b:.3f}")
    print(f"  true   w = {true_w}, b = {true_b}")
    print(f"  training accuracy = {accuracy:.2%}")
    if accuracy < 0.75:
        raise AssertionError(f"training accuracy is only {accuracy:.2%}")

    print("\nGenerated reverse-mode code for the cross-entropy loss:\n")
    print(tg.source(cross_entropy_loss, mode="reverse", wrt=("w", "b")))

    print("All derivatives agree.")


if __name__ == "__main__":
    main()
