"""An array filled by a loop, entry by entry: `out[i] = ...`.

The explicit Euler method for  y' = -k·y + sin(t)  writes each step into
the array that holds the trajectory. Tracing frameworks refuse this
(autograd and JAX reject assignment into arrays); tangentish differentiates
it as written. In reverse mode the forward sweep saves each entry just
before it is overwritten, and the reverse sweep hands that entry's adjoint
to the value stored there, clears it, and puts the old entry back.

The derivatives of the final state with respect to k and to the initial
value y0 are checked against central finite differences, in both modes.

Run it from the repository root:

    python examples/fill_array.py
"""

import numpy as np

import tangentish as tg


def trajectory_end(k, y0, dt, n):
    y = np.zeros(n + 1)
    y[0] = y0
    for i in range(n):
        y[i + 1] = y[i] + dt * (-k * y[i] + np.sin(i * dt))
    return y[n] ** 2 + 0.1 * np.sum(y)


EPS = 1e-6


def central_difference(func, args, i, eps=EPS):
    plus, minus = list(args), list(args)
    plus[i] = args[i] + eps
    minus[i] = args[i] - eps
    return (func(*plus) - func(*minus)) / (2 * eps)


def check_close(what, got, expected, rtol=1e-6, atol=1e-9):
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        raise AssertionError(f"{what}: tangentish gives {got!r}, the check gives {expected!r}")
    print(f"  ok  {what}")


def main():
    args = (0.8, 1.5, 0.05, 40)
    print("=== the end of an Euler trajectory, filled in place ===")
    print(f"value = {trajectory_end(*args)}")
    dk, dy0 = tg.grad(trajectory_end, wrt=("k", "y0"))(*args)
    _, dk_fwd = tg.jvp(trajectory_end, wrt="k")(*args, 1.0)
    for what, got, i in [("d/dk (reverse)", dk, 0), ("d/dy0 (reverse)", dy0, 1),
                         ("d/dk (forward)", dk_fwd, 0)]:
        check_close(what, got, central_difference(trajectory_end, args, i))
    print("\nthe reverse-mode code tangentish wrote:\n")
    print(tg.source(trajectory_end, wrt=("k", "y0")))


if __name__ == "__main__":
    main()
